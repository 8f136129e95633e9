//! Audit events are written in the transaction of the change they describe.

use app::teams::service::create_team;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, TransactionTrait};

use crate::support::{PASSWORD, TestServer};

async fn counts(s: &TestServer) -> (u64, u64) {
    (
        app::entities::teams::Entity::find()
            .count(&s.db)
            .await
            .unwrap(),
        app::entities::audit_events::Entity::find()
            .count(&s.db)
            .await
            .unwrap(),
    )
}

#[tokio::test]
async fn the_event_is_written_with_the_change_and_rolled_back_with_it() {
    let s = TestServer::start().await;
    s.setup_admin(&s.client(), "ada@example.com").await;
    let ada = s.auth_user("ada@example.com").await;
    let before = counts(&s).await;

    // Inside an outer transaction that then fails: the team and its event are both visible
    // inside, and both gone after the rollback.
    let txn = s.db.begin().await.unwrap();
    create_team(&txn, &ada, "Doomed").await.unwrap();
    let inside = app::entities::audit_events::Entity::find()
        .all(&txn)
        .await
        .unwrap();
    assert!(
        inside
            .iter()
            .any(|e| e.entity == "team" && e.after.as_deref().unwrap_or("").contains("Doomed"))
    );
    txn.rollback().await.unwrap();
    assert_eq!(counts(&s).await, before);

    // Committed normally, both are there.
    create_team(&s.db, &ada, "Kept").await.unwrap();
    assert_eq!(counts(&s).await, (before.0 + 1, before.1 + 1));
}

#[tokio::test]
async fn a_change_whose_event_cannot_be_written_is_not_saved() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    s.login(&c, "ada@example.com", PASSWORD).await;
    let before = counts(&s).await;
    s.db.execute_unprepared("ALTER TABLE audit_events RENAME TO audit_events_away")
        .await
        .unwrap();
    let res = s.call(&c, "create_team", &[("name", "Unaudited")]).await;
    assert_eq!(res.status(), 500);
    let body = res.text().await.unwrap();
    assert!(
        !body.to_lowercase().contains("audit_events"),
        "no SQL in the answer: {body}"
    );
    s.db.execute_unprepared("ALTER TABLE audit_events_away RENAME TO audit_events")
        .await
        .unwrap();
    assert_eq!(counts(&s).await, before, "the team was not created");
}

#[tokio::test]
async fn admins_read_the_log_filtered_and_paginated() {
    let s = TestServer::start().await;
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let ada = s.auth_user("ada@example.com").await;
    for i in 0..60 {
        create_team(&s.db, &ada, &format!("Team {i:02}"))
            .await
            .unwrap();
    }
    let page1 = s.get_json(&c, "/rpc/list_audit?entity=team").await;
    // 60 new teams plus setup's first team.
    assert_eq!(page1["total"], 61);
    assert_eq!(page1["entries"].as_array().unwrap().len(), 50);
    assert_eq!(page1["entries"][0]["entity_id"].as_str().unwrap(), {
        let last = app::entities::teams::Entity::find()
            .all(&s.db)
            .await
            .unwrap();
        last.iter().map(|t| t.id).max().unwrap().to_string()
    });
    let page2 = s.get_json(&c, "/rpc/list_audit?entity=team&page=2").await;
    assert_eq!(page2["entries"].as_array().unwrap().len(), 11);

    let by_nobody = s
        .get_json(&c, "/rpc/list_audit?actor=nobody@example.com")
        .await;
    assert_eq!(by_nobody["total"], 0);
    let future = s.get_json(&c, "/rpc/list_audit?from=2999-01-01").await;
    assert_eq!(future["total"], 0);
    let today = chrono::Utc::now().date_naive().to_string();
    let todays = s
        .get_json(
            &c,
            &format!("/rpc/list_audit?from={today}&to={today}&actor=ADA@example.com"),
        )
        .await;
    assert!(todays["total"].as_u64().unwrap() >= 61);

    let res = c
        .get(s.url("/rpc/list_audit?from=yesterday"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);

    let page = s.page(&c, "/admin/audit?entity=team&page=2").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap().replace("<!>", "");
    assert!(html.contains("61 events"), "{html}");
    assert!(html.contains("page 2 of 2"));
}
