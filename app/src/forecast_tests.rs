use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

fn input(remaining: f64, weeks: &[f64], launch: Option<&str>) -> ForecastInput {
    ForecastInput {
        remaining_hours: remaining,
        unestimated: 0,
        weeks: weeks.to_vec(),
        capacity_hours: None,
        launch: launch.map(d),
    }
}

const TODAY: &str = "2026-02-01";

#[test]
fn no_history_gives_no_date_and_says_so() {
    let f = forecast(&input(42.0, &[], Some("2026-03-01")), d(TODAY));
    assert_eq!(f.date, None);
    assert_eq!(f.no_date, Some(NoDate::NoHistory));
    assert_eq!(f.pace_hours, None);
    assert_eq!(f.outlook, Some(Outlook::AtRisk));
    assert_eq!(
        f.reason,
        "42 h of blocking work left; less than a week of history, so no date yet."
    );
}

#[test]
fn a_steady_pace_dates_the_work_and_the_range_is_one_day() {
    // 42 h at 12 h a week: 24.5 days, rounded up to 25.
    let f = forecast(&input(42.0, &[12.0; 4], None), d(TODAY));
    assert_eq!(f.pace_hours, Some(12.0));
    assert_eq!(f.date, Some(d("2026-02-26")));
    assert_eq!(f.earliest, f.date);
    assert_eq!(f.latest, f.date);
    assert_eq!(f.outlook, None, "no launch date, no outlook");
    assert_eq!(
        f.reason,
        "42 h of blocking work left, closing 12 h a week: ready around 2026-02-26."
    );
}

#[test]
fn a_stalled_pace_gives_no_date() {
    let f = forecast(&input(10.0, &[0.0, 0.0], Some("2026-03-01")), d(TODAY));
    assert_eq!(f.no_date, Some(NoDate::Stalled));
    assert_eq!(f.date, None);
    assert_eq!(f.outlook, Some(Outlook::AtRisk));
    assert_eq!(
        f.reason,
        "10 h of blocking work left, and nothing closed in the last 2 weeks: no date at this pace."
    );
}

#[test]
fn the_range_runs_from_the_fastest_to_the_slowest_week() {
    // Mean 10: 28 days; fastest 20: 14 days; slowest 4: 70 days.
    let f = forecast(&input(40.0, &[20.0, 4.0, 6.0, 10.0], None), d(TODAY));
    assert_eq!(f.pace_hours, Some(10.0));
    assert_eq!(f.date, Some(d("2026-03-01")));
    assert_eq!(f.earliest, Some(d("2026-02-15")));
    assert_eq!(f.latest, Some(d("2026-04-12")));
    // A week that closed nothing leaves the range open-ended.
    let f = forecast(&input(40.0, &[20.0, 0.0], None), d(TODAY));
    assert_eq!(f.date, Some(d("2026-03-01")));
    assert_eq!(f.latest, None);
}

#[test]
fn capacity_is_a_second_estimate() {
    let mut i = input(30.0, &[], None);
    i.capacity_hours = Some(20.0);
    let f = forecast(&i, d(TODAY));
    // 10.5 days, rounded up.
    assert_eq!(f.capacity_date, Some(d("2026-02-12")));
    assert_eq!(f.date, None, "capacity is not the observed pace");
    i.capacity_hours = Some(0.0);
    assert_eq!(forecast(&i, d(TODAY)).capacity_date, None);
}

#[test]
fn on_track_at_risk_and_late_at_their_boundaries() {
    // Point 2026-03-01, range 2026-02-15 .. 2026-04-12.
    let weeks = [20.0, 4.0, 6.0, 10.0];
    let at = |launch: &str| forecast(&input(40.0, &weeks, Some(launch)), d(TODAY));
    assert_eq!(
        at("2026-04-12").outlook,
        Some(Outlook::OnTrack),
        "slow end on the day"
    );
    assert_eq!(at("2026-04-11").outlook, Some(Outlook::AtRisk));
    assert_eq!(
        at("2026-03-01").outlook,
        Some(Outlook::AtRisk),
        "point on the day"
    );
    assert_eq!(at("2026-03-01").days_past_launch, Some(0));
    let late = at("2026-02-28");
    assert_eq!(late.outlook, Some(Outlook::Late));
    assert_eq!(late.days_past_launch, Some(1));
    assert_eq!(
        late.reason,
        "40 h of blocking work left, closing 10 h a week: ready around 2026-03-01, 1 day after the launch date."
    );
    // A launch date already past with work left is late whatever the pace.
    assert_eq!(
        forecast(&input(1.0, &[], Some("2026-01-31")), d(TODAY)).outlook,
        Some(Outlook::Late)
    );
    // Nothing left: ready today, on track even past the launch date.
    let done = forecast(&input(0.0, &[], Some("2026-01-31")), d(TODAY));
    assert_eq!(done.date, Some(d(TODAY)));
    assert_eq!(done.outlook, Some(Outlook::OnTrack));
    assert_eq!(done.reason, "No blocking work left: ready now.");
}

