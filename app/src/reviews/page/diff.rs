//! A diff between two snapshots as a page section.

use super::*;

pub(super) fn signed(n: i32) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

// Longer than 120 lines: one section per kind of change, each a few lines of view.
#[allow(clippy::too_many_lines)]
/// A diff as a page section: counts first, then each kind of change.
#[component]
pub fn DiffView(diff: Diff, slug: String, against: String) -> impl IntoView {
    let d = diff;
    let headline = match d.overall_delta {
        Some(delta) => format!("{} since {against}", signed(delta)),
        None => format!("Since {against}"),
    };
    let item_link = |i: &ItemRef| {
        view! {
            <a href=format!("/p/{slug}/items/{}", i.id)>{i.title.clone()}</a>
            <span class="muted">" · " {i.category.clone()} " · " {i.priority.label()}</span>
        }
    };
    let status_list = |changes: &[ItemChange<crate::scoring::Status>]| {
        changes
            .iter()
            .map(|c| {
                view! {
                    <li>
                        {item_link(&c.item)} " · " {c.from.label()} " → " {c.to.label()}
                    </li>
                }
            })
            .collect_view()
    };
    let section = |title: &'static str, count: usize, body: AnyView| {
        (count > 0).then(|| {
            view! {
                <section class="diff-part">
                    <h3>{format!("{title} ({count})")}</h3>
                    {body}
                </section>
            }
        })
    };
    let categories = d
        .categories
        .iter()
        .map(|c| {
            let change = if c.added {
                "new".to_owned()
            } else if c.removed {
                "removed".to_owned()
            } else {
                c.delta.map_or("—".to_owned(), signed)
            };
            view! {
                <tr>
                    <th scope="row">
                        {c.name.clone()}
                        {c.renamed_from.clone().map(|o| view! { <span class="muted">" (was " {o} ")"</span> })}
                    </th>
                    <td class="num">{score_text(c.before)}</td>
                    <td class="num">{score_text(c.after)}</td>
                    <td class="num">{change}</td>
                </tr>
            }
        })
        .collect_view();
    let fixed = section(
        "Fixed",
        d.fixed.len(),
        view! { <ul>{status_list(&d.fixed)}</ul> }.into_any(),
    );
    let regressions = section(
        "Regressions",
        d.regressions.len(),
        view! { <ul>{status_list(&d.regressions)}</ul> }.into_any(),
    );
    let new_items = section(
        "New items",
        d.new_items.len(),
        view! { <ul>{d.new_items.iter().map(|i| view! { <li>{item_link(i)}</li> }).collect_view()}</ul> }
            .into_any(),
    );
    let removed = section(
        "Removed items",
        d.removed_items.len(),
        view! {
            <ul>
                {d
                    .removed_items
                    .iter()
                    .map(|i| view! { <li>{i.title.clone()} <span class="muted">" · " {i.category.clone()}</span></li> })
                    .collect_view()}
            </ul>
        }
            .into_any(),
    );
    let priorities = section(
        "Priority changed",
        d.priority_changes.len(),
        view! {
            <ul>
                {d
                    .priority_changes
                    .iter()
                    .map(|c| view! { <li>{item_link(&c.item)} " · " {c.from.label()} " → " {c.to.label()}</li> })
                    .collect_view()}
            </ul>
        }
            .into_any(),
    );
    let risks = section(
        "Risk level changed",
        d.risk_changes.len(),
        view! {
            <ul>
                {d
                    .risk_changes
                    .iter()
                    .map(|r| {
                        let level = |l: Option<crate::risks::matrix::Level>| match l {
                            Some(level) => view! { <LevelBadge level /> }.into_any(),
                            None => view! { <span class="muted">"none"</span> }.into_any(),
                        };
                        view! {
                            <li>
                                <a href=format!("/p/{slug}/risks/{}", r.id)>{r.title.clone()}</a>
                                " · "
                                {level(r.from)}
                                " → "
                                {level(r.to)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any(),
    );
    let empty = d.is_empty();
    view! {
        <section class="card diff" aria-label="Changes">
            <h2>{headline}</h2>
            <p class="diff-counts" role="status">
                {format!(
                    "Overall {} → {} · {} fixed · {} regressed · {} new · {} removed · {} priority changes · {} risk changes",
                    score_text(d.overall.0),
                    score_text(d.overall.1),
                    d.fixed.len(),
                    d.regressions.len(),
                    d.new_items.len(),
                    d.removed_items.len(),
                    d.priority_changes.len(),
                    d.risk_changes.len(),
                )}
            </p>
            {(d.verdict.0 != d.verdict.1)
                .then(|| {
                    view! {
                        <p>
                            "Verdict: " <VerdictBadge verdict=d.verdict.0 /> " → "
                            <VerdictBadge verdict=d.verdict.1 />
                        </p>
                    }
                })}
            {empty.then(|| view! { <p class="empty">"Nothing changed."</p> })}
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col" class="num">"Before"</th>
                        <th scope="col" class="num">"After"</th>
                        <th scope="col" class="num">"Change"</th>
                    </tr>
                </thead>
                <tbody>{categories}</tbody>
            </table>
            {fixed}
            {regressions}
            {new_items}
            {removed}
            {priorities}
            {risks}
        </section>
    }
}
