//! Launch tiers over HTTP: a project made from a template on a light tier gets only the tier's
//! sections; a project on a tier takes its threshold and sign-offs, follows changes to the tier,
//! and cannot drift from them; campaigns reach every project of a tier.

use app::entities::{categories, projects};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{TestServer, error_kind};

async fn project(s: &TestServer, slug: &str) -> projects::Model {
    projects::Entity::find()
        .filter(projects::Column::Slug.eq(slug))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap()
}

async fn required(s: &TestServer, c: &reqwest::Client, slug: &str) -> Vec<String> {
    s.get_json(c, &format!("/rpc/get_signoff_state?slug={slug}"))
        .await["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_project_on_a_tier_takes_its_sections_threshold_and_sign_offs() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let ada = &shop.c;
    let bob = s.member(ada, &shop.team, "bob@example.com", "owner").await;
    let eve = s.member(ada, &shop.team, "eve@example.com", "editor").await;
    for g in ["Security", "SRE"] {
        s.call_ok(ada, "create_reviewer_group", &[("name", g)])
            .await;
    }
    let tier = |name: &'static str,
                threshold: &'static str,
                sections: &'static str,
                groups: &'static str| {
        let s = &s;
        async move {
            s.call(
                ada,
                "create_tier",
                &[
                    ("name", name),
                    ("description", "customer-facing"),
                    ("threshold", threshold),
                    ("sections", sections),
                    ("groups", groups),
                ],
            )
            .await
        }
    };
    // Bad input: field messages, nothing made.
    for (threshold, groups, field) in [("101", "", "threshold"), ("80", "Legal", "groups")] {
        let (st, body) = error_kind(tier("Tier 0", threshold, "", groups).await).await;
        assert_eq!(st, 422);
        assert!(body.to_string().contains(field), "{body}");
    }
    assert_eq!(
        s.call(
            &bob,
            "create_tier",
            &[("name", "Mine"), ("threshold", "50")]
        )
        .await
        .status(),
        403,
        "site admins keep the tiers"
    );
    let tier1 = tier(
        "Tier 1",
        "90",
        "Reliability\nSecurity\nObservability",
        "Security, SRE",
    )
    .await
    .json::<i32>()
    .await
    .unwrap()
    .to_string();
    let tier3 = tier("Tier 3", "60", "Security", "")
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();

    // The fast common path: a Tier 3 project from the web-service template has one section.
    let res = s
        .call(
            &bob,
            "create_from_template",
            &[
                ("template", "builtin:web-service"),
                ("team_id", &shop.team),
                ("name", "Experiment"),
                ("tier", &tier3),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status() == 302,
        "{}",
        res.status()
    );
    let exp = project(&s, "experiment").await;
    let cats: Vec<String> = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(exp.id))
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(cats, ["Security"]);
    assert_eq!(
        (exp.tier_id, exp.threshold),
        (Some(tier3.parse().unwrap()), 60)
    );
    // Without a tier, the same template gives all six.
    s.call(
        &bob,
        "create_from_template",
        &[
            ("template", "builtin:web-service"),
            ("team_id", &shop.team),
            ("name", "Full"),
        ],
    )
    .await;
    let full = project(&s, "full").await;
    assert_eq!(
        categories::Entity::find()
            .filter(categories::Column::ProjectId.eq(full.id))
            .all(&s.db)
            .await
            .unwrap()
            .len(),
        6
    );

    // Bob puts Full on Tier 1: its threshold and sign-offs come from the tier.
    assert_eq!(
        s.call(
            &eve,
            "set_project_tier",
            &[("slug", "full"), ("tier", &tier1)]
        )
        .await
        .status(),
        403,
        "an editor cannot"
    );
    s.call_ok(
        &bob,
        "set_project_tier",
        &[("slug", "full"), ("tier", &tier1)],
    )
    .await;
    assert_eq!(project(&s, "full").await.threshold, 90);
    assert_eq!(required(&s, &bob, "full").await, ["SRE", "Security"]);
    let t = s.get_json(&bob, "/rpc/get_project_tier?slug=full").await;
    assert_eq!(t["tier"]["name"], "Tier 1");
    assert_eq!(
        t["outside"],
        serde_json::json!(["Data", "Delivery", "Operations"])
    );
    // Nor can the project drift from its tier.
    let res = s
        .call(
            &bob,
            "require_signoff_group",
            &[("slug", "full"), ("group", "1"), ("required", "false")],
        )
        .await;
    assert_eq!(res.status(), 409);
    let version = project(&s, "full").await.version.to_string();
    let (st, body) = error_kind(
        s.call(
            &bob,
            "update_project",
            &[
                ("slug", "full"),
                ("version", &version),
                ("name", "Full"),
                ("threshold", "50"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(st, 422);
    assert!(body.to_string().contains("threshold"), "{body}");

    // A campaign reaches every project on Tier 1 (only Full).
    let campaign = s
        .call(
            ada,
            "create_campaign",
            &[
                ("name", "Tier 1 drills"),
                ("team", "0"),
                ("items", "Failover drill"),
            ],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let applied: serde_json::Value = s
        .call(
            ada,
            "apply_campaign",
            &[("id", &campaign), ("tier", &tier1)],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (applied["projects"].as_u64(), applied["added"].as_u64()),
        (Some(1), Some(1))
    );

    // The admin changes Tier 1: its project follows in the same step.
    let followed = s
        .call(
            ada,
            "update_tier",
            &[
                ("id", &tier1),
                ("name", "Tier 1"),
                ("threshold", "85"),
                ("sections", "Reliability\nSecurity"),
                ("groups", "Security"),
            ],
        )
        .await
        .json::<usize>()
        .await
        .unwrap();
    assert_eq!(followed, 1);
    assert_eq!(project(&s, "full").await.threshold, 85);
    assert_eq!(required(&s, &bob, "full").await, ["Security"]);

    // Deleting the tier leaves the project its last threshold and sign-offs, now its own.
    s.call_ok(ada, "delete_tier", &[("id", &tier1)]).await;
    let full = project(&s, "full").await;
    assert_eq!((full.tier_id, full.threshold), (None, 85));
    assert_eq!(required(&s, &bob, "full").await, ["Security"]);
    let trail = s.audit_trail().await;
    for action in ["created", "updated", "deleted", "tier_set"] {
        assert!(trail.iter().any(|(_, a)| a == action), "{action}");
    }
}

async fn export_json(s: &TestServer, c: &reqwest::Client, slug: &str) -> serde_json::Value {
    let res = crate::support::read(c.get(s.url(&format!("/p/{slug}/export/json")))).await;
    assert_eq!(res.status(), 200);
    serde_json::from_str(&res.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn the_preflight_json_carries_tier_sign_offs_and_exception_state() {
    let s = TestServer::start().await;
    let shop = s.shop("Security").await;
    let ada = &shop.c;
    let bob = s.member(ada, &shop.team, "bob@example.com", "editor").await;
    let group = s
        .call(ada, "create_reviewer_group", &[("name", "Security")])
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    let tier = s
        .call(
            ada,
            "create_tier",
            &[
                ("name", "Tier 1"),
                ("threshold", "90"),
                ("groups", "Security"),
            ],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    s.call_ok(
        ada,
        "set_project_tier",
        &[("slug", "shop"), ("tier", &tier)],
    )
    .await;
    s.call_ok(
        ada,
        "set_category_group",
        &[("category", &shop.category), ("group", &group)],
    )
    .await;
    s.call_ok(
        ada,
        "set_exception_policy",
        &[
            ("slug", "shop"),
            ("accepted_risk", "on"),
            ("max_days", "30"),
        ],
    )
    .await;
    let waf = shop
        .item(&s, &[("title", "WAF in front"), ("priority", "high")])
        .await;
    let until = (s.clock.today() + chrono::Duration::days(10)).to_string();
    let res = s
        .call(
            &bob,
            "set_item_status",
            &[
                ("item_id", &waf),
                ("version", "1"),
                ("status", "accepted_risk"),
                ("status_reason", "Behind the CDN"),
                ("accepted_until", &until),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let campaign = s
        .call(
            ada,
            "create_campaign",
            &[
                ("name", "Rotation"),
                ("team", &shop.team),
                ("category", "Security"),
                ("items", "Rotate keys"),
            ],
        )
        .await
        .json::<i32>()
        .await
        .unwrap()
        .to_string();
    s.call_ok(
        ada,
        "apply_campaign",
        &[("id", &campaign), ("projects", "shop")],
    )
    .await;

    let doc = export_json(&s, ada, "shop").await;
    let p = &doc["project"];
    assert_eq!(p["tier"], "Tier 1");
    assert_eq!(p["signoff_groups"], serde_json::json!(["Security"]));
    assert_eq!(p["threshold"], 90);
    assert_eq!(p["approve_accepted_risk"], true);
    assert_eq!(p["exception_max_days"], 30);
    let cat = &doc["categories"][0];
    assert_eq!(cat["reviewer_group"], "Security");
    let item = |title: &str| {
        cat["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["title"] == title)
            .cloned()
            .unwrap()
    };
    let w = item("WAF in front");
    assert_eq!(w["status"], "open", "still open until approved");
    assert_eq!(w["exception"]["status"], "accepted_risk");
    assert_eq!(w["exception"]["requested_by"], "bob@example.com");
    assert_eq!(w["exception"]["until"], until.as_str());
    assert_eq!(item("Rotate keys")["campaign"], "Rotation");

    // Imported as a new project, it is on the same tier with the same owners and policy.
    let res = s
        .call(
            ada,
            "run_import",
            &[
                ("team_id", &shop.team),
                ("name", "Shop copy"),
                ("slug", "shop-copy"),
                ("format", "json"),
                ("document", &doc.to_string()),
            ],
        )
        .await;
    assert!(
        res.status().is_success() || res.status() == 302,
        "{}",
        res.status()
    );
    let copy = export_json(&s, ada, "shop-copy").await;
    for key in [
        "tier",
        "signoff_groups",
        "threshold",
        "approve_accepted_risk",
        "exception_max_days",
    ] {
        assert_eq!(copy["project"][key], p[key], "{key}");
    }
    assert_eq!(copy["categories"][0]["reviewer_group"], "Security");
}
