//! Two-factor sign-in for local accounts: RFC 6238 codes (`totp-rs`: SHA-1, 6 digits, 30-second
//! steps, one step of clock skew either way), the enrolment QR code drawn as SVG on the server
//! (`qrcodegen`), ten one-time recovery codes kept as SHA-256 digests, and the secret sealed
//! with AES-256-GCM (`ring`) under `PREFLIGHT_SECRET_KEY`, bound to its account.
//!
//! A code is good once: the step it matched is remembered and no code of that step or an
//! earlier one is accepted again.

use chrono::{DateTime, Utc};
use rand::Rng;
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use sha2::{Digest, Sha256};
use totp_rs::{Builder, Secret, Totp};

use super::{
    model::{AuthUser, SignInMethod},
    password::{NO_PASSWORD, verify_password},
};
use crate::{
    audit::service::{Actor, Event, record},
    entities::{recovery_codes, site_settings, users},
    error::AppError,
};

/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// The site setting that makes two-factor required for every local account.
pub const REQUIRE_SETTING: &str = "require_two_factor";
const STEP_SECS: i64 = 30;
const ISSUER: &str = "Preflight";

/// The key TOTP secrets are sealed with: the SHA-256 of `PREFLIGHT_SECRET_KEY`.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    /// From the configured value: at least 32 characters (e.g. `openssl rand -hex 32`).
    pub fn from_config(value: &str) -> Result<Self, String> {
        if value.chars().count() < 32 {
            return Err("PREFLIGHT_SECRET_KEY must be at least 32 characters".into());
        }
        Ok(SecretKey(Sha256::digest(value.as_bytes()).into()))
    }

    fn aead(&self) -> Result<LessSafeKey, AppError> {
        UnboundKey::new(&AES_256_GCM, &self.0)
            .map(LessSafeKey::new)
            .map_err(|_| AppError::internal("totp", "AES key"))
    }

    /// Seals `secret` for the account `user_id`: base64 of nonce, ciphertext and tag.
    pub fn seal(&self, user_id: i32, secret: &[u8]) -> Result<String, AppError> {
        use base64::Engine;
        let nonce: [u8; NONCE_LEN] = rand::rng().random();
        let mut sealed = secret.to_vec();
        self.aead()?
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(user_id)),
                &mut sealed,
            )
            .map_err(|_| AppError::internal("totp", "seal"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    /// Opens what [`Self::seal`] made for `user_id`; `None` when it was sealed under another key
    /// or for another account, or was altered.
    pub fn open(&self, user_id: i32, sealed: &str) -> Option<Vec<u8>> {
        use base64::Engine;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, rest) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut rest = rest.to_vec();
        let plain = self
            .aead()
            .ok()?
            .open_in_place(nonce, Aad::from(aad(user_id)), &mut rest)
            .ok()?;
        Some(plain.to_vec())
    }
}

fn aad(user_id: i32) -> Vec<u8> {
    format!("preflight totp user {user_id}").into_bytes()
}

fn totp(secret: &[u8]) -> Result<Totp, AppError> {
    Builder::new()
        .with_secret(secret.to_vec())
        .build()
        .map_err(|e| AppError::internal("totp", e))
}

/// The step a code matches within one step of `now` and after `last_step`, if any.
pub fn matching_step(
    secret: &[u8],
    code: &str,
    now: DateTime<Utc>,
    last_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret).ok()?;
    let step = totp.check(&code, u64::try_from(now.timestamp()).ok()?)?;
    let step = i64::try_from(step).ok()?;
    (last_step.is_none_or(|last| step > last)).then_some(step)
}

/// The `otpauth://` URL authenticator apps read from the QR code.
pub fn otpauth_url(secret_base32: &str, email: &str) -> String {
    let enc = |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret_base32}&issuer={ISSUER}&algorithm=SHA1&digits=6&period={STEP_SECS}",
        enc(email).replace('+', "%20")
    )
}

