//! The Preflight server: configuration, database, sessions, router and commands. The binary in
//! `main.rs` only parses the command line and calls in here; tests drive the same router.

pub mod api;
pub mod background;
pub mod backup;
pub mod bench;
pub mod bench_scale;
pub mod commands;
pub mod config;
pub mod db;
pub mod files;
pub mod gate;
pub mod listen;
pub mod middleware;
pub mod router;
pub mod session_store;
pub mod sso;
pub mod telemetry;
pub mod unsubscribe;

use std::{
    path::PathBuf,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use app::state::{AppSettings, AppState};
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;

/// Leptos' options for a site root (the directory holding `pkg/`).
pub fn leptos_options(site_root: PathBuf, addr: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("preflight")
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .env(leptos::config::Env::PROD)
        .build()
}

/// Assembles the per-process state. Every statement run through the state's connection is
/// counted in `queries`.
pub fn app_state(
    db: DatabaseConnection,
    settings: AppSettings,
    leptos_options: LeptosOptions,
) -> AppState {
    app_state_observed(db, settings, leptos_options, |_| {})
}

/// [`app_state`], also showing every statement run to `observe` (the tests count what one
/// request asks the database).
pub fn app_state_observed(
    mut db: DatabaseConnection,
    settings: AppSettings,
    leptos_options: LeptosOptions,
    observe: impl Fn(&sea_orm::metric::Info<'_>) + Send + Sync + 'static,
) -> AppState {
    let queries = Arc::new(AtomicU64::new(0));
    let counter = queries.clone();
    db.set_metric_callback(move |info| {
        counter.fetch_add(1, Ordering::Relaxed);
        observe(info);
    });
    let prober =
        app::checks::probe::Prober::new(settings.checks_allow_private, &settings.checks_ca);
    AppState {
        prober,
        db,
        settings: Arc::new(settings),
        leptos_options,
        queries,
        memo: Default::default(),
        clock: Default::default(),
    }
}
