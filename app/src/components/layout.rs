use leptos::prelude::*;

use crate::auth::api::Logout;
use crate::auth::model::SessionInfo;
use crate::error::AppError;

/// The visitor's session, loaded once per navigation that changes it (login, logout, setup).
#[derive(Clone, Copy)]
pub struct SessionResource(pub Resource<Result<SessionInfo, AppError>>);

/// The top bar: product name, and for a signed-in user the sections they may use, their name
/// (linking to the account page) and a sign-out button.
#[component]
pub fn Header() -> impl IntoView {
    let session = expect_context::<SessionResource>().0;
    let logout = ServerAction::<Logout>::new();
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                "Preflight"
            </a>
            <Transition>
                {move || Suspend::new(async move {
                    let session = session.await.ok();
                    let unread = session.as_ref().map_or(0, |s| s.unread);
                    session
                        .and_then(|s| s.user)
                        .map(|user| {
                            view! {
                                <nav class="mainnav" aria-label="Main">
                                    <a href="/">"Projects"</a>
                                    <a href="/teams">"Teams"</a>
                                    <a href="/templates">"Templates"</a>
                                    <a href="/exceptions">"Exceptions"</a>
                                    <a href="/signoffs">"Sign-offs"</a>
                                    <a href="/campaigns">"Campaigns"</a>
                                    {user
                                        .is_admin
                                        .then(|| {
                                            view! {
                                                <a href="/admin/users">"Users"</a>
                                                <a href="/admin/audit">"Audit"</a>
                                                <a href="/admin/reviewer-groups">"Reviewers"</a>
                                                <a href="/admin/tiers">"Tiers"</a>
                                            }
                                        })}
                                </nav>
                                <form
                                    class="topsearch"
                                    method="get"
                                    action="/search"
                                    role="search"
                                >
                                    <input
                                        type="search"
                                        name="q"
                                        placeholder="Search"
                                        aria-label="Search everything"
                                        maxlength="200"
                                    />
                                </form>
                                <nav class="usernav" aria-label="Account">
                                    <a
                                        href="/inbox"
                                        class="inbox-link"
                                        aria-label=if unread == 0 {
                                            "Inbox".to_owned()
                                        } else {
                                            format!("Inbox, {unread} unread")
                                        }
                                    >
                                        "Inbox"
                                        {(unread > 0)
                                            .then(|| view! { <span class="count">{unread}</span> })}
                                    </a>
                                    <a class="username" href="/account">
                                        {user.display_name}
                                    </a>
                                    <ActionForm action=logout>
                                        <button type="submit" class="link-button">
                                            "Sign out"
                                        </button>
                                    </ActionForm>
                                </nav>
                            }
                        })
                })}
            </Transition>
        </header>
    }
}
