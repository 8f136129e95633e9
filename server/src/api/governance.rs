//! Governance: reviewer groups (site admins), the sign-offs a project requires and where they
//! stand, signing a review (as an owner or for a group), exception requests and campaigns.

use app::{
    campaigns::{
        model::{Applied, CampaignSummary, CampaignView},
        service as campaign,
    },
    exceptions::model::{ExceptionPolicy, ExceptionView},
    signoff::{
        model::{ReviewerGroupView, SignoffState},
        service,
    },
    tiers::model::{ProjectTier, TierView},
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
    responses((status = 200, body = SignoffState), (status = 409, body = super::Problem,
        content_type = "application/problem+json", description = "The project's launch tier sets its sign-offs")))]
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

/// Approves or declines a pending exception request (an approver who is not the requester: a
/// member of the project's approving group, else a team owner; or a site admin).
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

/// A project's exception policy as written.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionPolicyBody {
    /// Accepting a risk is a request someone else approves.
    pub accepted_risk: bool,
    /// Marking an item not applicable is a request someone else approves.
    pub not_applicable: bool,
    /// The longest an approved acceptance holds, in days (1–3,650).
    #[schema(minimum = 1, maximum = 3650)]
    pub max_days: i32,
    /// The reviewer group whose members approve; `null`: the team's owners.
    #[serde(default)]
    pub group_id: Option<i32>,
}

/// A project's exception policy: which changes need approval, for how long, and who approves.
#[utoipa::path(get, path = "/projects/{slug}/exception-policy", tag = "governance",
    params(("slug" = String, Path, description = "The project's slug")),
    responses((status = 200, body = ExceptionPolicy)))]
pub async fn exception_policy(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ExceptionPolicy>, ApiError> {
    Ok(Json(
        app::exceptions::service::policy(&s.app.db, &user, &slug).await?,
    ))
}

/// Replaces a project's exception policy (team owners).
#[utoipa::path(put, path = "/projects/{slug}/exception-policy", tag = "governance",
    params(("slug" = String, Path, description = "The project's slug")),
    request_body = ExceptionPolicyBody,
    responses((status = 200, body = ExceptionPolicy)))]
pub async fn set_exception_policy(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<ExceptionPolicyBody>,
) -> Result<Json<ExceptionPolicy>, ApiError> {
    app::exceptions::service::set_policy(
        &s.app.db,
        &user,
        &slug,
        body.accepted_risk,
        body.not_applicable,
        body.max_days,
        body.group_id,
    )
    .await?;
    Ok(Json(
        app::exceptions::service::policy(&s.app.db, &user, &slug).await?,
    ))
}

/// The campaigns the token owner may see (their teams'; site admins: all), newest first.
#[utoipa::path(get, path = "/campaigns", tag = "governance",
    responses((status = 200, body = Vec<CampaignSummary>)))]
pub async fn campaigns(
    State(s): State<ApiState>,
    Reader(user): Reader,
) -> Result<Json<Vec<CampaignSummary>>, ApiError> {
    Ok(Json(campaign::list(&s.app.db, &user, today()).await?))
}

/// One requirement of a new campaign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaignItem {
    /// Title (1–200 characters).
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// `critical`, `high` (default), `medium` or `low`.
    #[serde(default)]
    pub priority: Option<String>,
    /// Blocks the launch while open (default: critical ones do).
    #[serde(default)]
    pub blocking: Option<bool>,
}

/// A new campaign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCampaign {
    /// Name (1–120 characters).
    #[schema(min_length = 1, max_length = 120)]
    pub name: String,
    /// What it is for.
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    /// The team whose projects it covers (its owners); left out: site-wide (site admins).
    pub team_id: Option<i32>,
    /// The category its items go into (default: the name).
    #[serde(default)]
    #[schema(max_length = 120)]
    pub category: String,
    /// Its deadline; the items are due then.
    pub deadline: Option<chrono::NaiveDate>,
    /// Its items (1–100).
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<NewCampaignItem>,
}

/// Creates a campaign (a team's owners for the team; site admins, also site-wide).
#[utoipa::path(post, path = "/campaigns", tag = "governance",
    request_body = NewCampaign,
    responses((status = 201, body = CampaignView, headers(("Location" = String)))))]