#[test]
fn unestimated_blocking_items_are_work_left_and_said() {
    let mut i = input(0.0, &[5.0], Some("2026-03-01"));
    i.unestimated = 2;
    let f = forecast(&i, d(TODAY));
    assert_eq!(f.date, Some(d(TODAY)), "0 h at any pace");
    assert!(
        f.reason
            .starts_with("0 h of blocking work left (and 2 blocking items without an estimate)"),
        "{}",
        f.reason
    );
}

#[test]
fn further_than_the_horizon_is_not_dated() {
    let f = forecast(&input(10_000.0, &[1.0], None), d(TODAY));
    assert_eq!(f.no_date, Some(NoDate::TooFar));
    assert_eq!(f.date, None);
}

#[test]
fn weeks_end_today_and_start_after_the_project() {
    let today = d("2026-02-28");
    let c = |day: &str, hours: f64| Closing { day: d(day), hours };
    let closings = [
        c("2026-02-28", 3.0),
        c("2026-02-22", 2.0),  // first day of week 0
        c("2026-02-21", 5.0),  // last day of week 1
        c("2026-02-20", -8.0), // a reopen: week 1 is 5 - 8, floored at 0
        c("2026-02-10", 4.0),  // week 2
    ];
    // Started on 2026-02-08: weeks 0..2 lie after it (week 2 starts 2026-02-08), week 3 not.
    assert_eq!(
        weekly_closed(&closings, d("2026-02-08"), today),
        vec![5.0, 0.0, 4.0]
    );
    assert_eq!(
        weekly_closed(&closings, d("2026-02-23"), today),
        Vec::<f64>::new()
    );
}

#[test]
fn the_burndown_walks_back_from_now_through_the_changes() {
    let s = |open: bool, blocking: bool, hours: f64| ItemState {
        open,
        blocking,
        hours,
    };
    // Item 1 (blocking, 8 h) closed on the 3rd; item 2 (4 h) created on the 2nd, still open;
    // item 3 imported on the 2nd (no change recorded), 2 h open; item 4 (1 h) deleted on the
    // 3rd, open before.
    let now = [
        (1, d("2026-01-01"), s(false, true, 8.0)),
        (2, d("2026-01-02"), s(true, false, 4.0)),
        (3, d("2026-01-02"), s(true, false, 2.0)),
    ];
    let changes = [
        // A status change names only the status (as a check's does).
        Change {
            item: 1,
            day: d("2026-01-03"),
            before: Some(Before {
                open: Some(true),
                ..Before::default()
            }),
        },
        Change {
            item: 2,
            day: d("2026-01-02"),
            before: None,
        },
        Change {
            item: 4,
            day: d("2026-01-03"),
            before: Some(Before::all(s(true, false, 1.0))),
        },
    ];
    let days = burndown(&now, &changes, d("2026-01-01"), d("2026-01-03"));
    let got: Vec<(f64, f64)> = days
        .iter()
        .map(|b| (b.open_hours, b.blocking_hours))
        .collect();
    assert_eq!(got, vec![(9.0, 8.0), (15.0, 8.0), (6.0, 0.0)]);
    assert_eq!(days[0].day, d("2026-01-01"));
}

