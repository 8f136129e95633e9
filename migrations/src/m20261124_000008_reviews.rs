//! Reviews: drafts, then final reviews frozen as a versioned JSON snapshot that is never
//! rewritten; owners' sign-offs in their own table, so signing never touches the review.

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
                    .table(Reviews::Table)
                    .col(pk_auto(Reviews::Id))
                    .col(integer(Reviews::ProjectId))
                    .col(string_len(Reviews::Title, 200))
                    .col(string_len(Reviews::Reviewer, 120).default(""))
                    .col(date(Reviews::ReviewDate))
                    .col(string_len(Reviews::VersionLabel, 60).default(""))
                    .col(text(Reviews::Summary).default(""))
                    // draft | final
                    .col(string_len(Reviews::Status, 16))
                    .col(integer_null(Reviews::PreviousId))
                    // Versioned JSON (`format_version`), written once when finalized.
                    .col(text_null(Reviews::Snapshot))
                    // Copies of the snapshot's overall and verdict, for lists.
                    .col(integer_null(Reviews::Overall))
                    .col(string_len_null(Reviews::Verdict, 16))
                    .col(timestamp_with_time_zone_null(Reviews::FinalizedAt))
                    .col(integer_null(Reviews::FinalizedBy))
                    .col(integer(Reviews::Version).default(1))
                    .col(integer_null(Reviews::CreatedBy))
                    .col(timestamp_with_time_zone(Reviews::CreatedAt))
                    .col(timestamp_with_time_zone(Reviews::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Reviews::Table, Reviews::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Reviews::Table, Reviews::PreviousId)
                            .to(Reviews::Table, Reviews::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Reviews::Table, Reviews::FinalizedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Reviews::Table, Reviews::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reviews_project_status")
                    .table(Reviews::Table)
                    .col(Reviews::ProjectId)
                    .col(Reviews::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReviewSignoffs::Table)
                    .col(pk_auto(ReviewSignoffs::Id))
                    .col(integer(ReviewSignoffs::ReviewId))
                    .col(integer_null(ReviewSignoffs::UserId))
                    .col(string_len(ReviewSignoffs::Name, 120))
                    .col(text(ReviewSignoffs::Comment).default(""))
                    .col(timestamp_with_time_zone(ReviewSignoffs::SignedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReviewSignoffs::Table, ReviewSignoffs::ReviewId)
                            .to(Reviews::Table, Reviews::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReviewSignoffs::Table, ReviewSignoffs::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_review_signoffs_review_user")
                    .table(ReviewSignoffs::Table)
                    .col(ReviewSignoffs::ReviewId)
                    .col(ReviewSignoffs::UserId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReviewSignoffs::Table.into_iden(),
            Reviews::Table.into_iden(),
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
enum Reviews {
    Table,
    Id,
    ProjectId,
    Title,
    Reviewer,
    ReviewDate,
    VersionLabel,
    Summary,
    Status,
    PreviousId,
    Snapshot,
    Overall,
    Verdict,
    FinalizedAt,
    FinalizedBy,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ReviewSignoffs {
    Table,
    Id,
    ReviewId,
    UserId,
    Name,
    Comment,
    SignedAt,
}
