//! Risk register server functions. Each authorizes inside its service call.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::model::{MatrixSettings, RegisterView, RiskDetail, RiskFilter};
use crate::error::AppError;

/// The register of project `slug`, filtered and sorted.
#[server(prefix = "/rpc", endpoint = "get_risks", input = server_fn::codec::GetUrl)]
pub async fn get_risks(
    slug: String,
    #[server(default)] filter: RiskFilter,
) -> Result<RegisterView, AppError> {
    use crate::state::{db, require_user};
    super::service::register(&db()?, &require_user()?, &slug, &filter).await
}

/// One risk with its mitigating items.
#[server(prefix = "/rpc", endpoint = "get_risk", input = server_fn::codec::GetUrl)]
pub async fn get_risk(risk_id: i32) -> Result<RiskDetail, AppError> {
    use crate::state::{db, require_user};
    super::service::detail(&db()?, &require_user()?, risk_id).await
}

/// Adds a risk to project `slug`.
#[server(prefix = "/rpc", endpoint = "create_risk")]
pub async fn create_risk(
    slug: String,
    title: String,
    #[server(default)] description: String,
    #[server(default)] category: String,
    #[server(default)] owner: String,
    #[server(default)] status: String,
    #[server(default)] likelihood: String,
    #[server(default)] impact: String,
    #[server(default)] target_likelihood: String,
    #[server(default)] target_impact: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    let input = super::service::RiskInput {
        title,
        description,
        category,
        owner,
        status,
        likelihood,
        impact,
        target_likelihood,
        target_impact,
    };
    super::service::create_risk(&db()?, &require_user()?, &slug, input).await
}

/// Changes a risk seen at `version`; returns the new version.
#[server(prefix = "/rpc", endpoint = "update_risk")]
pub async fn update_risk(
    risk_id: i32,
    version: i32,
    title: String,
    #[server(default)] description: String,
    #[server(default)] category: String,
    #[server(default)] owner: String,
    #[server(default)] status: String,
    #[server(default)] likelihood: String,
    #[server(default)] impact: String,
    #[server(default)] target_likelihood: String,
    #[server(default)] target_impact: String,
) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    super::service::update_risk(&db()?, &require_user()?, risk_id, version, |r| {
        *r = super::service::RiskInput {
            title,
            description,
            category,
            owner,
            status,
            likelihood,
            impact,
            target_likelihood,
            target_impact,
        }
    })
    .await
}

/// Changes only a risk's status (the register's inline control).
#[server(prefix = "/rpc", endpoint = "set_risk_status")]
pub async fn set_risk_status(risk_id: i32, version: i32, status: String) -> Result<i32, AppError> {
    use crate::state::{db, require_user};
    super::service::update_risk(&db()?, &require_user()?, risk_id, version, |r| {
        r.status = status
    })
    .await
}

/// Deletes a risk.
#[server(prefix = "/rpc", endpoint = "delete_risk")]
pub async fn delete_risk(
    risk_id: i32,
    /// Where the browser goes afterwards (a local path; `{id}`: the new id), for pages.
    #[server(default)]
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::state::{db, redirect_next, require_user};
    super::service::delete_risk(&db()?, &require_user()?, risk_id).await?;
    redirect_next(next.as_deref(), risk_id);
    Ok(())
}

/// Links a checklist item to a risk as a mitigation (`linked = false` unlinks it).
#[server(prefix = "/rpc", endpoint = "link_risk_item")]
pub async fn link_risk_item(risk_id: i32, item_id: i32, linked: bool) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::set_link(&db()?, &require_user()?, risk_id, item_id, linked).await
}

/// Creates a risk from a failed critical or high item, linked to it; returns the risk's id.
#[server(prefix = "/rpc", endpoint = "create_risk_from_item")]
pub async fn create_risk_from_item(
    item_id: i32,
    /// Where the browser goes afterwards (a local path; `{id}`: the new id), for pages.
    #[server(default)]
    next: Option<String>,
) -> Result<i32, AppError> {
    use crate::state::{db, redirect_next, require_user};
    let id = super::service::create_from_item(&db()?, &require_user()?, item_id).await?;
    redirect_next(next.as_deref(), id);
    Ok(id)
}

/// The matrix editor for project `slug`, optionally resized to a draft size.
#[server(prefix = "/rpc", endpoint = "get_matrix_settings", input = server_fn::codec::GetUrl)]
pub async fn get_matrix_settings(
    slug: String,
    #[server(default)] likelihood_steps: Option<usize>,
    #[server(default)] impact_steps: Option<usize>,
) -> Result<MatrixSettings, AppError> {
    use crate::state::{db, require_user};
    let size = match (likelihood_steps, impact_steps) {
        (Some(l), Some(i)) => Some((
            l.clamp(super::matrix::MIN_STEPS, super::matrix::MAX_STEPS),
            i.clamp(super::matrix::MIN_STEPS, super::matrix::MAX_STEPS),
        )),
        _ => None,
    };
    super::service::matrix_settings(&db()?, &require_user()?, &slug, size).await
}

/// Saves project `slug`'s risk matrix seen at `version`; returns how many risks moved.
#[server(prefix = "/rpc", endpoint = "save_risk_matrix")]
pub async fn save_risk_matrix(
    slug: String,
    version: i32,
    #[server(default)] likelihood_labels: Vec<String>,
    #[server(default)] impact_labels: Vec<String>,
    #[server(default)] levels: Vec<String>,
    #[server(default)] confirm_remap: Option<String>,
) -> Result<usize, AppError> {
    use crate::state::{db, require_user};
    let input = super::service::MatrixInput {
        likelihood: likelihood_labels,
        impact: impact_labels,
        levels,
        confirm_remap: confirm_remap.is_some_and(|c| !c.is_empty()),
    };
    super::service::save_matrix(&db()?, &require_user()?, &slug, version, input).await
}
