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
//! - Evidence: a done item whose evidence holds until a day (`evidence_until`) is **stale** the
//!   day after: it counts as open for scores, counts and verdict (and as stale besides) until
//!   it is re-attested or re-measured.
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

/// Who or what vouched for a done item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A person said so.
    Attested,
    /// A probe (HTTP, TLS, DNS) said so.
    Measured,
    /// A pipeline reported it.
    Ci,
}

impl EvidenceKind {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Attested => "attested",
            EvidenceKind::Measured => "measured",
            EvidenceKind::Ci => "ci",
        }
    }

    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Attested => "Attested",
            EvidenceKind::Measured => "Measured",
            EvidenceKind::Ci => "Reported by CI",
        }
    }

    /// Measured by Preflight or reported by a pipeline, not only said.
    pub fn is_measured(self) -> bool {
        !matches!(self, EvidenceKind::Attested)
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
    /// For done items: who or what vouched for it.
    #[serde(default)]
    pub evidence: Option<EvidenceKind>,
    /// For done items: the last day its evidence holds (`None`: it does not run out).
    #[serde(default)]
    pub evidence_until: Option<NaiveDate>,
}

impl ItemFacts {
    /// The status that counts on `today`: an accepted risk past its expiry is open again.
    /// A done item whose evidence ran out counts as open too.
    pub fn effective_status(&self, today: NaiveDate) -> Status {
        match (self.status, self.accepted_until) {
            (Status::AcceptedRisk, Some(until)) if until < today => Status::Open,
            _ if self.is_stale(today) => Status::Open,
            (status, _) => status,
        }
    }

    /// Done, but its evidence ran out before `today`.
    pub fn is_stale(&self, today: NaiveDate) -> bool {
        self.status == Status::Done && self.evidence_until.is_some_and(|until| until < today)
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
    /// Done items whose evidence ran out (counted as open too).
    #[serde(default)]
    pub stale: u32,
}

impl Counts {
    fn add(&mut self, item: &ItemFacts, status: Status, today: NaiveDate) {
        if item.is_stale(today) {
            self.stale += 1;
        }
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
    /// Ready (with or without gaps) by its items, but a required reviewer group has not
    /// signed the latest final review (or its sign-off no longer holds).
    AwaitingSignOff,
    /// At least one blocking item is open or in progress.
    NotReady,
}

impl Verdict {
    /// The stored/API word.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::ReadyWithGaps => "ready_with_gaps",
            Verdict::AwaitingSignOff => "awaiting_sign_off",
            Verdict::NotReady => "not_ready",
        }
    }

    /// The verdict this stored/API word names.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Verdict::Ready,
            Verdict::ReadyWithGaps,
            Verdict::AwaitingSignOff,
            Verdict::NotReady,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Ready => "Ready",
            Verdict::ReadyWithGaps => "Ready with gaps",
            Verdict::AwaitingSignOff => "Awaiting sign-off",
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
    /// How the done weight is vouched for.
    #[serde(default)]
    pub evidence: EvidenceMix,
    /// The required reviewer groups whose sign-off is missing or no longer holds, by name
    /// (live scores only; a frozen review's snapshot never has any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awaiting: Vec<String>,
}

impl ProjectScore {
    /// The verdict as a sentence's start: "Awaiting sign-off: Security, Privacy".
    pub fn verdict_text(&self) -> String {
        verdict_text(self.verdict, &self.awaiting)
    }
}

/// "Awaiting sign-off: Security, Privacy" for an awaiting verdict, else the verdict's label.
pub fn verdict_text(verdict: Verdict, awaiting: &[String]) -> String {
    if verdict == Verdict::AwaitingSignOff && !awaiting.is_empty() {
        format!("{}: {}", verdict.label(), awaiting.join(", "))
    } else {
        verdict.label().to_owned()
    }
}

/// The weight of done items by what vouches for them (stale items apart): what part of
/// "done" Preflight measured or a pipeline reported, and what part people only said.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvidenceMix {
    /// Weight of items done by a probe's measure.
    pub measured: u64,
    /// Weight of items done by a pipeline's report.
    pub ci: u64,
    /// Weight of items done on a person's word (or from before evidence was kept).
    pub attested: u64,
    /// Weight of done items whose evidence ran out.
    pub stale: u64,
}

impl EvidenceMix {
    /// Percent (rounded) of the current done weight that is measured or reported by CI;
    /// `None` with nothing done.
    pub fn measured_percent(&self) -> Option<u8> {
        let done = self.measured + self.ci + self.attested;
        (done > 0).then(|| round_div(100 * (self.measured + self.ci), done) as u8)
    }

    fn add(&mut self, item: &ItemFacts, today: NaiveDate) {
        if item.status != Status::Done {
            return;
        }
        let weight = item.priority.weight();
        match item.evidence {
            _ if item.is_stale(today) => self.stale += weight,
            Some(EvidenceKind::Measured) => self.measured += weight,
            Some(EvidenceKind::Ci) => self.ci += weight,
            Some(EvidenceKind::Attested) | None => self.attested += weight,
        }
    }
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
        counts.add(item, status, today);
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
    let mut evidence = EvidenceMix::default();
    let (mut effort_to_ready, mut effort_remaining) = (0.0, 0.0);
    for item in categories.iter().flat_map(|c| &c.items) {
        let status = item.effective_status(today);
        counts.add(item, status, today);
        evidence.add(item, today);
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
        evidence,
        awaiting: Vec::new(),
    }
}

#[cfg(test)]
#[path = "scoring_tests.rs"]
mod tests;
