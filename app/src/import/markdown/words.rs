//! The words and marks the importer reads in a line: status marks, priorities, scores, efforts, and the clean-up of titles and names.

use super::*;

pub(super) static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:step|phase|part|section)\s+)?\d+(?:\.\d+)*[.):]?\s+")
        .unwrap_or_else(|_| never())
});

pub(super) static EMPTY_PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(\s*[:\-–—]?\s*\)").unwrap_or_else(|_| never()));

pub(super) static TRAILING_PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\([^()]*\)\s*$").unwrap_or_else(|_| never()));

pub(super) static PARENS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\([^()]*\)").unwrap_or_else(|_| never()));

pub(super) static SCORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{1,3}(?:\.\d+)?)\s*(?:/\s*(100|10|5)\b|(%))").unwrap_or_else(|_| never())
});

pub(super) static EFFORT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(\s*(?:~|est\.?\s*|effort:?\s*)?(?:\d+(?:\.\d+)?\s*[-–—]\s*)?(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|days?|d|minutes?|mins?|weeks?|w)\s*\)")
        .unwrap_or_else(|_| never())
});

pub(super) static UPPER_PRIORITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(CRITICAL|BLOCKER|HIGH|MEDIUM|LOW|P0|P1|P2|P3)\b(?:\s+PRIORITY)?")
        .unwrap_or_else(|_| never())
});

pub(super) static BLOCKING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bBLOCKING\b").unwrap_or_else(|_| never()));

/// The patterns above are literals checked by the unit tests; this is never reached.
pub(super) fn never() -> Regex {
    Regex::new("$^").unwrap_or_else(|_| unreachable!())
}

