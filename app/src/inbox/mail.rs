//! Mail: the SMTP transport (`PREFLIGHT_SMTP_URL`, `PREFLIGHT_MAIL_FROM`), the mails made from
//! notifications (plain text and HTML, a footer saying why, a signed one-click unsubscribe
//! link), and the job that sends one.

use std::time::Duration;

use base64::Engine as _;
use chrono::Utc;
use hmac::{Hmac, KeyInit, Mac};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{
        Mailbox, MultiPart,
        header::{Header, HeaderName, HeaderValue},
    },
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    sea_query::Expr,
};
use sha2::Sha256;

use super::model::kind_info;
use crate::entities::{instance_secrets, notifications, users};

/// The job that mails one notification (payload `{"notification": id}`).
pub const MAIL_NOTIFICATION: &str = "mail.notification";
/// Attempts at one mail before it is given up (about 6 hours of backoff).
pub const MAIL_ATTEMPTS: i32 = 12;
/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// Why mail cannot be configured as given.
#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    /// `PREFLIGHT_SMTP_URL` does not parse.
    #[error(
        "PREFLIGHT_SMTP_URL is not a usable SMTP URL ({0}); write smtp://host:port, smtp://user:pass@host:587?tls=required or smtps://user:pass@host:465"
    )]
    Url(String),
    /// A password would cross the network in clear text.
    #[error("PREFLIGHT_SMTP_URL sends a password without TLS: use smtps://… or add ?tls=required")]
    ClearPassword,
    /// `PREFLIGHT_MAIL_FROM` is not an address.
    #[error(
        "PREFLIGHT_MAIL_FROM is not a mail address (\"Preflight <preflight@example.com>\" or preflight@example.com)"
    )]
    From,
    /// Links in mail need the public address.
    #[error(
        "PREFLIGHT_BASE_URL must be set when PREFLIGHT_SMTP_URL is: mails link back to Preflight"
    )]
    BaseUrl,
}

/// Sends mail through one SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    base: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `smtp_url` (lettre's URL: `smtp://`, `smtp://…?tls=required`, `smtps://`),
    /// sending as `from`, linking to `base` (the public origin).
    pub fn new(smtp_url: &str, from: &str, base: Option<&str>) -> Result<Self, MailConfigError> {
        let base = base
            .map(|b| b.trim_end_matches('/').to_owned())
            .filter(|b| !b.is_empty())
            .ok_or(MailConfigError::BaseUrl)?;
        let (scheme, rest) = smtp_url.split_once("://").unwrap_or(("", smtp_url));
        let userinfo = rest.split(['/', '?']).next().unwrap_or("");
        let has_password = userinfo.contains('@') && userinfo.contains(':') && {
            let creds = userinfo.rsplit_once('@').map_or("", |(c, _)| c);
            creds.contains(':')
        };
        if scheme == "smtp" && has_password && !smtp_url.contains("tls=required") {
            return Err(MailConfigError::ClearPassword);
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| MailConfigError::Url(e.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from.parse().map_err(|_| MailConfigError::From)?;
        Ok(Self {
            transport,
            from,
            base,
        })
    }

    /// The public origin links start with.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends `letter`; an error says what the server or connection said.
    pub async fn send(&self, letter: Letter) -> Result<(), String> {
        let message = letter.message(&self.from).map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("SMTP: {e}"))
    }
}

/// One mail to one person.
#[derive(Clone, Debug)]
pub struct Letter {
    /// Recipient.
    pub to: Mailbox,
    /// Subject line.
    pub subject: String,
    /// Plain-text body (the footer included).
    pub text: String,
    /// HTML body (the footer included).
    pub html: String,
    /// The one-click unsubscribe link, when the mail is of a kind one can turn off.
    pub unsubscribe: Option<String>,
}

