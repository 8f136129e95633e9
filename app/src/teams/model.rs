//! Team types shared by server and browser.

use serde::{Deserialize, Serialize};

/// A member's role in a team, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

/// A team offered in a picker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamChoice {
    /// Database id.
    pub id: i32,
    /// Team name.
    pub name: String,
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
