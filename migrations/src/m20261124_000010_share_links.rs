//! Share links: read-only links to a project's live report or to one final review, for
//! stakeholders without an account. Only a SHA-256 hash of the token is stored.

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
                    .table(ShareLinks::Table)
                    .col(pk_auto(ShareLinks::Id))
                    .col(integer(ShareLinks::ProjectId))
                    .col(integer_null(ShareLinks::ReviewId))
                    // Hex SHA-256 of the token.
                    .col(string_len(ShareLinks::TokenHash, 64))
                    .col(string_len(ShareLinks::Label, 120).default(""))
                    .col(integer_null(ShareLinks::CreatedBy))
                    .col(timestamp_with_time_zone(ShareLinks::CreatedAt))
                    .col(timestamp_with_time_zone_null(ShareLinks::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ShareLinks::RevokedAt))
                    .col(timestamp_with_time_zone_null(ShareLinks::LastUsedAt))
                    .col(integer(ShareLinks::Uses).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShareLinks::Table, ShareLinks::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShareLinks::Table, ShareLinks::ReviewId)
                            .to(Reviews::Table, Reviews::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ShareLinks::Table, ShareLinks::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_share_links_token_hash")
                    .table(ShareLinks::Table)
                    .col(ShareLinks::TokenHash)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_share_links_project")
                    .table(ShareLinks::Table)
                    .col(ShareLinks::ProjectId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ShareLinks::Table).to_owned())
            .await
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
}

#[derive(DeriveIden)]
enum ShareLinks {
    Table,
    Id,
    ProjectId,
    ReviewId,
    TokenHash,
    Label,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
    Uses,
}
