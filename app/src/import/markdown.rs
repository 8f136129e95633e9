//! Markdown readiness documents to a Preflight [`Document`].
//!
//! The document is read with pulldown-cmark into a flat list of blocks (headings, list items,
//! paragraphs, tables); code blocks and HTML are never structure. Then:
//!
//! - **Headings** are classified: the document's title (a single `#` heading with sections
//!   under it), *priority sections* ("Critical Issues (Must Fix)", "High Priority"), *summaries*
//!   ("Executive Summary", "Progress", "Conclusion": their bullets repeat the document and are
//!   skipped, with a warning), *generic sub-headings* ("Strengths", "Missing:", "Action Items:")
//!   that stay in the category around them, and *names*: everything else.
//! - **Items** are `- [ ]` / `- [x]` list items, bullets that start with ❌ ✅ ⚠️ (and their
//!   kin), plain bullets under an "Action Items" / "Missing" / "Strengths" heading, and
//!   numbered gap headings under a priority section (or marked ❌) that hold no items of their
//!   own.
//! - **Categories**: the heading level that carries the document's structure is the level whose
//!   named headings most often directly hold items; an item's category is its named heading
//!   at that level, else its nearest named heading, else the section it sits in.
//! - **Priority**: an inline marker (CRITICAL / HIGH / MEDIUM / LOW, "must fix", "nice to
//!   have", 🔴 🟠 🟡 🟢), else the nearest heading with one, else medium. `BLOCKING` marks an
//!   item blocking.
//! - **Scores**: "Score: 88/100" or "3/10" in a category heading or paragraph, and score tables,
//!   become assessor scores (0–100). The document's overall score is reported, not imported:
//!   Preflight computes it.
//! - **Risk tables** with current / target risk columns become risks on the default matrix.

use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::{
    doc::{CategoryDoc, Document, ItemDoc, RiskDoc, name_key},
    model::{MAX_IMPORT_CATEGORIES, MAX_IMPORT_ITEMS, MAX_IMPORT_RISKS, too_many},
};
use crate::report::markdown as report;
use crate::{
    limits::MAX_TITLE,
    risks::matrix::{Level, RiskStatus},
    scoring::{Priority, Status},
};

/// What the Markdown importer made of a document.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The project it describes.
    pub doc: Document,
    /// What was skipped or changed, for the preview and stderr.
    pub warnings: Vec<String>,
    /// The document's own overall score (0–100), when it states one.
    pub document_score: Option<i32>,
}

/// Longest category name the checklist accepts.
const MAX_CATEGORY: usize = 120;

/// One piece of the document, in order.
#[derive(Clone, Debug)]
enum Block {
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    Item {
        checked: Option<bool>,
        text: String,
        line: usize,
    },
    /// A paragraph; its lines are `\n`-separated.
    Para { text: String },
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
        line: usize,
    },
}

struct ItemBuf {
    checked: Option<bool>,
    text: String,
    line: usize,
    emitted: bool,
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The document as a flat list of blocks; code and HTML are left out.
fn blocks(text: &str) -> Vec<Block> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TASKLISTS);
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);
    let mut out = Vec::new();
    let mut code = 0usize;
    let mut heading: Option<(u8, String, usize)> = None;
    let mut items: Vec<ItemBuf> = Vec::new();
    let mut para: Option<String> = None;
    let mut para_line = 0usize;
    let mut table: Option<(Vec<String>, Vec<Vec<String>>, usize)> = None;
    let mut row: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    let emit = |item: &mut ItemBuf, out: &mut Vec<Block>| {
        if !item.emitted {
            item.emitted = true;
            out.push(Block::Item {
                checked: item.checked,
                text: std::mem::take(&mut item.text),
                line: item.line,
            });
        }
    };
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => code += 1,
            Event::End(TagEnd::CodeBlock) => code = code.saturating_sub(1),
            _ if code > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((heading_level(level), String::new(), line_of(range.start)));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text, line)) = heading.take() {
                    out.push(Block::Heading { level, text, line });
                }
            }
            Event::Start(Tag::List(_)) => {
                if let Some(top) = items.last_mut() {
                    emit(top, &mut out);
                }
            }
            Event::Start(Tag::Item) => items.push(ItemBuf {
                checked: None,
                text: String::new(),
                line: line_of(range.start),
                emitted: false,
            }),
            Event::TaskListMarker(checked) => {
                if let Some(top) = items.last_mut() {
                    top.checked = Some(checked);
                }
            }
            Event::End(TagEnd::Item) => {
                if let Some(mut top) = items.pop() {
                    emit(&mut top, &mut out);
                }
            }
            Event::Start(Tag::Paragraph) => {
                if items.is_empty() && table.is_none() {
                    para = Some(String::new());
                    para_line = line_of(range.start);
                } else if let Some(top) = items.last_mut()
                    && !top.text.is_empty()
                {
                    top.text.push(' ');
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = para.take() {
                    // "✅ TLS 1.3 only" on a line of its own is an item, as a bullet would be.
                    let marked: Vec<Block> = text
                        .lines()
                        .enumerate()
                        .filter(|(_, l)| lead_status(l.trim()).is_some())
                        .map(|(k, l)| Block::Item {
                            checked: None,
                            text: l.trim().to_owned(),
                            line: para_line + k,
                        })
                        .collect();
                    out.push(Block::Para { text });
                    out.extend(marked);
                }
            }
            Event::Start(Tag::Table(_)) => {
                table = Some((Vec::new(), Vec::new(), line_of(range.start)))
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => row.clear(),
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.0 = std::mem::take(&mut row);
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.1.push(std::mem::take(&mut row));
                }
            }
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.push(cell.take().unwrap_or_default()),
            Event::End(TagEnd::Table) => {
                if let Some((header, rows, line)) = table.take() {
                    out.push(Block::Table { header, rows, line });
                }
            }
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => {
                push_text(&mut heading, &mut cell, &mut para, &mut items, "**");
            }
            Event::Text(t) | Event::Code(t) => {
                push_text(&mut heading, &mut cell, &mut para, &mut items, &t);
            }
            // A paragraph keeps its lines (a line may be a ✅ / ❌ item of its own).
            Event::SoftBreak | Event::HardBreak if heading.is_none() && cell.is_none() => {
                let sep = if para.is_some() { "\n" } else { " " };
                push_text(&mut heading, &mut cell, &mut para, &mut items, sep);
            }
            Event::SoftBreak | Event::HardBreak => {
                push_text(&mut heading, &mut cell, &mut para, &mut items, " ");
            }
            _ => {}
        }
    }
    out
}

