//! The REST API under `/api/v1`: JSON over `Authorization: Bearer` API tokens.
//!
//! Handlers are thin: each calls the same service (and so the same authorization) as the
//! server function behind the page that does the same thing. Session cookies are never read
//! here (the session middleware skips `/api/`), so a browser's cookies cannot act through the
//! API and cross-site request forgery has nothing to ride on.
//!
//! The OpenAPI document is generated from the handlers' `#[utoipa::path]` attributes and the
//! model types' `ToSchema` derives, so it cannot drift from the routes.

mod checklist;
mod checks;
mod docs;
mod extract;
mod files;
mod governance;
mod notifications;
mod plan;
mod problem;
mod projects;
mod reviews;
mod risks;
mod search;
mod webhooks;

use std::sync::{Arc, LazyLock};

use app::state::AppState;
use axum::{
    Json, Router,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::{Deserialize, Serialize};
use utoipa::{
    IntoParams, Modify, OpenApi, ToSchema,
    openapi::{
        Components, ContentBuilder, OpenApi as Doc, Ref, RefOr, ResponseBuilder,
        security::{Http, HttpAuthScheme, SecurityScheme},
    },
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub use problem::{ApiError, Problem};

/// Where the API is mounted.
pub const BASE: &str = "/api/v1";

/// State of the API's handlers: the application's, plus the per-token rate limiter.
#[derive(Clone)]
pub struct ApiState {
    /// The application state (database, settings).
    pub app: AppState,
    /// Requests per token, in a GCRA bucket.
    pub limiter: Arc<DefaultKeyedRateLimiter<i32>>,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Preflight API",
        description = "Production-readiness projects, checklists, risks, reviews and reports.\n\n\
            Authenticate with an API token from your account page: \
            `Authorization: Bearer pfat_…`. A token acts with its owner's current permissions; \
            a read-only token cannot write. Errors are `application/problem+json` (RFC 9457).",
        license(name = "AGPL-3.0-or-later")
    ),
    servers((url = "/api/v1")),
    components(schemas(Problem, problem::FieldProblem)),
    tags(
        (name = "projects", description = "Projects and their readiness"),
        (name = "checklist", description = "Categories, items and comments"),
        (name = "checks", description = "Checks that measure items, and results pipelines report"),
        (name = "files", description = "Evidence files attached to items"),
        (name = "risks", description = "The risk register"),
        (name = "plan", description = "The plan: phases, capacity and the launch date"),
        (name = "reviews", description = "Frozen reviews and what changed since"),
        (name = "reports", description = "The stakeholder report and exports"),
        (name = "notifications", description = "The token owner's inbox"),
        (name = "webhooks", description = "A team's webhooks and their delivery logs (owners)"),
        (name = "search", description = "Search across everything the token's owner may see"),
        (name = "governance", description = "Reviewer groups, required sign-offs, exception requests, campaigns and launch tiers"),
    )
)]
struct ApiDoc;

/// What every operation shares: bearer authentication, and the problem answers any of them can
/// give (so a client, and schemathesis, knows every status it may see).
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut Doc) {
        let components = doc.components.get_or_insert_with(Components::new);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    problem::CONTENT_TYPE,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        let common = [
            (
                "400",
                "The request is malformed (bad JSON, parameter or path).",
            ),
            (
                "401",
                "No token, or a token that is unknown, revoked or expired.",
            ),
            ("403", "The token's owner or scope may not do this."),
            (
                "404",
                "No such resource, or not visible to the token's owner.",
            ),
            ("422", "Invalid input; `errors` names each field."),
            (
                "429",
                "Too many requests for this token; see `Retry-After`.",
            ),
        ];
        let requirement = utoipa::openapi::security::SecurityRequirement::new::<
            &str,
            [&str; 0],
            &str,
        >("token", []);
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.put,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                op.security = Some(vec![requirement.clone()]);
                for (status, description) in common {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| RefOr::T(problem(description)));
                }
                if op.request_body.is_some() {
                    op.responses
                        .responses
                        .entry("415".to_owned())
                        .or_insert_with(|| RefOr::T(problem("The body is not JSON.")));
                }
            }
        }
    }
}

/// The OpenAPI document, built once.
pub fn openapi() -> &'static Doc {
    static DOC: LazyLock<Doc> = LazyLock::new(|| {
        let mut doc = api_routes().split_for_parts().1;
        Conventions.modify(&mut doc);
        doc
    });
    &DOC
}

