//! Each person's choice of channels per kind of notification, and their mail settings.

use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    TransactionSession, TransactionTrait, sea_query::OnConflict,
};

use super::model::{KINDS, PrefRow, PrefsView, kind_info};
use crate::{
    auth::model::AuthUser,
    entities::{notification_prefs, users},
    error::AppError,
};

/// Where one notification goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Channels {
    /// Listed in the inbox.
    pub inbox: bool,
    /// Mailed: `Some(true)` as its own mail, `Some(false)` in the daily digest.
    pub email: Option<bool>,
}

impl Channels {
    /// Neither shown nor mailed.
    pub fn none(&self) -> bool {
        !self.inbox && self.email.is_none()
    }
}

/// The channels `user` takes notifications of `kind` on: their choice, else the kind's default.
/// A disabled account takes none.
pub async fn channels(db: &impl ConnectionTrait, user: i32, kind: &str) -> Result<Channels, DbErr> {
    let off = Channels {
        inbox: false,
        email: None,
    };
    let (Some(person), Some(default)) = (
        users::Entity::find_by_id(user).one(db).await?,
        kind_info(kind),
    ) else {
        return Ok(off);
    };
    if person.is_disabled {
        return Ok(off);
    }
    let chosen = notification_prefs::Entity::find_by_id((user, kind.to_owned()))
        .one(db)
        .await?;
    let (inbox, email) = chosen.map_or((default.inbox, default.email), |c| (c.inbox, c.email));
    Ok(Channels {
        inbox,
        email: email.then_some(person.mail_mode != "daily"),
    })
}

/// `user`'s settings as `/account` shows them.
pub async fn prefs(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    mail_on: bool,
) -> Result<PrefsView, AppError> {
    let person = users::Entity::find_by_id(user.id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let chosen = notification_prefs::Entity::find()
        .filter(notification_prefs::Column::UserId.eq(user.id))
        .all(db)
        .await?;
    let rows = KINDS
        .iter()
        .map(|k| {
            let c = chosen.iter().find(|c| c.kind == k.kind);
            PrefRow {
                kind: k.kind.to_owned(),
                label: k.label.to_owned(),
                inbox: c.map_or(k.inbox, |c| c.inbox),
                email: c.map_or(k.email, |c| c.email),
            }
        })
        .collect();
    Ok(PrefsView {
        rows,
        mail_mode: person.mail_mode,
        weekly_digest: person.weekly_digest,
        time_zone: person.time_zone,
        mail_on,
        email: person.email,
    })
}

/// What the preferences form sends: the kinds ticked for each channel, and the mail settings.
#[derive(Clone, Debug, Default)]
pub struct PrefsInput {
    /// Kinds shown in the inbox.
    pub inbox: Vec<String>,
    /// Kinds mailed.
    pub email: Vec<String>,
    /// `each` or `daily`.
    pub mail_mode: String,
    /// The Monday digest.
    pub weekly_digest: bool,
    /// IANA time zone name; blank: UTC.
    pub time_zone: String,
}

/// Saves `user`'s choices: every kind gets a row (unticked is off), so a later change of a
/// kind's default does not change what they chose.
pub async fn save(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    input: PrefsInput,
) -> Result<(), AppError> {
    if let Some(bad) = input
        .inbox
        .iter()
        .chain(&input.email)
        .find(|k| kind_info(k).is_none())
    {
        let bad: String = bad.chars().take(40).collect();
        return Err(AppError::field(
            "inbox",
            format!("“{bad}” is not a kind of notification."),
        ));
    }
    if !matches!(input.mail_mode.as_str(), "each" | "daily") {
        return Err(AppError::field("mail_mode", "Choose “each” or “daily”."));
    }
    let zone = match input.time_zone.trim() {
        "" => "UTC".to_owned(),
        z => match z.parse::<chrono_tz::Tz>() {
            Ok(tz) => tz.name().to_owned(),
            Err(_) => {
                let z: String = z.chars().take(40).collect();
                return Err(AppError::field(
                    "time_zone",
                    format!(
                        "“{z}” is not a time zone name: write one like Europe/Berlin, America/New_York or UTC."
                    ),
                ));
            }
        },
    };
    let rows = KINDS.iter().map(|k| notification_prefs::ActiveModel {
        user_id: Set(user.id),
        kind: Set(k.kind.to_owned()),
        inbox: Set(input.inbox.iter().any(|i| i == k.kind)),
        email: Set(input.email.iter().any(|e| e == k.kind)),
    });
    let txn = crate::txn::begin(db).await?;
    notification_prefs::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                notification_prefs::Column::UserId,
                notification_prefs::Column::Kind,
            ])
            .update_columns([
                notification_prefs::Column::Inbox,
                notification_prefs::Column::Email,
            ])
            .to_owned(),
        )
        .exec(&txn)
        .await?;
    users::Entity::update_many()
        .col_expr(users::Column::MailMode, input.mail_mode.into())
        .col_expr(users::Column::WeeklyDigest, input.weekly_digest.into())
        .col_expr(users::Column::TimeZone, zone.into())
        .filter(users::Column::Id.eq(user.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// Turns off mail of `kind` for `user` (the one-click unsubscribe; [`super::mail::ALL_KINDS`]:
/// every kind); the inbox keeps them.
pub async fn unsubscribe(db: &impl ConnectionTrait, user: i32, kind: &str) -> Result<(), DbErr> {
    if kind == super::mail::WEEKLY {
        users::Entity::update_many()
            .col_expr(users::Column::WeeklyDigest, false.into())
            .filter(users::Column::Id.eq(user))
            .exec(db)
            .await?;
        return Ok(());
    }
    if kind == super::mail::ALL_KINDS {
        for k in KINDS {
            unsubscribe_one(db, user, k.kind).await?;
        }
        return Ok(());
    }
    unsubscribe_one(db, user, kind).await
}

async fn unsubscribe_one(db: &impl ConnectionTrait, user: i32, kind: &str) -> Result<(), DbErr> {
    let inbox = kind_info(kind).is_none_or(|k| k.inbox);
    let existing = notification_prefs::Entity::find_by_id((user, kind.to_owned()))
        .one(db)
        .await?;
    notification_prefs::Entity::insert(notification_prefs::ActiveModel {
        user_id: Set(user),
        kind: Set(kind.to_owned()),
        inbox: Set(existing.map_or(inbox, |e| e.inbox)),
        email: Set(false),
    })
    .on_conflict(
        OnConflict::columns([
            notification_prefs::Column::UserId,
            notification_prefs::Column::Kind,
        ])
        .update_column(notification_prefs::Column::Email)
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}