fn push_text(
    heading: &mut Option<(u8, String, usize)>,
    cell: &mut Option<String>,
    para: &mut Option<String>,
    items: &mut [ItemBuf],
    text: &str,
) {
    let target = if let Some((_, h, _)) = heading.as_mut() {
        h
    } else if let Some(c) = cell.as_mut() {
        c
    } else if let Some(p) = para.as_mut() {
        p
    } else if let Some(top) = items.last_mut().filter(|i| !i.emitted) {
        &mut top.text
    } else {
        return;
    };
    // A runaway paragraph or item cannot make the importer hold more than the document.
    if target.len() < 100_000 {
        target.push_str(text);
    }
}

// ---------------------------------------------------------------------------------------------
// Text helpers

static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:step|phase|part|section)\s+)?\d+(?:\.\d+)*[.):]?\s+")
        .unwrap_or_else(|_| never())
});
static EMPTY_PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(\s*[:\-–—]?\s*\)").unwrap_or_else(|_| never()));
static TRAILING_PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\([^()]*\)\s*$").unwrap_or_else(|_| never()));
static PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\([^()]*\)").unwrap_or_else(|_| never()));
static SCORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,3}(?:\.\d+)?)\s*(?:/\s*(100|10|5)\b|(%))").unwrap_or_else(|_| never())
});
static EFFORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(\s*(?:~|est\.?\s*|effort:?\s*)?(?:\d+(?:\.\d+)?\s*[-–—]\s*)?(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|days?|d|minutes?|mins?|weeks?|w)\s*\)")
        .unwrap_or_else(|_| never())
});
static UPPER_PRIORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(CRITICAL|BLOCKER|HIGH|MEDIUM|LOW|P0|P1|P2|P3)\b(?:\s+PRIORITY)?")
        .unwrap_or_else(|_| never())
});
static BLOCKING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bBLOCKING\b").unwrap_or_else(|_| never()));

/// The patterns above are literals checked by the unit tests; this is never reached.
fn never() -> Regex {
    Regex::new("$^").unwrap_or_else(|_| unreachable!())
}

/// Emoji, pictographs, variation selectors and other symbols that are decoration, not words.
fn is_decoration(c: char) -> bool {
    !c.is_alphanumeric()
        && !c.is_ascii()
        && !matches!(
            c,
            '–' | '—'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '…'
                | '«'
                | '»'
                | '€'
                | '£'
                | '°'
                | '×'
                | '→'
                | '←'
                | '≥'
                | '≤'
                | '±'
        )
}

/// Plain text: no bold markers, no decoration, single spaces.
fn plain(text: &str) -> String {
    let t: String = text
        .replace("**", "")
        .replace("__", "")
        .chars()
        .map(|c| if is_decoration(c) { ' ' } else { c })
        .collect();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

const STATUS_DONE: [char; 4] = ['✅', '✔', '☑', '✓'];
const STATUS_OPEN: [char; 5] = ['❌', '✗', '✘', '⛔', '🚫'];
const STATUS_WARN: [char; 2] = ['⚠', '🚧'];

/// The status a leading marker gives a bullet (after any numbering).
fn lead_status(text: &str) -> Option<Status> {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || c == '*');
    let first = t.chars().next()?;
    if STATUS_DONE.contains(&first) {
        Some(Status::Done)
    } else if STATUS_OPEN.contains(&first) {
        Some(Status::Open)
    } else if first == '🚧' {
        Some(Status::InProgress)
    } else if matches!(first, '🔴' | '🟠' | '🟡' | '🟢') {
        // A finding rated by severity: open, its colour its priority.
        Some(Status::Open)
    } else if STATUS_WARN.contains(&first) {
        Some(Status::Open)
    } else {
        None
    }
}

/// A priority stated in the text: a word in capitals, a MoSCoW phrase or a coloured circle.
fn priority_marker(text: &str) -> Option<Priority> {
    if let Some(m) = UPPER_PRIORITY.captures(text).and_then(|c| c.get(1)) {
        return Some(match m.as_str() {
            "CRITICAL" | "BLOCKER" | "P0" => Priority::Critical,
            "HIGH" | "P1" => Priority::High,
            "MEDIUM" | "P2" => Priority::Medium,
            _ => Priority::Low,
        });
    }
    let lower = text.to_lowercase();
    let phrases: [(&str, Priority); 9] = [
        ("must fix", Priority::Critical),
        ("must have", Priority::Critical),
        ("must complete", Priority::Critical),
        ("should fix", Priority::High),
        ("should have", Priority::High),
        ("nice to have", Priority::Low),
        ("could have", Priority::Low),
        ("recommended", Priority::Medium),
        ("could fix", Priority::Medium),
    ];
    if let Some((_, p)) = phrases.iter().find(|(ph, _)| lower.contains(ph)) {
        return Some(*p);
    }
    if text.contains('🔴') {
        Some(Priority::Critical)
    } else if text.contains('🟠') {
        Some(Priority::High)
    } else if text.contains('🟡') {
        Some(Priority::Medium)
    } else if text.contains('🟢') {
        Some(Priority::Low)
    } else {
        None
    }
}

/// A score in the text normalised to 0–100 ("3/10" → 30, "88/100", "72%").
fn score_in(text: &str) -> Option<i32> {
    let c = SCORE.captures(text)?;
    let value: f64 = c.get(1)?.as_str().parse().ok()?;
    let max: f64 = match c.get(2) {
        Some(m) => m.as_str().parse().ok()?,
        None => 100.0,
    };
    if value > max {
        return None;
    }
    // Clamped to 0..=100 above, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation)]
    Some((value / max * 100.0).round().clamp(0.0, 100.0) as i32)
}

