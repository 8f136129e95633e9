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

/// Writes `row`'s changed columns only if the row is still at `version` in `column`: `None`
/// when someone changed it since it was read (the caller reports a conflict), never a silent
/// overwrite. For writes that read a row, decide, then write it back (imports, resizes).
pub async fn update_at_version<A, C>(
    db: &impl sea_orm::ConnectionTrait,
    row: A,
    column: C,
    version: i32,
) -> Result<Option<<A::Entity as sea_orm::EntityTrait>::Model>, DbErr>
where
    A: sea_orm::ActiveModelTrait,
    C: sea_orm::ColumnTrait,
    <A::Entity as sea_orm::EntityTrait>::Model: sea_orm::IntoActiveModel<A>,
{
    use sea_orm::{EntityTrait, QueryFilter};
    match <A::Entity as EntityTrait>::update(row)
        .validate()?
        .filter(column.eq(version))
        .exec(db)
        .await
    {
        Ok(model) => Ok(Some(model)),
        Err(DbErr::RecordNotUpdated) => Ok(None),
        Err(e) => Err(e),
    }
}
