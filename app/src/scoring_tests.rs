use super::*;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
}

fn item(priority: Priority, status: Status) -> ItemFacts {
    ItemFacts {
        priority,
        status,
        blocking: false,
        effort_hours: None,
        accepted_until: None,
        evidence: None,
        evidence_until: None,
    }
}

fn cat(items: Vec<ItemFacts>) -> CategoryFacts {
    CategoryFacts {
        weight: 1,
        assessor_score: None,
        items,
    }
}

use Priority::*;
use Status::*;

#[test]
fn weights_follow_priority() {
    // done high (4) + open medium (2) + done low (1): 5 of 7 → 71.43 → 71.
    let c = cat(vec![item(High, Done), item(Medium, Open), item(Low, Done)]);
    assert_eq!(score_category(&c, day()).computed, Some(71));
    // done critical (8) of critical + low: 8 of 9 → 88.9 → 89.
    let c = cat(vec![item(Critical, Done), item(Low, InProgress)]);
    assert_eq!(score_category(&c, day()).computed, Some(89));
}

#[test]
fn not_applicable_items_are_left_out() {
    let with = cat(vec![item(High, Done), item(Critical, NotApplicable)]);
    let without = cat(vec![item(High, Done)]);
    assert_eq!(score_category(&with, day()).computed, Some(100));
    assert_eq!(
        score_category(&with, day()).computed,
        score_category(&without, day()).computed
    );
    assert_eq!(score_category(&with, day()).counts.not_applicable, 1);
    let only_na = cat(vec![item(High, NotApplicable)]);
    assert_eq!(score_category(&only_na, day()).computed, None);
}

#[test]
fn accepted_risks_are_credited_and_counted_apart_until_they_expire() {
    let mut accepted = item(High, AcceptedRisk);
    accepted.accepted_until = day().succ_opt();
    let c = cat(vec![accepted, item(High, Open)]);
    let s = score_category(&c, day());
    assert_eq!(s.computed, Some(50));
    assert_eq!((s.counts.accepted, s.counts.done, s.counts.open), (1, 0, 1));

    accepted.accepted_until = day().pred_opt();
    let c = cat(vec![accepted, item(High, Open)]);
    let s = score_category(&c, day());
    assert_eq!(s.computed, Some(0), "expired acceptance counts as open");
    assert_eq!((s.counts.accepted, s.counts.open), (0, 2));
    // The last day still holds.
    accepted.accepted_until = Some(day());
    assert_eq!(accepted.effective_status(day()), AcceptedRisk);
}

#[test]
fn empty_categories_are_left_out_of_the_overall() {
    let cats = vec![cat(vec![item(Low, Done)]), cat(vec![])];
    let s = score_project(&cats, 80, day());
    assert_eq!(s.categories[1].computed, None);
    assert_eq!(s.overall, Some(100));
    assert_eq!(score_project(&[], 80, day()).overall, None);
}

#[test]
fn assessor_score_replaces_computed_in_the_overall() {
    let mut a = cat(vec![item(Low, Done)]); // computed 100
    a.assessor_score = Some(30);
    let b = cat(vec![item(Low, Open)]); // computed 0
    let s = score_project(&[a.clone(), b], 80, day());
    assert_eq!(s.categories[0].computed, Some(100));
    assert_eq!(s.categories[0].effective, Some(30));
    assert_eq!(s.overall, Some(15));
    // An assessor score counts even for a category without items.
    let mut empty = cat(vec![]);
    empty.assessor_score = Some(60);
    assert_eq!(score_project(&[empty], 80, day()).overall, Some(60));
}

#[test]
fn overall_is_weighted_by_category_and_rounded_half_up() {
    let mut a = cat(vec![item(Low, Done)]); // 100
    a.weight = 3;
    let b = cat(vec![item(Low, Open)]); // 0
    assert_eq!(score_project(&[a, b], 80, day()).overall, Some(75));
    // 1 of 8 = 12.5 → 13 (half away from zero).
    let c = cat(vec![
        item(Low, Done),
        item(Low, Open),
        item(Low, Open),
        item(Low, Open),
        item(Low, Open),
        item(Low, Open),
        item(Low, Open),
        item(Low, Open),
    ]);
    assert_eq!(score_category(&c, day()).computed, Some(13));
    // Weight 0 leaves a category out.
    let mut zero = cat(vec![item(Low, Open)]);
    zero.weight = 0;
    let full = cat(vec![item(Low, Done)]);
    assert_eq!(score_project(&[zero, full], 80, day()).overall, Some(100));
}

