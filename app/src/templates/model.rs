//! What the templates page shows.

use serde::{Deserialize, Serialize};

use crate::teams::model::TeamChoice;

/// One category of a template, with its items' titles and priorities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateCategory {
    /// Category name.
    pub name: String,
    /// (title, priority word) per item.
    pub items: Vec<(String, String)>,
}

/// A template, built in or a team's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateSummary {
    /// `builtin:{slug}` or `team:{id}`.
    pub key: String,
    /// Name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// The team that saved it; `None` for built-in templates.
    pub team: Option<String>,
    /// Its categories.
    pub categories: Vec<TemplateCategory>,
    /// Number of items.
    pub item_count: usize,
    /// The user may delete it.
    pub can_delete: bool,
}

/// The templates page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplatesView {
    /// Built-in templates first, then the user's teams' templates by name.
    pub templates: Vec<TemplateSummary>,
    /// Teams the user may create projects in.
    pub teams: Vec<TeamChoice>,
}
