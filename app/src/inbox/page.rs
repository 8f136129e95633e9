//! `/inbox`: one's notifications, newest first, with "mark read" and "mark all read".

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    api::{MarkAllNotificationsRead, MarkNotificationRead, get_inbox},
    model::InboxView,
};
use crate::components::{
    field_error::{FormError, action_error},
    loaded::loaded,
    page_action::page_action,
    require_user::RequireUser,
};

/// `/inbox`.
#[component]
pub fn InboxPage() -> impl IntoView {
    let query = use_query_map();
    let before = Memo::new(move |_| query.read().get("before").and_then(|b| b.parse().ok()));
    let data = Resource::new(move || before.get(), get_inbox);
    let read = page_action::<MarkNotificationRead>();
    let all = page_action::<MarkAllNotificationsRead>();
    let (read_error, all_error) = (action_error(read), action_error(all));
    let error = Signal::derive(move || read_error.get().or(all_error.get()));
    view! {
        <RequireUser>
            <h1>"Inbox"</h1>
            <FormError error />
            {loaded(data, move |view| view! { <Inbox view read all /> })}
        </RequireUser>
    }
}

#[component]
fn Inbox(
    view: InboxView,
    read: ServerAction<MarkNotificationRead>,
    all: ServerAction<MarkAllNotificationsRead>,
) -> impl IntoView {
    let unread = view.unread;
    let empty = view.items.is_empty().then(|| {
        view! {
            <p class="empty">
                "When someone assigns you an item, or changes or comments on one you hold, it shows here."
            </p>
        }
    });
    let marked = move || {
        all.value().get().and_then(Result::ok).map(|n| {
            let s = if n == 1 { "" } else { "s" };
            format!("Marked {n} notification{s} read.")
        })
    };
    let rows = view
        .items
        .into_iter()
        .map(|n| {
            let mark = n.unread.then(|| {
                let label = format!("Mark read: {}", n.text);
                view! {
                    <button type="submit" class="secondary" name="read" value=n.id aria-label=label>
                        "Mark read"
                    </button>
                }
            });
            view! {
                <li class:unread=n.unread>
                    {n.unread.then(|| view! { <span class="badge">"new"</span> })}
                    <a href=n.link.clone()>{n.text.clone()}</a>
                    <time class="muted">{n.at.clone()}</time>
                    {mark}
                </li>
            }
        })
        .collect_view();
    view! {
        <p role="status">
            {match unread {
                0 => "Nothing unread.".to_owned(),
                1 => "1 unread.".to_owned(),
                n => format!("{n} unread."),
            }}
            " "
            {marked}
        </p>
        {(unread > 0)
            .then(|| {
                view! {
                    <ActionForm action=all>
                        <button type="submit">"Mark all read"</button>
                    </ActionForm>
                }
            })}
        // One form for the list: each unread row's button sends its id.
        <ActionForm action=read attr:class="inbox">
            <ul class="inbox-list">{rows}</ul>
        </ActionForm>
        {empty}
        {view
            .older
            .map(|before| {
                view! {
                    <p>
                        <a href=format!("/inbox?before={before}")>"Older"</a>
                    </p>
                }
            })}
    }
}

