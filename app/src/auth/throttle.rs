//! Login throttling. Failed sign-ins are counted in the database per account (the normalised
//! email, whether or not such an account exists, so the answer never reveals it) and per client
//! address. Past a number of free attempts each further failure locks the key for a growing
//! time. A locked key refuses sign-in without checking the password. Each attempt is counted
//! before its password is checked ([`reserve`]), so parallel attempts cannot outrun the count. A
//! successful sign-in clears the account's counter and gives its attempt back to the address
//! counter, which otherwise only decays.

use std::{net::IpAddr, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter, QuerySelect, sea_query::Expr,
};

use crate::{entities::login_throttle, error::AppError};

/// How many failures are free and how long locks last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures per account before it is locked.
    pub account_free: i32,
    /// Failures per client address before it is locked.
    pub address_free: i32,
    /// The first lock; each further failure doubles it.
    pub base_lock: Duration,
    /// The longest lock.
    pub max_lock: Duration,
    /// A counter with no failure for this long starts again from zero.
    pub forget_after: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account_free: 5,
            address_free: 20,
            base_lock: Duration::from_secs(30),
            max_lock: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(24 * 3600),
        }
    }
}

impl ThrottlePolicy {
    /// The lock after the `failures`-th failure when `free` are allowed, if any.
    pub fn lock_for(&self, failures: i32, free: i32) -> Option<Duration> {
        let over = failures.checked_sub(free)?;
        if over < 0 {
            return None;
        }
        let factor = 1u32.checked_shl(u32::try_from(over).unwrap_or(u32::MAX).min(20))?;
        Some(self.base_lock.saturating_mul(factor).min(self.max_lock))
    }
}

/// The keys one sign-in attempt is counted under.
#[derive(Clone, Debug)]
pub struct AttemptKeys {
    account: String,
    address: Option<String>,
}

impl AttemptKeys {
    /// Keys for the normalised `email` from `address` (none when the address is unknown).
    ///
    /// An IPv6 client is counted by its /64, the block one host or one customer usually holds
    /// (every address in it would otherwise be a fresh key, and a fresh row); an IPv4-mapped
    /// IPv6 address counts as its IPv4 address.
    pub fn new(email: &str, address: Option<IpAddr>) -> Self {
        AttemptKeys {
            account: format!("account:{email}"),
            address: address.map(|a| match a.to_canonical() {
                IpAddr::V4(v4) => format!("ip:{v4}"),
                IpAddr::V6(v6) => {
                    let net = u128::from(v6) & !(u128::MAX >> 64);
                    format!("ip:{}/64", std::net::Ipv6Addr::from(net))
                }
            }),
        }
    }

    fn both(&self) -> impl Iterator<Item = (&str, bool)> {
        std::iter::once((self.account.as_str(), true))
            .chain(self.address.as_deref().map(|a| (a, false)))
    }
}

fn retry_after(until: DateTime<Utc>, now: DateTime<Utc>) -> u64 {
    u64::try_from((until - now).num_seconds())
        .unwrap_or(0)
        .max(1)
}

/// A sign-in attempt counted before its password is checked (see [`reserve`]).
#[derive(Debug)]
#[must_use]
pub struct Reservation {
    /// The lock this attempt set, in seconds, if it was the one that reached a limit.
    pub locked: Option<u64>,
    /// This attempt locked the address (undone if the password proves right).
    address_locked: bool,
}

