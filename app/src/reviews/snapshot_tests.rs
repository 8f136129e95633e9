use super::*;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap_or_default()
}

fn item(id: i32, category_id: i32, priority: Priority, status: Status) -> LiveItem {
    LiveItem {
        id,
        category_id,
        title: format!("Item {id}"),
        facts: ItemFacts {
            priority,
            status,
            blocking: priority == Priority::Critical,
            effort_hours: Some(2.0),
            accepted_until: None,
            evidence: None,
            evidence_until: None,
        },
        assignee: None,
    }
}

fn cats() -> Vec<LiveCategory> {
    vec![
        LiveCategory {
            id: 1,
            name: "Security".into(),
            weight: 2,
            assessor: None,
        },
        LiveCategory {
            id: 2,
            name: "Reliability".into(),
            weight: 1,
            assessor: None,
        },
    ]
}

fn risk(id: i32, current: (i32, i32)) -> LiveRisk {
    LiveRisk {
        id,
        title: format!("Risk {id}"),
        category_id: Some(1),
        status: RiskStatus::Open,
        current,
        target: (1, 1),
    }
}

fn base_items() -> Vec<LiveItem> {
    use Priority::*;
    use Status::*;
    vec![
        item(10, 1, Critical, Open),
        item(11, 1, High, Done),
        item(12, 2, Medium, InProgress),
        item(13, 2, Low, Done),
    ]
}

fn snap(cats: &[LiveCategory], items: &[LiveItem], risks: &[LiveRisk]) -> Snapshot {
    take(day(), 80, cats, items, risks, &RiskMatrix::default())
}

#[test]
fn a_snapshot_carries_the_scores_the_checklist_shows() {
    let s = snap(&cats(), &base_items(), &[risk(1, (4, 5))]);
    // Security: high done 4 of 12 → 33; Reliability: low done 1 of 3 → 33.
    assert_eq!(s.categories[0].computed, Some(33));
    assert_eq!(s.categories[1].computed, Some(33));
    assert_eq!(s.overall, Some(33));
    assert_eq!(s.verdict, Verdict::NotReady);
    assert_eq!(s.items.len(), 4);
    assert_eq!(s.risks[0].level, Level::Critical);
    assert_eq!(s.format_version, FORMAT_VERSION);
    // It survives a JSON round trip unchanged.
    let json = serde_json::to_string(&s).unwrap_or_default();
    assert_eq!(serde_json::from_str::<Snapshot>(&json).ok(), Some(s));
}

#[test]
fn identical_snapshots_have_an_empty_diff() {
    let s = snap(&cats(), &base_items(), &[risk(1, (2, 2))]);
    let d = diff(&s, &s.clone());
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(d.overall_delta, Some(0));
    assert!(d.categories.iter().all(|c| c.delta == Some(0)));
}

#[test]
fn fixes_regressions_new_removed_and_priority_changes_are_each_seen() {
    use Priority::*;
    use Status::*;
    let old = snap(&cats(), &base_items(), &[]);
    let mut items = base_items();
    items[0].facts.status = Done; // fixed (critical, blocking)
    items[1].facts.status = Open; // regression
    items[2].facts.priority = High; // priority change, still in progress
    items.remove(3); // deleted
    items.push(item(14, 2, Low, Open)); // new
    let new = snap(&cats(), &items, &[]);
    let d = diff(&old, &new);
    let ids = |v: &[ItemChange<Status>]| v.iter().map(|c| c.item.id).collect::<Vec<_>>();
    assert_eq!(ids(&d.fixed), [10]);
    assert_eq!((d.fixed[0].from, d.fixed[0].to), (Open, Done));
    assert_eq!(ids(&d.regressions), [11]);
    assert_eq!(d.priority_changes.len(), 1);
    assert_eq!(
        (
            d.priority_changes[0].item.id,
            d.priority_changes[0].from,
            d.priority_changes[0].to
        ),
        (12, Medium, High)
    );
    assert_eq!(d.new_items.iter().map(|i| i.id).collect::<Vec<_>>(), [14]);
    assert_eq!(d.removed_items[0].id, 13);
    assert_eq!(d.removed_items[0].category, "Reliability");
    assert_eq!(d.verdict, (Verdict::NotReady, Verdict::ReadyWithGaps));
    // Security: critical done 8 of 12 → 67 (was 33); Reliability: nothing done of
    // high + low → 0 (was 33).
    assert_eq!(d.categories[0].delta, Some(34));
    assert_eq!(d.categories[1].delta, Some(-33));
    assert_eq!(d.overall_delta, new.overall.map(|o| i32::from(o) - 33));
    assert!(new.overall.is_some());
    assert!(!d.is_empty());
}

