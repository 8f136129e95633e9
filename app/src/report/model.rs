//! The report model: everything a stakeholder report says, built once from the project data
//! (see [`super::build`]) and rendered as HTML, Markdown and PDF, so the formats cannot
//! disagree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    reviews::{model::SignOff, snapshot::Diff},
    risks::{
        matrix::{Level, RiskMatrix, RiskStatus},
        model::CellCounts,
    },
    scoring::{Counts, Priority, Status, Verdict},
};

/// Everything `/p/{slug}/report` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportPageData {
    /// The report.
    pub report: Report,
    /// Final reviews the report can be shown as of: (id, label), newest first.
    pub finals: Vec<(i32, String)>,
    /// The user may create and revoke share links.
    pub can_share: bool,
}

/// A stakeholder report of one project, live or as of one final review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Report {
    /// Project name.
    pub name: String,
    /// Project slug.
    pub slug: String,
    /// Project description (Markdown source).
    pub description: String,
    /// Team name.
    pub team: String,
    /// Target date of the project.
    pub target_date: Option<NaiveDate>,
    /// The final review this report shows; none: the live project.
    pub review: Option<ReviewRef>,
    /// The day the scores are for (the review's freeze day, or today).
    pub as_of: NaiveDate,
    /// Overall score.
    pub overall: Option<u8>,
    /// The go/no-go verdict.
    pub verdict: Verdict,
    /// The project's "ready" threshold.
    pub threshold: u8,
    /// Items by status.
    pub counts: Counts,
    /// The done weight by what vouched for it: measured, reported by CI, attested, stale.
    #[serde(default)]
    pub evidence: crate::scoring::EvidenceMix,
    /// Hours of open blocking items.
    pub effort_to_ready: f64,
    /// Hours of every open item.
    pub effort_remaining: f64,
    /// Categories in order.
    pub categories: Vec<ReportCategory>,
    /// Every item in category order.
    pub items: Vec<ReportItem>,
    /// Risks, most serious first.
    pub risks: Vec<ReportRisk>,
    /// Heat maps of the live register (none for a review: it froze levels, not cells).
    pub heat: Option<Heat>,
    /// Per category: previous, current and target risk level.
    pub risk_by_category: Vec<CategoryRisk>,
    /// The review compared with and what changed since.
    pub since: Option<Since>,
    /// Open gaps by owner, most first.
    pub owners: Vec<OwnerLoad>,
    /// The review whose sign-offs are shown (title), and the sign-offs.
    pub signed: Option<(String, Vec<SignOff>)>,
    /// The forecast of the ready date in one sentence (live reports only).
    #[serde(default)]
    pub forecast: Option<String>,
    /// The plan's phases (live reports only).
    #[serde(default)]
    pub phases: Vec<ReportPhase>,
}

/// A phase of the plan as a report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportPhase {
    /// Name.
    pub name: String,
    /// Goal.
    pub goal: String,
    /// Target date.
    pub target_date: Option<NaiveDate>,
    /// Its items.
    pub items: usize,
    /// Its items still to do.
    pub open: usize,
}

/// The review a report shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewRef {
    /// Review id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Version label.
    pub label: String,
    /// Review date.
    pub date: NaiveDate,
}

/// A category's line in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportCategory {
    /// Name.
    pub name: String,
    /// Weight.
    pub weight: u32,
    /// Score from the items.
    pub computed: Option<u8>,
    /// Assessor's score.
    pub assessor: Option<u8>,
    /// The score that counts.
    pub effective: Option<u8>,
    /// Effective score in the review compared with.
    pub previous: Option<u8>,
    /// `effective - previous`.
    pub delta: Option<i32>,
    /// Items done or accepted.
    pub closed: u32,
    /// Items in all.
    pub total: u32,
}

