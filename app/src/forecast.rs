//! The path to ready: the team's pace, the forecast of the ready date and the burn-down, exactly
//! as `docs/design.md` ("Forecast") states them. Pure like [`crate::scoring`]: plain values in,
//! plain values out, so the server, the report and the tests agree.
//!
//! - **Pace**: effort closed per week over the last [`PACE_WEEKS`] weeks — the 7-day periods
//!   ending today, yesterday a week ago, … — counting only weeks that lie wholly after the
//!   project started. A week's closed effort is the effort of items a person or a check moved
//!   from open or in progress to done in it, less the effort of done items reopened in it (never
//!   below 0). Imports, not-applicable and accepted risks are not work done and do not count.
//! - **Forecast**: with no blocking work left, ready today. Without a whole week of history,
//!   no date ("not enough history"). With a pace of 0, no date ("stalled"). Otherwise the point
//!   estimate is today + ⌈remaining ÷ pace × 7⌉ days, and the range runs from the same sum at the
//!   fastest week's pace to the one at the slowest week's pace (open-ended when a week closed
//!   nothing). With a capacity (hours a week) set, a second estimate is today + ⌈remaining ÷
//!   capacity × 7⌉ days.
//! - **Phases** ([`phase_load`]): a phase is overdue when its target date has passed with
//!   items open; it is over capacity when the open hours of it and the phases before it exceed
//!   capacity × (days from today to its target ÷ 7).
//! - **Status** against the launch date (none without one): on track with no blocking work
//!   left; late when the launch date has passed with blocking work left, or the point estimate
//!   is after it; on track when the whole range (its slow end) is on or before it; otherwise at
//!   risk — also when there is no date (stalled, too little history, too far).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// Weeks the pace looks back over.
pub const PACE_WEEKS: usize = 4;
/// Estimates further out than this many days are not dated ("more than ten years").
pub const HORIZON_DAYS: u64 = 3650;

/// How the forecast stands against the launch date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outlook {
    /// Even at the slowest recent week's pace the work is done by the launch date.
    OnTrack,
    /// Done by the launch date at the usual pace, not at the slowest; or no pace to tell.
    AtRisk,
    /// Not done by the launch date at the usual pace, or the launch date has passed.
    Late,
}

impl Outlook {
    /// `on_track`, `at_risk`, `late` (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            Outlook::OnTrack => "on_track",
            Outlook::AtRisk => "at_risk",
            Outlook::Late => "late",
        }
    }

    /// "on track", "at risk", "late".
    pub fn label(self) -> &'static str {
        match self {
            Outlook::OnTrack => "on track",
            Outlook::AtRisk => "at risk",
            Outlook::Late => "late",
        }
    }
}

/// Why there is no date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoDate {
    /// The project is younger than a week.
    NoHistory,
    /// Nothing was closed in the weeks looked at.
    Stalled,
    /// Further out than [`HORIZON_DAYS`].
    TooFar,
}

/// What the forecast needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForecastInput {
    /// Effort of open blocking items (hours), as the score counts it.
    pub remaining_hours: f64,
    /// Open blocking items without an estimate (counted as 0 hours, and said).
    pub unestimated: usize,
    /// Effort closed in each whole week of history, the most recent first (at most
    /// [`PACE_WEEKS`]; see [`weekly_closed`]).
    pub weeks: Vec<f64>,
    /// The team's capacity, hours a week, if set.
    pub capacity_hours: Option<f64>,
    /// The target launch date, if set.
    pub launch: Option<NaiveDate>,
}

/// The forecast of the ready date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Forecast {
    /// Hours of blocking work left.
    pub remaining_hours: f64,
    /// Open blocking items without an estimate.
    pub unestimated: usize,
    /// Hours closed a week (the mean of the weeks looked at), when there is history.
    pub pace_hours: Option<f64>,
    /// Weeks the pace is taken over (0: no history).
    pub weeks: usize,
    /// The point estimate at the usual pace.
    pub date: Option<NaiveDate>,
    /// At the fastest week's pace.
    pub earliest: Option<NaiveDate>,
    /// At the slowest week's pace (`None` with a date: open-ended, a week closed nothing).
    pub latest: Option<NaiveDate>,
    /// Why there is no date.
    pub no_date: Option<NoDate>,
    /// At the team's capacity, when set.
    pub capacity_date: Option<NaiveDate>,
    /// Against the launch date, when there is one.
    pub outlook: Option<Outlook>,
    /// Days the point estimate falls after (positive) or before (negative) the launch date.
    pub days_past_launch: Option<i64>,
    /// One sentence: the figures and the conclusion.
    pub reason: String,
}

