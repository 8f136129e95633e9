//! `/risks`: the risk register. Changes carry the version they were based on.

use app::risks::{
    matrix::{Level, RiskStatus},
    model::{RiskFilter, RiskView},
    service::{self, RiskInput},
};
use axum::{Json, extract::State, response::Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiError, ApiState, Page, created,
    extract::{ApiJson, ApiPath, ApiQuery, Reader, Writer},
    nullable,
};

/// Service field names that differ from the API's.
const RISK_FIELDS: [(&str, &str); 2] = [("category", "category_id"), ("owner", "owner_id")];

fn renamed(e: app::error::AppError) -> ApiError {
    ApiError::from(e).rename_fields(&RISK_FIELDS)
}

/// The register's filters (as on the risks page), order and page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RisksQuery {
    /// A status, or `live` (anything but closed).
    pub status: Option<String>,
    /// Only this current level.
    pub level: Option<Level>,
    /// A category id, or `none`.
    pub category: Option<String>,
    /// An owner's user id, or `none`.
    pub owner: Option<String>,
    /// `score` (default, highest first), `target`, `title`, `status` or `category`.
    pub sort: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Entries per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The project's risks, filtered and in the asked order (ties by id).
#[utoipa::path(get, path = "/projects/{slug}/risks", tag = "risks",
    params(("slug" = String, Path, description = "The project's slug"), RisksQuery),
    responses((status = 200, body = Page<RiskView>)))]
pub async fn list(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<RisksQuery>,
) -> Result<Json<Page<RiskView>>, ApiError> {
    let filter = RiskFilter {
        status: q.status.unwrap_or_default(),
        level: q.level.map(|l| l.as_str().to_owned()).unwrap_or_default(),
        category: q.category.unwrap_or_default(),
        owner: q.owner.unwrap_or_default(),
        sort: q.sort.unwrap_or_default(),
        ..Default::default()
    };
    let view = service::register(&s.app.db, &user, &slug, &filter).await?;
    Ok(Json(Page::of(view.risks, q.page, q.per_page)?))
}

/// A new risk. Steps count from 1 up to the project's matrix size.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRisk {
    /// Title (1–200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Description (Markdown, up to 20,000 characters).
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    /// The category it belongs to.
    pub category_id: Option<i32>,
    /// The owner's user id (a member of the project's team).
    pub owner_id: Option<i32>,
    /// Status (default open).
    pub status: Option<RiskStatus>,
    /// Current likelihood step.
    #[schema(minimum = 1)]
    pub likelihood: i32,
    /// Current impact step.
    #[schema(minimum = 1)]
    pub impact: i32,
    /// Target likelihood step (default: the current one).
    pub target_likelihood: Option<i32>,
    /// Target impact step (default: the current one).
    pub target_impact: Option<i32>,
}

fn text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

async fn risk_view(
    s: &ApiState,
    user: &app::auth::model::AuthUser,
    id: i32,
) -> Result<RiskView, ApiError> {
    Ok(service::detail(&s.app.db, user, id).await?.risk)
}

/// Adds a risk to the register (editors).
#[utoipa::path(post, path = "/projects/{slug}/risks", tag = "risks",
    params(("slug" = String, Path, description = "The project's slug")),
    request_body = NewRisk,
    responses((status = 201, body = RiskView, headers(("Location" = String)))))]
pub async fn create(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<NewRisk>,
) -> Result<Response, ApiError> {
    let input = RiskInput {
        title: body.title,
        description: body.description,
        category: text(body.category_id),
        owner: text(body.owner_id),
        status: text(body.status.map(RiskStatus::as_str)),
        likelihood: body.likelihood.to_string(),
        impact: body.impact.to_string(),
        target_likelihood: text(body.target_likelihood),
        target_impact: text(body.target_impact),
    };
    let id = service::create_risk(&s.app.db, &user, &slug, input)
        .await
        .map_err(renamed)?;
    let view = risk_view(&s, &user, id).await?;
    Ok(created(format!("/risks/{id}"), view))
}

/// One risk with its mitigating items.
#[utoipa::path(get, path = "/risks/{id}", tag = "risks",
    params(("id" = i32, Path, description = "Risk id")),
    responses((status = 200, body = RiskView)))]
pub async fn get(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<RiskView>, ApiError> {
    Ok(Json(risk_view(&s, &user, id).await?))
}

/// Changes to a risk seen at `version`; fields left out keep their values.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskChange {
    /// The version last read (409 when someone changed it since).
    pub version: i32,
    /// Title (1–200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Description (Markdown, up to 20,000 characters).
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// The category, or `null` for none.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub category_id: Option<Option<i32>>,
    /// The owner, or `null` for nobody.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub owner_id: Option<Option<i32>>,
    /// Status.
    pub status: Option<RiskStatus>,
    /// Current likelihood step.
    pub likelihood: Option<i32>,
    /// Current impact step.
    pub impact: Option<i32>,
    /// Target likelihood step.
    pub target_likelihood: Option<i32>,
    /// Target impact step.
    pub target_impact: Option<i32>,
}

/// Reassesses or edits a risk (editors).
#[utoipa::path(patch, path = "/risks/{id}", tag = "risks",
    params(("id" = i32, Path, description = "Risk id")),
    request_body = RiskChange,
    responses((status = 200, body = RiskView),
        (status = 409, body = super::Problem, content_type = "application/problem+json", description = "Stale `version`")))]
pub async fn update(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<RiskChange>,
) -> Result<Json<RiskView>, ApiError> {
    service::update_risk(&s.app.db, &user, id, body.version, |r| {
        let set = |to: &mut String, v: Option<String>| {
            if let Some(v) = v {
                *to = v;
            }
        };
        set(&mut r.title, body.title);
        set(&mut r.description, body.description);
        set(&mut r.category, body.category_id.map(text));
        set(&mut r.owner, body.owner_id.map(text));
        set(&mut r.status, body.status.map(|s| s.as_str().to_owned()));
        set(&mut r.likelihood, body.likelihood.map(|v| v.to_string()));
        set(&mut r.impact, body.impact.map(|v| v.to_string()));
        set(
            &mut r.target_likelihood,
            body.target_likelihood.map(|v| v.to_string()),
        );
        set(
            &mut r.target_impact,
            body.target_impact.map(|v| v.to_string()),
        );
    })
    .await
    .map_err(renamed)?;
    Ok(Json(risk_view(&s, &user, id).await?))
}
