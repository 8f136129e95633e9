//! `/projects`: the projects the token's owner can see, and the token itself (`/me`).

use app::{
    account::model::TokenScope,
    projects::{
        model::{ProjectSummary, ProjectView},
        service,
    },
};
use axum::{Json, extract::State, response::Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    ApiError, ApiState, Page, PageQuery, created,
    extract::{ApiJson, ApiPath, ApiQuery, Reader, TokenInfo, Writer},
    today,
};

/// Who the token acts as.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// User id.
    pub id: i32,
    /// Email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Site administrator.
    pub is_admin: bool,
    /// The token's scope.
    pub scope: TokenScope,
}

/// The token's owner and scope: a cheap way to check a token.
#[utoipa::path(get, path = "/me", tag = "projects", responses((status = 200, body = Me)))]
pub async fn me(TokenInfo(t): TokenInfo) -> Json<Me> {
    Json(Me {
        id: t.user.id,
        email: t.user.email,
        display_name: t.user.display_name,
        is_admin: t.user.is_admin,
        scope: t.scope,
    })
}

/// Visible projects by name, with their verdict, score and open gaps.
#[utoipa::path(get, path = "/projects", tag = "projects", params(PageQuery),
    responses((status = 200, body = Page<ProjectSummary>)))]
pub async fn list(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<Page<ProjectSummary>>, ApiError> {
    let (page, per_page) = PageQuery::checked(q.page, q.per_page)?;
    let query = app::projects::model::PortfolioQuery {
        page,
        ..Default::default()
    };
    let found =
        app::portfolio::portfolio(&s.app.db, &s.app.memo, &user, today(), &query, per_page).await?;
    Ok(Json(Page::sliced(
        found.projects,
        page,
        per_page,
        u64::from(found.total),
    )))
}

/// A new project.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    /// Display name (1–120 characters).
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// URL slug (lower-case letters, digits, single hyphens); derived from the name when left
    /// out.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub slug: String,
    /// Description (Markdown, up to 10,000 characters).
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub description: String,
    /// The owning team (its editors and owners may create projects).
    pub team_id: i32,
}

/// Creates a project in a team where the token's owner is an editor or owner.
#[utoipa::path(post, path = "/projects", tag = "projects", request_body = NewProject,
    responses((status = 201, body = ProjectView, headers(("Location" = String)))))]
pub async fn create(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiJson(body): ApiJson<NewProject>,
) -> Result<Response, ApiError> {
    let slug = service::create(
        &s.app.db,
        &user,
        service::NewProject {
            name: body.name,
            slug: body.slug,
            description: body.description,
            team_id: body.team_id,
        },
    )
    .await?;
    let view = service::get_visible(&s.app.db, &user, &slug).await?;
    Ok(created(format!("/projects/{slug}"), view))
}

/// One project, with what the token's owner may do in it.
#[utoipa::path(get, path = "/projects/{slug}", tag = "projects",
    params(("slug" = String, Path, description = "The project's slug")),
    responses((status = 200, body = ProjectView)))]
pub async fn get(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ProjectView>, ApiError> {
    Ok(Json(service::get_visible(&s.app.db, &user, &slug).await?))
}

/// Changes to a project; fields left out keep their values.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectChange {
    /// The `version` last read: a change to a project changed since is refused (409).
    pub version: i32,
    /// Display name (1–120 characters).
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// Description (Markdown, up to 10,000 characters).
    #[schema(max_length = 10000)]
    pub description: Option<String>,
    /// Readiness threshold, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub threshold: Option<i32>,
    /// The target launch date, or `null` for none.
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<chrono::NaiveDate>)]
    pub target_date: Option<Option<chrono::NaiveDate>>,
    /// Hours a week the team puts into readiness work (1–10,000), or `null`.
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 10000)]
    pub capacity_hours: Option<Option<i32>>,
    /// A final review is due this many days after the last (1–3,650), or `null`.
    #[serde(default, deserialize_with = "super::nullable")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 3650)]
    pub review_every_days: Option<Option<i32>>,
}

/// Renames a project, or changes its description, readiness threshold, target launch date,
/// capacity or review cadence (editors), at the version last read. A bad value saves nothing.
#[utoipa::path(patch, path = "/projects/{slug}", tag = "projects",
    params(("slug" = String, Path, description = "The project's slug")),
    request_body = ProjectChange,
    responses((status = 200, body = ProjectView), (status = 409, body = super::Problem,
        content_type = "application/problem+json", description = "Stale version")))]
pub async fn update(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<ProjectChange>,
) -> Result<Json<ProjectView>, ApiError> {
    use app::phases::service::{PlanSettings, check_plan_settings, set_plan_settings};
    let now = service::get_visible(&s.app.db, &user, &slug).await?;
    let text = |v: Option<String>| v.unwrap_or_default();
    let plan = (body.target_date.is_some()
        || body.capacity_hours.is_some()
        || body.review_every_days.is_some())
    .then(|| PlanSettings {
        target_date: text(
            body.target_date
                .unwrap_or(now.target_date)
                .map(|d| d.to_string()),
        ),
        capacity_hours: text(
            body.capacity_hours
                .unwrap_or(now.capacity_hours)
                .map(|d| d.to_string()),
        ),
        review_every_days: text(
            body.review_every_days
                .unwrap_or(now.review_every_days)
                .map(|d| d.to_string()),
        ),
    });
    if let Some(plan) = &plan {
        check_plan_settings(plan)?;
    }
    let mut version = body.version;
    if plan.is_none()
        || body.name.is_some()
        || body.description.is_some()
        || body.threshold.is_some()
    {
        version = service::update(
            &s.app.db,
            &user,
            &slug,
            version,
            service::ProjectEdit {
                name: body.name.unwrap_or(now.name),
                description: body.description.unwrap_or(now.description),
                threshold: body.threshold.unwrap_or(now.threshold),
            },
        )
        .await?;
    }
    if let Some(plan) = &plan {
        set_plan_settings(&s.app.db, &user, &slug, version, plan).await?;
    }
    Ok(Json(service::get_visible(&s.app.db, &user, &slug).await?))
}

/// The gate's options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GateQuery {
    /// `true`: "ready with gaps" passes too (default: only "ready" passes).
    pub allow_gaps: Option<bool>,
}

/// A deployment gate for pipelines: 200 when the project is ready (or, with
/// `allow_gaps=true`, ready with gaps), 412 with its blocking gaps (open, in progress, stale
/// evidence, expired acceptances) otherwise. `preflight gate` calls it and exits 0 or 1.
#[utoipa::path(get, path = "/projects/{slug}/gate", tag = "projects",
    params(("slug" = String, Path, description = "The project's slug"), GateQuery),
    responses((status = 200, body = app::checklist::model::GateView, description = "The gate passes"),
        (status = 412, body = app::checklist::model::GateView, description = "The gate does not pass: the verdict and the blocking gaps")))]
pub async fn gate(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<GateQuery>,
) -> Result<Response, ApiError> {
    use axum::response::IntoResponse;
    let base = s.app.settings.base_url.clone().unwrap_or_default();
    let view = app::checklist::service::gate(
        &s.app.db,
        &s.app.memo,
        &user,
        &slug,
        q.allow_gaps.unwrap_or(false),
        base.trim_end_matches('/'),
        s.app.clock.today(),
    )
    .await?;
    let status = if view.pass {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::PRECONDITION_FAILED
    };
    Ok((status, Json(view)).into_response())
}
