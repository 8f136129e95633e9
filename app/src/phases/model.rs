//! The plan as pages and the REST API see it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::{
    forecast::PhaseLoad,
    scoring::{Priority, Status},
};

/// Most phases one project's plan may hold.
pub const MAX_PHASES: usize = 100;

/// An item as the plan lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanItem {
    /// Item id.
    pub id: i32,
    /// Its version (bulk scheduling sends it back).
    pub version: i32,
    /// Title.
    pub title: String,
    /// Its category's name.
    pub category: String,
    /// Priority.
    pub priority: Priority,
    /// Blocks the release while open.
    pub blocking: bool,
    /// Stored status.
    pub status: Status,
    /// Still to do: open, in progress, stale evidence or an expired acceptance.
    pub open: bool,
    /// Estimated hours.
    pub effort_hours: Option<f64>,
    /// Assignee's name.
    pub assignee: Option<String>,
}

/// One phase of the plan with its items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhaseView {
    /// Phase id.
    pub id: i32,
    /// Name ("Week 1").
    pub name: String,
    /// What the phase is for (one sentence).
    pub goal: String,
    /// When it should be done.
    pub target_date: Option<NaiveDate>,
    /// For optimistic concurrency.
    pub version: i32,
    /// Its items, in checklist order.
    pub items: Vec<PlanItem>,
    /// Hours of its open items.
    pub open_hours: f64,
    /// Its open items.
    pub open_items: usize,
    /// Against its date and the team's capacity.
    pub load: PhaseLoad,
}

/// A project's plan page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanView {
    /// Project slug.
    pub slug: String,
    /// Project name.
    pub name: String,
    /// The project's version (the plan settings send it back).
    pub version: i32,
    /// The viewer may change the plan.
    pub can_edit: bool,
    /// The day the plan was computed for.
    pub today: NaiveDate,
    /// The target launch date.
    pub launch: Option<NaiveDate>,
    /// Hours a week the team puts into readiness work.
    pub capacity_hours: Option<i32>,
    /// A final review is due this many days after the last.
    pub review_every_days: Option<i32>,
    /// The phases in order.
    pub phases: Vec<PhaseView>,
    /// Items in no phase, in checklist order.
    pub unscheduled: Vec<PlanItem>,
    /// The forecast and the burn-down.
    pub path: crate::plan::PathToReady,
}
