//! What pages and the API show of evidence files.

use serde::{Deserialize, Serialize};

/// One attached file (its metadata; the bytes are downloaded apart).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FileView {
    /// Id.
    pub id: i32,
    /// The item it is evidence for.
    pub item_id: i32,
    /// Its name, as uploaded (without any folder).
    pub name: String,
    /// Its type, read from its bytes.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of its bytes (hex).
    pub sha256: String,
    /// Who attached it.
    pub uploaded_by: Option<String>,
    /// When (UTC, RFC 3339).
    pub uploaded_at: String,
    /// Where a signed-in browser downloads it.
    pub download: String,
}

/// "2.4 MB", "830 KB", "12 bytes".
pub fn human_size(bytes: i64) -> String {
    const K: i64 = 1024;
    match bytes {
        b if b >= K * K => format!("{:.1} MB", b as f64 / (K * K) as f64),
        b if b >= K => format!("{} KB", (b + K / 2) / K),
        1 => "1 byte".to_owned(),
        b => format!("{b} bytes"),
    }
}
