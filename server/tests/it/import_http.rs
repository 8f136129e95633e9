//! Importing documents over HTTP: the preview writes nothing; Markdown, CSV and Preflight
//! JSON become projects or merge into one without duplicating; bad input is a 422 with
//! nothing written.

use app::entities::{categories, items, projects, risks};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::support::{TestServer, error_kind};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../app/tests/fixtures/readiness/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    // The fixtures are mojibake on purpose; the importer repairs them.
    String::from_utf8(std::fs::read(&path).unwrap()).unwrap()
}

async fn project(s: &TestServer, slug: &str) -> projects::Model {
    projects::Entity::find()
        .filter(projects::Column::Slug.eq(slug))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no project {slug}"))
}

/// (category, title, status, priority, blocking) of every item, in order.
async fn rows(s: &TestServer, project_id: i32) -> Vec<(String, String, String, String, bool)> {
    let cats: Vec<categories::Model> = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project_id))
        .order_by_asc(categories::Column::Position)
        .all(&s.db)
        .await
        .unwrap();
    let mut out = Vec::new();
    for c in cats {
        let its = items::Entity::find()
            .filter(items::Column::CategoryId.eq(c.id))
            .order_by_asc(items::Column::Position)
            .all(&s.db)
            .await
            .unwrap();
        for i in its {
            out.push((
                c.name.clone(),
                i.title,
                i.status.as_str().to_owned(),
                i.priority.as_str().to_owned(),
                i.blocking,
            ));
        }
    }
    out
}

