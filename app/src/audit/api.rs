//! Server function for the audit log (site admins).

use leptos::prelude::*;

use super::model::AuditPage;
use crate::error::AppError;

/// One page of the audit log, filtered by actor email, entity kind and date range
/// (`YYYY-MM-DD`, inclusive). Blank filters are ignored.
#[server(prefix = "/rpc", endpoint = "list_audit", input = server_fn::codec::GetUrl)]
pub async fn list_audit(
    #[server(default)] actor: String,
    #[server(default)] entity: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] page: u64,
) -> Result<AuditPage, AppError> {
    use super::service::{AuditFilter, list};
    use crate::{
        authz,
        error::Validator,
        state::{db, require_user},
    };
    let user = require_user()?;
    authz::require_admin(&user)?;
    let date = |s: &str| {
        let s = s.trim();
        if s.is_empty() {
            Ok(None)
        } else {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Some)
        }
    };
    let (from, to) = (date(&from), date(&to));
    Validator::default()
        .check(from.is_err(), "from", "Use a date like 2026-11-24.")
        .check(to.is_err(), "to", "Use a date like 2026-11-24.")
        .finish()?;
    let blank = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let filter = AuditFilter {
        actor: blank(actor),
        entity: blank(entity),
        from: from.ok().flatten(),
        to: to.ok().flatten(),
    };
    list(&db()?, &filter, page).await
}
