//! Tier types shared by server and browser.

use serde::{Deserialize, Serialize};

/// A launch tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TierView {
    /// Id.
    pub id: i32,
    /// Name (unique), e.g. "Tier 1".
    pub name: String,
    /// What launches it is for.
    pub description: String,
    /// The readiness threshold its projects take (0–100).
    pub threshold: i32,
    /// The template sections (category names) it requires; empty: all of them.
    pub sections: Vec<String>,
    /// The reviewer groups whose sign-off it requires.
    pub groups: Vec<crate::signoff::model::GroupRef>,
    /// How many projects are on it.
    pub projects: u32,
}

/// A project's tier and what may be chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProjectTier {
    /// The project's slug.
    pub slug: String,
    /// Its tier, if any.
    pub tier: Option<TierView>,
    /// Every tier, in order.
    pub tiers: Vec<TierView>,
    /// Its categories outside its tier's sections (candidates to remove for a lighter
    /// checklist).
    pub outside: Vec<String>,
    /// The viewer may change the tier (team owners).
    pub can_manage: bool,
}
