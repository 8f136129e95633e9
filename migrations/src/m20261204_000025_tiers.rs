//! Launch tiers: site-wide levels of scrutiny ("Tier 1: customer-facing, revenue" … "Tier 3:
//! internal experiment"), each naming the template sections, sign-off groups and readiness
//! threshold it requires. A project picks one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tiers::Table)
                    .col(pk_auto(Tiers::Id))
                    .col(string_len(Tiers::Name, 60))
                    .col(text(Tiers::Description).default(""))
                    .col(integer(Tiers::Position))
                    .col(integer(Tiers::Threshold))
                    // The template sections (category names) it requires, one per line; empty:
                    // all of them.
                    .col(text(Tiers::Sections).default(""))
                    .col(timestamp_with_time_zone(Tiers::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tiers_name")
                    .table(Tiers::Table)
                    .col(Tiers::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TierSignoffGroups::Table)
                    .col(integer(TierSignoffGroups::TierId))
                    .col(integer(TierSignoffGroups::GroupId))
                    .primary_key(
                        Index::create()
                            .col(TierSignoffGroups::TierId)
                            .col(TierSignoffGroups::GroupId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TierSignoffGroups::Table, TierSignoffGroups::TierId)
                            .to(Tiers::Table, Tiers::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(TierSignoffGroups::Table, TierSignoffGroups::GroupId)
                            .to(ReviewerGroups::Table, ReviewerGroups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The project's tier (no foreign key: SQLite cannot add one to an existing table;
        // deleting a tier clears it).
        manager
            .alter_table(
                Table::alter()
                    .table(Projects::Table)
                    .add_column(integer_null(Projects::TierId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Projects::Table)
                    .drop_column(Projects::TierId)
                    .to_owned(),
            )
            .await?;
        for table in [
            TierSignoffGroups::Table.into_iden(),
            Tiers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Tiers {
    Table,
    Id,
    Name,
    Description,
    Position,
    Threshold,
    Sections,
    CreatedAt,
}

#[derive(DeriveIden)]
enum TierSignoffGroups {
    Table,
    TierId,
    GroupId,
}

#[derive(DeriveIden)]
enum ReviewerGroups {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    TierId,
}
