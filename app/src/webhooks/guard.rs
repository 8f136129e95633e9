//! The private-address guard: Preflight posts only to public addresses unless the operator
//! allows private ones (`PREFLIGHT_WEBHOOK_ALLOW_PRIVATE`), checked when a webhook is saved and
//! again for each connection (a name that later resolves elsewhere is caught there).

use std::net::{IpAddr, SocketAddr};

/// Whether `ip` is loopback, private, link-local, shared (CGNAT), unspecified, multicast,
/// documentation, benchmarking or reserved: anywhere but the public internet.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)
                // NAT64 and the old IPv4-compatible form embed IPv4 addresses.
                || (first == 0x0064 && v6.segments()[1] == 0xff9b)
                || v6.segments()[..6].iter().all(|s| *s == 0)
        }
    }
}

/// Why `url` may not be reached, if it may not: not http(s), no host, or a host that does not
/// resolve or resolves to a private address (unless `allow_private`, which the operator sets
/// with the environment variable `setting`).
pub async fn check_url(
    url: &str,
    allow_private: bool,
    setting: &str,
) -> Result<reqwest::Url, String> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|_| "Give a full URL, e.g. https://hooks.example.com/preflight.".to_owned())?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("Use an http:// or https:// URL.".to_owned());
    }
    let Some(host) = parsed.host_str().map(str::to_owned) else {
        return Err("The URL has no host.".to_owned());
    };
    let port = parsed.port_or_known_default().unwrap_or(443);
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let lookup = tokio::net::lookup_host((host.as_str(), port));
    let addrs: Vec<SocketAddr> =
        match tokio::time::timeout(std::time::Duration::from_secs(5), lookup).await {
            Ok(Ok(addrs)) => addrs.collect(),
            _ => return Err(format!("{host} could not be resolved.")),
        };
    if addrs.is_empty() {
        return Err(format!("{host} could not be resolved."));
    }
    if !allow_private && let Some(private) = addrs.iter().find(|a| is_private(a.ip())) {
        return Err(format!(
            "{host} is a private or loopback address ({}): Preflight does not connect there \
             unless the operator sets {setting}=true.",
            private.ip()
        ));
    }
    Ok(parsed)
}

/// A resolver for the delivery client that drops private addresses (unless allowed): a name
/// that resolved to a public address when the webhook was saved cannot be pointed inside later.
#[derive(Clone, Copy, Debug)]
pub struct GuardedResolver {
    /// Let private addresses through.
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow_private;
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0))
                .await?
                .filter(|a| allow || !is_private(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{} has no public address", name.as_str()).into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_private;

    #[test]
    fn inside_addresses_are_private_and_public_ones_are_not() {
        for inside in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "::127.0.0.1",
        ] {
            assert!(
                is_private(inside.parse().unwrap_or_else(|_| panic!("{inside}"))),
                "{inside}"
            );
        }
        for outside in [
            "1.1.1.1",
            "93.184.216.34",
            "2606:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(
                !is_private(outside.parse().unwrap_or_else(|_| panic!("{outside}"))),
                "{outside}"
            );
        }
    }
}
