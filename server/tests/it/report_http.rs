//! Stakeholder reports over HTTP: the report model (live and as of a final review), the PDF
//! read back with pdftotext, the Markdown read back by the importer, the HTML download.

use std::process::Command;

use crate::support::{TestServer, error_kind, temp_dir};

/// A project with every status, a blocking overdue gap, an accepted risk, a risk in the
/// register and text the PDF font cannot show (emoji, CJK).
const PAY: &str = r#"{
  "format": "preflight",
  "version": 1,
  "project": { "name": "Payments API 🚀", "slug": "pay", "threshold": 80 },
  "categories": [
    {
      "name": "Security",
      "weight": 2,
      "assessor_score": 60,
      "items": [
        { "title": "Rotate secrets", "status": "open", "priority": "critical", "blocking": true,
          "assignee": "ada@example.com", "due_date": "2020-01-01", "effort_hours": 4 },
        { "title": "TLS everywhere", "status": "done", "priority": "high" },
        { "title": "Old *cipher* kept_for [legacy]", "status": "accepted_risk", "priority": "high",
          "blocking": false, "status_reason": "Legacy clients · until March.", "accepted_until": "2099-01-01" }
      ]
    },
    {
      "name": "Observability & On-call",
      "weight": 1,
      "items": [
        { "title": "Alerts on 5xx", "status": "in_progress", "priority": "high", "effort_hours": 2.5 },
        { "title": "Chaos test", "status": "not_applicable", "priority": "low", "status_reason": "Single node." },
        { "title": "Emoji 🔥 and 日本語 title", "status": "open", "priority": "critical", "blocking": false }
      ]
    }
  ],
  "risks": [
    { "title": "Data loss", "category": "Security", "owner": "ada@example.com", "status": "open",
      "likelihood": 4, "impact": 5, "target_likelihood": 2, "target_impact": 2 }
  ]
}"#;

async fn pay(s: &TestServer) -> (reqwest::Client, String) {
    let (c, team) = s.admin_with_team().await;
    s.call_ok(
        &c,
        "run_import",
        &[("team_id", &team), ("format", "json"), ("document", PAY)],
    )
    .await;
    (c, team)
}

