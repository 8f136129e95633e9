//! Bearer secrets (share-link tokens, API tokens): made from the operating system's generator
//! and stored only as a SHA-256 digest.

use rand::Rng;
use sha2::{Digest, Sha256};

/// A fresh secret: 32 random bytes (256 bits) as 64 lower-case hex digits.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex(&bytes)
}

/// The hex SHA-256 of a secret: what the database keeps.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Whether `s` has the shape [`new_secret`] gives (checked before any database lookup).
pub fn is_secret_shaped(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_hex_and_digests_differ_from_them() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert!(is_secret_shaped(&a) && is_secret_shaped(&b));
        assert_eq!(digest(&a).len(), 64);
        assert_ne!(digest(&a), a);
        assert_eq!(digest(&a), digest(&a));
        assert!(!is_secret_shaped("short") && !is_secret_shaped(&"g".repeat(64)));
    }
}
