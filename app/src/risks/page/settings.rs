//! `/p/{slug}/risks/settings`: the project's risk matrix.

use super::*;
use crate::risks::model::Remap;

/// `/p/{slug}/settings`: the risk matrix.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = page_action::<SaveRiskMatrix>();
    let slug = slug_param();
    let query = use_query_map();
    let size = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).and_then(|v| v.parse::<usize>().ok());
        (get("likelihood_steps"), get("impact_steps"))
    });
    let data = Resource::new(
        move || (slug.get(), size.get()),
        |(slug, (l, i))| get_matrix_settings(slug, l, i),
    );
    view! {
        <RequireUser>
            {loaded(data, move |s| view! { <SettingsBody s save /> })}
        </RequireUser>
    }
}

#[component]
pub(super) fn SettingsBody(s: MatrixSettings, save: ServerAction<SaveRiskMatrix>) -> impl IntoView {
    let edit = s.permissions.can_edit;
    let slug = s.slug.clone();
    let m = s.matrix.clone();
    let error = action_error(save);
    let result = save.value();
    let sizes: Vec<(String, String)> = (MIN_STEPS..=MAX_STEPS)
        .map(|n| (n.to_string(), n.to_string()))
        .collect();
    let resized = (m.likelihood_steps(), m.impact_steps()) != s.saved_size;
    let labels = move |name: &'static str, what: &'static str, labels: &[String]| {
        labels
            .iter()
            .enumerate()
            .map(|(n, l)| {
                view! {
                    <label>
                        {format!("{what} {}", n + 1)}
                        <input
                            type="text"
                            name=format!("{name}[{n}]")
                            value=l.clone()
                            required
                            maxlength="40"
                            disabled=!edit
                        />
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <h1>{s.name.clone()} " settings"</h1>
        <ProjectTabs slug=slug.clone() current="Settings" />
        <DataCards slug=slug.clone() name=s.name.clone() edit />
        <crate::exceptions::page::ExceptionPolicyCard slug=slug.clone() />
        <crate::tiers::page::ProjectTierCard slug=slug.clone() />
        <crate::signoff::page::SignoffCard slug=slug.clone() />
        <section class="card" aria-labelledby="matrix-heading">
            <h2 id="matrix-heading">"Risk matrix"</h2>
            <p class="muted">
                "A risk's level is the level of its likelihood × impact cell; its score is likelihood × impact."
            </p>
            {edit
                .then(|| {
                    view! {
                        <form method="get" action=format!("/p/{slug}/settings") class="filters">
                            <label>
                                "Likelihood steps"
                                <select name="likelihood_steps">
                                    {options(sizes.clone(), &m.likelihood_steps().to_string())}
                                </select>
                            </label>
                            <label>
                                "Impact steps"
                                <select name="impact_steps">
                                    {options(sizes.clone(), &m.impact_steps().to_string())}
                                </select>
                            </label>
                            <button type="submit" class="secondary">"Preview size"</button>
                        </form>
                    }
                })}
            {resized
                .then(|| {
                    view! {
                        <p role="status">
                            {format!(
                                "Draft: {}×{} (saved: {}×{}). Labels and levels of a changed scale start from the defaults.",
                                m.likelihood_steps(),
                                m.impact_steps(),
                                s.saved_size.0,
                                s.saved_size.1,
                            )}
                        </p>
                    }
                })}
            <ActionForm action=save attr:class="stack">
                <FormError error=non_field_error(error) />
                {move || match result.get() {
                    Some(Ok(moved)) => Some(view! {
                        <p role="status" class="ok">
                            {format!("Saved. {moved} risk{} moved to the nearest step.", if moved == 1 { "" } else { "s" })}
                        </p>
                    }),
                    _ => None,
                }}
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="version" value=s.version />
                <fieldset class="row">
                    <legend>"Likelihood steps, least likely first"</legend>
                    {labels("likelihood_labels", "Likelihood", &m.likelihood)}
                </fieldset>
                <FieldError error field="likelihood_labels" />
                <fieldset class="row">
                    <legend>"Impact steps, least severe first"</legend>
                    {labels("impact_labels", "Impact", &m.impact)}
                </fieldset>
                <FieldError error field="impact_labels" />
                <LevelGrid m=m.clone() edit />
                <FieldError error field="levels" />
                <RemapNotice remaps=s.remaps.clone() />
                <FieldError error field="confirm_remap" />
                {edit.then(|| view! { <button type="submit">"Save matrix"</button> })}
            </ActionForm>
        </section>
    }
}

/// The cells of the matrix, each with its level to choose.
#[component]
fn LevelGrid(m: RiskMatrix, edit: bool) -> impl IntoView {
    let grid = (1..=m.likelihood_steps() as i32)
        .rev()
        .map(|l| {
            let cells = (1..=m.impact_steps() as i32)
                .map(|i| {
                    let level = m.level(l, i);
                    let index = (l as usize - 1) * m.impact_steps() + (i as usize - 1);
                    let pairs = Level::ALL
                        .into_iter()
                        .map(|v| (v.as_str().to_owned(), v.label().to_owned()))
                        .collect();
                    view! {
                        <td class=format!("heat level-{}", level.as_str())>
                            <label class="visually-hidden" for=format!("level-{l}-{i}")>
                                {format!("Level of {}", m.cell_label(l, i))}
                            </label>
                            <select name=format!("levels[{index}]") id=format!("level-{l}-{i}") disabled=!edit>
                                {options(pairs, level.as_str())}
                            </select>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{m.likelihood[(l - 1) as usize].clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    let heads = m
        .impact
        .iter()
        .map(|label| view! { <th scope="col">{label.clone()}</th> })
        .collect_view();
    // Scrolls in its own frame on a narrow screen (its selects take the keyboard there).
    view! {
    <div class="heatmap-frame">
    <table class="heatmap">
        <caption>"Level of each cell"</caption>
        <thead>
            <tr>
                <th scope="col"><span class="axis">"Likelihood ↓ / Impact →"</span></th>
                {heads}
            </tr>
        </thead>
        <tbody>{grid}</tbody>
    </table>
    </div>
    }
}

/// Where saving a resized matrix moves risks, and the confirmation it needs.
#[component]
fn RemapNotice(remaps: Vec<Remap>) -> impl IntoView {
    let remap_count = remaps.len();
    let remaps = remaps
        .iter()
        .map(|r| {
            view! {
                <li>
                    {format!(
                        "“{}”: current {}×{} → {}×{}, target {}×{} → {}×{}",
                        r.title,
                        r.current.0.0,
                        r.current.0.1,
                        r.current.1.0,
                        r.current.1.1,
                        r.target.0.0,
                        r.target.0.1,
                        r.target.1.0,
                        r.target.1.1,
                    )}
                </li>
            }
        })
        .collect_view();
    view! {
    {(remap_count > 0)
        .then(|| {
            view! {
                <div class="notice" role="note">
                    <p>
                        {format!(
                            "Saving this size moves {remap_count} risk{} to the nearest step:",
                            if remap_count == 1 { "" } else { "s" },
                        )}
                    </p>
                    <ul>{remaps}</ul>
                    <label class="checkbox">
                        <input type="checkbox" name="confirm_remap" value="yes" />
                        "Move these risks and save"
                    </label>
                </div>
            }
        })}
    }
}

/// Export, import and save-as-template.
#[component]
fn DataCards(slug: String, name: String, edit: bool) -> impl IntoView {
    view! {
    <section class="card" aria-labelledby="export-heading">
        <h2 id="export-heading">"Export"</h2>
        <p>
            <a href=format!("/p/{slug}/export/json") rel="external" download>
                "Preflight JSON"
            </a>
            " — the whole project; imports back as it is. "
            <a href=format!("/p/{slug}/export/zip") rel="external" download>
                "Archive (zip)"
            </a>
            " — that JSON with every evidence file. "
            <a href=format!("/p/{slug}/export/csv") rel="external" download>
                "CSV of items"
            </a>
            " — the import's columns, for spreadsheets. Stakeholder reports (PDF, Markdown, \
             HTML) and share links are on the "
            <a href=format!("/p/{slug}/report")>"report page"</a>
            "."
        </p>
    </section>
    {edit.then(|| view! {
        <section class="card" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import"</h2>
            <p>
                <a href=format!("/p/{slug}/import")>"Import a document into this project"</a>
                " — a Markdown readiness review, a CSV of items or Preflight JSON; matching \
                 categories and items are updated, never duplicated."
            </p>
        </section>
    })}
    {edit.then(|| view! { <SaveAsTemplateForm slug=slug.clone() name=name.clone() /> })}
    }
}