impl Letter {
    fn message(self, from: &Mailbox) -> Result<Message, lettre::error::Error> {
        let mut builder = Message::builder()
            .from(from.clone())
            .to(self.to)
            .subject(self.subject)
            .header(Simple("Auto-Submitted", "auto-generated".to_owned()));
        if let Some(link) = self.unsubscribe {
            builder = builder
                .header(Simple("List-Unsubscribe", format!("<{link}>")))
                .header(Simple(
                    "List-Unsubscribe-Post",
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        builder.multipart(MultiPart::alternative_plain_html(self.text, self.html))
    }
}

/// A header lettre has no type for.
#[derive(Clone)]
struct Simple(&'static str, String);

impl Header for Simple {
    fn name() -> HeaderName {
        // Never called for writing: `display` names the header itself.
        HeaderName::new_from_ascii_str("X-Preflight")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Simple("X-Preflight", s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(HeaderName::new_from_ascii_str(self.0), self.1.clone())
    }
}

/// The instance's key for signing links, made on first use (every process reads the same).
pub async fn link_key(db: &impl ConnectionTrait) -> Result<Vec<u8>, DbErr> {
    const NAME: &str = "link-signing";
    if let Some(k) = instance_secrets::Entity::find_by_id(NAME).one(db).await? {
        return Ok(k.value.into_bytes());
    }
    let made = instance_secrets::Entity::insert(instance_secrets::ActiveModel {
        name: Set(NAME.to_owned()),
        value: Set(crate::secret::new_secret()),
    })
    .exec_without_returning(db)
    .await;
    // Another process may have made it first: theirs is the key.
    if let Err(e) = made {
        tracing::debug!(error = %e, "link key made elsewhere");
    }
    instance_secrets::Entity::find_by_id(NAME)
        .one(db)
        .await?
        .map(|k| k.value.into_bytes())
        .ok_or_else(|| DbErr::RecordNotFound("link-signing key".into()))
}

/// The signature of "`user` may turn off mail of `kind`".
pub fn unsubscribe_tag(key: &[u8], user: i32, kind: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(format!("unsubscribe\0{user}\0{kind}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Whether `tag` signs "`user` may turn off mail of `kind`" (compared in constant time).
pub fn unsubscribe_tag_valid(key: &[u8], user: i32, kind: &str, tag: &str) -> bool {
    let Ok(tag) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(tag) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return false;
    };
    mac.update(format!("unsubscribe\0{user}\0{kind}").as_bytes());
    mac.verify_slice(&tag).is_ok()
}

/// The one-click unsubscribe link of `user` for `kind`.
pub fn unsubscribe_link(base: &str, key: &[u8], user: i32, kind: &str) -> String {
    let tag = unsubscribe_tag(key, user, kind);
    format!("{base}/unsubscribe?u={user}&k={kind}&t={tag}")
}

/// Mails notification `id` if it still waits for its mail: sent once, then marked `sent`;
/// without a mail server marked `off`. An SMTP failure is the job's error (it is retried).
pub async fn deliver_notification(
    db: &impl ConnectionTrait,
    mailer: Option<&Mailer>,
    id: i32,
) -> Result<(), String> {
    let text = |e: DbErr| e.to_string();
    let Some(n) = notifications::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(text)?
    else {
        return Ok(()); // deleted with its item: nothing to say
    };
    if n.mail.as_deref() != Some("queued") {
        return Ok(());
    }
    let person = users::Entity::find_by_id(n.user_id)
        .one(db)
        .await
        .map_err(text)?;
    let (Some(mailer), Some(person)) = (mailer, person.filter(|p| !p.is_disabled)) else {
        return set_mail(db, id, "off").await.map_err(text);
    };
    let key = link_key(db).await.map_err(text)?;
    let letter = notification_letter(mailer.base(), &key, &person, &n)?;
    mailer.send(letter).await?;
    set_mail(db, id, "sent").await.map_err(text)
}

async fn set_mail(db: &impl ConnectionTrait, id: i32, state: &str) -> Result<(), DbErr> {
    notifications::Entity::update_many()
        .col_expr(notifications::Column::Mail, Expr::value(state))
        .filter(notifications::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// The mail of one notification.
pub fn notification_letter(
    base: &str,
    key: &[u8],
    person: &users::Model,
    n: &notifications::Model,
) -> Result<Letter, String> {
    let to = mailbox(person)?;
    let link = format!("{base}{}", n.link);
    let why = kind_info(&n.kind).map_or("notifications", |k| k.label);
    let unsubscribe = unsubscribe_link(base, key, person.id, &n.kind);
    let settings = format!("{base}/account#notifications");
    let subject: String = n.text.chars().take(150).collect();
    let text = format!(
        "{}\n\nOpen it: {link}\n\n-- \nYou get this mail because your Preflight settings mail you when: {why}.\nChange what you get: {settings}\nStop these mails with one click: {unsubscribe}\n",
        n.text
    );
    let e = |s: &str| html_escape::encode_text(s).into_owned();
    let a = |s: &str| html_escape::encode_double_quoted_attribute(s).into_owned();
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">\
         <p>{}</p><p><a href=\"{}\">Open it in Preflight</a></p>\
         <hr><p style=\"color:#555;font-size:13px\">You get this mail because your Preflight \
         settings mail you when: {}. <a href=\"{}\">Change what you get</a> · \
         <a href=\"{}\">Stop these mails</a></p></body></html>",
        e(&n.text),
        a(&link),
        e(why),
        a(&settings),
        a(&unsubscribe),
    );
    Ok(Letter {
        to,
        subject: format!("[Preflight] {subject}"),
        text,
        html,
        unsubscribe: Some(unsubscribe),
    })
}

/// The job that mails one person their daily digest (payload `{"user": id}`).
pub const MAIL_DIGEST: &str = "mail.digest";
/// Lines one digest lists (the rest are counted, and wait in the inbox).
const DIGEST_LINES: usize = 100;

/// Mails `user` every notification waiting for their digest, in one mail, then marks them
/// `sent`; none waiting, no mail.
pub async fn deliver_digest(
    db: &impl ConnectionTrait,
    mailer: Option<&Mailer>,
    user: i32,
) -> Result<(), String> {
    let text = |e: DbErr| e.to_string();
    let waiting = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::Mail.eq("digest"))
        .order_by_asc(notifications::Column::Id)
        .all(db)
        .await
        .map_err(text)?;
    let Some(last) = waiting.last().map(|n| n.id) else {
        return Ok(());
    };
    let person = users::Entity::find_by_id(user)
        .one(db)
        .await
        .map_err(text)?;
    let state = match (mailer, person.filter(|p| !p.is_disabled)) {
        (Some(mailer), Some(person)) => {
            let key = link_key(db).await.map_err(text)?;
            mailer
                .send(digest_letter(mailer.base(), &key, &person, &waiting)?)
                .await?;
            "sent"
        }
        _ => "off",
    };
    notifications::Entity::update_many()
        .col_expr(notifications::Column::Mail, Expr::value(state))
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::Mail.eq("digest"))
        .filter(notifications::Column::Id.lte(last))
        .exec(db)
        .await
        .map_err(text)?;
    Ok(())
}

/// The daily digest of `waiting` to `person`.
pub fn digest_letter(
    base: &str,
    key: &[u8],
    person: &users::Model,
    waiting: &[notifications::Model],
) -> Result<Letter, String> {
    let to = mailbox(person)?;
    let unsubscribe = unsubscribe_link(base, key, person.id, ALL_KINDS);
    let settings = format!("{base}/account#notifications");
    let n = waiting.len();
    let more = n.saturating_sub(DIGEST_LINES);
    let shown = &waiting[..n.min(DIGEST_LINES)];
    let mut text = format!("{n} notification{} since the last digest:\n\n", plural(n));
    for w in shown {
        text.push_str(&format!("- {}\n  {base}{}\n", w.text, w.link));
    }
    if more > 0 {
        text.push_str(&format!(
            "\n… and {more} more in your inbox: {base}/inbox\n"
        ));
    }
    text.push_str(&format!(
        "\n-- \nYou get this digest because you chose one mail a day instead of one per notification.\nChange what you get: {settings}\nStop all Preflight mail with one click: {unsubscribe}\n"
    ));
    let e = |s: &str| html_escape::encode_text(s).into_owned();
    let a = |s: &str| html_escape::encode_double_quoted_attribute(s).into_owned();
    let items: String = shown
        .iter()
        .map(|w| {
            format!(
                "<li><a href=\"{}\">{}</a></li>",
                a(&format!("{base}{}", w.link)),
                e(&w.text)
            )
        })
        .collect();
    let more_html = if more > 0 {
        format!(
            "<p>… and {more} more in <a href=\"{}\">your inbox</a>.</p>",
            a(&format!("{base}/inbox"))
        )
    } else {
        String::new()
    };
    let html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">\
         <p>{n} notification{} since the last digest:</p><ul>{items}</ul>{more_html}\
         <hr><p style=\"color:#555;font-size:13px\">You get this digest because you chose one \
         mail a day instead of one per notification. <a href=\"{}\">Change what you get</a> · \
         <a href=\"{}\">Stop all Preflight mail</a></p></body></html>",
        plural(n),
        a(&settings),
        a(&unsubscribe),
    );
    Ok(Letter {
        to,
        subject: format!(
            "[Preflight] Your daily digest: {n} notification{}",
            plural(n)
        ),
        text,
        html,
        unsubscribe: Some(unsubscribe),
    })
}

/// The unsubscribe "kind" of daily digests: turns off mail of every kind.
pub const ALL_KINDS: &str = "all";
/// The unsubscribe "kind" of the weekly digest: turns it off.
pub const WEEKLY: &str = "weekly";

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub(crate) fn mailbox(person: &users::Model) -> Result<Mailbox, String> {
    Ok(Mailbox::new(
        Some(person.display_name.clone()),
        person
            .email
            .parse()
            .map_err(|_| format!("{} is not a mail address", person.email))?,
    ))
}

/// Sends a test mail to `to` (`preflight mail test`).
pub async fn send_test(mailer: &Mailer, to: &str) -> Result<(), String> {
    let to: Mailbox = to
        .parse()
        .map_err(|_| format!("{to} is not a mail address"))?;
    let when = Utc::now().format("%Y-%m-%d %H:%M UTC");
    mailer
        .send(Letter {
            to,
            subject: "[Preflight] Test mail".to_owned(),
            text: format!(
                "This is a test mail from Preflight at {}, sent {when}.\n\nMail works: people will get the notifications they choose on their account page.\n",
                mailer.base()
            ),
            html: format!(
                "<!doctype html><html><body><p>This is a test mail from Preflight at {}, sent {when}.</p>\
                 <p>Mail works: people will get the notifications they choose on their account page.</p></body></html>",
                html_escape::encode_text(mailer.base())
            ),
            unsubscribe: None,
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tags_are_bound_to_the_person_and_the_kind() {
        let key = b"0123456789abcdef0123456789abcdef";
        let tag = unsubscribe_tag(key, 7, "assigned");
        assert!(unsubscribe_tag_valid(key, 7, "assigned", &tag));
        assert!(
            !unsubscribe_tag_valid(key, 8, "assigned", &tag),
            "another person"
        );
        assert!(
            !unsubscribe_tag_valid(key, 7, "mentioned", &tag),
            "another kind"
        );
        assert!(!unsubscribe_tag_valid(b"another key", 7, "assigned", &tag));
        assert!(!unsubscribe_tag_valid(key, 7, "assigned", "not base64!"));
    }

    // The transport's connection pool starts a task: built inside a runtime, as in `serve`.
    #[tokio::test]
    async fn configuration_mistakes_are_named() {
        let base = Some("https://preflight.example.com");
        assert!(matches!(
            Mailer::new(
                "smtp://me:secret@mail.example.com:587",
                "a@example.com",
                base
            ),
            Err(MailConfigError::ClearPassword)
        ));
        assert!(matches!(
            Mailer::new("smtp://127.0.0.1:2525", "not an address", base),
            Err(MailConfigError::From)
        ));
        assert!(matches!(
            Mailer::new("smtp://127.0.0.1:2525", "a@example.com", None),
            Err(MailConfigError::BaseUrl)
        ));
        assert!(matches!(
            Mailer::new("gopher://x", "a@example.com", base),
            Err(MailConfigError::Url(_))
        ));
        assert!(
            Mailer::new(
                "smtp://me:secret@mail.example.com:587?tls=required",
                "Preflight <a@example.com>",
                base
            )
            .is_ok()
        );
    }
}
