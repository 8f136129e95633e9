//! The benchmark data set: the sizes `make bench` promises, every item state, a history of final
//! reviews, and accounts that can sign in.

use app::entities::{items, projects, reviews, risks, team_members, users};
use preflight_server::bench;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{PASSWORD, TestServer};

#[tokio::test]
async fn the_bench_data_set_has_the_promised_shape() {
    let s = TestServer::start().await;
    let today = chrono::Utc::now().date_naive();
    bench::seed(&s.db, PASSWORD, today).await.unwrap();

    assert_eq!(projects::Entity::find().count(&s.db).await.unwrap(), 200);
    assert_eq!(users::Entity::find().count(&s.db).await.unwrap(), 20);
    assert_eq!(team_members::Entity::find().count(&s.db).await.unwrap(), 20);
    let big = app::projects::access::find_by_slug(&s.db, bench::LARGE)
        .await
        .unwrap();
    let rows = items::Entity::find()
        .filter(items::Column::ProjectId.eq(big.id))
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1000);
    for status in [
        "open",
        "in_progress",
        "done",
        "not_applicable",
        "accepted_risk",
    ] {
        assert!(
            rows.iter().any(|i| i.status.as_str() == status),
            "no {status} item"
        );
    }
    assert!(
        rows.iter()
            .any(|i| i.accepted_until.is_some_and(|d| d < today)),
        "an expired acceptance"
    );
    assert!(
        rows.iter()
            .any(|i| i.due_date.is_some_and(|d| d < today) && i.status.as_str() == "open")
    );
    assert!(rows.iter().any(|i| i.blocking) && rows.iter().any(|i| i.assignee_id.is_none()));
    assert_eq!(
        risks::Entity::find()
            .filter(risks::Column::ProjectId.eq(big.id))
            .count(&s.db)
            .await
            .unwrap(),
        50
    );

    // The checklist and the reviews read it like any project.
    let owner = s.auth_user(&bench::email(1)).await;
    let view = app::checklist::service::load(
        &s.db,
        &Default::default(),
        &owner,
        bench::LARGE,
        &Default::default(),
        today,
    )
    .await
    .unwrap();
    assert_eq!((view.categories.len(), view.items.len()), (12, 1000));
    let finals = reviews::Entity::find()
        .filter(reviews::Column::ProjectId.eq(big.id))
        .filter(reviews::Column::Status.eq("final"))
        .count(&s.db)
        .await
        .unwrap();
    assert_eq!(finals, 5);
    let list = app::reviews::service::list(&s.db, &owner, bench::LARGE, today)
        .await
        .unwrap();
    let trend: Vec<Option<u8>> = list.trend.iter().map(|p| p.overall).collect();
    assert_eq!(trend.len(), 5);
    assert!(
        trend.windows(2).all(|w| w[0] <= w[1]),
        "progress between reviews: {trend:?}"
    );
    assert!(trend[0] < trend[4], "{trend:?}");

    // Every account signs in with the shared password.
    let c = s.client();
    assert_eq!(s.login(&c, &bench::email(20), PASSWORD).await.status(), 200);
}

/// The company-scale set, at a hundredth of its size: the same shape (teams, projects dealt
/// out in turn, every project with categories, risks, one final review and drafts), found by
/// search, its accounts able to sign in.
#[tokio::test]
async fn the_scale_data_set_has_its_shape_at_any_size() {
    use preflight_server::bench_scale::{self as scale, HUGE, Sizes};
    let s = TestServer::start().await;
    let sizes = Sizes {
        users: 20,
        teams: 4,
        projects: 40,
        items: 6_000,
        huge_items: 1_000,
    };
    let today = chrono::Utc::now().date_naive();
    scale::seed(&s.db, sizes, PASSWORD, today).await.unwrap();
    assert_eq!(projects::Entity::find().count(&s.db).await.unwrap(), 40);
    assert_eq!(items::Entity::find().count(&s.db).await.unwrap(), 6_000);
    assert_eq!(users::Entity::find().count(&s.db).await.unwrap(), 20);
    assert_eq!(risks::Entity::find().count(&s.db).await.unwrap(), 400);
    assert_eq!(reviews::Entity::find().count(&s.db).await.unwrap(), 160);
    let huge = app::projects::access::find_by_slug(&s.db, HUGE)
        .await
        .unwrap();
    assert_eq!(
        items::Entity::find()
            .filter(items::Column::ProjectId.eq(huge.id))
            .count(&s.db)
            .await
            .unwrap(),
        1_000
    );
    // Every project: one final review with its score; its team has ten… here five members.
    let finals = reviews::Entity::find()
        .filter(reviews::Column::Status.eq(app::reviews::model::ReviewStatus::Final))
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(finals.len(), 40);
    assert!(
        finals
            .iter()
            .all(|r| r.snapshot.is_some() && r.verdict.is_some())
    );
    assert_eq!(team_members::Entity::find().count(&s.db).await.unwrap(), 20);

    // A member signs in with the shared password and finds only their team's projects.
    let c = s.client();
    assert_eq!(s.login(&c, &scale::email(2), PASSWORD).await.status(), 200);
    let found = s
        .get_json(
            &c,
            "/rpc/search?filter[q]=%22rollback+plan%22&filter[kind]=item",
        )
        .await;
    let hits = found["hits"].as_array().unwrap();
    assert!(!hits.is_empty(), "{found}");
    let member = s.auth_user(&scale::email(2)).await;
    let team = app::authz::memberships(&s.db, member.id).await.unwrap()[0].0;
    for h in hits {
        let p = app::projects::access::find_by_slug(&s.db, h["project_slug"].as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(p.team_id, team);
    }
    // The checklist of the huge project reads like any (the admin sees it).
    let admin = s.client();
    assert_eq!(
        s.login(&admin, &scale::email(1), PASSWORD).await.status(),
        200
    );
    let res = crate::support::read(admin.get(s.url(&format!("/p/{HUGE}/checklist")))).await;
    assert_eq!(res.status(), 200);
}
