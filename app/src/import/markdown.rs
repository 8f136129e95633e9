//! Markdown readiness documents to a Preflight [`Document`].
//!
//! The document is read with pulldown-cmark into a flat list of blocks (headings, list items,
//! paragraphs, tables); code blocks and HTML are never structure. Then:
//!
//! - **Headings** are classified: the document's title (a single `#` heading with sections
//!   under it), *priority sections* ("Critical Issues (Must Fix)", "High Priority"), *summaries*
//!   ("Executive Summary", "Progress", "Conclusion": their bullets repeat the document and are
//!   skipped, with a warning), *generic sub-headings* ("Strengths", "Missing:", "Action Items:")
//!   that stay in the category around them, and *names*: everything else.
//! - **Items** are `- [ ]` / `- [x]` list items, bullets that start with ❌ ✅ ⚠️ (and their
//!   kin), plain bullets under an "Action Items" / "Missing" / "Strengths" heading, and
//!   numbered gap headings under a priority section (or marked ❌) that hold no items of their
//!   own.
//! - **Categories**: the heading level that carries the document's structure is the level whose
//!   named headings most often directly hold items; an item's category is its named heading
//!   at that level, else its nearest named heading, else the section it sits in.
//! - **Priority**: an inline marker (CRITICAL / HIGH / MEDIUM / LOW, "must fix", "nice to
//!   have", 🔴 🟠 🟡 🟢), else the nearest heading with one, else medium. `BLOCKING` marks an
//!   item blocking.
//! - **Scores**: "Score: 88/100" or "3/10" in a category heading or paragraph, and score tables,
//!   become assessor scores (0–100). The document's overall score is reported, not imported:
//!   Preflight computes it.
//! - **Risk tables** with current / target risk columns become risks on the default matrix.

use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::{
    doc::{CategoryDoc, Document, ItemDoc, RiskDoc, name_key},
    model::{MAX_IMPORT_CATEGORIES, MAX_IMPORT_ITEMS, MAX_IMPORT_RISKS, too_many},
};
use crate::report::markdown as report;
use crate::{
    limits::MAX_TITLE,
    risks::matrix::{Level, RiskStatus},
    scoring::{Priority, Status},
};

mod blocks;
mod layout;
mod own_report;
mod parser;
mod roles;
mod tables;
mod words;

use blocks::*;
use layout::*;
use own_report::*;
pub use parser::parse;
use roles::*;
use tables::*;
use words::*;

/// What the Markdown importer made of a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The project it describes.
    pub doc: Document,
    /// What was skipped or changed, for the preview and stderr.
    pub warnings: Vec<String>,
    /// The document's own overall score (0–100), when it states one.
    pub document_score: Option<i32>,
    /// "Production-ready within 30 days": the days it says, when it does.
    pub ready_within_days: Option<u32>,
}

/// Longest category name the checklist accepts.
pub(super) const MAX_CATEGORY: usize = 120;

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
