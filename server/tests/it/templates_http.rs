//! Templates over HTTP: built-in templates become projects; a project's structure saved as a
//! team template (no statuses or people), used, kept from other teams, deleted.

use app::entities::{categories, items, projects};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{TestServer, error_kind};

async fn items_of(s: &TestServer, slug: &str) -> Vec<items::Model> {
    let p = projects::Entity::find()
        .filter(projects::Column::Slug.eq(slug))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no project {slug}"));
    items::Entity::find()
        .filter(items::Column::ProjectId.eq(p.id))
        .all(&s.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_builtin_template_becomes_a_project_of_open_gaps() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let view = s.get_json(&c, "/rpc/list_templates").await;
    let templates = view["templates"].as_array().unwrap();
    let builtins: Vec<&str> = templates
        .iter()
        .filter(|t| t["team"].is_null())
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        builtins,
        [
            "Web service",
            "Data pipeline",
            "Mobile app",
            "Security review"
        ]
    );
    let web = &templates[0];
    let expected_items = web["item_count"].as_u64().unwrap();
    let expected_categories = web["categories"].as_array().unwrap().len() as u64;

    s.call_ok(
        &c,
        "create_from_template",
        &[
            ("template", "builtin:web-service"),
            ("team_id", &team),
            ("name", "Checkout"),
        ],
    )
    .await;
    let rows = items_of(&s, "checkout").await;
    assert_eq!(rows.len() as u64, expected_items);
    assert!(
        rows.iter()
            .all(|i| i.status.as_str() == "open" && i.assignee_id.is_none())
    );
    assert!(
        rows.iter()
            .any(|i| i.priority.as_str() == "critical" && i.blocking)
    );
    assert_eq!(
        categories::Entity::find().count(&s.db).await.unwrap(),
        expected_categories
    );
    let checklist = s.get_json(&c, "/rpc/get_checklist?slug=checkout").await;
    assert_eq!(checklist["score"]["verdict"], "not_ready");

    let (status, _) = error_kind(
        s.call(
            &c,
            "create_from_template",
            &[("template", "builtin:nope"), ("team_id", &team)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_saved_template_keeps_structure_only_and_stays_in_its_team() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let doc = "## Ops\n- [x] **Backups** - restored monthly\n- [ ] Alerts CRITICAL\n## Security\n- [ ] TLS\n";
    let res = s
        .call(
            &c,
            "run_import",
            &[
                ("team_id", &team),
                ("format", "markdown"),
                ("document", doc),
                ("slug", "shop"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (status, key) = error_kind(
        s.call(
            &c,
            "save_as_template",
            &[
                ("slug", "shop"),
                ("name", "Shop launch"),
                ("description", "Our usual"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{key}");
    let key = key.as_str().unwrap().to_owned();
    assert!(key.starts_with("team:"));
    let (status, body) = error_kind(
        s.call(
            &c,
            "save_as_template",
            &[("slug", "shop"), ("name", "Shop launch")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "the same name twice: {body}");
    assert!(body.to_string().contains("already has a template"));

    let res = s
        .call(
            &c,
            "create_from_template",
            &[("template", &key), ("team_id", &team), ("name", "Shop two")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let rows = items_of(&s, "shop-two").await;
    assert_eq!(rows.len(), 3);
    let backups = rows.iter().find(|i| i.title == "Backups").unwrap();
    assert_eq!(
        backups.status.as_str(),
        "open",
        "statuses are not part of a template"
    );
    assert_eq!(backups.description, "restored monthly");
    let alerts = rows.iter().find(|i| i.title == "Alerts").unwrap();
    assert_eq!(
        (alerts.priority.as_str(), alerts.blocking),
        ("critical", true)
    );

    // Another team neither sees nor uses it.
    let other = s.client();
    s.add_user("eve@example.com", false).await;
    s.login(&other, "eve@example.com", crate::support::PASSWORD)
        .await;
    let view = s.get_json(&other, "/rpc/list_templates").await;
    assert_eq!(
        view["templates"].as_array().unwrap().len(),
        4,
        "built-ins only"
    );
    let (status, _) = error_kind(
        s.call(
            &other,
            "create_from_template",
            &[("template", &key), ("team_id", &team)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
    let id = key.trim_start_matches("team:").to_owned();
    let (status, _) = error_kind(
        s.call(&other, "delete_template", &[("template_id", &id)])
            .await,
    )
    .await;
    assert_eq!(status, 404);

    let res = s.call(&c, "delete_template", &[("template_id", &id)]).await;
    assert_eq!(res.status(), 200);
    let view = s.get_json(&c, "/rpc/list_templates").await;
    assert_eq!(view["templates"].as_array().unwrap().len(), 4);
    let trail = s.audit_trail().await;
    assert!(trail.contains(&("template".into(), "created".into())));
    assert!(trail.contains(&("template".into(), "deleted".into())));
}
