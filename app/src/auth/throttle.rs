//! Login throttling. Failed sign-ins are counted in the database per account (the normalised
//! email, whether or not such an account exists, so the answer never reveals it) and per client
//! address. Past a number of free attempts each further failure locks the key for a growing
//! time. A locked key refuses sign-in without checking the password. A successful sign-in clears
//! the account's counter; the address counter only decays.

use std::{net::IpAddr, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, IntoActiveModel};

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
    pub fn new(email: &str, address: Option<IpAddr>) -> Self {
        AttemptKeys {
            account: format!("account:{email}"),
            address: address.map(|a| format!("ip:{a}")),
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

/// `TooManyAttempts` when the account or the address is locked now.
pub async fn check(
    db: &impl ConnectionTrait,
    keys: &AttemptKeys,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for (key, _) in keys.both() {
        if let Some(row) = login_throttle::Entity::find_by_id(key).one(db).await?
            && let Some(until) = row.locked_until.filter(|u| *u > now)
        {
            return Err(AppError::TooManyAttempts(retry_after(until, now)));
        }
    }
    Ok(())
}

/// Counts a failure under both keys; returns the lock it caused, if any, in seconds.
pub async fn record_failure(
    db: &impl ConnectionTrait,
    policy: &ThrottlePolicy,
    keys: &AttemptKeys,
    now: DateTime<Utc>,
) -> Result<Option<u64>, AppError> {
    let forget = chrono::Duration::from_std(policy.forget_after).unwrap_or(chrono::Duration::MAX);
    let mut locked = None;
    for (key, is_account) in keys.both() {
        let free = if is_account {
            policy.account_free
        } else {
            policy.address_free
        };
        let existing = login_throttle::Entity::find_by_id(key).one(db).await?;
        let failures = match &existing {
            Some(row) if now - row.last_failure_at < forget => row.failures.saturating_add(1),
            _ => 1,
        };
        let locked_until = policy
            .lock_for(failures, free)
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .map(|d| now + d);
        if let Some(until) = locked_until {
            locked = locked.max(Some(retry_after(until, now)));
        }
        match existing {
            Some(row) => {
                let mut row = row.into_active_model();
                row.failures = Set(failures);
                row.last_failure_at = Set(now);
                row.locked_until = Set(locked_until);
                row.update(db).await?;
            }
            None => {
                login_throttle::ActiveModel {
                    key: Set(key.to_owned()),
                    failures: Set(failures),
                    last_failure_at: Set(now),
                    locked_until: Set(locked_until),
                }
                .insert(db)
                .await
                .map(|_| ())
                .or_else(|e| match e.sql_err() {
                    // A concurrent first failure inserted the row: that one counts.
                    Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => Ok(()),
                    _ => Err(e),
                })?;
            }
        }
    }
    Ok(locked)
}

/// A successful sign-in clears the account's counter.
pub async fn record_success(db: &impl ConnectionTrait, keys: &AttemptKeys) -> Result<(), AppError> {
    login_throttle::Entity::delete_by_id(keys.account.as_str())
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