/// Freezes review "Review 1" (v1) of `pay`.
async fn final_review(s: &TestServer, c: &reqwest::Client) {
    let (st, id) = error_kind(
        s.call(
            c,
            "create_review",
            &[
                ("slug", "pay"),
                ("title", "Review 1"),
                ("version_label", "v1"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(st, 200, "{id}");
    let id = id.to_string();
    let v = s
        .get_json(c, &format!("/rpc/get_review?review_id={id}"))
        .await["review"]["version"]
        .to_string();
    s.call_ok(c, "finalize_review", &[("review_id", &id), ("version", &v)])
        .await;
}

async fn fetch(s: &TestServer, c: &reqwest::Client, path: &str) -> (u16, String, Vec<u8>) {
    let res = c.get(s.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, disposition, res.bytes().await.unwrap().to_vec())
}

/// The text of a PDF file and its page count, as poppler reads them.
pub fn pdf_text(pdf: &[u8], name: &str) -> (String, u32) {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let path = temp_dir(&format!("pdf-{name}")).join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let text = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(text.status.success(), "pdftotext failed: {:?}", text);
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    assert!(info.status.success(), "pdfinfo failed");
    let pages = String::from_utf8_lossy(&info.stdout)
        .lines()
        .find_map(|l| {
            l.strip_prefix("Pages:")
                .map(|p| p.trim().parse::<u32>().unwrap())
        })
        .unwrap();
    (String::from_utf8(text.stdout).unwrap(), pages)
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn the_report_model_is_live_or_as_of_a_final_review() {
    let s = TestServer::start().await;
    let (c, _) = pay(&s).await;
    final_review(&s, &c).await;
    // After the review, a gap is fixed.
    let fix = PAY.replace(
        r#""title": "Alerts on 5xx", "status": "in_progress""#,
        r#""title": "Alerts on 5xx", "status": "done""#,
    );
    assert_ne!(fix, PAY);
    s.call_ok(
        &c,
        "run_import",
        &[("project", "pay"), ("format", "json"), ("document", &fix)],
    )
    .await;

    let live = s.get_json(&c, "/rpc/get_report?slug=pay").await;
    let r = &live["report"];
    assert_eq!(r["verdict"], "not_ready");
    assert!(r["review"].is_null());
    assert_eq!(r["categories"][0]["name"], "Security");
    assert_eq!(r["categories"][0]["assessor"], 60);
    assert_eq!(r["categories"][0]["effective"], 60);
    assert_eq!(r["categories"][0]["previous"], 60);
    assert_eq!(r["categories"][0]["delta"], 0);
    assert_eq!(r["categories"][1]["closed"], 1, "the fixed item counts");
    assert_eq!(r["since"]["title"], "Review 1");
    assert_eq!(
        r["since"]["diff"]["fixed"][0]["item"]["title"],
        "Alerts on 5xx"
    );
    let blocking: Vec<&serde_json::Value> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["blocking"] == true && (i["status"] == "open" || i["status"] == "in_progress")
        })
        .collect();
    assert_eq!(blocking.len(), 1);
    assert_eq!(blocking[0]["title"], "Rotate secrets");
    assert_eq!(blocking[0]["overdue"], true);
    assert_eq!(blocking[0]["assignee"], "Ada Admin");
    // One open gap each; "Unassigned" goes last among equals.
    assert_eq!(r["owners"][0]["name"], "Ada Admin", "{}", r["owners"]);
    assert_eq!(r["owners"][0]["hours"], 4.0);
    assert_eq!(r["owners"][0]["blocking"], 1);
    assert_eq!(r["owners"][1]["name"], "Unassigned");
    assert_eq!(r["owners"][1]["open"], 1);
    assert_eq!(r["heat"]["current"][3][4], 1, "likelihood 4, impact 5");
    assert_eq!(r["heat"]["target"][1][1], 1);
    assert_eq!(r["risk_by_category"][0]["category"], "Security");
    assert_eq!(r["risk_by_category"][0]["current"], "critical");
    assert_eq!(r["risks"][0]["owner"], "Ada Admin");
    assert_eq!(r["signed"][0], "Review 1");
    assert_eq!(live["finals"][0][1], "Review 1 (v1)");
    assert_eq!(live["can_share"], true);

    // As of the review: the item was still in progress then, and there are no heat maps.
    let then = s.get_json(&c, "/rpc/get_report?slug=pay&review=v1").await;
    let t = &then["report"];
    assert_eq!(t["review"]["label"], "v1");
    let alerts = t["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Alerts on 5xx")
        .unwrap();
    assert_eq!(alerts["status"], "in_progress");
    assert!(t["heat"].is_null());
    assert!(t["since"].is_null(), "nothing before the first review");

    // The page shows the same thing; an unknown review is a 404.
    let page = s.page(&c, "/p/pay/report").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for text in [
        "Payments API 🚀",
        "Not ready",
        "Rotate secrets",
        "Changes since",
        "Download",
    ] {
        assert!(html.contains(text), "page shows {text}");
    }
    let res = c
        .get(s.url("/rpc/get_report?slug=pay&review=v9"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_pdf_reads_back_with_the_project_verdict_categories_and_blocking_gaps() {
    let s = TestServer::start().await;
    let (c, _) = pay(&s).await;
    let (status, disposition, pdf) = fetch(&s, &c, "/p/pay/export/pdf").await;
    assert_eq!(status, 200);
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"pay-readiness-{today}.pdf\"")
    );
    let (text, pages) = pdf_text(&pdf, "pay");
    let flat = squash(&text);
    for want in [
        "Payments API",
        "Not ready",
        "Security",
        "Observability & On-call",
        "Rotate secrets",
        "Data loss",
        "Emoji and",
    ] {
        assert!(flat.contains(want), "PDF says {want}: {flat}");
    }
    assert!(!flat.contains('🔥'), "emoji left out, not drawn as a box");
    assert!((1..=3).contains(&pages), "{pages} pages");
}

#[tokio::test]
async fn a_thousand_item_pdf_has_every_category_and_a_sensible_page_count() {
    let s = TestServer::start().await;
    let (c, team) = s.admin_with_team().await;
    let mut categories = Vec::new();
    for n in 0..12 {
        let items: Vec<serde_json::Value> = (0..84)
            .filter(|i| n * 84 + i < 1000)
            .map(|i| {
                let status = ["open", "in_progress", "done", "done"][i % 4];
                let priority = ["critical", "high", "medium", "low"][i % 4];
                serde_json::json!({
                    "title": format!("Item {n}-{i}: make the service survive a long and realistic failure"),
                    "status": status,
                    "priority": priority,
                    "blocking": i % 17 == 0,
                })
            })
            .collect();
        categories
            .push(serde_json::json!({ "name": format!("Area {n}"), "weight": 1, "items": items }));
    }
    let doc = serde_json::json!({
        "format": "preflight", "version": 1,
        "project": { "name": "Big", "slug": "big" },
        "categories": categories,
    });
    s.call_ok(
        &c,
        "run_import",
        &[
            ("team_id", &team),
            ("format", "json"),
            ("document", &doc.to_string()),
        ],
    )
    .await;
    let started = std::time::Instant::now();
    let (status, _, pdf) = fetch(&s, &c, "/p/big/export/pdf").await;
    let took = started.elapsed();
    assert_eq!(status, 200);
    let (text, pages) = pdf_text(&pdf, "big");
    eprintln!(
        "1,000-item PDF: {} bytes, {pages} pages, {} ms over HTTP (debug build)",
        pdf.len(),
        took.as_millis()
    );
    let flat = squash(&text);
    assert!(flat.contains("Big") && flat.contains("Not ready"));
    for n in 0..12 {
        assert!(
            flat.contains(&format!("Area {n}")),
            "Area {n} is in the PDF"
        );
    }
    assert!(
        flat.contains("Item 11-0: make the service"),
        "a blocking item's title"
    );
    assert!(flat.contains("Item 11-75"), "the last item");
    assert!((15..=80).contains(&pages), "{pages} pages for 1,000 items");
}

#[tokio::test]
async fn the_markdown_report_imports_back_to_the_same_checklist() {
    let s = TestServer::start().await;
    let (c, team) = pay(&s).await;
    let (status, disposition, md) = fetch(&s, &c, "/p/pay/export/md").await;
    assert_eq!(status, 200);
    assert!(disposition.ends_with(".md\""), "{disposition}");
    let md = String::from_utf8(md).unwrap();
    assert!(md.contains("- Verdict: **Not ready**"), "{md}");
    assert!(
        md.contains(
            "| Rotate secrets | Security | Critical | Ada Admin | 2020-01-01 (overdue) | 4 h |"
        ),
        "{md}"
    );
    s.call_ok(
        &c,
        "run_import",
        &[
            ("team_id", &team),
            ("format", "markdown"),
            ("document", &md),
            ("slug", "pay-md"),
        ],
    )
    .await;
    let shape = |v: serde_json::Value| -> Vec<serde_json::Value> {
        v["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                serde_json::json!({
                    "name": c["name"], "weight": c["weight"], "assessor": c["assessor_score"],
                    "items": c["items"].as_array().unwrap().iter().map(|i| serde_json::json!({
                        "title": i["title"], "status": i["status"], "priority": i["priority"],
                        "blocking": i["blocking"], "reason": i["status_reason"],
                        "until": i["accepted_until"], "due": i["due_date"], "effort": i["effort_hours"],
                    })).collect::<Vec<_>>(),
                })
            })
            .collect()
    };
    let json = |slug: &str| {
        let s = &s;
        let c = &c;
        let slug = slug.to_owned();
        async move {
            let (_, _, body) = fetch(s, c, &format!("/p/{slug}/export/json")).await;
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()
        }
    };
    let original = json("pay").await;
    let copy = json("pay-md").await;
    assert_eq!(copy["project"]["name"], "Payments API 🚀");
    assert_eq!(shape(copy), shape(original));
}

#[tokio::test]
async fn html_and_review_downloads_and_their_names() {
    let s = TestServer::start().await;
    let (c, _) = pay(&s).await;
    final_review(&s, &c).await;
    let today = chrono::Utc::now().date_naive();
    let (status, disposition, html) = fetch(&s, &c, "/p/pay/export/html?review=v1").await;
    assert_eq!(status, 200);
    assert_eq!(
        disposition,
        format!("attachment; filename=\"pay-readiness-{today}-v1.html\"")
    );
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains(r#"<meta name="robots" content="noindex, nofollow">"#));
    assert!(
        html.contains("As of the final review “Review 1” (v1)"),
        "{html}"
    );
    assert!(
        html.contains("<style>"),
        "a downloaded file carries its styles"
    );
    assert!(!html.contains("<script"), "and no script");
    let (status, _, _) = fetch(&s, &c, "/p/pay/export/pdf?review=nope").await;
    assert_eq!(status, 404);
    // A stranger gets nothing.
    s.add_user("eve@example.com", false).await;
    let eve = s.client();
    s.login(&eve, "eve@example.com", crate::support::PASSWORD)
        .await;
    let (status, _, body) = fetch(&s, &eve, "/p/pay/export/pdf").await;
    assert_eq!(status, 404);
    assert!(!body.starts_with(b"%PDF"));
    let res = eve
        .get(s.url("/rpc/get_report?slug=pay"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

/// Creates a share link of `pay` as its owner; the path it answers with.
async fn share(s: &TestServer, c: &reqwest::Client, form: &[(&str, &str)]) -> String {
    let mut all = vec![("slug", "pay")];
    all.extend_from_slice(form);
    let (status, body) = error_kind(s.call(c, "create_share_link", &all).await).await;
    assert_eq!(status, 200, "{body}");
    body.as_str().unwrap().to_owned()
}

#[tokio::test]
async fn share_links_open_the_report_alone_until_revoked_or_expired() {
    let s = TestServer::start().await;
    let (c, team) = pay(&s).await;
    // Another project of the same team, which the link must not reveal.
    s.call_ok(
        &c,
        "run_import",
        &[
            ("team_id", &team),
            ("format", "markdown"),
            (
                "document",
                "# Secret merger\n\n## Legal\n- [ ] Sign the NDA\n",
            ),
        ],
    )
    .await;
    let path = share(&s, &c, &[("label", "Board")]).await;
    let token = path.strip_prefix("/share/").unwrap().to_owned();
    assert_eq!(token.len(), 64, "256 bits as hex");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));

    // Only the hash is stored.
    use sea_orm::EntityTrait;
    let stored = app::entities::share_links::Entity::find()
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].token_hash, token);
    assert!(!stored[0].token_hash.contains(&token[..16]));

    let stranger = s.client();
    let res = stranger.get(s.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-robots-tag"], "noindex, nofollow");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    assert!(
        res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .starts_with("default-src 'none'")
    );
    let html = res.text().await.unwrap();
    for want in [
        "Payments API 🚀",
        "Not ready",
        "Rotate secrets",
        r#"content="noindex, nofollow""#,
    ] {
        assert!(html.contains(want), "shared page shows {want}");
    }
    for never in [
        "Secret merger",
        "<script",
        "/rpc/",
        "href=\"/p/",
        "href=\"/\"",
        "<form",
        "Sign out",
    ] {
        assert!(!html.contains(never), "shared page has no {never}");
    }
    // The link's PDF, and nothing of the app for the same visitor.
    let pdf = stranger
        .get(s.url(&format!("{path}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let res = stranger
        .get(s.url("/rpc/get_report?slug=pay"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    let res = stranger
        .get(s.url("/p/pay/export/json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);

    // Owners see when it was used.
    let links = s.get_json(&c, "/rpc/list_share_links?slug=pay").await;
    assert_eq!(links[0]["label"], "Board");
    assert_eq!(links[0]["uses"], 2);
    assert!(links[0]["last_used_at"].is_string());
    assert_eq!(links[0]["state"], "active");

    // Wrong and malformed tokens are 404 like revoked ones.
    let wrong = format!("/share/{}", "ab".repeat(32));
    for bad in [wrong.as_str(), "/share/short", "/share/../../etc/passwd"] {
        let res = stranger.get(s.url(bad)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{bad}");
        assert!(!res.text().await.unwrap().contains("Payments"));
    }

    // Revoked: dead at once.
    let id = links[0]["id"].to_string();
    s.call_ok(&c, "revoke_share_link", &[("id", &id)]).await;
    let res = stranger.get(s.url(&path)).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("This link is not valid"));
    let res = stranger
        .get(s.url(&format!("{path}/pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let links = s.get_json(&c, "/rpc/list_share_links?slug=pay").await;
    assert_eq!(links[0]["state"], "revoked");
    let trail = s.audit_trail().await;
    assert!(
        trail
            .iter()
            .any(|(e, a)| e == "share_link" && a == "revoked"),
        "{trail:?}"
    );

    // Expired: a link for one day, one day later.
    let path = share(&s, &c, &[("expires_in_days", "1")]).await;
    assert_eq!(
        stranger.get(s.url(&path)).send().await.unwrap().status(),
        200
    );
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel, QueryOrder};
    let link = app::entities::share_links::Entity::find()
        .order_by_desc(app::entities::share_links::Column::Id)
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    let mut active = link.into_active_model();
    active.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::minutes(1)));
    active.update(&s.db).await.unwrap();
    assert_eq!(
        stranger.get(s.url(&path)).send().await.unwrap().status(),
        404
    );
    let links = s.get_json(&c, "/rpc/list_share_links?slug=pay").await;
    assert_eq!(links[0]["state"], "expired");
}

#[tokio::test]
async fn a_share_link_can_show_one_final_review_and_bad_input_is_a_field_error() {
    let s = TestServer::start().await;
    let (c, _) = pay(&s).await;
    final_review(&s, &c).await;
    let path = share(&s, &c, &[("review", "v1")]).await;
    let html = s
        .client()
        .get(s.url(&path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("As of the final review “Review 1” (v1)"),
        "{html}"
    );
    for (field, form) in [
        ("expires_in_days", [("expires_in_days", "0")]),
        ("expires_in_days", [("expires_in_days", "soon")]),
        ("review", [("review", "v7")]),
        ("label", [("label", &*"x".repeat(121))]),
    ] {
        let mut all = vec![("slug", "pay")];
        all.extend_from_slice(&form);
        let (status, body) = error_kind(s.call(&c, "create_share_link", &all).await).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.to_string().contains(field), "{body}");
    }
    let links = s.get_json(&c, "/rpc/list_share_links?slug=pay").await;
    assert_eq!(
        links.as_array().unwrap().len(),
        1,
        "nothing made by bad input"
    );
}

/// A review's report shows only what the review froze: due dates, efforts, reasons and
/// acceptances written after it do not appear on its share link (the live report has them).
#[tokio::test]
async fn a_review_report_shows_nothing_written_after_the_review() {
    use app::entities::items;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel};
    let s = TestServer::start().await;
    let (c, _) = pay(&s).await;
    final_review(&s, &c).await;
    for item in items::Entity::find().all(&s.db).await.unwrap() {
        let mut am = item.into_active_model();
        am.due_date = Set(chrono::NaiveDate::from_ymd_opt(2031, 3, 4));
        am.effort_hours = Set(Some(777.0));
        am.status_reason = Set("Written after the review".into());
        am.update(&s.db).await.unwrap();
    }
    let text = |path: String| {
        let s = &s;
        async move {
            s.client()
                .get(s.url(&path))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let review = text(share(&s, &c, &[("review", "v1")]).await).await;
    assert!(review.contains("Review 1"), "{review}");
    // "777 h" as the report writes hours: a bare "777" turns up in random tokens now and then.
    for later in ["2031-03-04", "777 h", "Written after the review"] {
        assert!(
            !review.contains(later),
            "{later} shows in the review's report"
        );
    }
    let live = text(share(&s, &c, &[]).await).await;
    assert!(
        live.contains("2031-03-04"),
        "the live report shows due dates"
    );
}
