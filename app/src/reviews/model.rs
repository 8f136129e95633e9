//! Review types shared by server and browser.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::snapshot::{Diff, Snapshot};
use crate::{scoring::Verdict, teams::model::Permissions};

/// Whether a review is still a draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Shows the live project; can be edited or deleted.
    Draft,
    /// Frozen for good.
    Final,
}

/// A review in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewSummary {
    /// Id.
    pub id: i32,
    /// Title.
    pub title: String,
    /// Who reviewed.
    pub reviewer: String,
    /// Date of the review.
    pub review_date: NaiveDate,
    /// Version label (e.g. "v2.3").
    pub version_label: String,
    /// Draft or final.
    pub status: ReviewStatus,
    /// Overall score frozen at finalizing.
    pub overall: Option<u8>,
    /// Verdict frozen at finalizing.
    pub verdict: Option<Verdict>,
    /// Number of sign-offs.
    pub signoffs: usize,
    /// For optimistic concurrency.
    pub version: i32,
}

/// One final review's scores, for the trend chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// Short label (version label, else the date).
    pub label: String,
    /// Overall score.
    pub overall: Option<u8>,
    /// (category name, effective score) in the project's current category order.
    pub categories: Vec<(String, Option<u8>)>,
}

/// A project's final reviews' scores, for its overview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendView {
    /// Project slug.
    pub slug: String,
    /// Final reviews, oldest first.
    pub trend: Vec<TrendPoint>,
}

/// Everything `/p/{slug}/reviews` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewsView {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub name: String,
    /// What the user may do.
    pub permissions: Permissions,
    /// Reviews, newest first.
    pub reviews: Vec<ReviewSummary>,
    /// Final reviews, oldest first.
    pub trend: Vec<TrendPoint>,
    /// Today (the default date of a new review).
    pub today: NaiveDate,
    /// The live project against the last final review, when there is one.
    pub since_last: Option<Diff>,
}

/// A sign-off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignOff {
    /// Name of the owner who signed.
    pub name: String,
    /// When (UTC, "YYYY-MM-DD HH:MM").
    pub signed_at: String,
    /// Optional comment.
    pub comment: String,
}

/// Everything `/p/{slug}/reviews/{id}` shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewView {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub name: String,
    /// What the user may do.
    pub permissions: Permissions,
    /// The review.
    pub review: ReviewSummary,
    /// Its summary text (Markdown source).
    pub summary: String,
    /// Its summary as sanitized HTML.
    pub summary_html: String,
    /// The frozen snapshot, or for a draft the live project now.
    pub snapshot: Snapshot,
    /// The previous final review (id, title) this one compares with.
    pub previous: Option<(i32, String)>,
    /// The diff against `previous`.
    pub diff: Option<Diff>,
    /// Who finalized it and when ("YYYY-MM-DD HH:MM").
    pub finalized: Option<(String, String)>,
    /// Sign-offs, oldest first.
    pub signoffs: Vec<SignOff>,
    /// The user may sign (an owner who has not signed yet).
    pub can_sign: bool,
    /// The required reviewer groups and where each stands, when this is the project's latest
    /// final review and the project requires any.
    #[serde(default)]
    pub groups: Option<crate::signoff::model::SignoffState>,
}

/// The live project against its last final review.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LiveDiff {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub name: String,
    /// The last final review (id, title), if any.
    pub last: Option<(i32, String)>,
    /// The diff, when there is a last final review.
    pub diff: Option<Diff>,
}

/// The next title or label in a series: the trailing number goes up by one, keeping its
/// width ("Review 9" → "Review 10", "v1.09" → "v1.10"); text without one stays as it is.
pub fn next_in_series(s: &str) -> String {
    let digits = s.chars().rev().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return s.to_owned();
    }
    let (head, tail) = s.split_at(s.len() - digits);
    match tail.parse::<u64>() {
        Ok(n) => format!("{head}{:0width$}", n + 1, width = digits),
        Err(_) => s.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::next_in_series;

    #[test]
    fn series_continue_from_their_trailing_number() {
        assert_eq!(next_in_series("Readiness review 3"), "Readiness review 4");
        assert_eq!(next_in_series("Review 9"), "Review 10");
        assert_eq!(next_in_series("v1.09"), "v1.10");
        assert_eq!(next_in_series("v2"), "v3");
        assert_eq!(next_in_series("Launch review"), "Launch review");
        assert_eq!(next_in_series(""), "");
    }
}
