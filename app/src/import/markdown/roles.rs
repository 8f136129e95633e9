//! What a heading is: the title, a priority section, a summary, a plan, a generic sub-heading, or a name.

use super::*;

/// What a heading is for.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Role {
    /// The document's title.
    Title,
    /// A summary: its bullets repeat the document.
    Summary,
    /// A plan or a priority matrix ("Launch Plan", "Week 1", "Phase 1: Foundation (2–3
    /// hours)", "MUST FIX (Do this week)"): its items restate the checklist's under other names,
    /// or add to it. Its priority and effort apply to the items it adds.
    Plan {
        priority: Option<Priority>,
        effort: Option<f64>,
    },
    /// A priority section ("Critical Issues (Must Fix)").
    Priority(Priority),
    /// A sub-heading that stays in the category around it.
    Generic {
        /// Plain bullets below are items with this status.
        bullets: Option<Status>,
    },
    /// A name: a category, or a gap.
    Name {
        name: String,
        priority: Option<Priority>,
        marker: Option<Status>,
        score: Option<i32>,
    },
}

pub(super) const SUMMARY_WORDS: [&str; 13] = [
    "summary",
    "conclusion",
    "progress",
    "fixed since",
    "since last review",
    "still needs",
    "table of contents",
    "contents",
    "appendix",
    "references",
    "changelog",
    "key achievements",
    "next review",
];

pub(super) const PRIORITY_FILLER: [&str; 14] = [
    "critical",
    "high",
    "medium",
    "low",
    "priority",
    "priorities",
    "issues",
    "issue",
    "gaps",
    "items",
    "findings",
    "severity",
    "blockers",
    "concerns",
];

/// Headings of a whole plan or priority matrix.
pub(super) const PLAN_WORDS: [&str; 13] = [
    "launch plan",
    "action plan",
    "implementation plan",
    "implementation phases",
    "remediation plan",
    "rollout plan",
    "execution plan",
    "roadmap",
    "timeline",
    "priority matrix",
    "week-by-week",
    "week by week",
    "path to production",
];

/// Headings of one phase named by when ("Immediate (next 48 hours)", "This week").
pub(super) const WHEN_WORDS: [&str; 6] = [
    "immediate",
    "this week",
    "next week",
    "before launch",
    "after launch",
    "next 48 hours",
];

/// Words of a MoSCoW heading ("MUST FIX", "SHOULD FIX (before launch)", "NICE TO HAVE").
pub(super) const MOSCOW_WORDS: [&str; 12] = [
    "must", "should", "could", "won't", "wont", "fix", "have", "nice", "to", "do", "later", "now",
];

pub(super) static PHASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:week|phase|sprint|day|days|stage|milestone|iteration|month)\s*\d+")
        .unwrap_or_else(|_| never())
});

/// The plan role of a heading, if it is one: a phase ("Week 1", "Phase 2: …"), a MoSCoW group,
/// or a whole plan.
pub(super) fn plan_role(text: &str, name_full: &str, lower: &str) -> Option<Role> {
    let effort = || effort_in(text).map(|(h, _)| h);
    if PHASE.is_match(name_full) || WHEN_WORDS.iter().any(|w| lower.starts_with(w)) {
        return Some(Role::Plan {
            priority: priority_marker(text),
            effort: effort(),
        });
    }
    let bare = PARENS.replace_all(lower, " ");
    let words: Vec<&str> = bare
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    if !words.is_empty()
        && words.iter().all(|w| MOSCOW_WORDS.contains(w))
        && let Some(priority) = priority_marker(text)
    {
        return Some(Role::Plan {
            priority: Some(priority),
            effort: effort(),
        });
    }
    PLAN_WORDS
        .iter()
        .any(|w| lower.contains(w))
        .then(|| Role::Plan {
            priority: None,
            effort: effort(),
        })
}

pub(super) fn classify(text: &str) -> Role {
    let marker = lead_status(
        NUMBERING
            .replace(plain_keep_marks(text).trim(), "")
            .as_ref(),
    );
    let name_full = plain(text);
    let name_no_number = NUMBERING.replace(&name_full, "").to_string();
    let lower = name_no_number
        .trim_end_matches([':', '.', ' '])
        .to_lowercase();
    if SUMMARY_WORDS.iter().any(|w| lower.contains(w)) {
        return Role::Summary;
    }
    if let Some(plan) = plan_role(text, &name_full, &lower) {
        return plan;
    }
    // Without parentheses, priority words and filler, is anything left?
    let bare = PARENS.replace_all(&lower, " ");
    let rest: Vec<&str> = bare
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !PRIORITY_FILLER.contains(w))
        .collect();
    let heading_priority = priority_marker(text).or_else(|| {
        let first = bare.split_whitespace().next().unwrap_or("");
        match first {
            "critical" => Some(Priority::Critical),
            "high" => Some(Priority::High),
            "medium" => Some(Priority::Medium),
            "low" => Some(Priority::Low),
            _ => None,
        }
    });
    if rest.is_empty()
        && let Some(p) = heading_priority
    {
        return Role::Priority(p);
    }
    let generic = lower.trim();
    let done_words = [
        "strengths",
        "strength",
        "what works",
        "what's working",
        "what is working",
        "done",
        "completed",
        "passed",
        "in place",
    ];
    let gap_words = [
        "action items",
        "action item",
        "actions",
        "to do",
        "todo",
        "to-do",
        "next steps",
        "tasks",
        "missing",
        "missing/incomplete",
        "gaps",
    ];
    let other_words = [
        "issues",
        "weaknesses",
        "problems",
        "concerns",
        "findings",
        "recommendations",
        "recommendation",
        "details",
        "current state",
        "status",
        "notes",
        "evidence",
    ];
    if done_words.contains(&generic) {
        return Role::Generic {
            bullets: Some(Status::Done),
        };
    }
    if gap_words.contains(&generic)
        || generic.contains("action items")
        || generic.starts_with("immediate action")
    {
        return Role::Generic {
            bullets: Some(Status::Open),
        };
    }
    if other_words.contains(&generic) {
        return Role::Generic { bullets: None };
    }
    let score = score_in(&name_full);
    let mut name = clean_name(&name_no_number);
    if score.is_some() {
        // "Security ✅ Score: 85/100 (Good)": the verdict after the score is no part of the name.
        name = clean_name(TRAILING_PARENS.replace(&name, "").as_ref());
    }
    if name.is_empty() {
        return Role::Generic { bullets: None };
    }
    Role::Name {
        score,
        name,
        priority: priority_marker(text),
        marker,
    }
}
