//! Team webhooks: where a team's events are posted, each message to send, and every attempt at
//! sending it (the delivery log).

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
                    .table(Webhooks::Table)
                    .col(pk_auto(Webhooks::Id))
                    .col(integer(Webhooks::TeamId))
                    .col(string_len(Webhooks::Url, 2000))
                    // The signing secret (`whsec_…`): needed in clear to sign each delivery.
                    .col(string_len(Webhooks::Secret, 100))
                    // Comma-separated event names.
                    .col(string_len(Webhooks::Events, 500))
                    // `standard` (Standard Webhooks JSON) or `slack` (`{"text": …}`).
                    .col(string_len(Webhooks::Format, 16))
                    .col(boolean(Webhooks::Active).default(true))
                    .col(integer_null(Webhooks::CreatedBy))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Webhooks::Table, Webhooks::TeamId)
                            .to(Teams::Table, Teams::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookMessages::Table)
                    .col(pk_auto(WebhookMessages::Id))
                    .col(integer(WebhookMessages::WebhookId))
                    // `webhook-id`: the same for every attempt and for "send again".
                    .col(string_len(WebhookMessages::MsgId, 64))
                    .col(string_len(WebhookMessages::Event, 64))
                    // The event's data (JSON) and its sentence (the Slack text).
                    .col(text(WebhookMessages::Data))
                    .col(text(WebhookMessages::Text))
                    // `pending`, `delivered` or `failed`.
                    .col(string_len(WebhookMessages::State, 16))
                    .col(timestamp_with_time_zone(WebhookMessages::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookMessages::Table, WebhookMessages::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_messages_webhook")
                    .table(WebhookMessages::Table)
                    .col(WebhookMessages::WebhookId)
                    .col(WebhookMessages::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookAttempts::Table)
                    .col(pk_auto(WebhookAttempts::Id))
                    .col(integer(WebhookAttempts::MessageId))
                    .col(boolean(WebhookAttempts::Ok))
                    .col(integer_null(WebhookAttempts::StatusCode))
                    .col(integer(WebhookAttempts::DurationMs))
                    .col(string_len(WebhookAttempts::Error, 500))
                    .col(timestamp_with_time_zone(WebhookAttempts::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookAttempts::Table, WebhookAttempts::MessageId)
                            .to(WebhookMessages::Table, WebhookMessages::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_attempts_message")
                    .table(WebhookAttempts::Table)
                    .col(WebhookAttempts::MessageId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            WebhookAttempts::Table.into_iden(),
            WebhookMessages::Table.into_iden(),
            Webhooks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    TeamId,
    Url,
    Secret,
    Events,
    Format,
    Active,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookMessages {
    Table,
    Id,
    WebhookId,
    MsgId,
    Event,
    Data,
    Text,
    State,
    CreatedAt,
}

#[derive(DeriveIden)]
enum WebhookAttempts {
    Table,
    Id,
    MessageId,
    Ok,
    StatusCode,
    DurationMs,
    Error,
    At,
}
