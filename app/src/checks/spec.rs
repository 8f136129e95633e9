//! What a check does, as stored (`checks.config`, JSON) and as read from its form.

use serde::{Deserialize, Serialize};

use super::model::CheckInput;
use crate::error::{AppError, Validator};

/// Longest a probe may wait for an answer.
pub const MAX_TIMEOUT_SECS: u32 = 30;
/// Most checks one item may have.
pub const MAX_PER_ITEM: u64 = 10;
/// Most checks one project may have.
pub const MAX_PER_PROJECT: u64 = 1000;

/// A check's settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CheckSpec {
    /// An HTTP request that must answer `expect_status` (and contain a text, and a header).
    Http {
        /// The URL (http or https).
        url: String,
        /// `GET` or `HEAD`.
        method: String,
        /// The status expected.
        expect_status: u16,
        /// A text the body must contain; empty: any body.
        body_contains: String,
        /// A header the answer must have; empty: none needed.
        header: String,
        /// Seconds before giving up.
        timeout_secs: u32,
    },
    /// A TLS certificate that verifies and holds for `min_days` more days.
    Tls {
        /// The host name (as the certificate must name it).
        host: String,
        /// The port.
        port: u16,
        /// Fail when it expires within this many days.
        min_days: u32,
        /// Seconds before giving up.
        timeout_secs: u32,
    },
    /// A DNS name that resolves (to `expect_address`, when given).
    Dns {
        /// The name.
        name: String,
        /// An address it must resolve to; empty: any.
        expect_address: String,
    },
    /// A check pipelines report to under its key.
    Ci {
        /// Hours a result holds.
        ttl_hours: u32,
    },
}

impl CheckSpec {
    /// The stored kind word.
    pub fn kind(&self) -> &'static str {
        match self {
            CheckSpec::Http { .. } => "http",
            CheckSpec::Tls { .. } => "tls",
            CheckSpec::Dns { .. } => "dns",
            CheckSpec::Ci { .. } => "ci",
        }
    }

    /// What it looks at, in words.
    pub fn target(&self, key: Option<&str>) -> String {
        match self {
            CheckSpec::Http {
                url,
                method,
                expect_status,
                body_contains,
                header,
                ..
            } => {
                let mut s = format!("{method} {url} answers {expect_status}");
                if !body_contains.is_empty() {
                    s.push_str(&format!(" containing “{body_contains}”"));
                }
                if !header.is_empty() {
                    s.push_str(&format!(" with header {header}"));
                }
                s
            }
            CheckSpec::Tls {
                host,
                port,
                min_days,
                ..
            } => format!("TLS certificate of {host}:{port} verifies and holds {min_days}+ days"),
            CheckSpec::Dns {
                name,
                expect_address,
            } if expect_address.is_empty() => format!("{name} resolves"),
            CheckSpec::Dns {
                name,
                expect_address,
            } => format!("{name} resolves to {expect_address}"),
            CheckSpec::Ci { ttl_hours } => format!(
                "CI reports to “{}”; a result holds {ttl_hours} h",
                key.unwrap_or_default()
            ),
        }
    }

    /// The host a probe connects to and its port (HTTP and TLS), to guard before saving.
    pub fn connects_to(&self) -> Option<(String, u16)> {
        match self {
            CheckSpec::Http { url, .. } => {
                let u = reqwest::Url::parse(url).ok()?;
                let host = u.host_str()?.trim_matches(['[', ']']).to_owned();
                Some((host, u.port_or_known_default().unwrap_or(443)))
            }
            CheckSpec::Tls { host, port, .. } => Some((host.clone(), *port)),
            _ => None,
        }
    }
}

/// A checked form: the spec, its interval (seconds), its TTL (seconds, CI) and key (CI).
#[derive(Clone, Debug)]
pub struct Checked {
    /// What it does.
    pub spec: CheckSpec,
    /// Seconds between runs (probes); for CI checks how often the TTL is looked at.
    pub interval_seconds: i32,
    /// CI: seconds a result holds.
    pub ttl_seconds: Option<i32>,
    /// CI: its key.
    pub key: Option<String>,
}

