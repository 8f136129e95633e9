//! The heat map: a matrix of counts as an HTML table, readable without colour (every cell says
//! its level in words) and without JavaScript. Reports reuse it as it is.

use leptos::prelude::*;

use super::{matrix::RiskMatrix, model::CellCounts};

/// One heat map. `link` gives the address a cell's count links to (none: plain text).
#[component]
pub fn HeatMap(
    /// Caption, e.g. "Current risk".
    caption: String,
    matrix: RiskMatrix,
    counts: CellCounts,
    /// Address for a cell `(likelihood, impact)`, if cells link somewhere.
    #[prop(optional, into)]
    link: Option<Callback<(i32, i32), String>>,
) -> impl IntoView {
    let (ls, is) = (
        matrix.likelihood_steps() as i32,
        matrix.impact_steps() as i32,
    );
    let count = |l: i32, i: i32| {
        counts
            .get((l - 1) as usize)
            .and_then(|r| r.get((i - 1) as usize))
            .copied()
            .unwrap_or(0)
    };
    let rows = (1..=ls)
        .rev()
        .map(|l| {
            let cells = (1..=is)
                .map(|i| {
                    let level = matrix.level(l, i);
                    let n = count(l, i);
                    let label = format!(
                        "{}: {n} risk{}, {} level",
                        matrix.cell_label(l, i),
                        if n == 1 { "" } else { "s" },
                        level.label().to_lowercase()
                    );
                    let body = view! {
                        <span class="heat-count">{n}</span>
                        <span class="heat-level">{level.label()}</span>
                    };
                    let inner = match (&link, n) {
                        (Some(link), n) if n > 0 => view! {
                            <a href=link.run((l, i)) aria-label=label.clone() title=label>
                                {body}
                            </a>
                        }
                        .into_any(),
                        _ => view! {
                            <span aria-label=label.clone() title=label>
                                {body}
                            </span>
                        }
                        .into_any(),
                    };
                    view! {
                        <td class=format!("heat level-{}", level.as_str()) class:empty=n == 0>
                            {inner}
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{matrix.likelihood[(l - 1) as usize].clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let heads = matrix
        .impact
        .iter()
        .map(|label| view! { <th scope="col">{label.clone()}</th> })
        .collect_view();
    // On a narrow screen a wide matrix scrolls in its own frame, which the keyboard can reach
    // (a 5 × 5 one fits a phone as it is; see the stylesheet).
    let label = caption.clone();
    view! {
        <div class="heatmap-frame" tabindex="0" role="group" aria-label=label>
        <table class="heatmap">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">
                        <span class="axis">"Likelihood ↓ / Impact →"</span>
                    </th>
                    {heads}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        </div>
    }
}
