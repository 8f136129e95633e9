//! tower-sessions store on the application database (sea-orm), so that every app instance
//! shares sessions and a user's sessions can be listed and ended. Rows are keyed by a digest of
//! the session id: the id is the cookie's secret and is never stored.

use app::{
    auth::model::{USER_AGENT_KEY, USER_ID_KEY, session_key},
    entities::sessions,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, SqlErr,
};
use time::OffsetDateTime;
use tower_sessions::{
    ExpiredDeletion, SessionStore,
    session::{Id, Record},
    session_store::{Error, Result},
};

/// Sessions in the `sessions` table.
#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    /// A store on this connection pool.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

/// A session's row key: a digest of its id, never the id (the cookie's secret) itself.
fn key(id: &Id) -> String {
    session_key(&id.to_string())
}

fn backend(err: impl std::fmt::Display) -> Error {
    Error::Backend(err.to_string())
}

fn to_chrono(t: OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or_default()
}

fn to_time(t: DateTime<Utc>) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t.timestamp()).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn to_active(record: &Record) -> Result<sessions::ActiveModel> {
    let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(USER_ID_KEY)
        .and_then(serde_json::Value::as_i64)
        .and_then(|id| i32::try_from(id).ok());
    let user_agent = record
        .data
        .get(USER_AGENT_KEY)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    let now = Utc::now();
    Ok(sessions::ActiveModel {
        id: Set(key(&record.id)),
        user_id: Set(user_id),
        data: Set(data),
        expires_at: Set(to_chrono(record.expiry_date)),
        created_at: Set(now),
        last_seen_at: Set(now),
        user_agent: Set(user_agent),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh random 128-bit id collides practically never; retry rather than overwrite.
        loop {
            match sessions::Entity::insert(to_active(record)?)
                .exec(&self.db)
                .await
            {
                Ok(_) => return Ok(()),
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(e) => return Err(backend(e)),
            }
        }
    }

    /// Writes back a session that exists; never inserts. A request still in flight when its
    /// session is deleted (sign-out, "end session", a password change, an account disabled)
    /// saves it at its end: an upsert would bring the ended session back. Only `create`
    /// inserts (tower-sessions calls it for new sessions and new ids).
    async fn save(&self, record: &Record) -> Result<()> {
        let mut row = to_active(record)?;
        row.id = NotSet;
        row.created_at = NotSet;
        sessions::Entity::update_many()
            .set(row)
            .filter(sessions::Column::Id.eq(key(&record.id)))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> Result<Option<Record>> {
        let Some(row) = sessions::Entity::find_by_id(key(session_id))
            .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *session_id,
            data,
            expiry_date: to_time(row.expires_at),
        }))
    }

    async fn delete(&self, session_id: &Id) -> Result<()> {
        sessions::Entity::delete_by_id(key(session_id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> Result<()> {
        sessions::Entity::delete_many()
            .filter(sessions::Column::ExpiresAt.lte(Utc::now()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
