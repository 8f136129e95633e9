//! Posting one message: the body (Standard Webhooks JSON or Slack's `{"text": …}`), the
//! signature headers, one attempt recorded in the log whatever happens.

use std::time::{Duration, Instant};

use base64::Engine as _;
use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};
use sha2::Sha256;

use super::guard::{GuardedResolver, is_private};
use crate::entities::{webhook_attempts, webhook_messages, webhooks};

/// How long one delivery may take, connecting included.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Posts webhook messages.
#[derive(Clone, Debug)]
pub struct Deliverer {
    client: reqwest::Client,
    base: Option<String>,
    allow_private: bool,
    timeout: Duration,
}

impl Deliverer {
    /// A deliverer whose links start with `base` (the public origin, when set), refusing
    /// private addresses unless `allow_private`, cutting each delivery at `timeout`.
    pub fn new(
        base: Option<String>,
        allow_private: bool,
        timeout: Duration,
    ) -> Result<Self, String> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .dns_resolver(std::sync::Arc::new(GuardedResolver { allow_private }))
            .user_agent(concat!("Preflight-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            base: base.map(|b| b.trim_end_matches('/').to_owned()),
            allow_private,
            timeout,
        })
    }

    /// Makes one attempt at message `id` and logs it; an error (so the job is retried) unless
    /// the receiver answered 2xx. `last`: no retry follows, a failure is final.
    pub async fn deliver(
        &self,
        db: &impl ConnectionTrait,
        id: i32,
        last: bool,
    ) -> Result<(), String> {
        let text = |e: sea_orm::DbErr| e.to_string();
        let Some(message) = webhook_messages::Entity::find_by_id(id)
            .one(db)
            .await
            .map_err(text)?
        else {
            return Ok(());
        };
        if message.state == "delivered" {
            return Ok(());
        }
        let Some(hook) = webhooks::Entity::find_by_id(message.webhook_id)
            .one(db)
            .await
            .map_err(text)?
            .filter(|h| h.active)
        else {
            return Ok(());
        };
        let body = self.body(&hook, &message);
        let started = Instant::now();
        let result = self.post(&hook, &message, body).await;
        let duration_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let (ok, status_code, error) = match result {
            Ok(status) if (200..300).contains(&status) => {
                (true, Some(i32::from(status)), String::new())
            }
            Ok(status) => (false, Some(i32::from(status)), format!("HTTP {status}")),
            Err(e) => (false, None, e),
        };
        webhook_attempts::ActiveModel {
            message_id: Set(message.id),
            ok: Set(ok),
            status_code: Set(status_code),
            duration_ms: Set(duration_ms),
            error: Set(error.chars().take(500).collect()),
            at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(db)
        .await
        .map_err(text)?;
        let state = match (ok, last) {
            (true, _) => "delivered",
            (false, true) => "failed",
            (false, false) => "pending",
        };
        webhook_messages::Entity::update_many()
            .col_expr(webhook_messages::Column::State, state.into())
            .filter(webhook_messages::Column::Id.eq(message.id))
            .exec(db)
            .await
            .map_err(text)?;
        if ok { Ok(()) } else { Err(error) }
    }

    fn body(&self, hook: &webhooks::Model, message: &webhook_messages::Model) -> String {
        let data: serde_json::Value = serde_json::from_str(&message.data).unwrap_or_default();
        let link = data
            .get("link")
            .and_then(|l| l.as_str())
            .zip(self.base.as_deref())
            .map(|(l, base)| format!("{base}{l}"));
        if hook.format == "slack" {
            let text = match link {
                Some(url) => format!("{} <{url}|Open in Preflight>", message.text),
                None => message.text.clone(),
            };
            return serde_json::json!({ "text": text }).to_string();
        }
        let mut data = data;
        if let (Some(url), Some(obj)) = (link, data.as_object_mut()) {
            obj.insert("url".into(), url.into());
        }
        serde_json::json!({
            "type": message.event,
            "timestamp": message.created_at.to_rfc3339(),
            "data": data,
        })
        .to_string()
    }

    async fn post(
        &self,
        hook: &webhooks::Model,
        message: &webhook_messages::Model,
        body: String,
    ) -> Result<u16, String> {
        let url = reqwest::Url::parse(&hook.url).map_err(|_| "not a URL".to_owned())?;
        // A literal address never reaches the resolver: checked here.
        let literal = url
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
            .and_then(|h| h.parse::<std::net::IpAddr>().ok());
        if literal.is_some_and(is_private) && !self.allow_private {
            return Err("refused: a private or loopback address".to_owned());
        }
        let timestamp = Utc::now().timestamp().to_string();
        let signature = sign(&hook.secret, &message.msg_id, &timestamp, &body)?;
        let sent = self
            .client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", &message.msg_id)
            .header("webhook-timestamp", &timestamp)
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) => Ok(response.status().as_u16()),
            Err(e) if e.is_timeout() => {
                Err(format!("no answer within {} s", self.timeout.as_secs_f32()))
            }
            Err(e) if e.is_connect() => Err(format!("could not connect: {}", source_of(&e))),
            Err(e) => Err(source_of(&e)),
        }
    }
}

/// The innermost cause of a request error (reqwest's own text repeats the URL).
fn source_of(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The Standard Webhooks signature: `v1,` + base64 of HMAC-SHA256 over `{id}.{timestamp}.{body}`
/// with the secret's bytes (the base64 after `whsec_`).
pub fn sign(secret: &str, msg_id: &str, timestamp: &str, body: &str) -> Result<String, String> {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .map_err(|_| "the webhook's secret is damaged".to_owned())?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::sign;

    #[test]
    fn signatures_match_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Ok("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        );
    }
}
