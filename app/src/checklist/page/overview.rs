//! The project overview's panel: verdict, blocking and overdue gaps, who holds what.

use super::*;

/// "72% ready, 40% of it measured · 3 done items went stale", or nothing when nothing is done.
pub fn evidence_line(mix: &EvidenceMix, overall: Option<u8>, stale: usize) -> Option<String> {
    let measured = mix.measured_percent();
    if measured.is_none() && stale == 0 {
        return None;
    }
    let mut line = match (overall, measured) {
        (Some(o), Some(m)) => format!("{o}% ready, {m}% of it measured or reported by CI."),
        (None, Some(m)) => format!("{m}% of what is done is measured or reported by CI."),
        (_, None) => String::new(),
    };
    if stale > 0 {
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&format!(
            "{stale} done item{} went stale (evidence ran out; counted as open).",
            if stale == 1 { "" } else { "s" }
        ));
    }
    Some(line)
}

// Longer than 120 lines: the overview's markup, read top to bottom; each section
// is a few lines of view and none is used elsewhere.
#[allow(clippy::too_many_lines)]
#[component]
pub fn OverviewPanel(view: OverviewView) -> impl IntoView {
    let score = view.score.clone();
    let slug = view.slug.clone();
    let OverviewView {
        blocking,
        blocking_total,
        overdue,
        overdue_total,
        stale_total,
        by_assignee,
        ..
    } = view.clone();
    let evidence = evidence_line(&score.evidence, score.overall, stale_total);
    // The lists name the first few; the rest are a filter of the checklist away.
    let more = |shown: usize, total: usize, filter: &str| {
        (total > shown).then(|| {
            view! {
                <p class="muted">
                    <a href=format!("/p/{slug}/checklist?{filter}")>
                        {format!("and {} more on the checklist", total - shown)}
                    </a>
                </p>
            }
        })
    };
    let more_blocking = more(blocking.len(), blocking_total, "blocking=yes");
    let more_overdue = more(overdue.len(), overdue_total, "overdue=yes");
    let reason = match score.verdict {
        Verdict::NotReady => format!(
            "{} blocking item(s) still open or in progress.",
            score.counts.blocking_gaps
        ),
        Verdict::ReadyWithGaps => {
            "No blocking gaps, but the overall score is below the threshold.".to_owned()
        }
        Verdict::Ready => {
            "No blocking gaps and the overall score reaches the threshold.".to_owned()
        }
        Verdict::AwaitingSignOff => format!(
            "No blocking gaps, but the latest final review still needs the sign-off of {}.",
            score.awaiting.join(", ")
        ),
    };
    let link = |i: &GapLine| {
        view! { <a href=format!("/p/{slug}/items/{}", i.id)>{i.title.clone()}</a> }
    };
    view! {
        <section class="card verdict-card" aria-label="Verdict">
            <p class="verdict-line">
                <VerdictBadge verdict=score.verdict />
                <span class="overall">
                    "Overall score "
                    <strong>{score.overall.map_or("—".to_owned(), |o| o.to_string())}</strong>
                </span>
            </p>
            <p>{reason}</p>
            {(!blocking.is_empty())
                .then(|| {
                    view! {
                        <ul class="blocking-list">
                            {blocking
                                .iter()
                                .map(|i| {
                                    view! {
                                        <li>
                                            {link(i)} " · " {i.priority.label()}
                                            {i.assignee.as_ref().map(|a| format!(" · {a}"))}
                                            {i.due_date.map(|d| format!(" · due {d}"))}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            {more_blocking}
            <p>
                <a href=format!("/p/{slug}/risks?status=live&sort=")>
                    {format!(
                        "{} high or critical open risk{}",
                        view.serious_risks,
                        if view.serious_risks == 1 { "" } else { "s" },
                    )}
                </a>
            </p>
            {evidence
                .map(|line| {
                    view! {
                        <p class="evidence-mix">
                            {line}
                            {(stale_total > 0)
                                .then(|| {
                                    view! {
                                        " "
                                        <a href=format!("/p/{slug}/checklist?stale=yes")>
                                            "Show stale items"
                                        </a>
                                    }
                                })}
                        </p>
                    }
                })}
            <p class="muted">
                "Effort to ready: " {format!("{} h", score.effort_to_ready)}
                " · effort remaining: " {format!("{} h", score.effort_remaining)}
            </p>
        </section>
        <section class="card">
            <h2>"Categories"</h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Computed"</th>
                        <th scope="col" class="num">"Assessor"</th>
                        <th scope="col">"Effective"</th>
                        <th scope="col" class="num">"Weight"</th>
                    </tr>
                </thead>
                <tbody>
                    {view
                        .categories
                        .iter()
                        .map(|c| {
                            view! {
                                <tr>
                                    <td>{c.name.clone()}</td>
                                    <td>
                                        <ScoreBar score=c.computed label=format!("{} computed", c.name) />
                                    </td>
                                    <td class="num">
                                        {c.assessor_score.map_or("—".to_owned(), |s| s.to_string())}
                                    </td>
                                    <td>
                                        <ScoreBar score=c.effective label=format!("{} effective", c.name) />
                                    </td>
                                    <td class="num">{c.weight}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
        <div class="two-col">
            <section class="card">
                <h2>"Open items by assignee"</h2>
                <ul class="plain-list">
                    {by_assignee
                        .into_iter()
                        .map(|(name, n)| view! { <li>{name} ": " {n}</li> })
                        .collect_view()}
                </ul>
            </section>
            <section class="card">
                <h2>"Overdue"</h2>
                {if overdue.is_empty() {
                    view! { <p class="empty">"Nothing overdue."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {overdue
                                .iter()
                                .map(|i| {
                                    view! {
                                        <li>
                                            {link(i)} " · due " {i.due_date.map(|d| d.to_string())}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                        {more_overdue}
                    }
                        .into_any()
                }}
            </section>
        </div>
    }
}
