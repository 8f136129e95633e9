//! Self-service account changes. Each acts on the signed-in user only, in one transaction with
//! its audit event.

use chrono::{SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, TransactionSession, TransactionTrait,
};
use sha2::{Digest, Sha256};

use super::model::SessionView;
use crate::{
    audit::service::{Actor, Event, record},
    auth::{
        model::AuthUser,
        password::{hash_password, verify_password},
        service::{check_display_name, check_password, end_sessions},
        throttle::{self, AttemptKeys, ThrottlePolicy},
    },
    authz,
    entities::{sessions, users},
    error::{AppError, Validator},
};

/// The opaque handle of a session id.
fn handle_of(session_id: &str) -> String {
    let digest = Sha256::digest(session_id.as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

async fn me(db: &impl ConnectionTrait, user: &AuthUser) -> Result<users::Model, AppError> {
    users::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)
}

/// Changes the user's display name.
pub async fn update_profile(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    display_name: &str,
) -> Result<(), AppError> {
    let mut v = Validator::default();
    check_display_name(&mut v, display_name);
    v.finish()?;
    let name = display_name.trim().to_owned();
    let txn = crate::txn::begin(db).await?;
    let current = me(&txn, user).await?;
    if current.display_name == name {
        return Ok(());
    }
    let before = serde_json::json!({ "display_name": current.display_name });
    let mut active = current.into_active_model();
    active.display_name = Set(name.clone());
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("user", user.id, "profile_updated")
            .before(&before)
            .after(&serde_json::json!({ "display_name": name })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Changes the password after checking the current one, and ends every other session of the
/// user (`keep_session` is the one making the request). Returns how many sessions ended.
///
/// The current password is checked under the sign-in throttle (the account's counter and the
/// client address's): a stolen session cannot guess it faster than a sign-in could. The new
/// password revokes the user's API tokens (whoever knew the old one may have made some).
pub async fn change_password(
    db: &DatabaseConnection,
    user: &AuthUser,
    current_password: String,
    new_password: String,
    keep_session: Option<&str>,
    throttle: (&ThrottlePolicy, Option<std::net::IpAddr>),
) -> Result<u64, AppError> {
    let mut v = Validator::default();
    v.check(
        current_password.is_empty(),
        "current_password",
        "Enter your current password.",
    );
    check_password(&mut v, "new_password", &new_password);
    v.check(
        new_password == current_password,
        "new_password",
        "Choose a password different from the current one.",
    );
    v.finish()?;
    let account = me(db, user).await?;
    let (policy, address) = throttle;
    let keys = AttemptKeys::new(&account.email, address);
    let reservation = throttle::reserve(db, policy, &keys, Utc::now()).await?;
    if !verify_password(current_password, Some(account.password_hash.clone())).await? {
        if let Some(secs) = reservation.locked {
            return Err(AppError::TooManyAttempts(secs));
        }
        return Err(AppError::field(
            "current_password",
            "The current password is incorrect.",
        ));
    }
    let hash = hash_password(new_password).await?;
    let txn = crate::txn::begin(db).await?;
    let mut active = account.into_active_model();
    active.password_hash = Set(hash.0);
    active.must_change_password = Set(false);
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    throttle::release(&txn, &keys, reservation).await?;
    let ended = end_sessions(&txn, user.id, keep_session).await?;
    let tokens_revoked = crate::account::tokens::revoke_all(&txn, user.id).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("user", user.id, "password_changed").after(&serde_json::json!({
            "other_sessions_ended": ended,
            "api_tokens_revoked": tokens_revoked,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(ended)
}

/// The user's live sessions, most recently active first.
pub async fn list_sessions(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    current: Option<&str>,
) -> Result<Vec<SessionView>, AppError> {
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user.id))
        .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
        .order_by_desc(sessions::Column::LastSeenAt)
        .all(db)
        .await?;
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    Ok(rows
        .into_iter()
        .map(|s| SessionView {
            handle: handle_of(&s.id),
            created_at: time(s.created_at),
            last_seen_at: time(s.last_seen_at),
            user_agent: s.user_agent.unwrap_or_default(),
            method: sign_in_method(&s.data),
            current: current == Some(s.id.as_str()),
        })
        .collect())
}

/// How a session was signed in, from its stored data.
fn sign_in_method(data: &str) -> Option<crate::auth::model::SignInMethod> {
    let data: serde_json::Value = serde_json::from_str(data).ok()?;
    let method = data.get(crate::auth::model::METHOD_KEY)?.as_str()?;
    crate::auth::model::SignInMethod::parse(method)
}

/// Ends one of the user's own sessions, named by its handle.
pub async fn end_session(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    handle: &str,
) -> Result<(), AppError> {
    let txn = crate::txn::begin(db).await?;
    // Only the user's own sessions are searched; a handle of anyone else's is not found.
    let session = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user.id))
        .all(&txn)
        .await?
        .into_iter()
        .find(|s| handle_of(&s.id) == handle)
        .ok_or(AppError::NotFound)?;
    authz::can_end_session(user, &session)?;
    sessions::Entity::delete_by_id(session.id.clone())
        .exec(&txn)
        .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("session", handle, "ended")
            .after(&serde_json::json!({ "user_agent": session.user_agent })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_stable_and_do_not_contain_the_id() {
        let h = handle_of("secret-session-id");
        assert_eq!(h, handle_of("secret-session-id"));
        assert_eq!(h.len(), 24);
        assert!(!h.contains("secret"));
        assert_ne!(h, handle_of("other"));
    }
}
