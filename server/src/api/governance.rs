//! Governance: reviewer groups (site admins), the sign-offs a project requires and where they
//! stand, signing a review (as an owner or for a group), and exception requests.

use app::{
    exceptions::model::ExceptionView,
    signoff::{
        model::{ReviewerGroupView, SignoffState},
        service,
    },
};
use axum::{Json, extract::State, http::StatusCode, response::Response};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    ApiError, ApiState, created,
    extract::{ApiJson, ApiPath, Reader, Writer},
    today,
};

/// Every reviewer group by name, with its members (site admins; a project's owners find the
/// groups they may require in `GET /projects/{slug}/signoffs`).
#[utoipa::path(get, path = "/reviewer-groups", tag = "governance",
    responses((status = 200, body = Vec<ReviewerGroupView>)))]
pub async fn list_groups(
    State(s): State<ApiState>,
    Reader(user): Reader,
) -> Result<Json<Vec<ReviewerGroupView>>, ApiError> {
    Ok(Json(service::list_groups(&s.app.db, &user).await?))
}

/// A new reviewer group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// Name, unique regardless of case (1–60 characters), e.g. "Security".
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
    /// What it reviews (up to 2,000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
}

async fn group_view(
    s: &ApiState,
    user: &app::auth::model::AuthUser,
    id: i32,
) -> Result<ReviewerGroupView, ApiError> {
    Ok(service::list_groups(&s.app.db, user)
        .await?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or(app::error::AppError::NotFound)?)
}

/// Creates a reviewer group (site admins).
#[utoipa::path(post, path = "/reviewer-groups", tag = "governance",
    request_body = NewGroup,
    responses((status = 201, body = ReviewerGroupView, headers(("Location" = String)))))]
pub async fn create_group(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiJson(body): ApiJson<NewGroup>,
) -> Result<Response, ApiError> {
    let id = service::create_group(&s.app.db, &user, &body.name, &body.description).await?;
    let view = group_view(&s, &user, id).await?;
    Ok(created(format!("/reviewer-groups/{id}"), view))
}

/// Deletes a reviewer group (site admins): projects stop requiring it; given sign-offs stay in
/// the reviews' history.
#[utoipa::path(delete, path = "/reviewer-groups/{id}", tag = "governance",
    params(("id" = i32, Path, description = "Group id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_group(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    service::delete_group(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person to add to a group.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// The account's email.
    #[schema(max_length = 254)]
    pub email: String,
}

/// Adds an account to a reviewer group (site admins).
#[utoipa::path(post, path = "/reviewer-groups/{id}/members", tag = "governance",
    params(("id" = i32, Path, description = "Group id")),
    request_body = NewMember,
    responses((status = 200, body = ReviewerGroupView)))]
pub async fn add_member(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<NewMember>,
) -> Result<Json<ReviewerGroupView>, ApiError> {
    service::add_member(&s.app.db, &user, id, &body.email).await?;
    Ok(Json(group_view(&s, &user, id).await?))
}

/// Removes a person from a reviewer group (site admins).
#[utoipa::path(delete, path = "/reviewer-groups/{id}/members/{user_id}", tag = "governance",
    params(("id" = i32, Path, description = "Group id"),
        ("user_id" = i32, Path, description = "The member's user id")),
    responses((status = 204, description = "Removed")))]
pub async fn remove_member(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath((id, member)): ApiPath<(i32, i32)>,
) -> Result<StatusCode, ApiError> {
    service::remove_member(&s.app.db, &user, id, member).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The sign-offs project `slug` requires and where each stands on its latest final review
/// (`signed`, `invalidated` — a blocking item of the group's categories changed since — or
/// `missing`).
#[utoipa::path(get, path = "/projects/{slug}/signoffs", tag = "governance",
    params(("slug" = String, Path, description = "The project's slug")),
    responses((status = 200, body = SignoffState)))]
pub async fn signoffs(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<SignoffState>, ApiError> {
    Ok(Json(
        service::state(&s.app.db, &user, &slug, today()).await?,
    ))
}

/// The reviewer groups whose sign-off a project requires.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredGroups {
    /// Group ids (at most 50); the list replaces the one before.
    #[schema(max_items = 50)]
    pub groups: Vec<i32>,
}

/// Sets the reviewer groups project `slug` requires (team owners).
#[utoipa::path(put, path = "/projects/{slug}/signoffs", tag = "governance",
    params(("slug" = String, Path, description = "The project's slug")),
    request_body = RequiredGroups,
    responses((status = 200, body = SignoffState)))]
pub async fn set_signoffs(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<RequiredGroups>,
) -> Result<Json<SignoffState>, ApiError> {
    if body.groups.len() > 50 {
        return Err(app::error::AppError::field("groups", "Choose at most 50 groups.").into());
    }
    service::set_required(&s.app.db, &user, &slug, &body.groups).await?;
    Ok(Json(
        service::state(&s.app.db, &user, &slug, today()).await?,
    ))
}

/// A sign-off of a final review.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSignoff {
    /// Sign for this reviewer group (one is a member of; the project requires it; its latest
    /// final review). Left out: sign as a team owner.
    pub group_id: Option<i32>,
    /// A comment (up to 2,000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: String,
}

/// Signs a final review: as a team owner, or for a reviewer group (its members). 409 when
/// already signed (and, for a group, the sign-off still holds), when the review is a draft,
/// or when a later final review exists.
#[utoipa::path(post, path = "/reviews/{id}/signoffs", tag = "governance",
    params(("id" = i32, Path, description = "Review id")),
    request_body = NewSignoff,
    responses((status = 204, description = "Signed"), (status = 409, body = super::Problem,
        content_type = "application/problem+json", description = "Signed already, a draft, or not the latest")))]
pub async fn sign(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<NewSignoff>,
) -> Result<StatusCode, ApiError> {
    let group = body.group_id.unwrap_or(0).max(0);
    if body.group_id.is_some_and(|g| g <= 0) {
        return Err(app::error::AppError::field("group_id", "Name a reviewer group.").into());
    }
    app::reviews::service::sign(&s.app.db, &user, id, &body.comment, group, today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Exception requests across the token owner's teams: pending, approved (expiring first),
/// declined and withdrawn.
#[utoipa::path(get, path = "/exceptions", tag = "governance",
    responses((status = 200, body = Vec<ExceptionView>)))]
pub async fn exceptions(
    State(s): State<ApiState>,
    Reader(user): Reader,
) -> Result<Json<Vec<ExceptionView>>, ApiError> {
    Ok(Json(
        app::exceptions::service::list(&s.app.db, &user, today()).await?,
    ))
}

/// A decision on a pending exception request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Approve (`true`) or decline (`false`).
    pub approve: bool,
    /// A comment (up to 2,000 characters).
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: String,
}

/// Approves or declines a pending exception request (a team owner or site admin who is not
/// the requester).
#[utoipa::path(post, path = "/exceptions/{id}/decision", tag = "governance",
    params(("id" = i32, Path, description = "Exception request id")),
    request_body = Decision,
    responses((status = 204, description = "Decided"), (status = 409, body = super::Problem,
        content_type = "application/problem+json", description = "Decided already, or one's own request")))]
pub async fn decide(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<Decision>,
) -> Result<StatusCode, ApiError> {
    app::exceptions::service::decide(&s.app.db, &user, id, body.approve, &body.comment, today())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
