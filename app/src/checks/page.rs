//! The item page's checks card: each check with its last 100 results as a strip of pass/fail,
//! and (editors) adding, running and removing checks.

use leptos::prelude::*;

use super::{
    api::{CreateCheck, DeleteCheck, RunCheck},
    model::{CheckView, KINDS},
};
use crate::components::{
    field_error::{FieldError, FormError, action_error, non_field_error},
    page_action::page_action,
};

/// The checks card's actions, made once by the page.
#[derive(Clone, Copy)]
pub struct ChecksActions {
    create: ServerAction<CreateCheck>,
    delete: ServerAction<DeleteCheck>,
    run: ServerAction<RunCheck>,
}

impl ChecksActions {
    /// Made where the page starts, so results and errors survive its reload.
    pub fn new() -> Self {
        Self {
            create: page_action::<CreateCheck>(),
            delete: page_action::<DeleteCheck>(),
            run: page_action::<RunCheck>(),
        }
    }
}

impl Default for ChecksActions {
    fn default() -> Self {
        Self::new()
    }
}

fn state_label(state: Option<&str>) -> &'static str {
    match state {
        Some("pass") => "passing",
        Some("fail") => "failing",
        Some("stale") => "stale",
        _ => "not run yet",
    }
}

/// The strip of results, oldest first: one mark per run, its sentence as the title.
#[component]
fn Strip(check: CheckView) -> impl IntoView {
    let label = format!(
        "Last {} results: {} passed",
        check.runs.len(),
        check.runs.iter().filter(|r| r.ok).count()
    );
    view! {
        <div class="run-strip" role="img" aria-label=label>
            {check
                .runs
                .iter()
                .map(|r| {
                    let title = format!(
                        "{} — {}",
                        r.at.get(..16).unwrap_or(&r.at).replace('T', " "),
                        r.summary
                    );
                    view! { <span class=if r.ok { "run pass" } else { "run fail" } title=title></span> }
                })
                .collect_view()}
        </div>
    }
}

/// The checks card.
#[component]
pub fn ChecksCard(
    checks: Vec<CheckView>,
    item_id: i32,
    slug: String,
    edit: bool,
    actions: ChecksActions,
) -> impl IntoView {
    let create_error = action_error(actions.create);
    let run_error = action_error(actions.run);
    let list = checks
        .into_iter()
        .map(|c| {
            let last = c.runs.last().map(|r| r.summary.clone());
            let state = c.state.clone();
            let ci = c.kind == "ci";
            let command = c.key.clone().filter(|_| ci).map(|key| {
                format!(
                    "curl -fsS -X POST -H \"Authorization: Bearer $PREFLIGHT_TOKEN\" -H 'Content-Type: application/json' \\\n  -d '{{\"status\":\"pass\",\"url\":\"'\"$CI_JOB_URL\"'\"}}' <preflight>/api/v1/projects/{slug}/checks/{key}/results"
                )
            });
            view! {
                <li class="check" data-check=c.id>
                    <p>
                        <span class=format!("badge check-{}", state.as_deref().unwrap_or("new"))>
                            {state_label(state.as_deref())}
                        </span>
                        " " {c.target.clone()}
                        {(!ci).then(|| format!(" · every {} min", c.interval_minutes))}
                    </p>
                    {last.map(|s| view! { <p class="muted">"Last: " {s}</p> })}
                    <Strip check=c.clone() />
                    {command.map(|cmd| view! { <pre class="ci-command">{cmd}</pre> })}
                    {edit
                        .then(|| {
                            view! {
                                <div class="inline-actions">
                                    {(!ci)
                                        .then(|| {
                                            view! {
                                                <ActionForm action=actions.run>
                                                    <input type="hidden" name="check_id" value=c.id />
                                                    <button type="submit" class="secondary">"Run now"</button>
                                                </ActionForm>
                                            }
                                        })}
                                    <ActionForm action=actions.delete>
                                        <input type="hidden" name="check_id" value=c.id />
                                        <button type="submit" class="danger">"Remove check"</button>
                                    </ActionForm>
                                </div>
                            }
                        })}
                </li>
            }
        })
        .collect_view();
    let kinds = KINDS
        .iter()
        .map(|(k, label)| view! { <option value=*k>{*label}</option> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="item-checks">
            <h2 id="item-checks">"Checks"</h2>
            <FormError error=run_error />
            <ul class="plain-list checks">{list}</ul>
            {edit
                .then(|| {
                    view! {
                        <details class="add-check">
                            <summary>"Add a check"</summary>
                            <ActionForm action=actions.create attr:class="stack">
                                <FormError error=non_field_error(create_error) />
                                <input type="hidden" name="item_id" value=item_id />
                                <label>"Kind" <select name="kind">{kinds}</select></label>
                                <FieldError error=create_error field="kind" />
                                <fieldset>
                                    <legend>"HTTP"</legend>
                                    <label>"URL" <input type="url" name="url" placeholder="https://api.example.com/health" /></label>
                                    <FieldError error=create_error field="url" />
                                    <label>"Method" <select name="method"><option>"GET"</option><option>"HEAD"</option></select></label>
                                    <label>"Expected status" <input name="expect_status" inputmode="numeric" placeholder="200" /></label>
                                    <FieldError error=create_error field="expect_status" />
                                    <label>"Body contains" <input name="body_contains" /></label>
                                    <FieldError error=create_error field="body_contains" />
                                    <label>"Header present" <input name="header" placeholder="Strict-Transport-Security" /></label>
                                    <FieldError error=create_error field="header" />
                                </fieldset>
                                <fieldset>
                                    <legend>"TLS or DNS"</legend>
                                    <label>"Host (TLS: host:port)" <input name="host" placeholder="api.example.com:443" /></label>
                                    <FieldError error=create_error field="host" />
                                    <label>"TLS: fail when it expires within (days)" <input name="min_days" inputmode="numeric" placeholder="14" /></label>
                                    <FieldError error=create_error field="min_days" />
                                    <label>"DNS: expected address" <input name="expect_address" /></label>
                                    <FieldError error=create_error field="expect_address" />
                                </fieldset>
                                <fieldset>
                                    <legend>"Probes"</legend>
                                    <label>"Every (minutes)" <input name="interval_minutes" inputmode="numeric" placeholder="5" /></label>
                                    <FieldError error=create_error field="interval_minutes" />
                                    <label>"Timeout (seconds)" <input name="timeout" inputmode="numeric" placeholder="10" /></label>
                                    <FieldError error=create_error field="timeout" />
                                </fieldset>
                                <fieldset>
                                    <legend>"Reported by CI"</legend>
                                    <label>"Key" <input name="key" placeholder="load-test" /></label>
                                    <FieldError error=create_error field="key" />
                                    <label>"A result holds (hours)" <input name="ttl_hours" inputmode="numeric" placeholder="24" /></label>
                                    <FieldError error=create_error field="ttl_hours" />
                                </fieldset>
                                <button type="submit">"Add check"</button>
                            </ActionForm>
                        </details>
                    }
                })}
        </section>
    }
}
