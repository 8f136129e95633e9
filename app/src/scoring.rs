//! Scores, verdict and effort, exactly as DESIGN.md defines them. Pure: plain values in, plain
//! values out, no database and no Leptos, so the server, the browser and the tests agree.
//!
//! - Item weight by priority: critical 8, high 4, medium 2, low 1.
//! - Item credit: done 1, accepted risk 1 (counted separately as accepted), in progress 0,
//!   open 0; not-applicable items are left out. An accepted risk past its expiry counts as open.
//! - Category computed score = round(100 × Σ(credit × weight) / Σ weight) over its applicable
//!   items; no applicable items, no computed score.
//! - Category effective score = the assessor's score when set, else the computed score. A
//!   category without an effective score is left out of the overall.
//! - Overall = round(Σ(category weight × effective) / Σ category weight).
//! - Verdict: not ready while any blocking item is open or in progress; otherwise ready when the
//!   overall reaches the threshold, else ready with gaps (also when there is no overall yet).
//! - Effort to ready = Σ effort of open/in-progress blocking items; effort remaining = Σ effort
//!   of every open/in-progress applicable item.
//!
//! Rounding is half away from zero on exact integer arithmetic (no float drift).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How much an item matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Weight 1.
    Low,
    /// Weight 2.
    Medium,
    /// Weight 4.
    High,
    /// Weight 8; blocking by default.
    Critical,
}

impl Priority {
    /// Every priority, most severe first.
    pub const ALL: [Priority; 4] = [
        Priority::Critical,
        Priority::High,
        Priority::Medium,
        Priority::Low,
    ];

    /// The scoring weight.
    pub fn weight(self) -> u64 {
        match self {
            Priority::Critical => 8,
            Priority::High => 4,
            Priority::Medium => 2,
            Priority::Low => 1,
        }
    }

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }

    /// Parses the stored word.
    pub fn parse(s: &str) -> Option<Self> {
        Priority::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Priority::Critical => "Critical",
            Priority::High => "High",
            Priority::Medium => "Medium",
            Priority::Low => "Low",
        }
    }
}

/// Where an item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started.
    Open,
    /// Being worked on.
    InProgress,
    /// Finished (with evidence when the project asks for it).
    Done,
    /// Does not apply to this project (needs a reason); left out of scores.
    NotApplicable,
    /// Knowingly not fixed (needs a reason and an expiry); credited, counted as accepted.
    AcceptedRisk,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::InProgress,
        Status::Done,
        Status::NotApplicable,
        Status::AcceptedRisk,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::NotApplicable => "not_applicable",
            Status::AcceptedRisk => "accepted_risk",
        }
    }

    /// Parses the stored word.
    pub fn parse(s: &str) -> Option<Self> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::InProgress => "In progress",
            Status::Done => "Done",
            Status::NotApplicable => "Not applicable",
            Status::AcceptedRisk => "Accepted risk",
        }
    }

    /// Still a gap: open or in progress.
    pub fn is_gap(self) -> bool {
        matches!(self, Status::Open | Status::InProgress)
    }

    /// No longer a gap: done, not applicable or accepted. Closing stamps who closed it and
    /// when; reopening clears that.
    pub fn is_closed(self) -> bool {
        !self.is_gap()
    }

    /// Earns the item's weight in the score: done, or an accepted risk (not applicable is
    /// left out of the score instead). A gap that becomes credited counts as fixed in a
    /// review's diff and in a report.
    pub fn is_credited(self) -> bool {
        matches!(self, Status::Done | Status::AcceptedRisk)
    }
}

impl std::fmt::Display for Priority {
    /// The stored word, as in the API and the database.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Status {
    /// The stored word, as in the API and the database.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What scoring needs of an item.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemFacts {
    /// Priority.
    pub priority: Priority,
    /// Stored status.
    pub status: Status,
    /// Blocks the release while a gap.
    pub blocking: bool,
    /// Estimated hours of work, if estimated.
    pub effort_hours: Option<f64>,
    /// For accepted risks: the last day the acceptance holds.
    pub accepted_until: Option<NaiveDate>,
}

impl ItemFacts {
    /// The status that counts on `today`: an accepted risk past its expiry is open again.
    pub fn effective_status(&self, today: NaiveDate) -> Status {
        match (self.status, self.accepted_until) {
            (Status::AcceptedRisk, Some(until)) if until < today => Status::Open,
            (status, _) => status,
        }
    }
}

/// What scoring needs of a category.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryFacts {
    /// Weight in the overall score (0 leaves it out).
    pub weight: u32,
    /// The assessor's score 0–100, when set.
    pub assessor_score: Option<u8>,
    /// Its items.
    pub items: Vec<ItemFacts>,
}