/// Effort from "(2 hours)", "(1 day)", "(30 minutes)", "(2–3 hours)" (the upper bound: a
/// plan's estimate is a budget); days are 8 hours, weeks 40.
fn effort_in(text: &str) -> Option<(f64, String)> {
    let c = EFFORT.captures(text)?;
    let n: f64 = c.get(1)?.as_str().parse().ok()?;
    let unit = c.get(2)?.as_str().to_lowercase();
    let hours = match unit.chars().next()? {
        'd' => n * 8.0,
        'w' => n * 40.0,
        'm' => n / 60.0,
        _ => n,
    };
    let whole = c.get(0)?.as_str().to_owned();
    Some(((hours * 100.0).round() / 100.0, whole))
}

/// What a heading is for.
#[derive(Clone, Debug, PartialEq)]
enum Role {
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

const SUMMARY_WORDS: [&str; 14] = [
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
    "path to production",
];

const PRIORITY_FILLER: [&str; 14] = [
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
const PLAN_WORDS: [&str; 12] = [
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
];

/// Words of a MoSCoW heading ("MUST FIX", "SHOULD FIX (before launch)", "NICE TO HAVE").
const MOSCOW_WORDS: [&str; 12] = [
    "must", "should", "could", "won't", "wont", "fix", "have", "nice", "to", "do", "later", "now",
];

static PHASE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:week|phase|sprint|day|days|stage|milestone|iteration|month)\s*\d+")
        .unwrap_or_else(|_| never())
});

/// The plan role of a heading, if it is one: a phase ("Week 1", "Phase 2: …"), a MoSCoW group,
/// or a whole plan.
fn plan_role(text: &str, name_full: &str, lower: &str) -> Option<Role> {
    let effort = || effort_in(text).map(|(h, _)| h);
    if PHASE.is_match(name_full) {
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

fn classify(text: &str) -> Role {
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

/// Text without bold markers but with its emoji (for leading status markers).
fn plain_keep_marks(text: &str) -> String {
    text.replace("**", "").replace("__", "")
}

/// A category name: no priority words in capitals, no score, no trailing punctuation.
fn clean_name(text: &str) -> String {
    let t = SCORE.replace_all(text, " ");
    let t = t.replace("Score:", " ").replace("score:", " ");
    clean_title(&t, MAX_CATEGORY)
}

/// An item title: no priority words in capitals or BLOCKING, no trailing punctuation.
fn clean_title(text: &str, max: usize) -> String {
    let t = UPPER_PRIORITY.replace_all(text, " ");
    let t = BLOCKING.replace_all(&t, " ");
    let t = EMPTY_PARENS.replace_all(&t, " ");
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate(
        t.trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—' | '|' | ',')
        }),
        max,
    )
}

// ---------------------------------------------------------------------------------------------
// The walk

struct Open {
    level: u8,
    role: Role,
    index: usize,
    /// The heading's words without numbering or parentheses ("Critical Issues").
    label: String,
    /// The heading as plain text ("Week 2 (3 days)"), for a plan item's note.
    text: String,
    line: usize,
}

/// Named headings around a point of the document: (heading index, level, name).
type Names = Vec<(usize, u8, String)>;

/// An item before it is placed: where it sits decides its category.
struct Pending {
    item: ItemDoc,
    line: usize,
    /// Named headings around it: (heading index, level, name).
    names: Vec<(usize, u8, String)>,
    /// Where it goes when no named heading holds it.
    fallback: String,
}

/// An item of a plan or priority matrix, before it is compared with the checklist.
struct PlanItem {
    item: ItemDoc,
    line: usize,
    /// The phase it sits in ("Week 2 (3 days)").
    phase: String,
    /// Its own priority marker, else its phase's.
    priority: Option<Priority>,
    /// Its own effort, else its phase's.
    effort: Option<f64>,
}

/// Words that say nothing about which task a title is ("Add", "the", "not").
const NOT_CONTENT: [&str; 36] = [
    "a",
    "an",
    "the",
    "to",
    "of",
    "in",
    "on",
    "for",
    "and",
    "or",
    "with",
    "is",
    "are",
    "be",
    "no",
    "not",
    "add",
    "make",
    "fix",
    "close",
    "write",
    "set",
    "up",
    "ensure",
    "implement",
    "create",
    "enable",
    "configure",
    "do",
    "all",
    "any",
    "from",
    "at",
    "by",
    "into",
    "it",
];

/// A title's content words, lower-case, a plural's "s" dropped.
fn content_words(title: &str) -> HashSet<String> {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !NOT_CONTENT.contains(w))
        .map(|w| {
            w.strip_suffix('s')
                .filter(|stem| stem.len() > 2)
                .unwrap_or(w)
                .to_owned()
        })
        .collect()
}

/// Whether two titles name the same task: at least two content words shared, and at least
/// three quarters of the shorter title's ("Make the index rebuild resumable" and "Index rebuild
/// is not resumable").
fn same_task(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    let shared = a.intersection(b).count();
    shared >= 2 && shared * 4 >= 3 * a.len().min(b.len())
}

/// A priority section's name for the gaps under it: its words, in sentence case when written
/// in capitals ("CRITICAL GAPS (Must Fix)" → "Critical gaps").
fn priority_label(text: &str) -> String {
    let words = plain(&PARENS.replace_all(&NUMBERING.replace(&plain(text), ""), " "));
    let words =
        words.trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '-' | '–' | '—'));
    if words.chars().any(char::is_lowercase) {
        return truncate(words, MAX_CATEGORY);
    }
    let lower = words.to_lowercase();
    let mut chars = lower.chars();
    let sentence: String = chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    truncate(&sentence, MAX_CATEGORY)
}

/// A name stating the whole document's score ("Overall Score", "Total").
fn is_overall(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.contains("overall") || lower.contains("total")
}