/// Emoji, pictographs, variation selectors and other symbols that are decoration, not words.
pub(super) fn is_decoration(c: char) -> bool {
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
pub(super) fn plain(text: &str) -> String {
    let t: String = text
        .replace("**", "")
        .replace("__", "")
        .chars()
        .map(|c| if is_decoration(c) { ' ' } else { c })
        .collect();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub(super) const STATUS_DONE: [char; 4] = ['✅', '✔', '☑', '✓'];

pub(super) const STATUS_OPEN: [char; 5] = ['❌', '✗', '✘', '⛔', '🚫'];

pub(super) const STATUS_WARN: [char; 2] = ['⚠', '🚧'];

/// The status a leading marker gives a bullet (after any numbering).
pub(super) fn lead_status(text: &str) -> Option<Status> {
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
pub(super) fn priority_marker(text: &str) -> Option<Priority> {
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
pub(super) fn score_in(text: &str) -> Option<i32> {
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
pub(super) fn effort_in(text: &str) -> Option<(f64, String)> {
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

/// Text without bold markers but with its emoji (for leading status markers).
pub(super) fn plain_keep_marks(text: &str) -> String {
    text.replace("**", "").replace("__", "")
}

/// A category name: no priority words in capitals, no score, no trailing punctuation.
pub(super) fn clean_name(text: &str) -> String {
    let t = SCORE.replace_all(text, " ");
    let t = t.replace("Score:", " ").replace("score:", " ");
    clean_title(&t, MAX_CATEGORY)
}

/// An item title: no priority words in capitals or BLOCKING, no trailing punctuation.
pub(super) fn clean_title(text: &str, max: usize) -> String {
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

/// Words that say nothing about which task a title is ("Add", "the", "not").
pub(super) const NOT_CONTENT: [&str; 36] = [
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
pub(super) fn content_words(title: &str) -> HashSet<String> {
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
pub(super) fn same_task(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    let shared = a.intersection(b).count();
    shared >= 2 && shared * 4 >= 3 * a.len().min(b.len())
}

/// A priority section's name for the gaps under it: its words, in sentence case when written
/// in capitals ("CRITICAL GAPS (Must Fix)" → "Critical gaps").
pub(super) fn priority_label(text: &str) -> String {
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
pub(super) fn is_overall(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.contains("overall") || lower.contains("total")
}

/// Line numbers for a warning: the first ten, then how many more.
pub(super) fn lines_list(lines: &[usize]) -> String {
    let shown: Vec<String> = lines.iter().take(10).map(usize::to_string).collect();
    let more = lines.len().saturating_sub(10);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

pub(super) static STATUS_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*\((?:in progress|wip|n/a|not applicable)\)\s*[-–—:]?\s*")
        .unwrap_or_else(|_| never())
});

/// Takes the status note out of a checkbox item's title: "Data retention (N/A) — no personal
/// data" is "Data retention", not applicable because "no personal data".
pub(super) fn strip_status_note(item: &mut ItemDoc) {
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
pub(super) fn status_words(text: &str) -> Option<Status> {
    let lower = text.to_lowercase();
    if lower.contains("(in progress)") || lower.contains("wip") || text.contains('🚧') {
        Some(Status::InProgress)
    } else if lower.contains("(n/a)") || lower.contains("not applicable") {
        Some(Status::NotApplicable)
    } else {
        None
    }
}

/// Content words stemmed further, for matching a plan line with checklist items ("Configure
/// CORS properly" and "CORS properly configured", "error handler" and "error handling").
pub(super) fn plan_words(text: &str) -> HashSet<String> {
    content_words(text)
        .into_iter()
        .map(|w| {
            for suffix in ["ation", "ing", "ed", "er", "e"] {
                if let Some(stem) = w.strip_suffix(suffix)
                    && stem.chars().count() >= 4
                {
                    return stem.to_owned();
                }
            }
            w
        })
        .collect()
}

pub(super) static DAY_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:day|days|week|weeks|step|phase)\s*[\d\s\-–+&]*:\s*")
        .unwrap_or_else(|_| never())
});

/// The checklist items a plan line names, from `catalog` (category, index, [`plan_words`]):
/// each part of the line (split at commas, semicolons and parentheses, after a "Day 1-2:"
/// label) names the items whose words hold all of its words, or the same task. Returns each
/// item named with the share of its words the naming part covers, and the parts that named
/// nothing (only when another part named something).
pub(super) fn named_items(
    line: &str,
    catalog: &[(usize, usize, HashSet<String>)],
) -> (Vec<(usize, usize, f64)>, Vec<String>) {
    let line = DAY_LABEL.replace(line, "");
    let mut named: Vec<(usize, usize, f64)> = Vec::new();
    let mut missing = Vec::new();
    for (head, inner) in line_parts(&line) {
        // "Documentation (API docs, deployment guide)": the parts in parentheses say what,
        // the part before them only when they name nothing.
        let mut hit = false;
        for part in &inner {
            hit |= name_part(part, catalog, &mut named, &mut missing);
        }
        if !hit {
            if !inner.is_empty() {
                missing.truncate(missing.len().saturating_sub(inner.len()));
            }
            name_part(&head, catalog, &mut named, &mut missing);
        }
    }
    if named.is_empty() {
        missing.clear();
    }
    (named, missing)
}

/// Words that say how long, not what.
const TIME_WORDS: [&str; 9] = [
    "hour", "hours", "h", "minute", "minutes", "min", "day", "week", "~",
];

/// Adds the items `part` names to `named` (or it to `missing`); whether it named any.
fn name_part(
    part: &str,
    catalog: &[(usize, usize, HashSet<String>)],
    named: &mut Vec<(usize, usize, f64)>,
    missing: &mut Vec<String>,
) -> bool {
    let mut words = plan_words(part);
    words.retain(|w| {
        !w.chars().all(|c| c.is_ascii_digit() || c == '.') && !TIME_WORDS.contains(&w.as_str())
    });
    if words.is_empty() {
        return false;
    }
    let mut hit = false;
    for (c, i, item) in catalog {
        if words.is_subset(item) || same_task(&words, item) {
            hit = true;
            let share = words.intersection(item).count() as f64 / item.len().max(1) as f64;
            match named.iter_mut().find(|(nc, ni, _)| nc == c && ni == i) {
                Some(n) => n.2 = n.2.max(share),
                None => named.push((*c, *i, share)),
            }
        }
    }
    if !hit {
        missing.push(part.trim().to_owned());
    }
    hit
}

/// A line's parts at commas and semicolons outside parentheses, each with the parts of its
/// parentheses: "Docs (API, guide), CORS" → [("Docs", ["API", "guide"]), ("CORS", [])].
fn line_parts(line: &str) -> Vec<(String, Vec<String>)> {
    let mut parts = Vec::new();
    let (mut head, mut inner, mut current) = (String::new(), Vec::new(), String::new());
    let mut depth = 0usize;
    for ch in line.chars() {
        match ch {
            '(' => {
                if depth == 0 {
                    head.push_str(&current);
                    current.clear();
                } else {
                    current.push(ch);
                }
                depth += 1;
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    inner.extend(current.split([',', ';']).map(|p| p.trim().to_owned()));
                    current.clear();
                } else {
                    current.push(ch);
                }
            }
            ',' | ';' if depth == 0 => {
                head.push_str(&current);
                parts.push((head.trim().to_owned(), std::mem::take(&mut inner)));
                head.clear();
                current.clear();
            }
            _ => current.push(ch),
        }
    }
    head.push_str(&current);
    parts.push((head.trim().to_owned(), inner));
    parts.retain(|(h, i)| !h.is_empty() || !i.is_empty());
    parts
}

/// A phase's name and goal from its heading: "Week 1: Critical Security & Reliability" →
/// ("Week 1", "Critical Security & Reliability"), "Phase 1 - Error Tracking (Week 1)" →
/// ("Phase 1", "Error Tracking (Week 1)"); other headings are the name whole.
pub(super) fn phase_name(heading: &str) -> (String, String) {
    let text = plain(heading);
    let mut text = text.trim().trim_end_matches(':').trim().to_owned();
    // "Week 2 (3 days)": how long is no part of the name.
    if let Some(m) = TRAILING_PARENS.find(&text)
        && effort_in(m.as_str()).is_some()
    {
        text = text[..m.start()].trim().to_owned();
    }
    let text = text.as_str();
    for sep in [": ", " - ", " – ", " — "] {
        if let Some((head, rest)) = text.split_once(sep) {
            let (head, rest) = (head.trim(), rest.trim());
            if !head.is_empty() && !rest.is_empty() && head.chars().count() <= 40 {
                return (truncate(head, 120), rest.to_owned());
            }
        }
    }
    (truncate(text, 120), String::new())
}

static READY_WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)production[- ]ready\W+(?:(?:in|within)\s+)?(?:~|about\s+|around\s+)?(\d{1,4})(?:\s*(?:-|–|—|to)\s*(\d{1,4}))?\s*(day|week|month)s?\b",
    )
    .unwrap_or_else(|_| never())
});

/// "production-ready within 30 days", "Estimated time to production-ready: 2-3 weeks": the
/// days it says (the longer end of a range), at most ten years.
pub(super) fn ready_within_days(text: &str) -> Option<u32> {
    let plain = plain(text);
    let caps = READY_WITHIN.captures(&plain)?;
    let low: u32 = caps.get(1)?.as_str().parse().ok()?;
    let high: u32 = caps
        .get(2)
        .and_then(|m| m.as_str().parse().ok())
        .unwrap_or(low)
        .max(low);
    let per = match caps.get(3)?.as_str().to_lowercase().as_str() {
        "week" => 7,
        "month" => 30,
        _ => 1,
    };
    Some((high * per).clamp(1, 3650))
}
