//! The path to ready: a project's plan in phases ("Week 1", "Before launch"), the phase each
//! item is scheduled into, the team's capacity and the project's review cadence.
//!
//! `items.phase_id` has no foreign key: SQLite cannot add one to an existing table. Deleting a
//! phase unschedules its items in the same transaction (`app/src/phases/service.rs`), and the
//! scheduling paths accept only the project's own phases.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite alters one column per statement.
async fn add(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    col: ColumnDef,
) -> Result<(), DbErr> {
    let mut col = col;
    manager
        .alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
        .await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    col: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Phases::Table)
                    .col(pk_auto(Phases::Id))
                    .col(integer(Phases::ProjectId))
                    .col(integer(Phases::Position))
                    .col(string_len(Phases::Name, 120))
                    .col(text(Phases::Goal))
                    .col(date_null(Phases::TargetDate))
                    .col(integer(Phases::Version).default(1))
                    .col(timestamp_with_time_zone(Phases::CreatedAt))
                    .col(timestamp_with_time_zone(Phases::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Phases::Table, Phases::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_phases_project")
                    .table(Phases::Table)
                    .col(Phases::ProjectId)
                    .col(Phases::Position)
                    .to_owned(),
            )
            .await?;
        add(manager, Items::Table, integer_null(Items::PhaseId)).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_items_phase")
                    .table(Items::Table)
                    .col(Items::PhaseId)
                    .to_owned(),
            )
            .await?;
        // Hours of work a week the team puts into readiness; NULL: not said.
        add(
            manager,
            Projects::Table,
            integer_null(Projects::CapacityHours),
        )
        .await?;
        // A final review is due this many days after the last; NULL: no cadence.
        add(
            manager,
            Projects::Table,
            integer_null(Projects::ReviewEveryDays),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, Projects::Table, Projects::ReviewEveryDays).await?;
        drop(manager, Projects::Table, Projects::CapacityHours).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_items_phase")
                    .table(Items::Table)
                    .to_owned(),
            )
            .await?;
        drop(manager, Items::Table, Items::PhaseId).await?;
        manager
            .drop_table(Table::drop().table(Phases::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    CapacityHours,
    ReviewEveryDays,
}

#[derive(DeriveIden)]
enum Items {
    Table,
    PhaseId,
}

#[derive(DeriveIden)]
enum Phases {
    Table,
    Id,
    ProjectId,
    Position,
    Name,
    Goal,
    TargetDate,
    Version,
    CreatedAt,
    UpdatedAt,
}
