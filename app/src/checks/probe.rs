//! Running one probe: an HTTP request, a TLS handshake, a DNS lookup. Each answers pass or
//! fail with a sentence and how long it took; none reaches a private or loopback address unless
//! the operator allows it (`PREFLIGHT_CHECKS_ALLOW_PRIVATE`), checked for the address actually
//! connected to.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Duration, Instant},
};

use rustls::{
    ClientConfig, RootCertStore,
    client::{WebPkiServerVerifier, danger::ServerCertVerifier},
    pki_types::{ServerName, UnixTime, pem::PemObject},
};

pub use rustls::pki_types::CertificateDer;

use super::spec::CheckSpec;
use crate::webhooks::guard::{GuardedResolver, is_private};

/// Most of an HTTP body read for `body_contains`.
const MAX_BODY: usize = 1 << 20;

/// What a probe found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// Passed.
    pub ok: bool,
    /// What it found, in a sentence.
    pub summary: String,
    /// How long it took.
    pub latency_ms: Option<i32>,
}

impl Outcome {
    fn fail(summary: impl Into<String>, started: Instant) -> Self {
        Self {
            ok: false,
            summary: summary.into(),
            latency_ms: Some(elapsed_ms(started)),
        }
    }
}

fn elapsed_ms(started: Instant) -> i32 {
    i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX)
}

/// Runs probes: one HTTP client and one set of trusted roots for all of them.
#[derive(Clone, Debug)]
pub struct Prober {
    allow_private: bool,
    roots: Arc<RootCertStore>,
    clients: Arc<std::sync::Mutex<std::collections::HashMap<u32, reqwest::Client>>>,
}

