//! Write transactions.

use sea_orm::{DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait};

/// Starts a transaction that will write. On SQLite it takes the write lock at `BEGIN
/// IMMEDIATE`, waiting for a concurrent writer up to the busy timeout: a deferred transaction
/// that reads and then writes fails at once with "database is locked" when another write got
/// in between (found by fuzzing the REST API with two clients). Elsewhere it is a plain
/// `BEGIN`; inside a transaction, a savepoint.
pub async fn begin<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
