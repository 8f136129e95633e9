//! Reviews, the changes since the last final one, the report and the exports.

use app::{
    report::model::Report,
    reviews::{
        model::{LiveDiff, ReviewSummary, ReviewView},
        service,
    },
};
use axum::{
    Json,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiError, ApiState, Page, PageQuery,
    extract::{ApiPath, ApiQuery, Reader},
    today,
};

/// The project's reviews, newest first.
#[utoipa::path(get, path = "/projects/{slug}/reviews", tag = "reviews",
    params(("slug" = String, Path, description = "The project's slug"), PageQuery),
    responses((status = 200, body = Page<ReviewSummary>)))]
pub async fn list(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<ReviewSummary>>, ApiError> {
    let view = service::list(&s.app.db, &user, &slug, today()).await?;
    Ok(Json(Page::of(view.reviews, q.page, q.per_page)?))
}

/// One review: its frozen snapshot (a draft's is the live project), sign-offs, and the diff
/// against the final review before it.
#[utoipa::path(get, path = "/reviews/{id}", tag = "reviews",
    params(("id" = i32, Path, description = "Review id")),
    responses((status = 200, body = ReviewView)))]
pub async fn get(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<ReviewView>, ApiError> {
    Ok(Json(service::detail(&s.app.db, &user, id, today()).await?))
}

/// The live project against its last final review: fixed, regressed, new and removed items,
/// score and risk changes.
#[utoipa::path(get, path = "/projects/{slug}/diff", tag = "reviews",
    params(("slug" = String, Path, description = "The project's slug")),
    responses((status = 200, body = LiveDiff)))]
pub async fn since_last(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<LiveDiff>, ApiError> {
    Ok(Json(
        service::live_diff(&s.app.db, &user, &slug, today()).await?,
    ))
}

/// `?review=`: a final review's id or version label.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The report as of this final review (id or version label) instead of live.
    pub review: Option<String>,
}

/// The stakeholder report: verdict, scores, blocking gaps, risks, changes and sign-offs.
#[utoipa::path(get, path = "/projects/{slug}/report", tag = "reports",
    params(("slug" = String, Path, description = "The project's slug"), AsOf),
    responses((status = 200, body = Report)))]
pub async fn report(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<AsOf>,
) -> Result<Json<Report>, ApiError> {
    let report =
        app::report::service::report(&s.app.db, &user, &slug, q.review.as_deref(), today()).await?;
    Ok(Json(report))
}

/// The path to ready: the forecast of the date the blocking work is done (at the team's pace
/// over the last four weeks, with a range, against the launch date, with its reason) and the
/// burn-down of open effort per day, with final reviews as markers. No history: no date, said.
#[utoipa::path(get, path = "/projects/{slug}/forecast", tag = "reports",
    params(("slug" = String, Path, description = "The project's slug")),
    responses((status = 200, body = app::plan::PathToReady)))]
pub async fn forecast(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<app::plan::PathToReady>, ApiError> {
    Ok(Json(
        app::plan::path_to_ready(&s.app.db, &user, &slug, today()).await?,
    ))
}

/// A download format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// The report as PDF.
    Pdf,
    /// The report as Markdown (`preflight import` reads it back).
    Md,
    /// The report as a standalone HTML page.
    Html,
    /// The items as CSV.
    Csv,
    /// The whole project as Preflight JSON (`preflight import` reads it back).
    Json,
    /// A zip of the project's Preflight JSON and its evidence files.
    Zip,
}

impl ExportFormat {
    fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Pdf => "pdf",
            ExportFormat::Md => "md",
            ExportFormat::Html => "html",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Zip => "zip",
        }
    }
}

/// The project as a file: the report (PDF, Markdown, HTML; live or `?review=`), its items
/// (CSV), the whole project (Preflight JSON), or that JSON with the evidence files (zip:
/// `project.json` and `files/{id}-{name}`, each file's path listed in the JSON).
#[utoipa::path(get, path = "/projects/{slug}/export/{format}", tag = "reports",
    params(("slug" = String, Path, description = "The project's slug"),
        ("format" = inline(ExportFormat), Path, description = "pdf, md, html, csv, json or zip"), AsOf),
    responses((status = 200, description = "The file, as an attachment",
        headers(("Content-Disposition" = String)),
        content(
            (String = "application/pdf"),
            (String = "text/markdown"),
            (String = "text/html"),
            (String = "text/csv"),
            (serde_json::Value = "application/json"),
            (String = "application/zip"),
        ))))]
pub async fn export(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath((slug, format)): ApiPath<(String, ExportFormat)>,
    ApiQuery(q): ApiQuery<AsOf>,
) -> Result<Response, ApiError> {
    if format == ExportFormat::Zip {
        let archive = app::export::archive::archive(&s.app.db, &user, &slug, today()).await?;
        return Ok(crate::router::archive_download(Ok(archive), &s.app.db));
    }
    let file = app::export::export(
        &s.app.db,
        &user,
        &slug,
        format.as_str(),
        q.review.as_deref(),
        today(),
    )
    .await?;
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.filename))
        .map_err(|_| app::error::AppError::Internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.body,
    )
        .into_response())
}