/// An item in the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportItem {
    /// Category name.
    pub category: String,
    /// Title.
    pub title: String,
    /// Priority.
    pub priority: Priority,
    /// Status that counts (an expired acceptance is open).
    pub status: Status,
    /// Blocks "ready".
    pub blocking: bool,
    /// Assignee's name.
    pub assignee: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Effort in hours.
    pub effort_hours: Option<f64>,
    /// A gap past its due date.
    pub overdue: bool,
    /// Why it is accepted or does not apply.
    pub reason: String,
    /// When an accepted risk must be looked at again.
    pub accepted_until: Option<NaiveDate>,
    /// The plan phase it is scheduled into (live reports only).
    #[serde(default)]
    pub phase: Option<String>,
}

impl ReportItem {
    /// Open or in progress (a gap), blocking.
    pub fn is_blocking_gap(&self) -> bool {
        self.blocking && self.status.is_gap()
    }
}

/// A risk in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportRisk {
    /// Title.
    pub title: String,
    /// Category name.
    pub category: Option<String>,
    /// Owner's name (live reports only).
    pub owner: Option<String>,
    /// Status.
    pub status: RiskStatus,
    /// Current level.
    pub level: Level,
    /// Target level.
    pub target: Level,
    /// Level in the review compared with (none: the risk is new).
    pub previous: Option<Level>,
}

/// The two heat maps of a live report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Heat {
    /// The project's matrix.
    pub matrix: RiskMatrix,
    /// Open risks per current cell.
    pub current: CellCounts,
    /// Open risks per target cell.
    pub target: CellCounts,
}

/// A category's risk levels: highest of its risks that are not closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryRisk {
    /// Category name ("No category" for risks without one).
    pub category: String,
    /// In the review compared with.
    pub previous: Option<Level>,
    /// Now.
    pub current: Option<Level>,
    /// Aimed at.
    pub target: Option<Level>,
}

/// The comparison with an earlier final review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Since {
    /// Title of the review compared with.
    pub title: String,
    /// What changed.
    pub diff: Diff,
}

/// Open gaps of one owner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OwnerLoad {
    /// Name ("Unassigned" for none).
    pub name: String,
    /// Open or in-progress items.
    pub open: u32,
    /// Of which blocking.
    pub blocking: u32,
    /// Hours estimated on them.
    pub hours: f64,
}

/// Hours as a short text: "12 h", "1.5 h", "—" for none.
pub fn hours(h: f64) -> String {
    if h <= 0.0 {
        "—".to_owned()
    } else if (h - h.round()).abs() < 0.05 {
        format!("{} h", h.round())
    } else {
        format!("{h:.1} h")
    }
}

/// A score as text: "72" or "—".
pub fn score(s: Option<u8>) -> String {
    s.map_or_else(|| "—".to_owned(), |s| s.to_string())
}

/// A delta as text: "+5", "-3", "0" or "—".
pub fn delta(d: Option<i32>) -> String {
    match d {
        Some(d) if d > 0 => format!("+{d}"),
        Some(d) => d.to_string(),
        None => "—".to_owned(),
    }
}

/// A level as text, "—" for none.
pub fn level(l: Option<Level>) -> &'static str {
    l.map_or("—", Level::label)
}

/// Whether a share link still opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    /// Opens the report.
    Active,
    /// Past its expiry.
    Expired,
    /// Revoked by an owner.
    Revoked,
}

impl ShareState {
    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            ShareState::Active => "Active",
            ShareState::Expired => "Expired",
            ShareState::Revoked => "Revoked",
        }
    }
}

/// A share link as its project's owners see it (never its token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ShareLinkView {
    /// Id.
    pub id: i32,
    /// The owner's note of who it is for.
    pub label: String,
    /// The final review it shows (title); none: the live report.
    pub review: Option<String>,
    /// Who created it.
    pub created_by: Option<String>,
    /// When (UTC, "YYYY-MM-DD HH:MM").
    pub created_at: String,
    /// When it stops working.
    pub expires_at: Option<String>,
    /// Last opened.
    pub last_used_at: Option<String>,
    /// Times opened.
    pub uses: i32,
    /// Active, expired or revoked.
    pub state: ShareState,
}
