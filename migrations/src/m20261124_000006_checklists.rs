//! Checklists: categories, items and their comments; projects gain the evidence rule.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    // Longer than 120 lines: the schema of the checklist tables, read as one.
    #[allow(clippy::too_many_lines)]
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Projects::Table)
                    .add_column(boolean(Projects::EvidenceRequired).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(pk_auto(Categories::Id))
                    .col(integer(Categories::ProjectId))
                    .col(string_len(Categories::Name, 120))
                    .col(integer(Categories::Position))
                    .col(integer(Categories::Weight).default(1))
                    .col(integer_null(Categories::AssessorScore))
                    .col(text(Categories::AssessorNote).default(""))
                    .col(integer(Categories::Version).default(1))
                    .col(timestamp_with_time_zone(Categories::CreatedAt))
                    .col(timestamp_with_time_zone(Categories::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Categories::Table, Categories::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_categories_project_position")
                    .table(Categories::Table)
                    .col(Categories::ProjectId)
                    .col(Categories::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Items::Table)
                    .col(pk_auto(Items::Id))
                    .col(integer(Items::ProjectId))
                    .col(integer(Items::CategoryId))
                    .col(string_len(Items::Title, 200))
                    .col(text(Items::Description).default(""))
                    // critical | high | medium | low
                    .col(string_len(Items::Priority, 16))
                    .col(boolean(Items::Blocking))
                    // open | in_progress | done | not_applicable | accepted_risk
                    .col(string_len(Items::Status, 16))
                    .col(text(Items::StatusReason).default(""))
                    .col(date_null(Items::AcceptedUntil))
                    .col(integer_null(Items::AssigneeId))
                    .col(date_null(Items::DueDate))
                    .col(double_null(Items::EffortHours))
                    .col(string_len(Items::EvidenceUrl, 2000).default(""))
                    .col(text(Items::EvidenceText).default(""))
                    .col(integer_null(Items::ClosedBy))
                    .col(timestamp_with_time_zone_null(Items::ClosedAt))
                    .col(integer(Items::Position))
                    .col(integer(Items::Version).default(1))
                    .col(integer_null(Items::UpdatedBy))
                    .col(timestamp_with_time_zone(Items::CreatedAt))
                    .col(timestamp_with_time_zone(Items::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Items::Table, Items::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Items::Table, Items::CategoryId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Items::Table, Items::AssigneeId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_items_project", vec![Items::ProjectId]),
            (
                "idx_items_category_position",
                vec![Items::CategoryId, Items::Position],
            ),
            ("idx_items_assignee", vec![Items::AssigneeId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Items::Table);
            for c in cols {
                index.col(c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(ItemComments::Table)
                    .col(pk_auto(ItemComments::Id))
                    .col(integer(ItemComments::ItemId))
                    .col(integer_null(ItemComments::AuthorId))
                    .col(text(ItemComments::Body))
                    .col(timestamp_with_time_zone(ItemComments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ItemComments::Table, ItemComments::ItemId)
                            .to(Items::Table, Items::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ItemComments::Table, ItemComments::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_item_comments_item")
                    .table(ItemComments::Table)
                    .col(ItemComments::ItemId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ItemComments::Table.into_iden(),
            Items::Table.into_iden(),
            Categories::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Projects::Table)
                    .drop_column(Projects::EvidenceRequired)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
    EvidenceRequired,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    ProjectId,
    Name,
    Position,
    Weight,
    AssessorScore,
    AssessorNote,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Items {
    Table,
    Id,
    ProjectId,
    CategoryId,
    Title,
    Description,
    Priority,
    Blocking,
    Status,
    StatusReason,
    AcceptedUntil,
    AssigneeId,
    DueDate,
    EffortHours,
    EvidenceUrl,
    EvidenceText,
    ClosedBy,
    ClosedAt,
    Position,
    Version,
    UpdatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ItemComments {
    Table,
    Id,
    ItemId,
    AuthorId,
    Body,
    CreatedAt,
}
