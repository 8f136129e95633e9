//! Admin types shared by server and browser.

use serde::{Deserialize, Serialize};

/// An account as `/admin/users` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    /// Database id.
    pub id: i32,
    /// Email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Site administrator.
    pub is_admin: bool,
    /// Cannot sign in.
    pub is_disabled: bool,
    /// Still has an admin-issued password.
    pub must_change_password: bool,
    /// Teams, by name.
    pub teams: Vec<String>,
    /// Signed-in sessions right now.
    pub sessions: u64,
    /// Has a password (accounts made by single sign-on have none).
    #[serde(default)]
    pub has_password: bool,
    /// Has a confirmed second factor.
    #[serde(default)]
    pub two_factor: bool,
    /// Identities at the single sign-on provider linked to the account.
    #[serde(default)]
    pub identities: Vec<IdentityRow>,
}

/// A single sign-on identity linked to an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRow {
    /// Id (to unlink it).
    pub id: i32,
    /// The provider's email for it.
    pub email: String,
    /// The provider.
    pub issuer: String,
}

/// A password an admin issued (new account or reset), shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPassword {
    /// Whose.
    pub email: String,
    /// The temporary password; the user must replace it at first sign-in.
    pub password: String,
}

/// The site's two-factor policy, as the users page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorPolicy {
    /// Every account that signs in with a password must have a second factor.
    pub required: bool,
    /// The server can keep second factors (`PREFLIGHT_SECRET_KEY` is set).
    pub available: bool,
}
