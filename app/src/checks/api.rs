//! Server functions for checks; each authorizes in the service.
// A server function takes one parameter per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::{CheckInput, CheckView};
use crate::error::AppError;

/// Adds a check to an item (editors). Answers its id.
#[server(prefix = "/rpc", endpoint = "create_check")]
pub async fn create_check(
    item_id: i32,
    kind: String,
    #[server(default)] url: String,
    #[server(default)] method: String,
    #[server(default)] expect_status: String,
    #[server(default)] body_contains: String,
    #[server(default)] header: String,
    #[server(default)] host: String,
    #[server(default)] min_days: String,
    #[server(default)] expect_address: String,
    #[server(default)] timeout: String,
    #[server(default)] interval_minutes: String,
    #[server(default)] key: String,
    #[server(default)] ttl_hours: String,
) -> Result<i32, AppError> {
    use crate::state::{app_state, require_user};
    let s = app_state()?;
    let input = CheckInput {
        kind,
        url,
        method,
        expect_status,
        body_contains,
        header,
        host,
        min_days,
        expect_address,
        timeout,
        interval_minutes,
        key,
        ttl_hours,
    };
    super::service::create_check(
        &s.db,
        &require_user()?,
        item_id,
        &input,
        s.settings.checks_allow_private,
        s.clock.now(),
    )
    .await
}

/// Removes a check (editors).
#[server(prefix = "/rpc", endpoint = "delete_check")]
pub async fn delete_check(check_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::delete_check(&db()?, &require_user()?, check_id).await
}

/// Runs a probe now (editors) and answers the check with its new state.
#[server(prefix = "/rpc", endpoint = "run_check")]
pub async fn run_check(check_id: i32) -> Result<CheckView, AppError> {
    use crate::state::{app_state, require_user};
    let s = app_state()?;
    super::service::run_now(&s.db, &require_user()?, check_id, &s.prober, s.clock.now()).await
}
