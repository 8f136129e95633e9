//! Account types shared by server and browser.

use serde::{Deserialize, Serialize};

/// One of the user's signed-in sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// An opaque handle to end it (a digest of the id: the id itself is the cookie secret).
    pub handle: String,
    /// Signed in at (UTC, RFC 3339).
    pub created_at: String,
    /// Last activity (UTC, RFC 3339; updated at most once a minute).
    pub last_seen_at: String,
    /// The browser's user agent at sign-in.
    pub user_agent: String,
    /// This is the session making the request.
    pub current: bool,
}
