//! sea-orm entities, one file per table (plural table names). No logic lives here.

pub mod api_tokens;
pub mod audit_events;
pub mod categories;
pub mod instance_secrets;
pub mod item_comments;
pub mod item_watches;
pub mod items;
pub mod jobs;
pub mod login_throttle;
pub mod notification_prefs;
pub mod notifications;
pub mod project_watches;
pub mod projects;
pub mod review_signoffs;
pub mod reviews;
pub mod risk_items;
pub mod risk_matrices;
pub mod risks;
pub mod sessions;
pub mod share_links;
pub mod team_members;
pub mod teams;
pub mod templates;
pub mod users;
