//! The job queue: work done in the background by every `preflight serve` process (and by
//! `preflight notify --run-due`), kept in the database so it survives restarts and runs once
//! across instances. See `app::jobs`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(pk_auto(Jobs::Id))
                    // What to run: a handler's name, and its input as JSON text.
                    .col(string_len(Jobs::Kind, 64))
                    .col(text(Jobs::Payload))
                    // Scheduled work names its period (`kind:2026-12-02`): one job per key,
                    // however many processes enqueue it. Unique; NULLs (one-off jobs) repeat.
                    .col(string_len_null(Jobs::DedupeKey, 200))
                    // `queued`, `running`, `done` or `failed`.
                    .col(string_len(Jobs::State, 16))
                    .col(timestamp_with_time_zone(Jobs::RunAt))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(integer(Jobs::MaxAttempts))
                    // The claim: who holds the job, until when (renewed while it runs).
                    .col(string_len_null(Jobs::LockedBy, 80))
                    .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
                    .col(text(Jobs::LastError).default(""))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone_null(Jobs::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_dedupe_key")
                    .table(Jobs::Table)
                    .col(Jobs::DedupeKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_state_run_at")
                    .table(Jobs::Table)
                    .col(Jobs::State)
                    .col(Jobs::RunAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    DedupeKey,
    State,
    RunAt,
    Attempts,
    MaxAttempts,
    LockedBy,
    LockedUntil,
    LastError,
    CreatedAt,
    FinishedAt,
}
