//! Sign-off by discipline: site-wide reviewer groups (SRE, Security, Privacy) with members; a
//! project names the groups whose sign-off it needs, a category the group that owns it; a
//! sign-off may be given on behalf of a group, and records the state it vouched for.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// On whose behalf a sign-off was given (0: the team's owner) and the fingerprint of the state
/// it vouched for ("" for owners); one row per person, group and fingerprint.
async fn signoffs_up(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(ReviewSignoffs::Table)
                .add_column(integer(ReviewSignoffs::GroupId).default(0))
                .to_owned(),
        )
        .await?;
    manager
        .alter_table(
            Table::alter()
                .table(ReviewSignoffs::Table)
                .add_column(string_len(ReviewSignoffs::Scope, 64).default(""))
                .to_owned(),
        )
        .await?;
    manager
        .drop_index(
            Index::drop()
                .name("idx_review_signoffs_review_user")
                .table(ReviewSignoffs::Table)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_review_signoffs_once")
                .table(ReviewSignoffs::Table)
                .col(ReviewSignoffs::ReviewId)
                .col(ReviewSignoffs::UserId)
                .col(ReviewSignoffs::GroupId)
                .col(ReviewSignoffs::Scope)
                .unique()
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ReviewerGroups::Table)
                    .col(pk_auto(ReviewerGroups::Id))
                    .col(string_len(ReviewerGroups::Name, 60))
                    .col(text(ReviewerGroups::Description).default(""))
                    .col(timestamp_with_time_zone(ReviewerGroups::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reviewer_groups_name")
                    .table(ReviewerGroups::Table)
                    .col(ReviewerGroups::Name)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReviewerGroupMembers::Table)
                    .col(integer(ReviewerGroupMembers::GroupId))
                    .col(integer(ReviewerGroupMembers::UserId))
                    .primary_key(
                        Index::create()
                            .col(ReviewerGroupMembers::GroupId)
                            .col(ReviewerGroupMembers::UserId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReviewerGroupMembers::Table, ReviewerGroupMembers::GroupId)
                            .to(ReviewerGroups::Table, ReviewerGroups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ReviewerGroupMembers::Table, ReviewerGroupMembers::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reviewer_group_members_user")
                    .table(ReviewerGroupMembers::Table)
                    .col(ReviewerGroupMembers::UserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProjectSignoffGroups::Table)
                    .col(integer(ProjectSignoffGroups::ProjectId))
                    .col(integer(ProjectSignoffGroups::GroupId))
                    .primary_key(
                        Index::create()
                            .col(ProjectSignoffGroups::ProjectId)
                            .col(ProjectSignoffGroups::GroupId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProjectSignoffGroups::Table, ProjectSignoffGroups::ProjectId)
                            .to(Projects::Table, Projects::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProjectSignoffGroups::Table, ProjectSignoffGroups::GroupId)
                            .to(ReviewerGroups::Table, ReviewerGroups::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_project_signoff_groups_group")
                    .table(ProjectSignoffGroups::Table)
                    .col(ProjectSignoffGroups::GroupId)
                    .to_owned(),
            )
            .await?;
        // The group that owns a category (no foreign key: SQLite cannot add one to an existing
        // table; deleting a group clears it).
        manager
            .alter_table(
                Table::alter()
                    .table(Categories::Table)
                    .add_column(integer_null(Categories::ReviewerGroupId))
                    .to_owned(),
            )
            .await?;
        signoffs_up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_review_signoffs_once")
                    .table(ReviewSignoffs::Table)
                    .to_owned(),
            )
            .await?;
        // Group sign-offs would collide under the old one-per-user index.
        manager
            .exec_stmt(
                Query::delete()
                    .from_table(ReviewSignoffs::Table)
                    .and_where(Expr::col(ReviewSignoffs::GroupId).ne(0))
                    .to_owned(),
            )
            .await?;
        for col in [ReviewSignoffs::Scope, ReviewSignoffs::GroupId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ReviewSignoffs::Table)
                        .drop_column(col)
                        .to_owned(),
                )
                .await?;
        }
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
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Categories::Table)
                    .drop_column(Categories::ReviewerGroupId)
                    .to_owned(),
            )
            .await?;
        for table in [
            ProjectSignoffGroups::Table.into_iden(),
            ReviewerGroupMembers::Table.into_iden(),
            ReviewerGroups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ReviewerGroups {
    Table,
    Id,
    Name,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ReviewerGroupMembers {
    Table,
    GroupId,
    UserId,
}

#[derive(DeriveIden)]
enum ProjectSignoffGroups {
    Table,
    ProjectId,
    GroupId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    ReviewerGroupId,
}

#[derive(DeriveIden)]
enum ReviewSignoffs {
    Table,
    ReviewId,
    UserId,
    GroupId,
    Scope,
}
