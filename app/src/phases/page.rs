//! `/p/{slug}/plan`: the forecast, the burn-down and the plan's phases with their items, the
//! effort of each against the team's capacity, and (editors) the forms that change them. Every
//! form posts without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    api::{CreatePhase, DeletePhase, MovePhase, SetPlanSettings, UpdatePhase, get_plan},
    burndown::BurnDown,
    model::{PhaseView, PlanItem, PlanView},
};
use crate::{
    checklist::{api::BulkUpdateItems, page::ProjectTabs},
    components::{
        field_error::{FieldError, FormError, action_error, non_field_error},
        loaded::loaded,
        page_action::page_action,
        require_user::RequireUser,
    },
    forecast::{Forecast, hours},
};

/// The id of the scheduling form the item checkboxes belong to.
const SCHEDULE_FORM: &str = "schedule-form";

/// The page's forms.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreatePhase>,
    update: ServerAction<UpdatePhase>,
    moved: ServerAction<MovePhase>,
    delete: ServerAction<DeletePhase>,
    settings: ServerAction<SetPlanSettings>,
    schedule: ServerAction<BulkUpdateItems>,
}

/// `/p/{slug}/plan`.
#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let actions = Actions {
        create: page_action::<CreatePhase>(),
        update: page_action::<UpdatePhase>(),
        moved: page_action::<MovePhase>(),
        delete: page_action::<DeletePhase>(),
        settings: page_action::<SetPlanSettings>(),
        schedule: page_action::<BulkUpdateItems>(),
    };
    let data = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_plan,
    );
    view! {
        <RequireUser>
            {loaded(data, move |plan| view! { <PlanBody plan actions /> })}
        </RequireUser>
    }
}

#[component]
fn PlanBody(plan: PlanView, actions: Actions) -> impl IntoView {
    let slug = plan.slug.clone();
    let edit = plan.can_edit;
    let phases = plan.phases.clone();
    let count = phases.len();
    let choices: Vec<(i32, String)> = phases.iter().map(|p| (p.id, p.name.clone())).collect();
    let sections = phases
        .into_iter()
        .enumerate()
        .map(|(n, phase)| {
            view! {
                <PhaseSection
                    phase
                    first=n == 0
                    last=n + 1 == count
                    edit
                    capacity=plan.capacity_hours
                    slug=slug.clone()
                    actions
                />
            }
        })
        .collect_view();
    let unscheduled_hours: f64 = plan
        .unscheduled
        .iter()
        .filter(|i| i.open)
        .map(|i| i.effort_hours.unwrap_or(0.0))
        .sum();
    view! {
        <h1>{plan.name.clone()} " plan"</h1>
        <ProjectTabs slug=slug.clone() current="Plan" />
        <ForecastCard forecast=plan.path.forecast.clone() launch=plan.launch capacity=plan.capacity_hours />
        <section class="card" aria-labelledby="burndown">
            <h2 id="burndown">"Burn-down"</h2>
            <BurnDown
                days=plan.path.burndown.clone()
                reviews=plan.path.reviews.clone()
                launch=plan.launch
                forecast=plan.path.forecast.clone()
                today=plan.today
            />
        </section>
        {edit.then(|| view! { <ScheduleForm slug=slug.clone() choices=choices.clone() action=actions.schedule /> })}
        {sections}
        <section class="card phase" aria-labelledby="phase-none">
            <h2 id="phase-none">"Not scheduled"</h2>
            <p class="muted">
                {format!(
                    "{} items, {} h of open work in no phase.",
                    plan.unscheduled.len(),
                    hours(unscheduled_hours),
                )}
            </p>
            <ItemTable items=plan.unscheduled.clone() edit slug=slug.clone() />
        </section>
        {edit.then(|| view! {
            <NewPhaseForm slug=slug.clone() action=actions.create />
            <SettingsForm plan=plan.clone() action=actions.settings />
        })}
    }
}

/// The outlook as a badge with its word.
#[component]
pub fn OutlookBadge(forecast: Forecast) -> impl IntoView {
    forecast
        .outlook
        .map(|o| view! { <span class=format!("outlook outlook-{}", o.as_str())>{o.label()}</span> })
}

