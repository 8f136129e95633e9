use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000003_create_teams::Teams;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Projects::Table)
                    .col(pk_auto(Projects::Id))
                    .col(integer(Projects::TeamId))
                    .col(string_len(Projects::Name, 120))
                    .col(string_len_uniq(Projects::Slug, 64))
                    .col(text(Projects::Description).default(""))
                    .col(string_len_null(Projects::RepositoryUrl, 500))
                    .col(date_null(Projects::TargetDate))
                    .col(integer(Projects::Threshold).default(80))
                    .col(boolean(Projects::Archived).default(false))
                    .col(timestamp_with_time_zone(Projects::CreatedAt))
                    .col(timestamp_with_time_zone(Projects::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Projects::Table, Projects::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_projects_team_id")
                    .table(Projects::Table)
                    .col(Projects::TeamId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Projects::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    TeamId,
    Name,
    Slug,
    Description,
    RepositoryUrl,
    TargetDate,
    Threshold,
    Archived,
    CreatedAt,
    UpdatedAt,
}