/// `today` plus the days `hours` take at `per_week` hours a week (rounded up), or `None` past
/// the horizon or without a pace.
pub fn finish_date(today: NaiveDate, hours: f64, per_week: f64) -> Option<NaiveDate> {
    if per_week <= 0.0 || !per_week.is_finite() || !hours.is_finite() {
        return None;
    }
    let days = (hours.max(0.0) / per_week * 7.0).ceil();
    if days > HORIZON_DAYS as f64 {
        return None;
    }
    // In range: 0..=HORIZON_DAYS.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    today.checked_add_days(Days::new(days as u64))
}

/// The forecast on `today`.
pub fn forecast(input: &ForecastInput, today: NaiveDate) -> Forecast {
    let remaining = input.remaining_hours.max(0.0);
    let weeks: Vec<f64> = input
        .weeks
        .iter()
        .take(PACE_WEEKS)
        .map(|w| w.max(0.0))
        .collect();
    let pace = (!weeks.is_empty()).then(|| weeks.iter().sum::<f64>() / weeks.len() as f64);
    let capacity_date = input
        .capacity_hours
        .and_then(|c| finish_date(today, remaining, c));
    let mut f = Forecast {
        remaining_hours: remaining,
        unestimated: input.unestimated,
        pace_hours: pace,
        weeks: weeks.len(),
        date: None,
        earliest: None,
        latest: None,
        no_date: None,
        capacity_date,
        outlook: None,
        days_past_launch: None,
        reason: String::new(),
    };
    if remaining <= 0.0 && input.unestimated == 0 {
        f.date = Some(today);
        f.earliest = Some(today);
        f.latest = Some(today);
    } else {
        match pace {
            None => f.no_date = Some(NoDate::NoHistory),
            Some(p) if p <= 0.0 => f.no_date = Some(NoDate::Stalled),
            Some(p) => {
                f.date = finish_date(today, remaining, p);
                if f.date.is_none() {
                    f.no_date = Some(NoDate::TooFar);
                } else {
                    let fastest = weeks.iter().copied().fold(0.0, f64::max);
                    let slowest = weeks.iter().copied().fold(f64::INFINITY, f64::min);
                    f.earliest = finish_date(today, remaining, fastest);
                    f.latest = finish_date(today, remaining, slowest);
                }
            }
        }
    }
    if let Some(launch) = input.launch {
        let work_left = remaining > 0.0 || input.unestimated > 0;
        f.days_past_launch = f.date.map(|d| (d - launch).num_days());
        f.outlook = Some(match f.date {
            _ if !work_left => Outlook::OnTrack,
            _ if launch < today => Outlook::Late,
            Some(d) if d > launch => Outlook::Late,
            Some(_) if f.latest.is_some_and(|l| l <= launch) => Outlook::OnTrack,
            _ => Outlook::AtRisk,
        });
    }
    f.reason = reason(&f, input.launch);
    f
}

