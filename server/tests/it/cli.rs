use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

use crate::support::temp_dir;

fn preflight(
    data_dir: &std::path::Path,
    args: &[&str],
    stdin: &str,
    env_pw: Option<&str>,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_preflight"));
    cmd.args(args)
        .env("PREFLIGHT_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("PREFLIGHT_PASSWORD")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(pw) = env_pw {
        cmd.env("PREFLIGHT_PASSWORD", pw);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn migrate_then_create_users_from_stdin_and_env() {
    let dir = temp_dir(&format!("pf_cli_{}", uuid::Uuid::new_v4().simple()));

    let out = preflight(&dir, &["migrate"], "", None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("preflight.db").is_file());

    let out = preflight(
        &dir,
        &["user", "create", "--admin", "--email", "Ada@Example.com"],
        "correct horse battery\n",
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ada@example.com"));

    let out = preflight(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "bob@example.com",
            "--name",
            "Bob",
        ],
        "",
        Some("another long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A taken email and a short password are refused with a message, not a panic.
    let out = preflight(
        &dir,
        &["user", "create", "--email", "ada@example.com"],
        "correct horse battery\n",
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("email"));
    let out = preflight(
        &dir,
        &["user", "create", "--email", "eve@example.com"],
        "short\n",
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
}

#[test]
fn demo_loads_a_team_and_projects_in_every_state_once() {
    let dir = temp_dir(&format!("pf_demo_{}", uuid::Uuid::new_v4().simple()));
    let out = preflight(&dir, &["demo"], "", Some("demo password 1"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("3 projects"), "{stdout}");
    assert!(
        stdout.contains("maya.owner@example.com (owner)"),
        "{stdout}"
    );

    // Every status appears, and the projects score differently.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use sea_orm::EntityTrait;
        let db = preflight_server::db::connect(&format!(
            "sqlite://{}?mode=rw",
            dir.join("preflight.db").display()
        ))
        .await
        .unwrap();
        let items = app::entities::items::Entity::find().all(&db).await.unwrap();
        for status in [
            "open",
            "in_progress",
            "done",
            "not_applicable",
            "accepted_risk",
        ] {
            assert!(
                items.iter().any(|i| i.status.as_str() == status),
                "no {status} item"
            );
        }
        assert!(
            items
                .iter()
                .any(|i| i.assignee_id.is_some() && i.due_date.is_some())
        );
        let owner = app::auth::service::to_auth_user(
            app::entities::users::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .find(|u| u.email == "maya.owner@example.com")
                .unwrap(),
        );
        assert!(owner.is_admin, "fresh instance: the owner can administer");
        let today = chrono::Utc::now().date_naive();
        let memo = Default::default();
        let p = app::portfolio::portfolio(&db, &memo, &owner, today, &Default::default(), 50)
            .await
            .unwrap();
        let verdicts: Vec<&str> = p.projects.iter().map(|p| p.verdict.as_str()).collect();
        assert_eq!(
            verdicts,
            vec!["not_ready", "ready_with_gaps", "ready"],
            "{p:?}"
        );
        // Risks in every status, filed under categories; the launch project has serious ones.
        let risks = app::entities::risks::Entity::find().all(&db).await.unwrap();
        for status in ["open", "mitigating", "accepted", "closed"] {
            assert!(
                risks.iter().any(|r| r.status.as_str() == status),
                "no {status} risk"
            );
        }
        assert!(risks.iter().all(|r| r.category_id.is_some()));
        assert!(p.projects[0].serious_risks >= 2, "{p:?}");
        // Two final reviews each, the later one better: a trend and a delta to show.
        let reviews = app::entities::reviews::Entity::find()
            .all(&db)
            .await
            .unwrap();
        assert_eq!(reviews.len(), 6);
        assert!(
            reviews
                .iter()
                .all(|r| r.status == app::reviews::model::ReviewStatus::Final
                    && r.snapshot.is_some())
        );
        for project in &p.projects {
            assert!(
                project.since_review == Some(0),
                "live equals the last review: {project:?}"
            );
        }
        let by_project = |n: usize| -> Vec<i32> {
            reviews
                .iter()
                .filter(|r| r.project_id == reviews[n * 2].project_id)
                .filter_map(|r| r.overall)
                .collect()
        };
        assert!(by_project(0)[0] < by_project(0)[1], "{:?}", by_project(0));
        let signed = app::entities::review_signoffs::Entity::find()
            .all(&db)
            .await
            .unwrap();
        assert_eq!(signed.len(), 1);
    });

    let again = preflight(&dir, &["demo"], "", Some("demo password 1"));
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already loaded"));
}

#[test]
fn import_dry_run_prints_preflight_json_and_writes_nothing() {
    let dir = temp_dir("cli-import");
    let fixture = format!(
        "{}/../app/tests/fixtures/readiness/002_21aca61c4e78909a.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = preflight(
        &dir,
        &["import", &fixture, "--dry-run", "--format", "json"],
        "",
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["format"], "preflight");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["categories"].as_array().unwrap().len(), 17);
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning: Repaired"));
    assert!(
        !dir.join("preflight.db").exists(),
        "a dry run needs no database"
    );

    // Its own output reads back the same (a fixed point), then imports for real.
    let json = dir.join("project.json");
    std::fs::write(&json, &out.stdout).unwrap();
    let again = preflight(
        &dir,
        &[
            "import",
            json.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ],
        "",
        None,
    );
    assert_eq!(again.stdout, out.stdout);
    let admin = preflight(
        &dir,
        &["user", "create", "--admin", "--email", "root@example.com"],
        "",
        Some("correct horse battery"),
    );
    assert!(admin.status.success());
    // The admin is in no team yet: the import says which option is missing.
    let no_team = preflight(&dir, &["import", &fixture], "", None);
    assert!(!no_team.status.success());
    assert!(String::from_utf8_lossy(&no_team.stderr).contains("--team"));

    let nothing = dir.join("prose.md");
    std::fs::write(&nothing, "Only prose here.\n").unwrap();
    let failed = preflight(
        &dir,
        &["import", nothing.to_str().unwrap(), "--dry-run"],
        "",
        None,
    );
    assert!(!failed.status.success(), "nothing parsed is a failure");
    assert!(String::from_utf8_lossy(&failed.stderr).contains("No checklist items"));
}

#[test]
fn export_writes_json_that_imports_back_and_csv_to_stdout() {
    let dir = temp_dir("cli-export");
    let demo = preflight(&dir, &["demo"], "", Some("demo password 1"));
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let file = dir.join("checkout.json");
    let out = preflight(
        &dir,
        &[
            "export",
            "--project",
            "checkout-api",
            "-o",
            file.to_str().unwrap(),
        ],
        "",
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(doc["project"]["slug"], "checkout-api");
    assert!(doc["risks"].as_array().unwrap().len() > 1);
    // The export is a document the importer reads as it is.
    let again = preflight(
        &dir,
        &[
            "import",
            file.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ],
        "",
        None,
    );
    assert!(again.status.success());
    assert_eq!(again.stdout, std::fs::read(&file).unwrap());

    let csv = preflight(
        &dir,
        &["export", "--project", "checkout-api", "--format", "csv"],
        "",
        None,
    );
    assert!(csv.status.success());
    let text = String::from_utf8(csv.stdout).unwrap();
    assert!(text.starts_with("category,title,"));
    assert!(text.lines().count() > 5);
    // The archive: the same JSON beside the (here, no) evidence files.
    let archive = dir.join("checkout.zip");
    let zip = preflight(
        &dir,
        &[
            "export",
            "--project",
            "checkout-api",
            "--format",
            "zip",
            "-o",
            archive.to_str().unwrap(),
        ],
        "",
        None,
    );
    assert!(
        zip.status.success(),
        "{}",
        String::from_utf8_lossy(&zip.stderr)
    );
    let entries = crate::files::read_zip(&std::fs::read(&archive).unwrap());
    assert_eq!(
        entries.keys().collect::<Vec<_>>(),
        ["project.json"],
        "the demo has no files"
    );
    assert_eq!(entries["project.json"], std::fs::read(&file).unwrap());
    let missing = preflight(&dir, &["export", "--project", "nope"], "", None);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no project"));
}

#[test]
fn export_writes_the_demo_report_as_pdf_and_markdown_as_of_a_review() {
    let dir = temp_dir("cli-report");
    let demo = preflight(&dir, &["demo"], "", Some("demo password 1"));
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let file = dir.join("checkout.pdf");
    let out = preflight(
        &dir,
        &[
            "export",
            "--project",
            "checkout-api",
            "--format",
            "pdf",
            "-o",
            file.to_str().unwrap(),
        ],
        "",
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (text, pages) = crate::report_http::pdf_text(&std::fs::read(&file).unwrap(), "cli-demo");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Checkout API",
        "Security",
        "Secrets moved out of environment files",
        "Changes since “Checkout API readiness review 2”",
    ] {
        assert!(flat.contains(want), "the demo PDF says {want}: {flat}");
    }
    assert!((1..=10).contains(&pages), "{pages} pages");

    let md = preflight(
        &dir,
        &[
            "export",
            "--project",
            "checkout-api",
            "--format",
            "md",
            "--review",
            "v0.9",
        ],
        "",
        None,
    );
    assert!(
        md.status.success(),
        "{}",
        String::from_utf8_lossy(&md.stderr)
    );
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.starts_with(app::report::markdown::MARK));
    assert!(
        md.contains("As of the final review “Checkout API readiness review 1” (v0.9)"),
        "{md}"
    );
    let missing = preflight(
        &dir,
        &[
            "export",
            "--project",
            "checkout-api",
            "--format",
            "md",
            "--review",
            "v7",
        ],
        "",
        None,
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no final review v7"));
}

/// `preflight notify --run-due` enqueues the hour's scheduled jobs and runs what is due, once:
/// a second run in the same hour finds the hour's job done.
#[test]
fn notify_run_due_runs_the_hours_jobs_once() {
    let dir = temp_dir(&format!("pf_cli_{}", uuid::Uuid::new_v4().simple()));
    let out = preflight(&dir, &["notify", "--run-due"], "", None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The hour's cleanup and weekly-digest check, the minute's checks sweep, and from 07:00
    // UTC the day's reminders and digests.
    let first = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        ["3 jobs run", "5 jobs run"].contains(&first.as_str()),
        "{first}"
    );
    let out = preflight(&dir, &["notify", "--run-due"], "", None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Nothing again, unless the minute turned in between (its own sweep).
    let second = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        ["0 jobs run", "1 jobs run"].contains(&second.as_str()),
        "{second}"
    );

    let out = preflight(&dir, &["notify"], "", None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--run-due"));
}

/// `preflight serve` with `PREFLIGHT_LOG_FORMAT=json`: one JSON object a line; a request's line
/// carries its id, method, path, user, status and latency.
#[tokio::test]
async fn json_logs_carry_the_request_id_user_route_status_and_latency() {
    use std::io::BufRead;
    let dir = temp_dir(&format!("pf_logs_{}", uuid::Uuid::new_v4().simple()));
    let out = preflight(
        &dir,
        &["user", "create", "--admin", "--email", "ada@example.com"],
        "",
        Some("correct horse battery"),
    );
    assert!(out.status.success());
    let out = preflight(
        &dir,
        &[
            "token",
            "create",
            "--email",
            "ada@example.com",
            "--name",
            "logs",
        ],
        "",
        None,
    );
    assert!(out.status.success());
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();

    let bad = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .args(["migrate"])
        .env("PREFLIGHT_DATA_DIR", &dir)
        .env_remove("DATABASE_URL")
        .env("PREFLIGHT_LOG_FORMAT", "xml")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("text or json"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
        .arg("serve")
        .env("PREFLIGHT_DATA_DIR", &dir)
        .env_remove("DATABASE_URL")
        .env("PREFLIGHT_ADDR", "127.0.0.1:0")
        .env("PREFLIGHT_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_json = |want: &dyn Fn(&serde_json::Value) -> bool| -> serde_json::Value {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let line = rx.recv_timeout(left).expect("the log line did not come");
            let v: serde_json::Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
            if want(&v) {
                return v;
            }
        }
    };
    let listening = next_json(&|v| v["message"] == "Preflight listening");
    let addr = listening["addr"].as_str().unwrap().to_owned();
    let res = reqwest::Client::new()
        .get(format!("http://{addr}/api/v1/projects"))
        .bearer_auth(&token)
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let line = next_json(&|v| v["span"]["id"] == "trace-me-42" && !v["status"].is_null());
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(line["status"], 200, "{line}");
    assert_eq!(line["span"]["method"], "GET", "{line}");
    assert_eq!(line["span"]["path"], "/api/v1/projects", "{line}");
    assert_eq!(line["span"]["user"], 1, "{line}");
    assert!(line["latency"].as_str().unwrap().ends_with("ms"), "{line}");
    assert_eq!(line["level"], "INFO");
}
