//! Categories, items and comments. Item writes carry the version they were based on (`version`
//! in the body, or an `If-Match` ETag); a stale one is 409 (412 for `If-Match`).

use app::{
    checklist::{
        model::{CategoryView, CommentView, ItemFilter, ItemView},
        service::{self, CategoryInput, ItemInput},
    },
    entities::{categories, projects},
    error::AppError,
    scoring::{Priority, Status},
};
use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::NaiveDate;
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{
    ApiError, ApiState, Page, created,
    extract::{ApiJson, ApiPath, ApiQuery, IfMatch, Reader, Writer, etag},
    nullable, today,
};
use app::auth::model::AuthUser;

/// Service field names that differ from the API's.
const ITEM_FIELDS: [(&str, &str); 2] = [("assignee", "assignee_id"), ("phase", "phase_id")];

/// The project's categories in order, with computed, assessor and effective scores.
#[utoipa::path(get, path = "/projects/{slug}/categories", tag = "checklist",
    params(("slug" = String, Path, description = "The project's slug")),
    responses((status = 200, body = Vec<CategoryView>)))]
pub async fn categories(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<Vec<CategoryView>>, ApiError> {
    Ok(Json(
        service::category_views(&s.app.db, &user, &slug, today()).await?,
    ))
}

/// A new category.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCategory {
    /// Name (1–120 characters).
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// Weight in the overall score, 0–100 (default 1).
    #[schema(minimum = 0, maximum = 100)]
    pub weight: Option<u32>,
}

/// The category `id` as the checklist shows it now.
async fn category_view(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: i32,
) -> Result<CategoryView, AppError> {
    let cat = categories::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let project = projects::Entity::find_by_id(cat.project_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    service::category_views(db, user, &project.slug, today())
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound)
}

/// Adds a category at the end (editors).
#[utoipa::path(post, path = "/projects/{slug}/categories", tag = "checklist",
    params(("slug" = String, Path, description = "The project's slug")),
    request_body = NewCategory,
    responses((status = 201, body = CategoryView, headers(("Location" = String)))))]
pub async fn create_category(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<NewCategory>,
) -> Result<Response, ApiError> {
    let input = CategoryInput {
        name: body.name,
        weight: body.weight.map(|w| w.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    let id = service::create_category(&s.app.db, &user, &slug, input).await?;
    let view = category_view(&s.app.db, &user, id).await?;
    Ok(created(format!("/categories/{id}"), view))
}

/// Changes to a category seen at `version`; fields left out keep their values.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryChange {
    /// The version last read (409 when someone changed it since).
    pub version: i32,
    /// Name (1–120 characters).
    #[schema(min_length = 1, max_length = 120)]
    pub name: Option<String>,
    /// Weight, 0–100.
    #[schema(minimum = 0, maximum = 100)]
    pub weight: Option<u32>,
    /// The assessor's score 0–100, or `null` to use the computed score.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>, minimum = 0, maximum = 100)]
    pub assessor_score: Option<Option<u32>>,
    /// The assessor's note (up to 20,000 characters).
    #[schema(max_length = 20000)]
    pub assessor_note: Option<String>,
    /// How many days a done item's evidence holds in this category (1–3650; items may set
    /// their own), or `null` for evidence that never goes stale.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 3650)]
    pub valid_for_days: Option<Option<u32>>,
}

/// Renames a category, or sets its weight, the assessor's score and note, or how long its
/// evidence holds (editors).
#[utoipa::path(patch, path = "/categories/{id}", tag = "checklist",
    params(("id" = i32, Path, description = "Category id")),
    request_body = CategoryChange,
    responses((status = 200, body = CategoryView), (status = 409, body = super::Problem,
        content_type = "application/problem+json", description = "Stale version")))]
