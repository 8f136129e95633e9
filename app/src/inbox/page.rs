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
