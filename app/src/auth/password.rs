//! argon2id password hashing, always off the async runtime (`spawn_blocking`).

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::error::AppError;

/// OWASP's argon2id minimum: 19 MiB, 2 iterations, 1 lane.
fn hasher() -> Result<Argon2<'static>, AppError> {
    let params =
        Params::new(19_456, 2, 1, None).map_err(|e| AppError::internal("argon2 params", e))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A password hash as a PHC string. Its `Debug` is redacted so it cannot leak into logs.
#[derive(Clone)]
pub struct PasswordHashString(pub String);

impl std::fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashString(<redacted>)")
    }
}

/// Hashes `password` with a fresh random salt.
pub async fn hash_password(password: String) -> Result<PasswordHashString, AppError> {
    tokio::task::spawn_blocking(move || {
        let hash = hasher()?
            .hash_password(password.as_bytes())
            .map_err(|e| AppError::internal("argon2 hash", e))?;
        Ok(PasswordHashString(hash.to_string()))
    })
    .await
    .map_err(|e| AppError::internal("hashing task", e))?
}

/// The stored hash of an account without a password (made by single sign-on): no password
/// matches it.
pub const NO_PASSWORD: &str = "!";

/// True when `password` matches `hash`. With `hash` = `None` (unknown account) or
/// [`NO_PASSWORD`] it still does the full work against a dummy hash, so every failure takes the
/// same time.
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    let hash = hash.filter(|h| h != NO_PASSWORD);
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = match hash {
            Some(h) => h,
            None => dummy_hash()?,
        };
        let parsed = PasswordHash::new(&hash).map_err(|e| AppError::internal("stored hash", e))?;
        let ok = hasher()?
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(known && ok)
    })
    .await
    .map_err(|e| AppError::internal("hashing task", e))?
}

/// A hash made by this process's own hasher (so exactly the same cost as a real one) of a
/// password nobody knows; computed once.
fn dummy_hash() -> Result<String, AppError> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DUMMY.get() {
        return Ok(h.clone());
    }
    let secret = format!("{:?}", std::time::SystemTime::now());
    let hash = hasher()?
        .hash_password(secret.as_bytes())
        .map_err(|e| AppError::internal("argon2 hash", e))?
        .to_string();
    Ok(DUMMY.get_or_init(|| hash).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id_with_owasp_parameters() {
        let hash = hash_password("correct horse battery".into())
            .await
            .map(|h| h.0);
        let hash = hash.unwrap_or_default();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(
            verify_password("correct horse battery".into(), Some(hash.clone())).await,
            Ok(true)
        );
        assert_eq!(verify_password("wrong".into(), Some(hash)).await, Ok(false));
    }

    #[tokio::test]
    async fn unknown_account_never_verifies() {
        assert_eq!(verify_password("anything".into(), None).await, Ok(false));
    }

    #[test]
    fn debug_of_a_hash_is_redacted() {
        let h = PasswordHashString("$argon2id$secret".into());
        assert!(!format!("{h:?}").contains("secret"));
    }
}