pub async fn update_category(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<CategoryChange>,
) -> Result<Json<CategoryView>, ApiError> {
    let cat = categories::Entity::find_by_id(id)
        .one(&s.app.db)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    let valid_for = valid_for_text(body.valid_for_days)?;
    let mut version = body.version;
    let rest = body.name.is_some()
        || body.weight.is_some()
        || body.assessor_score.is_some()
        || body.assessor_note.is_some();
    if rest || valid_for.is_none() {
        version = change_category(&s, &user, cat, body).await?;
    }
    if let Some(days) = valid_for {
        service::set_category_valid_for(&s.app.db, &user, id, version, &days).await?;
    }
    Ok(Json(category_view(&s.app.db, &user, id).await?))
}

/// A `valid_for_days` change as the form field reads it (blank for none), checked before
/// anything is saved so that a bad value leaves the rest of the change unsaved too.
fn valid_for_text(days: Option<Option<u32>>) -> Result<Option<String>, ApiError> {
    let Some(days) = days else {
        return Ok(None);
    };
    let text = days.map(|d| d.to_string()).unwrap_or_default();
    service::parse_valid_for(&text)?;
    Ok(Some(text))
}

/// Applies a category change's name, weight and assessor fields; returns the new version.
async fn change_category(
    s: &ApiState,
    user: &AuthUser,
    cat: categories::Model,
    body: CategoryChange,
) -> Result<i32, ApiError> {
    let id = cat.id;
    let score = match body.assessor_score {
        Some(s) => s.map(|s| s.to_string()).unwrap_or_default(),
        None => cat
            .assessor_score
            .map(|s| s.to_string())
            .unwrap_or_default(),
    };
    let input = CategoryInput {
        name: body.name.unwrap_or(cat.name),
        weight: body.weight.unwrap_or(cat.weight.max(0) as u32).to_string(),
        assessor_score: score,
        assessor_note: body.assessor_note.unwrap_or(cat.assessor_note),
    };
    service::update_category(&s.app.db, user, id, body.version, input).await?;
    Ok(categories::Entity::find_by_id(id)
        .one(&s.app.db)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?
        .version)
}

/// The checklist's filters (as on the checklist page) and the page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemsQuery {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this priority.
    pub priority: Option<Priority>,
    /// `me`, `none` or a user id.
    pub assignee: Option<String>,
    /// `yes` or `no`.
    pub blocking: Option<String>,
    /// `yes`: only gaps past their due date.
    pub overdue: Option<String>,
    /// `yes`: only done items whose evidence ran out.
    pub stale: Option<String>,
    /// Words that must all appear in the title or description (at most 200 characters and
    /// 12 words).
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Entries per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<u32>,
}

/// The project's items in category and position order, filtered like the checklist page.
#[utoipa::path(get, path = "/projects/{slug}/items", tag = "checklist",
    params(("slug" = String, Path, description = "The project's slug"), ItemsQuery),
    responses((status = 200, body = Page<ItemView>)))]
pub async fn items(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(q): ApiQuery<ItemsQuery>,
) -> Result<Json<Page<ItemView>>, ApiError> {
    let filter = ItemFilter {
        status: q.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        priority: q
            .priority
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default(),
        assignee: q.assignee.unwrap_or_default(),
        blocking: q.blocking.unwrap_or_default(),
        overdue: q.overdue.unwrap_or_default(),
        stale: q.stale.unwrap_or_default(),
        q: q.q.unwrap_or_default(),
    };
    let items = service::list_items(&s.app.db, &user, &slug, &filter, today()).await?;
    Ok(Json(Page::of(items, q.page, q.per_page)?))
}

/// A new item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// Title (1–200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Description (Markdown, up to 20,000 characters).
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    /// Priority (default medium).
    pub priority: Option<Priority>,
    /// Blocks the release while a gap (default: only critical items do).
    pub blocking: Option<bool>,
    /// The assignee's user id (a member of the project's team).
    pub assignee_id: Option<i32>,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Estimated hours.
    #[schema(minimum = 0)]
    pub effort_hours: Option<f64>,
    /// The plan phase (of the item's project) it is scheduled into.
    pub phase_id: Option<i32>,
}

/// An item answered with its ETag.
fn with_etag(status: StatusCode, item: ItemView) -> Response {
    let tag = HeaderValue::from_str(&etag(item.version));
    let mut res = (status, Json(item)).into_response();
    if let Ok(tag) = tag {
        res.headers_mut().insert(header::ETAG, tag);
    }
    res
}