/// "42 h of blocking work left, closing 12 h a week: ready around 2026-03-02, 9 days after the
/// launch date."
fn reason(f: &Forecast, launch: Option<NaiveDate>) -> String {
    let mut left = format!("{} h of blocking work left", hours(f.remaining_hours));
    if f.unestimated > 0 {
        left.push_str(&format!(
            " (and {} blocking item{} without an estimate)",
            f.unestimated,
            if f.unestimated == 1 { "" } else { "s" }
        ));
    }
    if f.remaining_hours <= 0.0 && f.unestimated == 0 {
        return "No blocking work left: ready now.".to_owned();
    }
    let pace = match (f.pace_hours, f.no_date) {
        (_, Some(NoDate::NoHistory)) | (None, _) => {
            return format!("{left}; less than a week of history, so no date yet.");
        }
        (_, Some(NoDate::Stalled)) => {
            return format!(
                "{left}, and nothing closed in the last {} week{}: no date at this pace.",
                f.weeks,
                if f.weeks == 1 { "" } else { "s" }
            );
        }
        (Some(p), _) => p,
    };
    let Some(date) = f.date else {
        return format!(
            "{left}, closing {} h a week: more than ten years at this pace.",
            hours(pace)
        );
    };
    let against = match (launch, f.days_past_launch) {
        (Some(_), Some(d)) if d > 0 => format!(", {d} day{} after the launch date", plural(d)),
        (Some(_), Some(d)) if d < 0 => {
            format!(", {} day{} before the launch date", -d, plural(-d))
        }
        (Some(_), Some(_)) => ", on the launch date".to_owned(),
        _ => String::new(),
    };
    format!(
        "{left}, closing {} h a week: ready around {date}{against}.",
        hours(pace)
    )
}

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Hours as people write them: "12", "8.5".
pub fn hours(h: f64) -> String {
    let r = (h * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A change of closed effort on a day: `+hours` for a close, `-hours` for a reopen.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Closing {
    /// The day it happened.
    pub day: NaiveDate,
    /// Hours closed (negative: reopened).
    pub hours: f64,
}

/// Effort closed in each whole week of history, the most recent first: week `k` (0-based) is
/// the 7 days ending `today - 7k`; only weeks starting on or after `started` count, at most
/// [`PACE_WEEKS`]. Each week's sum is floored at 0.
pub fn weekly_closed(closings: &[Closing], started: NaiveDate, today: NaiveDate) -> Vec<f64> {
    let mut weeks = Vec::new();
    for k in 0..PACE_WEEKS as u64 {
        let (Some(end), Some(start)) = (
            today.checked_sub_days(Days::new(7 * k)),
            today.checked_sub_days(Days::new(7 * k + 6)),
        ) else {
            break;
        };
        if start < started {
            break;
        }
        let sum: f64 = closings
            .iter()
            .filter(|c| c.day >= start && c.day <= end)
            .map(|c| c.hours)
            .sum();
        weeks.push(sum.max(0.0));
    }
    weeks
}

/// What the burn-down needs of an item at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ItemState {
    /// Open or in progress.
    pub open: bool,
    /// Blocks the release while open.
    pub blocking: bool,
    /// Estimated hours (0 when not estimated).
    pub hours: f64,
}

/// What a recorded change says an item was before it: the fields it names (`None`: not
/// named, so unchanged by it).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Before {
    /// Open or in progress.
    pub open: Option<bool>,
    /// Blocking.
    pub blocking: Option<bool>,
    /// Estimated hours (`Some(0.0)` for "not estimated").
    pub hours: Option<f64>,
}

impl Before {
    /// Everything named.
    pub fn all(s: ItemState) -> Self {
        Before {
            open: Some(s.open),
            blocking: Some(s.blocking),
            hours: Some(s.hours),
        }
    }
}

/// A recorded change to an item, to undo when walking back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    /// The item.
    pub item: i32,
    /// The day it happened.
    pub day: NaiveDate,
    /// What it was before (`None`: the change created it).
    pub before: Option<Before>,
}

/// One day of the burn-down: open effort at the end of the day.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BurnDay {
    /// The day.
    pub day: NaiveDate,
    /// Hours of open work.
    pub open_hours: f64,
    /// Hours of open blocking work.
    pub blocking_hours: f64,
}

