//! Account administration. Every function checks `authz::require_admin`, runs in one
//! transaction and audits the change there.

use chrono::Utc;
use rand::{Rng, distr::Alphanumeric};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionSession, TransactionTrait, sea_query::Expr,
};

use super::model::{IssuedPassword, UserRow};
use crate::{
    audit::service::{Actor, Event, record},
    auth::{
        model::AuthUser,
        password::hash_password,
        service::{NewUser, UserState, end_sessions, register_user},
    },
    authz,
    entities::{sessions, team_members, teams, users},
    error::AppError,
};

/// A random 16-character password (about 95 bits) for an admin to hand over.
pub fn temporary_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(16)
        .map(char::from)
        .collect()
}

/// Every account, by email, with its teams and live session count.
pub async fn list_users(
    db: &impl ConnectionTrait,
    admin: &AuthUser,
) -> Result<Vec<UserRow>, AppError> {
    authz::require_admin(admin)?;
    let users = users::Entity::find()
        .order_by_asc(users::Column::Email)
        .all(db)
        .await?;
    let memberships = team_members::Entity::find()
        .find_also_related(teams::Entity)
        .all(db)
        .await?;
    let live = sessions::Entity::find()
        .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
        .filter(sessions::Column::UserId.is_not_null())
        .all(db)
        .await?;
    let identities = crate::entities::user_identities::Entity::find()
        .order_by_asc(crate::entities::user_identities::Column::Id)
        .all(db)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let mut team_names: Vec<String> = memberships
                .iter()
                .filter(|(m, _)| m.user_id == u.id)
                .filter_map(|(_, t)| t.as_ref().map(|t| t.name.clone()))
                .collect();
            team_names.sort();
            UserRow {
                sessions: live.iter().filter(|s| s.user_id == Some(u.id)).count() as u64,
                id: u.id,
                email: u.email,
                display_name: u.display_name,
                is_admin: u.is_admin,
                is_disabled: u.is_disabled,
                must_change_password: u.must_change_password,
                teams: team_names,
                has_password: u.password_hash != crate::auth::password::NO_PASSWORD,
                two_factor: u.totp_enabled_at.is_some(),
                identities: identities
                    .iter()
                    .filter(|i| i.user_id == u.id)
                    .map(|i| super::model::IdentityRow {
                        id: i.id,
                        email: i.email.clone(),
                        issuer: i.issuer.clone(),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// Creates an account with a temporary password, shown once to the admin; the user chooses
/// their own at first sign-in.
pub async fn create_account(
    db: &(impl ConnectionTrait + TransactionTrait),
    admin: &AuthUser,
    email: &str,
    display_name: &str,
    is_admin: bool,
) -> Result<IssuedPassword, AppError> {
    authz::require_admin(admin)?;
    let password = temporary_password();
    let user = register_user(
        db,
        &Actor::from(admin),
        NewUser {
            email: email.to_owned(),
            display_name: display_name.to_owned(),
            password: password.clone(),
            is_admin,
        },
        true,
    )
    .await?;
    Ok(IssuedPassword {
        email: user.email,
        password,
    })
}

async fn find_user(db: &impl ConnectionTrait, id: i32) -> Result<users::Model, AppError> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Locks the admin rows (PostgreSQL row locks until commit) and counts the admins who can sign
/// in, so two admins cannot demote or disable each other at once and leave none.
async fn active_admins_locked(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    users::Entity::update_many()
        .col_expr(users::Column::IsAdmin, Expr::col(users::Column::IsAdmin))
        .filter(users::Column::IsAdmin.eq(true))
        .exec(db)
        .await?;
    Ok(users::Entity::find()
        .filter(users::Column::IsAdmin.eq(true))
        .filter(users::Column::IsDisabled.eq(false))
        .count(db)
        .await?)
}

fn last_admin() -> AppError {
    AppError::Conflict(
        "This is the last site administrator: make someone else an administrator first.".to_owned(),
    )
}

/// Applies `change` to the user and audits it as `action`, in one transaction.
async fn update_user(
    txn: &impl ConnectionTrait,
    admin: &AuthUser,
    user: users::Model,
    action: &'static str,
    change: impl FnOnce(&mut users::ActiveModel),
) -> Result<users::Model, AppError> {
    let before = serde_json::to_value(UserState::from(&user)).unwrap_or_default();
    let mut active = user.into_active_model();
    change(&mut active);
    active.updated_at = Set(Utc::now());
    let after = active.update(txn).await?;
    record(
        txn,
        &Actor::from(admin),
        Event::new("user", after.id, action)
            .before(&before)
            .after(&UserState::from(&after)),
    )
    .await?;
    Ok(after)
}

/// Disables (ending every session at once) or re-enables an account. The last active admin
/// cannot be disabled, and nobody disables themselves.
pub async fn set_disabled(
    db: &(impl ConnectionTrait + TransactionTrait),
    admin: &AuthUser,
    user_id: i32,
    disabled: bool,
) -> Result<(), AppError> {
    authz::require_admin(admin)?;
    if disabled && user_id == admin.id {
        return Err(AppError::Conflict(
            "You cannot disable your own account.".to_owned(),
        ));
    }
    let txn = crate::txn::begin(db).await?;
    let admins = active_admins_locked(&txn).await?;
    let user = find_user(&txn, user_id).await?;
    if user.is_disabled == disabled {
        return Ok(());
    }
    if disabled && user.is_admin && admins <= 1 {
        return Err(last_admin());
    }
    let action = if disabled { "disabled" } else { "enabled" };
    update_user(&txn, admin, user, action, |u| u.is_disabled = Set(disabled)).await?;
    if disabled {
        end_sessions(&txn, user_id, None).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Grants or removes site administration. The last active admin keeps it.
pub async fn set_admin(
    db: &(impl ConnectionTrait + TransactionTrait),
    admin: &AuthUser,
    user_id: i32,
    is_admin: bool,
) -> Result<(), AppError> {
    authz::require_admin(admin)?;
    let txn = crate::txn::begin(db).await?;
    let admins = active_admins_locked(&txn).await?;
    let user = find_user(&txn, user_id).await?;
    if user.is_admin == is_admin {
        return Ok(());
    }
    if !is_admin && !user.is_disabled && admins <= 1 {
        return Err(last_admin());
    }
    let action = if is_admin {
        "admin_granted"
    } else {
        "admin_revoked"
    };
    update_user(&txn, admin, user, action, |u| u.is_admin = Set(is_admin)).await?;
    txn.commit().await?;
    Ok(())
}

/// Replaces the user's password with a temporary one (shown once), ends their sessions, and
/// makes them choose a new one at next sign-in.
pub async fn reset_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    admin: &AuthUser,
    user_id: i32,
) -> Result<IssuedPassword, AppError> {
    authz::require_admin(admin)?;
    let password = temporary_password();
    let hash = hash_password(password.clone()).await?;
    let txn = crate::txn::begin(db).await?;
    let user = find_user(&txn, user_id).await?;
    let user = update_user(&txn, admin, user, "password_reset", |u| {
        u.password_hash = Set(hash.0);
        u.must_change_password = Set(true);
    })
    .await?;
    end_sessions(&txn, user_id, None).await?;
    crate::account::tokens::revoke_all(&txn, user_id).await?;
    txn.commit().await?;
    Ok(IssuedPassword {
        email: user.email,
        password,
    })
}

/// Unlinks a single sign-on identity from its account (the account stays; a new sign-in
/// through the provider goes through the first-sign-in rules again). Audited.
pub async fn unlink_identity(
    db: &(impl ConnectionTrait + TransactionTrait),
    admin: &AuthUser,
    identity_id: i32,
) -> Result<(), AppError> {
    use crate::entities::user_identities;
    authz::require_admin(admin)?;
    let txn = crate::txn::begin(db).await?;
    let identity = user_identities::Entity::find_by_id(identity_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    user_identities::Entity::delete_by_id(identity.id)
        .exec(&txn)
        .await?;
    record(
        &txn,
        &Actor::from(admin),
        Event::new("user", identity.user_id, "identity_unlinked").before(&serde_json::json!({
            "identity": identity.id,
            "issuer": identity.issuer,
            "subject": identity.subject,
            "email": identity.email,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
