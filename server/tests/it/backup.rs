//! `preflight backup` taken while a client writes, restored into an empty database: every
//! write acknowledged before the backup began is in it (SQLite and PostgreSQL, the real binary).

use std::{
    process::Output,
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use app::entities::items;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::support::{TestServer, fresh_db_url, temp_dir};

async fn preflight(url: &str, args: &[&str]) -> Output {
    let url = url.to_owned();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_preflight"))
            .args(&args)
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn a_backup_taken_under_write_load_restores_every_acknowledged_write() {
    let url = fresh_db_url().await;
    let db = preflight_server::db::open(&url).await.unwrap();
    let s = TestServer::start_on(db, app::state::AppSettings::default()).await;
    let shop = s.shop("Operations").await;
    let dir = temp_dir(&format!("pf_backup_{}", uuid::Uuid::new_v4().simple()));
    let file = dir.join("preflight.backup");
    let file_arg = file.to_string_lossy().into_owned();

    let acked = Mutex::new(Vec::<i32>::new());
    let done = AtomicBool::new(false);
    let writer = async {
        let mut after = 0;
        for n in 0..5_000 {
            if done.load(Ordering::SeqCst) {
                after += 1;
                if after > 5 {
                    break;
                }
            }
            let title = format!("Write {n}");
            let id = shop
                .item(&s, &[("title", &title), ("priority", "low")])
                .await;
            acked.lock().unwrap().push(id.parse().unwrap());
        }
    };
    let backup = async {
        while acked.lock().unwrap().len() < 25 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let before: Vec<i32> = acked.lock().unwrap().clone();
        let out = preflight(&url, &["backup", "--to", &file_arg]).await;
        done.store(true, Ordering::SeqCst);
        (before, out)
    };
    let ((), (before, out)) = tokio::join!(writer, backup);
    assert!(out.status.success(), "{}", said(&out));
    assert!(said(&out).contains("backed up to"), "{}", said(&out));
    let total = acked.lock().unwrap().len();
    assert!(total > before.len(), "the writes went on during the backup");

    // Never over an existing file.
    let again = preflight(&url, &["backup", "--to", &file_arg]).await;
    assert!(!again.status.success());
    assert!(
        said(&again).contains("never overwrites"),
        "{}",
        said(&again)
    );

    // Restored into an empty database: every write acknowledged before the backup began.
    let target = fresh_db_url().await;
    let out = preflight(&target, &["restore", "--from", &file_arg]).await;
    assert!(out.status.success(), "{}", said(&out));
    let restored = preflight_server::db::connect(&target).await.unwrap();
    let ids: std::collections::HashSet<i32> = items::Entity::find()
        .all(&restored)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    let lost: Vec<&i32> = before.iter().filter(|id| !ids.contains(id)).collect();
    assert!(lost.is_empty(), "acknowledged writes missing: {lost:?}");
    assert!(ids.len() >= before.len());
    // The restored database serves: the admin signs in on a server over it.
    let served = TestServer::start_on(restored.clone(), app::state::AppSettings::default()).await;
    let c = served.client();
    assert_eq!(
        served
            .login(&c, "ada@example.com", crate::support::PASSWORD)
            .await
            .status(),
        200
    );
    if restored.get_database_backend() == sea_orm::DbBackend::Sqlite {
        let row = restored
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "PRAGMA integrity_check",
            ))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "ok");
    }

    // Never over data: the restored database is not empty now.
    let out = preflight(&target, &["restore", "--from", &file_arg]).await;
    assert!(!out.status.success());
    assert!(said(&out).contains("not empty"), "{}", said(&out));
    // Not a backup at all: a clear refusal.
    let junk = dir.join("junk");
    std::fs::write(&junk, "hello, this is not a database").unwrap();
    let out = preflight(
        &fresh_db_url().await,
        &["restore", "--from", &junk.to_string_lossy()],
    )
    .await;
    assert!(!out.status.success());
    assert!(said(&out).contains("neither"), "{}", said(&out));
    eprintln!(
        "backup under load: {} writes acknowledged before it began, {} in all, {} restored",
        before.len(),
        total,
        ids.len()
    );
}
