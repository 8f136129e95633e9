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
}

/// A password an admin issued (new account or reset), shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedPassword {
    /// Whose.
    pub email: String,
    /// The temporary password; the user must replace it at first sign-in.
    pub password: String,
}
