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
    /// How it was signed in (`None` for sessions older than the record of it).
    #[serde(default)]
    pub method: Option<crate::auth::model::SignInMethod>,
    /// This is the session making the request.
    pub current: bool,
}

/// What an API token may do (never more than its owner may).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Reads only.
    Read,
    /// Reads and writes.
    Write,
}

impl TokenScope {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Read => "read",
            TokenScope::Write => "write",
        }
    }

    /// Parses the stored word.
    pub fn parse(s: &str) -> Option<Self> {
        [TokenScope::Read, TokenScope::Write]
            .into_iter()
            .find(|t| t.as_str() == s)
    }

    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            TokenScope::Read => "Read only",
            TokenScope::Write => "Read and write",
        }
    }
}

/// One of the user's API tokens (never its secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenView {
    /// Id.
    pub id: i32,
    /// The user's name for it ("CI pipeline").
    pub name: String,
    /// Read only or read and write.
    pub scope: TokenScope,
    /// Created (UTC, "YYYY-MM-DD HH:MM").
    pub created_at: String,
    /// Stops working then.
    pub expires_at: Option<String>,
    /// Last used (updated at most once a minute).
    pub last_used_at: Option<String>,
    /// Revoked or past its expiry.
    pub active: bool,
}

/// The signed-in user's second factor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// Two-factor sign-in is on.
    pub enabled: bool,
    /// Unused recovery codes.
    pub recovery_left: u64,
    /// The server can keep second factors (`PREFLIGHT_SECRET_KEY` is set).
    pub available: bool,
    /// The account signs in with a password (single sign-on accounts do not).
    pub has_password: bool,
    /// An administrator requires two-factor sign-in.
    pub required: bool,
    /// A setup underway (started, not yet confirmed with a code).
    pub pending: Option<crate::auth::model::Enrolment>,
}