/// Open and open blocking effort at the end of each day from `from` to `today`, walked back
/// from the items' state now (`now`: id → state, with when each item came to be) through the
/// recorded `changes`, oldest first. An item with no recorded creation exists from its own
/// creation day (imports record none per item).
pub fn burndown(
    now: &[(i32, NaiveDate, ItemState)],
    changes: &[Change],
    from: NaiveDate,
    today: NaiveDate,
) -> Vec<BurnDay> {
    use std::collections::{BTreeMap, HashMap};
    // Ordered, so that the sums are the same sums every time.
    let mut state: BTreeMap<i32, ItemState> = now.iter().map(|(id, _, s)| (*id, *s)).collect();
    let born: HashMap<i32, NaiveDate> = now.iter().map(|(id, d, _)| (*id, *d)).collect();
    let mut changes: Vec<&Change> = changes.iter().filter(|c| c.day <= today).collect();
    // Newest first, so undoing walks back in time (within a day, the later change first).
    changes.reverse();
    changes.sort_by_key(|c| std::cmp::Reverse(c.day));
    let created: std::collections::HashSet<i32> = changes
        .iter()
        .filter(|c| c.before.is_none())
        .map(|c| c.item)
        .collect();
    let mut days = Vec::new();
    let mut next = 0;
    let mut day = today;
    while day >= from {
        // Undo every change made after `day`.
        while next < changes.len() && changes[next].day > day {
            let c = changes[next];
            match c.before {
                Some(b) => {
                    // A deleted item comes back whole; a changed one takes the named fields.
                    let was = state.entry(c.item).or_insert(ItemState {
                        open: false,
                        blocking: false,
                        hours: 0.0,
                    });
                    was.open = b.open.unwrap_or(was.open);
                    was.blocking = b.blocking.unwrap_or(was.blocking);
                    was.hours = b.hours.unwrap_or(was.hours);
                }
                None => {
                    state.remove(&c.item);
                }
            }
            next += 1;
        }
        let (mut open, mut blocking) = (0.0, 0.0);
        for (id, s) in &state {
            // An item whose creation was not recorded exists from the day it was made.
            if !created.contains(id) && born.get(id).is_some_and(|b| *b > day) {
                continue;
            }
            if s.open {
                open += s.hours;
                if s.blocking {
                    blocking += s.hours;
                }
            }
        }
        days.push(BurnDay {
            day,
            open_hours: open,
            blocking_hours: blocking,
        });
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    days.reverse();
    days
}

/// A phase of the plan as [`phase_load`] sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PhaseWork {
    /// Its target date, if set.
    pub target: Option<NaiveDate>,
    /// Hours of its open items (not estimated: 0).
    pub open_hours: f64,
    /// Its open items.
    pub open_items: usize,
}

/// How a phase stands against its date and the team's capacity.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhaseLoad {
    /// Its target date has passed with items still open.
    pub overdue: bool,
    /// Open hours of this phase and every phase before it in the plan.
    pub cumulative_hours: f64,
    /// Hours the team has from today to the target date at its capacity (none without both).
    pub available_hours: Option<f64>,
    /// More open work up to this phase than the capacity allows by its target date.
    pub over_capacity: bool,
}

/// The load of each phase, in plan order. Phases are worked in order, so a phase's work is
/// its own open hours plus those of the phases before it; with a capacity (hours a week) and
/// a target date, the team has capacity × (days from today to the target ÷ 7) hours for it
/// (0 once the date has passed) and is over capacity when the work is more.
pub fn phase_load(phases: &[PhaseWork], capacity: Option<f64>, today: NaiveDate) -> Vec<PhaseLoad> {
    let mut cumulative = 0.0;
    phases
        .iter()
        .map(|p| {
            cumulative += p.open_hours.max(0.0);
            let available = match (capacity.filter(|c| *c > 0.0), p.target) {
                (Some(c), Some(t)) => Some(c * (t - today).num_days().max(0) as f64 / 7.0),
                _ => None,
            };
            PhaseLoad {
                overdue: p.open_items > 0 && p.target.is_some_and(|t| t < today),
                cumulative_hours: cumulative,
                available_hours: available,
                over_capacity: available.is_some_and(|a| cumulative > a),
            }
        })
        .collect()
}

/// A project's outlook, as the portfolio and the overview show it: the forecast (without the
/// burn-down) and whether a final review is overdue.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Outlooked {
    /// The forecast of the ready date.
    pub forecast: Forecast,
    /// The day the last final review was finalized.
    pub last_review: Option<NaiveDate>,
    /// The next final review is due (with a review cadence set).
    pub review_due: Option<NaiveDate>,
    /// The due day has passed.
    pub review_overdue: bool,
}

#[cfg(test)]
#[path = "forecast_tests.rs"]
mod tests;
