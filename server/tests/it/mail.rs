//! Mail through a real SMTP server (aiosmtpd, started here on 127.0.0.1, keeping what it
//! receives in a Maildir; messages are read back with Python's `email` parser): the
//! notification mail, its one-click unsubscribe link, the daily digest, the day's reminders,
//! preferences, watching and muting, and a server that is down.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use app::{
    entities::{jobs, notification_prefs, notifications},
    inbox::mail::Mailer,
    state::AppSettings,
};
use chrono::{TimeZone, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::support::{TestServer, temp_dir};

/// An SMTP server on a free loopback port, storing mail in a Maildir.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

impl SmtpServer {
    pub async fn start() -> Self {
        let port = free_port();
        let dir = temp_dir(&format!("pf_smtp_{}", uuid::Uuid::new_v4().simple()));
        let mut child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd (pip install aiosmtpd)");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return SmtpServer { child, port, dir };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("aiosmtpd did not listen on {port}");
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, parsed, oldest first.
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let new = self.dir.join("maildir").join("new");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&new)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files.iter().map(|f| parse(f)).collect()
    }

    /// Waits up to 10 s for `n` messages.
    pub async fn wait_for(&self, n: usize) -> Vec<serde_json::Value> {
        for _ in 0..100 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("expected {n} messages, got {}", self.messages().len());
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A message as Python's `email` package reads it: headers, and each text part decoded.
fn parse(path: &std::path::Path) -> serde_json::Value {
    const SCRIPT: &str = r#"
import email, email.policy, json, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)
parts = {}
for p in m.walk():
    if p.get_content_maintype() == 'text':
        parts[p.get_content_type()] = p.get_content()
print(json.dumps({
    'to': str(m['To']), 'from': str(m['From']), 'subject': str(m['Subject']),
    'list_unsubscribe': str(m['List-Unsubscribe'] or ''),
    'list_unsubscribe_post': str(m['List-Unsubscribe-Post'] or ''),
    'content_type': m.get_content_type(), 'parts': parts,
}))
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn mailer(s: &TestServer, smtp_url: &str) -> Mailer {
    Mailer::new(smtp_url, "Preflight <preflight@example.com>", Some(&s.base)).unwrap()
}

/// Runs every due job once with `mailer`; returns how many ran. The verdict checks item writes
/// queue are dropped first: they are not mail, and one falls due whenever a 10 s window ends,
/// which would make the counts here depend on the clock.
async fn run_jobs(s: &TestServer, mailer: Option<Mailer>) -> usize {
    jobs::Entity::delete_many()
        .filter(jobs::Column::Kind.eq(app::inbox::verdict::VERDICT_CHECK))
        .exec(&s.db)
        .await
        .unwrap();
    let out = preflight_server::background::Outbound {
        mailer,
        ..Default::default()
    };
    preflight_server::background::worker(&s.db, Default::default(), out)
        .run_due()
        .await
        .unwrap()
}

/// Ada (owner) and Bob (editor) in a team, project `shop`, a category and items: (Ada, Bob,
/// Bob's id, the items' ids).
pub(crate) async fn shop(
    s: &TestServer,
    items: &[&str],
) -> (reqwest::Client, reqwest::Client, String, Vec<String>) {
    let (ada, team) = s.admin_with_team().await;
    s.call_ok(
        &ada,
        "create_project",
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let bob = s.member(&ada, &team, "bob@example.com", "editor").await;
    let bob_id = s.auth_user("bob@example.com").await.id.to_string();
    let res = s
        .call(
            &ada,
            "create_category",
            &[("slug", "shop"), ("name", "Ops")],
        )
        .await;
    let category = res.json::<i32>().await.unwrap().to_string();
    let mut ids = Vec::new();
    for title in items {
        let res = s
            .call(
                &ada,
                "create_item",
                &[
                    ("category_id", &category),
                    ("title", title),
                    ("priority", "high"),
                ],
            )
            .await;
        ids.push(res.json::<i32>().await.unwrap().to_string());
    }
    (ada, bob, bob_id, ids)
}

async fn assign(s: &TestServer, by: &reqwest::Client, item: &str, to: &str) {
    s.call_ok(
        by,
        "set_item_assignee",
        &[("item_id", item), ("version", "1"), ("assignee", to)],
    )
    .await;
}

async fn mail_states(s: &TestServer) -> Vec<Option<String>> {
    notifications::Entity::find()
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.mail)
        .collect()
}

/// Every queued job due now (a schedule made for later today runs in the test).
pub(crate) async fn make_due(s: &TestServer) {
    jobs::Entity::update_many()
        .col_expr(jobs::Column::RunAt, Expr::value(Utc::now()))
        .filter(jobs::Column::State.eq("queued"))
        .exec(&s.db)
        .await
        .unwrap();
}

fn with_mail() -> AppSettings {
    AppSettings {
        mail: true,
        ..AppSettings::default()
    }
}

#[tokio::test]
async fn a_notification_is_mailed_to_its_person_and_its_link_unsubscribes_only_them_from_that_kind()
{
    let smtp = SmtpServer::start().await;
    let s = TestServer::start_with(with_mail()).await;
    let (ada, _bob, bob_id, items) = shop(&s, &["Backups <restored>", "Alerts"]).await;

    assign(&s, &ada, &items[0], &bob_id).await;
    assert_eq!(mail_states(&s).await, [Some("queued".to_owned())]);
    assert_eq!(run_jobs(&s, Some(mailer(&s, &smtp.url()))).await, 1);
    let mail = &smtp.wait_for(1).await[0];
    assert!(
        mail["to"].as_str().unwrap().contains("bob@example.com"),
        "{mail}"
    );
    assert!(
        mail["from"]
            .as_str()
            .unwrap()
            .contains("preflight@example.com")
    );
    assert!(
        mail["subject"]
            .as_str()
            .unwrap()
            .starts_with("[Preflight] ")
            && mail["subject"]
                .as_str()
                .unwrap()
                .contains("assigned you “Backups <restored>” in Shop"),
        "{mail}"
    );
    assert_eq!(mail["content_type"], "multipart/alternative");
    let text = mail["parts"]["text/plain"].as_str().unwrap();
    let html = mail["parts"]["text/html"].as_str().unwrap();
    let item_link = format!("{}/p/shop/items/{}", s.base, items[0]);
    assert!(text.contains(&item_link), "{text}");
    assert!(
        text.contains("because your Preflight settings mail you when: An item is assigned to you")
    );
    assert!(
        html.contains("Backups &lt;restored&gt;"),
        "escaped in HTML: {html}"
    );
    assert!(html.contains(&format!("href=\"{item_link}\"")));
    assert_eq!(mail["list_unsubscribe_post"], "List-Unsubscribe=One-Click");
    let unsubscribe = mail["list_unsubscribe"]
        .as_str()
        .unwrap()
        .trim_matches(['<', '>'])
        .to_owned();
    assert!(unsubscribe.starts_with(&format!("{}/unsubscribe?u={bob_id}&k=assigned&t=", s.base)));
    assert!(text.contains(&unsubscribe), "the footer has the link too");
    assert_eq!(mail_states(&s).await, [Some("sent".to_owned())]);
    assert_eq!(
        run_jobs(&s, Some(mailer(&s, &smtp.url()))).await,
        0,
        "sent once"
    );

    // The link works signed out; changed in any part, it does nothing.
    let stranger = s.client();
    let page = stranger.get(&unsubscribe).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Stop these mails"));
    let ada_id = s.auth_user("ada@example.com").await.id;
    for forged in [
        unsubscribe.replace("k=assigned", "k=mentioned"),
        unsubscribe.replace(&format!("u={bob_id}"), &format!("u={ada_id}")),
        unsubscribe.replace("&t=", "&t=AAAA"),
        format!("{}/unsubscribe?u={bob_id}&k=assigned", s.base),
    ] {
        let res = stranger
            .post(&forged)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{forged}");
    }
    assert!(
        notification_prefs::Entity::find()
            .all(&s.db)
            .await
            .unwrap()
            .is_empty()
    );
    // What a mail program sends for one click (RFC 8058).
    let res = stranger
        .post(&unsubscribe)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("No more mail to bob@example.com")
    );
    let prefs = notification_prefs::Entity::find().all(&s.db).await.unwrap();
    assert_eq!(prefs.len(), 1);
    assert_eq!(
        (
            prefs[0].user_id.to_string(),
            prefs[0].kind.as_str(),
            prefs[0].inbox,
            prefs[0].email
        ),
        (bob_id.clone(), "assigned", true, false)
    );

    // The next assignment reaches Bob's inbox, not his mail.
    assign(&s, &ada, &items[1], &bob_id).await;
    assert_eq!(run_jobs(&s, Some(mailer(&s, &smtp.url()))).await, 0);
    assert_eq!(mail_states(&s).await, [Some("sent".to_owned()), None]);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn with_the_mail_server_down_the_change_succeeds_and_the_mail_waits_and_is_retried() {
    let s = TestServer::start_with(with_mail()).await;
    let (ada, _bob, bob_id, items) = shop(&s, &["Backups"]).await;
    let down = format!("smtp://127.0.0.1:{}", free_port());

    assign(&s, &ada, &items[0], &bob_id).await;
    assert_eq!(run_jobs(&s, Some(mailer(&s, &down))).await, 1);
    let job = jobs::Entity::find()
        .filter(jobs::Column::Kind.eq("mail.notification"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("queued", 1), "{job:?}");
    assert!(job.last_error.contains("SMTP"), "{job:?}");
    assert!(job.run_at > Utc::now(), "retried later, not at once");
    assert_eq!(mail_states(&s).await, [Some("queued".to_owned())]);

    // The server comes back; when the retry is due, the mail goes.
    let smtp = SmtpServer::start().await;
    jobs::Entity::update_many()
        .col_expr(jobs::Column::RunAt, Expr::value(Utc::now()))
        .exec(&s.db)
        .await
        .unwrap();
    assert_eq!(run_jobs(&s, Some(mailer(&s, &smtp.url()))).await, 1);
    assert_eq!(smtp.wait_for(1).await.len(), 1);
    assert_eq!(mail_states(&s).await, [Some("sent".to_owned())]);
}

#[tokio::test]
async fn without_a_mail_server_mail_is_off_and_the_account_page_says_so() {
    let s = TestServer::start().await;
    let (ada, bob, bob_id, items) = shop(&s, &["Backups"]).await;
    assign(&s, &ada, &items[0], &bob_id).await;
    assert_eq!(run_jobs(&s, None).await, 1);
    assert_eq!(mail_states(&s).await, [Some("off".to_owned())]);
    let page = s.page(&bob, "/account").await.text().await.unwrap();
    assert!(page.contains("Mail is off on this Preflight"), "{page}");
    let with = TestServer::start_with(with_mail()).await;
    let (_, bob, _, _) = shop(&with, &[]).await;
    let page = with.page(&bob, "/account").await.text().await.unwrap();
    assert!(!page.contains("Mail is off"));
    assert!(page.contains("Mail goes to bob@example.com"));
}

#[tokio::test]
async fn preferences_are_kept_checked_and_chosen_per_kind_and_channel() {
    let s = TestServer::start().await;
    let (_ada, bob, _, _) = shop(&s, &[]).await;
    let prefs = s.get_json(&bob, "/rpc/get_notification_prefs").await;
    let row = |p: &serde_json::Value, kind: &str| {
        p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == kind)
            .map(|r| (r["inbox"].as_bool().unwrap(), r["email"].as_bool().unwrap()))
            .unwrap()
    };
    assert_eq!(row(&prefs, "assigned"), (true, true), "defaults");
    assert_eq!(row(&prefs, "commented"), (true, false));
    assert_eq!(prefs["mail_mode"], "each");

    let res = s
        .call(
            &bob,
            "save_notification_prefs",
            &[
                ("inbox[]", "assigned"),
                ("email[]", "nonsense"),
                ("mail_mode", "each"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let res = s
        .call(&bob, "save_notification_prefs", &[("mail_mode", "hourly")])
        .await;
    assert_eq!(res.status(), 422);
    s.call_ok(
        &bob,
        "save_notification_prefs",
        &[
            ("inbox[]", "assigned"),
            ("inbox[]", "commented"),
            ("email[]", "commented"),
            ("mail_mode", "daily"),
        ],
    )
    .await;
    let prefs = s.get_json(&bob, "/rpc/get_notification_prefs").await;
    assert_eq!(row(&prefs, "assigned"), (true, false));
    assert_eq!(row(&prefs, "commented"), (true, true));
    assert_eq!(row(&prefs, "mentioned"), (false, false));
    assert_eq!(prefs["mail_mode"], "daily");
    let res = s
        .client()
        .get(s.url("/rpc/get_notification_prefs"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn a_daily_digest_gathers_the_days_mail_into_one_once() {
    let smtp = SmtpServer::start().await;
    let s = TestServer::start_with(with_mail()).await;
    let (ada, bob, bob_id, items) = shop(&s, &["Backups", "Alerts"]).await;
    s.call_ok(
        &bob,
        "save_notification_prefs",
        &[
            ("inbox[]", "assigned"),
            ("email[]", "assigned"),
            ("mail_mode", "daily"),
        ],
    )
    .await;
    assign(&s, &ada, &items[0], &bob_id).await;
    assign(&s, &ada, &items[1], &bob_id).await;
    assert_eq!(
        run_jobs(&s, Some(mailer(&s, &smtp.url()))).await,
        0,
        "no single mails"
    );
    assert_eq!(
        mail_states(&s).await,
        [Some("digest".to_owned()), Some("digest".to_owned())]
    );

    let morning = Utc::now()
        .date_naive()
        .and_hms_opt(8, 0, 0)
        .unwrap()
        .and_utc();
    for _ in 0..2 {
        preflight_server::background::schedule(&s.db, morning)
            .await
            .unwrap();
        make_due(&s).await;
        run_jobs(&s, Some(mailer(&s, &smtp.url()))).await;
    }
    let mails = smtp.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 1, "one digest, whatever the runs");
    let digest = &mails[0];
    assert_eq!(
        digest["subject"],
        "[Preflight] Your daily digest: 2 notifications"
    );
    let text = digest["parts"]["text/plain"].as_str().unwrap();
    assert!(
        text.contains("“Backups”") && text.contains("“Alerts”"),
        "{text}"
    );
    assert!(
        digest["list_unsubscribe"]
            .as_str()
            .unwrap()
            .contains("k=all")
    );
    assert_eq!(
        mail_states(&s).await,
        [Some("sent".to_owned()), Some("sent".to_owned())]
    );
}

#[tokio::test]
async fn the_days_reminders_group_each_persons_due_items_and_come_once() {
    let s = TestServer::start().await;
    let (ada, bob, bob_id, items) = shop(&s, &["Backups", "Alerts", "Runbook", "Later"]).await;
    let today = Utc::now().date_naive();
    let dates = [
        today - chrono::Duration::days(2),
        today + chrono::Duration::days(1),
        today + chrono::Duration::days(3),
        today + chrono::Duration::days(10),
    ];
    for (item, due) in items.iter().zip(dates) {
        s.call_ok(
            &ada,
            "update_item",
            &[
                ("item_id", item),
                ("version", "1"),
                ("title", "x"),
                ("priority", "high"),
                ("assignee", &bob_id),
                ("due_date", &due.to_string()),
            ],
        )
        .await;
    }
    // Named by the dates, not by the titles above.
    let morning = Utc.from_utc_datetime(&today.and_hms_opt(9, 0, 0).unwrap());
    for _ in 0..2 {
        preflight_server::background::schedule(&s.db, morning)
            .await
            .unwrap();
        make_due(&s).await;
        run_jobs(&s, None).await;
        app::inbox::reminders::run(&s.db, today, Utc::now())
            .await
            .unwrap();
    }
    let due: Vec<notifications::Model> = notifications::Entity::find()
        .filter(notifications::Column::Kind.eq("due"))
        .all(&s.db)
        .await
        .unwrap();
    assert_eq!(due.len(), 1, "one reminder a day: {due:?}");
    assert_eq!(due[0].user_id.to_string(), bob_id);
    assert!(
        due[0].text.contains("1 overdue and 2 due within 3 days"),
        "{}",
        due[0].text
    );
    assert!(due[0].text.contains(&format!("overdue since {}", dates[0])));
    assert!(
        due[0].link.ends_with(&format!("/items/{}", items[0])),
        "most urgent first"
    );
    let inbox = s.get_json(&bob, "/rpc/get_inbox").await;
    assert!(
        inbox["items"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Your items:")
    );
}

#[tokio::test]
async fn watchers_hear_of_changes_and_a_mute_silences_them() {
    let s = TestServer::start().await;
    let (ada, team) = s.admin_with_team().await;
    s.call_ok(
        &ada,
        "create_project",
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let bob = s.member(&ada, &team, "bob@example.com", "editor").await;
    let carol = s.member(&ada, &team, "carol@example.com", "viewer").await;
    let bob_id = s.auth_user("bob@example.com").await.id.to_string();
    let res = s
        .call(
            &ada,
            "create_category",
            &[("slug", "shop"), ("name", "Ops")],
        )
        .await;
    let category = res.json::<i32>().await.unwrap().to_string();
    // Bob creates the item: he watches it by default.
    let res = s
        .call(
            &bob,
            "create_item",
            &[
                ("category_id", &category),
                ("title", "Backups"),
                ("priority", "high"),
            ],
        )
        .await;
    let item = res.json::<i32>().await.unwrap().to_string();
    // Carol watches the project; someone of another team may not.
    s.call_ok(&carol, "set_watch", &[("slug", "shop"), ("watch", "watch")])
        .await;
    let eve = s.client();
    s.add_user("eve@example.com", false).await;
    s.login(&eve, "eve@example.com", crate::support::PASSWORD)
        .await;
    let res = s
        .call(&eve, "set_watch", &[("slug", "shop"), ("watch", "watch")])
        .await;
    assert!(
        matches!(res.status().as_u16(), 401 | 404),
        "{}",
        res.status()
    );
    let res = s
        .call(
            &carol,
            "set_watch",
            &[("slug", "shop"), ("watch", "loudly")],
        )
        .await;
    assert_eq!(res.status(), 422);

    let status = |version: &'static str, to: &'static str| {
        [
            ("item_id", item.clone()),
            ("version", version.to_owned()),
            ("status", to.to_owned()),
        ]
    };
    let form = status("1", "in_progress");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.call_ok(&ada, "set_item_status", &form).await;
    let kinds = |v: serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        kinds(s.get_json(&bob, "/rpc/get_inbox").await),
        ["status_changed"]
    );
    assert_eq!(
        kinds(s.get_json(&carol, "/rpc/get_inbox").await),
        ["status_changed"]
    );

    // Bob mutes the item, Carol mutes the project.
    s.call_ok(
        &bob,
        "set_watch",
        &[("slug", "shop"), ("item", &item), ("watch", "mute")],
    )
    .await;
    s.call_ok(&carol, "set_watch", &[("slug", "shop"), ("watch", "mute")])
        .await;
    let state = s
        .get_json(&bob, &format!("/rpc/get_watch?slug=shop&item={item}"))
        .await;
    assert_eq!(
        (state["on_item"].as_bool(), state["watching"].as_bool()),
        (Some(false), Some(false))
    );
    let form = status("2", "done");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    s.call_ok(&ada, "set_item_status", &form).await;
    assert_eq!(kinds(s.get_json(&bob, "/rpc/get_inbox").await).len(), 1);
    assert_eq!(kinds(s.get_json(&carol, "/rpc/get_inbox").await).len(), 1);
    let _ = bob_id;
}

#[tokio::test]
async fn preflight_mail_test_sends_one_mail_and_names_a_wrong_setting() {
    let smtp = SmtpServer::start().await;
    let dir = temp_dir(&format!("pf_mailcli_{}", uuid::Uuid::new_v4().simple()));
    let run = |url: &str, from: &str| {
        Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(["mail", "test", "--to", "ops@example.com"])
            .env("PREFLIGHT_DATA_DIR", &dir)
            .env("PREFLIGHT_SMTP_URL", url)
            .env("PREFLIGHT_MAIL_FROM", from)
            .env("PREFLIGHT_BASE_URL", "http://127.0.0.1:3000")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let out = run(&smtp.url(), "Preflight <preflight@example.com>");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("sent a test mail to ops@example.com"));
    let mail = &smtp.wait_for(1).await[0];
    assert_eq!(mail["subject"], "[Preflight] Test mail");
    assert!(mail["to"].as_str().unwrap().contains("ops@example.com"));
    assert!(
        mail["parts"]["text/plain"]
            .as_str()
            .unwrap()
            .contains("http://127.0.0.1:3000")
    );

    let out = run("smtp://me:secret@127.0.0.1:25", "preflight@example.com");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("without TLS") && !err.contains("secret"),
        "{err}"
    );
    let out = run(&smtp.url(), "");
    assert!(String::from_utf8_lossy(&out.stderr).contains("PREFLIGHT_MAIL_FROM"));
    let out = run(
        &format!("smtp://127.0.0.1:{}", free_port()),
        "preflight@example.com",
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("SMTP"),
        "says what failed"
    );
}

#[tokio::test]
async fn the_weekly_digest_comes_once_from_monday_morning_in_each_persons_time_zone() {
    let smtp = SmtpServer::start().await;
    let s = TestServer::start_with(with_mail()).await;
    let (ada, bob, bob_id, items) = shop(&s, &["Backups", "Alerts", "Later"]).await;
    let today = Utc::now().date_naive();
    for (item, days) in items.iter().zip([-1, 3, 30]) {
        s.call_ok(
            &ada,
            "update_item",
            &[
                ("item_id", item),
                ("version", "1"),
                ("title", &format!("Item {days}")),
                ("priority", "high"),
                ("assignee", &bob_id),
                (
                    "due_date",
                    &(today + chrono::Duration::days(days)).to_string(),
                ),
            ],
        )
        .await;
    }
    s.call_ok(&bob, "set_watch", &[("slug", "shop"), ("watch", "watch")])
        .await;
    let res = s
        .call(
            &bob,
            "save_notification_prefs",
            &[
                ("mail_mode", "each"),
                ("weekly_digest", "on"),
                ("time_zone", "Mars/Olympus"),
            ],
        )
        .await;
    let (status, body) = crate::support::error_kind(res).await;
    assert_eq!(status, 422);
    assert!(body.to_string().contains("not a time zone name"), "{body}");
    s.call_ok(
        &bob,
        "save_notification_prefs",
        &[
            ("mail_mode", "each"),
            ("weekly_digest", "on"),
            ("time_zone", "Asia/Tokyo"),
        ],
    )
    .await;

    // Sunday 23:30 UTC: Monday 08:30 in Tokyo (Bob), still Sunday for Ada (UTC).
    let sunday = "2026-12-06T23:30:00Z"
        .parse::<chrono::DateTime<Utc>>()
        .unwrap();
    assert_eq!(app::inbox::weekly::enqueue(&s.db, sunday).await.unwrap(), 1);
    assert_eq!(
        app::inbox::weekly::enqueue(&s.db, sunday).await.unwrap(),
        0,
        "once a week"
    );
    make_due(&s).await; // queued at that (future) Sunday
    run_jobs(&s, Some(mailer(&s, &smtp.url()))).await;
    let weekly_job = jobs::Entity::find()
        .filter(jobs::Column::Kind.eq("mail.weekly"))
        .one(&s.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(weekly_job.state, "done", "{weekly_job:?}");
    // Four mails: the three assignments (mailed by default), then the week.
    smtp.wait_for(4).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let weeklies: Vec<serde_json::Value> = smtp
        .messages()
        .into_iter()
        .filter(|m| {
            m["subject"]
                .as_str()
                .unwrap()
                .starts_with("[Preflight] Your week")
        })
        .collect();
    assert_eq!(weeklies.len(), 1);
    let weekly = &weeklies[0];
    assert!(weekly["to"].as_str().unwrap().contains("bob@example.com"));
    assert_eq!(
        weekly["subject"],
        "[Preflight] Your week: 1 due this week, 1 overdue"
    );
    let text = weekly["parts"]["text/plain"].as_str().unwrap();
    assert!(
        text.contains("Due this week (1):\n- “Item 3” (Shop)"),
        "{text}"
    );
    assert!(
        text.contains("Overdue (1):\n- “Item -1” (Shop), overdue since"),
        "{text}"
    );
    assert!(text.contains("Projects you watch (1):\n- Shop: "), "{text}");
    assert!(!text.contains("Item 30"), "not due this week");
    let unsubscribe = weekly["list_unsubscribe"]
        .as_str()
        .unwrap()
        .trim_matches(['<', '>'])
        .to_owned();
    assert!(unsubscribe.contains("k=weekly"));
    let res = s.client().post(&unsubscribe).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let prefs = s.get_json(&bob, "/rpc/get_notification_prefs").await;
    assert_eq!(
        (
            prefs["weekly_digest"].as_bool(),
            prefs["time_zone"].as_str()
        ),
        (Some(false), Some("Asia/Tokyo"))
    );
    let next_week = sunday + chrono::Duration::days(7);
    assert_eq!(
        app::inbox::weekly::enqueue(&s.db, next_week).await.unwrap(),
        0,
        "Bob stopped it; Ada's Monday has not come"
    );
}