fn api_routes() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(projects::me))
        .routes(routes!(search::search))
        .routes(routes!(projects::list, projects::create))
        .routes(routes!(projects::get, projects::update))
        .routes(routes!(projects::gate))
        .routes(routes!(checklist::categories, checklist::create_category))
        .routes(routes!(checklist::update_category))
        .routes(routes!(checklist::items))
        .routes(routes!(checklist::create_item))
        .routes(routes!(
            checklist::get_item,
            checklist::update_item,
            checklist::delete_item
        ))
        .routes(routes!(checklist::set_status))
        .routes(routes!(checklist::attest))
        .routes(routes!(checks::list, checks::create))
        .routes(routes!(checks::delete))
        .routes(routes!(checks::report))
        .routes(routes!(files::list, files::upload))
        .routes(routes!(files::download, files::delete))
        .routes(routes!(checklist::comments, checklist::add_comment))
        .routes(routes!(risks::list, risks::create))
        .routes(routes!(risks::get, risks::update))
        .routes(routes!(reviews::list))
        .routes(routes!(reviews::get))
        .routes(routes!(reviews::since_last))
        .routes(routes!(reviews::report))
        .routes(routes!(reviews::forecast))
        .routes(routes!(plan::plan))
        .routes(routes!(plan::create_phase))
        .routes(routes!(plan::update_phase, plan::delete_phase))
        .routes(routes!(reviews::export))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(notifications::mark_all_read))
        .routes(routes!(
            webhooks::list_team_webhooks,
            webhooks::create_team_webhook
        ))
        .routes(routes!(webhooks::delete_webhook))
        .routes(routes!(webhooks::send_webhook_delivery_again))
        .routes(routes!(governance::list_groups, governance::create_group))
        .routes(routes!(governance::delete_group))
        .routes(routes!(governance::add_member))
        .routes(routes!(governance::remove_member))
        .routes(routes!(governance::signoffs, governance::set_signoffs))
        .routes(routes!(governance::sign))
        .routes(routes!(governance::exceptions))
        .routes(routes!(governance::decide))
        .routes(routes!(
            governance::exception_policy,
            governance::set_exception_policy
        ))
        .routes(routes!(governance::campaigns, governance::create_campaign))
        .routes(routes!(governance::campaign))
        .routes(routes!(governance::apply_campaign))
        .routes(routes!(governance::close_campaign))
        .routes(routes!(governance::tiers, governance::create_tier))
        .routes(routes!(governance::update_tier, governance::delete_tier))
        .routes(routes!(
            governance::project_tier,
            governance::set_project_tier
        ))
}

/// The API router, to be nested at [`BASE`].
pub fn router(app: AppState) -> Router<AppState> {
    let per_minute =
        std::num::NonZeroU32::new(app.settings.api_rate_per_minute).unwrap_or(nonzero_600());
    let state = ApiState {
        limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
        app,
    };
    let (routes, _) = api_routes().split_for_parts();
    routes
        .route("/openapi.json", get(openapi_json))
        .route("/docs", get(docs::page))
        .fallback(|| async { ApiError::from(app::error::AppError::NotFound) })
        .layer(axum::middleware::from_fn(crate::telemetry::record))
        .with_state(state)
}

fn nonzero_600() -> std::num::NonZeroU32 {
    std::num::NonZeroU32::MIN.saturating_add(599)
}

async fn openapi_json() -> impl IntoResponse {
    static JSON: LazyLock<String> =
        LazyLock::new(|| serde_json::to_string(openapi()).unwrap_or_default());
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        JSON.as_str(),
    )
}

/// `?page=&per_page=` of every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Entries per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// Default entries per page.
pub const PER_PAGE: u32 = 50;

impl PageQuery {
    /// Checks the numbers: 422 on the field when out of range.
    fn checked(page: Option<u32>, per_page: Option<u32>) -> Result<(u32, u32), ApiError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(PER_PAGE);
        let mut v = app::error::Validator::default();
        v.check(
            !(1..=100_000).contains(&page),
            "page",
            "Pages are numbered from 1.",
        );
        v.check(
            !(1..=200).contains(&per_page),
            "per_page",
            "Choose 1 to 200 per page.",
        );
        v.finish()?;
        Ok((page, per_page))
    }
}

/// One page of a list in a stable order, and where the list ends.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The entries on this page.
    pub data: Vec<T>,
    /// This page's number (from 1).
    pub page: u32,
    /// Entries per page.
    pub per_page: u32,
    /// Entries in the whole list.
    pub total: u64,
    /// The next page's number, when there is one.
    pub next_page: Option<u32>,
}

impl<T> Page<T> {
    /// Page `page` of `total` entries, already sliced.
    fn sliced(data: Vec<T>, page: u32, per_page: u32, total: u64) -> Self {
        let next_page = (u64::from(page) * u64::from(per_page) < total).then_some(page + 1);
        Page {
            data,
            page,
            per_page,
            total,
            next_page,
        }
    }

    /// The `page`th slice of `all` (already in its stable order). Only that slice is taken from
    /// the iterator, so a mapping in it runs for the page's rows alone.
    fn of(
        all: impl IntoIterator<Item = T, IntoIter: ExactSizeIterator>,
        page: Option<u32>,
        per_page: Option<u32>,
    ) -> Result<Self, ApiError> {
        let (page, per_page) = PageQuery::checked(page, per_page)?;
        let all = all.into_iter();
        let total = all.len();
        let start =
            usize::try_from(u64::from(page - 1) * u64::from(per_page)).unwrap_or(usize::MAX);
        let data: Vec<T> = all
            .into_iter()
            .skip(start)
            .take(per_page as usize)
            .collect();
        let next_page = (start.saturating_add(per_page as usize) < total).then_some(page + 1);
        Ok(Page {
            data,
            page,
            per_page,
            total: total as u64,
            next_page,
        })
    }
}

/// `201 Created` with a `Location` and the created resource.
fn created<T: Serialize>(location: String, body: T) -> axum::response::Response {
    (
        StatusCode::CREATED,
        [(header::LOCATION, format!("{BASE}{location}"))],
        Json(body),
    )
        .into_response()
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Reads a field that may be left out (outer `None`) or sent as `null` (`Some(None)`).
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