#[test]
fn a_blocking_gap_overrides_any_score() {
    let mut blocker = item(Low, InProgress);
    blocker.blocking = true;
    let many_done: Vec<ItemFacts> = (0..50).map(|_| item(Critical, Done)).collect();
    let mut items = many_done.clone();
    items.push(blocker);
    let s = score_project(&[cat(items)], 80, day());
    assert_eq!(s.overall, Some(100));
    assert_eq!(s.verdict, Verdict::NotReady);
    assert_eq!(s.counts.blocking_gaps, 1);

    blocker.status = Done;
    let mut items = many_done;
    items.push(blocker);
    assert_eq!(
        score_project(&[cat(items)], 80, day()).verdict,
        Verdict::Ready
    );

    // A blocking item that does not apply blocks nothing.
    let mut na = item(Critical, NotApplicable);
    na.blocking = true;
    let s = score_project(&[cat(vec![na, item(Low, Done)])], 80, day());
    assert_eq!(s.verdict, Verdict::Ready);
}

#[test]
fn below_threshold_without_blockers_is_ready_with_gaps() {
    let c = cat(vec![item(High, Done), item(High, Open)]); // 50
    assert_eq!(
        score_project(std::slice::from_ref(&c), 80, day()).verdict,
        Verdict::ReadyWithGaps
    );
    assert_eq!(score_project(&[c], 50, day()).verdict, Verdict::Ready);
    assert_eq!(
        score_project(&[], 80, day()).verdict,
        Verdict::ReadyWithGaps
    );
}

#[test]
fn effort_sums_gaps_and_blocking_gaps() {
    let with = |p, s, blocking, h: f64| ItemFacts {
        priority: p,
        status: s,
        blocking,
        effort_hours: Some(h),
        accepted_until: None,
        evidence: None,
        evidence_until: None,
    };
    let c = cat(vec![
        with(Critical, Open, true, 8.0),
        with(High, InProgress, true, 4.5),
        with(Medium, Open, false, 2.0),
        with(Low, Done, true, 100.0),
        with(Low, NotApplicable, false, 50.0),
        item(Low, Open), // no estimate
    ]);
    let s = score_project(&[c], 80, day());
    assert_eq!(s.effort_to_ready, 12.5);
    assert_eq!(s.effort_remaining, 14.5);
}

#[test]
fn words_round_trip() {
    for p in Priority::ALL {
        assert_eq!(Priority::parse(p.as_str()), Some(p));
    }
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    assert_eq!(Status::parse("closed"), None);
    assert_eq!(Status::parse("Done"), None, "stored words are lower case");
    assert_eq!(Priority::parse(""), None);
}

#[test]
fn closed_is_everything_but_a_gap_and_credit_leaves_out_not_applicable() {
    use Status::*;
    let closed: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_closed()).collect();
    assert_eq!(closed, [Done, NotApplicable, AcceptedRisk]);
    let gaps: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_gap()).collect();
    assert_eq!(gaps, [Open, InProgress]);
    let credited: Vec<Status> = Status::ALL
        .into_iter()
        .filter(|s| s.is_credited())
        .collect();
    assert_eq!(credited, [Done, AcceptedRisk]);
}

#[test]
fn display_is_the_stored_word_and_labels_are_for_people() {
    let shown: Vec<String> = Status::ALL.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "open",
            "in_progress",
            "done",
            "not_applicable",
            "accepted_risk"
        ]
    );
    assert_eq!(Status::AcceptedRisk.label(), "Accepted risk");
    assert_eq!(Priority::Critical.to_string(), "critical");
    assert_eq!(Priority::Low.label(), "Low");
}