async fn item_view(
    db: &DatabaseConnection,
    user: &AuthUser,
    id: i32,
) -> Result<ItemView, AppError> {
    let (item, _) = app::projects::access::item_for(db, user, id).await?;
    service::item_detail_view(db, item, today()).await
}

fn opt_text<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Adds an item to a category (editors).
#[utoipa::path(post, path = "/categories/{id}/items", tag = "checklist",
    params(("id" = i32, Path, description = "Category id")),
    request_body = NewItem,
    responses((status = 201, body = ItemView, headers(("Location" = String), ("ETag" = String)))))]
pub async fn create_item(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(category_id): ApiPath<i32>,
    ApiJson(body): ApiJson<NewItem>,
) -> Result<Response, ApiError> {
    let input = ItemInput {
        title: body.title,
        description: body.description,
        priority: body
            .priority
            .unwrap_or(Priority::Medium)
            .as_str()
            .to_owned(),
        blocking: opt_text(body.blocking),
        assignee: opt_text(body.assignee_id),
        due_date: opt_text(body.due_date),
        effort_hours: opt_text(body.effort_hours),
        phase: opt_text(body.phase_id),
        ..Default::default()
    };
    let id = service::create_item(&s.app.db, &user, category_id, input, today())
        .await
        .map_err(|e| ApiError::from(e).rename_fields(&ITEM_FIELDS))?;
    let view = item_view(&s.app.db, &user, id).await?;
    let mut res = with_etag(StatusCode::CREATED, view);
    if let Ok(loc) = HeaderValue::from_str(&format!("{}/items/{id}", super::BASE)) {
        res.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(res)
}

/// One item; its `ETag` is what `If-Match` takes.
#[utoipa::path(get, path = "/items/{id}", tag = "checklist",
    params(("id" = i32, Path, description = "Item id")),
    responses((status = 200, body = ItemView, headers(("ETag" = String)))))]
pub async fn get_item(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
) -> Result<Response, ApiError> {
    Ok(with_etag(
        StatusCode::OK,
        item_view(&s.app.db, &user, id).await?,
    ))
}

/// Changes to an item; fields left out keep their values, `null` clears a nullable one.
#[derive(Debug, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemChange {
    /// The version last read; or send `If-Match` instead.
    pub version: Option<i32>,
    /// Title (1–200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// Description (Markdown, up to 20,000 characters).
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Blocks the release while a gap.
    pub blocking: Option<bool>,
    /// Status. `not_applicable` and `accepted_risk` need `status_reason`; `accepted_risk`
    /// needs `accepted_until`; `done` may need evidence when the project requires it.
    pub status: Option<Status>,
    /// Why not applicable, or why the risk is accepted.
    pub status_reason: Option<String>,
    /// Until when an accepted risk is accepted.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub accepted_until: Option<Option<NaiveDate>>,
    /// The assignee's user id, or `null` for nobody.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub assignee_id: Option<Option<i32>>,
    /// Due date, or `null`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_date: Option<Option<NaiveDate>>,
    /// Estimated hours, or `null`.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>, minimum = 0)]
    pub effort_hours: Option<Option<f64>>,
    /// A link to the evidence (http or https, up to 2,000 characters).
    #[schema(max_length = 2000)]
    pub evidence_url: Option<String>,
    /// Evidence as text (up to 20,000 characters).
    #[schema(max_length = 20000)]
    pub evidence_text: Option<String>,
    /// How many days this item's evidence holds (1–3650), or `null` to follow its category.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 3650)]
    pub valid_for_days: Option<Option<u32>>,
    /// The plan phase (of the item's project) it is scheduled into, or `null` for none.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>)]
    pub phase_id: Option<Option<i32>>,
}