/// The category named `name`, made (at the end) when the document has none by that name yet.
fn category_at(
    doc: &mut Document,
    positions: &mut HashMap<String, usize>,
    titles: &mut Vec<HashSet<String>>,
    name: &str,
) -> Result<usize, String> {
    let key = name_key(name);
    if let Some(at) = positions.get(&key) {
        return Ok(*at);
    }
    if doc.categories.len() == MAX_IMPORT_CATEGORIES {
        return Err(too_many("categories", MAX_IMPORT_CATEGORIES));
    }
    doc.categories.push(CategoryDoc::new(name.to_owned()));
    titles.push(HashSet::new());
    positions.insert(key, doc.categories.len() - 1);
    Ok(doc.categories.len() - 1)
}

/// Line numbers for a warning: the first ten, then how many more.
fn lines_list(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(10).map(usize::to_string).collect();
    let more = lines.len().saturating_sub(10);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Parses a Markdown readiness document. `Err` only when nothing at all was recognised.
pub fn parse(text: &str) -> Result<Parsed, String> {
    let blocks = blocks(text);
    if text.trim_start().starts_with(report::MARK) {
        return parse_report(&blocks);
    }
    let headings: Vec<(u8, &str)> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level, text, .. } => Some((*level, text.as_str())),
            _ => None,
        })
        .collect();
    let h1s = headings.iter().filter(|(l, _)| *l == 1).count();
    let title_is_first = matches!(headings.first(), Some((1, _))) && h1s == 1 && headings.len() > 1;

    let mut warnings = Vec::new();
    let mut title: Option<String> = None;
    let mut stack: Vec<Open> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    // Summary sections whose bullets were skipped: (heading, its line, bullets).
    let mut skipped: Vec<(String, usize, usize)> = Vec::new();
    let mut category_scores: Vec<(Names, String, i32)> = Vec::new();
    let mut table_scores: Vec<(String, i32)> = Vec::new();
    let mut risks: Vec<RiskDoc> = Vec::new();
    let mut document_score = None;
    // Headings that hold an item somewhere below them.
    let mut holds_items: HashMap<usize, bool> = HashMap::new();
    // Gap candidates: (heading index, priority, item, names, fallback).
    let mut gap_candidates: Vec<(usize, Pending)> = Vec::new();
    let mut last_paragraphs: HashMap<usize, Vec<String>> = HashMap::new();
    let mut heading_index = 0usize;
    let mut first_heading = true;
    // Headings that carry a score: each is a category, whatever is under it. (index, line, name)
    let mut scored: Vec<(usize, usize, String)> = Vec::new();
    let mut plan_items: Vec<PlanItem> = Vec::new();
    // Bullets that are no item (no checkbox, no marker, no section that makes them one).
    let mut unplaced: Vec<usize> = Vec::new();

    for block in &blocks {
        match block {
            Block::Heading { level, text, line } => {
                let level = *level;
                while stack.last().is_some_and(|o| o.level >= level) {
                    stack.pop();
                }
                let role = if first_heading && title_is_first {
                    title = Some(clean_name(&plain(text)));
                    Role::Title
                } else {
                    classify(text)
                };
                first_heading = false;
                let index = heading_index;
                heading_index += 1;
                let in_summary = stack.iter().any(|o| o.role == Role::Summary);
                let in_plan = stack.iter().any(|o| matches!(o.role, Role::Plan { .. }));
                if let Role::Name {
                    score: Some(s),
                    name,
                    ..
                } = &role
                {
                    if is_overall(name) {
                        document_score.get_or_insert(*s);
                    } else if !in_summary && !in_plan {
                        let mut names = names_of(&stack);
                        names.push((index, level, name.clone()));
                        category_scores.push((names, name.clone(), *s));
                        scored.push((index, *line, name.clone()));
                    }
                }
                // A named heading under a priority section (or marked ❌) is a gap unless
                // items turn up below it.
                if let Role::Name {
                    name,
                    priority,
                    marker,
                    score,
                } = &role
                {
                    let under_priority = stack.iter().any(|o| matches!(o.role, Role::Priority(_)))
                        && !stack.iter().any(|o| matches!(o.role, Role::Name { .. }));
                    let effort = effort_in(text);
                    let title = match &effort {
                        Some((_, whole)) => clean_name(
                            &NUMBERING.replace(&plain(&text.replace(whole.as_str(), " ")), ""),
                        ),
                        None => name.clone(),
                    };
                    // A heading that is nothing but an effort names no gap.
                    if !in_summary
                        && !in_plan
                        && score.is_none()
                        && (under_priority || *marker == Some(Status::Open))
                        && !title.trim().is_empty()
                    {
                        let mut item = ItemDoc::new(truncate(&title, MAX_TITLE));
                        item.status = marker.unwrap_or(Status::Open);
                        item.priority = priority
                            .or_else(|| enclosing_priority(&stack))
                            .unwrap_or(Priority::Medium);
                        item.effort_hours = effort.map(|(h, _)| h);
                        if BLOCKING.is_match(text) {
                            item.blocking = Some(true);
                        }
                        gap_candidates.push((
                            index,
                            Pending {
                                item,
                                line: *line,
                                names: names_of(&stack),
                                fallback: fallback_of(&stack),
                            },
                        ));
                    }
                }
                let label = if matches!(role, Role::Priority(_)) {
                    priority_label(text)
                } else {
                    clean_name(&PARENS.replace_all(&NUMBERING.replace(&plain(text), ""), " "))
                };
                stack.push(Open {
                    level,
                    role,
                    index,
                    label,
                    text: plain(text),
                    line: *line,
                });
            }
            Block::Para { text } => {
                if let Some(top) = stack.last() {
                    let paras = last_paragraphs.entry(top.index).or_default();
                    let para = plain_keep_marks(text).trim().to_owned();
                    // Labels such as "Recommendation:" introduce code or lists, say nothing.
                    if paras.len() < 3 && !para.ends_with(':') {
                        paras.push(para);
                    }
                }
                let lower = text.to_lowercase();
                if (lower.contains("score") || lower.contains("rating"))
                    && let Some(s) = score_in(text)
                {
                    if lower.contains("overall") || lower.contains("total") || stack.is_empty() {
                        document_score.get_or_insert(s);
                    } else if !stack
                        .iter()
                        .any(|o| matches!(o.role, Role::Summary | Role::Plan { .. }))
                    {
                        let names = names_of(&stack);
                        if let Some((index, _, name)) = names.last() {
                            category_scores.push((names.clone(), name.clone(), s));
                            // "## Security" then "**Score: 3/10**": as if the heading said so.
                            if !scored.iter().any(|(i, _, _)| i == index)
                                && let Some(o) = stack.iter().find(|o| o.index == *index)
                            {
                                scored.push((*index, o.line, name.clone()));
                            }
                        }
                    }
                }
            }
            Block::Item {
                checked,
                text,
                line,
            } => {
                if let Some(section) = stack.iter().find(|o| o.role == Role::Summary) {
                    match skipped.iter_mut().find(|(_, at, _)| *at == section.index) {
                        Some((_, _, n)) => *n += 1,
                        None => {
                            skipped.push((heading_text(&blocks, section.index), section.index, 1))
                        }
                    }
                    continue;
                }
                let marked = lead_status(NUMBERING.replace(text.trim(), "").as_ref());
                // In a plan (no named heading inside it), every bullet is a task of the plan.
                let plan = stack
                    .iter()
                    .rev()
                    .find(|o| matches!(o.role, Role::Plan { .. } | Role::Name { .. }))
                    .filter(|o| matches!(o.role, Role::Plan { .. }));
                if let Some(phase) = plan {
                    let status = match checked {
                        Some(true) => Status::Done,
                        Some(false) => status_words(text).unwrap_or(Status::Open),
                        None => marked.unwrap_or(Status::Open),
                    };
                    let Some(item) = item_of(text, status) else {
                        continue;
                    };
                    let (mut priority, mut effort) = (priority_marker(text), item.effort_hours);
                    for o in stack.iter().rev() {
                        if let Role::Plan {
                            priority: p,
                            effort: e,
                        } = o.role
                        {
                            priority = priority.or(p);
                            effort = effort.or(e);
                        }
                    }
                    plan_items.push(PlanItem {
                        item,
                        line: *line,
                        phase: phase.text.clone(),
                        priority,
                        effort,
                    });
                    continue;
                }
                let bullets = stack.iter().rev().find_map(|o| match o.role {
                    Role::Generic { bullets } => Some(bullets),
                    Role::Name { .. }
                    | Role::Priority(_)
                    | Role::Summary
                    | Role::Title
                    | Role::Plan { .. } => None,
                });
                let status = match checked {
                    Some(true) => Some(Status::Done),
                    Some(false) => Some(status_words(text).unwrap_or(Status::Open)),
                    None => marked.or(bullets.flatten()),
                };
                let Some(status) = status else {
                    unplaced.push(*line);
                    continue;
                };
                let Some(mut item) = item_of(text, status) else {
                    continue;
                };
                if *checked == Some(false) {
                    strip_status_note(&mut item);
                }
                if priority_marker(text).is_none() {
                    item.priority = enclosing_priority(&stack).unwrap_or(Priority::Medium);
                }
                for o in &stack {
                    holds_items.insert(o.index, true);
                }
                pending.push(Pending {
                    item,
                    line: *line,
                    names: names_of(&stack),
                    fallback: fallback_of(&stack),
                });
            }
            Block::Table { header, rows, line } => {
                read_table(
                    header,
                    rows,
                    *line,
                    &mut table_scores,
                    &mut risks,
                    &mut document_score,
                    &mut warnings,
                );
            }
        }
    }

    // Gap headings that hold no items become items, described by their first paragraphs.
    for (index, mut gap) in gap_candidates {
        if holds_items.get(&index).copied().unwrap_or(false) {
            continue;
        }
        if let Some(paras) = last_paragraphs.get(&index) {
            gap.item.description = truncate(&paras.join("\n\n"), 2000);
        }
        pending.push(gap);
    }
    pending.sort_by_key(|p| p.line);

    // The level whose named headings most often directly hold items carries the structure.
    let mut per_level: HashMap<u8, HashSet<usize>> = HashMap::new();
    for p in &pending {
        if let Some((index, level, _)) = p.names.last() {
            per_level.entry(*level).or_default().insert(*index);
        }
    }
    let category_level = per_level
        .iter()
        .max_by_key(|(level, set)| (set.len(), std::cmp::Reverse(**level)))
        .map(|(level, _)| *level);

    let mut doc = Document::new(title.clone().unwrap_or_default());
    // An item's category: the innermost heading with a score around it, else its named heading
    // at the structure's level, else its nearest named heading, else its section.
    let scored_at: HashSet<usize> = scored.iter().map(|(index, _, _)| *index).collect();
    let place = |names: &[(usize, u8, String)], fallback: &str| -> String {
        names
            .iter()
            .rev()
            .find(|(index, _, _)| scored_at.contains(index))
            .or_else(|| {
                names
                    .iter()
                    .find(|(_, level, _)| Some(*level) == category_level)
            })
            .or_else(|| names.last())
            .map_or_else(|| fallback.to_owned(), |(_, _, n)| n.clone())
    };
    let mut duplicates = 0usize;
    let mut placed = 0usize;
    // Category by name and the titles each holds, so placing n items stays linear.
    let mut positions: HashMap<String, usize> = HashMap::new();
    let mut titles: Vec<HashSet<String>> = Vec::new();
    // Scored headings become categories where they stand, items or not.
    let mut scored_left = scored.iter().peekable();
    for p in pending {
        while let Some((_, _, name)) = scored_left.next_if(|(_, at, _)| *at < p.line) {
            category_at(&mut doc, &mut positions, &mut titles, name)?;
        }
        let category = place(&p.names, &p.fallback);
        let at = category_at(&mut doc, &mut positions, &mut titles, &category)?;
        let cat = &mut doc.categories[at];
        if !titles[at].insert(name_key(&p.item.title)) {
            duplicates += 1;
            if duplicates <= 5 {
                warnings.push(format!(
                    "Line {}: “{}” repeats an item of “{}”; kept the first.",
                    p.line, p.item.title, cat.name
                ));
            }
            continue;
        }
        placed += 1;
        if placed > MAX_IMPORT_ITEMS {
            return Err(too_many("items", MAX_IMPORT_ITEMS));
        }
        cat.items.push(p.item);
    }
    for (_, _, name) in scored_left {
        category_at(&mut doc, &mut positions, &mut titles, name)?;
    }
    if duplicates > 5 {
        warnings.push(format!(
            "{} more repeated items were left out.",
            duplicates - 5
        ));
    }

    // A plan restates the checklist: a task already there is not added again; the rest go to
    // the category they name ("Payments: …"), else to "Plan", noting their phase.
    let mut known: Vec<HashSet<String>> = doc
        .categories
        .iter()
        .flat_map(|c| c.items.iter().map(|i| content_words(&i.title)))
        .collect();
    let mut restated: Vec<usize> = Vec::new();
    for p in plan_items {
        let mut item = p.item;
        let key = name_key(&item.title);
        let words = content_words(&item.title);
        if titles.iter().any(|t| t.contains(&key)) || known.iter().any(|k| same_task(&words, k)) {
            restated.push(p.line);
            continue;
        }
        let named = item.title.split_once(':').and_then(|(head, rest)| {
            let rest = rest.trim();
            (!rest.is_empty())
                .then(|| {
                    positions
                        .get(&name_key(head))
                        .map(|at| (*at, rest.to_owned()))
                })
                .flatten()
        });
        let at = match named {
            Some((at, rest)) => {
                item.title = rest;
                at
            }
            None => category_at(&mut doc, &mut positions, &mut titles, "Plan")?,
        };
        item.priority = p.priority.unwrap_or(Priority::Medium);
        item.effort_hours = p.effort;
        let note = format!("Plan: {}", p.phase);
        item.description = if item.description.is_empty() {
            note
        } else {
            format!("{note}\n\n{}", item.description)
        };
        if !titles[at].insert(name_key(&item.title)) {
            restated.push(p.line);
            continue;
        }
        placed += 1;
        if placed > MAX_IMPORT_ITEMS {
            return Err(too_many("items", MAX_IMPORT_ITEMS));
        }
        known.push(content_words(&item.title));
        doc.categories[at].items.push(item);
    }
    if !restated.is_empty() {
        warnings.push(format!(
            "Lines {}: {} plan item{} restate{} the checklist and {} not added again.",
            lines_list(&restated),
            restated.len(),
            if restated.len() == 1 { "" } else { "s" },
            if restated.len() == 1 { "s" } else { "" },
            if restated.len() == 1 { "was" } else { "were" },
        ));
    }

    // Scores stated in a category's heading or text, then score tables.
    for (names, name, score) in category_scores {
        let category = place(&names, &name);
        if let Some(at) = positions.get(&name_key(&category)) {
            doc.categories[*at].assessor_score.get_or_insert(score);
        }
    }
    for (name, score) in table_scores {
        let key = name_key(&name);
        let at = match positions
            .get(&key)
            .copied()
            .or_else(|| find_category(&doc.categories, &name))
        {
            Some(at) => at,
            None => category_at(&mut doc, &mut positions, &mut titles, &name)?,
        };
        doc.categories[at].assessor_score = Some(score);
    }
    if risks.len() > MAX_IMPORT_RISKS {
        return Err(too_many("risks", MAX_IMPORT_RISKS));
    }
    for mut r in risks {
        if let Some(i) = find_category(&doc.categories, &r.title) {
            r.category = Some(doc.categories[i].name.clone());
        }
        doc.risks.push(r);
    }

    for (section, index, n) in &skipped {
        let line = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { line, .. } => Some(*line),
                _ => None,
            })
            .nth(*index)
            .unwrap_or_default();
        warnings.push(format!(
            "Line {line}: skipped {n} bullet{} in “{section}”: a summary repeats the checklist.",
            if *n == 1 { "" } else { "s" }
        ));
    }
    if !unplaced.is_empty() {
        warnings.push(format!(
            "Lines {}: {} bullet{} with no checkbox and no ✅ ❌ ⚠️ marker, outside a list of \
             gaps or strengths, {} not read as items.",
            lines_list(&unplaced),
            unplaced.len(),
            if unplaced.len() == 1 { "" } else { "s" },
            if unplaced.len() == 1 { "was" } else { "were" },
        ));
    }
    if doc.categories.is_empty() && doc.risks.is_empty() {
        return Err(
            "No checklist items (- [ ] / - [x]), status bullets (❌ ✅ ⚠️), scores or risk \
             tables were found in this document."
                .into(),
        );
    }
    if doc.project.name.is_empty() {
        doc.project.name = "Imported project".into();
    }
    Ok(Parsed {
        doc,
        warnings,
        document_score,
    })
}

