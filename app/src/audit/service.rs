//! Writing and reading audit events.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::model::{AuditEntry, AuditPage, PAGE_SIZE, field_changes};
use crate::{auth::model::AuthUser, entities::audit_events, error::AppError};

/// Who made a change: a signed-in user, or the system (CLI, background jobs).
#[derive(Clone, Debug)]
pub struct Actor {
    id: Option<i32>,
    email: String,
}

impl Actor {
    /// The command line or another process without a user.
    pub fn system() -> Self {
        Actor {
            id: None,
            email: "system".to_owned(),
        }
    }
}

impl From<&AuthUser> for Actor {
    fn from(user: &AuthUser) -> Self {
        Actor {
            id: Some(user.id),
            email: user.email.clone(),
        }
    }
}

/// An event to record; built with [`Event::new`] and the scope/state setters.
#[derive(Debug)]
pub struct Event {
    entity: &'static str,
    entity_id: String,
    action: &'static str,
    team_id: Option<i32>,
    project_id: Option<i32>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
}

impl Event {
    /// `action` (`created`, `updated`…) on the `entity` with this id.
    pub fn new(entity: &'static str, entity_id: impl ToString, action: &'static str) -> Self {
        Event {
            entity,
            entity_id: entity_id.to_string(),
            action,
            team_id: None,
            project_id: None,
            before: None,
            after: None,
        }
    }

    /// The team the change belongs to.
    pub fn team(mut self, team_id: i32) -> Self {
        self.team_id = Some(team_id);
        self
    }

    /// The project the change belongs to.
    pub fn project(mut self, project_id: i32) -> Self {
        self.project_id = Some(project_id);
        self
    }

    /// Scopes the event to `project` and its team.
    pub fn in_project(self, project: &crate::entities::projects::Model) -> Self {
        self.team(project.team_id).project(project.id)
    }

    /// State before the change.
    pub fn before(mut self, state: &impl Serialize) -> Self {
        self.before = serde_json::to_value(state).ok();
        self
    }

    /// State after the change.
    pub fn after(mut self, state: &impl Serialize) -> Self {
        self.after = serde_json::to_value(state).ok();
        self
    }
}

/// Records `event` on `db`, which must be the transaction of the change itself.
pub async fn record(
    db: &impl ConnectionTrait,
    actor: &Actor,
    event: Event,
) -> Result<(), AppError> {
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    audit_events::ActiveModel {
        created_at: Set(Utc::now()),
        actor_id: Set(actor.id),
        actor_email: Set(actor.email.clone()),
        entity: Set(event.entity.to_owned()),
        entity_id: Set(event.entity_id),
        action: Set(event.action.to_owned()),
        team_id: Set(event.team_id),
        project_id: Set(event.project_id),
        before: Set(json(event.before)),
        after: Set(json(event.after)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Which events to list.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Actor's email (exact, case-insensitive).
    pub actor: Option<String>,
    /// Entity kind.
    pub entity: Option<String>,
    /// Events on or after this day (UTC).
    pub from: Option<NaiveDate>,
    /// Events on or before this day (UTC).
    pub to: Option<NaiveDate>,
}

/// One page (1-based) of events matching `filter`, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    page: u64,
) -> Result<AuditPage, AppError> {
    let mut query = audit_events::Entity::find();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::Column::ActorEmail.eq(actor.trim().to_lowercase()));
    }
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_events::Column::Entity.eq(entity.as_str()));
    }
    if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        query = query.filter(audit_events::Column::CreatedAt.gte(from.and_utc()));
    }
    if let Some(to) = filter
        .to
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        query = query.filter(audit_events::Column::CreatedAt.lt(to.and_utc()));
    }
    let total = query.clone().count(db).await?;
    let page = page.max(1);
    let rows = query
        .order_by_desc(audit_events::Column::CreatedAt)
        .order_by_desc(audit_events::Column::Id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .all(db)
        .await?;
    Ok(AuditPage {
        entries: rows.into_iter().map(to_entry).collect(),
        page,
        total,
    })
}

/// Every event of one entity, newest first (an item's history).
pub(crate) async fn history(
    db: &impl ConnectionTrait,
    entity: &str,
    entity_id: &str,
) -> Result<Vec<AuditEntry>, AppError> {
    Ok(audit_events::Entity::find()
        .filter(audit_events::Column::Entity.eq(entity))
        .filter(audit_events::Column::EntityId.eq(entity_id))
        .order_by_desc(audit_events::Column::Id)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .map(to_entry)
        .collect())
}

fn to_entry(e: audit_events::Model) -> AuditEntry {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
    };
    AuditEntry {
        id: e.id,
        at: e
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        actor: e.actor_email,
        entity: e.entity,
        entity_id: e.entity_id,
        action: e.action,
        changes: field_changes(parse(&e.before).as_ref(), parse(&e.after).as_ref()),
    }
}
