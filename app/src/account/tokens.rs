//! API tokens: each user's bearer tokens for the REST API. A token is `pfat_` followed by 256
//! random bits in hex (the prefix lets secret scanners find leaked ones), shown once and stored
//! as a SHA-256. It acts as its owner with its owner's current permissions, narrowed to reads
//! by a read-only scope, and stops working when revoked, expired, or when its owner is
//! disabled.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
    sea_query::Expr,
};

use super::model::{ApiTokenView, TokenScope};
use crate::{
    audit::service::{Actor, Event, record},
    auth::{model::AuthUser, service::find_active_user},
    entities::api_tokens,
    error::{AppError, Validator},
    reviews::service::minute,
    secret::{digest, is_secret_shaped, new_secret},
};

/// What every token starts with.
pub const PREFIX: &str = "pfat_";
/// Longest name.
pub const MAX_NAME: usize = 80;
/// Longest expiry, in days.
pub const MAX_DAYS: i64 = 366;
/// Most live tokens a user may hold.
pub const MAX_TOKENS: usize = 50;

fn view(t: api_tokens::Model) -> ApiTokenView {
    let now = Utc::now();
    ApiTokenView {
        id: t.id,
        scope: TokenScope::parse(&t.scope).unwrap_or(TokenScope::Read),
        active: t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now),
        name: t.name,
        created_at: minute(t.created_at),
        expires_at: t.expires_at.map(minute),
        last_used_at: t.last_used_at.map(minute),
    }
}

/// The user's tokens, newest first (revoked ones too, so their last use stays visible).
pub async fn list(
    db: &impl ConnectionTrait,
    user: &AuthUser,
) -> Result<Vec<ApiTokenView>, AppError> {
    Ok(api_tokens::Entity::find()
        .filter(api_tokens::Column::UserId.eq(user.id))
        .order_by_desc(api_tokens::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

/// Creates a token for the user; returns it (`pfat_…`), which is never shown again.
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    name: &str,
    scope: &str,
    expires_in_days: &str,
) -> Result<String, AppError> {
    let name = name.trim();
    let days = expires_in_days.trim();
    let days: Option<i64> = if days.is_empty() {
        None
    } else {
        Some(days.parse().unwrap_or(0))
    };
    let scope_parsed = TokenScope::parse(scope.trim());
    let live = list(db, user).await?.iter().filter(|t| t.active).count();
    let mut v = Validator::default();
    v.check(
        name.is_empty() || name.chars().count() > MAX_NAME,
        "name",
        format!("Name the token (1 to {MAX_NAME} characters), e.g. “CI pipeline”."),
    );
    v.check(
        scope_parsed.is_none(),
        "scope",
        "Choose read only or read and write.",
    );
    v.check(
        days.is_some_and(|d| !(1..=MAX_DAYS).contains(&d)),
        "expires_in_days",
        format!("Give a whole number of days from 1 to {MAX_DAYS}, or leave it blank."),
    );
    v.check(
        live >= MAX_TOKENS,
        "name",
        format!("You have {MAX_TOKENS} live tokens: revoke one first."),
    );
    v.finish()?;
    let scope = scope_parsed.unwrap_or(TokenScope::Read);
    let secret = new_secret();
    let now = Utc::now();
    let txn = crate::txn::begin(db).await?;
    let token = api_tokens::ActiveModel {
        user_id: Set(user.id),
        name: Set(name.to_owned()),
        token_hash: Set(digest(&secret)),
        scope: Set(scope.as_str().to_owned()),
        created_at: Set(now),
        expires_at: Set(days.map(|d| now + Duration::days(d))),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("api_token", token.id, "created").after(&serde_json::json!({
            "name": token.name,
            "scope": token.scope,
            "expires_at": token.expires_at,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(format!("{PREFIX}{secret}"))
}

/// Revokes one of the user's own tokens (anyone else's is 404).
pub async fn revoke(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let token = api_tokens::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|t| t.user_id == user.id)
        .ok_or(AppError::NotFound)?;
    if token.revoked_at.is_some() {
        return Ok(());
    }
    let txn = crate::txn::begin(db).await?;
    let name = token.name.clone();
    let mut active = token.into_active_model();
    active.revoked_at = Set(Some(Utc::now()));
    active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("api_token", id, "revoked").before(&serde_json::json!({ "name": name })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Revokes every live token of `user_id` (a new password: whoever knew the old one may have
/// made tokens). Returns how many.
pub async fn revoke_all(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, AppError> {
    Ok(api_tokens::Entity::update_many()
        .col_expr(api_tokens::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(api_tokens::Column::UserId.eq(user_id))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// The user and scope a bearer token stands for. Anything else (no prefix, wrong shape,
/// unknown, revoked, expired, a disabled owner) is `Unauthorized`, the same for all. The last
/// use is written at most once a minute.
pub async fn authenticate(db: &DatabaseConnection, bearer: &str) -> Result<Bearer, AppError> {
    let secret = bearer
        .strip_prefix(PREFIX)
        .filter(|s| is_secret_shaped(s))
        .ok_or(AppError::Unauthorized)?;
    let now = Utc::now();
    let token = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(digest(&secret.to_ascii_lowercase())))
        .one(db)
        .await?
        .filter(|t| t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now))
        .ok_or(AppError::Unauthorized)?;
    // A temporary password must be replaced first (its tokens were revoked when it was issued;
    // this holds for any made since).
    let user = find_active_user(db, token.user_id)
        .await?
        .filter(|u| !u.must_change_password)
        .ok_or(AppError::Unauthorized)?;
    if token
        .last_used_at
        .is_none_or(|t| now - t > Duration::seconds(60))
    {
        api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::LastUsedAt, Expr::value(now))
            .filter(api_tokens::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(Bearer {
        user,
        scope: TokenScope::parse(&token.scope).unwrap_or(TokenScope::Read),
        token_id: token.id,
    })
}

/// Who a valid bearer token acts as.
#[derive(Clone, Debug)]
pub struct Bearer {
    /// The token's owner, as they are now.
    pub user: AuthUser,
    /// What the token may do.
    pub scope: TokenScope,
    /// The token's id (rate limits are per token).
    pub token_id: i32,
}
