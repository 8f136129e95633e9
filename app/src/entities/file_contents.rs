use sea_orm::entity::prelude::*;

/// The bytes of evidence files, once per content (SHA-256, hex).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "file_contents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub sha256: String,
    #[sea_orm(column_type = "Blob")]
    pub bytes: Vec<u8>,
}

impl ActiveModelBehavior for ActiveModel {}