impl Prober {
    /// A prober trusting Mozilla's roots and `extra` (an internal CA's certificates, from
    /// [`read_ca_file`]), reaching private addresses only when `allow_private`.
    pub fn new(allow_private: bool, extra: &[CertificateDer<'static>]) -> Self {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        // `read_ca_file` already checked each one parses as a trust anchor.
        let (_added, _ignored) = roots.add_parsable_certificates(extra.iter().cloned());
        Self {
            allow_private,
            roots: Arc::new(roots),
            clients: Default::default(),
        }
    }

    /// Whether private addresses may be probed.
    pub fn allow_private(&self) -> bool {
        self.allow_private
    }

    /// Runs `spec` once (CI checks are not probed: they pass through untouched).
    pub async fn run(&self, spec: &CheckSpec) -> Outcome {
        match spec {
            CheckSpec::Http { .. } => self.http(spec).await,
            CheckSpec::Tls {
                host,
                port,
                min_days,
                timeout_secs,
            } => {
                let timeout = Duration::from_secs(u64::from(*timeout_secs));
                self.tls(host, *port, *min_days, timeout).await
            }
            CheckSpec::Dns {
                name,
                expect_address,
            } => dns(name, expect_address).await,
            CheckSpec::Ci { .. } => Outcome {
                ok: true,
                summary: "Reported by CI.".into(),
                latency_ms: None,
            },
        }
    }

    /// The HTTP client for `timeout_secs`: no redirects, the guarded resolver, our name.
    fn client(&self, timeout_secs: u32) -> Result<reqwest::Client, String> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = clients.get(&timeout_secs) {
            return Ok(c.clone());
        }
        let timeout = Duration::from_secs(u64::from(timeout_secs));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: self.allow_private,
            }))
            .user_agent(concat!("Preflight-Checks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        clients.insert(timeout_secs, client.clone());
        Ok(client)
    }

    async fn http(&self, spec: &CheckSpec) -> Outcome {
        let CheckSpec::Http {
            url,
            method,
            expect_status,
            body_contains,
            header,
            timeout_secs,
        } = spec
        else {
            return Outcome::fail("not an HTTP check", Instant::now());
        };
        let started = Instant::now();
        let Ok(parsed) = reqwest::Url::parse(url) else {
            return Outcome::fail(format!("{url} is not a URL"), started);
        };
        // An address in the URL is not resolved, so the resolver's guard does not see it.
        let literal = parsed
            .host_str()
            .and_then(|h| h.trim_matches(['[', ']']).parse::<IpAddr>().ok());
        if let Some(ip) = literal.filter(|ip| !self.allow_private && is_private(*ip)) {
            return Outcome::fail(
                format!("{ip} is a private address: not probed (PREFLIGHT_CHECKS_ALLOW_PRIVATE)"),
                started,
            );
        }
        let client = match self.client(*timeout_secs) {
            Ok(c) => c,
            Err(e) => return Outcome::fail(e, started),
        };
        let request = if method == "HEAD" {
            client.head(parsed)
        } else {
            client.get(parsed)
        };
        let mut res = match request.send().await {
            Ok(res) => res,
            Err(e) if e.is_timeout() => {
                return Outcome::fail(format!("no answer within {timeout_secs} s"), started);
            }
            Err(e) => {
                return Outcome::fail(format!("could not connect: {}", root_cause(&e)), started);
            }
        };
        let status = res.status().as_u16();
        let has_header = header.is_empty() || res.headers().contains_key(header.as_str());
        let mut body = Vec::new();
        if !body_contains.is_empty() {
            loop {
                match res.chunk().await {
                    Ok(Some(chunk)) => {
                        body.extend_from_slice(&chunk);
                        if body.len() >= MAX_BODY {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        return Outcome::fail(
                            format!("the body broke off: {}", root_cause(&e)),
                            started,
                        );
                    }
                }
            }
        }
        let took = elapsed_ms(started);
        let found = body_contains.is_empty()
            || String::from_utf8_lossy(&body).contains(body_contains.as_str());
        let (ok, summary) = if status != *expect_status {
            (
                false,
                format!("answered {status}, expected {expect_status}"),
            )
        } else if !has_header {
            (
                false,
                format!("answered {status} without the header {header}"),
            )
        } else if !found {
            (
                false,
                format!("answered {status}, but the body lacks “{body_contains}”"),
            )
        } else {
            (true, format!("answered {status}"))
        };
        Outcome {
            ok,
            summary: format!("{summary} in {took} ms"),
            latency_ms: Some(took),
        }
    }

    async fn tls(&self, host: &str, port: u16, min_days: u32, timeout: Duration) -> Outcome {
        let started = Instant::now();
        match tokio::time::timeout(timeout, self.tls_inner(host, port, min_days, started)).await {
            Ok(outcome) => outcome,
            Err(_) => Outcome::fail(
                format!("no TLS handshake within {} s", timeout.as_secs()),
                started,
            ),
        }
    }

    async fn tls_inner(&self, host: &str, port: u16, min_days: u32, started: Instant) -> Outcome {
        let addr = match self.resolve(host, port).await {
            Ok(a) => a,
            Err(e) => return Outcome::fail(e, started),
        };
        let Ok(name) = ServerName::try_from(host.to_owned()) else {
            return Outcome::fail(format!("{host} is not a server name"), started);
        };
        // ring, named: the provider the rest of the tree (sqlx, lettre, reqwest) brings.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            match WebPkiServerVerifier::builder_with_provider(self.roots.clone(), provider.clone())
                .build()
            {
                Ok(v) => v,
                Err(e) => return Outcome::fail(format!("verifier: {e}"), started),
            };
        let config = match ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
        {
            Ok(b) => b
                .with_webpki_verifier(verifier.clone())
                .with_no_client_auth(),
            Err(e) => return Outcome::fail(format!("TLS: {e}"), started),
        };
        let tcp = match tokio::net::TcpStream::connect(addr).await {
            Ok(t) => t,
            Err(e) => return Outcome::fail(format!("could not connect to {addr}: {e}"), started),
        };
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let stream = match connector.connect(name.clone(), tcp).await {
            Ok(s) => s,
            Err(e) => {
                return Outcome::fail(format!("does not verify: {}", tls_reason(&e)), started);
            }
        };
        let latency_ms = Some(elapsed_ms(started));
        let (_, conn) = stream.get_ref();
        let Some((leaf, rest)) = conn.peer_certificates().and_then(|c| c.split_first()) else {
            return Outcome::fail("the server sent no certificate", started);
        };
        // The verifier that passed the handshake, asked about a day far ahead, says when the
        // chain stops verifying (its `notAfter`): no certificate parsing of our own.
        let far = UnixTime::since_unix_epoch(Duration::from_secs(
            u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0) + 100 * 365 * 86_400,
        ));
        let expires = match verifier.verify_server_cert(leaf, rest, &name, &[], far) {
            Err(rustls::Error::InvalidCertificate(rustls::CertificateError::ExpiredContext {
                not_after,
                ..
            })) => i64::try_from(not_after.as_secs())
                .ok()
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0)),
            _ => None,
        };
        let Some(expires) = expires else {
            return Outcome {
                ok: true,
                summary: "verifies; no expiry found".into(),
                latency_ms,
            };
        };
        let days_left = (expires - chrono::Utc::now()).num_days();
        let on = expires.format("%Y-%m-%d");
        if days_left < i64::from(min_days) {
            Outcome {
                ok: false,
                summary: format!(
                    "verifies, but expires on {on} ({days_left} days left, {min_days} needed)"
                ),
                latency_ms,
            }
        } else {
            Outcome {
                ok: true,
                summary: format!("verifies; expires on {on} ({days_left} days left)"),
                latency_ms,
            }
        }
    }

    /// The first address of `host` a probe may connect to.
    async fn resolve(&self, host: &str, port: u16) -> Result<SocketAddr, String> {
        let lookup = tokio::net::lookup_host((host, port));
        let addrs: Vec<SocketAddr> =
            match tokio::time::timeout(Duration::from_secs(5), lookup).await {
                Ok(Ok(a)) => a.collect(),
                _ => return Err(format!("{host} could not be resolved")),
            };
        addrs
            .iter()
            .find(|a| self.allow_private || !is_private(a.ip()))
            .copied()
            .ok_or_else(|| {
                format!(
                    "{host} has only private addresses: not probed (PREFLIGHT_CHECKS_ALLOW_PRIVATE)"
                )
            })
    }
}

