//! Template rules: the built-in templates, listing, new projects from a template, saving a
//! project's structure as a team template, deleting one.

use std::sync::LazyLock;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, TransactionSession, TransactionTrait,
};

use super::model::{TemplateCategory, TemplateSummary, TemplatesView};
use crate::{
    audit::service::{Actor, Event, record},
    auth::model::AuthUser,
    authz,
    checklist::rows::project_rows,
    entities::{team_members, teams, templates},
    error::{AppError, Validator},
    import::{
        doc::{self, CategoryDoc, Document, ItemDoc},
        markdown,
        service::{Target, import_document},
    },
    scoring::Status,
    teams::service::teams_where_user_can_create_projects,
};

/// The built-in templates: (slug, description, Markdown).
const BUILTIN_SOURCES: [(&str, &str, &str); 4] = [
    (
        "web-service",
        "An HTTP service or API going to production: reliability, security, observability, \
         data, delivery and operations.",
        include_str!("web_service.md"),
    ),
    (
        "data-pipeline",
        "Batch or streaming jobs that others depend on: correctness, reliability, lineage, \
         privacy and operations.",
        include_str!("data_pipeline.md"),
    ),
    (
        "mobile-app",
        "An iOS or Android app before a store release: stability, release, privacy, \
         accessibility and the backend it needs.",
        include_str!("mobile_app.md"),
    ),
    (
        "security-review",
        "A security review of any system: access control, data protection, input handling, \
         supply chain, detection and response.",
        include_str!("security_review.md"),
    ),
];

/// A built-in template, read once.
pub struct Builtin {
    /// URL-safe key.
    pub slug: &'static str,
    /// What it is for.
    pub description: &'static str,
    /// Its structure.
    pub doc: Document,
}

/// The built-in templates, read by the Markdown importer on first use.
pub static BUILTINS: LazyLock<Vec<Builtin>> = LazyLock::new(|| {
    BUILTIN_SOURCES
        .iter()
        .filter_map(|(slug, description, md)| match markdown::parse(md) {
            Ok(parsed) => Some(Builtin {
                slug,
                description,
                doc: parsed.doc,
            }),
            Err(e) => {
                tracing::error!(template = slug, "built-in template unreadable: {e}");
                None
            }
        })
        .collect()
});

fn summary(
    key: String,
    description: String,
    team: Option<String>,
    doc: &Document,
    can_delete: bool,
) -> TemplateSummary {
    TemplateSummary {
        key,
        name: doc.project.name.clone(),
        description,
        team,
        categories: doc
            .categories
            .iter()
            .map(|c| TemplateCategory {
                name: c.name.clone(),
                items: c
                    .items
                    .iter()
                    .map(|i| (i.title.clone(), i.priority.as_str().to_owned()))
                    .collect(),
            })
            .collect(),
        item_count: doc.item_count(),
        can_delete,
    }
}