/// The database stores the same words the API speaks; a word it does not know is an
/// error when the row is read, not a silent "open".
#[cfg(feature = "ssr")]
#[test]
fn the_database_form_is_the_stored_word() {
    use sea_orm::ActiveEnum;
    for s in Status::ALL {
        assert_eq!(s.to_value(), s.as_str());
        assert_eq!(Status::try_from_value(&s.as_str().to_owned()).ok(), Some(s));
    }
    for p in Priority::ALL {
        assert_eq!(p.to_value(), p.as_str());
    }
    assert!(Status::try_from_value(&"closed".to_owned()).is_err());
    assert!(Priority::try_from_value(&"urgent".to_owned()).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_priority() -> impl Strategy<Value = Priority> {
        prop::sample::select(Priority::ALL.to_vec())
    }
    fn any_status() -> impl Strategy<Value = Status> {
        prop::sample::select(Status::ALL.to_vec())
    }
    fn any_item() -> impl Strategy<Value = ItemFacts> {
        (
            any_priority(),
            any_status(),
            any::<bool>(),
            prop::option::of(0.0f64..100.0),
        )
            .prop_map(|(priority, status, blocking, effort_hours)| ItemFacts {
                priority,
                status,
                blocking,
                effort_hours,
                accepted_until: None,
                evidence: None,
                evidence_until: None,
            })
    }
    fn any_category() -> impl Strategy<Value = CategoryFacts> {
        (
            0u32..5,
            prop::option::of(0u8..=100),
            prop::collection::vec(any_item(), 0..30),
        )
            .prop_map(|(weight, assessor_score, items)| CategoryFacts {
                weight,
                assessor_score,
                items,
            })
    }

    proptest! {
        #[test]
        fn scores_stay_within_0_and_100(cats in prop::collection::vec(any_category(), 0..8), threshold in 0u8..=100) {
            let s = score_project(&cats, threshold, day());
            for c in &s.categories {
                prop_assert!(c.computed.is_none_or(|v| v <= 100));
                prop_assert!(c.effective.is_none_or(|v| v <= 100));
            }
            prop_assert!(s.overall.is_none_or(|v| v <= 100));
            prop_assert!(s.effort_to_ready <= s.effort_remaining + 1e-9);
        }

        #[test]
        fn adding_a_done_item_never_lowers_the_computed_score(c in any_category(), p in any_priority()) {
            let before = score_category(&c, day()).computed.unwrap_or(0);
            let mut more = c.clone();
            more.items.push(item(p, Done));
            let after = score_category(&more, day()).computed;
            prop_assert!(after.is_some_and(|a| a >= before));
        }

        #[test]
        fn not_applicable_changes_nothing_but_the_denominator(c in any_category(), p in any_priority(), blocking in any::<bool>()) {
            let mut more = c.clone();
            more.items.push(ItemFacts { blocking, ..item(p, NotApplicable) });
            let (a, b) = (score_category(&c, day()), score_category(&more, day()));
            prop_assert_eq!(a.computed, b.computed);
            prop_assert_eq!(a.effective, b.effective);
            let (pa, pb) = (score_project(std::slice::from_ref(&c), 80, day()), score_project(&[more], 80, day()));
            prop_assert_eq!(pa.verdict, pb.verdict);
            prop_assert_eq!(pa.overall, pb.overall);
        }
    }
}

#[test]
fn stale_evidence_counts_as_open_from_the_day_after_its_last_day() {
    let until = day();
    let done = |kind, blocking| ItemFacts {
        blocking,
        evidence: Some(kind),
        evidence_until: Some(until),
        ..item(Critical, Done)
    };
    let c = vec![cat(vec![
        done(EvidenceKind::Measured, true),
        ItemFacts {
            evidence: Some(EvidenceKind::Attested),
            ..item(High, Done)
        },
    ])];
    // On its last day it holds: 12 of 12, ready; 8 of the 12 done weight measured.
    let on = score_project(&c, 80, until);
    assert_eq!(on.overall, Some(100));
    assert_eq!(on.verdict, Verdict::Ready);
    assert_eq!(on.counts.stale, 0);
    assert_eq!(on.evidence.measured_percent(), Some(67));
    // The day after: the critical item counts as open (and stale), blocking the verdict.
    let after = score_project(&c, 80, until.succ_opt().unwrap_or(until));
    assert_eq!(after.overall, Some(33));
    assert_eq!(after.verdict, Verdict::NotReady);
    assert_eq!(
        (after.counts.stale, after.counts.open, after.counts.done),
        (1, 1, 1)
    );
    assert_eq!(after.evidence.stale, 8);
    assert_eq!(after.evidence.measured_percent(), Some(0));
    // Items that are not done never go stale, whatever their date.
    let open = ItemFacts {
        evidence_until: Some(until),
        ..item(Low, Open)
    };
    assert!(!open.is_stale(until.succ_opt().unwrap_or(until)));
}
