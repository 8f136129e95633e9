//! Server functions for exceptions. Each authorizes inside.

use leptos::prelude::*;

use super::model::ExceptionView;
use crate::error::AppError;

/// Exception requests across the viewer's teams: pending, approved (expiring first), declined.
#[server(prefix = "/rpc", endpoint = "list_exceptions", input = server_fn::codec::GetUrl)]
pub async fn list_exceptions() -> Result<Vec<ExceptionView>, AppError> {
    use crate::state::{app_state, require_user};
    let user = require_user()?;
    let state = app_state()?;
    super::service::list(&state.db, &user, state.clock.today()).await
}

/// Approves (`approve=true`) or declines a pending request, with a comment.
#[server(prefix = "/rpc", endpoint = "decide_exception")]
pub async fn decide_exception(
    id: i32,
    approve: bool,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use crate::state::{app_state, require_user};
    let user = require_user()?;
    let state = app_state()?;
    super::service::decide(&state.db, &user, id, approve, &comment, state.clock.today()).await
}

/// A project's exception policy: which changes need approval, the longest an approved
/// acceptance holds, and who approves (`group_id`: a reviewer group; empty: the team's owners).
/// Team owners.
#[server(prefix = "/rpc", endpoint = "set_exception_policy")]
pub async fn set_exception_policy(
    slug: String,
    #[server(default)] accepted_risk: Option<String>,
    #[server(default)] not_applicable: Option<String>,
    max_days: i32,
    #[server(default)] group_id: Option<String>,
) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    let on = |v: &Option<String>| matches!(v.as_deref(), Some("on" | "true" | "1"));
    let group_id = match group_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(v) => Some(
            v.parse::<i32>()
                .map_err(|_| AppError::field("group_id", "Choose a reviewer group."))?,
        ),
    };
    super::service::set_policy(
        &db()?,
        &require_user()?,
        &slug,
        on(&accepted_risk),
        on(&not_applicable),
        max_days,
        group_id,
    )
    .await
}

/// A project's exception policy, and whether the viewer may change it.
#[server(prefix = "/rpc", endpoint = "get_exception_policy", input = server_fn::codec::GetUrl)]
pub async fn get_exception_policy(slug: String) -> Result<super::model::ExceptionPolicy, AppError> {
    use crate::state::{db, require_user};
    super::service::policy(&db()?, &require_user()?, &slug).await
}
