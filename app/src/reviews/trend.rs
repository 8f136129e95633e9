//! The score trend across final reviews as a server-rendered SVG line chart (no JavaScript),
//! with a text description for screen readers.

use leptos::prelude::*;

use super::model::TrendPoint;

const W: f64 = 640.0;
const H: f64 = 220.0;
const LEFT: f64 = 36.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

fn x(n: usize, count: usize) -> f64 {
    if count <= 1 {
        LEFT + (W - LEFT - RIGHT) / 2.0
    } else {
        LEFT + (W - LEFT - RIGHT) * n as f64 / (count - 1) as f64
    }
}

fn y(score: u8) -> f64 {
    TOP + (H - TOP - BOTTOM) * (1.0 - f64::from(score) / 100.0)
}

/// Polyline points of a series, skipping reviews without a score.
fn points(values: &[Option<u8>]) -> String {
    values
        .iter()
        .enumerate()
        .filter_map(|(n, v)| v.map(|v| format!("{:.1},{:.1}", x(n, values.len()), y(v))))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The chart: overall as a thick line with its values, each category as a thin one.
#[component]
pub fn TrendChart(points_in: Vec<TrendPoint>) -> impl IntoView {
    let count = points_in.len();
    let overall: Vec<Option<u8>> = points_in.iter().map(|p| p.overall).collect();
    let description = format!(
        "Overall score by review: {}.",
        points_in
            .iter()
            .map(|p| format!(
                "{} {}",
                p.label,
                p.overall.map_or("none".to_owned(), |o| o.to_string())
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let names: Vec<String> = points_in
        .first()
        .map(|p| p.categories.iter().map(|(n, _)| n.clone()).collect())
        .unwrap_or_default();
    let categories = names
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let values: Vec<Option<u8>> = points_in
                .iter()
                .map(|p| p.categories.get(c).and_then(|(_, v)| *v))
                .collect();
            view! {
                <polyline class=format!("trend-cat trend-cat-{}", c % 6) points=points(&values)>
                    <title>{name.clone()}</title>
                </polyline>
            }
        })
        .collect_view();
    let grid = [0u8, 25, 50, 75, 100]
        .into_iter()
        .map(|g| {
            view! {
                <line class="trend-grid" x1=LEFT x2=W - RIGHT y1=y(g) y2=y(g) />
                <text class="trend-axis" x=LEFT - 6.0 y=y(g) + 4.0 text-anchor="end">
                    {g}
                </text>
            }
        })
        .collect_view();
    let labels = points_in
        .iter()
        .enumerate()
        .map(|(n, p)| {
            let dot = p.overall.map(|o| {
                view! {
                    <circle class="trend-dot" cx=x(n, count) cy=y(o) r="4" />
                    <text class="trend-value" x=x(n, count) y=y(o) - 8.0 text-anchor="middle">
                        {o}
                    </text>
                }
            });
            view! {
                {dot}
                <text class="trend-axis" x=x(n, count) y=H - 14.0 text-anchor="middle">
                    {p.label.clone()}
                </text>
            }
        })
        .collect_view();
    let legend = names
        .iter()
        .enumerate()
        .map(|(c, name)| {
            view! {
                <li>
                    <span class=format!("swatch trend-cat-{}", c % 6)></span>
                    {name.clone()}
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="trend">
            <svg
                viewBox=format!("0 0 {W} {H}")
                role="img"
                aria-label=description
                class="trend-chart"
            >
                {grid}
                {categories}
                <polyline class="trend-overall" points=points(&overall) />
                {labels}
            </svg>
            <figcaption>
                <ul class="trend-legend">
                    <li>
                        <span class="swatch trend-overall-swatch"></span>
                        "Overall"
                    </li>
                    {legend}
                </ul>
            </figcaption>
        </figure>
    }
}
