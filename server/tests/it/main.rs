//! Integration tests: the real router on 127.0.0.1:0 over a fresh database per test — SQLite by
//! default, PostgreSQL when `DATABASE_URL` points at a server (each test creates its own
//! database there).

#![allow(clippy::unwrap_used, clippy::expect_used)]
// A test is a scenario read top to bottom (and the authorization matrix a table of cells):
// the 120-line limit on functions is for the product's code.
#![allow(clippy::too_many_lines)]

mod accounts_http;
mod api_http;
mod audit;
mod auth_http;
mod authz_matrix;
mod backup;
mod bench_seed;
mod campaigns_http;
mod checklist_http;
mod checks;
mod cli;
mod enhance_http;
mod evidence;
mod exceptions_http;
mod export_http;
mod files;
mod import_http;
mod inbox_http;
mod instances;
mod jobs;
mod mail;
mod metrics_http;
mod migrations;
mod pages_http;
mod plan;
mod projects_http;
mod report_http;
mod reviews_http;
mod risks_http;
mod rpc_battery;
mod search_http;
mod security_http;
mod signoff_http;
mod sso_http;
mod support;
mod teams_http;
mod templates_http;
mod throttle_http;
mod tiers_http;
mod tokens_http;
mod totp_http;
mod webhooks;