pub async fn create_campaign(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiJson(body): ApiJson<NewCampaign>,
) -> Result<Response, ApiError> {
    if body.items.len() > 100 {
        return Err(
            app::error::AppError::field("items", "A campaign has at most 100 items.").into(),
        );
    }
    // The same text the page's form sends, so one parser checks both.
    let mut lines = Vec::with_capacity(body.items.len());
    for (n, i) in body.items.iter().enumerate() {
        let title = i.title.trim();
        if title.is_empty() || title.contains('\n') || title.starts_with('[') {
            return Err(app::error::AppError::field(
                &format!("items[{n}].title"),
                "Give a one-line title that does not start with “[”.",
            )
            .into());
        }
        let priority = i.priority.as_deref().unwrap_or("high");
        let bang = if i.blocking == Some(true) { "!" } else { "" };
        lines.push(format!("[{priority}{bang}] {title}"));
    }
    let input = campaign::CampaignInput {
        name: body.name,
        description: body.description,
        team_id: body.team_id,
        category: body.category,
        deadline: body.deadline.map(|d| d.to_string()).unwrap_or_default(),
        items: lines.join("\n"),
    };
    let id = campaign::create(&s.app.db, &user, input).await?;
    let view = campaign::view(&s.app.db, &user, id, "", today()).await?;
    Ok(created(format!("/campaigns/{id}"), view))
}

/// A campaign's progress per project (`?sort=behind|name|open|activity`), totals and burn-up.
#[utoipa::path(get, path = "/campaigns/{id}", tag = "governance",
    params(("id" = i32, Path, description = "Campaign id"), CampaignQuery),
    responses((status = 200, body = CampaignView)))]
pub async fn campaign(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(id): ApiPath<i32>,
    super::extract::ApiQuery(q): super::extract::ApiQuery<CampaignQuery>,
) -> Result<Json<CampaignView>, ApiError> {
    let sort = q.sort.unwrap_or_default();
    Ok(Json(
        campaign::view(&s.app.db, &user, id, &sort, today()).await?,
    ))
}

/// The order of a campaign's progress rows.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignQuery {
    /// `behind` (least closed first, the default), `name`, `open`, `activity`.
    pub sort: Option<String>,
}

/// The projects to apply a campaign to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTo {
    /// Project slugs (at most 1,000).
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub projects: Vec<String>,
    /// Every unarchived project of the campaign's team instead.
    #[serde(default)]
    pub whole_team: bool,
    /// Every unarchived project on this launch tier instead (of the team, for a team's
    /// campaign).
    pub tier_id: Option<i32>,
}

/// Applies a campaign (its managers): each project gets the campaign items it lacks, all in
/// one transaction; applying again adds nothing twice.
#[utoipa::path(post, path = "/campaigns/{id}/apply", tag = "governance",
    params(("id" = i32, Path, description = "Campaign id")),
    request_body = ApplyTo,
    responses((status = 200, body = Applied), (status = 409, body = super::Problem,
        content_type = "application/problem+json", description = "The campaign is closed")))]
pub async fn apply_campaign(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<ApplyTo>,
) -> Result<Json<Applied>, ApiError> {
    let targets = campaign::Targets {
        slugs: body.projects,
        whole_team: body.whole_team,
        tier: body.tier_id,
    };
    Ok(Json(campaign::apply(&s.app.db, &user, id, targets).await?))
}

/// Closes a campaign (its managers); its items stay.
#[utoipa::path(post, path = "/campaigns/{id}/close", tag = "governance",
    params(("id" = i32, Path, description = "Campaign id")),
    responses((status = 204, description = "Closed"), (status = 409, body = super::Problem,
        content_type = "application/problem+json", description = "Closed already")))]
pub async fn close_campaign(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    campaign::close(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every launch tier, in order.
#[utoipa::path(get, path = "/tiers", tag = "governance",
    responses((status = 200, body = Vec<TierView>)))]
pub async fn tiers(
    State(s): State<ApiState>,
    Reader(_user): Reader,
) -> Result<Json<Vec<TierView>>, ApiError> {
    Ok(Json(app::tiers::service::list(&s.app.db).await?))
}

