//! Campaigns over HTTP: a 20-item campaign applied to every project of a team (200 and more) in
//! one request and one transaction, applied again without duplicates, its progress exact, its
//! CSV, idle projects, closing; who may do what.

use std::time::Instant;

use app::entities::{categories, items};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, sea_query::Expr};

use crate::support::{TestServer, error_kind, read};

const ITEMS: usize = 20;
const PROJECTS: usize = 200;

fn campaign_text() -> String {
    (1..=ITEMS)
        .map(|n| {
            let p = if n == 1 { "[critical] " } else { "" };
            format!("{p}Secrets rotation step {n}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn linked(s: &TestServer) -> u64 {
    items::Entity::find()
        .filter(items::Column::CampaignItemId.is_not_null())
        .count(&s.db)
        .await
        .unwrap()
}

async fn set_status(s: &TestServer, c: &reqwest::Client, item: i32, status: &str) {
    let row = items::Entity::find_by_id(item)
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let until = (s.clock.today() + chrono::Duration::days(30)).to_string();
    let res = s
        .call(
            c,
            "set_item_status",
            &[
                ("item_id", &item.to_string()),
                ("version", &row.version.to_string()),
                ("status", status),
                ("status_reason", "Vault rotates it"),
                ("accepted_until", &until),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}

#[tokio::test]
async fn a_campaign_reaches_every_project_of_a_team_once_and_counts_its_progress_exactly() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let ada = &shop.c;
    let team: i32 = shop.team.parse().unwrap();
    let ada_user = s.auth_user("ada@example.com").await;
    for n in 0..PROJECTS {
        app::projects::service::create(
            &s.db,
            &ada_user,
            app::projects::service::NewProject {
                name: format!("Service {n:03}"),
                slug: String::new(),
                description: String::new(),
                team_id: team,
            },
        )
        .await
        .unwrap();
    }
    let projects = PROJECTS + 1; // and "shop"

    // Bad items: a field message, nothing made.
    let (st, body) = error_kind(
        s.call(
            ada,
            "create_campaign",
            &[
                ("name", "Rotation"),
                ("team", &shop.team),
                ("items", "[urgent] x"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(st, 422);
    assert!(body.to_string().contains("items"), "{body}");

    let id = s
        .call(
            ada,
            "create_campaign",
            &[
                ("name", "Secrets rotation"),
                ("team", &shop.team),
                ("category", "Security"),
                ("deadline", "2027-03-31"),
                ("items", &campaign_text()),
            ],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();

    // One request, one transaction: every project of the team.
    let started = Instant::now();
    let applied = s
        .call(ada, "apply_campaign", &[("id", &id), ("whole_team", "on")])
        .await;
    let took = started.elapsed();
    assert_eq!(applied.status(), 200);
    let applied: serde_json::Value = applied.json().await.unwrap();
    println!(
        "campaign: {ITEMS} items applied to {projects} projects in {} ms",
        took.as_millis()
    );
    assert_eq!(applied["projects"], projects);
    assert_eq!(applied["added"], ITEMS * projects);
    assert_eq!(linked(&s).await, (ITEMS * projects) as u64);
    // "shop" had a Security category: the items went into it; the others got one each.
    let security = categories::Entity::find()
        .filter(categories::Column::Name.eq("Security"))
        .count(&s.db)
        .await
        .unwrap();
    assert_eq!(security, projects as u64);
    let due = items::Entity::find()
        .filter(items::Column::CampaignItemId.is_not_null())
        .filter(items::Column::DueDate.ne(chrono::NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()))
        .count(&s.db)
        .await
        .unwrap();
    assert_eq!(due, 0, "every item is due on the deadline");

    // Again: nothing added twice.
    let again: serde_json::Value = s
        .call(ada, "apply_campaign", &[("id", &id), ("whole_team", "on")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["added"], 0);
    assert_eq!(linked(&s).await, (ITEMS * projects) as u64);

    // Progress in "shop": 3 done, 1 accepted risk, 16 open.
    let shop_items: Vec<i32> = items::Entity::find()
        .filter(items::Column::CampaignItemId.is_not_null())
        .filter(
            items::Column::ProjectId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(app::entities::projects::Column::Id)
                    .from(app::entities::projects::Entity)
                    .and_where(app::entities::projects::Column::Slug.eq("shop"))
                    .to_owned(),
            ),
        )
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(shop_items.len(), ITEMS);
    for i in &shop_items[..3] {
        set_status(&s, ada, *i, "done").await;
    }
    set_status(&s, ada, shop_items[3], "accepted_risk").await;
    // "Service 007" has not been touched for three weeks.
    items::Entity::update_many()
        .col_expr(
            items::Column::UpdatedAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::days(21)),
        )
        .filter(
            items::Column::ProjectId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(app::entities::projects::Column::Id)
                    .from(app::entities::projects::Entity)
                    .and_where(app::entities::projects::Column::Slug.eq("service-007"))
                    .to_owned(),
            ),
        )
        .exec(&s.db)
        .await
        .unwrap();

    let v = s
        .get_json(ada, &format!("/rpc/get_campaign?id={id}&sort=behind"))
        .await;
    assert_eq!(v["done"], 3);
    assert_eq!(v["exception"], 1);
    assert_eq!(v["open"], ITEMS * projects - 4);
    assert_eq!(v["summary"]["projects"], projects);
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), projects);
    let last = &rows[projects - 1];
    assert_eq!(last["slug"], "shop", "furthest ahead comes last");
    assert_eq!(
        (
            &last["done"],
            &last["exception"],
            &last["open"],
            &last["percent"]
        ),
        (&3.into(), &1.into(), &16.into(), &20.into())
    );
    let idle: Vec<&str> = rows
        .iter()
        .filter(|r| r["idle"] == true)
        .map(|r| r["slug"].as_str().unwrap())
        .collect();
    assert_eq!(idle, ["service-007"]);
    let by_name = s
        .get_json(ada, &format!("/rpc/get_campaign?id={id}&sort=name"))
        .await;
    assert_eq!(by_name["rows"][0]["slug"], "service-000");
    let burn = v["burn_up"].as_array().unwrap();
    assert_eq!(burn.last().unwrap()["closed"], 4);
    assert_eq!(burn.last().unwrap()["total"], ITEMS * projects);

    // The CSV has the same rows.
    let res = read(ada.get(s.url(&format!("/campaigns/{id}/progress.csv?sort=behind")))).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), projects + 1);
    assert!(
        lines[0].starts_with("project,slug,team,done"),
        "{}",
        lines[0]
    );
    assert!(
        lines[projects].starts_with("Shop,shop,"),
        "{}",
        lines[projects]
    );
    assert!(
        lines[projects].contains(",3,1,16,20,20,"),
        "{}",
        lines[projects]
    );

    // A project made later joins by slug, and only it gets items.
    app::projects::service::create(
        &s.db,
        &ada_user,
        app::projects::service::NewProject {
            name: "Late Service".into(),
            slug: String::new(),
            description: String::new(),
            team_id: team,
        },
    )
    .await
    .unwrap();
    let late: serde_json::Value = s
        .call(
            ada,
            "apply_campaign",
            &[("id", &id), ("projects", "late-service, shop")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (late["projects"].as_u64(), late["added"].as_u64()),
        (Some(2), Some(ITEMS as u64))
    );

    // Closing keeps the items; a closed campaign applies no more.
    s.call_ok(ada, "close_campaign", &[("id", &id)]).await;
    let res = s
        .call(ada, "apply_campaign", &[("id", &id), ("whole_team", "on")])
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(linked(&s).await, (ITEMS * (projects + 1)) as u64);
    let trail = s.audit_trail().await;
    for action in ["created", "applied", "closed"] {
        assert!(
            trail.iter().any(|(e, a)| e == "campaign" && a == action),
            "{action}"
        );
    }
}

#[tokio::test]
async fn campaigns_are_run_by_their_teams_owners_or_site_admins() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let ada = &shop.c;
    let bob = s.member(ada, &shop.team, "bob@example.com", "editor").await;
    let carol = s
        .member(ada, &shop.team, "carol@example.com", "owner")
        .await;
    // Dan owns another team with its own project.
    s.add_user("dan@example.com", false).await;
    let dan = s.client();
    assert_eq!(
        s.login(&dan, "dan@example.com", crate::support::PASSWORD)
            .await
            .status(),
        200
    );
    let dans_team = s
        .call(&dan, "create_team", &[("name", "Payments")])
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    s.call_ok(
        &dan,
        "create_project",
        &[("name", "Ledger"), ("team_id", &dans_team)],
    )
    .await;

    let make = |c: &reqwest::Client, team: &str| {
        let s = &s;
        let (c, team) = (c.clone(), team.to_owned());
        async move {
            s.call(
                &c,
                "create_campaign",
                &[
                    ("name", "Backups"),
                    ("team", &team),
                    ("items", "Restore drill"),
                ],
            )
            .await
        }
    };
    // An editor cannot make one; nor anybody but an admin a site-wide one.
    assert_eq!(make(&bob, &shop.team).await.status(), 403);
    assert_eq!(make(&carol, "0").await.status(), 403);
    assert_eq!(make(&dan, &shop.team).await.status(), 404);
    let id = make(&carol, &shop.team)
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    // Bob (editor) sees it but cannot apply it; Dan does not see it.
    assert_eq!(
        read(bob.get(s.url(&format!("/rpc/get_campaign?id={id}"))))
            .await
            .status(),
        200
    );
    let res = s
        .call(&bob, "apply_campaign", &[("id", &id), ("projects", "shop")])
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        read(dan.get(s.url(&format!("/rpc/get_campaign?id={id}"))))
            .await
            .status(),
        404
    );
    assert_eq!(
        read(dan.get(s.url(&format!("/campaigns/{id}/progress.csv"))))
            .await
            .status(),
        404
    );
    // Carol cannot push it into Dan's project, nor name one that does not exist.
    for projects in ["ledger", "nope"] {
        let (st, body) = error_kind(
            s.call(
                &carol,
                "apply_campaign",
                &[("id", &id), ("projects", projects)],
            )
            .await,
        )
        .await;
        assert_eq!(st, 422, "{projects}: {body}");
        assert!(body.to_string().contains("projects"), "{body}");
    }
    assert_eq!(linked(&s).await, 0, "nothing half-applied");
    // A site-wide campaign by the admin reaches any team's project.
    let site = make(ada, "0")
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let applied: serde_json::Value = s
        .call(
            ada,
            "apply_campaign",
            &[("id", &site), ("projects", "ledger shop")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(applied["added"], 2);
    // One of its two items done: the list says half.
    items::Entity::update_many()
        .col_expr(items::Column::Status, Expr::value("done"))
        .filter(items::Column::Title.eq("Restore drill"))
        .filter(
            items::Column::ProjectId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(app::entities::projects::Column::Id)
                    .from(app::entities::projects::Entity)
                    .and_where(app::entities::projects::Column::Slug.eq("ledger"))
                    .to_owned(),
            ),
        )
        .exec(&s.db)
        .await
        .unwrap();
    let mine = s.get_json(ada, "/rpc/list_campaigns").await;
    let site_row = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_i64() == site.parse::<i64>().ok())
        .cloned()
        .unwrap();
    assert_eq!(
        (
            &site_row["projects"],
            &site_row["items"],
            &site_row["done_percent"],
            &site_row["team"]
        ),
        (&2.into(), &1.into(), &50.into(), &serde_json::Value::Null)
    );
    // Dan sees the item in his project, but not the site-wide campaign.
    assert_eq!(
        read(dan.get(s.url(&format!("/rpc/get_campaign?id={site}"))))
            .await
            .status(),
        404
    );
    let listed = s.get_json(&dan, "/rpc/list_campaigns").await;
    assert_eq!(listed.as_array().unwrap().len(), 0);
}