#[tokio::test]
async fn a_markdown_document_previews_then_becomes_a_project_and_reimports_as_no_change() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let doc = fixture("002_21aca61c4e78909a.txt");
    let res = s
        .call(
            &c,
            "preview_import",
            &[
                ("team_id", &team),
                ("format", "markdown"),
                ("document", &doc),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let preview: serde_json::Value = res.json().await.unwrap();
    assert_eq!(preview["name"], "Production Readiness Check");
    assert_eq!(preview["categories"].as_array().unwrap().len(), 17);
    assert_eq!(preview["summary"]["items_added"], 127);
    assert_eq!(preview["document_score"], 48);
    assert_eq!(preview["verdict"], "not_ready");
    assert!(
        preview["warnings"][0]
            .as_str()
            .unwrap()
            .contains("Repaired"),
        "mojibake reported: {preview}"
    );
    assert_eq!(
        projects::Entity::find().count(&s.db).await.unwrap(),
        0,
        "a preview writes nothing"
    );

    s.call_ok(
        &c,
        "run_import",
        &[
            ("team_id", &team),
            ("format", "markdown"),
            ("document", &doc),
        ],
    )
    .await;
    let p = project(&s, "production-readiness-check").await;
    let imported = rows(&s, p.id).await;
    assert_eq!(imported.len(), 127);
    assert!(
        imported
            .iter()
            .any(|(cat, title, status, priority, blocking)| cat == "Security"
                && title == "No rate limiting"
                && status == "open"
                && priority == "critical"
                && *blocking)
    );
    let security = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(p.id))
        .filter(categories::Column::Name.eq("Security"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(security.assessor_score, Some(30));
    // The plan: phases with the items their lines name; "production-ready: 2-3 weeks" is the
    // launch date, three weeks from the import.
    let plan = s
        .get_json(&c, "/rpc/get_plan?slug=production-readiness-check")
        .await;
    let phases: Vec<String> = plan["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        phases,
        [
            "Immediate Action Items (Next 48 Hours)",
            "Week 1",
            "Week 2",
            "Week 3"
        ]
    );
    let titles = |n: usize| -> Vec<String> {
        plan["phases"][n]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        titles(0).contains(&"No .env.example file".to_owned()),
        "{:?}",
        titles(0)
    );
    assert!(
        titles(1).contains(&"No rate limiting".to_owned()),
        "{:?}",
        titles(1)
    );
    assert!(
        titles(2).contains(&"No CI/CD pipeline".to_owned()),
        "{:?}",
        titles(2)
    );
    assert!(
        titles(3).contains(&"Redis caching implemented".to_owned()),
        "{:?}",
        titles(3)
    );
    let launch = chrono::Utc::now().date_naive() + chrono::Days::new(21);
    assert_eq!(p.target_date, Some(launch));
    assert_eq!(plan["launch"], serde_json::json!(launch));
    // The project's scores come from what was imported.
    let view = s
        .get_json(&c, "/rpc/get_checklist?slug=production-readiness-check")
        .await;
    assert_eq!(view["score"]["verdict"], "not_ready", "{}", view["score"]);
    assert!(view["score"]["overall"].as_u64().is_some());
    assert!(
        s.audit_trail()
            .await
            .contains(&("project".into(), "imported".into()))
    );

    // The same document again: everything matched, nothing duplicated or changed.
    let res = s
        .call(
            &c,
            "run_import",
            &[
                ("project", "production-readiness-check"),
                ("format", "markdown"),
                ("document", &doc),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(rows(&s, p.id).await, imported);
    let preview: serde_json::Value = s
        .call(
            &c,
            "preview_import",
            &[
                ("project", "production-readiness-check"),
                ("format", "markdown"),
                ("document", &doc),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preview["summary"]["items_added"], 0);
    assert_eq!(preview["summary"]["items_updated"], 0);
    assert_eq!(preview["summary"]["items_unchanged"], 127);
}

#[tokio::test]
async fn merging_updates_matching_items_adds_the_rest_and_reports_it() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let first = "# Shop\n## Ops\n- [ ] Backups\n- [ ] Alerts\n";
    let res = s
        .call(
            &c,
            "run_import",
            &[
                ("team_id", &team),
                ("format", "markdown"),
                ("document", first),
                ("slug", "shop"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let second = "## ops\n- [x] backups\n- [ ] Runbook (4 hours)\n## Security (Score: 7/10)\n- [ ] TLS everywhere CRITICAL\n";
    let preview: serde_json::Value = s
        .call(
            &c,
            "preview_import",
            &[
                ("project", "shop"),
                ("format", "markdown"),
                ("document", second),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let summary = &preview["summary"];
    assert_eq!(summary["categories_added"], 1, "{summary}");
    assert_eq!(summary["categories_unchanged"], 1);
    assert_eq!(summary["items_added"], 2);
    assert_eq!(summary["items_updated"], 1);
    assert_eq!(summary["items_unchanged"], 0);
    let res = s
        .call(
            &c,
            "run_import",
            &[
                ("project", "shop"),
                ("format", "markdown"),
                ("document", second),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let p = project(&s, "shop").await;
    let all = rows(&s, p.id).await;
    let titles: Vec<(&str, &str, &str)> = all
        .iter()
        .map(|(c, t, st, _, _)| (c.as_str(), t.as_str(), st.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            ("Ops", "Backups", "done"),
            ("Ops", "Alerts", "open"),
            ("Ops", "Runbook", "open"),
            ("Security", "TLS everywhere", "open"),
        ]
    );
    let backups = items::Entity::find()
        .filter(items::Column::Title.eq("Backups"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(backups.version, 2, "an update bumps the version");
    assert!(backups.closed_at.is_some());
    let runbook = items::Entity::find()
        .filter(items::Column::Title.eq("Runbook"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(runbook.effort_hours, Some(4.0));
    let tls = items::Entity::find()
        .filter(items::Column::Title.eq("TLS everywhere"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((tls.priority.as_str(), tls.blocking), ("critical", true));
}

#[tokio::test]
async fn csv_imports_all_or_nothing_with_every_bad_row_named() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let good = "category,title,priority,status,assignee,effort_hours\n\
        Ops,=SUM(A1),high,in_progress,ada@example.com,3\n\
        Ops,\"Backups, tested\",critical,open,,\n\
        Security,TLS,low,done,,\n";
    s.call_ok(
        &c,
        "run_import",
        &[
            ("team_id", &team),
            ("format", "csv"),
            ("document", good),
            ("name", "Csv"),
        ],
    )
    .await;
    let p = project(&s, "csv").await;
    let all = rows(&s, p.id).await;
    assert_eq!(all.len(), 3);
    assert_eq!(
        all[0].1, "=SUM(A1)",
        "formula-like cells are stored as text"
    );
    assert_eq!(all[1].1, "Backups, tested");
    let formula = items::Entity::find()
        .filter(items::Column::Title.eq("=SUM(A1)"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        formula.assignee_id,
        Some(s.auth_user("ada@example.com").await.id)
    );

    let bad = "category,title,priority,status\n\
        Ops,Fine,high,open\n\
        Ops,Bad priority,urgent,open\n\
        ,No category,low,open\n\
        Ops,Bad status,low,finished\n";
    let (status, body) = error_kind(
        s.call(
            &c,
            "run_import",
            &[("project", "csv"), ("format", "csv"), ("document", bad)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    let message = body.to_string();
    for line in ["line 3", "line 4", "line 5"] {
        assert!(message.contains(line), "{line} in {message}");
    }
    assert!(message.contains("3 problems"), "{message}");
    assert_eq!(rows(&s, p.id).await.len(), 3, "nothing written");

    // An assignee from outside the team: nothing written either.
    let (status, body) = error_kind(
        s.call(
            &c,
            "run_import",
            &[
                ("project", "csv"),
                ("format", "csv"),
                (
                    "document",
                    "category,title,assignee\nOps,New,mallory@example.com\n",
                ),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("mallory@example.com"));
    assert_eq!(rows(&s, p.id).await.len(), 3);
}

#[tokio::test]
async fn preflight_json_imports_the_same_project_as_its_markdown_and_is_a_fixed_point() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let md = fixture("001_a3c27dc2480edb7a.txt");
    let read = app::import::service::read("markdown", &md).unwrap();
    let json = app::import::doc::to_json(&read.doc);
    let again = app::import::service::read("json", &json).unwrap();
    assert_eq!(
        app::import::doc::to_json(&again.doc),
        json,
        "JSON → JSON is a fixed point"
    );

    for (format, doc, slug) in [("markdown", &md, "from-md"), ("json", &json, "from-json")] {
        let res = s
            .call(
                &c,
                "run_import",
                &[
                    ("team_id", &team),
                    ("format", format),
                    ("document", doc),
                    ("slug", slug),
                ],
            )
            .await;
        assert_eq!(
            res.status(),
            200,
            "{format}: {}",
            res.text().await.unwrap_or_default()
        );
    }
    let a = project(&s, "from-md").await;
    let b = project(&s, "from-json").await;
    let (ra, rb) = (rows(&s, a.id).await, rows(&s, b.id).await);
    assert_eq!(ra.len(), 118);
    assert_eq!(ra, rb);
    for p in [a.id, b.id] {
        assert_eq!(
            risks::Entity::find()
                .filter(risks::Column::ProjectId.eq(p))
                .count(&s.db)
                .await
                .unwrap(),
            11
        );
    }
}

#[tokio::test]
async fn bad_documents_get_field_errors_and_write_nothing() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("markdown", "Just prose, no checklist.".into(), "document", "No checklist items"),
        ("markdown", "   ".into(), "document", "empty"),
        ("yaml", "- [ ] x".into(), "format", "Markdown, CSV or JSON"),
        ("json", "{\"format\": \"preflight\", \"version\": 9}".into(), "document", "version 9"),
        ("json", "{not json".into(), "document", "not JSON"),
        (
            "json",
            r#"{"format":"preflight","version":1,"project":{"name":"X"},"categories":[],"risks":[{"title":"Off","likelihood":9,"impact":1,"target_likelihood":1,"target_impact":1}]}"#.into(),
            "document",
            "lie on the matrix",
        ),
        (
            "json",
            r#"{"format":"preflight","version":1,"project":{"name":"X"},"categories":[{"name":"A","assessor_score":140,"items":[]}]}"#.into(),
            "document",
            "assessor score",
        ),
        ("markdown", format!("- [ ] {}", "x".repeat(5 * 1024 * 1024)), "document", "at most 5 MB"),
    ];
    for (format, doc, field, needle) in cases {
        let (status, body) = error_kind(
            s.call(
                &c,
                "run_import",
                &[("team_id", &team), ("format", format), ("document", &doc)],
            )
            .await,
        )
        .await;
        assert_eq!(status, 422, "{format} {needle}: {body}");
        let text = body.to_string();
        assert!(
            text.contains(field) && text.contains(needle),
            "{needle}: {text}"
        );
        assert!(!text.to_lowercase().contains("sql"), "{text}");
    }
    // A taken slug is a field error, and the project is not half made.
    let ok = "## A\n- [ ] b\n";
    for expected in [200, 422] {
        let res = s
            .call(
                &c,
                "run_import",
                &[
                    ("team_id", &team),
                    ("format", "markdown"),
                    ("document", ok),
                    ("slug", "taken"),
                ],
            )
            .await;
        assert_eq!(res.status(), expected);
    }
    assert_eq!(projects::Entity::find().count(&s.db).await.unwrap(), 1);
    assert_eq!(items::Entity::find().count(&s.db).await.unwrap(), 1);
}

/// Import decides access before it reads, and a document is capped. A CSV of 50,000 distinct
/// categories is refused at once: unread from a user with no team (the reader used to parse and
/// check all of it first, with look-ups quadratic in the categories: minutes of a core), and as
/// a field error naming the limit from the team's owner. `/healthz` answers meanwhile.
#[tokio::test]
async fn a_huge_import_is_refused_before_it_is_read() {
    let s = TestServer::start().await;
    let (owner, team) = s.admin_with_team().await;
    let csv: String = std::iter::once("category,title\n".to_owned())
        .chain((0..50_000).map(|i| format!("Category {i},Item {i}\n")))
        .collect();
    s.add_user("eve@example.com", false).await;
    let eve = s.client();
    s.login(&eve, "eve@example.com", crate::support::PASSWORD)
        .await;
    let form = [
        ("team_id", team.as_str()),
        ("format", "csv"),
        ("document", csv.as_str()),
    ];
    let health = async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        s.client()
            .get(s.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status()
    };
    let (import, health) = tokio::join!(s.call(&eve, "run_import", &form), health);
    assert_eq!(health, 200);
    assert!(
        matches!(import.status().as_u16(), 403 | 404),
        "{}",
        import.status()
    );
    let preview = s.call(&eve, "preview_import", &form).await;
    assert!(matches!(preview.status().as_u16(), 403 | 404));

    for endpoint in ["run_import", "preview_import"] {
        let (status, body) = error_kind(s.call(&owner, endpoint, &form).await).await;
        assert_eq!(status, 422, "{endpoint}: {body}");
        let message = body["detail"]["document"].as_str().unwrap_or_default();
        assert!(message.contains("may hold at most 5000 items"), "{message}");
    }
    // 600 categories of one item each: over the category limit.
    let csv: String = std::iter::once("category,title\n".to_owned())
        .chain((0..600).map(|i| format!("Category {i},Item {i}\n")))
        .collect();
    let form = [
        ("team_id", team.as_str()),
        ("format", "csv"),
        ("document", csv.as_str()),
    ];
    let (status, body) = error_kind(s.call(&owner, "preview_import", &form).await).await;
    assert_eq!(status, 422, "{body}");
    let message = body["detail"]["document"].as_str().unwrap_or_default();
    assert!(message.contains("at most 500 categories"), "{message}");

    // Items and risks have their limits too (JSON, one category).
    let items: Vec<serde_json::Value> = (0..5_001)
        .map(|i| serde_json::json!({ "title": format!("Item {i}"), "priority": "low", "status": "open" }))
        .collect();
    let json = serde_json::json!({
        "format": "preflight",
        "version": 1,
        "project": { "name": "Big" },
        "categories": [{ "name": "All", "items": items }],
    })
    .to_string();
    let (status, body) = error_kind(
        s.call(
            &owner,
            "preview_import",
            &[
                ("team_id", team.as_str()),
                ("format", "json"),
                ("document", json.as_str()),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let message = body["detail"]["document"].as_str().unwrap_or_default();
    assert!(message.contains("at most 5000 items"), "{message}");
    assert_eq!(
        projects::Entity::find().count(&s.db).await.unwrap(),
        0,
        "nothing was written"
    );
}

/// A Preflight JSON document of one item in "Ops", with `item`'s fields (and a project that
/// requires evidence when `evidence_required`).
fn one_item_json(item: serde_json::Value, evidence_required: bool) -> String {
    serde_json::json!({
        "format": "preflight",
        "version": 1,
        "project": { "name": "Rules", "slug": "rules", "evidence_required": evidence_required },
        "categories": [{ "name": "Ops", "items": [item] }],
    })
    .to_string()
}

/// An import follows the rules a change in the checklist follows, and cannot put words in
/// anyone's mouth: an editor's imported comments are the editor's (the document's author and
/// date kept in the text), a done item in a project that requires evidence needs some, an
/// acceptance cannot end in the past, and an evidence link must be a web link.
#[tokio::test]
async fn an_import_applies_the_checklist_rules_and_forges_no_comments() {
    let s = TestServer::start().await;
    let (admin, team) = s.admin_with_team().await;
    let ed = s.member(&admin, &team, "ed@example.com", "editor").await;
    let import = |c: &reqwest::Client, json: String| {
        let (c, team) = (c.clone(), team.clone());
        let s = &s;
        async move {
            error_kind(
                s.call(
                    &c,
                    "run_import",
                    &[
                        ("team_id", team.as_str()),
                        ("format", "json"),
                        ("document", json.as_str()),
                    ],
                )
                .await,
            )
            .await
        }
    };
    let refused = [
        (
            serde_json::json!({ "title": "Backups", "status": "done" }),
            true,
            "requires",
        ),
        (
            serde_json::json!({ "title": "Backups", "status": "accepted_risk",
                "status_reason": "later", "accepted_until": "2020-01-01" }),
            false,
            "already past",
        ),
        (
            serde_json::json!({ "title": "Backups", "evidence_url": "javascript:alert(1)" }),
            false,
            "https://",
        ),
    ];
    for (item, evidence_required, says) in refused {
        let (status, body) = import(&ed, one_item_json(item, evidence_required)).await;
        assert_eq!(status, 422, "{body}");
        let message = body["detail"]["document"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{message}");
    }
    assert_eq!(projects::Entity::find().count(&s.db).await.unwrap(), 0);

    let with_comment = one_item_json(
        serde_json::json!({ "title": "Backups", "comments": [
            { "author": "ada@example.com", "created_at": "2020-05-01T09:30:00Z",
              "body": "Approved by me." }
        ] }),
        false,
    );
    let (status, body) = import(&ed, with_comment).await;
    assert_eq!(status, 200, "{body}");
    let comment = app::entities::item_comments::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let ed_id = s.auth_user("ed@example.com").await.id;
    assert_eq!(comment.author_id, Some(ed_id), "the importer wrote it");
    assert!(
        comment
            .body
            .contains("written by ada@example.com on 2020-05-01"),
        "{}",
        comment.body
    );
    let event = app::entities::audit_events::Entity::find()
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .rfind(|e| e.action == "imported")
        .unwrap();
    assert!(
        event
            .after
            .unwrap_or_default()
            .contains("\"comments_added\":1"),
        "the import's audit event counts its comments"
    );
}

/// A project holds at most 5,000 items: one more, by hand or by import, is a field error.
#[tokio::test]
async fn a_project_holds_at_most_5000_items() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let csv: String = std::iter::once("category,title\n".to_owned())
        .chain((0..5_000).map(|i| format!("Ops,Item {i}\n")))
        .collect();
    s.call_ok(
        &c,
        "run_import",
        &[
            ("team_id", team.as_str()),
            ("format", "csv"),
            ("document", csv.as_str()),
        ],
    )
    .await;
    let project = projects::Entity::find().one(&s.db).await.unwrap().unwrap();
    let category = categories::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let (status, body) = error_kind(
        s.call(
            &c,
            "create_item",
            &[
                ("category_id", category.as_str()),
                ("title", "One more"),
                ("priority", "low"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["detail"]["title"]
            .as_str()
            .unwrap_or_default()
            .contains("at most 5000 items"),
        "{body}"
    );
    let (status, body) = error_kind(
        s.call(
            &c,
            "run_import",
            &[
                ("project", project.slug.as_str()),
                ("format", "csv"),
                ("document", "category,title\nOps,Another\n"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["detail"]["document"]
            .as_str()
            .unwrap_or_default()
            .contains("at most 5000 items"),
        "{body}"
    );
    assert_eq!(
        items::Entity::find()
            .filter(items::Column::ProjectId.eq(project.id))
            .count(&s.db)
            .await
            .unwrap(),
        5_000
    );
}

/// An import reads the project's items, decides, then writes the matching ones back. An edit
/// committed in between must not be overwritten from the import's older copy: either the
/// import applies on top of it, or it stops with a conflict and writes nothing. (Before, on
/// PostgreSQL: the edit was lost and the item kept the edit's version number, so the next
/// editor holding that version overwrote the import too.)
#[tokio::test]
async fn an_import_never_overwrites_an_edit_made_while_it_ran() {
    use sea_orm::sea_query::Expr;
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let res = s
        .call(
            &c,
            "run_import",
            &[
                ("team_id", &team),
                ("format", "markdown"),
                ("document", "# Shop\n## Ops\n- [ ] Backups\n"),
                ("slug", "shop"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let backups = || async {
        items::Entity::find()
            .filter(items::Column::Title.eq("Backups"))
            .one(&s.db)
            .await
            .unwrap()
            .unwrap()
    };
    let id = backups().await.id;
    // Someone raises the item to critical (version 2); it commits while the import runs.
    let edit = app::txn::begin(&s.db).await.unwrap();
    items::Entity::update_many()
        .col_expr(items::Column::Priority, Expr::value("critical"))
        .col_expr(items::Column::Version, Expr::value(2))
        .filter(items::Column::Id.eq(id))
        .exec(&edit)
        .await
        .unwrap();
    let import = s.call(
        &c,
        "run_import",
        &[
            ("project", "shop"),
            ("format", "markdown"),
            ("document", "## Ops\n- [x] Backups\n"),
        ],
    );
    let (res, ()) = tokio::join!(import, async {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        sea_orm::TransactionSession::commit(edit).await.unwrap();
    });
    let (status, body) = error_kind(res).await;
    let after = backups().await;
    if status == 200 {
        assert_eq!(after.status.as_str(), "done");
        assert_eq!(
            after.version, 3,
            "the import came after the edit's version 2"
        );
    } else {
        assert_eq!(status, 409, "{body}");
        assert!(body.to_string().contains("Backups"), "{body}");
        assert_eq!(
            (
                after.status.as_str(),
                after.priority.as_str(),
                after.version
            ),
            ("open", "critical", 2),
            "the edit stands and nothing of the import was written"
        );
    }
}

/// Every corpus document (`app/src/import/corpus`) imports, and the project's own exports
/// import back as the same project: Markdown and Preflight JSON alike (category by category,
/// item by item: title, status, priority, blocking).
#[tokio::test]
async fn every_corpus_document_imports_and_its_exports_import_as_the_same_project() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/import/corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".md"))
        .collect();
    names.sort();
    assert!(names.len() >= 12);
    for (n, name) in names.iter().enumerate() {
        let md = std::fs::read_to_string(dir.join(name)).unwrap();
        let slug = format!("corpus-{n}");
        let res = s
            .call(
                &c,
                "run_import",
                &[
                    ("team_id", &team),
                    ("format", "markdown"),
                    ("document", &md),
                    ("slug", &slug),
                ],
            )
            .await;
        let (status, body) = error_kind(res).await;
        assert_eq!(status, 200, "{name}: {body}");
        let first = rows(&s, project(&s, &slug).await.id).await;
        assert!(!first.is_empty() || name.contains("risks"), "{name}");
        for (format, ext) in [("markdown", "md"), ("json", "json")] {
            let export = c
                .get(s.url(&format!("/p/{slug}/export/{ext}")))
                .send()
                .await
                .unwrap();
            assert_eq!(export.status(), 200, "{name}: export {ext}");
            let text = export.text().await.unwrap();
            let again = format!("{slug}-{ext}");
            let res = s
                .call(
                    &c,
                    "run_import",
                    &[
                        ("team_id", &team),
                        ("format", format),
                        ("document", &text),
                        ("slug", &again),
                    ],
                )
                .await;
            let (status, body) = error_kind(res).await;
            assert_eq!(status, 200, "{name}: its {ext} export: {body}");
            assert_eq!(
                rows(&s, project(&s, &again).await.id).await,
                first,
                "{name}: the {ext} export imports as another project"
            );
        }
    }
}
