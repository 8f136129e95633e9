//! Who approves a project's exception requests: its team's owners (no group), or the members of
//! a named reviewer group (Security approves accepted risks, for instance).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key (SQLite cannot add one to an existing table): deleting the group clears
        // it, and the project's owners approve again.
        manager
            .alter_table(
                Table::alter()
                    .table(Projects::Table)
                    .add_column(integer_null(Projects::ExceptionGroupId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Projects::Table)
                    .drop_column(Projects::ExceptionGroupId)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    ExceptionGroupId,
}
