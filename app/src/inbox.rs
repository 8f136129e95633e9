//! The in-app inbox (`/inbox`): what happened to a person's work while they were away —
//! assigned to them, a status change or a comment on an item they hold — written in the same
//! transaction as the change, never to the person who made it.

#[cfg(feature = "ssr")]
pub mod api;
#[cfg(feature = "ssr")]
pub mod mail;
pub mod model;
#[cfg(feature = "ssr")]
pub mod page;
#[cfg(feature = "ssr")]
pub mod prefs;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
pub mod verdict;
#[cfg(feature = "ssr")]
pub mod watch;
#[cfg(feature = "ssr")]
pub mod weekly;