/// Counts of items by how they stand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Counts {
    /// Open (including expired accepted risks).
    pub open: u32,
    /// In progress.
    pub in_progress: u32,
    /// Done.
    pub done: u32,
    /// Accepted risks still in force.
    pub accepted: u32,
    /// Not applicable.
    pub not_applicable: u32,
    /// Blocking gaps (open or in progress and blocking).
    pub blocking_gaps: u32,
}

impl Counts {
    fn add(&mut self, item: &ItemFacts, status: Status) {
        match status {
            Status::Open => self.open += 1,
            Status::InProgress => self.in_progress += 1,
            Status::Done => self.done += 1,
            Status::AcceptedRisk => self.accepted += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
        if item.blocking && status.is_gap() {
            self.blocking_gaps += 1;
        }
    }

    /// Items in all.
    pub fn total(&self) -> u32 {
        self.open + self.in_progress + self.done + self.accepted + self.not_applicable
    }
}

/// A category's scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryScore {
    /// From its items; `None` without applicable items.
    pub computed: Option<u8>,
    /// Assessor's score when set, else computed.
    pub effective: Option<u8>,
    /// Its items by status.
    pub counts: Counts,
}

/// The go/no-go answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No blocking gap and the overall score reaches the threshold.
    Ready,
    /// No blocking gap, but the overall score is below the threshold.
    ReadyWithGaps,
    /// At least one blocking item is open or in progress.
    NotReady,
}

impl Verdict {
    /// The stored/API word.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::ReadyWithGaps => "ready_with_gaps",
            Verdict::NotReady => "not_ready",
        }
    }

    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Ready => "Ready",
            Verdict::ReadyWithGaps => "Ready with gaps",
            Verdict::NotReady => "Not ready",
        }
    }
}

/// A project's scores, verdict and effort.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectScore {
    /// Per category, in the input order.
    pub categories: Vec<CategoryScore>,
    /// Weighted overall; `None` when no category has an effective score (or weights are 0).
    pub overall: Option<u8>,
    /// The verdict.
    pub verdict: Verdict,
    /// Hours of open/in-progress blocking items.
    pub effort_to_ready: f64,
    /// Hours of every open/in-progress applicable item.
    pub effort_remaining: f64,
    /// All items by status.
    pub counts: Counts,
}

/// round(num / den) for non-negative integers, half away from zero.
fn round_div(num: u64, den: u64) -> u64 {
    (2 * num + den) / (2 * den)
}

/// One category's scores on `today`.
pub fn score_category(category: &CategoryFacts, today: NaiveDate) -> CategoryScore {
    let mut counts = Counts::default();
    let (mut credit, mut total) = (0u64, 0u64);
    for item in &category.items {
        let status = item.effective_status(today);
        counts.add(item, status);
        if status == Status::NotApplicable {
            continue;
        }
        let weight = item.priority.weight();
        total += weight;
        if status.is_credited() {
            credit += weight;
        }
    }
    let computed = (total > 0).then(|| round_div(100 * credit, total) as u8);
    CategoryScore {
        computed,
        effective: category.assessor_score.map(|s| s.min(100)).or(computed),
        counts,
    }
}

/// The whole project's scores, verdict and effort on `today`, with its readiness `threshold`.
pub fn score_project(
    categories: &[CategoryFacts],
    threshold: u8,
    today: NaiveDate,
) -> ProjectScore {
    let scores: Vec<CategoryScore> = categories
        .iter()
        .map(|c| score_category(c, today))
        .collect();
    let (mut weighted, mut weights) = (0u64, 0u64);
    for (c, s) in categories.iter().zip(&scores) {
        if let Some(effective) = s.effective {
            weighted += u64::from(c.weight) * u64::from(effective);
            weights += u64::from(c.weight);
        }
    }
    let overall = (weights > 0).then(|| round_div(weighted, weights) as u8);
    let mut counts = Counts::default();
    let (mut effort_to_ready, mut effort_remaining) = (0.0, 0.0);
    for item in categories.iter().flat_map(|c| &c.items) {
        let status = item.effective_status(today);
        counts.add(item, status);
        if status.is_gap() {
            let hours = item.effort_hours.unwrap_or(0.0).max(0.0);
            effort_remaining += hours;
            if item.blocking {
                effort_to_ready += hours;
            }
        }
    }
    let verdict = if counts.blocking_gaps > 0 {
        Verdict::NotReady
    } else if overall.is_some_and(|o| o >= threshold) {
        Verdict::Ready
    } else {
        Verdict::ReadyWithGaps
    };
    ProjectScore {
        categories: scores,
        overall,
        verdict,
        effort_to_ready,
        effort_remaining,
        counts,
    }
}

#[cfg(test)]
mod tests {
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
}
