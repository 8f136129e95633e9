use migrations::{Migrator, MigratorTrait};
use sea_orm_migration::SchemaManager;

use crate::support::fresh_db;

const TABLES: [&str; 10] = [
    "users",
    "sessions",
    "teams",
    "team_members",
    "projects",
    "audit_events",
    "login_throttle",
    "categories",
    "items",
    "item_comments",
];

async fn tables_present(manager: &SchemaManager<'_>) -> Vec<bool> {
    let mut present = Vec::new();
    for t in TABLES {
        present.push(manager.has_table(t).await.unwrap());
    }
    present
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let db = fresh_db().await;
    let manager = SchemaManager::new(&db);

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(tables_present(&manager).await, vec![true; TABLES.len()]);

    Migrator::down(&db, None).await.unwrap();
    assert_eq!(tables_present(&manager).await, vec![false; TABLES.len()]);

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(tables_present(&manager).await, vec![true; TABLES.len()]);
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
}

/// The statements of `server/tests/fixtures/schema-11.sql` for this backend.
fn fixture_statements(postgres: bool) -> Vec<String> {
    let text = include_str!("../fixtures/schema-11.sql");
    let mut sql = String::new();
    for line in text.lines() {
        if let Some(pg) = line.strip_prefix("-- SELECT setval") {
            if postgres {
                sql.push_str("SELECT setval");
                sql.push_str(pg);
                sql.push('\n');
            }
        } else if !line.starts_with("--") {
            sql.push_str(line);
            sql.push('\n');
        }
    }
    sql.split(";\n")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A database of the first release (schema 11), migrated to the newest schema, serves its data:
/// the accounts sign in with their passwords, the API token and the share link still work, the
/// frozen review reads as it was frozen and the changes since it are right; new rows take new
/// ids. SQLite and PostgreSQL.
#[tokio::test]
async fn a_first_release_database_upgrades_with_its_data() {
    use sea_orm::{ConnectionTrait, DbBackend, EntityTrait};

    let db = fresh_db().await;
    Migrator::up(&db, Some(11)).await.unwrap();
    let postgres = db.get_database_backend() == DbBackend::Postgres;
    for statement in fixture_statements(postgres) {
        db.execute_unprepared(&statement)
            .await
            .unwrap_or_else(|e| panic!("{e}: {statement}"));
    }
    Migrator::up(&db, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );

    let s = crate::support::TestServer::start_on(db, app::state::AppSettings::default()).await;
    let password = "upgrade-fixture-password";
    let ada = s.client();
    assert_eq!(
        s.login(&ada, "ada@example.com", password).await.status(),
        200
    );
    let me = s.get_json(&ada, "/rpc/session_info").await;
    assert_eq!(me["user"]["email"], "ada@example.com", "{me}");

    // The live project as the release left it, read through today's rules.
    let o = s.get_json(&ada, "/rpc/get_overview?slug=checkout").await;
    assert_eq!(
        o["score"]["verdict"], "not_ready",
        "Rotate secrets is blocking and open: {o}"
    );
    let counts = &o["score"]["counts"];
    assert_eq!(
        [
            &counts["open"],
            &counts["in_progress"],
            &counts["done"],
            &counts["not_applicable"]
        ],
        [1, 1, 2, 1],
        "{o}"
    );

    // The API token of that release, and its share link.
    let token = format!("pfat_{}", "0123456789abcdef".repeat(4));
    let api = |path: &str| {
        reqwest::Client::new()
            .get(s.url(&format!("/api/v1{path}")))
            .bearer_auth(&token)
            .send()
    };
    let project: serde_json::Value = api("/projects/checkout")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(project["name"], "Checkout", "{project}");
    // Migration 27 indexed what was there: its project, items (evidence text too), risk and
    // comment are found.
    for (q, kind, title) in [
        ("payments", "project", "Checkout"),
        ("ssl+labs", "item", "TLS everywhere"),
        ("credential", "risk", "Credential leak"),
        ("vault+migration", "comment", "Comment on Rotate secrets"),
    ] {
        let found: serde_json::Value = api(&format!("/search?q={q}"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found["total"], 1, "{q}: {found}");
        assert_eq!(found["hits"][0]["kind"], kind);
        let shown: String = found["hits"][0]["title"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["text"].as_str().unwrap())
            .collect();
        assert_eq!(shown, title);
    }
    // The frozen review: its own score and verdict, as frozen (format 1, before evidence).
    let review = api("/reviews/1").await.unwrap();
    assert_eq!(review.status(), 200);
    let review: serde_json::Value = review.json().await.unwrap();
    let text = review.to_string();
    assert!(text.contains("\"overall\":40"), "{text}");
    assert!(
        text.contains("not_ready") && text.contains("Not yet"),
        "{text}"
    );
    // Since that review, TLS everywhere was closed.
    let diff: serde_json::Value = api("/projects/checkout/diff")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(diff.to_string().contains("TLS everywhere"), "{diff}");
    let shared = reqwest::get(s.url(&format!("/share/{}", "fedcba9876543210".repeat(4))))
        .await
        .unwrap();
    assert_eq!(shared.status(), 200);
    assert!(shared.text().await.unwrap().contains("Checkout"));

    // Comments and the audit trail came along; a new item takes the next id.
    let comments = app::entities::item_comments::Entity::find()
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].body, "Waiting on the vault migration");
    assert!(
        s.audit_trail()
            .await
            .contains(&("review".into(), "finalized".into()))
    );
    let bob = s.client();
    assert_eq!(
        s.login(&bob, "bob@example.com", password).await.status(),
        200
    );
    let res = s
        .call(
            &bob,
            "create_item",
            &[
                ("category_id", "2"),
                ("title", "Alerting"),
                ("priority", "high"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<i32>().await.unwrap(), 7);
}
