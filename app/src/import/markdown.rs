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

use std::{collections::HashMap, sync::LazyLock};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use regex::Regex;

use super::{
    doc::{CategoryDoc, Document, ItemDoc, RiskDoc, name_key},
    model::{MAX_IMPORT_CATEGORIES, MAX_IMPORT_ITEMS, MAX_IMPORT_RISKS, too_many},
};
use crate::report::markdown as report;
use crate::{
    checklist::service::MAX_TITLE,
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
    Para {
        text: String,
    },
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
                } else if let Some(top) = items.last_mut()
                    && !top.text.is_empty()
                {
                    top.text.push(' ');
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = para.take() {
                    out.push(Block::Para { text });
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
static PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\([^()]*\)").unwrap_or_else(|_| never()));
static SCORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,3}(?:\.\d+)?)\s*(?:/\s*(100|10|5)\b|(%))").unwrap_or_else(|_| never())
});
static EFFORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(\s*(?:~|est\.?\s*|effort:?\s*)?(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|days?|d|minutes?|mins?|weeks?|w)\s*\)")
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
            '–' | '—' | '‘' | '’' | '“' | '”' | '…' | '«' | '»' | '€' | '£' | '°' | '×'
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

/// Effort from "(2 hours)", "(1 day)", "(30 minutes)"; days are 8 hours, weeks 40.
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
    /// A summary or plan: its bullets repeat the document.
    Summary,
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
    let name = clean_name(&name_no_number);
    if name.is_empty() {
        return Role::Generic { bullets: None };
    }
    Role::Name {
        score: score_in(&name_full),
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
    let mut skipped: Vec<(String, usize)> = Vec::new();
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
                if let Role::Name {
                    score: Some(s),
                    name,
                    ..
                } = &role
                {
                    let mut names = names_of(&stack);
                    names.push((index, level, name.clone()));
                    category_scores.push((names, name.clone(), *s));
                }
                // A named heading under a priority section (or marked ❌) is a gap unless
                // items turn up below it.
                if let Role::Name {
                    name,
                    priority,
                    marker,
                    ..
                } = &role
                {
                    let under_priority = stack.iter().any(|o| matches!(o.role, Role::Priority(_)))
                        && !stack.iter().any(|o| matches!(o.role, Role::Name { .. }));
                    let in_summary = stack.iter().any(|o| o.role == Role::Summary);
                    if !in_summary && (under_priority || *marker == Some(Status::Open)) {
                        let mut item = ItemDoc::new(truncate(name, MAX_TITLE));
                        item.status = marker.unwrap_or(Status::Open);
                        item.priority = priority
                            .or_else(|| enclosing_priority(&stack))
                            .unwrap_or(Priority::Medium);
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
                let label =
                    clean_name(&PARENS.replace_all(&NUMBERING.replace(&plain(text), ""), " "));
                stack.push(Open {
                    level,
                    role,
                    index,
                    label,
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
                    } else if !stack.iter().any(|o| o.role == Role::Summary) {
                        let names = names_of(&stack);
                        if let Some((_, _, name)) = names.last() {
                            category_scores.push((names.clone(), name.clone(), s));
                        }
                    }
                }
            }
            Block::Item {
                checked,
                text,
                line,
            } => {
                let bullets = stack.iter().rev().find_map(|o| match o.role {
                    Role::Generic { bullets } => Some(bullets),
                    Role::Name { .. } | Role::Priority(_) | Role::Summary | Role::Title => None,
                });
                let status = match checked {
                    Some(true) => Some(Status::Done),
                    Some(false) => Some(status_words(text).unwrap_or(Status::Open)),
                    None => lead_status(NUMBERING.replace(text.trim(), "").as_ref())
                        .or(bullets.flatten()),
                };
                let Some(status) = status else { continue };
                if let Some(section) = stack.iter().find(|o| o.role == Role::Summary) {
                    let name = heading_text(&blocks, section.index);
                    match skipped.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, n)) => *n += 1,
                        None => skipped.push((name, 1)),
                    }
                    continue;
                }
                let Some(mut item) = item_of(text, status) else {
                    continue;
                };
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
    let mut per_level: HashMap<u8, std::collections::HashSet<usize>> = HashMap::new();
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
    let place = |names: &[(usize, u8, String)], fallback: &str| -> String {
        names
            .iter()
            .find(|(_, level, _)| Some(*level) == category_level)
            .or_else(|| names.last())
            .map_or_else(|| fallback.to_owned(), |(_, _, n)| n.clone())
    };
    let mut duplicates = 0usize;
    let mut placed = 0usize;
    // Category by name and the titles each holds, so placing n items stays linear.
    let mut positions: HashMap<String, usize> = HashMap::new();
    let mut titles: Vec<std::collections::HashSet<String>> = Vec::new();
    for p in pending {
        let category = place(&p.names, &p.fallback);
        let key = name_key(&category);
        let at = match positions.get(&key) {
            Some(at) => *at,
            None => {
                if doc.categories.len() == MAX_IMPORT_CATEGORIES {
                    return Err(too_many("categories", MAX_IMPORT_CATEGORIES));
                }
                doc.categories.push(CategoryDoc::new(category.clone()));
                titles.push(std::collections::HashSet::new());
                positions.insert(key, doc.categories.len() - 1);
                doc.categories.len() - 1
            }
        };
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
    if duplicates > 5 {
        warnings.push(format!(
            "{} more repeated items were left out.",
            duplicates - 5
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
            None => {
                if doc.categories.len() == MAX_IMPORT_CATEGORIES {
                    return Err(too_many("categories", MAX_IMPORT_CATEGORIES));
                }
                doc.categories.push(CategoryDoc::new(name.clone()));
                positions.insert(key, doc.categories.len() - 1);
                doc.categories.len() - 1
            }
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

    for (section, n) in &skipped {
        warnings.push(format!(
            "Skipped {n} bullet{} in “{section}”: a summary repeats the checklist.",
            if *n == 1 { "" } else { "s" }
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
            let (l, i) = cell_of(now);
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
                title: truncate(&format!("{name} risk"), MAX_TITLE),
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
