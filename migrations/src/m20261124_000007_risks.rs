//! Risk register: a matrix per project (absent: the default 5×5), risks, and the checklist
//! items that mitigate them.

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
                    .table(RiskMatrices::Table)
                    .col(integer(RiskMatrices::ProjectId).primary_key())
                    // JSON: {"likelihood": [labels], "impact": [labels], "levels": [[level]]}
                    .col(text(RiskMatrices::Spec))
                    .col(integer(RiskMatrices::Version).default(1))
                    .col(timestamp_with_time_zone(RiskMatrices::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(RiskMatrices::Table, RiskMatrices::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Risks::Table)
                    .col(pk_auto(Risks::Id))
                    .col(integer(Risks::ProjectId))
                    .col(integer_null(Risks::CategoryId))
                    .col(string_len(Risks::Title, 200))
                    .col(text(Risks::Description).default(""))
                    .col(integer_null(Risks::OwnerId))
                    // open | mitigating | accepted | closed
                    .col(string_len(Risks::Status, 16))
                    .col(integer(Risks::Likelihood))
                    .col(integer(Risks::Impact))
                    .col(integer(Risks::TargetLikelihood))
                    .col(integer(Risks::TargetImpact))
                    .col(integer(Risks::Version).default(1))
                    .col(integer_null(Risks::UpdatedBy))
                    .col(timestamp_with_time_zone(Risks::CreatedAt))
                    .col(timestamp_with_time_zone(Risks::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Risks::Table, Risks::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Risks::Table, Risks::CategoryId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Risks::Table, Risks::OwnerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_risks_project")
                    .table(Risks::Table)
                    .col(Risks::ProjectId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RiskItems::Table)
                    .col(integer(RiskItems::RiskId))
                    .col(integer(RiskItems::ItemId))
                    .primary_key(
                        Index::create()
                            .col(RiskItems::RiskId)
                            .col(RiskItems::ItemId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RiskItems::Table, RiskItems::RiskId)
                            .to(Risks::Table, Risks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(RiskItems::Table, RiskItems::ItemId)
                            .to(Items::Table, Items::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_risk_items_item")
                    .table(RiskItems::Table)
                    .col(RiskItems::ItemId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RiskItems::Table.into_iden(),
            Risks::Table.into_iden(),
            RiskMatrices::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Items {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RiskMatrices {
    Table,
    ProjectId,
    Spec,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Risks {
    Table,
    Id,
    ProjectId,
    CategoryId,
    Title,
    Description,
    OwnerId,
    Status,
    Likelihood,
    Impact,
    TargetLikelihood,
    TargetImpact,
    Version,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum RiskItems {
    Table,
    RiskId,
    ItemId,
}
