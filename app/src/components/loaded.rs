//! The one way a page shows its data: loaded once on the server, then the page's view of it,
//! or the error.
//!
//! Pages render only on the server (islands): a page's resources are read once per request.
//! After a form posts, the browser loads the page again, or [`crate::enhance`] fetches it and
//! swaps it in, so nothing is fetched again in place and no resource needs an action's version
//! in its key.

use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

use crate::{components::error_view::ErrorView, error::AppError};

/// `show`s what `data` loads, or its error as an [`ErrorView`].
///
/// Make the resource where the page's component starts, outside any `<RequireUser>`: a
/// resource made inside a `Suspense` is made again (and fetched and serialized again) each
/// time the server walks it.
pub fn loaded<T, V>(
    data: Resource<Result<T, AppError>>,
    show: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let show = show.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => show(value).into_any(),
                        Err(error) => view! { <ErrorView error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The data of a page about one object, fetched by the number in the route's `id` parameter;
/// a parameter that is not a number is 404. Made where the page's component starts, as
/// [`loaded`] asks.
pub fn by_id<T, Fut>(
    fetch: impl Fn(i32) -> Fut + Clone + Send + Sync + 'static,
) -> Resource<Result<T, AppError>>
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, AppError>> + Send + 'static,
{
    let params = leptos_router::hooks::use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
    });
    Resource::new(
        move || id.get(),
        move |id| {
            let fetch = fetch.clone();
            async move {
                match id {
                    Some(id) => fetch(id).await,
                    None => Err(AppError::NotFound),
                }
            }
        },
    )
}