fn heading_text(blocks: &[Block], index: usize) -> String {
    blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(text),
            _ => None,
        })
        .nth(index)
        .map(|t| clean_name(&NUMBERING.replace(&plain(t), "")))
        .unwrap_or_default()
}

fn names_of(stack: &[Open]) -> Vec<(usize, u8, String)> {
    stack
        .iter()
        .filter_map(|o| match &o.role {
            Role::Name { name, .. } => Some((o.index, o.level, name.clone())),
            _ => None,
        })
        .collect()
}

/// The section an item sits in when no named heading holds it: the nearest priority or
/// generic heading's words ("Critical Issues"), else "General".
fn fallback_of(stack: &[Open]) -> String {
    stack
        .iter()
        .rev()
        .find(|o| matches!(o.role, Role::Priority(_) | Role::Generic { .. }) && !o.label.is_empty())
        .map(|o| o.label.clone())
        .unwrap_or_else(|| "General".to_owned())
}

fn enclosing_priority(stack: &[Open]) -> Option<Priority> {
    stack.iter().rev().find_map(|o| match &o.role {
        Role::Priority(p) => Some(*p),
        Role::Name { priority, .. } => *priority,
        _ => None,
    })
}

static STATUS_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:in progress|wip|n/a|not applicable)\)\s*[-–—:]?\s*")
        .unwrap_or_else(|_| never())
});

