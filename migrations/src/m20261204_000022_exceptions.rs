//! Approved exceptions: where a project asks for it, setting an item to accepted risk (or not
//! applicable) becomes a request that someone else approves; the item keeps its status until
//! then.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite alters one column per statement.
async fn add(manager: &SchemaManager<'_>, col: ColumnDef) -> Result<(), DbErr> {
    let mut col = col;
    manager
        .alter_table(
            Table::alter()
                .table(Projects::Table)
                .add_column(&mut col)
                .to_owned(),
        )
        .await
}

async fn drop(manager: &SchemaManager<'_>, col: Projects) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Projects::Table)
                .drop_column(col)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Accepting a risk needs someone else's approval.
        add(
            manager,
            boolean(Projects::ApproveAcceptedRisk)
                .default(false)
                .to_owned(),
        )
        .await?;
        // So does marking an item not applicable.
        add(
            manager,
            boolean(Projects::ApproveNotApplicable)
                .default(false)
                .to_owned(),
        )
        .await?;
        // The longest an approved exception may hold, in days.
        add(
            manager,
            integer(Projects::ExceptionMaxDays).default(90).to_owned(),
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Exceptions::Table)
                    .col(pk_auto(Exceptions::Id))
                    .col(integer(Exceptions::ProjectId))
                    .col(integer(Exceptions::ItemId))
                    .col(string_len(Exceptions::Status, 20))
                    .col(text(Exceptions::Reason))
                    .col(date_null(Exceptions::Until))
                    .col(string_len(Exceptions::State, 20))
                    .col(integer_null(Exceptions::RequestedBy))
                    .col(timestamp_with_time_zone(Exceptions::RequestedAt))
                    .col(integer_null(Exceptions::DecidedBy))
                    .col(timestamp_with_time_zone_null(Exceptions::DecidedAt))
                    .col(text(Exceptions::Comment).default(""))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Exceptions::Table, Exceptions::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Exceptions::Table, Exceptions::ItemId)
                            .to(Items::Table, Items::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_exceptions_project", Exceptions::ProjectId),
            ("idx_exceptions_item", Exceptions::ItemId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Exceptions::Table)
                        .col(col)
                        .col(Exceptions::State)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Exceptions::Table).to_owned())
            .await?;
        drop(manager, Projects::ExceptionMaxDays).await?;
        drop(manager, Projects::ApproveNotApplicable).await?;
        drop(manager, Projects::ApproveAcceptedRisk).await
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    ApproveAcceptedRisk,
    ApproveNotApplicable,
    ExceptionMaxDays,
}

#[derive(DeriveIden)]
enum Items {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Exceptions {
    Table,
    Id,
    ProjectId,
    ItemId,
    Status,
    Reason,
    Until,
    State,
    RequestedBy,
    RequestedAt,
    DecidedBy,
    DecidedAt,
    Comment,
}
