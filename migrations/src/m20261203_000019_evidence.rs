//! Evidence with a life: who or what vouched for a done item and until when, checks that measure
//! items (and their last runs), and evidence files.
//!
//! Files live in the database, not under a data directory: several `preflight serve` processes
//! share one database but not one disk, and a file then goes with the database's backups and
//! transactions (an upload over the quota stores nothing).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// SQLite alters one column per statement.
async fn add(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    col: ColumnDef,
) -> Result<(), DbErr> {
    let mut col = col;
    manager
        .alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
        .await
}

async fn drop(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    col: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(col).to_owned())
        .await
}

/// Who vouched for a done item and until when; categories' "valid for".
async fn evidence_columns(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    // `attested` (a person), `measured` (a probe) or `ci` (a pipeline); NULL while not done.
    add(
        manager,
        Items::Table,
        string_len_null(Items::EvidenceKind, 16),
    )
    .await?;
    add(
        manager,
        Items::Table,
        timestamp_with_time_zone_null(Items::EvidenceAt),
    )
    .await?;
    add(manager, Items::Table, integer_null(Items::EvidenceBy)).await?;
    // The item's own "valid for" (days); NULL: its category's.
    add(manager, Items::Table, integer_null(Items::ValidForDays)).await?;
    // The last day the evidence holds; NULL: it does not expire.
    add(manager, Items::Table, date_null(Items::EvidenceUntil)).await?;
    add(
        manager,
        Categories::Table,
        integer_null(Categories::ValidForDays),
    )
    .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_items_evidence_until")
                .table(Items::Table)
                .col(Items::EvidenceUntil)
                .to_owned(),
        )
        .await?;
    Ok(())
}

/// Checks and their runs.
async fn checks(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(Checks::Table)
                .col(pk_auto(Checks::Id))
                .col(integer(Checks::ProjectId))
                .col(integer(Checks::ItemId))
                // `http`, `tls`, `dns` or `ci`.
                .col(string_len(Checks::Kind, 16))
                // A CI check's key (unique in its project); NULL for probes.
                .col(string_len_null(Checks::Key, 100))
                // The probe's settings (JSON).
                .col(text(Checks::Config))
                .col(integer(Checks::IntervalSeconds))
                // A CI check without a result for this long is stale.
                .col(integer_null(Checks::TtlSeconds))
                .col(boolean(Checks::Enabled).default(true))
                // `pass`, `fail` or `stale`; NULL before its first result.
                .col(string_len_null(Checks::LastState, 16))
                .col(timestamp_with_time_zone_null(Checks::LastRunAt))
                .col(timestamp_with_time_zone_null(Checks::NextRunAt))
                .col(integer_null(Checks::CreatedBy))
                .col(timestamp_with_time_zone(Checks::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Checks::Table, Checks::ProjectId)
                        .to(Projects::Table, Projects::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Checks::Table, Checks::ItemId)
                        .to(Items::Table, Items::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_checks_project_key")
                .table(Checks::Table)
                .col(Checks::ProjectId)
                .col(Checks::Key)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_checks_item")
                .table(Checks::Table)
                .col(Checks::ItemId)
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(CheckRuns::Table)
                .col(pk_auto(CheckRuns::Id))
                .col(integer(CheckRuns::CheckId))
                .col(boolean(CheckRuns::Ok))
                .col(string_len(CheckRuns::Summary, 1000))
                .col(string_len(CheckRuns::Url, 2000))
                .col(integer_null(CheckRuns::LatencyMs))
                .col(timestamp_with_time_zone(CheckRuns::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(CheckRuns::Table, CheckRuns::CheckId)
                        .to(Checks::Table, Checks::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_check_runs_check")
                .table(CheckRuns::Table)
                .col(CheckRuns::CheckId)
                .col(CheckRuns::Id)
                .to_owned(),
        )
        .await?;
    Ok(())
}

/// Evidence files and their contents.
async fn files(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table(FileContents::Table)
                .col(string_len(FileContents::Sha256, 64).primary_key())
                .col(blob(FileContents::Bytes))
                .to_owned(),
        )
        .await?;
    manager
        .create_table(
            Table::create()
                .table(EvidenceFiles::Table)
                .col(pk_auto(EvidenceFiles::Id))
                .col(integer(EvidenceFiles::ProjectId))
                .col(integer(EvidenceFiles::ItemId))
                .col(string_len(EvidenceFiles::Name, 255))
                .col(string_len(EvidenceFiles::ContentType, 100))
                .col(big_integer(EvidenceFiles::Size))
                .col(string_len(EvidenceFiles::Sha256, 64))
                .col(integer_null(EvidenceFiles::UploadedBy))
                .col(timestamp_with_time_zone(EvidenceFiles::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(EvidenceFiles::Table, EvidenceFiles::ProjectId)
                        .to(Projects::Table, Projects::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(EvidenceFiles::Table, EvidenceFiles::ItemId)
                        .to(Items::Table, Items::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_evidence_files_item")
                .table(EvidenceFiles::Table)
                .col(EvidenceFiles::ItemId)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_evidence_files_project")
                .table(EvidenceFiles::Table)
                .col(EvidenceFiles::ProjectId)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("idx_evidence_files_sha")
                .table(EvidenceFiles::Table)
                .col(EvidenceFiles::Sha256)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        evidence_columns(manager).await?;
        checks(manager).await?;
        files(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EvidenceFiles::Table.into_iden(),
            FileContents::Table.into_iden(),
            CheckRuns::Table.into_iden(),
            Checks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_items_evidence_until")
                    .table(Items::Table)
                    .to_owned(),
            )
            .await?;
        drop(manager, Categories::Table, Categories::ValidForDays).await?;
        for col in [
            Items::EvidenceUntil,
            Items::ValidForDays,
            Items::EvidenceBy,
            Items::EvidenceAt,
            Items::EvidenceKind,
        ] {
            drop(manager, Items::Table, col).await?;
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
    ValidForDays,
}

#[derive(DeriveIden)]
enum Items {
    Table,
    Id,
    EvidenceKind,
    EvidenceAt,
    EvidenceBy,
    ValidForDays,
    EvidenceUntil,
}

#[derive(DeriveIden)]
enum Checks {
    Table,
    Id,
    ProjectId,
    ItemId,
    Kind,
    Key,
    Config,
    IntervalSeconds,
    TtlSeconds,
    Enabled,
    LastState,
    LastRunAt,
    NextRunAt,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CheckRuns {
    Table,
    Id,
    CheckId,
    Ok,
    Summary,
    Url,
    LatencyMs,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FileContents {
    Table,
    Sha256,
    Bytes,
}

#[derive(DeriveIden)]
enum EvidenceFiles {
    Table,
    Id,
    ProjectId,
    ItemId,
    Name,
    ContentType,
    Size,
    Sha256,
    UploadedBy,
    CreatedAt,
}
