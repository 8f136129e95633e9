//! The burn-down as a server-rendered SVG (no JavaScript): open and open blocking effort per
//! day, each final review as a marker, the target launch date as a line and the forecast as a
//! dashed line to zero; with the same figures as a table.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::{
    forecast::{BurnDay, Forecast, hours},
    plan::ReviewMark,
};

const W: f64 = 720.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 30.0;
/// The axis reaches this many days past today at most (for a launch or forecast date).
const AHEAD_DAYS: i64 = 180;

/// The chart's scales: days from `from` to `to` across, hours `0..=top` up.
struct Scale {
    from: NaiveDate,
    days: f64,
    top: f64,
}

impl Scale {
    fn x(&self, day: NaiveDate) -> f64 {
        let n = (day - self.from).num_days() as f64;
        LEFT + (W - LEFT - RIGHT) * (n / self.days.max(1.0)).clamp(0.0, 1.0)
    }

    fn y(&self, h: f64) -> f64 {
        TOP + (H - TOP - BOTTOM) * (1.0 - (h / self.top).clamp(0.0, 1.0))
    }

    fn shows(&self, day: NaiveDate) -> bool {
        day >= self.from && (day - self.from).num_days() as f64 <= self.days
    }
}

/// A round top for the hours axis: 1, 2 or 5 × 10ⁿ at or above `max`.
fn nice_top(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 10.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|t| *t >= max)
        .unwrap_or(10.0 * mag)
}

fn polyline(days: &[BurnDay], scale: &Scale, pick: fn(&BurnDay) -> f64) -> String {
    days.iter()
        .map(|d| format!("{:.1},{:.1}", scale.x(d.day), scale.y(pick(d))))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The days on which either figure changed, with the first and the last: the table's rows.
pub(crate) fn changed_days(days: &[BurnDay]) -> Vec<BurnDay> {
    let mut out: Vec<BurnDay> = Vec::new();
    for (n, d) in days.iter().enumerate() {
        let changed = out
            .last()
            .is_none_or(|l| l.open_hours != d.open_hours || l.blocking_hours != d.blocking_hours);
        if changed || n + 1 == days.len() {
            out.push(*d);
        }
    }
    out
}

/// The burn-down chart and its table.
#[component]
pub fn BurnDown(
    days: Vec<BurnDay>,
    reviews: Vec<ReviewMark>,
    launch: Option<NaiveDate>,
    forecast: Forecast,
    today: NaiveDate,
) -> impl IntoView {
    let Some(first) = days.first().map(|d| d.day) else {
        return view! { <p class="muted">"No history yet."</p> }.into_any();
    };
    let last = days.last().map_or(today, |d| d.day);
    let limit = today + chrono::Duration::days(AHEAD_DAYS);
    let end = [Some(last), launch, forecast.date]
        .into_iter()
        .flatten()
        .filter(|d| *d <= limit)
        .max()
        .unwrap_or(last);
    let max = days.iter().map(|d| d.open_hours).fold(0.0, f64::max);
    let scale = Scale {
        from: first,
        days: (end - first).num_days() as f64,
        top: nice_top(max),
    };
    let grid = (0..=4)
        .map(|k| {
            let h = scale.top * f64::from(k) / 4.0;
            view! {
                <line class="trend-grid" x1=LEFT x2=W - RIGHT y1=scale.y(h) y2=scale.y(h) />
                <text class="trend-axis" x=LEFT - 6.0 y=scale.y(h) + 4.0 text-anchor="end">
                    {hours(h)}
                </text>
            }
        })
        .collect_view();
    let axis = view! {
        <text class="trend-axis" x=LEFT y=H - 10.0 text-anchor="start">{first.to_string()}</text>
        <text class="trend-axis" x=W - RIGHT y=H - 10.0 text-anchor="end">{end.to_string()}</text>
    };
    let marks = reviews
        .iter()
        .filter(|r| scale.shows(r.day))
        .map(|r| {
            let x = scale.x(r.day);
            view! {
                <line class="burn-review" x1=x x2=x y1=TOP y2=H - BOTTOM>
                    <title>{format!("{} finalized {}", r.label, r.day)}</title>
                </line>
                <text class="trend-axis" x=x + 3.0 y=TOP + 10.0>{r.label.clone()}</text>
            }
        })
        .collect_view();
    let launch_line = launch.filter(|l| scale.shows(*l)).map(|l| {
        let x = scale.x(l);
        view! {
            <line class="burn-launch" x1=x x2=x y1=TOP y2=H - BOTTOM>
                <title>{format!("Target launch {l}")}</title>
            </line>
            <text class="trend-axis burn-launch-label" x=x - 3.0 y=H - BOTTOM - 4.0 text-anchor="end">
                "Launch"
            </text>
        }
    });
    let now_blocking = days.last().map_or(0.0, |d| d.blocking_hours);
    let projection = forecast
        .date
        .filter(|d| scale.shows(*d) && *d > last && now_blocking > 0.0)
        .map(|d| {
            view! {
                <line
                    class="burn-forecast"
                    x1=scale.x(last)
                    y1=scale.y(now_blocking)
                    x2=scale.x(d)
                    y2=scale.y(0.0)
                >
                    <title>{format!("Forecast: ready around {d}")}</title>
                </line>
            }
        });
    let described = format!(
        "Burn-down from {first} to {last}: open work went from {} h to {} h, open blocking work \
         from {} h to {} h.{}{}",
        hours(days.first().map_or(0.0, |d| d.open_hours)),
        hours(days.last().map_or(0.0, |d| d.open_hours)),
        hours(days.first().map_or(0.0, |d| d.blocking_hours)),
        hours(now_blocking),
        launch
            .map(|l| format!(" Target launch {l}."))
            .unwrap_or_default(),
        forecast
            .date
            .map(|d| format!(" Forecast ready around {d}."))
            .unwrap_or_default(),
    );
    view! {
        <figure class="trend burndown">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=described class="trend-chart">
                {grid}
                {axis}
                {marks}
                {launch_line}
                <polyline class="burn-open" points=polyline(&days, &scale, |d| d.open_hours) />
                <polyline class="burn-blocking" points=polyline(&days, &scale, |d| d.blocking_hours) />
                {projection}
            </svg>
            <figcaption>
                <ul class="trend-legend">
                    <li><span class="swatch burn-blocking-swatch"></span>"Open blocking work (h)"</li>
                    <li><span class="swatch burn-open-swatch"></span>"All open work (h)"</li>
                    <li><span class="swatch burn-forecast-swatch"></span>"Forecast"</li>
                    <li><span class="swatch burn-launch-swatch"></span>"Target launch"</li>
                </ul>
            </figcaption>
        </figure>
        <BurnTable days />
    }
    .into_any()
}

/// The burn-down's figures as a table: the days they changed.
#[component]
fn BurnTable(days: Vec<BurnDay>) -> impl IntoView {
    let rows = changed_days(&days)
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{d.day.to_string()}</th>
                    <td class="num">{hours(d.open_hours)}</td>
                    <td class="num">{hours(d.blocking_hours)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="burndown-table">
            <summary>"Burn-down as a table"</summary>
            <table class="table">
                <caption>"Open work at the end of each day it changed"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Day"</th>
                        <th scope="col">"Open (h)"</th>
                        <th scope="col">"Open blocking (h)"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
