use sea_orm::entity::prelude::*;

/// An account. `password_hash` is an argon2id PHC string; this model is never serialized.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub is_disabled: bool,
    pub must_change_password: bool,
    /// `each` (a mail per notification) or `daily` (one digest a day).
    pub mail_mode: String,
    /// The Monday mail: the week ahead and what changed.
    pub weekly_digest: bool,
    /// IANA time zone name: when "today" and "Monday morning" are for this person.
    pub time_zone: String,
    /// The TOTP secret sealed under `PREFLIGHT_SECRET_KEY`; `None`: no second factor.
    #[sea_orm(column_type = "Text", nullable)]
    pub totp_secret: Option<String>,
    /// When the second factor was confirmed (a secret without it is an enrolment underway).
    pub totp_enabled_at: Option<DateTimeUtc>,
    /// The last 30-second step a code was accepted for (a code is good once).
    pub totp_last_step: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub memberships: HasMany<super::team_members::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