/// Takes the status note out of a checkbox item's title: "Data retention (N/A) — no personal
/// data" is "Data retention", not applicable because "no personal data".
fn strip_status_note(item: &mut ItemDoc) {
    let Some(m) = STATUS_NOTE.find(&item.title) else {
        return;
    };
    let before = item.title[..m.start()].trim().to_owned();
    let after = item.title[m.end()..].trim().to_owned();
    if before.is_empty() {
        return;
    }
    if !after.is_empty() {
        if item.status == Status::NotApplicable && item.status_reason.is_empty() {
            item.status_reason = after;
        } else if item.description.is_empty() {
            item.description = after;
        }
    }
    item.title = before;
}

/// "in progress", "WIP" or "N/A" in an unticked checkbox's text.
fn status_words(text: &str) -> Option<Status> {
    let lower = text.to_lowercase();
    if lower.contains("(in progress)") || lower.contains("wip") || text.contains('🚧') {
        Some(Status::InProgress)
    } else if lower.contains("(n/a)") || lower.contains("not applicable") {
        Some(Status::NotApplicable)
    } else {
        None
    }
}

/// An item from a bullet's text: title (the bold lead, else the text), description (what
/// follows the lead), inline priority (medium when none), BLOCKING, effort.
fn item_of(text: &str, status: Status) -> Option<ItemDoc> {
    let marked = priority_marker(text);
    let blocking = BLOCKING.is_match(text);
    let effort = effort_in(text);
    let mut t = NUMBERING.replace(text.trim(), "").to_string();
    if let Some((_, whole)) = &effort {
        t = t.replace(whole.as_str(), " ");
    }
    let t = t.trim_start_matches(|c: char| is_decoration(c) || c.is_whitespace());
    let (title, description) = match t.strip_prefix("**").and_then(|r| r.split_once("**")) {
        Some((lead, rest)) => {
            let rest = rest.trim().trim_start_matches(['-', '–', '—', ':']).trim();
            (lead.to_owned(), plain(rest))
        }
        None => (t.to_owned(), String::new()),
    };
    let title = clean_title(&plain(&title), MAX_TITLE);
    let title = title.trim_end_matches(['.', ':']).trim().to_owned();
    if title.is_empty() {
        return None;
    }
    let mut item = ItemDoc::new(title);
    item.status = status;
    item.description = description;
    item.priority = marked.unwrap_or(Priority::Medium);
    if blocking {
        item.blocking = Some(true);
    }
    item.effort_hours = effort.map(|(h, _)| h);
    Some(item)
}

