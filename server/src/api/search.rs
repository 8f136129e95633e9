//! `/search`: everything the token's owner may see that matches, as on `/search`.

use app::{
    scoring::{Priority, Status},
    search::{
        model::{SearchFilter, SearchResults},
        service,
    },
};
use axum::{Json, extract::State};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    ApiError, ApiState,
    extract::{ApiQuery, Reader},
};

/// What to search for, and in what.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// The search: words must all appear as whole words, `word*` finds words starting with it,
    /// `"quoted words"` together, `-word` must not appear (at most 200 characters and 12 terms).
    #[param(min_length = 1, max_length = 200)]
    pub q: String,
    /// Only projects, items, risks or comments.
    #[param(pattern = "^(project|item|risk|comment)$")]
    pub kind: Option<String>,
    /// Only this project (slug).
    pub project: Option<String>,
    /// Only this team (id).
    pub team: Option<i32>,
    /// Only items (and their comments) with this status.
    pub status: Option<Status>,
    /// Only items (and their comments) with this priority.
    pub priority: Option<Priority>,
    /// Only items (and their comments) assigned to `me`, `none` or a user id.
    pub assignee: Option<String>,
    /// Page number, from 1 (results go 1,000 deep).
    #[param(minimum = 1, maximum = 1000)]
    pub page: Option<u32>,
    /// Hits per page, 1–50 (default 20).
    #[param(minimum = 1, maximum = 50)]
    pub per_page: Option<u32>,
}

/// Projects, items, risks and comments the token's owner may see that match, newest text
/// first, with the matched words marked in each title and snippet.
#[utoipa::path(get, path = "/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = SearchResults)))]
pub async fn search(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    let per_page = q.per_page.unwrap_or(app::search::PAGE_SIZE);
    if !(1..=50).contains(&per_page) {
        return Err(app::error::AppError::field("per_page", "Choose 1 to 50 a page.").into());
    }
    let filter = SearchFilter {
        q: q.q,
        kind: q.kind.unwrap_or_default(),
        project: q.project.unwrap_or_default(),
        team: q.team.map(|t| t.to_string()).unwrap_or_default(),
        status: q.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        priority: q
            .priority
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        assignee: q.assignee.unwrap_or_default(),
        page: q.page.unwrap_or(1),
    };
    Ok(Json(
        service::search(&s.app.db, &user, &filter, per_page).await?,
    ))
}
