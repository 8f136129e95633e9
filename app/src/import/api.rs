//! Import server functions. Each authorizes inside its service call: importing into a
//! project needs the editor role there, a new project the editor role in the chosen team.

use leptos::prelude::*;

use super::model::ImportPreview;
use crate::error::AppError;

/// Where the form says the document goes: project `project` (a slug), else a new project in
/// team `team_id`.
#[cfg(feature = "ssr")]
fn target(
    project: String,
    team_id: &str,
    name: String,
    slug: String,
) -> Result<super::service::Target, AppError> {
    use super::service::Target;
    if !project.trim().is_empty() {
        return Ok(Target::Existing(project));
    }
    let team_id = team_id
        .trim()
        .parse::<i32>()
        .map_err(|_| AppError::field("team_id", "Choose a team."))?;
    Ok(Target::New {
        team_id,
        name,
        slug,
    })
}

/// Reads a document (`format`: markdown, csv or json) and shows what importing it would do.
/// Writes nothing.
#[server(prefix = "/rpc", endpoint = "preview_import")]
pub async fn preview_import(
    #[server(default)] project: String,
    #[server(default)] team_id: String,
    format: String,
    document: String,
) -> Result<ImportPreview, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    let target = target(project, &team_id, String::new(), String::new())?;
    let today = chrono::Utc::now().date_naive();
    super::service::preview(&db()?, &user, &target, &format, &document, today).await
}

/// Imports a document into project `project`, or into a new project in team `team_id`
/// (named `name`, else as the document says), then goes to the project.
#[server(prefix = "/rpc", endpoint = "run_import")]
pub async fn run_import(
    #[server(default)] project: String,
    #[server(default)] team_id: String,
    #[server(default)] name: String,
    #[server(default)] slug: String,
    format: String,
    document: String,
) -> Result<String, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    let target = target(project, &team_id, name, slug)?;
    let (slug, summary) = super::service::import(&db()?, &user, target, &format, document).await?;
    leptos_axum::redirect(&format!(
        "/p/{slug}?imported={}&updated={}",
        summary.items_added, summary.items_updated
    ));
    Ok(slug)
}
