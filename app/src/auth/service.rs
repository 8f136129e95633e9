//! Accounts: creating users, checking credentials, first-run setup.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};

use super::{
    model::{
        AuthUser, MAX_EMAIL_LEN, MAX_PASSWORD_LEN, MIN_PASSWORD_LEN, is_plausible_email,
        normalize_email,
    },
    password::{hash_password, verify_password},
    throttle::{self, AttemptKeys, ThrottlePolicy},
};
use crate::{
    audit::service::{Actor, Event, record},
    entities::{sessions, team_members, teams, users},
    error::{AppError, Validator},
    teams::model::TeamRole,
};

/// A user as the audit log records it (never the password hash).
#[derive(Debug, serde::Serialize)]
pub struct UserState<'a> {
    email: &'a str,
    display_name: &'a str,
    is_admin: bool,
    is_disabled: bool,
}

impl<'a> From<&'a users::Model> for UserState<'a> {
    fn from(u: &'a users::Model) -> Self {
        UserState {
            email: &u.email,
            display_name: &u.display_name,
            is_admin: u.is_admin,
            is_disabled: u.is_disabled,
        }
    }
}

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

/// The view of an account that sessions and services carry.
pub fn to_auth_user(u: users::Model) -> AuthUser {
    AuthUser {
        id: u.id,
        email: u.email,
        display_name: u.display_name,
        is_admin: u.is_admin,
        must_change_password: u.must_change_password,
    }
}

/// Checks a new account's fields, returning every problem at once.
pub fn validate_new_user(input: &NewUser) -> Result<(), AppError> {
    let email = normalize_email(&input.email);
    let mut v = Validator::default();
    v.check(
        !is_plausible_email(&email),
        "email",
        "Enter a valid email address.",
    );
    check_display_name(&mut v, &input.display_name);
    check_password(&mut v, "password", &input.password);
    v.finish()
}

/// Adds the display-name rules to `v`.
pub fn check_display_name(v: &mut Validator, name: &str) {
    let name = name.trim();
    v.check(name.is_empty(), "display_name", "Enter a name.")
        .at_most(name, 120, "display_name");
}

/// Adds the password rules for `field` to `v`.
pub fn check_password(v: &mut Validator, field: &str, password: &str) {
    let len = password.chars().count();
    v.check(
        len < MIN_PASSWORD_LEN,
        field,
        format!("Use at least {MIN_PASSWORD_LEN} characters."),
    )
    .at_most(password, MAX_PASSWORD_LEN, field);
}

/// Ends every session of `user_id`, except the one with id `except`. Returns how many ended.
pub async fn end_sessions(
    db: &impl ConnectionTrait,
    user_id: i32,
    except: Option<&str>,
) -> Result<u64, AppError> {
    let mut query = sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user_id));
    if let Some(id) = except {
        query = query.filter(sessions::Column::Id.ne(id));
    }
    Ok(query.exec(db).await?.rows_affected)
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
        must_change_password: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| AppError::unique_or_internal(e, taken))
}

/// Creates an account and audits it as done by `actor`, in one transaction. With
/// `must_change_password` the user chooses a new password at first sign-in.
pub async fn register_user(
    db: &(impl ConnectionTrait + TransactionTrait),
    actor: &Actor,
    input: NewUser,
    must_change_password: bool,
) -> Result<users::Model, AppError> {
    let txn = crate::txn::begin(db).await?;
    let mut user = create_user(&txn, input).await?;
    if must_change_password {
        let mut active = user.into_active_model();
        active.must_change_password = Set(true);
        user = active.update(&txn).await?;
    }
    record(
        &txn,
        actor,
        Event::new("user", user.id, "created").after(&UserState::from(&user)),
    )
    .await?;
    txn.commit().await?;
    Ok(user)
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
        .at_most(team_name, 120, "team_name")
        .finish()?;

    let txn = crate::txn::begin(db).await?;
    // Two first runs at once must not both see no account: SQLite's `BEGIN IMMEDIATE` already
    // serializes them; on PostgreSQL a transaction-scoped advisory lock does.
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7215001)")
            .await?;
    }
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
    let actor = Actor::from(&to_auth_user(user.clone()));
    record(
        &txn,
        &actor,
        Event::new("user", user.id, "created").after(&UserState::from(&user)),
    )
    .await?;
    record(
        &txn,
        &actor,
        Event::new("team", team.id, "created")
            .team(team.id)
            .after(&serde_json::json!({ "name": team.name, "owner": user.email })),
    )
    .await?;
    txn.commit().await?;
    Ok(to_auth_user(user))
}

