//! Exports over HTTP: Preflight JSON round-trips exactly through import; the CSV escapes
//! formula-like cells and keeps quotes, commas and newlines; exports are authorized like reads.

use crate::support::TestServer;

/// A document using every field version 1 has.
const FULL: &str = r#"{
  "format": "preflight",
  "version": 1,
  "project": {
    "name": "Everything",
    "slug": "orig",
    "description": "All the fields.",
    "repository_url": "https://example.com/repo",
    "target_date": "2027-01-15",
    "threshold": 70,
    "evidence_required": true,
    "capacity_hours": 12,
    "review_every_days": 30
  },
  "categories": [
    {
      "name": "Ops",
      "weight": 3,
      "assessor_score": 55,
      "assessor_note": "Judged by the SRE lead.",
      "items": [
        {
          "title": "Backups restored",
          "description": "Monthly drill.\nSecond line.",
          "status": "done",
          "priority": "critical",
          "blocking": true,
          "assignee": "ada@example.com",
          "due_date": "2026-12-01",
          "effort_hours": 2.5,
          "evidence_url": "https://example.com/drill",
          "evidence_text": "Restored in 14 minutes.",
          "comments": [
            { "author": "ada@example.com", "created_at": "2026-11-01T09:30:00Z", "body": "Drill **passed**." },
            { "created_at": "2026-11-02T10:00:00.123456Z", "body": "Noted by someone who has since left." }
          ]
        },
        {
          "title": "Old TLS accepted",
          "description": "",
          "status": "accepted_risk",
          "priority": "high",
          "blocking": false,
          "status_reason": "Legacy clients until March.",
          "accepted_until": "2027-03-31",
          "phase": "After launch"
        },
        {
          "title": "Chaos test",
          "description": "",
          "status": "not_applicable",
          "priority": "low",
          "blocking": false,
          "status_reason": "Single node."
        }
      ]
    },
    {
      "name": "Security",
      "weight": 1,
      "assessor_score": null,
      "assessor_note": "",
      "items": [
        { "title": "=SUM(A1) \"quoted\", with comma", "description": "", "status": "in_progress", "priority": "medium", "blocking": false, "phase": "Week 1" }
      ]
    }
  ],
  "risks": [
    {
      "title": "Data loss",
      "description": "Disk failure.",
      "category": "Ops",
      "owner": "ada@example.com",
      "status": "mitigating",
      "likelihood": 2,
      "impact": 3,
      "target_likelihood": 1,
      "target_impact": 2,
      "items": [{ "category": "Ops", "title": "Backups restored" }]
    }
  ],
  "matrix": {
    "likelihood": ["Rare", "Possible", "Likely"],
    "impact": ["Minor", "Major", "Severe"],
    "levels": [["low", "low", "medium"], ["low", "medium", "high"], ["medium", "high", "critical"]]
  },
  "phases": [
    { "name": "Week 1", "goal": "Close the security gaps.", "target_date": "2027-01-08" },
    { "name": "After launch" }
  ]
}
"#;

/// Setup, then project `orig` imported from [`FULL`]; the admin's client and team id.
async fn orig(s: &TestServer) -> (reqwest::Client, String) {
    let (c, team) = s.admin_with_team().await;
    s.call_ok(
        &c,
        "run_import",
        &[("team_id", &team), ("format", "json"), ("document", FULL)],
    )
    .await;
    (c, team)
}

async fn download(
    s: &TestServer,
    c: &reqwest::Client,
    slug: &str,
    format: &str,
) -> (u16, String, String) {
    let res = c
        .get(s.url(&format!("/p/{slug}/export/{format}")))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, disposition, res.text().await.unwrap())
}

#[tokio::test]
async fn json_export_imports_back_and_exports_byte_identical() {
    let s = TestServer::start().await;
    let (c, team) = orig(&s).await;
    let (status, disposition, first) = download(&s, &c, "orig", "json").await;
    assert_eq!(status, 200);
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"orig-readiness-{today}.json\"")
    );
    // What was imported is what is exported: every field survives.
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&first).unwrap(),
        serde_json::from_str::<serde_json::Value>(FULL).unwrap()
    );
    // Export → import → export is byte-identical (but for the new project's slug).
    s.call_ok(
        &c,
        "run_import",
        &[
            ("team_id", &team),
            ("format", "json"),
            ("document", &first),
            ("slug", "copy"),
        ],
    )
    .await;
    let (_, _, second) = download(&s, &c, "copy", "json").await;
    let expected = first.replacen("\"slug\": \"orig\"", "\"slug\": \"copy\"", 1);
    assert_ne!(expected, first);
    assert_eq!(second, expected);
    // Merging the same document again changes nothing, and adds no comment twice.
    s.call_ok(
        &c,
        "run_import",
        &[
            ("project", "orig"),
            ("format", "json"),
            ("document", &first),
        ],
    )
    .await;
    let (_, _, third) = download(&s, &c, "orig", "json").await;
    assert_eq!(third, first);
    assert_eq!(third.matches("Drill **passed**.").count(), 1);
}

