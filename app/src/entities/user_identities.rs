use sea_orm::entity::prelude::*;

/// An account's identity at an OpenID Connect provider: the provider's `sub`, never the email,
/// is what signs the account in.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_identities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub issuer: String,
    pub subject: String,
    /// The email the provider last said (shown to admins; not used to match).
    pub email: String,
    pub created_at: DateTimeUtc,
    pub last_used_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
