//! Risk matrices, levels and scores: pure functions, no database, no Leptos.
//!
//! A matrix has a likelihood scale and an impact scale of 3 to 7 labelled steps, numbered from
//! one, and a level for every (likelihood, impact) cell. A risk's score is likelihood × impact;
//! its level is the matrix's level of its cell.

use serde::{Deserialize, Serialize};

/// Fewest steps on a scale.
pub const MIN_STEPS: usize = 3;
/// Most steps on a scale.
pub const MAX_STEPS: usize = 7;

/// How serious a cell of the matrix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    /// Every level, least serious first.
    pub const ALL: [Level; 4] = [Level::Low, Level::Medium, Level::High, Level::Critical];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Level::Low => "Low",
            Level::Medium => "Medium",
            Level::High => "High",
            Level::Critical => "Critical",
        }
    }

    /// Parses a stored word.
    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// High or critical: what the overview and portfolio count.
    pub fn is_serious(self) -> bool {
        self >= Level::High
    }
}

/// Where a risk stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(
    feature = "ssr",
    sea_orm(rs_type = "String", db_type = "Text", rename_all = "snake_case")
)]
#[serde(rename_all = "snake_case")]
pub enum RiskStatus {
    Open,
    Mitigating,
    Accepted,
    Closed,
}

impl RiskStatus {
    /// Every status, in workflow order.
    pub const ALL: [RiskStatus; 4] = [
        RiskStatus::Open,
        RiskStatus::Mitigating,
        RiskStatus::Accepted,
        RiskStatus::Closed,
    ];

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            RiskStatus::Open => "open",
            RiskStatus::Mitigating => "mitigating",
            RiskStatus::Accepted => "accepted",
            RiskStatus::Closed => "closed",
        }
    }

    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            RiskStatus::Open => "Open",
            RiskStatus::Mitigating => "Mitigating",
            RiskStatus::Accepted => "Accepted",
            RiskStatus::Closed => "Closed",
        }
    }

    /// Parses a stored word.
    pub fn parse(s: &str) -> Option<RiskStatus> {
        RiskStatus::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Open or being mitigated: still a live threat (accepted and closed ones are not).
    pub fn is_active(self) -> bool {
        matches!(self, RiskStatus::Open | RiskStatus::Mitigating)
    }
}

/// A project's risk matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RiskMatrix {
    /// Likelihood step labels, least likely first.
    pub likelihood: Vec<String>,
    /// Impact step labels, least severe first.
    pub impact: Vec<String>,
    /// `levels[l - 1][i - 1]` is the level of likelihood `l`, impact `i`.
    pub levels: Vec<Vec<Level>>,
}

impl Default for RiskMatrix {
    fn default() -> Self {
        RiskMatrix::with_size(5, 5)
    }
}

