//! Campaign types shared by server and browser.

use serde::{Deserialize, Serialize};

/// A campaign as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignSummary {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
    /// The team running it; `None`: site-wide.
    pub team: Option<String>,
    /// Its deadline (`YYYY-MM-DD`).
    pub deadline: Option<String>,
    /// `open` or `closed`.
    pub state: String,
    /// How many projects it applies to.
    pub projects: u32,
    /// How many items it has.
    pub items: u32,
    /// Percent of its items done across its projects (`None` before it applies anywhere).
    pub done_percent: Option<u8>,
}

/// One requirement of a campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignItemView {
    /// Id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// `critical`, `high`, `medium` or `low`.
    pub priority: String,
    /// Blocks the launch while open.
    pub blocking: bool,
}

/// Where one project stands on a campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectProgress {
    /// The project's slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Its team.
    pub team: String,
    /// Campaign items done.
    pub done: u32,
    /// Accepted as a risk or marked not applicable.
    pub exception: u32,
    /// Still open or in progress.
    pub open: u32,
    /// The campaign's items in the project.
    pub total: u32,
    /// Percent closed (done or exception), rounded down so 100 means all.
    pub percent: u8,
    /// The last change to one of its campaign items (`YYYY-MM-DD`).
    pub last_activity: Option<String>,
    /// Items open and no change to any of them for 14 days.
    pub idle: bool,
}

/// A day of the burn-up: items closed by its end, of how many.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BurnUpDay {
    /// The day (`YYYY-MM-DD`).
    pub day: String,
    /// Campaign items closed (done or exception) by its end.
    pub closed: u32,
    /// Campaign items in the projects then.
    pub total: u32,
}

/// A campaign with its progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignView {
    /// The summary.
    pub summary: CampaignSummary,
    /// What it is for.
    pub description: String,
    /// The category its items go into.
    pub category: String,
    /// Its items.
    pub items: Vec<CampaignItemView>,
    /// Progress per project, in the order asked for.
    pub rows: Vec<ProjectProgress>,
    /// Totals across projects: done, exception, open.
    pub done: u32,
    /// Exceptions across projects.
    pub exception: u32,
    /// Open across projects.
    pub open: u32,
    /// Items closed per day since it started.
    pub burn_up: Vec<BurnUpDay>,
    /// The viewer may apply, close it (its team's owners, or site admins).
    pub may_manage: bool,
    /// The team's projects it does not apply to yet (for managers).
    pub candidates: Vec<ProjectRef>,
}

/// A project named by another object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectRef {
    /// Slug.
    pub slug: String,
    /// Name.
    pub name: String,
}

/// What applying a campaign did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Applied {
    /// Projects it applies to now (those named).
    pub projects: u32,
    /// Items added (none for a project that had them all).
    pub added: u32,
}