/// The certificates of a PEM file (`PREFLIGHT_CHECKS_CA_FILE`), each usable as a trust anchor;
/// an error naming the file otherwise.
pub fn read_ca_file(path: &std::path::Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let named = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let mut certs = Vec::new();
    for cert in CertificateDer::pem_file_iter(path).map_err(|e| named(&e))? {
        let cert = cert.map_err(|e| named(&e))?;
        let mut probe = RootCertStore::empty();
        probe.add(cert.clone()).map_err(|e| named(&e))?;
        certs.push(cert);
    }
    if certs.is_empty() {
        return Err(named(&"no certificate in it"));
    }
    Ok(certs)
}

/// Why a TLS handshake failed, in words.
fn tls_reason(e: &std::io::Error) -> String {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    match inner {
        Some(rustls::Error::InvalidCertificate(c)) => match c {
            rustls::CertificateError::Expired | rustls::CertificateError::ExpiredContext { .. } => {
                "the certificate has expired".into()
            }
            rustls::CertificateError::UnknownIssuer => {
                "the certificate is not issued by a trusted authority".into()
            }
            rustls::CertificateError::NotValidForName
            | rustls::CertificateError::NotValidForNameContext { .. } => {
                "the certificate is for another name".into()
            }
            other => format!("{other:?}"),
        },
        Some(other) => other.to_string(),
        None => e.to_string(),
    }
}

/// The innermost cause of an error (reqwest's outer message says little).
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

async fn dns(name: &str, expect: &str) -> Outcome {
    let started = Instant::now();
    let lookup = tokio::net::lookup_host((name, 0));
    let addrs: Vec<IpAddr> = match tokio::time::timeout(Duration::from_secs(5), lookup).await {
        Ok(Ok(a)) => a.map(|a| a.ip()).collect(),
        Ok(Err(e)) => return Outcome::fail(format!("{name} does not resolve: {e}"), started),
        Err(_) => return Outcome::fail(format!("{name}: no answer within 5 s"), started),
    };
    let latency_ms = Some(elapsed_ms(started));
    let mut listed: Vec<String> = addrs.iter().map(ToString::to_string).collect();
    listed.sort();
    listed.dedup();
    let list = listed.join(", ");
    match expect.parse::<IpAddr>() {
        Ok(want) if !addrs.contains(&want) => Outcome {
            ok: false,
            summary: format!("{name} resolves to {list}, not {want}"),
            latency_ms,
        },
        _ if addrs.is_empty() => Outcome::fail(format!("{name} has no address"), started),
        _ => Outcome {
            ok: true,
            summary: format!("{name} resolves to {list}"),
            latency_ms,
        },
    }
}
