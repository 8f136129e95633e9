//! Notifications reach people by more than the inbox: each person's choice per kind of event and
//! channel, their mail settings, what they watch or mute, who created an item (they watch it),
//! whether a notification shows in the inbox and where its mail stands, and the instance's
//! signing keys (unsubscribe links).

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        let add = |table: DynIden, column: ColumnDef| {
            Table::alter().table(table).add_column(column).to_owned()
        };
        for statement in [
            // Shown in the inbox (the person may want a kind by mail only).
            add(
                Notifications::Table.into_iden(),
                boolean(Notifications::Shown).default(true).to_owned(),
            ),
            // Its mail: none (NULL), `queued` (one mail), `digest` (the day's digest), `sent`,
            // `off` (no mail server), `failed`.
            add(
                Notifications::Table.into_iden(),
                string_len_null(Notifications::Mail, 8).to_owned(),
            ),
            // `each` (a mail per notification) or `daily` (one digest a day).
            add(
                Users::Table.into_iden(),
                string_len(UserMail::MailMode, 8).default("each").to_owned(),
            ),
            add(
                Users::Table.into_iden(),
                boolean(UserMail::WeeklyDigest).default(true).to_owned(),
            ),
            // An IANA name (`Europe/Berlin`): when "Monday morning" and "today" are.
            add(
                Users::Table.into_iden(),
                string_len(UserMail::TimeZone, 64).default("UTC").to_owned(),
            ),
            // Who created the item (they watch it unless they mute it); unknown for older items.
            add(
                Items::Table.into_iden(),
                integer_null(Items::CreatedBy).to_owned(),
            ),
        ] {
            manager.alter_table(statement).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(NotificationPrefs::Table)
                    .col(integer(NotificationPrefs::UserId))
                    .col(string_len(NotificationPrefs::Kind, 32))
                    .col(boolean(NotificationPrefs::Inbox))
                    .col(boolean(NotificationPrefs::Email))
                    .primary_key(
                        Index::create()
                            .col(NotificationPrefs::UserId)
                            .col(NotificationPrefs::Kind),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(NotificationPrefs::Table, NotificationPrefs::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        create_watches(manager).await?;
        manager
            .create_table(
                Table::create()
                    .table(InstanceSecrets::Table)
                    .col(string_len(InstanceSecrets::Name, 64).primary_key())
                    .col(string_len(InstanceSecrets::Value, 128))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            InstanceSecrets::Table.into_iden(),
            ItemWatches::Table.into_iden(),
            ProjectWatches::Table.into_iden(),
            NotificationPrefs::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        for (table, column) in [
            (Items::Table.into_iden(), Items::CreatedBy.into_iden()),
            (Users::Table.into_iden(), UserMail::TimeZone.into_iden()),
            (Users::Table.into_iden(), UserMail::WeeklyDigest.into_iden()),
            (Users::Table.into_iden(), UserMail::MailMode.into_iden()),
            (
                Notifications::Table.into_iden(),
                Notifications::Mail.into_iden(),
            ),
            (
                Notifications::Table.into_iden(),
                Notifications::Shown.into_iden(),
            ),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Who watches or mutes which project and item.
async fn create_watches(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(ProjectWatches::Table)
                .col(integer(ProjectWatches::UserId))
                .col(integer(ProjectWatches::ProjectId))
                // Watching (true) or muted (false).
                .col(boolean(ProjectWatches::Watching))
                .primary_key(
                    Index::create()
                        .col(ProjectWatches::UserId)
                        .col(ProjectWatches::ProjectId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProjectWatches::Table, ProjectWatches::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ProjectWatches::Table, ProjectWatches::ProjectId)
                        .to(Projects::Table, Projects::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(ItemWatches::Table)
                .col(integer(ItemWatches::UserId))
                .col(integer(ItemWatches::ItemId))
                .col(boolean(ItemWatches::Watching))
                .primary_key(
                    Index::create()
                        .col(ItemWatches::UserId)
                        .col(ItemWatches::ItemId),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ItemWatches::Table, ItemWatches::UserId)
                        .to(Users::Table, Users::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ItemWatches::Table, ItemWatches::ItemId)
                        .to(Items::Table, Items::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_item_watches_item")
                .table(ItemWatches::Table)
                .col(ItemWatches::ItemId)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_project_watches_project")
                .table(ProjectWatches::Table)
                .col(ProjectWatches::ProjectId)
                .to_owned(),
        )
        .await?;
    Ok(())
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Shown,
    Mail,
}

#[derive(DeriveIden)]
enum UserMail {
    MailMode,
    WeeklyDigest,
    TimeZone,
}

#[derive(DeriveIden)]
enum Items {
    Table,
    Id,
    CreatedBy,
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum NotificationPrefs {
    Table,
    UserId,
    Kind,
    Inbox,
    Email,
}

#[derive(DeriveIden)]
enum ProjectWatches {
    Table,
    UserId,
    ProjectId,
    Watching,
}

#[derive(DeriveIden)]
enum ItemWatches {
    Table,
    UserId,
    ItemId,
    Watching,
}

#[derive(DeriveIden)]
enum InstanceSecrets {
    Table,
    Name,
    Value,
}