/// `text` as a QR code in SVG (black modules on white, a four-module quiet zone).
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let qr =
        QrCode::encode_text(text, QrCodeEcc::Medium).map_err(|e| AppError::internal("qr", e))?;
    let size = qr.size();
    let full = size + 8;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" width=\"200\" height=\"200\" role=\"img\" aria-label=\"QR code for your authenticator app\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// Ten fresh recovery codes: `xxxxx-xxxxx`, 50 random bits each.
fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut code = String::with_capacity(11);
            for i in 0..10 {
                if i == 5 {
                    code.push('-');
                }
                code.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
            }
            code
        })
        .collect()
}

fn recovery_digest(code: &str) -> String {
    let code: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    crate::secret::digest(&code)
}

pub use super::model::Enrolment;

/// Whether two-factor is required for every local account.
pub async fn required(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    Ok(site_settings::Entity::find_by_id(REQUIRE_SETTING)
        .one(db)
        .await?
        .is_some_and(|s| s.value == "true"))
}

/// Turns the requirement on or off (site admins; audited).
pub async fn set_required(
    db: &DatabaseConnection,
    admin: &AuthUser,
    on: bool,
) -> Result<(), AppError> {
    if !admin.is_admin {
        return Err(AppError::Forbidden);
    }
    let txn = crate::txn::begin(db).await?;
    let before = required(&txn).await?;
    site_settings::Entity::delete_by_id(REQUIRE_SETTING)
        .exec(&txn)
        .await?;
    site_settings::ActiveModel {
        name: Set(REQUIRE_SETTING.to_owned()),
        value: Set(on.to_string()),
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(admin),
        Event::new("site", "settings", "updated")
            .before(&serde_json::json!({ REQUIRE_SETTING: before }))
            .after(&serde_json::json!({ REQUIRE_SETTING: on })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Starts (or restarts) setting up a second factor for `user_id`: a fresh secret, sealed and
/// kept unconfirmed. Refused for an account that already has one, or has no password.
pub async fn begin(
    db: &DatabaseConnection,
    key: &SecretKey,
    user_id: i32,
) -> Result<Enrolment, AppError> {
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.totp_enabled_at.is_some() {
        return Err(AppError::Conflict(
            "Two-factor sign-in is already on for this account.".into(),
        ));
    }
    if user.password_hash == NO_PASSWORD {
        return Err(AppError::Conflict(
            "This account signs in through single sign-on: its second factor is your identity provider's.".into(),
        ));
    }
    let secret: [u8; 20] = rand::rng().random();
    let sealed = key.seal(user.id, &secret)?;
    let email = user.email.clone();
    let mut active = user.into_active_model();
    active.totp_secret = Set(Some(sealed));
    active.totp_enabled_at = Set(None);
    active.totp_last_step = Set(None);
    active.update(db).await?;
    let base32 = Secret::from(secret.to_vec()).to_base32();
    Ok(Enrolment {
        qr_svg: qr_svg(&otpauth_url(&base32, &email))?,
        secret: base32,
    })
}

/// The enrolment underway for `user_id` (begun at sign-in), to show again.
pub async fn pending_enrolment(
    db: &DatabaseConnection,
    key: &SecretKey,
    user_id: i32,
) -> Result<Option<Enrolment>, AppError> {
    let Some(user) = users::Entity::find_by_id(user_id).one(db).await? else {
        return Ok(None);
    };
    let Some(secret) = user
        .totp_secret
        .as_deref()
        .filter(|_| user.totp_enabled_at.is_none())
        .and_then(|s| key.open(user.id, s))
    else {
        return Ok(None);
    };
    let base32 = Secret::from(secret).to_base32();
    Ok(Some(Enrolment {
        qr_svg: qr_svg(&otpauth_url(&base32, &user.email))?,
        secret: base32,
    }))
}

/// Confirms the second factor set up by [`begin`] with a code from the app; returns the
/// recovery codes (shown once). A wrong code is a field error on `code`.
pub async fn confirm(
    db: &DatabaseConnection,
    key: &SecretKey,
    who: &AuthUser,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let txn = crate::txn::begin(db).await?;
    let user = users::Entity::find_by_id(who.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let pending = user
        .totp_secret
        .as_deref()
        .filter(|_| user.totp_enabled_at.is_none())
        .and_then(|s| key.open(user.id, s))
        .ok_or_else(|| AppError::Conflict("Start setting up two-factor sign-in again.".into()))?;
    let step = matching_step(&pending, code, now, None).ok_or_else(|| {
        AppError::field(
            "code",
            "That code is not right: enter the six digits your app shows now.",
        )
    })?;
    let codes = new_recovery_codes();
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user.id))
        .exec(&txn)
        .await?;
    recovery_codes::Entity::insert_many(codes.iter().map(|c| recovery_codes::ActiveModel {
        user_id: Set(user.id),
        code_hash: Set(recovery_digest(c)),
        used_at: Set(None),
        ..Default::default()
    }))
    .exec(&txn)
    .await?;
    let id = user.id;
    let mut active = user.into_active_model();
    active.totp_enabled_at = Set(Some(now));
    active.totp_last_step = Set(Some(step));
    active.update(&txn).await?;
    record(
        &txn,
        &Actor::from(who),
        Event::new("user", id, "totp_enrolled")
            .after(&serde_json::json!({ "recovery_codes": RECOVERY_CODES })),
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// Checks a second-factor `code` (six digits, or a recovery code) for `user_id`; a good one is
/// used up. `None`: not right.
pub async fn verify(
    db: &DatabaseConnection,
    key: &SecretKey,
    user_id: i32,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<SignInMethod>, AppError> {
    let code = code.trim();
    if code.len() > 64 {
        return Ok(None);
    }
    let txn = crate::txn::begin(db).await?;
    let Some(user) = users::Entity::find_by_id(user_id).one(&txn).await? else {
        return Ok(None);
    };
    let Some(secret) = user
        .totp_secret
        .as_deref()
        .filter(|_| user.totp_enabled_at.is_some())
    else {
        return Ok(None);
    };
    let Some(secret) = key.open(user.id, secret) else {
        // A configuration problem, not a wrong code: say so instead of failing.
        tracing::error!(
            user = user.id,
            "a second factor does not open with PREFLIGHT_SECRET_KEY"
        );
        return Err(AppError::Conflict(
            "Your second factor cannot be checked (the server's key changed): ask an administrator to reset it."
                .into(),
        ));
    };
    if let Some(step) = matching_step(&secret, code, now, user.totp_last_step) {
        let mut active = user.into_active_model();
        active.totp_last_step = Set(Some(step));
        active.update(&txn).await?;
        txn.commit().await?;
        return Ok(Some(SignInMethod::PasswordTotp));
    }
    let used = recovery_codes::Entity::update_many()
        .col_expr(
            recovery_codes::Column::UsedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(recovery_codes::Column::UserId.eq(user.id))
        .filter(recovery_codes::Column::CodeHash.eq(recovery_digest(code)))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    txn.commit().await?;
    Ok((used > 0).then_some(SignInMethod::PasswordRecovery))
}

/// Checks `user_id`'s password before a change to their second factor, counted by the sign-in
/// throttle like a sign-in.
pub async fn prove_password(
    db: &DatabaseConnection,
    policy: &super::throttle::ThrottlePolicy,
    address: Option<std::net::IpAddr>,
    user_id: i32,
    password: String,
) -> Result<(), AppError> {
    use super::throttle::{AttemptKeys, release, reserve};
    let account = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if account.password_hash == NO_PASSWORD {
        return Err(AppError::field("password", "This account has no password."));
    }
    let keys = AttemptKeys::new(&account.email, address);
    let reservation = reserve(db, policy, &keys, Utc::now()).await?;
    if !verify_password(password, Some(account.password_hash)).await? {
        return Err(match reservation.locked {
            Some(secs) => AppError::TooManyAttempts(secs),
            None => AppError::field("password", "The password is incorrect."),
        });
    }
    release(db, &keys, reservation).await
}

/// Turns `user`'s second factor off (their password proven first); audited.
pub async fn disable(db: &DatabaseConnection, user: &AuthUser) -> Result<(), AppError> {
    let account = users::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    clear(db, &Actor::from(user), account, "totp_disabled").await
}

/// A site admin removes `user_id`'s second factor (a lost phone); audited.
pub async fn admin_reset(
    db: &DatabaseConnection,
    admin: &AuthUser,
    user_id: i32,
) -> Result<(), AppError> {
    if !admin.is_admin {
        return Err(AppError::Forbidden);
    }
    let account = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    clear(db, &Actor::from(admin), account, "totp_reset").await
}

/// Removes the second factor of the account `email` from the command line (`preflight user
/// reset-two-factor`), for when the last site admin lost theirs. Audited as the system. Returns
/// whether the account had one.
pub async fn cli_reset(db: &DatabaseConnection, email: &str) -> Result<bool, AppError> {
    let email = crate::auth::model::normalize_email(email);
    let account = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let was_on = account.totp_enabled_at.is_some();
    clear(db, &Actor::system(), account, "totp_reset").await?;
    Ok(was_on)
}

async fn clear(
    db: &DatabaseConnection,
    actor: &Actor,
    account: users::Model,
    action: &'static str,
) -> Result<(), AppError> {
    let txn = crate::txn::begin(db).await?;
    let id = account.id;
    let was_on = account.totp_enabled_at.is_some();
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(id))
        .exec(&txn)
        .await?;
    let mut active = account.into_active_model();
    active.totp_secret = Set(None);
    active.totp_enabled_at = Set(None);
    active.totp_last_step = Set(None);
    active.update(&txn).await?;
    record(
        &txn,
        actor,
        Event::new("user", id, action)
            .before(&serde_json::json!({ "two_factor": was_on }))
            .after(&serde_json::json!({ "two_factor": false })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Recovery codes `user_id` has left.
pub async fn recovery_left(db: &impl ConnectionTrait, user_id: i32) -> Result<u64, AppError> {
    use sea_orm::PaginatorTrait;
    Ok(recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_account() {
        let key = SecretKey::from_config(&"k".repeat(32)).ok();
        let other = SecretKey::from_config(&"j".repeat(32)).ok();
        let (Some(key), Some(other)) = (key, other) else {
            panic!("keys")
        };
        let sealed = key
            .seal(7, b"twenty bytes secret!")
            .ok()
            .unwrap_or_default();
        assert_eq!(
            key.open(7, &sealed).as_deref(),
            Some(&b"twenty bytes secret!"[..])
        );
        assert!(key.open(8, &sealed).is_none(), "bound to its account");
        assert!(other.open(7, &sealed).is_none(), "bound to its key");
        assert!(!sealed.contains("twenty"));
        assert_ne!(
            sealed,
            key.seal(7, b"twenty bytes secret!")
                .ok()
                .unwrap_or_default()
        );
        assert!(SecretKey::from_config("short").is_err());
    }

    #[test]
    fn a_code_matches_its_step_once_and_one_step_either_side() {
        let secret = [7u8; 20];
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let step = now.timestamp() / 30;
        let code = |t: i64| {
            totp(&secret)
                .map(|t2| {
                    t2.generate(u64::try_from(t).unwrap_or_default())
                        .to_string()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            matching_step(&secret, &code(now.timestamp()), now, None),
            Some(step)
        );
        assert_eq!(
            matching_step(&secret, &code(now.timestamp() - 30), now, None),
            Some(step - 1)
        );
        assert_eq!(
            matching_step(&secret, &code(now.timestamp() - 90), now, None),
            None
        );
        // Reused: the step was already accepted.
        assert_eq!(
            matching_step(&secret, &code(now.timestamp()), now, Some(step)),
            None
        );
        assert_eq!(matching_step(&secret, "12345", now, None), None);
        assert_eq!(matching_step(&secret, "abcdef", now, None), None);
    }

    #[test]
    fn recovery_codes_are_fresh_and_compare_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(
            recovery_digest(c),
            recovery_digest(&c.to_uppercase().replace('-', " "))
        );
    }

    #[test]
    fn the_qr_code_is_an_svg_of_the_otpauth_url() {
        let url = otpauth_url("JBSWY3DPEHPK3PXP", "ada lovelace@example.com");
        assert!(url.starts_with(
            "otpauth://totp/Preflight:ada%20lovelace%40example.com?secret=JBSWY3DPEHPK3PXP"
        ));
        let svg = qr_svg(&url).unwrap_or_default();
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M"));
    }
}