#[test]
fn changes_on_one_day_are_undone_latest_first() {
    let s = |open: bool| ItemState {
        open,
        blocking: true,
        hours: 3.0,
    };
    let before = |open: bool| {
        Some(Before {
            open: Some(open),
            ..Before::default()
        })
    };
    // Closed (not applicable) on the 1st. On the 2nd, oldest first: reopened, started,
    // done. The 1st ends closed whatever order the day's changes are stored in.
    let changes = [
        Change {
            item: 1,
            day: d("2026-01-02"),
            before: before(false),
        },
        Change {
            item: 1,
            day: d("2026-01-02"),
            before: before(true),
        },
        Change {
            item: 1,
            day: d("2026-01-02"),
            before: before(true),
        },
    ];
    let days = burndown(
        &[(1, d("2026-01-01"), s(false))],
        &changes,
        d("2026-01-01"),
        d("2026-01-02"),
    );
    assert_eq!(
        days[0].open_hours, 0.0,
        "the day's oldest change is undone last"
    );
    assert_eq!(days[1].open_hours, 0.0);
}

fn work(target: Option<&str>, hours: f64, items: usize) -> PhaseWork {
    PhaseWork {
        target: target.map(d),
        open_hours: hours,
        open_items: items,
    }
}

#[test]
fn a_phase_is_overdue_only_past_its_date_with_work_open() {
    let today = d(TODAY);
    let loads = phase_load(
        &[
            work(Some("2026-01-31"), 4.0, 1),
            work(Some("2026-01-31"), 0.0, 0),
            work(Some("2026-02-01"), 4.0, 1),
            work(None, 4.0, 1),
        ],
        None,
        today,
    );
    let overdue: Vec<bool> = loads.iter().map(|l| l.overdue).collect();
    assert_eq!(overdue, [true, false, false, false]);
    // Without a capacity nothing is over it.
    assert!(
        loads
            .iter()
            .all(|l| l.available_hours.is_none() && !l.over_capacity)
    );
}

#[test]
fn phase_load_counts_the_phases_before_and_compares_with_capacity() {
    let today = d(TODAY);
    // 10 h a week: 14 days give 20 h, 28 days 40 h.
    let loads = phase_load(
        &[
            work(Some("2026-02-15"), 20.0, 3),
            work(Some("2026-03-01"), 20.5, 2),
            work(None, 100.0, 9),
        ],
        Some(10.0),
        today,
    );
    assert_eq!(loads[0].cumulative_hours, 20.0);
    assert_eq!(loads[0].available_hours, Some(20.0));
    assert!(!loads[0].over_capacity, "exactly the capacity fits");
    assert_eq!(loads[1].cumulative_hours, 40.5);
    assert_eq!(loads[1].available_hours, Some(40.0));
    assert!(loads[1].over_capacity);
    assert_eq!(loads[2].cumulative_hours, 140.5);
    assert!(loads[2].available_hours.is_none() && !loads[2].over_capacity);
    // A passed date leaves no hours: any open work is over capacity.
    let late = phase_load(&[work(Some("2026-01-20"), 1.0, 1)], Some(10.0), today);
    assert_eq!(late[0].available_hours, Some(0.0));
    assert!(late[0].over_capacity && late[0].overdue);
}

proptest! {
    #[test]
    fn more_closed_effort_never_moves_the_forecast_later(
        remaining in 0.0f64..500.0,
        weeks in proptest::collection::vec(0.0f64..60.0, 1..=4),
        which in 0usize..4,
        more in 0.0f64..40.0,
    ) {
        let today = d(TODAY);
        let before = forecast(&input(remaining, &weeks, None), today);
        let mut faster = weeks.clone();
        let i = which % faster.len();
        faster[i] += more;
        let after = forecast(&input(remaining, &faster, None), today);
        if let (Some(b), Some(a)) = (before.date, after.date) {
            prop_assert!(a <= b);
        }
        // A date, once there, is not lost by closing more.
        prop_assert!(before.date.is_none() || after.date.is_some());
        // Less left is never later either.
        let less = forecast(&input(remaining / 2.0, &weeks, None), today);
        if let (Some(b), Some(l)) = (before.date, less.date) {
            prop_assert!(l <= b);
        }
    }

    #[test]
    fn the_range_contains_the_point_estimate(
        remaining in 0.1f64..500.0,
        weeks in proptest::collection::vec(0.0f64..60.0, 1..=4),
    ) {
        let f = forecast(&input(remaining, &weeks, None), d(TODAY));
        if let Some(date) = f.date {
            prop_assert!(f.earliest.is_some_and(|e| e <= date));
            if let Some(latest) = f.latest {
                prop_assert!(date <= latest);
            }
        }
    }
}
