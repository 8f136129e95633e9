//! People side: forced password change for admin-issued passwords, the audit log and login
//! throttling counters.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // An admin-issued password (new account, reset) must be replaced at first sign-in.
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(UsersNew::MustChangePassword).default(false))
                    .to_owned(),
            )
            .await?;

        // Append-only: rows are never updated. Actor and scope ids are kept as plain integers
        // (no foreign keys) so that history outlives what it describes.
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                    .col(integer_null(AuditEvents::ActorId))
                    // The actor's email at the time, so the log reads right after renames.
                    .col(string_len(AuditEvents::ActorEmail, 254))
                    .col(string_len(AuditEvents::Entity, 40))
                    .col(string_len(AuditEvents::EntityId, 300))
                    .col(string_len(AuditEvents::Action, 40))
                    .col(integer_null(AuditEvents::TeamId))
                    .col(integer_null(AuditEvents::ProjectId))
                    .col(text_null(AuditEvents::Before))
                    .col(text_null(AuditEvents::After))
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_audit_events_created_at", vec![AuditEvents::CreatedAt]),
            ("idx_audit_events_actor_id", vec![AuditEvents::ActorId]),
            (
                "idx_audit_events_entity",
                vec![AuditEvents::Entity, AuditEvents::EntityId],
            ),
            ("idx_audit_events_project_id", vec![AuditEvents::ProjectId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(AuditEvents::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }

        // Failed sign-ins per key: `account:<email>` or `ip:<address>`.
        manager
            .create_table(
                Table::create()
                    .table(LoginThrottle::Table)
                    .col(string_len(LoginThrottle::Key, 300).primary_key())
                    .col(integer(LoginThrottle::Failures))
                    .col(timestamp_with_time_zone(LoginThrottle::LastFailureAt))
                    .col(timestamp_with_time_zone_null(LoginThrottle::LockedUntil))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginThrottle::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(UsersNew::MustChangePassword)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum UsersNew {
    MustChangePassword,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    CreatedAt,
    ActorId,
    ActorEmail,
    Entity,
    EntityId,
    Action,
    TeamId,
    ProjectId,
    Before,
    After,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    Key,
    Failures,
    LastFailureAt,
    LockedUntil,
}