#[test]
fn accepted_counts_as_fixed_and_not_applicable_does_not() {
    use Priority::*;
    use Status::*;
    let old = snap(
        &cats(),
        &[item(1, 1, High, Open), item(2, 1, High, Open)],
        &[],
    );
    let new = snap(
        &cats(),
        &[
            item(1, 1, High, AcceptedRisk),
            item(2, 1, High, NotApplicable),
        ],
        &[],
    );
    let d = diff(&old, &new);
    assert_eq!(d.fixed.iter().map(|c| c.item.id).collect::<Vec<_>>(), [1]);
    assert!(d.regressions.is_empty());
}

#[test]
fn renamed_and_removed_categories_are_named_not_lost() {
    let old = snap(&cats(), &base_items(), &[]);
    let mut renamed = cats();
    renamed[0].name = "AppSec".into();
    renamed.remove(1);
    renamed.push(LiveCategory {
        id: 3,
        name: "Operations".into(),
        weight: 1,
        assessor: Some(70),
    });
    let items: Vec<LiveItem> = base_items()
        .into_iter()
        .filter(|i| i.category_id == 1)
        .collect();
    let new = snap(&renamed, &items, &[]);
    let d = diff(&old, &new);
    let sec = &d.categories[0];
    assert_eq!(
        (sec.name.as_str(), sec.renamed_from.as_deref()),
        ("AppSec", Some("Security"))
    );
    assert_eq!(sec.delta, Some(0));
    let ops = &d.categories[1];
    assert!(ops.added && ops.before.is_none() && ops.after == Some(70));
    let rel = &d.categories[2];
    assert!(rel.removed && rel.name == "Reliability" && rel.after.is_none());
    // Items of the removed category are reported as removed, under its old name.
    assert!(d.removed_items.iter().all(|i| i.category == "Reliability"));
    assert_eq!(d.removed_items.len(), 2);
}

#[test]
fn risk_level_changes_new_and_removed_risks() {
    let old = snap(
        &cats(),
        &[],
        &[risk(1, (2, 2)), risk(2, (5, 5)), risk(3, (1, 1))],
    );
    let new = snap(
        &cats(),
        &[],
        &[risk(1, (4, 5)), risk(3, (1, 2)), risk(4, (3, 3))],
    );
    let d = diff(&old, &new);
    let changes: Vec<(i32, Option<Level>, Option<Level>)> = d
        .risk_changes
        .iter()
        .map(|r| (r.id, r.from, r.to))
        .collect();
    assert_eq!(
        changes,
        [
            (1, Some(Level::Low), Some(Level::Critical)),
            (4, None, Some(Level::Medium)),
            (2, Some(Level::Critical), None),
        ],
        "risk 3 moved cell but kept its level"
    );
    let levels = new.risk_levels_by_category();
    assert_eq!(levels[&Some(1)], Level::Critical);
}

#[test]
fn an_expired_acceptance_is_frozen_as_open() {
    use Priority::*;
    let mut i = item(1, 1, High, Status::AcceptedRisk);
    i.facts.accepted_until = NaiveDate::from_ymd_opt(2026, 1, 1);
    let s = snap(&cats(), &[i], &[]);
    assert_eq!(s.items[0].status, Status::Open);
}
