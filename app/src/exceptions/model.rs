//! Exception types shared by server and browser.

use serde::{Deserialize, Serialize};

/// An exception request as the exceptions page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExceptionView {
    /// Id.
    pub id: i32,
    /// The project's slug and name.
    pub project_slug: String,
    /// The project's name.
    pub project_name: String,
    /// The item.
    pub item_id: i32,
    /// Its title.
    pub item_title: String,
    /// The status asked for: `accepted_risk` or `not_applicable`.
    pub status: String,
    /// Why.
    pub reason: String,
    /// The last day it holds (`YYYY-MM-DD`), for accepted risks.
    pub until: Option<String>,
    /// `pending`, `approved`, `declined` or `withdrawn`.
    pub state: String,
    /// Who asked.
    pub requested_by: String,
    /// When (UTC, RFC 3339).
    pub requested_at: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// The decision's comment.
    pub comment: String,
    /// The viewer may approve or decline it now.
    pub may_decide: bool,
    /// Approved and ending within 14 days (or ended).
    pub expiring: bool,
    /// Who approves it: the approving reviewer group's name, or "Team owners".
    pub approvers: String,
}

/// Which changes of a project's items need someone else's approval, and whose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExceptionPolicy {
    /// Accepting a risk.
    pub accepted_risk: bool,
    /// Marking an item not applicable.
    pub not_applicable: bool,
    /// The longest an approved acceptance holds, in days.
    pub max_days: i32,
    /// The reviewer group whose members approve; `None`: the team's owners.
    pub group_id: Option<i32>,
    /// The reviewer groups one may name as approvers.
    pub groups: Vec<crate::signoff::model::GroupRef>,
    /// The viewer may change this (team owners).
    pub can_manage: bool,
}
