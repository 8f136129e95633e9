//! Risk register types shared by server and browser.

use serde::{Deserialize, Serialize};

use super::matrix::{Level, RiskMatrix, RiskStatus};
use crate::{checklist::model::Person, scoring::Status, teams::model::Permissions};

/// The register's filter and order, as in the page's URL. Blank fields do not filter.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskFilter {
    /// A status word, or `live` (anything but closed).
    #[serde(default)]
    pub status: String,
    /// A level word (current level).
    #[serde(default)]
    pub level: String,
    /// A category id, or `none`.
    #[serde(default)]
    pub category: String,
    /// An owner's user id, or `none`.
    #[serde(default)]
    pub owner: String,
    /// Current cell as `likelihood-impact`, e.g. `4-5`.
    #[serde(default)]
    pub current: String,
    /// Target cell as `likelihood-impact`.
    #[serde(default)]
    pub target: String,
    /// `score` (default, highest first), `target`, `title`, `status` or `category`.
    #[serde(default)]
    pub sort: String,
}

impl RiskFilter {
    /// Whether any field narrows the list (the order does not).
    pub fn narrows(&self) -> bool {
        [
            &self.status,
            &self.level,
            &self.category,
            &self.owner,
            &self.current,
            &self.target,
        ]
        .iter()
        .any(|f| !f.is_empty())
    }

    /// Parses a `likelihood-impact` cell.
    pub fn parse_cell(cell: &str) -> Option<(i32, i32)> {
        let (l, i) = cell.split_once('-')?;
        Some((l.trim().parse().ok()?, i.trim().parse().ok()?))
    }
}

/// A checklist item linked to a risk as a mitigation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LinkedItem {
    /// Item id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Status.
    pub status: Status,
}

/// A risk as the register shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskView {
    /// Database id.
    pub id: i32,
    /// For optimistic concurrency.
    pub version: i32,
    /// Title.
    pub title: String,
    /// Description source (Markdown).
    pub description: String,
    /// Description as sanitized HTML.
    pub description_html: String,
    /// Category id and name, if any.
    pub category: Option<(i32, String)>,
    /// Owner, if any.
    pub owner: Option<Person>,
    /// Status.
    pub status: RiskStatus,
    /// Current likelihood step.
    pub likelihood: i32,
    /// Current impact step.
    pub impact: i32,
    /// Current score (likelihood × impact).
    pub score: i32,
    /// Current level.
    pub level: Level,
    /// Target likelihood step.
    pub target_likelihood: i32,
    /// Target impact step.
    pub target_impact: i32,
    /// Target score.
    pub target_score: i32,
    /// Target level.
    pub target_level: Level,
    /// Mitigating items.
    pub items: Vec<LinkedItem>,
    /// Every applicable mitigating item is done: time to reassess the risk.
    pub mitigations_complete: bool,
}

/// One category's row in the risk table: highest level among its live risks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryRisk {
    /// Category name ("No category" for risks without one).
    pub name: String,
    /// At the last final review (none until reviews exist).
    pub previous: Option<Level>,
    /// Now.
    pub current: Option<Level>,
    /// Once mitigated.
    pub target: Option<Level>,
}

/// Counts of live risks per cell: `counts[l - 1][i - 1]`.
pub type CellCounts = Vec<Vec<u32>>;

/// An item that can be linked to a risk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemChoice {
    /// Item id.
    pub id: i32,
    /// Title.
    pub title: String,
}

/// Everything `/p/{slug}/risks` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RegisterView {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub name: String,
    /// What the user may do.
    pub permissions: Permissions,
    /// The project's matrix.
    pub matrix: RiskMatrix,
    /// Risks that pass the filter, in the asked order.
    pub risks: Vec<RiskView>,
    /// All risks of the project.
    pub total: usize,
    /// Live risks per current cell.
    pub current_counts: CellCounts,
    /// Live risks per target cell.
    pub target_counts: CellCounts,
    /// Per-category previous/current/target levels.
    pub by_category: Vec<CategoryRisk>,
    /// The project's categories (id, name), in order.
    pub categories: Vec<(i32, String)>,
    /// Team members (possible owners).
    pub members: Vec<Person>,
}

/// Everything `/p/{slug}/risks/{id}` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskDetail {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub name: String,
    /// What the user may do.
    pub permissions: Permissions,
    /// The project's matrix.
    pub matrix: RiskMatrix,
    /// The risk.
    pub risk: RiskView,
    /// The project's categories (id, name), in order.
    pub categories: Vec<(i32, String)>,
    /// Team members (possible owners).
    pub members: Vec<Person>,
    /// Items not linked yet.
    pub linkable: Vec<ItemChoice>,
}

/// A risk that a new matrix size moves to another cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Remap {
    /// Risk title.
    pub title: String,
    /// Current (likelihood, impact) before → after.
    pub current: ((i32, i32), (i32, i32)),
    /// Target (likelihood, impact) before → after.
    pub target: ((i32, i32), (i32, i32)),
}

/// Everything the matrix editor on `/p/{slug}/settings` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MatrixSettings {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub name: String,
    /// What the user may do.
    pub permissions: Permissions,
    /// The matrix being edited: the saved one, or a resized draft of it.
    pub matrix: RiskMatrix,
    /// The saved matrix's size (likelihood, impact steps).
    pub saved_size: (usize, usize),
    /// Version of the saved matrix (0: the default, never saved).
    pub version: i32,
    /// Risks that saving the draft would move.
    pub remaps: Vec<Remap>,
}

/// Open or mitigating risks at high or critical level: what the overview and portfolio show.
pub fn serious_live(level: Level, status: RiskStatus) -> bool {
    level.is_serious() && status.is_active()
}
