//! Search types shared by server and browser.

use serde::{Deserialize, Serialize};

/// What to search for, and in what (the `/search` page's query string, the API's parameters).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchFilter {
    /// The search text (see [`super::query`]).
    pub q: String,
    /// `project`, `item`, `risk` or `comment`; empty: all.
    pub kind: String,
    /// Only this project (slug).
    pub project: String,
    /// Only this team (id).
    pub team: String,
    /// Only items (and comments on items) with this status.
    pub status: String,
    /// Only items (and comments on items) with this priority.
    pub priority: String,
    /// Only items (and comments on items) assigned to `me`, to `none`, or to this user id.
    pub assignee: String,
    /// Page, from 1.
    pub page: u32,
}

/// A piece of a hit's text: a match (shown marked) or the text between.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Fragment {
    /// The text.
    pub text: String,
    /// A word the search looked for.
    pub hit: bool,
}

/// One thing found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    /// `project`, `item`, `risk` or `comment`.
    pub kind: String,
    /// The id of the project, item, risk or comment.
    pub id: i32,
    /// The project's slug.
    pub project_slug: String,
    /// The project's name.
    pub project_name: String,
    /// The item (of an item or a comment).
    pub item_id: Option<i32>,
    /// The title, in fragments (a comment: its item's title).
    pub title: Vec<Fragment>,
    /// Up to about 200 characters of the text around the first match, in fragments.
    pub snippet: Vec<Fragment>,
    /// Where it is shown (a path on this server).
    pub url: String,
}

/// A page of results, newest text first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// The hits of this page.
    pub hits: Vec<SearchHit>,
    /// How many match in all, counted up to [`super::COUNT_CAP`].
    pub total: u32,
    /// More than `total` match (the count stopped at the cap).
    pub total_capped: bool,
    /// This page, from 1.
    pub page: u32,
    /// Hits a page.
    pub per_page: u32,
    /// A later page has hits.
    pub has_more: bool,
}
