//! Template server functions. Each authorizes inside its service call.

use leptos::prelude::*;

use super::model::TemplatesView;
use crate::error::AppError;

/// Built-in templates and the templates of the user's teams.
#[server(prefix = "/rpc", endpoint = "list_templates", input = server_fn::codec::GetUrl)]
pub async fn list_templates() -> Result<TemplatesView, AppError> {
    use crate::state::{db, require_user};
    super::service::list(&db()?, &require_user()?).await
}

/// A new project from template `template` in team `team_id`, then goes to it.
#[server(prefix = "/rpc", endpoint = "create_from_template")]
pub async fn create_from_template(
    template: String,
    team_id: i32,
    #[server(default)] name: String,
    #[server(default)] slug: String,
    /// A launch tier (0: none): the project gets only its sections, and its threshold and
    /// sign-offs.
    #[server(default)]
    tier: i32,
) -> Result<String, AppError> {
    use crate::state::{db, require_user};
    let tier = (tier > 0).then_some(tier);
    let slug = super::service::create_project(
        &db()?,
        &require_user()?,
        &template,
        team_id,
        name,
        slug,
        tier,
    )
    .await?;
    leptos_axum::redirect(&format!("/p/{slug}"));
    Ok(slug)
}

/// Saves project `slug`'s structure as a template of its team.
#[server(prefix = "/rpc", endpoint = "save_as_template")]
pub async fn save_as_template(
    slug: String,
    name: String,
    #[server(default)] description: String,
) -> Result<String, AppError> {
    use crate::state::{db, require_user};
    super::service::save_project(&db()?, &require_user()?, &slug, name, description).await
}

/// Deletes a team template.
#[server(prefix = "/rpc", endpoint = "delete_template")]
pub async fn delete_template(template_id: i32) -> Result<(), AppError> {
    use crate::state::{db, require_user};
    super::service::delete(&db()?, &require_user()?, template_id).await
}
