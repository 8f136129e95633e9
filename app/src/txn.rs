//! Write transactions, and the one versioned write (change a row only at the version its
//! writer read, with its audit event).

use sea_orm::{DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait};

use crate::{
    audit::service::{Actor, Event, record},
    entities,
    error::AppError,
    teams::people::display_name,
};

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

/// A table whose rows carry a `version` that every change bumps (optimistic concurrency).
pub trait Versioned: sea_orm::EntityTrait {
    /// What a conflict message calls a row ("item", "risk").
    const WHAT: &'static str;
    /// The primary key column.
    fn id_column() -> Self::Column;
    /// The version column.
    fn version_column() -> Self::Column;
    /// Who changed the row last, where the table keeps it.
    fn last_editor(_row: &Self::Model) -> Option<i32> {
        None
    }
}

/// The one versioned write: applies `changes` to row `id` only if it is still at `version`,
/// bumps the version, reads the row back and records `event(&after)` in the caller's
/// transaction. `Ok(None)` when someone changed (or deleted) the row since it was read;
/// nothing is written then.
pub async fn try_save<E: Versioned>(
    txn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    id: i32,
    version: i32,
    changes: sea_orm::UpdateMany<E>,
    event: impl FnOnce(&E::Model) -> Event,
) -> Result<Option<E::Model>, AppError> {
    use sea_orm::{
        ColumnTrait, QueryFilter,
        sea_query::{Expr, ExprTrait},
    };
    let res = changes
        .col_expr(E::version_column(), Expr::col(E::version_column()).add(1))
        .filter(E::id_column().eq(id))
        .filter(E::version_column().eq(version))
        .exec(txn)
        .await?;
    if res.rows_affected == 0 {
        return Ok(None);
    }
    let after = E::find()
        .filter(E::id_column().eq(id))
        .one(txn)
        .await?
        .ok_or(AppError::NotFound)?;
    record(txn, actor, event(&after)).await?;
    Ok(Some(after))
}

/// [`try_save`], with a stale write refused: 409 naming who changed the row, where the
/// table records it.
pub async fn save<E: Versioned>(
    txn: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    id: i32,
    version: i32,
    changes: sea_orm::UpdateMany<E>,
    event: impl FnOnce(&E::Model) -> Event,
) -> Result<E::Model, AppError> {
    match try_save(txn, actor, id, version, changes, event).await? {
        Some(after) => Ok(after),
        None => Err(stale::<E>(txn, id).await?),
    }
}

/// The conflict for a write to row `id` that found it changed.
pub async fn stale<E: Versioned>(
    db: &impl sea_orm::ConnectionTrait,
    id: i32,
) -> Result<AppError, AppError> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let by = E::find()
        .filter(E::id_column().eq(id))
        .one(db)
        .await?
        .and_then(|row| E::last_editor(&row));
    Ok(AppError::stale(E::WHAT, display_name(db, by).await?))
}

macro_rules! versioned {
    ($($entity:ident: $what:literal $(, editor $editor:ident)?;)*) => {$(
        impl Versioned for entities::$entity::Entity {
            const WHAT: &'static str = $what;
            fn id_column() -> Self::Column {
                entities::$entity::Column::Id
            }
            fn version_column() -> Self::Column {
                entities::$entity::Column::Version
            }
            $(fn last_editor(row: &Self::Model) -> Option<i32> {
                row.$editor
            })?
        }
    )*};
}

versioned! {
    items: "item", editor updated_by;
    risks: "risk", editor updated_by;
    categories: "category";
    projects: "project";
    reviews: "review";
    phases: "phase";
}