#[tokio::test]
async fn csv_export_escapes_formulas_and_reads_back() {
    let s = TestServer::start().await;
    let (c, _) = orig(&s).await;
    let (status, disposition, csv) = download(&s, &c, "orig", "csv").await;
    assert_eq!(status, 200);
    assert!(disposition.ends_with(".csv\""), "{disposition}");
    assert!(csv.starts_with("category,title,description,priority,blocking,status,assignee,due_date,effort_hours,evidence\n"));
    assert!(csv.contains("'=SUM(A1)"), "formula escaped: {csv}");
    assert!(
        csv.contains("\"Monthly drill.\nSecond line.\""),
        "newline kept in quotes"
    );
    let rows = app::import::csv_items::parse(&csv).unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3].title, "=SUM(A1) \"quoted\", with comma");
    assert_eq!(rows[0].description, "Monthly drill.\nSecond line.");
    assert_eq!(rows[0].assignee.as_deref(), Some("ada@example.com"));
    assert_eq!(rows[0].effort_hours, Some(2.5));
}

#[tokio::test]
async fn exports_are_authorized_like_reads() {
    let s = TestServer::start().await;
    let (c, _) = orig(&s).await;
    let anonymous = s.client();
    let res = anonymous
        .get(s.url("/p/orig/export/json"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "/login");
    s.add_user("eve@example.com", false).await;
    let eve = s.client();
    s.login(&eve, "eve@example.com", crate::support::PASSWORD)
        .await;
    let (status, _, body) = download(&s, &eve, "orig", "json").await;
    assert_eq!(status, 404, "another team's project does not exist for Eve");
    assert!(!body.contains("Everything"));
    let (status, _, _) = download(&s, &c, "nope", "json").await;
    assert_eq!(status, 404);
    let (status, _, body) = download(&s, &c, "orig", "exe").await;
    assert_eq!(status, 422, "{body}");
}

/// A tab or a carriage return starts a formula in some spreadsheets too, and the assignee (an
/// email, which may start with `+` or `=`) is a cell like any other: all get the leading `'`,
/// and all read back as they were.
#[tokio::test]
async fn csv_export_escapes_tabs_returns_and_assignees() {
    use app::entities::items;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, QueryOrder};
    let s = TestServer::start().await;
    let (c, _) = orig(&s).await;
    let plus = s.add_user("+1@example.com", false).await;
    let mut rows = items::Entity::find()
        .order_by_asc(items::Column::Id)
        .all(&s.db)
        .await
        .unwrap()
        .into_iter();
    let mut first = rows.next().unwrap().into_active_model();
    first.description = Set("\t=1+2".into());
    first.assignee_id = Set(Some(plus.id));
    first.update(&s.db).await.unwrap();
    let mut second = rows.next().unwrap().into_active_model();
    second.description = Set("\r=3+4".into());
    second.update(&s.db).await.unwrap();

    let (status, _, csv) = download(&s, &c, "orig", "csv").await;
    assert_eq!(status, 200);
    assert!(csv.contains("'\t=1+2"), "tab escaped: {csv:?}");
    assert!(csv.contains("'\r=3+4"), "carriage return escaped: {csv:?}");
    assert!(
        csv.contains(",'+1@example.com,"),
        "assignee escaped: {csv:?}"
    );
    assert!(!csv.contains(",+1@example.com,"), "{csv:?}");
    let back = app::import::csv_items::parse(&csv).unwrap();
    assert!(
        back.iter()
            .any(|r| r.assignee.as_deref() == Some("+1@example.com")),
        "the assignee reads back without its '"
    );
}

/// An export is a download: a browser loading it as an image (an `<img>` in some page, say,
/// pointing at the PDF) is refused, so no page can make its viewers render exports.
#[tokio::test]
async fn exports_are_not_page_resources() {
    let s = TestServer::start().await;
    let (c, _) = orig(&s).await;
    for (dest, expected) in [
        ("image", 403),
        ("script", 403),
        ("document", 200),
        ("empty", 200),
    ] {
        let res = c
            .get(s.url("/p/orig/export/md"))
            .header("sec-fetch-dest", dest)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), expected, "{dest}");
    }
}

/// The report's Markdown carries the plan: imported back, the phases (name, goal, target
/// date) and each item's phase are those of the project it was written from; the report states
/// the forecast.
#[tokio::test]
async fn the_report_markdown_carries_the_plan_and_the_forecast() {
    let s = TestServer::start().await;
    let (c, team) = orig(&s).await;
    let (status, _, md) = download(&s, &c, "orig", "md").await;
    assert_eq!(status, 200);
    assert!(md.contains("\n## Plan\n"), "{md}");
    assert!(
        md.contains("target 2027-01-08 · goal: Close the security gaps."),
        "{md}"
    );
    assert!(md.contains("· phase Week 1"), "{md}");
    assert!(md.contains("- Forecast: "), "{md}");
    s.call_ok(
        &c,
        "run_import",
        &[
            ("team_id", &team),
            ("format", "markdown"),
            ("document", &md),
            ("slug", "from-md"),
        ],
    )
    .await;
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    let (_, _, orig) = download(&s, &c, "orig", "json").await;
    let (_, _, copy) = download(&s, &c, "from-md", "json").await;
    let (orig, copy) = (json(&orig), json(&copy));
    assert_eq!(copy["phases"], orig["phases"]);
    let phases = |doc: &serde_json::Value| -> Vec<(String, serde_json::Value)> {
        doc["categories"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["items"].as_array().unwrap().iter())
            .map(|i| (i["title"].as_str().unwrap().to_owned(), i["phase"].clone()))
            .collect()
    };
    assert_eq!(phases(&copy), phases(&orig));
}