/// Index of the category this table row's name means: the same name, else the one category
/// whose name starts with it (or it with the category's) at a word boundary.
fn find_category(categories: &[CategoryDoc], name: &str) -> Option<usize> {
    let key = name_key(name);
    if let Some(i) = categories.iter().position(|c| name_key(&c.name) == key) {
        return Some(i);
    }
    let prefix = |a: &str, b: &str| a.starts_with(b) && a[b.len()..].starts_with([' ', '&', '/']);
    let candidates: Vec<usize> = categories
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            let k = name_key(&c.name);
            prefix(&k, &key) || prefix(&key, &k)
        })
        .map(|(i, _)| i)
        .collect();
    match candidates.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

fn level_in(text: &str) -> Option<Level> {
    let lower = plain(text).to_lowercase();
    ["critical", "high", "medium", "low"]
        .iter()
        .find(|w| {
            lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|x| x == **w)
        })
        .and_then(|w| Level::parse(w))
}

/// A step of the default 5-step scale from a likelihood or impact word ("Medium" → 3).
fn step_in(text: &str) -> Option<i32> {
    let t = plain(text).to_lowercase();
    let t = t.trim();
    Some(match t {
        _ if t.starts_with("very low") || t.starts_with("rare") || t.starts_with("negligible") => 1,
        _ if t.starts_with("very high")
            || t.starts_with("critical")
            || t.starts_with("almost certain")
            || t.starts_with("severe") =>
        {
            5
        }
        _ if t.starts_with("low") || t.starts_with("unlikely") || t.starts_with("minor") => 2,
        _ if t.starts_with("medium") || t.starts_with("moderate") || t.starts_with("possible") => 3,
        _ if t.starts_with("high") || t.starts_with("likely") || t.starts_with("major") => 4,
        _ => return None,
    })
}

/// A cell of the default 5 × 5 matrix at this level.
fn cell_of(level: Level) -> (i32, i32) {
    match level {
        Level::Low => (1, 2),
        Level::Medium => (2, 3),
        Level::High => (3, 4),
        Level::Critical => (4, 5),
    }
}

