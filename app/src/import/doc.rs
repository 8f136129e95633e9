//! Preflight JSON, version 1: a whole project (categories, items, risks, matrix) as one
//! document. Every importer produces it (Markdown and CSV are parsed into it, JSON is read as
//! it), the dry run prints it, and the JSON export writes it. The schema is documented in
//! `docs/preflight-json-v1.md`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    risks::matrix::{RiskMatrix, RiskStatus},
    scoring::{Priority, Status},
};

/// The value of `format`.
pub const FORMAT: &str = "preflight";
/// The schema version this build reads and writes.
pub const VERSION: u32 = 1;

/// A whole project.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Always `"preflight"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// The project's own fields.
    pub project: ProjectDoc,
    /// Categories in order, each with its items in order.
    #[serde(default)]
    pub categories: Vec<CategoryDoc>,
    /// The risk register.
    #[serde(default)]
    pub risks: Vec<RiskDoc>,
    /// The risk matrix; absent means the default 5 × 5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matrix: Option<RiskMatrix>,
    /// The plan's phases in order; items name theirs in `phase`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<PhaseDoc>,
}

/// A phase of the plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseDoc {
    /// Name, unique in the project ("Week 1").
    pub name: String,
    /// What it is for.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub goal: String,
    /// When it should be done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<NaiveDate>,
}

impl Document {
    /// An empty document for a project with this name.
    pub fn new(name: impl Into<String>) -> Self {
        Document {
            format: FORMAT.to_owned(),
            version: VERSION,
            project: ProjectDoc {
                name: name.into(),
                ..ProjectDoc::default()
            },
            categories: Vec::new(),
            risks: Vec::new(),
            matrix: None,
            phases: Vec::new(),
        }
    }

    /// Number of items in all categories.
    pub fn item_count(&self) -> usize {
        self.categories.iter().map(|c| c.items.len()).sum()
    }
}

/// How names are compared when merging: case, spacing and surrounding punctuation do not count.
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// A project's own fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectDoc {
    /// Name.
    pub name: String,
    /// Slug; empty means "derive from the name".
    #[serde(default)]
    pub slug: String,
    /// Description (Markdown).
    #[serde(default)]
    pub description: String,
    /// Repository URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository_url: Option<String>,
    /// Target launch date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<NaiveDate>,
    /// Readiness threshold (0–100); absent means 80.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<i32>,
    /// Evidence is needed to mark an item done.
    #[serde(default)]
    pub evidence_required: bool,
    /// Hours a week the team puts into readiness work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_hours: Option<i32>,
    /// A final review is due this many days after the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_every_days: Option<i32>,
    /// Its launch tier, by name (an import into a new project puts it on the tier of that
    /// name, when the instance has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The reviewer groups whose sign-off it requires, by name (without a tier; names the
    /// instance does not have are left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signoff_groups: Vec<String>,
    /// Accepting a risk needs someone else's approval.
    #[serde(default, skip_serializing_if = "is_false")]
    pub approve_accepted_risk: bool,
    /// Marking an item not applicable needs someone else's approval.
    #[serde(default, skip_serializing_if = "is_false")]
    pub approve_not_applicable: bool,
    /// The longest an approved acceptance holds (days); absent: 90.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception_max_days: Option<i32>,
    /// The reviewer group whose members approve exception requests, by name; absent: the
    /// team's owners (and when the instance has no group of that name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception_approvers: Option<String>,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_false(b: &bool) -> bool {
    !*b
}

/// A pending exception request on an item: the status asked for, awaiting approval.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceptionDoc {
    /// `accepted_risk` or `not_applicable`.
    pub status: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
    /// The last day it would hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    /// Who asked (email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    /// When.
    pub requested_at: chrono::DateTime<chrono::Utc>,
}

/// A category and its items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDoc {
    /// Name, unique in the project.
    pub name: String,
    /// Weight in the overall score (1–100).
    #[serde(default = "one")]
    pub weight: i32,
    /// Assessor score 0–100, or null.
    #[serde(default)]
    pub assessor_score: Option<i32>,
    /// Why the assessor gave that score.
    #[serde(default)]
    pub assessor_note: String,
    /// How long its items' evidence holds (days); absent: for ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_for_days: Option<i32>,
    /// The reviewer group that owns it, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer_group: Option<String>,
    /// Items in order.
    #[serde(default)]
    pub items: Vec<ItemDoc>,
}

fn one() -> i32 {
    1
}

impl CategoryDoc {
    /// An empty category with the default weight.
    pub fn new(name: impl Into<String>) -> Self {
        CategoryDoc {
            name: name.into(),
            weight: 1,
            assessor_score: None,
            assessor_note: String::new(),
            valid_for_days: None,
            reviewer_group: None,
            items: Vec::new(),
        }
    }
}

