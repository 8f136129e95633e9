//! The time the server's requests see. In production it is the system's; tests move a server's
//! clock forward ([`Clock::advance`]) to see evidence run out or a pipeline's check go stale
//! without sleeping. Background jobs and services take their `now` as a parameter.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use chrono::{DateTime, NaiveDate, Utc};

/// The system clock, moved forward by an offset only tests set.
#[derive(Clone, Debug, Default)]
pub struct Clock(Arc<AtomicI64>);

impl Clock {
    /// Now.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.0.load(Ordering::Relaxed))
    }

    /// Today (UTC).
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Moves this clock forward by `by` (tests).
    pub fn advance(&self, by: chrono::Duration) {
        self.0.fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}

/// Today on the clock of the request's server (the system's outside a request).
pub fn today() -> NaiveDate {
    now().date_naive()
}

/// Now on the clock of the request's server (the system's outside a request).
pub fn now() -> DateTime<Utc> {
    crate::state::app_state().map_or_else(|_| Utc::now(), |s| s.clock.now())
}