#[allow(clippy::too_many_arguments)]
fn read_table(
    header: &[String],
    rows: &[Vec<String>],
    line: usize,
    scores: &mut Vec<(String, i32)>,
    risks: &mut Vec<RiskDoc>,
    document_score: &mut Option<i32>,
    warnings: &mut Vec<String>,
) {
    let head: Vec<String> = header.iter().map(|h| plain(h).to_lowercase()).collect();
    let find = |word: &str| head.iter().position(|h| h.contains(word));
    let current = find("current");
    let has_risk = head.iter().any(|h| h.contains("risk"));
    if let (Some(current), true) = (current, has_risk) {
        let target = find("target");
        let previous = find("previous");
        let likelihood = find("likelihood").or_else(|| find("probability"));
        let impact = find("impact").or_else(|| find("severity"));
        let names_risks = head.first().is_some_and(|h| h.contains("risk"));
        for row in rows {
            let Some(name) = row.first().map(|n| clean_name(&plain(n))) else {
                continue;
            };
            let Some(now) = row.get(current).and_then(|c| level_in(c)) else {
                continue;
            };
            if name.is_empty() {
                continue;
            }
            let goal = target
                .and_then(|t| row.get(t))
                .and_then(|c| level_in(c))
                .unwrap_or(now);
            // Likelihood and impact columns, when the table has them, else the current level's
            // cell on the default matrix.
            let (l, i) = match (
                likelihood.and_then(|c| row.get(c)).and_then(|c| step_in(c)),
                impact.and_then(|c| row.get(c)).and_then(|c| step_in(c)),
            ) {
                (Some(l), Some(i)) => (l, i),
                _ => cell_of(now),
            };
            let (tl, ti) = cell_of(goal);
            let whole = row.join(" ").to_lowercase();
            let mut description = String::from("Imported from the document's risk table");
            if let Some(prev) = previous.and_then(|p| row.get(p)).and_then(|c| level_in(c)) {
                description.push_str(&format!(
                    "; previous level: {}",
                    prev.label().to_lowercase()
                ));
            }
            description.push('.');
            risks.push(RiskDoc {
                // Rows name a risk ("Risk" column), or an area whose risk it is.
                title: if names_risks {
                    truncate(&name, MAX_TITLE)
                } else {
                    truncate(&format!("{name} risk"), MAX_TITLE)
                },
                description,
                category: None,
                owner: None,
                status: if whole.contains("complete") || whole.contains('✓') {
                    RiskStatus::Closed
                } else {
                    RiskStatus::Open
                },
                likelihood: l,
                impact: i,
                target_likelihood: tl,
                target_impact: ti,
                items: Vec::new(),
            });
        }
        return;
    }
    let score_col = head
        .iter()
        .position(|h| h.contains("score") || h.contains("rating") || h.contains("grade"));
    let Some(score_col) = score_col else {
        warnings.push(format!(
            "Line {line}: a table without a score or risk column was skipped."
        ));
        return;
    };
    let name_col = usize::from(score_col == 0);
    for row in rows {
        let (Some(name), Some(cell)) = (row.get(name_col), row.get(score_col)) else {
            continue;
        };
        let name = clean_name(&NUMBERING.replace(&plain(name), ""));
        let Some(score) = score_in(cell) else {
            continue;
        };
        let lower = name.to_lowercase();
        if lower.contains("overall") || lower.contains("total") {
            document_score.get_or_insert(score);
        } else if !name.is_empty() {
            scores.push((name, score));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Preflight's own Markdown reports

/// Reads a Markdown report Preflight wrote (`report::markdown`): the H1 is the project, every
/// H3 under "## Checklist" a category, its first paragraph the weight and assessor score, and
/// every task-list item an item with its facts after the title. Everything else in the report
/// is derived from these and is not read.
fn parse_report(blocks: &[Block]) -> Result<Parsed, String> {
    let mut doc = Document::new(String::new());
    let mut warnings = Vec::new();
    let mut in_checklist = false;
    let mut facts_read = false;
    for block in blocks {
        match block {
            Block::Heading { level: 1, text, .. } if doc.project.name.is_empty() => {
                doc.project.name = truncate(text.trim(), MAX_TITLE);
            }
            Block::Heading { level, text, .. } if *level <= 2 => {
                in_checklist = *level == 2 && text.trim() == report::CHECKLIST;
            }
            Block::Heading { level: 3, text, .. } if in_checklist => {
                doc.categories
                    .push(CategoryDoc::new(truncate(text.trim(), MAX_CATEGORY)));
                facts_read = false;
            }
            Block::Para { text } if in_checklist && !facts_read => {
                if let Some(c) = doc.categories.last_mut() {
                    facts_read = true;
                    for fact in text.split(report::SEP).map(str::trim) {
                        if let Some(w) = fact.strip_prefix("Weight ") {
                            c.weight = w.trim().parse().unwrap_or(1);
                        } else if let Some(a) = fact.strip_prefix("assessor ") {
                            c.assessor_score = a.trim_end_matches("/100").trim().parse().ok();
                        }
                    }
                }
            }
            Block::Item {
                checked: Some(checked),
                text,
                line,
            } if in_checklist => {
                let Some(c) = doc.categories.last_mut() else {
                    continue;
                };
                match report_item(text, *checked) {
                    Some(item) => c.items.push(item),
                    None => {
                        warnings.push(format!("Line {line}: an item without a title was skipped."))
                    }
                }
            }
            _ => {}
        }
    }
    if doc.categories.is_empty() {
        return Err("This Preflight report has no checklist section.".into());
    }
    if doc.project.name.is_empty() {
        doc.project.name = "Imported project".into();
    }
    Ok(Parsed {
        doc,
        warnings,
        document_score: None,
    })
}

/// `**Title** — high · blocking · in progress · owner Ann · due 2026-12-01 · effort 4 h ·
/// reason: …` as an item.
fn report_item(text: &str, checked: bool) -> Option<ItemDoc> {
    let rest = text.trim().strip_prefix("**")?;
    let (title, facts) = rest
        .rsplit_once("** — ")
        .or_else(|| rest.strip_suffix("**").map(|t| (t, "")))?;
    let title = title.trim();
    if title.is_empty() {
        return None;
    }
    let mut item = ItemDoc::new(truncate(title, MAX_TITLE));
    item.status = if checked { Status::Done } else { Status::Open };
    let (facts, reason) = match facts.split_once("reason: ") {
        Some((f, r)) => (f, r.trim()),
        None => (facts, ""),
    };
    item.status_reason = reason.to_owned();
    for fact in facts.split(report::SEP).map(str::trim) {
        if let Some(p) = Priority::parse(fact) {
            item.priority = p;
        } else if fact == "blocking" {
            item.blocking = Some(true);
        } else if fact == "not blocking" {
            item.blocking = Some(false);
        } else if fact == "in progress" {
            item.status = Status::InProgress;
        } else if fact == "not applicable" {
            item.status = Status::NotApplicable;
        } else if let Some(until) = fact.strip_prefix("accepted risk") {
            item.status = Status::AcceptedRisk;
            item.accepted_until = until
                .trim()
                .strip_prefix("until ")
                .and_then(|d| d.trim().parse().ok());
        } else if let Some(due) = fact.strip_prefix("due ") {
            item.due_date = due.split_whitespace().next().and_then(|d| d.parse().ok());
        } else if let Some(h) = fact.strip_prefix("effort ") {
            item.effort_hours = h.trim_end_matches(" h").trim().parse().ok();
        }
    }
    Some(item)
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
