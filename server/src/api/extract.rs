//! Extractors of the API: who the bearer token acts as (rate-limited per token), and the JSON,
//! path and query readers whose failures answer as problems rather than plain text.

use app::{account::tokens, auth::model::AuthUser, error::AppError};
use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Path, Query, Request},
    http::{header, request::Parts},
};
use governor::clock::{Clock, DefaultClock};
use serde::de::DeserializeOwned;

use super::{ApiError, ApiState};

/// The token's owner, for reads (any valid token).
pub struct Reader(pub AuthUser);

/// The token's owner, for writes: the token must have the write scope.
pub struct Writer(pub AuthUser);

/// Authenticates the bearer token and spends one request of its rate.
async fn bearer(parts: &Parts, state: &ApiState) -> Result<tokens::Bearer, ApiError> {
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(AppError::Unauthorized)?;
    let bearer = tokens::authenticate(&state.app.db, token).await?;
    crate::telemetry::record_user(&parts.extensions, bearer.user.id);
    if let Err(not_until) = state.limiter.check_key(&bearer.token_id) {
        let wait = not_until.wait_time_from(DefaultClock::default().now());
        return Err(ApiError::too_many_requests(wait.as_secs().max(1)));
    }
    Ok(bearer)
}

impl FromRequestParts<ApiState> for Reader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        Ok(Reader(bearer(parts, state).await?.user))
    }
}

/// The whole token: owner and scope.
pub struct TokenInfo(pub tokens::Bearer);

impl FromRequestParts<ApiState> for TokenInfo {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        Ok(TokenInfo(bearer(parts, state).await?))
    }
}

impl FromRequestParts<ApiState> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        let bearer = bearer(parts, state).await?;
        app::authz::can_write_with_token(bearer.scope).map_err(|_| {
            ApiError::forbidden(
                "This token is read-only; create a read-and-write token to make changes.",
            )
        })?;
        Ok(Writer(bearer.user))
    }
}

/// A JSON body. A body that is not JSON is 415, malformed JSON 400, and JSON of the wrong
/// shape 422 naming the field (its path in the body).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| ApiError::bad_request("The body could not be read."))?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_data() {
                let field = if path == "." { "body".to_owned() } else { path };
                ApiError::invalid_field(field, short(&inner))
            } else {
                ApiError::bad_request(format!("The body is not valid JSON: {}", short(&inner)))
            }
        })?;
        de.end().map_err(|e| {
            ApiError::bad_request(format!("The body is not valid JSON: {}", short(&e)))
        })?;
        Ok(ApiJson(value))
    }
}

/// serde's message without the "at line 1 column 7" tail.
fn short(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Path parameters; a segment of the wrong type is 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| ApiPath(v))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

/// Query parameters; one of the wrong type is 400.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| ApiError::bad_request(e.body_text()))
    }
}

/// What `If-Match` asks: nothing, any version (`*`), or one version (its ETag).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IfMatch {
    /// No header.
    Absent,
    /// `*`: whatever the current version is.
    Any,
    /// `"7"`: only version 7. An ETag we never issued matches nothing (`None`).
    Version(Option<i32>),
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch::Absent);
        };
        let value = value
            .to_str()
            .map_err(|_| ApiError::bad_request("If-Match is not readable text."))?
            .trim();
        if value == "*" {
            return Ok(IfMatch::Any);
        }
        Ok(IfMatch::Version(
            value
                .trim_start_matches("W/")
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .and_then(|v| v.parse().ok()),
        ))
    }
}

/// The ETag of a resource at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}