/// Default labels of a likelihood scale with `n` steps.
pub fn likelihood_labels(n: usize) -> Vec<String> {
    let words: &[&str] = match n {
        3 => &["Unlikely", "Possible", "Likely"],
        4 => &["Rare", "Unlikely", "Likely", "Almost certain"],
        5 => &["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
        6 => &[
            "Rare",
            "Very unlikely",
            "Unlikely",
            "Possible",
            "Likely",
            "Almost certain",
        ],
        _ => &[
            "Very rare",
            "Rare",
            "Unlikely",
            "Possible",
            "Likely",
            "Very likely",
            "Almost certain",
        ],
    };
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// Default labels of an impact scale with `n` steps.
pub fn impact_labels(n: usize) -> Vec<String> {
    let words: &[&str] = match n {
        3 => &["Minor", "Moderate", "Severe"],
        4 => &["Minor", "Moderate", "Major", "Severe"],
        5 => &["Negligible", "Minor", "Moderate", "Major", "Severe"],
        6 => &[
            "Negligible",
            "Minor",
            "Moderate",
            "Significant",
            "Major",
            "Severe",
        ],
        _ => &[
            "Negligible",
            "Very minor",
            "Minor",
            "Moderate",
            "Significant",
            "Major",
            "Severe",
        ],
    };
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// The default level of a cell, by the share its score has of the largest score: under 20 %
/// low, under 40 % medium, under 70 % high, else critical. On 5×5 that is 1–4 low, 5–9 medium,
/// 10–16 high, 20–25 critical.
pub fn default_level(likelihood: usize, impact: usize, l_steps: usize, i_steps: usize) -> Level {
    let share = (likelihood * impact) as f64 / (l_steps * i_steps) as f64;
    if share < 0.2 {
        Level::Low
    } else if share < 0.4 {
        Level::Medium
    } else if share < 0.7 {
        Level::High
    } else {
        Level::Critical
    }
}

/// Risk score: likelihood × impact.
pub fn score(likelihood: i32, impact: i32) -> i32 {
    likelihood * impact
}

/// The step of a scale of `to` steps nearest to `step` of a scale of `from` steps (ends map to
/// ends; halves round up).
pub fn rescale(step: i32, from: usize, to: usize) -> i32 {
    if from <= 1 || to <= 1 {
        return 1;
    }
    let pos = f64::from(step.clamp(1, from as i32) - 1) / (from - 1) as f64;
    (pos * (to - 1) as f64).round() as i32 + 1
}

impl RiskMatrix {
    /// A matrix of the given size with default labels and levels.
    pub fn with_size(l_steps: usize, i_steps: usize) -> Self {
        let l_steps = l_steps.clamp(MIN_STEPS, MAX_STEPS);
        let i_steps = i_steps.clamp(MIN_STEPS, MAX_STEPS);
        RiskMatrix {
            likelihood: likelihood_labels(l_steps),
            impact: impact_labels(i_steps),
            levels: (1..=l_steps)
                .map(|l| {
                    (1..=i_steps)
                        .map(|i| default_level(l, i, l_steps, i_steps))
                        .collect()
                })
                .collect(),
        }
    }

    /// This matrix at another size: labels and levels of the new size are the defaults, except
    /// that a scale whose size does not change keeps its labels.
    pub fn resized(&self, l_steps: usize, i_steps: usize) -> Self {
        let mut m = RiskMatrix::with_size(l_steps, i_steps);
        if m.likelihood.len() == self.likelihood.len() {
            m.likelihood = self.likelihood.clone();
        }
        if m.impact.len() == self.impact.len() {
            m.impact = self.impact.clone();
        }
        if m.likelihood.len() == self.likelihood.len() && m.impact.len() == self.impact.len() {
            m.levels = self.levels.clone();
        }
        m
    }

    /// Steps on the likelihood scale.
    pub fn likelihood_steps(&self) -> usize {
        self.likelihood.len()
    }

    /// Steps on the impact scale.
    pub fn impact_steps(&self) -> usize {
        self.impact.len()
    }

    /// Whether (likelihood, impact) is a cell of this matrix.
    pub fn contains(&self, likelihood: i32, impact: i32) -> bool {
        (1..=self.likelihood_steps() as i32).contains(&likelihood)
            && (1..=self.impact_steps() as i32).contains(&impact)
    }

    /// The level of a cell; steps outside the scales are clamped to the nearest end.
    pub fn level(&self, likelihood: i32, impact: i32) -> Level {
        let l = (likelihood.clamp(1, self.likelihood_steps().max(1) as i32) - 1) as usize;
        let i = (impact.clamp(1, self.impact_steps().max(1) as i32) - 1) as usize;
        self.levels
            .get(l)
            .and_then(|row| row.get(i))
            .copied()
            .unwrap_or(Level::Critical)
    }

    /// A label for a cell, e.g. "Likely × Major".
    pub fn cell_label(&self, likelihood: i32, impact: i32) -> String {
        let get = |labels: &[String], step: i32| {
            usize::try_from(step - 1)
                .ok()
                .and_then(|s| labels.get(s))
                .cloned()
                .unwrap_or_else(|| step.to_string())
        };
        format!(
            "{} × {}",
            get(&self.likelihood, likelihood),
            get(&self.impact, impact)
        )
    }

    /// What is wrong with this matrix, as (field, message); empty when it is usable.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let range = MIN_STEPS..=MAX_STEPS;
        if !range.contains(&self.likelihood_steps()) {
            out.push((
                "likelihood_steps",
                "Use 3 to 7 likelihood steps.".to_owned(),
            ));
        }
        if !range.contains(&self.impact_steps()) {
            out.push(("impact_steps", "Use 3 to 7 impact steps.".to_owned()));
        }
        let bad_label = |l: &String| l.trim().is_empty() || l.chars().count() > 40;
        if self.likelihood.iter().any(bad_label) {
            out.push((
                "likelihood_labels",
                "Give every likelihood step a name of at most 40 characters.".to_owned(),
            ));
        }
        if self.impact.iter().any(bad_label) {
            out.push((
                "impact_labels",
                "Give every impact step a name of at most 40 characters.".to_owned(),
            ));
        }
        if self.levels.len() != self.likelihood_steps()
            || self.levels.iter().any(|r| r.len() != self.impact_steps())
        {
            out.push(("levels", "Choose a level for every cell.".to_owned()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    fn grid(m: &RiskMatrix) -> Vec<Vec<Level>> {
        let (ls, is) = (m.likelihood_steps() as i32, m.impact_steps() as i32);
        (1..=ls)
            .map(|l| (1..=is).map(|i| m.level(l, i)).collect())
            .collect()
    }

    #[test]
    fn three_by_three_defaults() {
        let m = RiskMatrix::with_size(3, 3);
        assert_eq!(
            grid(&m),
            vec![
                vec![Low, Medium, Medium],
                vec![Medium, High, High],
                vec![Medium, High, Critical],
            ]
        );
        assert_eq!(m.likelihood, ["Unlikely", "Possible", "Likely"]);
        assert!(m.problems().is_empty());
    }

    #[test]
    fn five_by_five_defaults_follow_the_usual_score_bands() {
        let m = RiskMatrix::default();
        for l in 1..=5 {
            for i in 1..=5 {
                let expected = match l * i {
                    1..=4 => Low,
                    5..=9 => Medium,
                    10..=16 => High,
                    _ => Critical,
                };
                assert_eq!(m.level(l, i), expected, "{l}×{i}");
                assert_eq!(score(l, i), l * i);
            }
        }
        assert_eq!(m.cell_label(4, 5), "Likely × Severe");
    }

    #[test]
    fn seven_by_seven_defaults() {
        let m = RiskMatrix::with_size(7, 7);
        assert_eq!(m.level(1, 1), Low);
        assert_eq!(m.level(1, 7), Low); // 7 of 49
        assert_eq!(m.level(2, 5), Medium); // 10 of 49
        assert_eq!(m.level(4, 5), High); // 20 of 49
        assert_eq!(m.level(5, 7), Critical); // 35 of 49
        assert_eq!(m.level(7, 7), Critical);
        // Symmetric, and never less serious further up or right.
        for l in 1..=7 {
            for i in 1..=7 {
                assert_eq!(m.level(l, i), m.level(i, l));
                if l < 7 {
                    assert!(m.level(l, i) <= m.level(l + 1, i));
                }
                if i < 7 {
                    assert!(m.level(l, i) <= m.level(l, i + 1));
                }
            }
        }
    }

    #[test]
    fn edited_cells_decide_the_level() {
        let mut m = RiskMatrix::default();
        m.levels[0][4] = Critical;
        assert_eq!(m.level(1, 5), Critical);
        // Outside the scale: clamped to the nearest cell.
        assert_eq!(m.level(9, 9), m.level(5, 5));
        assert!(!m.contains(6, 1) && !m.contains(0, 3) && m.contains(5, 5));
    }

    #[test]
    fn rescaling_keeps_ends_and_picks_the_nearest_step() {
        // 5 → 3: 1→1, 2→2 (1.5 rounds up), 3→2, 4→3 (2.5 rounds up), 5→3.
        assert_eq!(
            (1..=5).map(|s| rescale(s, 5, 3)).collect::<Vec<_>>(),
            [1, 2, 2, 3, 3]
        );
        // 3 → 7: 1→1, 2→4, 3→7.
        assert_eq!(
            (1..=3).map(|s| rescale(s, 3, 7)).collect::<Vec<_>>(),
            [1, 4, 7]
        );
        // Same size: unchanged. Out of range: clamped first.
        for s in 1..=5 {
            assert_eq!(rescale(s, 5, 5), s);
        }
        assert_eq!(rescale(9, 5, 7), 7);
        // Every result is on the new scale, for every size pair.
        for from in MIN_STEPS..=MAX_STEPS {
            for to in MIN_STEPS..=MAX_STEPS {
                for s in 1..=from as i32 {
                    let r = rescale(s, from, to);
                    assert!((1..=to as i32).contains(&r), "{s} of {from} → {r} of {to}");
                }
            }
        }
    }

    #[test]
    fn resizing_keeps_what_still_fits() {
        let mut m = RiskMatrix::default();
        m.likelihood[0] = "Once a decade".into();
        m.levels[0][0] = High;
        let same = m.resized(5, 5);
        assert_eq!(same, m);
        let wider = m.resized(5, 7);
        assert_eq!(wider.likelihood[0], "Once a decade");
        assert_eq!(wider.impact, impact_labels(7));
        assert_eq!(wider.level(1, 1), Low, "levels go back to the defaults");
        assert!(wider.problems().is_empty());
    }

    #[test]
    fn problems_name_their_fields() {
        let mut m = RiskMatrix::default();
        m.likelihood[2] = "  ".into();
        m.levels[1].pop();
        let fields: Vec<_> = m.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["likelihood_labels", "levels"]);
        let tiny = RiskMatrix {
            likelihood: vec!["a".into(), "b".into()],
            ..RiskMatrix::default()
        };
        assert!(
            tiny.problems()
                .iter()
                .any(|(f, _)| *f == "likelihood_steps")
        );
    }
}
