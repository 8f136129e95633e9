//! Team types shared by server and browser.

use serde::{Deserialize, Serialize};

/// A member's role in a team, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    /// Reads and comments.
    Viewer,
    /// Edits everything in the team's projects.
    Editor,
    /// Manages the team, its members and projects.
    Owner,
}

impl TeamRole {
    /// The word stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            TeamRole::Owner => "owner",
            TeamRole::Editor => "editor",
            TeamRole::Viewer => "viewer",
        }
    }

    /// Parses the stored word.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(TeamRole::Owner),
            "editor" => Some(TeamRole::Editor),
            "viewer" => Some(TeamRole::Viewer),
            _ => None,
        }
    }
}

/// What the signed-in user may do in a team or project, computed by `authz::permissions` so the
/// UI shows only controls the server will accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Permissions {
    /// The role (site admins act as owners).
    pub role: TeamRole,
    /// Edit content (editor or owner).
    pub can_edit: bool,
    /// Manage members, roles and projects (owner).
    pub can_manage: bool,
}

impl TeamRole {
    /// Every role, most powerful first (for pickers).
    pub const ALL: [TeamRole; 3] = [TeamRole::Owner, TeamRole::Editor, TeamRole::Viewer];

    /// Label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            TeamRole::Owner => "Owner",
            TeamRole::Editor => "Editor",
            TeamRole::Viewer => "Viewer",
        }
    }
}

/// A team offered in a picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamChoice {
    /// Database id.
    pub id: i32,
    /// Team name.
    pub name: String,
}

/// A team on `/teams`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamSummary {
    /// Database id.
    pub id: i32,
    /// Team name.
    pub name: String,
    /// The viewer's own role (`None` for a site admin who is not a member).
    pub my_role: Option<TeamRole>,
    /// Number of members.
    pub members: u64,
    /// Number of projects.
    pub projects: u64,
}

/// A member as the team page lists them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MemberView {
    /// The member's user id.
    pub user_id: i32,
    /// Email.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Role in the team.
    pub role: TeamRole,
    /// The account is disabled (still listed, cannot sign in).
    pub disabled: bool,
}

/// A project linked from the team page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectLink {
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// `/teams/{id}`: the team, its members and projects, and what the viewer may do there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamDetail {
    /// Database id.
    pub id: i32,
    /// Team name.
    pub name: String,
    /// What the viewer may do.
    pub permissions: Permissions,
    /// The viewer's user id (to offer "leave" on their own row).
    pub me: i32,
    /// Members by role, then name.
    pub members: Vec<MemberView>,
    /// The team's projects by name.
    pub projects: Vec<ProjectLink>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_and_are_ordered_by_power() {
        for r in [TeamRole::Owner, TeamRole::Editor, TeamRole::Viewer] {
            assert_eq!(TeamRole::parse(r.as_str()), Some(r));
        }
        assert!(TeamRole::Owner > TeamRole::Editor && TeamRole::Editor > TeamRole::Viewer);
        assert_eq!(TeamRole::parse("admin"), None);
    }
}

/// A person items can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Person {
    /// User id.
    pub id: i32,
    /// Display name.
    pub name: String,
}
