//! Campaigns: one set of requirements pushed into many projects at once, with a deadline.
//! Each item a campaign adds to a project is linked to the campaign's item, so applying it again
//! adds nothing twice.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn create_campaign_tables(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Campaigns::Table)
                .col(pk_auto(Campaigns::Id))
                .col(string_len(Campaigns::Name, 120))
                .col(text(Campaigns::Description).default(""))
                .col(integer_null(Campaigns::TeamId))
                .col(string_len(Campaigns::Category, 120))
                .col(date_null(Campaigns::Deadline))
                .col(string_len(Campaigns::State, 20))
                .col(integer_null(Campaigns::CreatedBy))
                .col(timestamp_with_time_zone(Campaigns::CreatedAt))
                .col(timestamp_with_time_zone_null(Campaigns::ClosedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Campaigns::Table, Campaigns::TeamId)
                        .to(Teams::Table, Teams::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(CampaignItems::Table)
                .col(pk_auto(CampaignItems::Id))
                .col(integer(CampaignItems::CampaignId))
                .col(integer(CampaignItems::Position))
                .col(string_len(CampaignItems::Title, 200))
                .col(text(CampaignItems::Description).default(""))
                .col(string_len(CampaignItems::Priority, 20))
                .col(boolean(CampaignItems::Blocking))
                .foreign_key(
                    ForeignKey::create()
                        .from(CampaignItems::Table, CampaignItems::CampaignId)
                        .to(Campaigns::Table, Campaigns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_campaign_items_campaign")
                .table(CampaignItems::Table)
                .col(CampaignItems::CampaignId)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(CampaignProjects::Table)
                .col(integer(CampaignProjects::CampaignId))
                .col(integer(CampaignProjects::ProjectId))
                .col(timestamp_with_time_zone(CampaignProjects::AddedAt))
                .primary_key(
                    Index::create()
                        .col(CampaignProjects::CampaignId)
                        .col(CampaignProjects::ProjectId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CampaignProjects::Table, CampaignProjects::CampaignId)
                        .to(Campaigns::Table, Campaigns::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(CampaignProjects::Table, CampaignProjects::ProjectId)
                        .to(Projects::Table, Projects::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_campaign_projects_project")
                .table(CampaignProjects::Table)
                .col(CampaignProjects::ProjectId)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_campaign_tables(manager).await?;
        // The campaign item an item was added for (no foreign key: SQLite cannot add one to an
        // existing table; a deleted campaign leaves its items, unlinked by the service).
        manager
            .alter_table(
                Table::alter()
                    .table(Items::Table)
                    .add_column(integer_null(Items::CampaignItemId))
                    .to_owned(),
            )
            .await?;
        // At most one item per campaign item in a project (NULLs are distinct in both
        // databases, so unlinked items are not constrained).
        manager
            .create_index(
                Index::create()
                    .name("idx_items_campaign_item")
                    .table(Items::Table)
                    .col(Items::CampaignItemId)
                    .col(Items::ProjectId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_items_campaign_item")
                    .table(Items::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Items::Table)
                    .drop_column(Items::CampaignItemId)
                    .to_owned(),
            )
            .await?;
        for table in [
            CampaignProjects::Table.into_iden(),
            CampaignItems::Table.into_iden(),
            Campaigns::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Campaigns {
    Table,
    Id,
    Name,
    Description,
    TeamId,
    Category,
    Deadline,
    State,
    CreatedBy,
    CreatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum CampaignItems {
    Table,
    Id,
    CampaignId,
    Position,
    Title,
    Description,
    Priority,
    Blocking,
}

#[derive(DeriveIden)]
enum CampaignProjects {
    Table,
    CampaignId,
    ProjectId,
    AddedAt,
}

#[derive(DeriveIden)]
enum Teams {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Items {
    Table,
    ProjectId,
    CampaignItemId,
}
