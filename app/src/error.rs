//! The one error type of Preflight: returned by services, server functions and REST handlers,
//! each kind mapped to one HTTP status.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use std::collections::BTreeMap;

/// Field name → message shown beside that field.
pub type FieldErrors = BTreeMap<String, String>;

/// Every failure a user can see. Messages are safe to show: internal details (SQL, paths, panics)
/// are logged where they happen and never put in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    /// The request itself is malformed (bad arguments, wrong method).
    #[error("The request could not be understood.")]
    BadRequest,
    /// No session, or the session ended.
    #[error("Please sign in.")]
    Unauthorized,
    /// Login failed; the same for an unknown email and a wrong password.
    #[error("Email or password is incorrect.")]
    InvalidCredentials,
    /// Signed in, but the role does not allow this.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// Missing, or not visible to this user (we do not reveal which).
    #[error("Not found.")]
    NotFound,
    /// Input that fails validation, with a message per field.
    #[error("Please correct the highlighted fields.")]
    Validation(FieldErrors),
    /// The change conflicts with the current state (stale version, duplicate).
    #[error("{0}")]
    Conflict(String),
    /// Too many failed sign-ins from this address or for this account; retry after the seconds
    /// given.
    #[error("Too many failed sign-in attempts. Try again in {}.", wait_text(*.0))]
    TooManyAttempts(u64),
    /// The server is at its limit for this kind of work (PDF renders at once), or the database
    /// set this request's transaction aside for a concurrent one; retry after the seconds given.
    #[error("The server is busy with other work. Try again in {}.", wait_text(*.0))]
    Busy(u64),
    /// The database is not answering (restarting, unreachable, its disk full); nothing was
    /// written. Retry after the seconds given.
    #[error("The database is not answering right now; nothing was saved. Try again in {}.", wait_text(*.0))]
    Unavailable(u64),
    /// Anything else. Logged in full on the server.
    #[error("Something went wrong on our side; it has been logged.")]
    Internal,
}

impl AppError {
    /// The HTTP status for this kind of error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest => 400,
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::Validation(_) => 422,
            AppError::TooManyAttempts(_) => 429,
            AppError::Internal => 500,
            AppError::Busy(_) | AppError::Unavailable(_) => 503,
        }
    }

    /// A validation error on one field.
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        AppError::Validation(FieldErrors::from([(name.to_owned(), message.into())]))
    }

    /// The message for one field, when this is a validation error that names it.
    pub fn field_message(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation(fields) => fields.get(name).cloned(),
            _ => None,
        }
    }

    /// Logs an unexpected failure in full and returns the generic internal error.
    #[cfg(feature = "ssr")]
    pub fn internal(context: &str, err: impl std::fmt::Display) -> Self {
        tracing::error!(error = %err, "{context}");
        AppError::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            other => {
                #[cfg(feature = "ssr")]
                tracing::error!(error = %other, "server function failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    /// Logged with where it happened: `?` on a database call reports that call's file and line
    /// (`#[track_caller]`), so "database error" says which query failed.
    #[track_caller]
    fn from(err: sea_orm::DbErr) -> Self {
        let at = std::panic::Location::caller();
        if is_unavailable(&err) {
            tracing::warn!(error = %err, %at, "database unavailable");
            return AppError::Unavailable(2);
        }
        match database_code(&err).as_deref() {
            // Text PostgreSQL refuses to store or compare: a NUL character (SQLSTATE 22021) or
            // one its encoding lacks (22P05). That is the request's fault, so a 400, not a 500
            // (found by the malformed-input battery: every text field took a NUL through).
            Some("22021" | "22P05") => AppError::BadRequest,
            // The database gave up on this transaction for another's sake: a deadlock
            // (40P01), a serialization failure (40001), SQLite still busy after its timeout
            // (5). Nothing was written; the same request may well succeed in a moment.
            Some("40P01" | "40001" | "5") => {
                tracing::warn!(error = %err, %at, "transaction gave way to a concurrent one");
                AppError::Busy(1)
            }
            _ => {
                tracing::error!(error = %err, %at, "database error");
                AppError::Internal
            }
        }
    }
}

/// Whether `err` says the database cannot be reached or cannot store anything now, rather than
/// that this request was wrong: no connection to be had (the pool's wait ran out, connections
/// refused or reset), the server shutting down or starting (PostgreSQL 57P01–57P03, class 08
/// connection exceptions, class 53 insufficient resources such as a full disk), SQLite's
/// disk full (13) or I/O errors (10 and its extended codes).
#[cfg(feature = "ssr")]
fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx::Error as Sqlx};
    let e = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match e.as_ref() {
        Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed => true,
        Sqlx::Database(d) => d.code().is_some_and(|code| {
            code.starts_with("08")
                || code.starts_with("53")
                || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
                || code
                    .parse::<i32>()
                    .is_ok_and(|n| matches!(n & 0xff, 10 | 13))
        }),
        _ => false,
    }
}

