//! Preflight's schema as sea-orm migrations. The same files run on PostgreSQL and SQLite; every
//! migration has a real `down`. Never edit a landed migration: add a new one.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_create_users;
mod m20261124_000002_create_sessions;
mod m20261124_000003_create_teams;
mod m20261124_000004_create_projects;
mod m20261124_000005_accounts_audit_throttle;
mod m20261124_000006_checklists;
mod m20261124_000007_risks;
mod m20261124_000008_reviews;
mod m20261124_000009_templates;
mod m20261124_000010_share_links;
mod m20261124_000011_api_tokens;
mod m20261125_000012_score_revision;
mod m20261202_000013_project_version;
mod m20261202_000014_jobs;
mod m20261202_000015_notifications;
mod m20261203_000016_notification_channels;
mod m20261203_000017_webhooks;
mod m20261203_000018_last_verdict;
mod m20261203_000019_evidence;
mod m20261203_000020_phases;
mod m20261204_000021_sign_in;
mod m20261204_000022_exceptions;
mod m20261204_000023_reviewer_groups;
mod m20261204_000024_campaigns;
mod m20261204_000025_tiers;
mod m20261204_000026_exception_approvers;
mod m20261204_000027_search;

/// Runs Preflight's migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_users::Migration),
            Box::new(m20261124_000002_create_sessions::Migration),
            Box::new(m20261124_000003_create_teams::Migration),
            Box::new(m20261124_000004_create_projects::Migration),
            Box::new(m20261124_000005_accounts_audit_throttle::Migration),
            Box::new(m20261124_000006_checklists::Migration),
            Box::new(m20261124_000007_risks::Migration),
            Box::new(m20261124_000008_reviews::Migration),
            Box::new(m20261124_000009_templates::Migration),
            Box::new(m20261124_000010_share_links::Migration),
            Box::new(m20261124_000011_api_tokens::Migration),
            Box::new(m20261125_000012_score_revision::Migration),
            Box::new(m20261202_000013_project_version::Migration),
            Box::new(m20261202_000014_jobs::Migration),
            Box::new(m20261202_000015_notifications::Migration),
            Box::new(m20261203_000016_notification_channels::Migration),
            Box::new(m20261203_000017_webhooks::Migration),
            Box::new(m20261203_000018_last_verdict::Migration),
            Box::new(m20261203_000019_evidence::Migration),
            Box::new(m20261203_000020_phases::Migration),
            Box::new(m20261204_000021_sign_in::Migration),
            Box::new(m20261204_000022_exceptions::Migration),
            Box::new(m20261204_000023_reviewer_groups::Migration),
            Box::new(m20261204_000024_campaigns::Migration),
            Box::new(m20261204_000025_tiers::Migration),
            Box::new(m20261204_000026_exception_approvers::Migration),
            Box::new(m20261204_000027_search::Migration),
        ]
    }
}
