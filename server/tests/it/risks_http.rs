//! The risk register over HTTP: risks with levels from the matrix, links to items, heat-map
//! counts, bad input, stale versions, matrix changes that move risks, risks from items.

use sea_orm::EntityTrait;

use crate::support::{TestServer, error_kind};

/// Setup, a project `shop` with a category and a high item, and the admin's client.
async fn shop(s: &TestServer) -> (reqwest::Client, String, String) {
    let c = s.client();
    s.setup_admin(&c, "ada@example.com").await;
    let team = app::entities::teams::Entity::find()
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let res = s
        .call(
            &c,
            "create_project",
            &[("name", "Shop"), ("team_id", &team)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let cat = s
        .call(&c, "create_category", &[("slug", "shop"), ("name", "Ops")])
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let item = s
        .call(
            &c,
            "create_item",
            &[
                ("category_id", &cat),
                ("title", "Load test"),
                ("priority", "high"),
            ],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    (c, cat, item)
}

async fn register(s: &TestServer, c: &reqwest::Client, query: &str) -> serde_json::Value {
    s.get_json(c, &format!("/rpc/get_risks?slug=shop{query}"))
        .await
}

async fn create(
    s: &TestServer,
    c: &reqwest::Client,
    fields: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let mut form = vec![("slug", "shop")];
    form.extend_from_slice(fields);
    error_kind(s.call(c, "create_risk", &form).await).await
}

#[tokio::test]
async fn risks_take_their_level_from_the_matrix_and_fill_the_heat_maps() {
    let s = TestServer::start().await;
    let (c, cat, item) = shop(&s).await;
    let (status, id) = create(
        &s,
        &c,
        &[
            ("title", "Checkout melts under load"),
            ("category", &cat),
            ("likelihood", "4"),
            ("impact", "5"),
            ("target_likelihood", "2"),
            ("target_impact", "3"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{id}");
    let id = id.to_string();
    let (status, _) = create(
        &s,
        &c,
        &[
            ("title", "Typo on the FAQ"),
            ("likelihood", "1"),
            ("impact", "1"),
        ],
    )
    .await;
    assert_eq!(status, 200);

    let v = register(&s, &c, "").await;
    assert_eq!(v["total"], 2);
    let top = &v["risks"][0];
    assert_eq!(
        top["title"], "Checkout melts under load",
        "highest score first"
    );
    assert_eq!(
        (top["score"].clone(), top["level"].clone()),
        (20.into(), "critical".into())
    );
    assert_eq!(
        (top["target_score"].clone(), top["target_level"].clone()),
        (6.into(), "medium".into())
    );
    assert_eq!(v["risks"][1]["level"], "low");
    assert_eq!(v["current_counts"][3][4], 1, "likelihood 4, impact 5");
    assert_eq!(v["target_counts"][1][2], 1);
    assert_eq!(v["current_counts"][0][0], 1);
    let ops = v["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Ops")
        .unwrap()
        .clone();
    assert_eq!(
        (
            ops["current"].clone(),
            ops["target"].clone(),
            ops["previous"].clone()
        ),
        ("critical".into(), "medium".into(), serde_json::Value::Null)
    );
    // The overview and the portfolio count the open critical risk.
    let checklist = s.get_json(&c, "/rpc/get_checklist?slug=shop").await;
    assert_eq!(checklist["serious_risks"], 1);
    let portfolio = s.get_json(&c, "/rpc/get_portfolio").await;
    assert_eq!(portfolio["projects"][0]["serious_risks"], 1);

    // A heat-map cell's filter.
    let cell = register(&s, &c, "&filter[status]=live&filter[current]=4-5").await;
    assert_eq!(cell["risks"].as_array().unwrap().len(), 1, "{cell}");
    assert_eq!(cell["risks"][0]["id"].to_string(), id);

    // Link the item; once it is done, the risk asks to be reassessed.
    let res = s
        .call(
            &c,
            "link_risk_item",
            &[("risk_id", &id), ("item_id", &item), ("linked", "true")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let r = s.get_json(&c, &format!("/rpc/get_risk?risk_id={id}")).await;
    assert_eq!(r["risk"]["items"][0]["title"], "Load test");
    assert_eq!(r["risk"]["mitigations_complete"], false);
    let res = s
        .call(
            &c,
            "set_item_status",
            &[("item_id", &item), ("version", "1"), ("status", "done")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let r = s.get_json(&c, &format!("/rpc/get_risk?risk_id={id}")).await;
    assert_eq!(r["risk"]["mitigations_complete"], true);

    // Closing it empties its cell and the counts.
    let res = s
        .call(
            &c,
            "set_risk_status",
            &[("risk_id", &id), ("version", "1"), ("status", "closed")],
        )
        .await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    let v = register(&s, &c, "").await;
    assert_eq!(v["current_counts"][3][4], 0);
    assert_eq!(
        s.get_json(&c, "/rpc/get_checklist?slug=shop").await["serious_risks"],
        0
    );
    // A stale version is a conflict that names who changed it; nothing changes.
    let (status, body) = error_kind(
        s.call(
            &c,
            "update_risk",
            &[
                ("risk_id", &id),
                ("version", "1"),
                ("title", "Stale"),
                ("likelihood", "1"),
                ("impact", "1"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("Ada Admin"),
        "{body}"
    );
    let row = app::entities::risks::Entity::find_by_id(id.parse::<i32>().unwrap())
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.title.as_str(), row.status.as_str(), row.version),
        ("Checkout melts under load", "closed", 2)
    );
    let trail = s.audit_trail().await;
    for action in ["created", "item_linked", "updated"] {
        assert!(
            trail.iter().any(|(e, a)| e == "risk" && a == action),
            "{action}: {trail:?}"
        );
    }
}

#[tokio::test]
async fn bad_risks_are_field_errors_and_change_nothing() {
    let s = TestServer::start().await;
    let (c, cat, _) = shop(&s).await;
    s.add_user("stranger@example.com", false).await;
    let stranger = s.auth_user("stranger@example.com").await.id.to_string();
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("title", " "), ("likelihood", "1"), ("impact", "1")],
            "title",
        ),
        (
            vec![("title", "x"), ("likelihood", "6"), ("impact", "1")],
            "likelihood",
        ),
        (
            vec![("title", "x"), ("likelihood", "1"), ("impact", "0")],
            "impact",
        ),
        (
            vec![("title", "x"), ("likelihood", "one"), ("impact", "1")],
            "likelihood",
        ),
        (
            vec![
                ("title", "x"),
                ("likelihood", "1"),
                ("impact", "1"),
                ("target_impact", "9"),
            ],
            "target_impact",
        ),
        (
            vec![
                ("title", "x"),
                ("likelihood", "1"),
                ("impact", "1"),
                ("status", "ignored"),
            ],
            "status",
        ),
        (
            vec![
                ("title", "x"),
                ("likelihood", "1"),
                ("impact", "1"),
                ("owner", &stranger),
            ],
            "owner",
        ),
        (
            vec![
                ("title", "x"),
                ("likelihood", "1"),
                ("impact", "1"),
                ("category", "99999"),
            ],
            "category",
        ),
    ];
    for (fields, field) in cases {
        let (status, body) = create(&s, &c, &fields).await;
        assert_eq!(status, 422, "{field}: {body}");
        assert!(body["detail"][field].is_string(), "{field}: {body}");
    }
    assert_eq!(register(&s, &c, "").await["total"], 0);
    let (status, id) = create(
        &s,
        &c,
        &[
            ("title", "Real"),
            ("category", &cat),
            ("likelihood", "2"),
            ("impact", "2"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let id = id.to_string();
    let (status, body) = error_kind(
        s.call(
            &c,
            "update_risk",
            &[
                ("risk_id", &id),
                ("version", "1"),
                ("title", "Real"),
                ("likelihood", "8"),
                ("impact", "2"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let row = app::entities::risks::Entity::find_by_id(id.parse::<i32>().unwrap())
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.likelihood, row.version), (2, 1));
    // An item of another project cannot be linked.
    let (status, body) = error_kind(
        s.call(
            &c,
            "link_risk_item",
            &[("risk_id", &id), ("item_id", "99999"), ("linked", "true")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
}

/// The form a browser posts for `matrix`.
fn matrix_form(
    version: i32,
    matrix: &app::risks::matrix::RiskMatrix,
    confirm: bool,
) -> Vec<(String, String)> {
    let mut form = vec![
        ("slug".to_owned(), "shop".to_owned()),
        ("version".to_owned(), version.to_string()),
    ];
    for (k, l) in matrix.likelihood.iter().enumerate() {
        form.push((format!("likelihood_labels[{k}]"), l.clone()));
    }
    for (k, l) in matrix.impact.iter().enumerate() {
        form.push((format!("impact_labels[{k}]"), l.clone()));
    }
    for (k, l) in matrix.levels.iter().flatten().enumerate() {
        form.push((format!("levels[{k}]"), l.as_str().to_owned()));
    }
    if confirm {
        form.push(("confirm_remap".into(), "yes".into()));
    }
    form
}

async fn save_matrix(
    s: &TestServer,
    c: &reqwest::Client,
    form: &[(String, String)],
) -> (u16, serde_json::Value) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    error_kind(s.call(c, "save_risk_matrix", &form).await).await
}

#[tokio::test]
async fn a_smaller_matrix_moves_risks_to_the_nearest_step_once_confirmed() {
    use app::risks::matrix::{Level, RiskMatrix};
    let s = TestServer::start().await;
    let (c, _, _) = shop(&s).await;
    let (_, id) = create(
        &s,
        &c,
        &[
            ("title", "Outage"),
            ("likelihood", "5"),
            ("impact", "4"),
            ("target_likelihood", "1"),
            ("target_impact", "2"),
        ],
    )
    .await;
    let id: i32 = serde_json::from_value(id).unwrap();

    // Same size, one cell edited (row 3, column 2: index 11 of 25, past single digits).
    let mut edited = RiskMatrix::default();
    edited.levels[2][1] = Level::Critical;
    edited.likelihood[4] = "Weekly".into();
    let (status, body) = save_matrix(&s, &c, &matrix_form(0, &edited, false)).await;
    assert_eq!(
        (status, body.clone()),
        (200, serde_json::json!(0)),
        "{body}"
    );
    let v = register(&s, &c, "").await;
    assert_eq!(v["matrix"]["levels"][2][1], "critical");
    assert_eq!(
        v["matrix"]["levels"][1][2], "medium",
        "cells keep their places"
    );
    assert_eq!(v["matrix"]["likelihood"][4], "Weekly");

    // The editor previews a 3×3 draft and shows which risks move.
    let draft = s
        .get_json(
            &c,
            "/rpc/get_matrix_settings?slug=shop&likelihood_steps=3&impact_steps=3",
        )
        .await;
    assert_eq!(
        draft["remaps"][0]["current"],
        serde_json::json!([[5, 4], [3, 3]]),
        "{draft}"
    );
    assert_eq!(
        draft["remaps"][0]["target"],
        serde_json::json!([[1, 2], [1, 2]])
    );
    let small = RiskMatrix::with_size(3, 3);
    // Not without confirming; and nothing moves.
    let (status, body) = save_matrix(&s, &c, &matrix_form(1, &small, false)).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["detail"]["confirm_remap"]
            .as_str()
            .unwrap()
            .contains("moves 1 risk"),
        "{body}"
    );
    // A stale version is refused.
    let (status, _) = save_matrix(&s, &c, &matrix_form(0, &small, true)).await;
    assert_eq!(status, 409);
    let (status, body) = save_matrix(&s, &c, &matrix_form(1, &small, true)).await;
    assert_eq!(
        (status, body.clone()),
        (200, serde_json::json!(1)),
        "{body}"
    );
    let row = app::entities::risks::Entity::find_by_id(id)
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            row.likelihood,
            row.impact,
            row.target_likelihood,
            row.target_impact,
            row.version
        ),
        (3, 3, 1, 2, 2)
    );
    let v = register(&s, &c, "").await;
    assert_eq!(v["risks"][0]["level"], "critical", "3×3 on a 3×3 matrix");
    assert_eq!(v["current_counts"].as_array().unwrap().len(), 3);
    // A broken matrix is a field error.
    let mut broken = matrix_form(2, &small, false);
    broken.retain(|(k, _)| k != "levels[4]");
    let (status, body) = save_matrix(&s, &c, &broken).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["detail"]["levels"].is_string(), "{body}");
}

#[tokio::test]
async fn a_failed_high_item_becomes_a_linked_risk_in_one_step() {
    let s = TestServer::start().await;
    let (c, cat, item) = shop(&s).await;
    let (status, id) = error_kind(
        s.call(&c, "create_risk_from_item", &[("item_id", &item)])
            .await,
    )
    .await;
    assert_eq!(status, 200, "{id}");
    let r = s.get_json(&c, &format!("/rpc/get_risk?risk_id={id}")).await;
    assert_eq!(r["risk"]["title"], "Load test");
    assert_eq!(r["risk"]["category"][0].to_string(), cat);
    assert_eq!(r["risk"]["items"][0]["id"].to_string(), item);
    assert_eq!(
        r["risk"]["impact"], 4,
        "high: one below the top of the scale"
    );
    let detail = s
        .get_json(&c, &format!("/rpc/get_item?item_id={item}"))
        .await;
    assert_eq!(detail["risks"][0][1], "Load test");
    // A done item, or a low one, does not become a risk.
    s.call(
        &c,
        "set_item_status",
        &[("item_id", &item), ("version", "1"), ("status", "done")],
    )
    .await;
    let (status, _) = error_kind(
        s.call(&c, "create_risk_from_item", &[("item_id", &item)])
            .await,
    )
    .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_register_read_costs_the_same_queries_for_5_and_300_risks() {
    use std::sync::atomic::Ordering;
    let s = TestServer::start().await;
    let (_c, cat, item) = shop(&s).await;
    let ada = s.auth_user("ada@example.com").await;
    let (counted, count) = crate::support::counting(&s.db);
    let mut per_size = Vec::new();
    let mut made = 0;
    for size in [5usize, 300] {
        while made < size {
            let id = app::risks::service::create_risk(
                &s.db,
                &ada,
                "shop",
                app::risks::service::RiskInput {
                    title: format!("Risk {made}"),
                    category: cat.clone(),
                    owner: ada.id.to_string(),
                    likelihood: (made % 5 + 1).to_string(),
                    impact: (made % 3 + 1).to_string(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            app::risks::service::set_link(&s.db, &ada, id, item.parse().unwrap(), true)
                .await
                .unwrap();
            made += 1;
        }
        count.store(0, Ordering::SeqCst);
        let view = app::risks::service::register(&counted, &ada, "shop", &Default::default())
            .await
            .unwrap();
        assert_eq!(view.risks.len(), size);
        assert!(view.risks.iter().all(|r| r.items.len() == 1));
        per_size.push(count.load(Ordering::SeqCst));
    }
    println!(
        "queries per register read: 5 risks → {}, 300 risks → {}",
        per_size[0], per_size[1]
    );
    assert_eq!(per_size[0], per_size[1]);
}

/// A resize reads the risks, rescales them and writes them back. A risk someone changes while
/// that runs must not be written back from the resize's older copy: either the resize rescales
/// the changed risk, or it stops with a conflict and changes nothing. (Before: the risks were
/// read outside the write's transaction and written back by id alone, so the change was lost
/// and the risk's version did not even move past it.)
#[tokio::test]
async fn a_resize_never_writes_back_a_risk_changed_while_it_ran() {
    use app::{entities::risks, risks::matrix::RiskMatrix};
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
    let s = TestServer::start().await;
    let (c, _, _) = shop(&s).await;
    let (_, id) = create(
        &s,
        &c,
        &[("title", "Outage"), ("likelihood", "2"), ("impact", "3")],
    )
    .await;
    let id: i32 = serde_json::from_value(id).unwrap();
    // Someone's edit in flight: likelihood 2 → 5 (version 2), not yet committed.
    let edit = app::txn::begin(&s.db).await.unwrap();
    risks::Entity::update_many()
        .col_expr(risks::Column::Likelihood, Expr::value(5))
        .col_expr(risks::Column::Version, Expr::value(2))
        .filter(risks::Column::Id.eq(id))
        .exec(&edit)
        .await
        .unwrap();
    // Meanwhile the matrix shrinks to three likelihood steps; the edit commits while it runs.
    let form = matrix_form(0, &RiskMatrix::with_size(3, 5), true);
    let ((status, body), ()) = tokio::join!(save_matrix(&s, &c, &form), async {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        sea_orm::TransactionSession::commit(edit).await.unwrap();
    });
    let r = risks::Entity::find_by_id(id)
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let matrix = s.get_json(&c, "/rpc/get_matrix_settings?slug=shop").await;
    if status == 200 {
        // 5 of 5 steps is 3 of 3; the edit's version 2, then the resize's 3.
        assert_eq!((r.likelihood, r.version), (3, 3), "resize saved: {body}");
    } else {
        assert_eq!(status, 409, "{body}");
        assert_eq!((r.likelihood, r.version), (5, 2), "the edit stands");
        assert_eq!(matrix["version"], 0, "nor was the matrix saved: {matrix}");
    }
}