impl ItemChange {
    fn apply(self, i: &mut ItemInput) {
        fn set(to: &mut String, v: Option<String>) {
            if let Some(v) = v {
                *to = v;
            }
        }
        fn set_null<T: ToString>(to: &mut String, v: Option<Option<T>>) {
            if let Some(v) = v {
                *to = opt_text(v);
            }
        }
        set(&mut i.title, self.title);
        set(&mut i.description, self.description);
        set(
            &mut i.priority,
            self.priority.map(|p| p.as_str().to_owned()),
        );
        set(&mut i.blocking, self.blocking.map(|b| b.to_string()));
        set(&mut i.status, self.status.map(|s| s.as_str().to_owned()));
        set(&mut i.status_reason, self.status_reason);
        set_null(&mut i.accepted_until, self.accepted_until);
        set_null(&mut i.assignee, self.assignee_id);
        set_null(&mut i.due_date, self.due_date);
        set_null(&mut i.effort_hours, self.effort_hours);
        set(&mut i.evidence_url, self.evidence_url);
        set(&mut i.evidence_text, self.evidence_text);
        set_null(&mut i.phase, self.phase_id);
    }
}

/// Applies `change` to item `id` at the version `If-Match` or the body names (or, for
/// `If-Match: *` and status changes without one, the current version).
async fn change_item(
    s: &ApiState,
    user: &AuthUser,
    id: i32,
    if_match: IfMatch,
    version: Option<i32>,
    version_needed: bool,
    mut change: ItemChange,
) -> Result<Response, ApiError> {
    let db = &s.app.db;
    let valid_for = valid_for_text(change.valid_for_days.take())?;
    // The item and the user's role in its project, asked once for the whole call.
    let (item, seen) = app::projects::access::item(db, user, id).await?;
    let version = match (if_match, version) {
        (IfMatch::Version(None), _) => return Err(ApiError::precondition_failed()),
        (IfMatch::Version(Some(v)), _) => v,
        (_, Some(v)) => v,
        (IfMatch::Any, None) => item.version,
        (IfMatch::Absent, None) if !version_needed => item.version,
        (IfMatch::Absent, None) => return Err(ApiError::precondition_required()),
    };
    // Only a validity change: the item's fields are not saved again.
    let result = if valid_for.is_some()
        && change
            == (ItemChange {
                version: change.version,
                ..ItemChange::default()
            }) {
        Ok(version)
    } else {
        service::update_seen_item(db, user, item, &seen, version, |i| change.apply(i), today())
            .await
    };
    let result = match (result, valid_for) {
        (Ok(version), Some(days)) => {
            service::set_item_valid_for(db, user, id, version, &days).await
        }
        (result, _) => result,
    };
    match result {
        Ok(_) => {
            let item = app::entities::items::Entity::find_by_id(id)
                .one(db)
                .await
                .map_err(AppError::from)?
                .ok_or(AppError::NotFound)?;
            Ok(with_etag(
                StatusCode::OK,
                service::item_detail_view(db, item, today()).await?,
            ))
        }
        Err(AppError::Conflict(_)) if matches!(if_match, IfMatch::Version(_)) => {
            Err(ApiError::precondition_failed())
        }
        Err(e) => Err(ApiError::from(e).rename_fields(&ITEM_FIELDS)),
    }
}

/// Edits an item (editors), at the version in the body or in `If-Match`.
#[utoipa::path(patch, path = "/items/{id}", tag = "checklist",
    params(("id" = i32, Path, description = "Item id"),
        ("If-Match" = Option<String>, Header, description = "The item's ETag, or `*` for any version")),
    request_body = ItemChange,
    responses((status = 200, body = ItemView, headers(("ETag" = String))),
        (status = 409, body = super::Problem, content_type = "application/problem+json", description = "Stale `version`"),
        (status = 412, body = super::Problem, content_type = "application/problem+json", description = "Stale `If-Match`"),
        (status = 428, body = super::Problem, content_type = "application/problem+json", description = "Neither `version` nor `If-Match`")))]
pub async fn update_item(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<ItemChange>,
) -> Result<Response, ApiError> {
    change_item(&s, &user, id, if_match, body.version, true, body).await
}

