//! Connecting to the database and migrating it.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Connects to `url` (PostgreSQL or SQLite) with a pool sized for this machine.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(16)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        // A request waits at most this long for a connection: while the database is down or
        // restarting, requests fail fast with 503 instead of piling up.
        .acquire_timeout(Duration::from_secs(3))
        .sqlx_logging(false)
        // SQLite runs on a worker thread that hands rows to the request's task through a
        // bounded channel (50 rows by default), so a 1,000-item read used to bounce between the
        // two threads every few rows. A deeper buffer lets the worker finish the read in one go.
        .map_sqlx_sqlite_opts(|o| o.row_buffer_size(4096))
        // A connection whose transaction could not be ended is not handed out again. When a
        // COMMIT fails (the disk full), SQLite may have rolled the transaction back itself, so
        // the pool's ROLLBACK fails too and the driver still counts the transaction as open:
        // every later `BEGIN` on that connection became a savepoint of a transaction that no
        // longer exists, and writes were refused until a restart (found by the reliability
        // battery's disk-full scenario). Such a connection is closed and replaced instead.
        .map_sqlx_sqlite_pool_opts(|o| {
            o.before_acquire(|conn, _meta| {
                Box::pin(async move {
                    use sea_orm::sqlx::Connection;
                    Ok(!conn.is_in_transaction())
                })
            })
        });
    let db = Database::connect(opts).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers proceed during a write; the setting is stored in the file. (sqlx
        // already turns foreign keys on for every SQLite connection.)
        db.execute_unprepared("PRAGMA journal_mode=WAL;").await?;
    }
    Ok(db)
}

/// Migrates the database at `url` over a connection of its own, closes it, then opens the pool:
/// every pooled connection reads the schema as the migrations left it. (A SQLite connection
/// that read the schema while the migrations ran can keep an old copy for statements it
/// prepares: `ON CONFLICT` then finds no unique index.)
pub async fn open(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.max_connections(1)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false);
    let single = Database::connect(opts).await?;
    migrate(&single).await?;
    single.close().await?;
    connect(url).await
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
