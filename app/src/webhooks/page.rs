//! The webhooks part of the team page (owners): add one (its secret shown once), each
//! webhook's events and delivery log with "send again", delete.

use leptos::prelude::*;

use super::{
    api::{CreateWebhook, DeleteWebhook, SendWebhookAgain},
    model::{DeliveryView, EVENTS, FORMATS, WebhookView},
};
use crate::{
    components::{
        field_error::{FieldError, FormError, action_error, non_field_error},
        loaded::loaded,
        shown_once::ShownOnce,
    },
    error::AppError,
};

/// The webhook actions of the team page.
#[derive(Clone, Copy)]
pub struct WebhookActions {
    /// Add one.
    pub create: ServerAction<CreateWebhook>,
    /// Delete one.
    pub delete: ServerAction<DeleteWebhook>,
    /// Send a message again.
    pub again: ServerAction<SendWebhookAgain>,
}

/// `/teams/{id}`'s "Webhooks" section.
#[component]
pub fn Webhooks(
    team_id: i32,
    hooks: Resource<Result<Vec<WebhookView>, AppError>>,
    actions: WebhookActions,
) -> impl IntoView {
    let error = action_error(actions.create);
    let (delete_error, again_error) = (action_error(actions.delete), action_error(actions.again));
    let list_error = Signal::derive(move || delete_error.get().or(again_error.get()));
    let created = move || actions.create.value().get().and_then(Result::ok);
    let events = EVENTS
        .iter()
        .map(|(name, label)| {
            view! {
                <label>
                    <input type="checkbox" name="events[]" value=*name checked=true />
                    " " {*label}
                </label>
            }
        })
        .collect_view();
    let formats = FORMATS
        .iter()
        .map(|(name, label)| view! { <option value=*name>{*label}</option> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading">"Webhooks"</h2>
            <p class="muted">
                "Preflight posts this team's events to these URLs, signed with the webhook's secret \
                 (Standard Webhooks: headers webhook-id, webhook-timestamp, webhook-signature), and \
                 retries for a day while the receiver fails. Choose the Slack format for a Slack or \
                 Mattermost incoming webhook."
            </p>
            <FormError error=list_error />
            {loaded(hooks, move |list| {
                if list.is_empty() {
                    view! { <p class="empty">"No webhooks yet."</p> }.into_any()
                } else {
                    list.into_iter()
                        .map(|h| view! { <Webhook h actions /> })
                        .collect_view()
                        .into_any()
                }
            })}
            <h3>"Add a webhook"</h3>
            <ActionForm action=actions.create attr:class="stack">
                <FormError error=non_field_error(error) />
                <input type="hidden" name="team_id" value=team_id />
                <label>
                    "URL"
                    <input type="url" name="url" required maxlength="2000" placeholder="https://hooks.example.com/preflight" />
                </label>
                <FieldError error field="url" />
                <fieldset>
                    <legend>"Events"</legend>
                    {events}
                </fieldset>
                <FieldError error field="events" />
                <label>"Format " <select name="format">{formats}</select></label>
                <FieldError error field="format" />
                <button type="submit" disabled=move || actions.create.pending().get()>"Add webhook"</button>
            </ActionForm>
            {move || created().map(|c| view! {
                <ShownOnce what="signing secret" label="New webhook's signing secret" value=c.secret />
            })}
        </section>
    }
}

#[component]
fn Webhook(h: WebhookView, actions: WebhookActions) -> impl IntoView {
    let url = h.url.clone();
    let log = if h.deliveries.is_empty() {
        view! { <p class="muted">"Nothing sent yet."</p> }.into_any()
    } else {
        let rows = h
            .deliveries
            .into_iter()
            .map(|d| view! { <Delivery d /> })
            .collect_view();
        view! {
            <ActionForm action=actions.again>
                <table class="table">
                    <caption class="visually-hidden">{format!("Deliveries to {url}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Event"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Attempts"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </ActionForm>
        }
        .into_any()
    };
    let format = FORMATS
        .iter()
        .find(|(f, _)| *f == h.format)
        .map_or(h.format.clone(), |(_, l)| (*l).to_owned());
    let (region, delete) = (
        format!("Webhook {}", h.url),
        format!("Delete webhook {}", h.url),
    );
    let about = format!(
        "{} · {} · since {}",
        h.events.join(", "),
        format,
        h.created_at
    );
    view! {
        <article class="webhook" aria-label=region>
            <h3 class="wrap">{h.url}</h3>
            <p class="muted">{about}</p>
            {log}
            <ActionForm action=actions.delete attr:class="inline">
                <input type="hidden" name="id" value=h.id />
                <button type="submit" class="danger" aria-label=delete>"Delete"</button>
            </ActionForm>
        </article>
    }
}

#[component]
fn Delivery(d: DeliveryView) -> impl IntoView {
    let attempts = d
        .attempts
        .iter()
        .map(|a| {
            let what = match (a.status_code, a.error.is_empty()) {
                (Some(code), true) => format!("{code}"),
                (Some(code), false) => format!("{code} ({})", a.error),
                (None, _) => a.error.clone(),
            };
            view! { <li>{format!("{} · {what} · {} ms", a.at, a.duration_ms)}</li> }
        })
        .collect_view();
    let label = format!("Send {} {} again", d.event, d.msg_id);
    view! {
        <tr>
            <td>{d.event.clone()} <br /> <small class="muted">{d.created_at.clone()}</small></td>
            <td>{d.state.clone()}</td>
            <td><ul class="plain-list">{attempts}</ul></td>
            <td>
                <button type="submit" class="secondary" name="again" value=d.id aria-label=label>"Send again"</button>
            </td>
        </tr>
    }
}