/// The database's own error code (PostgreSQL's SQLSTATE, SQLite's result code), if any.
#[cfg(feature = "ssr")]
fn database_code(err: &sea_orm::DbErr) -> Option<String> {
    use sea_orm::{DbErr, RuntimeErr};
    let (DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e))) = err
    else {
        return None;
    };
    e.as_database_error()
        .and_then(|d| d.code())
        .map(|code| code.into_owned())
}

#[cfg(feature = "ssr")]
impl AppError {
    /// A change based on an older version than the stored one: 409, naming who changed it
    /// (when known).
    pub fn stale(what: &str, by: Option<String>) -> Self {
        AppError::Conflict(format!(
            "This {what} was changed by {} since you loaded it. Reload to see the change, then \
             try again.",
            by.unwrap_or_else(|| "someone else".to_owned())
        ))
    }

    /// Maps a failed write: a unique-constraint violation becomes `on_unique()` (a lost race with
    /// a concurrent duplicate), anything else the logged internal error.
    pub fn unique_or_internal(err: sea_orm::DbErr, on_unique: impl FnOnce() -> AppError) -> Self {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => on_unique(),
            _ => err.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    fn from(err: tower_sessions::session::Error) -> Self {
        AppError::internal("session error", err)
    }
}

/// "45 seconds", "3 minutes": how long to wait, rounded up to whole minutes past one minute.
fn wait_text(secs: u64) -> String {
    match secs {
        0..=1 => "a second".to_owned(),
        2..=60 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

/// Collects field errors while validating a form; `finish` turns them into one error.
#[derive(Debug, Default)]
pub struct Validator(FieldErrors);

impl Validator {
    /// Records `message` for `field` when `failed` (keeps the first message per field).
    pub fn check(&mut self, failed: bool, field: &str, message: impl AsRef<str>) -> &mut Self {
        if failed {
            self.0
                .entry(field.to_owned())
                .or_insert_with(|| message.as_ref().to_owned());
        }
        self
    }

    /// Records "Use at most N characters." for `field` when `text` is longer than `max`
    /// characters: the message states the limit the check applies.
    pub fn at_most(&mut self, text: &str, max: usize, field: &str) -> &mut Self {
        if text.chars().count() > max {
            let message = format!("Use at most {} characters.", crate::limits::grouped(max));
            self.check(true, field, message);
        }
        self
    }

    /// `Ok(())` when nothing failed, else the validation error.
    pub fn finish(&mut self) -> Result<(), AppError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(std::mem::take(&mut self.0)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_round_trips_through_json_with_its_fields() {
        let err = AppError::field("slug", "This slug is already taken.");
        let json = serde_json::to_string(&err).unwrap_or_default();
        let back: AppError = serde_json::from_str(&json).unwrap_or(AppError::Internal);
        assert_eq!(back.status(), 422);
        assert_eq!(
            back.field_message("slug").as_deref(),
            Some("This slug is already taken.")
        );
    }

    /// A database error reached through `?` is logged with the file and line of that `?`.
    #[cfg(feature = "ssr")]
    #[test]
    fn a_database_error_is_logged_where_it_happened() {
        use std::sync::{Arc, Mutex};

        #[derive(Clone, Default)]
        struct Buffer(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buffer {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                if let Ok(mut b) = self.0.lock() {
                    b.extend_from_slice(bytes);
                }
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }

        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let line = line!() + 2;
        let result = tracing::subscriber::with_default(subscriber, || -> Result<(), AppError> {
            Err(sea_orm::DbErr::Custom("no such table: items".into()))?;
            Ok(())
        });
        assert_eq!(result.err().map(|e| e.status()), Some(500));
        let logged = buffer
            .0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        assert!(logged.contains("database error"), "{logged}");
        assert!(logged.contains("no such table: items"), "{logged}");
        assert!(
            logged.contains(&format!("app/src/error.rs:{line}")),
            "expected the ? at line {line}: {logged}"
        );
    }

    #[test]
    fn too_many_attempts_says_how_long_to_wait() {
        assert_eq!(AppError::TooManyAttempts(30).status(), 429);
        assert_eq!(
            AppError::TooManyAttempts(30).to_string(),
            "Too many failed sign-in attempts. Try again in 30 seconds."
        );
        assert_eq!(
            AppError::TooManyAttempts(61).to_string(),
            "Too many failed sign-in attempts. Try again in 2 minutes."
        );
    }

    #[test]
    fn malformed_arguments_are_a_bad_request() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("missing field".into()));
        assert_eq!(err, AppError::BadRequest);
        assert_eq!(err.status(), 400);
    }

    #[test]
    fn validator_keeps_first_message_per_field() {
        let mut v = Validator::default();
        v.check(true, "name", "first").check(true, "name", "second");
        let err = v.finish().err();
        assert_eq!(
            err.and_then(|e| e.field_message("name")).as_deref(),
            Some("first")
        );
        assert!(Validator::default().finish().is_ok());
    }
}