#[component]
fn ForecastCard(
    forecast: Forecast,
    launch: Option<chrono::NaiveDate>,
    capacity: Option<i32>,
) -> impl IntoView {
    let range = match (forecast.earliest, forecast.latest, forecast.date) {
        (Some(e), Some(l), Some(_)) if e != l => {
            Some(format!("Range: {e} (fastest week) to {l} (slowest week)."))
        }
        (Some(e), None, Some(_)) => Some(format!(
            "Range: from {e}; open-ended, as a recent week closed nothing."
        )),
        _ => None,
    };
    let capacity_line = match (capacity, forecast.capacity_date) {
        (Some(c), Some(d)) => Some(format!(
            "At the team's capacity of {c} h a week: ready around {d}."
        )),
        (Some(c), None) => Some(format!(
            "At the team's capacity of {c} h a week: more than ten years."
        )),
        (None, _) => None,
    };
    view! {
        <section class="card forecast" aria-labelledby="forecast">
            <h2 id="forecast">"Forecast " <OutlookBadge forecast=forecast.clone() /></h2>
            <p class="forecast-reason">{forecast.reason.clone()}</p>
            {range.map(|r| view! { <p class="muted">{r}</p> })}
            {capacity_line.map(|c| view! { <p>{c}</p> })}
            <p class="muted">
                {match launch {
                    Some(l) => format!("Target launch: {l}."),
                    None => "No target launch date: set one below to see whether the plan makes it.".to_owned(),
                }}
                " The pace counts work closed by people and checks over the last four weeks, \
                not imports or items marked not applicable."
            </p>
        </section>
    }
}

#[component]
fn ScheduleForm(
    slug: String,
    choices: Vec<(i32, String)>,
    action: ServerAction<BulkUpdateItems>,
) -> impl IntoView {
    let error = action_error(action);
    let result = action.value();
    let options = choices
        .into_iter()
        .map(|(id, name)| view! { <option value=id>{name}</option> })
        .collect_view();
    view! {
        <ActionForm action attr:id=SCHEDULE_FORM attr:class="card plan-actions" attr:aria-label="Schedule selected items">
            <input type="hidden" name="slug" value=slug />
            <label>
                "Schedule selected items into"
                <select name="phase" required>
                    <option value="">"Choose a phase"</option>
                    {options}
                    <option value="none">"No phase"</option>
                </select>
            </label>
            <button type="submit">"Schedule"</button>
            {move || match result.get() {
                Some(Ok(n)) => Some(view! {
                    <p role="status" class="ok">{format!("Scheduled {n} item{}.", if n == 1 { "" } else { "s" })}</p>
                }.into_any()),
                _ => None,
            }}
            <FormError error=non_field_error(error) />
            <FieldError error field="items" />
            <FieldError error field="phase" />
            <FieldError error field="status" />
        </ActionForm>
    }
}

#[component]
fn PhaseSection(
    phase: PhaseView,
    first: bool,
    last: bool,
    edit: bool,
    capacity: Option<i32>,
    slug: String,
    actions: Actions,
) -> impl IntoView {
    let phase_id = phase.id;
    let id = format!("phase-{phase_id}");
    let labelled = id.clone();
    let load = phase.load;
    let capacity_line = match (capacity, load.available_hours) {
        (Some(c), Some(a)) => Some(format!(
            "{} h of work up to the end of this phase; at {c} h a week the team has {} h by its \
             target date.",
            hours(load.cumulative_hours),
            hours(a),
        )),
        _ => None,
    };
    let done = phase.items.len() - phase.open_items;
    let controls = edit.then(|| {
        let pid = phase.id;
        let earlier = format!("Move {} earlier", phase.name);
        let later = format!("Move {} later", phase.name);
        let remove = format!("Delete phase {}", phase.name);
        view! {
            <div class="plan-actions">
                <ActionForm action=actions.moved>
                    <input type="hidden" name="phase_id" value=pid />
                    <input type="hidden" name="direction" value="up" />
                    <button type="submit" disabled=first aria-label=earlier>"Earlier"</button>
                </ActionForm>
                <ActionForm action=actions.moved>
                    <input type="hidden" name="phase_id" value=pid />
                    <input type="hidden" name="direction" value="down" />
                    <button type="submit" disabled=last aria-label=later>"Later"</button>
                </ActionForm>
                <ActionForm action=actions.delete>
                    <input type="hidden" name="phase_id" value=pid />
                    <button type="submit" class="danger" aria-label=remove>"Delete phase"</button>
                </ActionForm>
            </div>
            <EditPhaseForm phase=phase.clone() action=actions.update />
        }
    });
    view! {
        <section class="card phase" aria-labelledby=labelled data-phase=phase_id>
            <h2 id=id>{phase.name.clone()}</h2>
            <div class="phase-flags">
                {phase.target_date.map(|d| view! { <span>"Target " {d.to_string()}</span> })}
                {load.overdue.then(|| view! { <span class="phase-flag">"Overdue"</span> })}
                {load.over_capacity.then(|| view! { <span class="phase-flag">"Over capacity"</span> })}
            </div>
            {(!phase.goal.is_empty()).then(|| view! { <p class="phase-goal">{phase.goal.clone()}</p> })}
            <p class="muted">
                {format!(
                    "{} of {} items done · {} h of open work",
                    done,
                    phase.items.len(),
                    hours(phase.open_hours),
                )}
            </p>
            {capacity_line.map(|c| view! { <p class="muted">{c}</p> })}
            <ItemTable items=phase.items.clone() edit slug />
            {controls}
        </section>
    }
}