/// A right password.
#[derive(Debug)]
pub struct Authenticated {
    /// Whose.
    pub user: AuthUser,
    /// The account has a second factor, still to be given: not signed in yet, and the attempt
    /// still counts against the throttle.
    pub second_factor: bool,
}

/// Checks credentials, throttled per account and per client `address`. Unknown email, wrong
/// password and disabled account all give `InvalidCredentials` after the same amount of hashing
/// work and count the same; a locked account or address gives `TooManyAttempts` without
/// checking the password.
pub async fn authenticate(
    db: &DatabaseConnection,
    policy: &ThrottlePolicy,
    email: &str,
    password: String,
    address: Option<std::net::IpAddr>,
) -> Result<Authenticated, AppError> {
    let email = normalize_email(email);
    // No account has an address this long; refused before anything is counted or stored.
    if email.len() > MAX_EMAIL_LEN {
        return Err(AppError::InvalidCredentials);
    }
    let keys = AttemptKeys::new(&email, address);
    let reservation = throttle::reserve(db, policy, &keys, Utc::now()).await?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(db)
        .await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let ok = verify_password(password, hash).await?;
    match user {
        Some(u) if ok && !u.is_disabled && u.totp_enabled_at.is_some() => {
            // Half-way: the attempt stays counted until the second factor is right, so a known
            // password cannot reset the count between guesses of the code.
            Ok(Authenticated {
                user: to_auth_user(u),
                second_factor: true,
            })
        }
        Some(u) if ok && !u.is_disabled => {
            let txn = crate::txn::begin(db).await?;
            throttle::release(&txn, &keys, reservation).await?;
            let user = to_auth_user(u);
            record(
                &txn,
                &Actor::from(&user),
                Event::new("user", user.id, "signed_in").after(&serde_json::json!({
                    "address": address.map(|a| a.to_string()),
                })),
            )
            .await?;
            txn.commit().await?;
            Ok(Authenticated {
                user,
                second_factor: false,
            })
        }
        _ => {
            // The failure was counted by the reservation.
            let locked = reservation.locked;
            if let Some(secs) = locked {
                record(
                    db,
                    &Actor::system(),
                    Event::new("login", &email, "locked").after(&serde_json::json!({
                        "address": address.map(|a| a.to_string()),
                        "seconds": secs,
                    })),
                )
                .await?;
            }
            Err(locked.map_or(AppError::InvalidCredentials, AppError::TooManyAttempts))
        }
    }
}

/// Binds `session` to `user_id` under a fresh id (no session fixation), noting how the user
/// signed in and their browser.
pub async fn start_session(
    session: &tower_sessions::Session,
    user_id: i32,
    method: super::model::SignInMethod,
    user_agent: Option<&str>,
) -> Result<(), AppError> {
    use super::model::{LOGIN_AT_KEY, METHOD_KEY, SEEN_AT_KEY, USER_AGENT_KEY, USER_ID_KEY};
    session.cycle_id().await?;
    session.insert(USER_ID_KEY, user_id).await?;
    let now = Utc::now().timestamp();
    session.insert(LOGIN_AT_KEY, now).await?;
    session.insert(SEEN_AT_KEY, now).await?;
    session.insert(METHOD_KEY, method.as_str()).await?;
    if let Some(ua) = user_agent {
        let ua: String = ua.chars().take(500).collect();
        session.insert(USER_AGENT_KEY, ua).await?;
    }
    Ok(())
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