/// Ids of the teams the user belongs to (every team for site admins).
async fn team_ids(db: &impl ConnectionTrait, user: &AuthUser) -> Result<Vec<i32>, AppError> {
    if user.is_admin {
        return Ok(teams::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect());
    }
    Ok(team_members::Entity::find()
        .filter(team_members::Column::UserId.eq(user.id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.team_id)
        .collect())
}

/// Built-in templates and the templates of the user's teams.
pub async fn list(db: &impl ConnectionTrait, user: &AuthUser) -> Result<TemplatesView, AppError> {
    let creatable = teams_where_user_can_create_projects(db, user).await?;
    let mut out: Vec<TemplateSummary> = BUILTINS
        .iter()
        .map(|b| {
            summary(
                format!("builtin:{}", b.slug),
                b.description.to_owned(),
                None,
                &b.doc,
                false,
            )
        })
        .collect();
    let ids = team_ids(db, user).await?;
    let rows = templates::Entity::find()
        .filter(templates::Column::TeamId.is_in(ids))
        .find_also_related(teams::Entity)
        .order_by_asc(templates::Column::Name)
        .all(db)
        .await?;
    for (t, team) in rows {
        let Ok(doc) = doc::from_json(&t.body) else {
            tracing::error!(template = t.id, "unreadable template body");
            continue;
        };
        let can_delete = creatable.iter().any(|c| c.id == t.team_id);
        out.push(summary(
            format!("team:{}", t.id),
            t.description.clone(),
            team.map(|x| x.name),
            &doc,
            can_delete,
        ));
    }
    Ok(TemplatesView {
        templates: out,
        teams: creatable,
    })
}

/// The structure a key names, if the user may use it: a built-in, or a template of one of
/// the user's teams (`NotFound` otherwise).
async fn structure(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    key: &str,
) -> Result<Document, AppError> {
    if let Some(slug) = key.strip_prefix("builtin:") {
        return BUILTINS
            .iter()
            .find(|b| b.slug == slug)
            .map(|b| b.doc.clone())
            .ok_or(AppError::NotFound);
    }
    let id: i32 = key
        .strip_prefix("team:")
        .and_then(|id| id.parse().ok())
        .ok_or(AppError::NotFound)?;
    let t = templates::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if !team_ids(db, user).await?.contains(&t.team_id) {
        return Err(AppError::NotFound);
    }
    doc::from_json(&t.body).map_err(|_| AppError::Internal)
}

/// Creates a project from a template in a team where the user may create projects. The
/// name defaults to the template's. Returns the project's slug.
pub async fn create_project(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    key: &str,
    team_id: i32,
    name: String,
    slug: String,
    tier: Option<i32>,
) -> Result<String, AppError> {
    let mut doc = structure(db, user, key).await?;
    if let Some(tier) = tier {
        let sections = crate::tiers::service::sections(db, tier).await?;
        doc.categories
            .retain(|c| crate::tiers::rules::in_tier(&sections, &c.name));
    }
    let (slug, _) = import_document(
        db,
        user,
        Target::New {
            team_id,
            name,
            slug,
        },
        doc,
        "template",
    )
    .await?;
    if let Some(tier) = tier {
        // Its creator may make projects in the team; the tier is part of making it.
        let project = crate::projects::access::find_by_slug(db, &slug).await?;
        let txn = crate::txn::begin(db).await?;
        crate::tiers::service::assign(&txn, user, &project, Some(tier)).await?;
        txn.commit().await?;
    }
    Ok(slug)
}

/// A project's structure: categories with weights, items with titles, descriptions,
/// priorities and blocking; no statuses, people, dates, efforts or scores.
async fn structure_of(
    db: &impl ConnectionTrait,
    project_id: i32,
    name: &str,
) -> Result<Document, AppError> {
    let (cats, rows) = project_rows(db, project_id).await?;
    let mut doc = Document::new(name);
    for c in cats {
        let mut cat = CategoryDoc::new(c.name.clone());
        cat.weight = c.weight;
        cat.items = rows
            .iter()
            .filter(|i| i.category_id == c.id)
            .map(|i| {
                let mut item = ItemDoc::new(i.title.clone());
                item.description = i.description.clone();
                item.priority = i.priority;
                item.status = Status::Open;
                item.blocking = Some(i.blocking);
                item
            })
            .collect();
        doc.categories.push(cat);
    }
    Ok(doc)
}

/// Saves project `slug`'s structure as a template of its team (editors). Returns its key.
pub async fn save_project(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    name: String,
    description: String,
) -> Result<String, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_edit()?;
    let project = seen.project;
    let name = name.trim().to_owned();
    let description = description.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .at_most(&name, 120, "name")
        .at_most(&description, 2000, "description")
        .finish()?;
    let doc = structure_of(db, project.id, &name).await?;
    if doc.categories.is_empty() {
        return Err(AppError::field(
            "name",
            "This project has no categories yet: there is no structure to save.",
        ));
    }
    let taken = || AppError::field("name", "Your team already has a template with this name.");
    if templates::Entity::find()
        .filter(templates::Column::TeamId.eq(project.team_id))
        .filter(templates::Column::Name.eq(&name))
        .one(db)
        .await?
        .is_some()
    {
        return Err(taken());
    }
    let txn = crate::txn::begin(db).await?;
    let t = templates::ActiveModel {
        team_id: Set(project.team_id),
        name: Set(name.clone()),
        description: Set(description),
        body: Set(doc::to_json(&doc)),
        categories: Set(i32::try_from(doc.categories.len()).unwrap_or(i32::MAX)),
        items: Set(i32::try_from(doc.item_count()).unwrap_or(i32::MAX)),
        created_by: Set(Some(user.id)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| AppError::unique_or_internal(e, taken))?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("template", t.id, "created")
            .in_project(&project)
            .after(&serde_json::json!({"name": name, "from_project": project.slug})),
    )
    .await?;
    txn.commit().await?;
    Ok(format!("team:{}", t.id))
}

/// Deletes a team template (editors and owners of its team).
pub async fn delete(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let t = templates::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::can_create_project_in_team(db, user, t.team_id).await?;
    let txn = crate::txn::begin(db).await?;
    templates::Entity::delete_by_id(t.id).exec(&txn).await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("template", t.id, "deleted")
            .team(t.team_id)
            .before(&serde_json::json!({"name": t.name})),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::Priority;

    #[test]
    fn every_builtin_template_reads_as_a_full_structure() {
        assert_eq!(
            BUILTINS.len(),
            BUILTIN_SOURCES.len(),
            "each built-in parses"
        );
        for b in BUILTINS.iter() {
            let d = &b.doc;
            assert!(!d.project.name.is_empty(), "{}", b.slug);
            assert!(
                d.categories.len() >= 5,
                "{}: {} categories",
                b.slug,
                d.categories.len()
            );
            assert!(d.item_count() >= 15, "{}: {} items", b.slug, d.item_count());
            for p in Priority::ALL {
                assert!(
                    d.categories
                        .iter()
                        .flat_map(|c| &c.items)
                        .any(|i| i.priority == p),
                    "{} has no {p:?} item",
                    b.slug
                );
            }
            for c in &d.categories {
                assert!(c.assessor_score.is_none(), "{}: {}", b.slug, c.name);
                for i in &c.items {
                    assert_eq!(i.status, Status::Open, "{}: {}", b.slug, i.title);
                    assert!(
                        i.description.len() > 20,
                        "{}: {} needs a description",
                        b.slug,
                        i.title
                    );
                    assert!(i.assignee.is_none() && i.effort_hours.is_none());
                }
            }
        }
        let names: Vec<&str> = BUILTINS
            .iter()
            .map(|b| b.doc.project.name.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "Web service",
                "Data pipeline",
                "Mobile app",
                "Security review"
            ]
        );
    }
}
