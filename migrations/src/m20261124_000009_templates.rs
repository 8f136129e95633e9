//! Team templates: a named project structure (categories and items with priorities and
//! descriptions, no statuses or people) saved by a team, stored as Preflight JSON. Built-in
//! templates live in the code, not here.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Templates::Table)
                    .col(pk_auto(Templates::Id))
                    .col(integer(Templates::TeamId))
                    .col(string_len(Templates::Name, 120))
                    .col(text(Templates::Description).default(""))
                    // Preflight JSON (format version 1) of the structure.
                    .col(text(Templates::Body))
                    .col(integer(Templates::Categories).default(0))
                    .col(integer(Templates::Items).default(0))
                    .col(integer_null(Templates::CreatedBy))
                    .col(timestamp_with_time_zone(Templates::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Templates::Table, Templates::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Templates::Table, Templates::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_templates_team_name")
                    .table(Templates::Table)
                    .col(Templates::TeamId)
                    .col(Templates::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Templates::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Templates {
    Table,
    Id,
    TeamId,
    Name,
    Description,
    Body,
    Categories,
    Items,
    CreatedBy,
    CreatedAt,
}