/// The notification settings on `/account` (`#notifications`): per kind, inbox and mail; mail
/// one by one or as a daily digest; whether this instance can mail at all.
#[component]
pub fn NotificationSettings(
    save: ServerAction<super::api::SaveNotificationPrefs>,
    prefs: Resource<Result<super::model::PrefsView, crate::error::AppError>>,
) -> impl IntoView {
    use crate::components::field_error::{FieldError, non_field_error};
    let error = action_error(save);
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <section class="card" id="notifications" aria-labelledby="notifications-heading">
            <h2 id="notifications-heading">"Notifications"</h2>
            {loaded(prefs, move |p| {
                let mail_note = if p.mail_on {
                    view! { <p class="muted">{format!("Mail goes to {}.", p.email)}</p> }.into_any()
                } else {
                    view! {
                        <p class="notice" role="note">
                            "Mail is off on this Preflight: an administrator turns it on by setting PREFLIGHT_SMTP_URL. \
                             Your mail choices are kept for when it is on; the inbox works meanwhile."
                        </p>
                    }
                        .into_any()
                };
                let rows = p
                    .rows
                    .into_iter()
                    .map(|r| {
                        let (inbox_label, email_label) = (
                            format!("Inbox: {}", r.label),
                            format!("Mail: {}", r.label),
                        );
                        view! {
                            <tr>
                                <th scope="row">{r.label.clone()}</th>
                                <td>
                                    <input type="checkbox" name="inbox[]" value=r.kind.clone() checked=r.inbox aria-label=inbox_label />
                                </td>
                                <td>
                                    <input type="checkbox" name="email[]" value=r.kind.clone() checked=r.email aria-label=email_label />
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                let daily = p.mail_mode == "daily";
                view! {
                    {mail_note}
                    <ActionForm action=save attr:class="stack">
                        <FormError error=non_field_error(error) />
                        <table class="table">
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Inbox"</th>
                                    <th scope="col">"Mail"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                        <FieldError error field="inbox" />
                        <fieldset>
                            <legend>"How mail arrives"</legend>
                            <label>
                                <input type="radio" name="mail_mode" value="each" checked=!daily />
                                " One mail per notification"
                            </label>
                            <label>
                                <input type="radio" name="mail_mode" value="daily" checked=daily />
                                " One digest a day (07:00 UTC)"
                            </label>
                        </fieldset>
                        <FieldError error field="mail_mode" />
                        <label>
                            <input type="checkbox" name="weekly_digest" value="on" checked=p.weekly_digest />
                            " A weekly digest on Monday morning: what is due this week, what is overdue, and the projects you watch"
                        </label>
                        <label>
                            "Your time zone (when Monday morning is)"
                            <input type="text" name="time_zone" value=p.time_zone.clone() maxlength="64" placeholder="Europe/Berlin" autocomplete="off" />
                        </label>
                        <FieldError error field="time_zone" />
                        <button type="submit" disabled=move || save.pending().get()>
                            "Save notification settings"
                        </button>
                        {move || saved().then(|| view! { <p role="status">"Notification settings saved."</p> })}
                    </ActionForm>
                }
            })}
        </section>
    }
}

/// One's watch on a project (`item`: `None`) or an item: what follows from one's settings,
/// and buttons to watch, mute or return to the default.
#[component]
pub fn WatchControl(
    slug: String,
    item: Option<i32>,
    state: Resource<Result<super::model::WatchState, crate::error::AppError>>,
    set: ServerAction<super::api::SetWatch>,
) -> impl IntoView {
    let error = action_error(set);
    let what = if item.is_some() { "item" } else { "project" };
    view! {
        <section class="watch" aria-label=format!("Notifications about this {what}")>
            <FormError error />
            {loaded(state, move |w| {
                let own = if item.is_some() { w.on_item } else { w.on_project };
                let sentence = match (own, w.watching, item.is_some()) {
                    (Some(true), _, _) => format!("You watch this {what}."),
                    (Some(false), _, _) => format!("You muted this {what}."),
                    (None, true, true) if w.on_project == Some(true) => "You hear of changes here: you watch its project.".to_owned(),
                    (None, true, true) => "You hear of changes here: you hold or created this item.".to_owned(),
                    (None, false, true) if w.on_project == Some(false) => "You hear nothing of this item: you muted its project.".to_owned(),
                    (None, _, true) => "You hear of this item only when it is assigned to you or you are mentioned.".to_owned(),
                    (None, _, false) => "You hear of this project's items that you hold or created.".to_owned(),
                };
                let slug = slug.clone();
                view! {
                    <ActionForm action=set attr:class="inline">
                        <span role="status">{sentence}</span>
                        " "
                        <input type="hidden" name="slug" value=slug />
                        {item.map(|i| view! { <input type="hidden" name="item" value=i /> })}
                        {(own != Some(true)).then(|| view! {
                            <button type="submit" class="secondary" name="watch" value="watch">{format!("Watch {what}")}</button>
                        })}
                        {(own != Some(false)).then(|| view! {
                            <button type="submit" class="secondary" name="watch" value="mute">{format!("Mute {what}")}</button>
                        })}
                        {own.is_some().then(|| view! {
                            <button type="submit" class="secondary" name="watch" value="default">"Back to default"</button>
                        })}
                    </ActionForm>
                }
            })}
        </section>
    }
}
