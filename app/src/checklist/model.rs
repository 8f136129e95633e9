//! Checklist types shared by server and browser.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    scoring::{Counts, EvidenceKind, Priority, ProjectScore, Status},
    teams::model::Permissions,
};

pub use crate::teams::model::Person;

/// The "valid for" periods the forms offer (days); the server takes any whole number of days
/// from 1 to 3650.
pub const VALID_FOR_CHOICES: [i32; 4] = [30, 90, 180, 365];

/// A category with its scores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryView {
    /// Database id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// Weight in the overall score.
    pub weight: u32,
    /// Assessor's score, when set.
    pub assessor_score: Option<u8>,
    /// Assessor's note.
    pub assessor_note: String,
    /// Computed from the items.
    pub computed: Option<u8>,
    /// Assessor's score when set, else computed.
    pub effective: Option<u8>,
    /// Items by status.
    pub counts: Counts,
    /// For optimistic concurrency.
    pub version: i32,
    /// How long its items' evidence holds (days), unless an item says otherwise; `None`: for
    /// ever.
    #[serde(default)]
    pub valid_for_days: Option<i32>,
}

/// One row of the checklist page: what its table shows and the version its forms send. The
/// page's hydration data holds 1,000 of these on a large project, so the texts the row does not
/// show (description, evidence, reasons) stay on the item page, and flags that are off and
/// values that are unset are left out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemRow {
    /// Database id.
    pub id: i32,
    /// Its category.
    pub category_id: i32,
    /// Title.
    pub title: String,
    /// Priority.
    pub priority: Priority,
    /// Blocks the release while a gap.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blocking: bool,
    /// Stored status.
    pub status: Status,
    /// An accepted risk past its expiry (counts as open).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub expired: bool,
    /// Assignee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Person>,
    /// Due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// Past due and still a gap.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
    /// Done, but its evidence ran out (counts as open).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
    /// Measured by a probe or reported by CI (not only attested).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceKind>,
    /// For optimistic concurrency.
    pub version: i32,
}

/// An item the overview lists (a blocking gap, or overdue).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GapLine {
    /// Database id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Priority.
    pub priority: Priority,
    /// Assignee's name.
    pub assignee: Option<String>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
}

/// The project overview's readiness panel, computed on the server from every item (the page
/// gets the verdict and the lists, not the items).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OverviewView {
    /// Project slug.
    pub slug: String,
    /// Categories with their scores.
    pub categories: Vec<CategoryView>,
    /// The whole project's score and verdict.
    pub score: ProjectScore,
    /// Open or mitigating risks at high or critical level.
    pub serious_risks: u32,
    /// Blocking items still open, in progress or accepted past expiry, in checklist order (the
    /// first [`OverviewView::LISTED`]).
    pub blocking: Vec<GapLine>,
    /// How many blocking items are gaps in all.
    pub blocking_total: usize,
    /// Overdue items, in checklist order (the first [`OverviewView::LISTED`]).
    pub overdue: Vec<GapLine>,
    /// How many items are overdue in all.
    pub overdue_total: usize,
    /// Done items whose evidence ran out, in checklist order (the first
    /// [`OverviewView::LISTED`]).
    pub stale: Vec<GapLine>,
    /// How many done items went stale in all.
    pub stale_total: usize,
    /// Open items per assignee ("Unassigned" included), most first, then by name.
    pub by_assignee: Vec<(String, usize)>,
}

impl OverviewView {
    /// Items each list of the overview names; the rest are counted and a filter of the
    /// checklist away (a 10,000-item project has thousands of gaps).
    pub const LISTED: usize = 25;
}

/// An item as the API and the item page show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemView {
    /// Database id.
    pub id: i32,
    /// Its category.
    pub category_id: i32,
    /// Title.
    pub title: String,
    /// Description as sanitized HTML (from Markdown).
    pub description_html: String,
    /// Description source (Markdown), for editing.
    pub description: String,
    /// Priority.
    pub priority: Priority,
    /// Blocks the release while a gap.
    pub blocking: bool,
    /// Stored status.
    pub status: Status,
    /// An accepted risk past its expiry (counts as open).
    pub expired: bool,
    /// Why not applicable / accepted.
    pub status_reason: String,
    /// Accepted until (accepted risks).
    pub accepted_until: Option<NaiveDate>,
    /// Assignee.
    pub assignee: Option<Person>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Past due and still a gap.
    pub overdue: bool,
    /// Estimated hours.
    pub effort_hours: Option<f64>,
    /// Evidence link.
    pub evidence_url: String,
    /// Evidence text.
    pub evidence_text: String,
    /// While done: who or what vouched for it.
    pub evidence_kind: Option<EvidenceKind>,
    /// When it was vouched for (UTC, RFC 3339).
    pub evidence_at: Option<String>,
    /// The person who attested it.
    pub evidence_by: Option<String>,
    /// Its own "valid for" (days); `None`: its category's.
    pub valid_for_days: Option<i32>,
    /// The "valid for" that applies (its own, else its category's); `None`: for ever.
    pub effective_valid_for_days: Option<i32>,
    /// The last day its evidence holds.
    pub evidence_until: Option<NaiveDate>,
    /// Done, but its evidence ran out: counts as open until re-attested or re-measured.
    pub stale: bool,
    /// The plan phase it is scheduled into.
    pub phase_id: Option<i32>,
    /// For optimistic concurrency.
    pub version: i32,
    /// Who changed it last.
    pub updated_by: Option<String>,
}