/// Counts a sign-in attempt under both keys *before* its password is checked, or refuses it
/// (`TooManyAttempts`) when either key is locked now, counting nothing.
///
/// Checking, then verifying (argon2 is slow on purpose), then counting would let any number of
/// parallel attempts through the same check. Here the keys' rows are locked for the reservation
/// (PostgreSQL: `SELECT … FOR UPDATE`; SQLite: the write lock `BEGIN IMMEDIATE` takes), so
/// attempts on a key are counted one after another, and the attempt that reaches a limit sets
/// the lock before any later one reads it: at most the allowed number of passwords is checked
/// per window, whatever the concurrency. A right password gives its reservation back
/// ([`release`]).
pub async fn reserve(
    db: &DatabaseConnection,
    policy: &ThrottlePolicy,
    keys: &AttemptKeys,
    now: DateTime<Utc>,
) -> Result<Reservation, AppError> {
    let txn = crate::txn::begin(db).await?;
    let mut rows = Vec::with_capacity(2);
    for (key, is_account) in keys.both() {
        login_throttle::Entity::insert(login_throttle::ActiveModel {
            key: Set(key.to_owned()),
            failures: Set(0),
            last_failure_at: Set(now),
            locked_until: Set(None),
        })
        .on_conflict_do_nothing_on([login_throttle::Column::Key])
        .exec(&txn)
        .await?;
        let row = login_throttle::Entity::find_by_id(key)
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::internal("login throttle", "row vanished"))?;
        if let Some(until) = row.locked_until.filter(|u| *u > now) {
            // Refused without a password check: nothing is counted (the rollback also drops
            // any row this made).
            txn.rollback().await?;
            return Err(AppError::TooManyAttempts(retry_after(until, now)));
        }
        rows.push((row, is_account));
    }
    let forget = chrono::Duration::from_std(policy.forget_after).unwrap_or(chrono::Duration::MAX);
    let mut reservation = Reservation {
        locked: None,
        address_locked: false,
    };
    for (row, is_account) in rows {
        let free = if is_account {
            policy.account_free
        } else {
            policy.address_free
        };
        let failures = if row.failures > 0 && now - row.last_failure_at < forget {
            row.failures.saturating_add(1)
        } else {
            1
        };
        let locked_until = policy
            .lock_for(failures, free)
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .map(|d| now + d);
        if let Some(until) = locked_until {
            reservation.locked = reservation.locked.max(Some(retry_after(until, now)));
            reservation.address_locked |= !is_account;
        }
        let mut row = row.into_active_model();
        row.failures = Set(failures);
        row.last_failure_at = Set(now);
        row.locked_until = Set(locked_until);
        row.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(reservation)
}

/// A successful sign-in: clears the account's counter and gives back the address's reserved
/// attempt (the address counter otherwise only decays).
pub async fn release(
    db: &impl ConnectionTrait,
    keys: &AttemptKeys,
    reservation: Reservation,
) -> Result<(), AppError> {
    use sea_orm::sea_query::ExprTrait;
    login_throttle::Entity::delete_by_id(keys.account.as_str())
        .exec(db)
        .await?;
    if let Some(address) = keys.address.as_deref() {
        let mut update = login_throttle::Entity::update_many()
            .col_expr(
                login_throttle::Column::Failures,
                Expr::col(login_throttle::Column::Failures).sub(1),
            )
            .filter(login_throttle::Column::Key.eq(address))
            .filter(login_throttle::Column::Failures.gt(0));
        if reservation.address_locked {
            update = update.col_expr(
                login_throttle::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            );
        }
        update.exec(db).await?;
    }
    Ok(())
}

/// Deletes the counters nobody needs any more: no failure for `forget_after` (they would start
/// again from zero) and no lock still running. Run hourly by `preflight serve`, so failed
/// sign-ins cannot grow the table without bound.
pub async fn purge(
    db: &impl ConnectionTrait,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    use sea_orm::sea_query::ExprTrait;
    let forget = chrono::Duration::from_std(policy.forget_after).unwrap_or(chrono::Duration::MAX);
    let Some(before) = now.checked_sub_signed(forget) else {
        return Ok(0);
    };
    let done = login_throttle::Entity::delete_many()
        .filter(login_throttle::Column::LastFailureAt.lt(before))
        .filter(
            login_throttle::Column::LockedUntil
                .is_null()
                .or(login_throttle::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        let key = |a: &str| {
            AttemptKeys::new(
                "a@example.com",
                Some(a.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))),
            )
            .address
        };
        assert_eq!(
            key("2001:db8:1:2::1"),
            Some("ip:2001:db8:1:2::/64".to_owned())
        );
        assert_eq!(
            key("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            key("2001:db8:1:2::1")
        );
        assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
        assert_eq!(key("192.0.2.7"), Some("ip:192.0.2.7".to_owned()));
        assert_eq!(key("::ffff:192.0.2.7"), key("192.0.2.7"));
        assert_eq!(AttemptKeys::new("a@example.com", None).address, None);
    }

    #[test]
    fn locks_start_after_the_free_attempts_and_double_up_to_the_cap() {
        let p = ThrottlePolicy::default();
        assert_eq!(p.lock_for(4, 5), None);
        assert_eq!(p.lock_for(5, 5), Some(Duration::from_secs(30)));
        assert_eq!(p.lock_for(6, 5), Some(Duration::from_secs(60)));
        assert_eq!(p.lock_for(7, 5), Some(Duration::from_secs(120)));
        assert_eq!(p.lock_for(50, 5), Some(Duration::from_secs(15 * 60)));
        assert_eq!(p.lock_for(i32::MAX, 5), Some(Duration::from_secs(15 * 60)));
    }
}
