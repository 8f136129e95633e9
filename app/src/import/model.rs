//! What the import page shows: the preview of a document before anything is written, and
//! what an import did.

use serde::{Deserialize, Serialize};

/// The formats the importer reads.
pub const FORMATS: [(&str, &str); 3] = [
    ("markdown", "Markdown readiness document"),
    ("csv", "CSV of items"),
    ("json", "Preflight JSON"),
];

/// Largest document the importer takes (bytes of text).
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;
/// Most categories one document may hold (the largest real review has about 20).
pub const MAX_IMPORT_CATEGORIES: usize = 500;
/// Most items one document may hold.
pub const MAX_IMPORT_ITEMS: usize = 5_000;
/// Most risks one document may hold.
pub const MAX_IMPORT_RISKS: usize = 1_000;

/// The message of a document over one of the limits above.
pub fn too_many(what: &str, limit: usize) -> String {
    format!("Nothing was imported: a document may hold at most {limit} {what}.")
}

/// What an import adds, changes and leaves alone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Categories created.
    pub categories_added: usize,
    /// Existing categories whose assessor score changes.
    pub categories_updated: usize,
    /// Existing categories left as they are.
    pub categories_unchanged: usize,
    /// Items created.
    pub items_added: usize,
    /// Existing items that change (status, priority, blocking, details).
    pub items_updated: usize,
    /// Existing items left as they are.
    pub items_unchanged: usize,
    /// Risks created.
    pub risks_added: usize,
    /// Risks that already exist (by title), left alone.
    pub risks_unchanged: usize,
}

/// One item of the preview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewItem {
    /// Title.
    pub title: String,
    /// Status word.
    pub status: String,
    /// Priority word.
    pub priority: String,
    /// Blocks the launch while not done.
    pub blocking: bool,
    /// `add`, `update` or `same`.
    pub action: String,
}

/// One category of the preview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewCategory {
    /// Name.
    pub name: String,
    /// The project has it already.
    pub exists: bool,
    /// Assessor score from the document.
    pub assessor_score: Option<i32>,
    /// Score computed from the items as imported.
    pub computed: Option<u8>,
    /// Items by status: open, in progress, done, not applicable, accepted.
    pub by_status: [u32; 5],
    /// Items by priority: critical, high, medium, low.
    pub by_priority: [u32; 4],
    /// The items.
    pub items: Vec<PreviewItem>,
}

/// A document as the importer read it, before anything is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// Project name the document suggests.
    pub name: String,
    /// Slug for that name.
    pub slug: String,
    /// Categories in order.
    pub categories: Vec<PreviewCategory>,
    /// Risks the document holds.
    pub risks: usize,
    /// What was skipped or repaired.
    pub warnings: Vec<String>,
    /// The document's own overall score, when it states one.
    pub document_score: Option<i32>,
    /// Overall score of the project as imported (merged, when importing into one).
    pub overall: Option<u8>,
    /// Verdict word of the project as imported.
    pub verdict: String,
    /// What importing would add, change and leave alone.
    pub summary: ImportSummary,
}
