//! What the item page and the API show of checks.

use serde::{Deserialize, Serialize};

/// The kinds of check: (word, label).
pub const KINDS: [(&str, &str); 4] = [
    ("http", "HTTP request"),
    ("tls", "TLS certificate"),
    ("dns", "DNS name"),
    ("ci", "Reported by CI"),
];

/// Results kept per check.
pub const KEEP_RUNS: u64 = 100;

/// One result of a check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RunView {
    /// Passed.
    pub ok: bool,
    /// What it found, in a sentence.
    pub summary: String,
    /// A link to the run (CI results).
    pub url: String,
    /// How long the probe took.
    pub latency_ms: Option<i32>,
    /// When (UTC, RFC 3339).
    pub at: String,
}

/// A check as the item page and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckView {
    /// Id.
    pub id: i32,
    /// The item it measures.
    pub item_id: i32,
    /// `http`, `tls`, `dns` or `ci`.
    pub kind: String,
    /// What it looks at, in words (`GET https://… expects 200`).
    pub target: String,
    /// A CI check's key.
    pub key: Option<String>,
    /// Minutes between runs (probes).
    pub interval_minutes: i32,
    /// Hours a CI result holds (CI checks).
    pub ttl_hours: Option<i32>,
    /// `pass`, `fail` or `stale`; `None` before its first result.
    pub state: Option<String>,
    /// Last result (UTC, RFC 3339).
    pub last_run_at: Option<String>,
    /// The latest results, oldest first (at most 100).
    pub runs: Vec<RunView>,
}

/// The checks of an item, and whether the viewer may change them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChecks {
    /// Its checks, oldest first.
    pub checks: Vec<CheckView>,
    /// The viewer may add, run and delete checks.
    pub can_edit: bool,
    /// The project's slug (for the CI command shown).
    pub slug: String,
}

/// A check as typed in the form (every field a string, so bad input is a field error).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CheckInput {
    /// `http`, `tls`, `dns` or `ci`.
    pub kind: String,
    /// HTTP: the URL.
    #[serde(default)]
    pub url: String,
    /// HTTP: `GET` (default) or `HEAD`.
    #[serde(default)]
    pub method: String,
    /// HTTP: the status expected (default 200).
    #[serde(default)]
    pub expect_status: String,
    /// HTTP: a text the body must contain.
    #[serde(default)]
    pub body_contains: String,
    /// HTTP: a header the answer must have.
    #[serde(default)]
    pub header: String,
    /// TLS: `host:port` (port 443 when left out). DNS: the name.
    #[serde(default)]
    pub host: String,
    /// TLS: fail when the certificate expires within this many days (default 14).
    #[serde(default)]
    pub min_days: String,
    /// DNS: an address the name must resolve to.
    #[serde(default)]
    pub expect_address: String,
    /// Probes: seconds before giving up (default 10, at most 30).
    #[serde(default)]
    pub timeout: String,
    /// Probes: minutes between runs (default 5; 1 to 1440).
    #[serde(default)]
    pub interval_minutes: String,
    /// CI: the key pipelines report to (letters, digits, `.`, `_`, `-`; unique in the project).
    #[serde(default)]
    pub key: String,
    /// CI: hours a result holds before the item goes stale (default 24; 1 to 8760).
    #[serde(default)]
    pub ttl_hours: String,
}