/// A whole number in `range` (or `default` when blank).
fn number(s: &str, default: u32, range: std::ops::RangeInclusive<u32>) -> Result<u32, ()> {
    match s.trim() {
        "" => Ok(default),
        n => n
            .parse::<u32>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or(()),
    }
}

/// Splits `host[:port]` (an IPv6 address in brackets), port `default` when left out.
fn host_port(s: &str, default: u16) -> Option<(String, u16)> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default,
            None => return None,
        };
        return Some((host.to_owned(), port));
    }
    match s.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => Some((host.to_owned(), port.parse().ok()?)),
        Some(_) => None,
        None => Some((s.to_owned(), default)),
    }
}

/// A host name or address: letters, digits, dots, dashes and (addresses) colons; 1–253.
fn is_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 253
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'))
}

/// A CI key: 1–100 letters, digits, `.`, `_` or `-`.
pub fn is_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 100
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Checks a form (every problem at once). Whether its host may be reached is asked apart
/// (it needs a lookup): [`CheckSpec::connects_to`].
pub fn check_input(input: &CheckInput) -> Result<Checked, AppError> {
    let kind = input.kind.trim();
    let timeout = number(&input.timeout, 10, 1..=MAX_TIMEOUT_SECS);
    let interval = number(&input.interval_minutes, 5, 1..=1440);
    let mut v = Validator::default();
    v.check(
        !super::model::KINDS.iter().any(|(k, _)| *k == kind),
        "kind",
        "Choose HTTP, TLS, DNS or CI.",
    );
    let probe = kind != "ci";
    v.check(
        probe && timeout.is_err(),
        "timeout",
        format!("Use a number of seconds from 1 to {MAX_TIMEOUT_SECS}."),
    )
    .check(
        probe && interval.is_err(),
        "interval_minutes",
        "Use a number of minutes from 1 to 1440.",
    );
    let timeout_secs = timeout.unwrap_or(10);
    let spec = match kind {
        "http" => http_spec(input, timeout_secs, &mut v),
        "tls" => tls_spec(input, timeout_secs, &mut v),
        "dns" => dns_spec(input, &mut v),
        _ => ci_spec(input, kind == "ci", &mut v),
    };
    v.finish()?;
    let ci = matches!(spec, CheckSpec::Ci { .. });
    let ttl_seconds = match &spec {
        CheckSpec::Ci { ttl_hours } => i32::try_from(ttl_hours * 3600).ok(),
        _ => None,
    };
    Ok(Checked {
        interval_seconds: if ci {
            60
        } else {
            i32::try_from(interval.unwrap_or(5) * 60).unwrap_or(300)
        },
        ttl_seconds,
        key: ci.then(|| input.key.trim().to_owned()),
        spec,
    })
}

fn http_spec(input: &CheckInput, timeout_secs: u32, v: &mut Validator) -> CheckSpec {
    let url = input.url.trim().to_owned();
    let parsed = reqwest::Url::parse(&url).ok();
    let method = match input.method.trim().to_uppercase().as_str() {
        "" | "GET" => Some("GET"),
        "HEAD" => Some("HEAD"),
        _ => None,
    };
    let status = number(&input.expect_status, 200, 100..=599);
    let header = input.header.trim().to_owned();
    v.check(
        !parsed
            .as_ref()
            .is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some()),
        "url",
        "Give a full http:// or https:// URL.",
    )
    .at_most(&url, 2000, "url")
    .check(method.is_none(), "method", "Choose GET or HEAD.")
    .check(
        status.is_err(),
        "expect_status",
        "Use an HTTP status from 100 to 599.",
    )
    .at_most(&input.body_contains, 200, "body_contains")
    .check(
        !header.is_empty()
            && !header
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-'),
        "header",
        "Use a header name such as Strict-Transport-Security.",
    )
    .at_most(&header, 100, "header");
    CheckSpec::Http {
        url,
        method: method.unwrap_or("GET").to_owned(),
        expect_status: u16::try_from(status.unwrap_or(200)).unwrap_or(200),
        body_contains: input.body_contains.trim().to_owned(),
        header,
        timeout_secs,
    }
}

