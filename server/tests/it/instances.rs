//! Several `preflight serve` processes on one database, as deployed: the day's reminders go
//! out once whatever the number of processes, and a job whose process is killed mid-way is
//! taken up by another when its lease runs out and completes once. Real processes (the
//! binary), a real webhook receiver on 127.0.0.1, the test's database (PostgreSQL when
//! `DATABASE_URL` names one, else a SQLite file they share).

use std::{
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use app::{
    entities::{jobs, notifications, webhook_attempts, webhook_messages},
    state::AppSettings,
};
use axum::{Router, http::HeaderMap, routing::post};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{TestServer, fresh_db_url, temp_dir};

/// A `preflight serve` process on `url`, killed when dropped.
struct Instance(Child);

impl Instance {
    fn start(url: &str) -> Self {
        let dir = temp_dir(&format!("pf_inst_{}", uuid::Uuid::new_v4().simple()));
        let child = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .arg("serve")
            .env("DATABASE_URL", url)
            .env("PREFLIGHT_DATA_DIR", &dir)
            .env("PREFLIGHT_ADDR", "127.0.0.1:0")
            .env("PREFLIGHT_DAILY_HOUR", "0")
            .env("PREFLIGHT_JOB_LEASE_SECONDS", "3")
            .env("PREFLIGHT_WEBHOOK_ALLOW_PRIVATE", "true")
            .env_remove("PREFLIGHT_SMTP_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        Instance(child)
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls `check` every 100 ms for up to 30 s.
async fn eventually<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..300 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not within 30 s: {what}");
}

#[tokio::test]
async fn several_processes_send_one_reminder_each_and_finish_a_killed_processs_job_once() {
    // A receiver whose first request never gets an answer (its process is killed meanwhile).
    let calls = Arc::new(AtomicUsize::new(0));
    let ids = Arc::new(Mutex::new(Vec::<String>::new()));
    let (c, seen) = (calls.clone(), ids.clone());
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap| {
            let (c, seen) = (c.clone(), seen.clone());
            async move {
                let id = headers.get("webhook-id").and_then(|v| v.to_str().ok());
                seen.lock().unwrap().push(id.unwrap_or_default().to_owned());
                if c.fetch_add(1, Ordering::SeqCst) == 0 {
                    tokio::time::sleep(Duration::from_secs(120)).await;
                }
                axum::http::StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    // Ada's team: six people with an overdue item each, and a webhook for comments.
    let url = fresh_db_url().await;
    let db = preflight_server::db::open(&url).await.unwrap();
    let settings = AppSettings {
        webhook_allow_private: true,
        ..AppSettings::default()
    };
    let s = TestServer::start_on(db, settings).await;
    let (ada, team) = s.admin_with_team().await;
    s.call_ok(
        &ada,
        "create_project",
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let res = s
        .call(
            &ada,
            "create_category",
            &[("slug", "shop"), ("name", "Ops")],
        )
        .await;
    let category = res.json::<i32>().await.unwrap().to_string();
    let overdue = (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string();
    let mut people = Vec::new();
    let mut first_item = String::new();
    for n in 0..6 {
        let email = format!("person{n}@example.com");
        s.member(&ada, &team, &email, "editor").await;
        let id = s.auth_user(&email).await.id.to_string();
        let res = s
            .call(
                &ada,
                "create_item",
                &[
                    ("category_id", &category),
                    ("title", &format!("Check {n}")),
                    ("priority", "high"),
                ],
            )
            .await;
        let item = res.json::<i32>().await.unwrap().to_string();
        s.call_ok(
            &ada,
            "update_item",
            &[
                ("item_id", &item),
                ("version", "1"),
                ("title", &format!("Check {n}")),
                ("priority", "high"),
                ("assignee", &id),
                ("due_date", &overdue),
            ],
        )
        .await;
        if first_item.is_empty() {
            first_item = item;
        }
        people.push(id.parse::<i32>().unwrap());
    }
    s.call_ok(
        &ada,
        "create_webhook",
        &[
            ("team_id", &team),
            ("url", &hook_url),
            ("events[]", "item.commented"),
            ("format", "standard"),
        ],
    )
    .await;
    s.call_ok(
        &ada,
        "add_comment",
        &[("item_id", &first_item), ("body", "Status?")],
    )
    .await;

    // The first process takes the delivery (the oldest job) and is killed in the middle of it.
    let first = Instance::start(&url);
    eventually("the first process posts", || async {
        calls.load(Ordering::SeqCst) == 1
    })
    .await;
    drop(first);

    // Two more processes: one of them takes the delivery over once the lease runs out.
    let (_b, _c) = (Instance::start(&url), Instance::start(&url));
    let db = &s.db;
    eventually("the message is delivered", || async {
        webhook_messages::Entity::find()
            .one(db)
            .await
            .unwrap()
            .is_some_and(|m| m.state == "delivered")
    })
    .await;
    eventually("the reminders ran", || async {
        jobs::Entity::find()
            .filter(jobs::Column::Kind.eq("reminders.daily"))
            .filter(jobs::Column::State.eq("done"))
            .count(db)
            .await
            .unwrap()
            == 1
    })
    .await;
    // Long enough for a second scheduler pass of both processes to have found nothing to add.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let ids = ids.lock().unwrap().clone();
    assert_eq!(
        ids.len(),
        2,
        "the killed attempt and the one that finished: {ids:?}"
    );
    assert_eq!(ids[0], ids[1], "the same message");
    let attempts = webhook_attempts::Entity::find().all(db).await.unwrap();
    assert_eq!(attempts.len(), 1, "one attempt completed: {attempts:?}");
    assert!(attempts[0].ok);
    let delivery = jobs::Entity::find()
        .filter(jobs::Column::Kind.eq("webhook.deliver"))
        .all(db)
        .await
        .unwrap();
    assert_eq!(delivery.len(), 1);
    assert_eq!(
        (delivery[0].state.as_str(), delivery[0].attempts),
        ("done", 2)
    );

    let daily = jobs::Entity::find()
        .filter(jobs::Column::Kind.eq("reminders.daily"))
        .count(db)
        .await
        .unwrap();
    assert_eq!(daily, 1, "one reminders job for the day");
    for person in people {
        let due = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(person))
            .filter(notifications::Column::Kind.eq("due"))
            .count(db)
            .await
            .unwrap();
        assert_eq!(due, 1, "person {person}");
    }
}