/// A status change with its reason, expiry or evidence.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// The new status.
    pub status: Status,
    /// The version last read; when left out, the change applies to the current version.
    pub version: Option<i32>,
    /// Why not applicable, or why the risk is accepted.
    pub status_reason: Option<String>,
    /// Until when an accepted risk is accepted.
    pub accepted_until: Option<NaiveDate>,
    /// A link to the evidence (a CI run, a dashboard; http or https).
    #[schema(max_length = 2000)]
    pub evidence_url: Option<String>,
    /// Evidence as text.
    pub evidence_text: Option<String>,
}

/// Changes an item's status and its evidence in one call (editors): what a CI pipeline calls
/// to mark "load test passed" done with the run's URL.
#[utoipa::path(post, path = "/items/{id}/status", tag = "checklist",
    params(("id" = i32, Path, description = "Item id"),
        ("If-Match" = Option<String>, Header, description = "The item's ETag, or `*`")),
    request_body = StatusChange,
    responses((status = 200, body = ItemView, headers(("ETag" = String))),
        (status = 409, body = super::Problem, content_type = "application/problem+json", description = "Stale `version`"),
        (status = 412, body = super::Problem, content_type = "application/problem+json", description = "Stale `If-Match`")))]
pub async fn set_status(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    if_match: IfMatch,
    ApiJson(body): ApiJson<StatusChange>,
) -> Result<Response, ApiError> {
    let change = ItemChange {
        status: Some(body.status),
        status_reason: body.status_reason,
        accepted_until: body.accepted_until.map(Some),
        evidence_url: body.evidence_url,
        evidence_text: body.evidence_text,
        ..Default::default()
    };
    change_item(&s, &user, id, if_match, body.version, false, change).await
}

/// A re-attestation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// The version last read; when left out, the current one.
    pub version: Option<i32>,
}

/// Vouches for a done item anew (editors): its evidence holds again for its "valid for", and
/// a stale item counts as done again.
#[utoipa::path(post, path = "/items/{id}/attest", tag = "checklist",
    params(("id" = i32, Path, description = "Item id")),
    request_body = Attestation,
    responses((status = 200, body = ItemView, headers(("ETag" = String))),
        (status = 409, body = super::Problem, content_type = "application/problem+json", description = "Stale `version`"),
        (status = 422, body = super::Problem, content_type = "application/problem+json", description = "The item is not done")))]
pub async fn attest(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<Attestation>,
) -> Result<Response, ApiError> {
    let db = &s.app.db;
    let version = match body.version {
        Some(v) => v,
        None => app::projects::access::item(db, &user, id).await?.0.version,
    };
    service::attest_item(db, &user, id, version, s.app.clock.now()).await?;
    Ok(with_etag(StatusCode::OK, item_view(db, &user, id).await?))
}

/// Deletes an item (editors).
#[utoipa::path(delete, path = "/items/{id}", tag = "checklist",
    params(("id" = i32, Path, description = "Item id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_item(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    service::delete_item(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The item's comments, oldest first.
#[utoipa::path(get, path = "/items/{id}/comments", tag = "checklist",
    params(("id" = i32, Path, description = "Item id")),
    responses((status = 200, body = Vec<CommentView>)))]
pub async fn comments(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
) -> Result<Json<Vec<CommentView>>, ApiError> {
    let (_, seen) = app::projects::access::item(&s.app.db, &user, id).await?;
    Ok(Json(service::comments(&s.app.db, &seen, id).await?))
}

/// A new comment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// The comment (Markdown, up to 20,000 characters).
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
}

/// Comments on an item (viewers may comment).
#[utoipa::path(post, path = "/items/{id}/comments", tag = "checklist",
    params(("id" = i32, Path, description = "Item id")),
    request_body = NewComment,
    responses((status = 201, body = CommentView, headers(("Location" = String)))))]
pub async fn add_comment(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<NewComment>,
) -> Result<Response, ApiError> {
    let comment_id = service::add_comment(&s.app.db, &user, id, &body.body).await?;
    let (_, seen) = app::projects::access::item(&s.app.db, &user, id).await?;
    let comment = service::comments(&s.app.db, &seen, id)
        .await?
        .into_iter()
        .find(|c| c.id == comment_id)
        .ok_or(AppError::NotFound)?;
    Ok(created(format!("/items/{id}/comments"), comment))
}