fn tls_spec(input: &CheckInput, timeout_secs: u32, v: &mut Validator) -> CheckSpec {
    let hp = host_port(&input.host, 443).filter(|(h, _)| is_host(h));
    let min_days = number(&input.min_days, 14, 0..=365);
    v.check(
        hp.is_none(),
        "host",
        "Give a host name, with a port when it is not 443 (example.com:8443).",
    )
    .check(
        min_days.is_err(),
        "min_days",
        "Use a number of days from 0 to 365.",
    );
    let (host, port) = hp.unwrap_or_default();
    CheckSpec::Tls {
        host,
        port,
        min_days: min_days.unwrap_or(14),
        timeout_secs,
    }
}

fn dns_spec(input: &CheckInput, v: &mut Validator) -> CheckSpec {
    let name = input.host.trim().trim_end_matches('.').to_owned();
    let expect = input.expect_address.trim().to_owned();
    v.check(
        !is_host(&name),
        "host",
        "Give a DNS name, e.g. api.example.com.",
    )
    .check(
        !expect.is_empty() && expect.parse::<std::net::IpAddr>().is_err(),
        "expect_address",
        "Give an IPv4 or IPv6 address, or leave it blank.",
    );
    CheckSpec::Dns {
        name,
        expect_address: expect,
    }
}

/// A CI check's settings (`asked`: the form chose CI, so its fields are checked).
fn ci_spec(input: &CheckInput, asked: bool, v: &mut Validator) -> CheckSpec {
    let ttl = number(&input.ttl_hours, 24, 1..=8760);
    v.check(
        asked && !is_key(input.key.trim()),
        "key",
        "Use 1–100 letters, digits, dots, dashes or underscores, e.g. load-test.",
    )
    .check(
        asked && ttl.is_err(),
        "ttl_hours",
        "Use a number of hours from 1 to 8760.",
    );
    CheckSpec::Ci {
        ttl_hours: ttl.unwrap_or(24),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str) -> CheckInput {
        CheckInput {
            kind: kind.into(),
            ..Default::default()
        }
    }

    #[test]
    fn hosts_and_ports_split_with_ipv6_in_brackets() {
        assert_eq!(
            host_port("example.com", 443),
            Some(("example.com".into(), 443))
        );
        assert_eq!(
            host_port("example.com:8443", 443),
            Some(("example.com".into(), 8443))
        );
        assert_eq!(host_port("[::1]:8443", 443), Some(("::1".into(), 8443)));
        assert_eq!(host_port("[::1]", 443), Some(("::1".into(), 443)));
        assert_eq!(host_port("example.com:x", 443), None);
        assert_eq!(host_port("::1:443", 443), None);
    }

    #[test]
    fn each_kind_names_its_missing_fields_and_reads_defaults() {
        let err = |i: &CheckInput| match check_input(i) {
            Err(AppError::Validation(fields)) => fields.keys().cloned().collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(err(&input("ftp")), vec!["kind".to_owned()]);
        assert_eq!(err(&input("http")), vec!["url".to_owned()]);
        assert_eq!(err(&input("tls")), vec!["host".to_owned()]);
        assert_eq!(err(&input("ci")), vec!["key".to_owned()]);
        let bad = CheckInput {
            url: "javascript:alert(1)".into(),
            expect_status: "700".into(),
            timeout: "31".into(),
            interval_minutes: "0".into(),
            ..input("http")
        };
        assert_eq!(
            err(&bad),
            vec!["expect_status", "interval_minutes", "timeout", "url"]
        );
        let ok = check_input(&CheckInput {
            url: "https://example.com/health".into(),
            ..input("http")
        });
        let ok = ok.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(ok.interval_seconds, 300);
        assert_eq!(
            ok.spec.target(None),
            "GET https://example.com/health answers 200"
        );
        let ci = check_input(&CheckInput {
            key: "load-test".into(),
            ttl_hours: "48".into(),
            ..input("ci")
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(ci.ttl_seconds, Some(48 * 3600));
        assert_eq!(ci.key.as_deref(), Some("load-test"));
    }
}
