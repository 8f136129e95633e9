//! Account types shared by server and browser.

use serde::{Deserialize, Serialize};

/// The signed-in user as every page and server function sees it. Carries no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthUser {
    /// Database id.
    pub id: i32,
    /// Lower-cased email.
    pub email: String,
    /// Name shown in the UI.
    pub display_name: String,
    /// Site administrator.
    pub is_admin: bool,
    /// Signed in with an admin-issued password: must choose their own before anything else.
    pub must_change_password: bool,
}

/// What the layout needs to know about the visitor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The signed-in user, if any.
    pub user: Option<AuthUser>,
    /// True until the first account exists (only `/setup` works then).
    pub needs_setup: bool,
    /// The signed-in user's unread notifications (the header's inbox count).
    #[serde(default)]
    pub unread: u64,
    /// How one may sign in here (the login page shows only these).
    #[serde(default)]
    pub sign_in: SignInOptions,
}

/// The ways of signing in this instance offers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// The single sign-on button's label, when single sign-on is configured.
    pub sso_label: Option<String>,
    /// Password sign-in is off except for break-glass administrators.
    pub sso_only: bool,
}

/// A second factor being set up: what the page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The QR code of the `otpauth://` URL: SVG markup made by the server (squares only).
    pub qr_svg: String,
    /// The secret in base32, for typing in.
    pub secret: String,
}

/// What the second step of a password sign-in asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStep {
    /// Who is signing in.
    pub email: String,
    /// Two-factor is required and this account must set it up now.
    pub enrol: bool,
    /// The new authenticator's QR code (SVG made by the server), when enrolling.
    pub qr_svg: Option<String>,
    /// Its secret in base32, for typing in, when enrolling.
    pub secret: Option<String>,
}

/// How a session was signed in, as the account page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    /// Email and password.
    Password,
    /// Password, then a code from an authenticator app.
    PasswordTotp,
    /// Password, then a one-time recovery code.
    PasswordRecovery,
    /// Through the OpenID Connect provider.
    Oidc,
}

impl SignInMethod {
    /// The word kept in the session.
    pub fn as_str(self) -> &'static str {
        match self {
            SignInMethod::Password => "password",
            SignInMethod::PasswordTotp => "password+totp",
            SignInMethod::PasswordRecovery => "password+recovery",
            SignInMethod::Oidc => "oidc",
        }
    }

    /// Parses the stored word.
    pub fn parse(s: &str) -> Option<Self> {
        [
            SignInMethod::Password,
            SignInMethod::PasswordTotp,
            SignInMethod::PasswordRecovery,
            SignInMethod::Oidc,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }

    /// For people.
    pub fn label(self) -> &'static str {
        match self {
            SignInMethod::Password => "Password",
            SignInMethod::PasswordTotp => "Password and authenticator code",
            SignInMethod::PasswordRecovery => "Password and recovery code",
            SignInMethod::Oidc => "Single sign-on",
        }
    }
}

/// What the login page says after single sign-on was refused (`/login?sso=CODE`).
pub fn sso_refusal_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "unverified" => {
            "Your identity provider has not verified your email address, so Preflight cannot \
             give you an account. Ask your administrator."
        }
        "domain" => "Accounts for your email domain are not allowed here. Ask your administrator.",
        "no_email" => "Your identity provider did not share an email address with Preflight.",
        "disabled" => "Your account is disabled. Ask an administrator.",
        "expired" => "That sign-in attempt expired or was not started here. Please try again.",
        "denied" => "Sign-in was cancelled at your identity provider.",
        "unavailable" => "The identity provider could not be reached. Try again in a moment.",
        "failed" => "Single sign-on failed: the identity provider's answer could not be verified.",
        "linked" => "This sign-in is already linked to another account.",
        _ => return None,
    })
}

/// Session key under which the signed-in user's id is stored.
pub const USER_ID_KEY: &str = "user_id";
/// Session key: when the user signed in (unix seconds), for the absolute session lifetime.
pub const LOGIN_AT_KEY: &str = "login_at";
/// Session key: when activity last extended the session (unix seconds).
pub const SEEN_AT_KEY: &str = "seen_at";
/// Session key under which the browser's user agent is kept (shown in the session list).
pub const USER_AGENT_KEY: &str = "user_agent";
/// Session key: how the session was signed in ([`SignInMethod::as_str`]).
pub const METHOD_KEY: &str = "sign_in_method";
/// Session key: where signing out sends the browser (the provider's end-session URL).
pub const END_SESSION_KEY: &str = "end_session_url";

/// Shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;
/// Longest password accepted (bounds hashing work).
pub const MAX_PASSWORD_LEN: usize = 256;

/// Normalises an email for storage and lookup: trimmed and lower-cased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A deliberately simple check: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && email.len() <= MAX_EMAIL_LEN
}

/// The key a session is stored under: the hex SHA-256 of its id. The id is the cookie's secret;
/// the database never holds it, so a copy of the `sessions` table signs nobody in.
#[cfg(feature = "ssr")]
pub fn session_key(id: &str) -> String {
    crate::secret::digest(id)
}

/// The longest email address (RFC 5321's path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// Returns `next` when it is a safe local path to go to after login, else `/`.
///
/// Browsers drop tabs and newlines anywhere in a URL and read a backslash as `/`, so
/// `/\t/evil.example` is `//evil.example` to them (another site). A `next` is refused whole
/// unless it is printable ASCII (URLs in links arrive percent-encoded) with no backslash and no
/// second slash right after the first; that also keeps every `Location` header valid.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(normalize_email("  Ada@Example.COM "), "ada@example.com");
        assert!(is_plausible_email("ada@example.com"));
        assert!(!is_plausible_email("ada.example.com"));
        assert!(!is_plausible_email("ada@localhost"));
        assert!(!is_plausible_email("a da@example.com"));
        assert!(!is_plausible_email("@example.com"));
    }

    #[test]
    fn next_only_allows_local_paths() {
        assert_eq!(safe_next(Some("/p/api")), "/p/api");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
        // Browsers strip tabs and newlines: these are `//evil.example` to them.
        for n in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\u{0}x",
            "/a\u{7f}",
            "/caf\u{e9}",
        ] {
            assert_eq!(safe_next(Some(n)), "/", "{n:?}");
        }
        assert_eq!(
            safe_next(Some("/p/api?status=open#x")),
            "/p/api?status=open#x"
        );
    }
}
