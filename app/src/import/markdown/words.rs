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