/// A checklist item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDoc {
    /// Title.
    pub title: String,
    /// Description (Markdown).
    #[serde(default)]
    pub description: String,
    /// `open`, `in_progress`, `done`, `not_applicable` or `accepted_risk`.
    #[serde(default = "open")]
    pub status: Status,
    /// `critical`, `high`, `medium` or `low`.
    #[serde(default = "medium")]
    pub priority: Priority,
    /// Blocks the launch while not done; absent means "critical items block".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocking: Option<bool>,
    /// Why the item does not apply or why its risk is accepted.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status_reason: String,
    /// When an accepted risk must be looked at again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted_until: Option<NaiveDate>,
    /// Assignee's email (a member of the team).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// Effort estimate in hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_hours: Option<f64>,
    /// Evidence link.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence_url: String,
    /// Evidence note.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence_text: String,
    /// Comments, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<CommentDoc>,
    /// The item's own "valid for" (days); absent: its category's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_for_days: Option<i32>,
    /// Its evidence files (metadata only: the JSON does not carry their bytes — the archive
    /// export holds them beside it — and an import does not attach them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileDoc>,
    /// The name of the plan phase it is scheduled into (one of `phases`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// Its pending exception request, if any (carried by exports; an import does not make
    /// requests — the status asked for is asked again in the new project).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<ExceptionDoc>,
    /// The campaign it was added by, by name (carried by exports; an import makes an ordinary
    /// item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub campaign: Option<String>,
}

/// An evidence file, as an export lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDoc {
    /// Its name.
    pub name: String,
    /// Its type, read from its bytes.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    /// When it was attached.
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    /// Where the archive export (`/export/zip`) holds its bytes: `files/{id}-{name}`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
}

/// A comment on an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentDoc {
    /// Author's email; absent when the author's account is gone. An author who is not on the
    /// team importing the document is dropped, the comment kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// When it was written (RFC 3339, UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Text (Markdown).
    pub body: String,
}

fn open() -> Status {
    Status::Open
}

fn medium() -> Priority {
    Priority::Medium
}

impl ItemDoc {
    /// An open medium item with this title.
    pub fn new(title: impl Into<String>) -> Self {
        ItemDoc {
            title: title.into(),
            description: String::new(),
            status: Status::Open,
            priority: Priority::Medium,
            blocking: None,
            status_reason: String::new(),
            accepted_until: None,
            assignee: None,
            due_date: None,
            effort_hours: None,
            evidence_url: String::new(),
            evidence_text: String::new(),
            comments: Vec::new(),
            valid_for_days: None,
            files: Vec::new(),
            phase: None,
            exception: None,
            campaign: None,
        }
    }

    /// Whether the item blocks the launch (explicit, else critical items do).
    pub fn is_blocking(&self) -> bool {
        self.blocking.unwrap_or(self.priority == Priority::Critical)
    }
}

/// A risk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskDoc {
    /// Title.
    pub title: String,
    /// Description (Markdown).
    #[serde(default)]
    pub description: String,
    /// Category name, if the risk belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Owner's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `open`, `mitigating`, `accepted` or `closed`.
    #[serde(default = "risk_open")]
    pub status: RiskStatus,
    /// Current likelihood step (1 = least likely).
    pub likelihood: i32,
    /// Current impact step (1 = least severe).
    pub impact: i32,
    /// Likelihood after mitigation.
    pub target_likelihood: i32,
    /// Impact after mitigation.
    pub target_impact: i32,
    /// Mitigating items, by category and title.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ItemRef>,
}

fn risk_open() -> RiskStatus {
    RiskStatus::Open
}

/// An item named by its category and title.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRef {
    /// Category name.
    pub category: String,
    /// Item title.
    pub title: String,
}

/// Reads a Preflight JSON document; the message says what is wrong and where.
pub fn from_json(text: &str) -> Result<Document, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("This is not JSON ({e})."))?;
    match value.get("format").and_then(|f| f.as_str()) {
        Some(FORMAT) => {}
        _ => {
            return Err(
                "This JSON is not a Preflight document (\"format\": \"preflight\").".into(),
            );
        }
    }
    match value.get("version").and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(format!(
                "This is version {v} of Preflight JSON; this Preflight reads version {VERSION}."
            ));
        }
        None => return Err("The document has no \"version\".".into()),
    }
    serde_json::from_str(text).map_err(|e| format!("The document does not fit version 1 ({e})."))
}

/// Writes a document as pretty JSON with a final newline.
pub fn to_json(doc: &Document) -> String {
    let mut out = serde_json::to_string_pretty(doc).unwrap_or_default();
    out.push('\n');
    out
}
