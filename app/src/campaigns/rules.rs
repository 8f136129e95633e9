//! The campaign rules, pure: reading the items written in place, a project's progress, the
//! idle rule, the order of the progress table and the burn-up.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::scoring::{Priority, Status};

/// The most items a campaign has.
pub const MAX_ITEMS: usize = 100;
/// Days without a change to an open campaign item after which a project is idle.
pub const IDLE_DAYS: i64 = 14;

/// An item written in place: `[high] Rotate the database password` (priority optional,
/// default high; `!` after it makes it blocking, as critical ones are by default).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenItem {
    pub title: String,
    pub priority: Priority,
    pub blocking: bool,
}

/// Reads one item per line (blank lines and list bullets skipped). `Err` names the first bad
/// line.
pub fn parse_items(text: &str) -> Result<Vec<WrittenItem>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line
            .trim()
            .trim_start_matches(['-', '*'])
            .trim_start_matches("[ ]")
            .trim();
        if line.is_empty() {
            continue;
        }
        let (priority, blocking, title) =
            match line.strip_prefix('[').and_then(|r| r.split_once(']')) {
                Some((word, rest)) => {
                    let (word, bang) = match word.trim().strip_suffix('!') {
                        Some(w) => (w, true),
                        None => (word.trim(), false),
                    };
                    let p = Priority::parse(&word.to_lowercase()).ok_or_else(|| {
                        format!(
                            "Line {}: “{word}” is not a priority (critical, high, medium or low).",
                            n + 1
                        )
                    })?;
                    (p, bang || p == Priority::Critical, rest.trim())
                }
                None => (Priority::High, false, line),
            };
        if title.is_empty() {
            return Err(format!("Line {}: the item has no title.", n + 1));
        }
        if title.chars().count() > crate::limits::MAX_TITLE {
            return Err(format!(
                "Line {}: titles are at most 200 characters.",
                n + 1
            ));
        }
        out.push(WrittenItem {
            title: title.to_owned(),
            priority,
            blocking,
        });
    }
    if out.is_empty() {
        return Err("Write at least one item, one per line.".into());
    }
    if out.len() > MAX_ITEMS {
        return Err(format!("A campaign has at most {MAX_ITEMS} items."));
    }
    Ok(out)
}

/// A project's campaign items counted: done, exception (accepted risk or not applicable, as
/// they count today), open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub done: u32,
    pub exception: u32,
    pub open: u32,
}

impl Tally {
    /// Counts one item by its status as it counts today.
    pub fn add(&mut self, effective: Status) {
        match effective {
            Status::Done => self.done += 1,
            Status::AcceptedRisk | Status::NotApplicable => self.exception += 1,
            Status::Open | Status::InProgress => self.open += 1,
        }
    }

    /// All of them.
    pub fn total(&self) -> u32 {
        self.done + self.exception + self.open
    }

    /// Percent closed, rounded down (100 only when nothing is open); 0 with no items.
    pub fn percent(&self) -> u8 {
        (100 * (self.done + self.exception))
            .checked_div(self.total())
            .map_or(0, |p| u8::try_from(p).unwrap_or(100))
    }
}

/// Idle: something still open and no change to any of its campaign items for [`IDLE_DAYS`].
pub fn is_idle(tally: &Tally, last_activity: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    tally.open > 0 && last_activity.is_none_or(|t| now - t > Duration::days(IDLE_DAYS))
}

/// The burn-up from `start` to `end` (at most a year, ending at `end`): for each day, how many
/// of the items were closed by its end, and how many there were. `items` are each item's
/// `(added, closed)`: when it came into a project and, if it is closed now, when it closed.
pub fn burn_up(
    items: &[(NaiveDate, Option<NaiveDate>)],
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<(NaiveDate, u32, u32)> {
    let start = start.max(end - Duration::days(365));
    let mut out = Vec::new();
    let mut day = start;
    while day <= end {
        let total = items.iter().filter(|(added, _)| *added <= day).count();
        let closed = items
            .iter()
            .filter(|(added, closed)| *added <= day && closed.is_some_and(|c| c <= day))
            .count();
        out.push((
            day,
            u32::try_from(closed).unwrap_or(u32::MAX),
            u32::try_from(total).unwrap_or(u32::MAX),
        ));
        day += Duration::days(1);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn items_are_read_one_per_line_with_an_optional_priority() {
        let items = parse_items(
            "- [critical] Rotate the database password\n\n[low] Write it down\nTag the owner\n* [high!] Alert on expiry\n",
        )
        .unwrap();
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].priority, Priority::Critical);
        assert!(items[0].blocking, "critical blocks by default");
        assert_eq!(items[1].title, "Write it down");
        assert_eq!(
            (items[2].priority, items[2].blocking),
            (Priority::High, false)
        );
        assert_eq!(
            (items[3].priority, items[3].blocking),
            (Priority::High, true)
        );
        assert!(
            parse_items("[urgent] Something")
                .unwrap_err()
                .contains("Line 1")
        );
        assert!(parse_items("   \n").is_err());
        assert!(parse_items(&"x\n".repeat(MAX_ITEMS + 1)).is_err());
        assert!(parse_items(&format!("[low] {}", "a".repeat(201))).is_err());
    }

    #[test]
    fn progress_counts_exceptions_apart_and_rounds_down() {
        let mut t = Tally::default();
        for s in [Status::Done, Status::AcceptedRisk, Status::Open] {
            t.add(s);
        }
        assert_eq!((t.done, t.exception, t.open, t.total()), (1, 1, 1, 3));
        assert_eq!(t.percent(), 66, "two of three, rounded down");
        assert_eq!(Tally::default().percent(), 0);
    }

    #[test]
    fn a_project_is_idle_after_fourteen_days_without_a_change_while_open() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let open = Tally {
            open: 1,
            ..Tally::default()
        };
        assert!(!is_idle(&open, Some(now - Duration::days(14)), now));
        assert!(is_idle(&open, Some(now - Duration::days(15)), now));
        assert!(is_idle(&open, None, now));
        let done = Tally {
            done: 2,
            ..Tally::default()
        };
        assert!(!is_idle(&done, Some(now - Duration::days(90)), now));
    }

    #[test]
    fn the_burn_up_counts_items_closed_by_each_day() {
        let d = |n: i64| NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + Duration::days(n);
        let items = [(d(0), Some(d(1))), (d(0), None), (d(2), Some(d(2)))];
        let b = burn_up(&items, d(0), d(3));
        assert_eq!(
            b.iter().map(|(_, c, t)| (*c, *t)).collect::<Vec<_>>(),
            vec![(0, 2), (1, 2), (2, 3), (2, 3)]
        );
        // At most a year back.
        assert_eq!(burn_up(&[], d(0), d(800)).len(), 366);
    }
}
