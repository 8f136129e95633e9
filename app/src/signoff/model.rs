//! Sign-off types shared by server and browser.

use serde::{Deserialize, Serialize};

/// A reviewer group named by another object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupRef {
    /// Id.
    pub id: i32,
    /// Name.
    pub name: String,
}

/// A reviewer group as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewerGroupView {
    /// Id.
    pub id: i32,
    /// Name (unique), e.g. "Security".
    pub name: String,
    /// What it reviews.
    pub description: String,
    /// Its members.
    pub members: Vec<ReviewerView>,
    /// How many members it has.
    pub member_count: u32,
    /// How many projects require its sign-off.
    pub projects: u32,
    /// The viewer is a member.
    pub mine: bool,
}

/// A member of a reviewer group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReviewerView {
    /// User id.
    pub user_id: i32,
    /// Display name.
    pub name: String,
    /// Email.
    pub email: String,
}

/// A required group's standing on a project's latest final review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupStanding {
    /// The group's id.
    pub group_id: i32,
    /// Its name.
    pub name: String,
    /// `signed` (a sign-off holds), `invalidated` (signed, but a blocking item of its
    /// categories changed since) or `missing`.
    pub standing: String,
    /// Who signed for it on the latest final review, most recent first (held or not).
    pub signatures: Vec<GroupSignature>,
    /// The viewer is a member and may sign for it now.
    pub may_sign: bool,
}

/// One sign-off given for a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GroupSignature {
    /// Who signed.
    pub name: String,
    /// When (UTC, `YYYY-MM-DD HH:MM`).
    pub signed_at: String,
    /// Their comment.
    pub comment: String,
    /// It still holds.
    pub holds: bool,
}

/// A project's sign-off requirement and where it stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignoffState {
    /// The project's slug.
    pub slug: String,
    /// The project's name.
    pub name: String,
    /// The latest final review the sign-offs are given on, if there is one.
    pub review_id: Option<i32>,
    /// Its version label.
    pub review_label: Option<String>,
    /// The required groups, by name.
    pub groups: Vec<GroupStanding>,
    /// The viewer may change which groups are required (team owners).
    pub can_manage: bool,
    /// The viewer may ask the groups for their sign-off (editors).
    pub can_request: bool,
    /// The project's categories and the group owning each (for owners choosing).
    pub categories: Vec<CategoryOwner>,
    /// Every reviewer group on the site, by name (for owners choosing).
    pub all_groups: Vec<GroupRef>,
}

/// A category and the reviewer group that owns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CategoryOwner {
    /// The category's id.
    pub id: i32,
    /// Its name.
    pub name: String,
    /// The owning group's id, if any.
    pub group_id: Option<i32>,
}

impl SignoffState {
    /// The names of the groups whose sign-off is missing or no longer holds.
    pub fn awaiting(&self) -> Vec<String> {
        self.groups
            .iter()
            .filter(|g| g.standing != "signed")
            .map(|g| g.name.clone())
            .collect()
    }
}
