//! The search server function. It authorizes inside (the search's own conditions).

use leptos::prelude::*;

use super::model::{SearchFilter, SearchResults};
use crate::error::AppError;

/// One page of results for the signed-in user (see [`super::service::search`]).
#[server(prefix = "/rpc", endpoint = "search", input = server_fn::codec::GetUrl)]
pub async fn search(filter: SearchFilter) -> Result<SearchResults, AppError> {
    use crate::state::{db, require_user};
    let user = require_user()?;
    super::service::search(&db()?, &user, &filter, super::PAGE_SIZE).await
}
