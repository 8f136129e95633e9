//! Project types shared by server and browser, and the pure rules on them.

use serde::{Deserialize, Serialize};

use crate::{
    scoring::{Priority, Verdict},
    teams::model::{Permissions, TeamChoice},
};

/// A project as listed on the portfolio, with its readiness.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectSummary {
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Owning team's name.
    pub team_name: String,
    /// Short description (Markdown source).
    pub description: String,
    /// The go/no-go verdict.
    pub verdict: Verdict,
    /// The required reviewer groups whose sign-off the verdict awaits.
    #[serde(default)]
    pub awaiting: Vec<String>,
    /// Overall score, when there is one.
    pub overall: Option<u8>,
    /// Blocking items still open or in progress.
    pub blocking_gaps: u32,
    /// Gaps past their due date.
    pub overdue: u32,
    /// Open or mitigating risks at high or critical level.
    pub serious_risks: u32,
    /// Overall score now minus at the last final review (none without both).
    pub since_review: Option<i32>,
    /// The forecast against the launch date (none without a launch date).
    #[serde(default)]
    pub outlook: Option<crate::forecast::Outlook>,
    /// The forecast ready date at the team's pace.
    #[serde(default)]
    pub ready_date: Option<chrono::NaiveDate>,
    /// The forecast in one sentence.
    #[serde(default)]
    pub forecast: String,
    /// A final review is due and has not happened (with a review cadence set).
    #[serde(default)]
    pub review_overdue: bool,
}

/// An open item assigned to the signed-in user ("my gaps" on the portfolio).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MyGap {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub project: String,
    /// Item id.
    pub item_id: i32,
    /// Item title.
    pub title: String,
    /// Priority.
    pub priority: Priority,
    /// Blocking.
    pub blocking: bool,
    /// Due date (`YYYY-MM-DD`), if any.
    pub due_date: Option<String>,
    /// Past due.
    pub overdue: bool,
}

/// One page of the portfolio (the visible projects that pass the filters, in the asked order)
/// and the user's own gaps.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Portfolio {
    /// This page's projects.
    pub projects: Vec<ProjectSummary>,
    /// Projects that pass the filters, on every page.
    pub total: u32,
    /// Visible projects before filtering.
    pub visible: u32,
    /// This page, from 1.
    pub page: u32,
    /// Projects a page.
    pub per_page: u32,
    /// Gaps assigned to the user, by due date (undated last).
    pub my_gaps: Vec<MyGap>,
}

/// What the portfolio shows: the order (`sort`: name, team, verdict, score, blocking, overdue,
/// risks, change, forecast; `desc` turns it round), filters and the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortfolioQuery {
    /// The order's key; empty or unknown: name.
    pub sort: String,
    /// `1`: the other way round.
    pub desc: String,
    /// Only this team (id).
    pub team: String,
    /// Only this launch tier (id), or `none`.
    pub tier: String,
    /// Only this verdict (`ready`, `ready_with_gaps`, `awaiting_sign_off`, `not_ready`).
    pub verdict: String,
    /// Only projects whose name, slug or description contains this text.
    pub q: String,
    /// Page, from 1.
    pub page: u32,
}

/// A project as shown on its own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectView {
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Owning team's name.
    pub team_name: String,
    /// Description (Markdown source).
    pub description: String,
    /// Readiness threshold (0–100).
    pub threshold: i32,
    /// Version of the project's settings: an edit sends it back.
    pub version: i32,
    /// The target launch date.
    pub target_date: Option<chrono::NaiveDate>,
    /// Hours a week the team puts into readiness work.
    pub capacity_hours: Option<i32>,
    /// A final review is due this many days after the last.
    pub review_every_days: Option<i32>,
    /// Owning team's id.
    pub team_id: i32,
    /// What the viewer may do here.
    pub permissions: Permissions,
    /// Teams the project may be moved to (owners: the other teams they own).
    pub move_targets: Vec<TeamChoice>,
}

/// Longest slug accepted.
pub const MAX_SLUG_LEN: usize = 64;

/// Derives a URL slug from a name: lower-case ASCII letters and digits separated by single
/// hyphens ("Payments API v2" → "payments-api-v2"). Non-ASCII letters are dropped.
pub fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug: String = slug
        .trim_end_matches('-')
        .chars()
        .take(MAX_SLUG_LEN)
        .collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// True for a slug `slugify` could have produced: `[a-z0-9]+(-[a-z0-9]+)*`, at most 64 chars.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_makes_url_safe_slugs() {
        assert_eq!(slugify("Payments API v2"), "payments-api-v2");
        assert_eq!(slugify("  --Hello,   World!--  "), "hello-world");
        assert_eq!(slugify("Überwachung"), "berwachung");
        assert_eq!(slugify("日本"), "");
        assert_eq!(slugify(&"a".repeat(100)).len(), MAX_SLUG_LEN);
    }

    #[test]
    fn every_slugified_name_is_valid_or_empty() {
        for name in ["x", "A b", "a--b", "-a-", "a 1 2", &"ab ".repeat(40)] {
            let s = slugify(name);
            assert!(s.is_empty() || is_valid_slug(&s), "{name:?} -> {s:?}");
        }
    }

    #[test]
    fn invalid_slugs_are_rejected() {
        for s in ["", "A", "a_b", "a--b", "-a", "a-", "a b", "é"] {
            assert!(!is_valid_slug(s), "{s:?}");
        }
        assert!(is_valid_slug("api-2"));
    }
}

/// What the portfolio shows of a project's score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standing {
    pub(crate) verdict: crate::scoring::Verdict,
    pub(crate) overall: Option<u8>,
    pub(crate) blocking_gaps: u32,
    pub(crate) overdue: u32,
}