#[component]
fn ItemTable(items: Vec<PlanItem>, edit: bool, slug: String) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">"No items."</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|i| {
            let label = format!("plan-t-{}", i.id);
            view! {
                <tr class:done=!i.open>
                    {edit.then(|| view! {
                        <td class="select">
                            <input
                                type="checkbox"
                                name="items[]"
                                value=format!("{}:{}", i.id, i.version)
                                form=SCHEDULE_FORM
                                aria-labelledby=label.clone()
                            />
                        </td>
                    })}
                    <td><a id=label href=format!("/p/{slug}/items/{}", i.id)>{i.title.clone()}</a></td>
                    <td>{i.category.clone()}</td>
                    <td>{i.priority.label()} {i.blocking.then_some(" · blocking")}</td>
                    <td>{if i.open { "to do".to_owned() } else { i.status.label().to_owned() }}</td>
                    <td class="num">{i.effort_hours.map(hours).unwrap_or_else(|| "—".to_owned())}</td>
                    <td>{i.assignee.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table">
            <thead>
                <tr>
                    {edit.then(|| view! { <th scope="col"><span class="visually-hidden">"Select"</span></th> })}
                    <th scope="col">"Item"</th>
                    <th scope="col">"Category"</th>
                    <th scope="col">"Priority"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Effort (h)"</th>
                    <th scope="col">"Assignee"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn EditPhaseForm(phase: PhaseView, action: ServerAction<UpdatePhase>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <details>
            <summary>"Edit phase"</summary>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="phase_id" value=phase.id />
                <input type="hidden" name="version" value=phase.version />
                <PhaseFields name=phase.name goal=phase.goal target=phase.target_date.map(|d| d.to_string()).unwrap_or_default() error />
                <button type="submit">"Save phase"</button>
            </ActionForm>
        </details>
    }
}

#[component]
fn PhaseFields(
    name: String,
    goal: String,
    target: String,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    view! {
        <label>"Name" <input type="text" name="name" required maxlength="120" value=name /></label>
        <FieldError error field="name" />
        <label>"Goal" <input type="text" name="goal" maxlength="20000" value=goal /></label>
        <FieldError error field="goal" />
        <label>"Target date" <input type="date" name="target_date" value=target /></label>
        <FieldError error field="target_date" />
    }
}

#[component]
fn NewPhaseForm(slug: String, action: ServerAction<CreatePhase>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="new-phase">
            <h2 id="new-phase">"New phase"</h2>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="slug" value=slug />
                <PhaseFields name=String::new() goal=String::new() target=String::new() error />
                <button type="submit">"Add phase"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SettingsForm(plan: PlanView, action: ServerAction<SetPlanSettings>) -> impl IntoView {
    let error = action_error(action);
    let text = |v: Option<i32>| v.map(|v| v.to_string()).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="plan-settings">
            <h2 id="plan-settings">"Plan settings"</h2>
            <ActionForm action attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="slug" value=plan.slug />
                <input type="hidden" name="version" value=plan.version />
                <label>
                    "Target launch date"
                    <input type="date" name="target_date" value=plan.launch.map(|d| d.to_string()).unwrap_or_default() />
                </label>
                <FieldError error field="target_date" />
                <label>
                    "Team capacity (hours a week)"
                    <input type="number" name="capacity_hours" min="1" max="10000" value=text(plan.capacity_hours) />
                </label>
                <FieldError error field="capacity_hours" />
                <label>
                    "Review every (days)"
                    <input type="number" name="review_every_days" min="1" max="3650" value=text(plan.review_every_days) />
                </label>
                <FieldError error field="review_every_days" />
                <button type="submit">"Save plan settings"</button>
            </ActionForm>
        </section>
    }
}
