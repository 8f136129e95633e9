//! Accounts: creating users, checking credentials, first-run setup.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
};

use super::{
    model::{AuthUser, MAX_PASSWORD_LEN, MIN_PASSWORD_LEN, is_plausible_email, normalize_email},
    password::{hash_password, verify_password},
};
use crate::{
    entities::{team_members, teams, users},
    error::{AppError, Validator},
    teams::model::TeamRole,
};

/// Input for a new account.
#[derive(Clone)]
pub struct NewUser {
    /// Email as typed (normalised here).
    pub email: String,
    /// Display name as typed (trimmed here).
    pub display_name: String,
    /// Plain password; hashed here, never stored.
    pub password: String,
    /// Site administrator.
    pub is_admin: bool,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("display_name", &self.display_name)
            .field("password", &"<redacted>")
            .field("is_admin", &self.is_admin)
            .finish()
    }
}

fn to_auth_user(u: users::Model) -> AuthUser {
    AuthUser {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        is_admin: u.is_admin,
    }
}

/// Checks a new account's fields, returning every problem at once.
pub fn validate_new_user(input: &NewUser) -> Result<(), AppError> {
    let email = normalize_email(&input.email);
    let name = input.display_name.trim();
    let pw_len = input.password.chars().count();
    Validator::default()
        .check(
            !is_plausible_email(&email),
            "email",
            "Enter a valid email address.",
        )
        .check(name.is_empty(), "display_name", "Enter a name.")
        .check(
            name.chars().count() > 120,
            "display_name",
            "Use at most 120 characters.",
        )
        .check(
            pw_len < MIN_PASSWORD_LEN,
            "password",
            "Use at least 10 characters.",
        )
        .check(
            pw_len > MAX_PASSWORD_LEN,
            "password",
            "Use at most 256 characters.",
        )
        .finish()
}

/// Number of accounts.
pub async fn user_count(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    Ok(users::Entity::find().count(db).await?)
}

/// Creates an account. A taken email is a field error.
pub async fn create_user(
    db: &impl ConnectionTrait,
    input: NewUser,
) -> Result<users::Model, AppError> {
    validate_new_user(&input)?;
    let email = normalize_email(&input.email);
    let taken = || AppError::field("email", "An account with this email exists.");
    if users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .count(db)
        .await?
        > 0
    {
        return Err(taken());
    }
    let hash = hash_password(input.password).await?;
    let now = Utc::now();
    users::ActiveModel {
        email: Set(email),
        display_name: Set(input.display_name.trim().to_owned()),
        password_hash: Set(hash.0),
        is_admin: Set(input.is_admin),
        is_disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| AppError::unique_or_internal(e, taken))
}

/// First run: creates the site admin and their first team, in one transaction. Refused (as not
/// found, so the page looks gone) once any account exists.
pub async fn setup_first_admin(
    db: &DatabaseConnection,
    input: NewUser,
    team_name: &str,
) -> Result<AuthUser, AppError> {
    let team_name = team_name.trim();
    let mut v = Validator::default();
    if let Err(AppError::Validation(fields)) = validate_new_user(&input) {
        for (field, msg) in fields {
            v.check(true, &field, &msg);
        }
    }
    v.check(team_name.is_empty(), "team_name", "Enter a team name.")
        .check(
            team_name.chars().count() > 120,
            "team_name",
            "Use at most 120 characters.",
        )
        .finish()?;

    let txn = db.begin().await?;
    if user_count(&txn).await? > 0 {
        return Err(AppError::NotFound);
    }
    let user = create_user(
        &txn,
        NewUser {
            is_admin: true,
            ..input
        },
    )
    .await?;
    let now = Utc::now();
    let team = teams::ActiveModel {
        name: Set(team_name.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    team_members::ActiveModel {
        team_id: Set(team.id),
        user_id: Set(user.id),
        role: Set(TeamRole::Owner.as_str().to_owned()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(to_auth_user(user))
}

/// Checks credentials. Unknown email, wrong password and disabled account all give
/// `InvalidCredentials` after the same amount of hashing work.
pub async fn authenticate(
    db: &DatabaseConnection,
    email: &str,
    password: String,
) -> Result<AuthUser, AppError> {
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(normalize_email(email)))
        .one(db)
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = verify_password(password, hash).await?;
    match user {
        Some(u) if ok && !u.is_disabled => Ok(to_auth_user(u)),
        _ => Err(AppError::InvalidCredentials),
    }
}

/// The account with this id, unless it is missing or disabled.
pub async fn find_active_user(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<AuthUser>, AppError> {
    Ok(users::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|u| !u.is_disabled)
        .map(to_auth_user))
}