/// A launch tier as written.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierBody {
    /// Name, unique regardless of case (1–60 characters).
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
    /// What launches it is for.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: String,
    /// The readiness threshold its projects take.
    #[schema(minimum = 0, maximum = 100)]
    pub threshold: i32,
    /// The template sections (category names) it requires; empty: all.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub sections: Vec<String>,
    /// The reviewer groups whose sign-off it requires, by name.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub groups: Vec<String>,
}

fn tier_input(b: TierBody) -> Result<app::tiers::service::TierInput, ApiError> {
    if b.sections.len() > 50 || b.groups.len() > 50 {
        return Err(
            app::error::AppError::field("sections", "At most 50 sections and 50 groups.").into(),
        );
    }
    if b.sections.iter().any(|s| s.contains(['\n', ','])) {
        return Err(app::error::AppError::field("sections", "One section name per entry.").into());
    }
    if b.groups.iter().any(|g| g.contains(',')) {
        return Err(app::error::AppError::field("groups", "One group name per entry.").into());
    }
    Ok(app::tiers::service::TierInput {
        name: b.name,
        description: b.description,
        threshold: b.threshold,
        sections: b.sections.join("\n"),
        groups: b.groups.join(","),
    })
}

async fn tier_view(s: &ApiState, id: i32) -> Result<TierView, ApiError> {
    Ok(app::tiers::service::list(&s.app.db)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(app::error::AppError::NotFound)?)
}

/// Creates a launch tier (site admins).
#[utoipa::path(post, path = "/tiers", tag = "governance",
    request_body = TierBody,
    responses((status = 201, body = TierView, headers(("Location" = String)))))]
pub async fn create_tier(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiJson(body): ApiJson<TierBody>,
) -> Result<Response, ApiError> {
    let id = app::tiers::service::create(&s.app.db, &user, tier_input(body)?).await?;
    let view = tier_view(&s, id).await?;
    Ok(created(format!("/tiers/{id}"), view))
}

/// Replaces a launch tier (site admins); every project on it takes the new threshold and
/// sign-offs in the same transaction.
#[utoipa::path(put, path = "/tiers/{id}", tag = "governance",
    params(("id" = i32, Path, description = "Tier id")),
    request_body = TierBody,
    responses((status = 200, body = TierView)))]
pub async fn update_tier(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
    ApiJson(body): ApiJson<TierBody>,
) -> Result<Json<TierView>, ApiError> {
    app::tiers::service::update(&s.app.db, &user, id, tier_input(body)?).await?;
    Ok(Json(tier_view(&s, id).await?))
}

/// Deletes a launch tier (site admins); its projects keep its threshold and sign-offs.
#[utoipa::path(delete, path = "/tiers/{id}", tag = "governance",
    params(("id" = i32, Path, description = "Tier id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_tier(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(id): ApiPath<i32>,
) -> Result<StatusCode, ApiError> {
    app::tiers::service::delete(&s.app.db, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The tier to put a project on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectTierBody {
    /// The tier's id; `null`: no tier.
    pub tier_id: Option<i32>,
}

/// A project's tier, the tiers to choose from and its categories outside the tier.
#[utoipa::path(get, path = "/projects/{slug}/tier", tag = "governance",
    params(("slug" = String, Path, description = "The project's slug")),
    responses((status = 200, body = ProjectTier)))]
pub async fn project_tier(
    State(s): State<ApiState>,
    Reader(user): Reader,
    ApiPath(slug): ApiPath<String>,
) -> Result<Json<ProjectTier>, ApiError> {
    Ok(Json(
        app::tiers::service::project_tier(&s.app.db, &user, &slug).await?,
    ))
}

/// Puts a project on a tier, or none (team owners): it takes the tier's threshold and
/// required sign-offs.
#[utoipa::path(put, path = "/projects/{slug}/tier", tag = "governance",
    params(("slug" = String, Path, description = "The project's slug")),
    request_body = ProjectTierBody,
    responses((status = 200, body = ProjectTier)))]
pub async fn set_project_tier(
    State(s): State<ApiState>,
    Writer(user): Writer,
    ApiPath(slug): ApiPath<String>,
    ApiJson(body): ApiJson<ProjectTierBody>,
) -> Result<Json<ProjectTier>, ApiError> {
    app::tiers::service::set_project_tier(&s.app.db, &user, &slug, body.tier_id).await?;
    Ok(Json(
        app::tiers::service::project_tier(&s.app.db, &user, &slug).await?,
    ))
}
