//! The report as HTML: one component, used by `/p/{slug}/report`, by share links and by the
//! HTML download. It has no controls and no links into the app, so a shared copy shows
//! nothing else.

use leptos::prelude::*;

use super::model::{self, Report, ReportItem};
use crate::{
    checklist::page::VerdictBadge, risks::heatmap::HeatMap, risks::matrix::Level, scoring::Status,
};

fn level_badge(l: Option<Level>) -> AnyView {
    match l {
        Some(l) => view! { <span class=format!("badge level-{}", l.as_str())>{l.label()}</span> }
            .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

/// The whole report.
#[component]
pub fn ReportView(report: Report) -> impl IntoView {
    let r = report;
    let as_of = match &r.review {
        Some(v) => format!(
            "As of the final review “{}”{} of {}",
            v.title,
            if v.label.is_empty() {
                String::new()
            } else {
                format!(" ({})", v.label)
            },
            v.date
        ),
        None => format!("Live on {}", r.as_of),
    };
    let c = r.counts;
    let blocking: Vec<ReportItem> = r
        .items
        .iter()
        .filter(|i| i.is_blocking_gap())
        .cloned()
        .collect();
    view! {
        <article class="report" aria-labelledby="report-title">
            <header class="report-head">
                <h1 id="report-title">{r.name.clone()}</h1>
                <p class="muted">{format!("Readiness report · team {} · {as_of}", r.team)}</p>
                <p class="verdict-line report-verdict">
                    <VerdictBadge verdict=r.verdict />
                    <span class="overall">
                        "Overall " <strong class="score-num">{model::score(r.overall)}</strong>
                        "/100 (ready at " {r.threshold} ")"
                    </span>
                </p>
                <dl class="report-facts">
                    <div>
                        <dt>"Items"</dt>
                        <dd>
                            {format!(
                                "{} in all: {} open, {} in progress, {} done, {} accepted, {} not applicable",
                                c.total(),
                                c.open,
                                c.in_progress,
                                c.done,
                                c.accepted,
                                c.not_applicable,
                            )}
                        </dd>
                    </div>
                    <div>
                        <dt>"Blocking gaps"</dt>
                        <dd>{c.blocking_gaps}</dd>
                    </div>
                    <div>
                        <dt>"Effort to ready"</dt>
                        <dd>{model::hours(r.effort_to_ready)}</dd>
                    </div>
                    <div>
                        <dt>"All open items"</dt>
                        <dd>{model::hours(r.effort_remaining)}</dd>
                    </div>
                    {r.target_date.map(|d| view! {
                        <div>
                            <dt>"Target date"</dt>
                            <dd>{d.to_string()}</dd>
                        </div>
                    })}
                </dl>
            </header>

            <section aria-labelledby="report-categories">
                <h2 id="report-categories">"Categories"</h2>
                <table class="table report-table">
                    <thead>
                        <tr>
                            <th scope="col">"Category"</th>
                            <th scope="col" class="num">"Weight"</th>
                            <th scope="col" class="num">"Computed"</th>
                            <th scope="col" class="num">"Assessor"</th>
                            <th scope="col" class="num">"Effective"</th>
                            <th scope="col" class="num">"Previous"</th>
                            <th scope="col" class="num">"Change"</th>
                            <th scope="col" class="num">"Closed"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {r.categories.iter().map(|c| view! {
                            <tr>
                                <th scope="row">{c.name.clone()}</th>
                                <td class="num">{c.weight}</td>
                                <td class="num">{model::score(c.computed)}</td>
                                <td class="num">{model::score(c.assessor)}</td>
                                <td class="num"><strong>{model::score(c.effective)}</strong></td>
                                <td class="num">{model::score(c.previous)}</td>
                                <td class="num">{model::delta(c.delta)}</td>
                                <td class="num">{format!("{}/{}", c.closed, c.total)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>

            <section aria-labelledby="report-blocking">
                <h2 id="report-blocking">"Blocking gaps"</h2>
                {if blocking.is_empty() {
                    view! { <p>"None: nothing blocks the release."</p> }.into_any()
                } else {
                    view! {
                        <table class="table report-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Item"</th>
                                    <th scope="col">"Category"</th>
                                    <th scope="col">"Priority"</th>
                                    <th scope="col">"Owner"</th>
                                    <th scope="col">"Due"</th>
                                    <th scope="col" class="num">"Effort"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {blocking.into_iter().map(|i| view! {
                                    <tr>
                                        <th scope="row">{i.title}</th>
                                        <td>{i.category}</td>
                                        <td>{i.priority.label()}</td>
                                        <td>{i.assignee.unwrap_or_else(|| "Unassigned".into())}</td>
                                        <td>
                                            {i.due_date.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}
                                            {i.overdue.then(|| view! { " " <span class="badge overdue">"overdue"</span> })}
                                        </td>
                                        <td class="num">{model::hours(i.effort_hours.unwrap_or(0.0))}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>

            {(!r.risks.is_empty()).then(|| view! {
                <section aria-labelledby="report-risks">
                    <h2 id="report-risks">"Risks"</h2>
                    {r.heat.clone().map(|h| view! {
                        <div class="heatmaps">
                            <HeatMap caption="Current risk".to_owned() matrix=h.matrix.clone() counts=h.current />
                            <HeatMap caption="Target risk".to_owned() matrix=h.matrix counts=h.target />
                        </div>
                    })}
                    <table class="table report-table">
                        <caption>"Highest open risk per category"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Category"</th>
                                <th scope="col">"Previous"</th>
                                <th scope="col">"Now"</th>
                                <th scope="col">"Target"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {r.risk_by_category.iter().map(|c| view! {
                                <tr>
                                    <th scope="row">{c.category.clone()}</th>
                                    <td>{level_badge(c.previous)}</td>
                                    <td>{level_badge(c.current)}</td>
                                    <td>{level_badge(c.target)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <table class="table report-table">
                        <caption>"Risk register"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Risk"</th>
                                <th scope="col">"Category"</th>
                                <th scope="col">"Owner"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Level"</th>
                                <th scope="col">"Target"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {r.risks.iter().map(|k| view! {
                                <tr>
                                    <th scope="row">{k.title.clone()}</th>
                                    <td>{k.category.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td>{k.owner.clone().unwrap_or_else(|| "—".into())}</td>
                                    <td>{k.status.label()}</td>
                                    <td>{level_badge(Some(k.level))}</td>
                                    <td>{level_badge(Some(k.target))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}

            {r.since.clone().map(|s| {
                let d = s.diff;
                view! {
                    <section aria-labelledby="report-since">
                        <h2 id="report-since">{format!("Changes since “{}”", s.title)}</h2>
                        <p>
                            {format!(
                                "Overall {} → {} ({}); verdict {} → {}.",
                                model::score(d.overall.0),
                                model::score(d.overall.1),
                                model::delta(d.overall_delta),
                                d.verdict.0.label(),
                                d.verdict.1.label(),
                            )}
                        </p>
                        <ul class="report-changes">
                            {d.fixed.iter().map(|c| view! {
                                <li>{format!("Fixed: {} ({}), {} → {}", c.item.title, c.item.category, c.from.label(), c.to.label())}</li>
                            }).collect_view()}
                            {d.regressions.iter().map(|c| view! {
                                <li>{format!("Regressed: {} ({}), {} → {}", c.item.title, c.item.category, c.from.label(), c.to.label())}</li>
                            }).collect_view()}
                            {d.new_items.iter().map(|i| view! {
                                <li>{format!("New: {} ({})", i.title, i.category)}</li>
                            }).collect_view()}
                            {d.removed_items.iter().map(|i| view! {
                                <li>{format!("Removed: {} ({})", i.title, i.category)}</li>
                            }).collect_view()}
                            {d.risk_changes.iter().map(|k| view! {
                                <li>{format!("Risk {}: {} → {}", k.title, model::level(k.from), model::level(k.to))}</li>
                            }).collect_view()}
                        </ul>
                    </section>
                }
            })}

            {(!r.owners.is_empty()).then(|| view! {
                <section aria-labelledby="report-owners">
                    <h2 id="report-owners">"Open items by owner"</h2>
                    <table class="table report-table">
                        <thead>
                            <tr>
                                <th scope="col">"Owner"</th>
                                <th scope="col" class="num">"Open"</th>
                                <th scope="col" class="num">"Blocking"</th>
                                <th scope="col" class="num">"Effort"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {r.owners.iter().map(|o| view! {
                                <tr>
                                    <th scope="row">{o.name.clone()}</th>
                                    <td class="num">{o.open}</td>
                                    <td class="num">{o.blocking}</td>
                                    <td class="num">{model::hours(o.hours)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}

            <section aria-labelledby="report-signoff">
                <h2 id="report-signoff">"Sign-off"</h2>
                {match r.signed.clone() {
                    Some((title, list)) if !list.is_empty() => view! {
                        <ul>
                            {list.into_iter().map(|s| view! {
                                <li>
                                    {format!("{} signed “{}” on {}", s.name, title, s.signed_at)}
                                    {(!s.comment.is_empty()).then(|| format!(": {}", s.comment))}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    _ => view! { <p>"Not signed off yet."</p> }.into_any(),
                }}
            </section>

            <section aria-labelledby="report-checklist">
                <h2 id="report-checklist">"Checklist"</h2>
                {r.categories.iter().map(|c| {
                    let items: Vec<&ReportItem> = r.items.iter().filter(|i| i.category == c.name).collect();
                    view! {
                        <h3>{format!("{} — effective {}", c.name, model::score(c.effective))}</h3>
                        {if items.is_empty() {
                            view! { <p class="muted">"No items."</p> }.into_any()
                        } else {
                            view! {
                                <table class="table report-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">"Item"</th>
                                            <th scope="col">"Priority"</th>
                                            <th scope="col">"Status"</th>
                                            <th scope="col">"Blocking"</th>
                                            <th scope="col">"Owner"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {items.into_iter().map(|i| view! {
                                            <tr>
                                                <th scope="row">{i.title.clone()}</th>
                                                <td>{i.priority.label()}</td>
                                                <td>
                                                    {i.status.label()}
                                                    {i.accepted_until.filter(|_| i.status == Status::AcceptedRisk).map(|d| format!(" until {d}"))}
                                                </td>
                                                <td>{if i.blocking { "Yes" } else { "" }}</td>
                                                <td>{i.assignee.clone().unwrap_or_default()}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }
                }).collect_view()}
            </section>
        </article>
    }
}