/// Which part of a long checklist the page shows: when more than [`Window::EXPANDED_MAX`] items
/// pass the filter, only category `open` is shown, [`Window::PAGE`] items from `from`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Window {
    /// The open category.
    #[serde(default)]
    pub open: Option<i32>,
    /// The first item shown of it (0-based).
    #[serde(default)]
    pub from: u32,
    /// Only this item, wherever it is (a row re-rendered after a change).
    #[serde(skip)]
    pub item: Option<i32>,
}

impl Window {
    /// A checklist with up to this many matching items renders whole.
    pub const EXPANDED_MAX: usize = 1500;
    /// Items of the open category a page shows.
    pub const PAGE: usize = 500;
}

/// Which items the checklist shows; every field comes from the URL query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemFilter {
    /// Only this status (stored word), or all.
    #[serde(default)]
    pub status: String,
    /// Only this priority, or all.
    #[serde(default)]
    pub priority: String,
    /// `me`, `none`, a user id, or all.
    #[serde(default)]
    pub assignee: String,
    /// `yes` / `no`, or all.
    #[serde(default)]
    pub blocking: String,
    /// `yes`: only overdue gaps.
    #[serde(default)]
    pub overdue: String,
    /// `yes`: only done items whose evidence ran out.
    #[serde(default)]
    pub stale: String,
    /// Words that must all appear in the title or description.
    #[serde(default)]
    pub q: String,
}

impl ItemFilter {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == ItemFilter::default()
    }

    /// The filter as a URL query string (without `?`), skipping blank fields.
    pub fn to_query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("status", &self.status),
            ("priority", &self.priority),
            ("assignee", &self.assignee),
            ("blocking", &self.blocking),
            ("overdue", &self.overdue),
            ("stale", &self.stale),
            ("q", &self.q),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        s.finish()
    }
}

/// `/p/{slug}/checklist`: the project's categories with scores and the (filtered) items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChecklistView {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub name: String,
    /// What the viewer may do.
    pub permissions: Permissions,
    /// Marking done needs evidence.
    pub evidence_required: bool,
    /// Every category in order, with scores over all its items (not just the filtered ones).
    pub categories: Vec<CategoryView>,
    /// The items that pass the filter, in category and position order.
    pub items: Vec<ItemRow>,
    /// Items in all (before filtering).
    pub total_items: usize,
    /// Items that pass the filter (`items` holds them all unless `collapsed`).
    pub matched_items: usize,
    /// Too many items pass to show at once: categories are collapsed, and `items` holds a page
    /// of the open one only.
    pub collapsed: bool,
    /// Items that pass the filter, by category id (every category, also collapsed ones).
    pub matched: Vec<(i32, u32)>,
    /// What part is shown when collapsed.
    pub window: Window,
    /// Team members, for assignee pickers.
    pub members: Vec<Person>,
    /// The whole project's score and verdict.
    pub score: ProjectScore,
    /// Open or mitigating risks at high or critical level.
    pub serious_risks: u32,
    /// The viewer's user id (for "assigned to me").
    pub me: i32,
}

/// A comment with its rendered body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommentView {
    /// Database id.
    pub id: i32,
    /// Author's name (or "deleted user").
    pub author: String,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Sanitized HTML.
    pub body_html: String,
}

/// An item that keeps a project from passing its gate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GateItem {
    /// Database id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Priority.
    pub priority: Priority,
    /// Stored status.
    pub status: Status,
    /// Why it counts as a gap: `open`, `in_progress`, `stale` (done, evidence ran out) or
    /// `expired` (an accepted risk past its expiry).
    pub reason: String,
    /// Assignee's name.
    pub assignee: Option<String>,
    /// Where to see it.
    pub url: String,
}

/// The answer of a project's deployment gate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GateView {
    /// The project's slug.
    pub project: String,
    /// Whether the gate passes.
    pub pass: bool,
    /// The verdict.
    pub verdict: crate::scoring::Verdict,
    /// Overall score, when there is one.
    pub overall: Option<u8>,
    /// The project's readiness threshold.
    pub threshold: u8,
    /// Whether "ready with gaps" passes (the caller's choice).
    pub allow_gaps: bool,
    /// One sentence: why it passes or not.
    pub summary: String,
    /// The blocking gaps (open, in progress, stale or expired), in checklist order.
    pub blocking: Vec<GateItem>,
}
