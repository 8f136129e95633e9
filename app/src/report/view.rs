//! The report as HTML: one component, used by `/p/{slug}/report`, by share links and by the
//! HTML download. It has no controls and no links into the app, so a shared copy shows
//! nothing else. The text and tables come from [`super::sections`], like the PDF's and the
//! Markdown's.

use leptos::prelude::*;

use super::{
    model::Report,
    sections::{Col, Table},
};
use crate::{checklist::page::VerdictBadge, risks::heatmap::HeatMap, risks::matrix::Level};

/// A report table; the first cell of a row names it.
#[component]
fn ReportTable(table: Table, #[prop(optional, into)] caption: Option<String>) -> impl IntoView {
    let kinds: Vec<Col> = table.columns.iter().map(|c| c.1).collect();
    let cell = move |kind: Col, text: String| match kind {
        Col::Num => view! { <td class="num">{text}</td> }.into_any(),
        Col::Level => match Level::parse(&text.to_lowercase()) {
            Some(l) => view! {
                <td><span class=format!("badge level-{}", l.as_str())>{l.label()}</span></td>
            }
            .into_any(),
            None => view! { <td class="muted">{text}</td> }.into_any(),
        },
        Col::Text => view! { <td>{text}</td> }.into_any(),
    };
    view! {
        <table class="table report-table">
            {caption.map(|c| view! { <caption>{c}</caption> })}
            <thead>
                <tr>
                    {table.columns.iter().map(|(header, kind, _)| view! {
                        <th scope="col" class:num=*kind == Col::Num>{*header}</th>
                    }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {table.rows.into_iter().map(|row| {
                    let mut cells = row.into_iter();
                    let head = cells.next().unwrap_or_default();
                    view! {
                        <tr>
                            <th scope="row">{head}</th>
                            {cells.zip(kinds.iter().skip(1)).map(|(text, kind)| cell(*kind, text)).collect_view()}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A titled section of the report.
#[component]
fn Section(id: &'static str, title: String, children: Children) -> impl IntoView {
    view! {
        <section aria-labelledby=id>
            <h2 id=id>{title}</h2>
            {children()}
        </section>
    }
}

/// The whole report.
#[component]
pub fn ReportView(report: Report) -> impl IntoView {
    let r = report;
    let (name, subtitle, verdict, overall) =
        (r.name.clone(), r.subtitle(), r.verdict, r.overall_text());
    let facts = r.facts();
    let categories = r.categories_table();
    let blocking = r.blocking_table();
    let risks =
        (!r.risks.is_empty()).then(|| (r.heat.clone(), r.risk_levels_table(), r.register_table()));
    let changes = r.changes();
    let owners = (!r.owners.is_empty()).then(|| r.owners_table());
    let signoffs = r.signoff_lines();
    let checklist = r.checklist();
    view! {
        <article class="report" aria-labelledby="report-title">
            <header class="report-head">
                <h1 id="report-title">{name}</h1>
                <p class="muted">{subtitle}</p>
                <p class="verdict-line report-verdict">
                    <VerdictBadge verdict />
                    <span class="overall">{overall}</span>
                </p>
                <dl class="report-facts">
                    {facts.into_iter().map(|(label, value)| view! {
                        <div>
                            <dt>{label}</dt>
                            <dd>{value}</dd>
                        </div>
                    }).collect_view()}
                </dl>
            </header>

            <Section id="report-categories" title="Categories".into()>
                <ReportTable table=categories />
            </Section>

            <Section id="report-blocking" title="Blocking gaps".into()>
                {if blocking.rows.is_empty() {
                    view! { <p>"None: nothing blocks the release."</p> }.into_any()
                } else {
                    view! { <ReportTable table=blocking /> }.into_any()
                }}
            </Section>

            {risks.map(|(heat, levels, register)| view! {
                <Section id="report-risks" title="Risks".into()>
                    {heat.map(|h| view! {
                        <div class="heatmaps">
                            <HeatMap caption="Current risk".to_owned() matrix=h.matrix.clone() counts=h.current />
                            <HeatMap caption="Target risk".to_owned() matrix=h.matrix counts=h.target />
                        </div>
                    })}
                    <ReportTable table=levels caption="Highest open risk per category" />
                    <ReportTable table=register caption="Risk register" />
                </Section>
            })}

            {changes.map(|(title, overall, lines)| view! {
                <Section id="report-since" title>
                    <p>{overall}</p>
                    <ul class="report-changes">
                        {lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                    </ul>
                </Section>
            })}

            {owners.map(|table| view! {
                <Section id="report-owners" title="Open items by owner".into()>
                    <ReportTable table />
                </Section>
            })}

            <Section id="report-signoff" title="Sign-off".into()>
                {if signoffs.is_empty() {
                    view! { <p>"Not signed off yet."</p> }.into_any()
                } else {
                    view! {
                        <ul>{signoffs.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    }
                        .into_any()
                }}
            </Section>

            <Section id="report-checklist" title="Checklist".into()>
                {checklist.into_iter().map(|(heading, table)| view! {
                    <h3>{heading}</h3>
                    {if table.rows.is_empty() {
                        view! { <p class="muted">"No items."</p> }.into_any()
                    } else {
                        view! { <ReportTable table /> }.into_any()
                    }}
                }).collect_view()}
            </Section>
        </article>
    }
}
