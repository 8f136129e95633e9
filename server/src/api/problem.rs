//! Errors as `application/problem+json` (RFC 9457), from the one [`AppError`] mapping.

use app::error::AppError;
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error.
pub const CONTENT_TYPE: &str = "application/problem+json";

/// A problem detail (RFC 9457).
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// What kind of problem: a link into the API documentation.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// For invalid input: one entry per field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

/// One invalid field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field's name in the request (a JSON path for nested bodies).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An API failure: an [`AppError`] or one of the few statuses only the API has.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    slug: &'static str,
    title: &'static str,
    detail: String,
    errors: Vec<FieldProblem>,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, slug: &'static str, title: &'static str, detail: String) -> Self {
        Self {
            status,
            slug,
            title,
            detail,
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// 400: the request could not be read.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail.into(),
        )
    }

    /// 403 with its own explanation.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Forbidden",
            detail.into(),
        )
    }

    /// 415: the body is not JSON.
    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "Send the body as application/json.".into(),
        )
    }

    /// 412: `If-Match` names a version the resource is no longer at.
    pub fn precondition_failed() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
            "The resource changed since the ETag in If-Match; fetch it again.".into(),
        )
    }

    /// 428: an update without the version it was based on.
    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "Precondition required",
            "Send the version you last read, as `version` in the body or as an If-Match ETag."
                .into(),
        )
    }

    /// 429 after `secs`.
    pub fn too_many_requests(secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            format!("This token's request rate is used up; retry in {secs} s."),
        );
        e.retry_after = Some(secs);
        e
    }

    /// 422 on one field.
    pub fn invalid_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Invalid input",
            AppError::Validation(Default::default()).to_string(),
        );
        e.errors = vec![FieldProblem {
            field: field.into(),
            message: message.into(),
        }];
        e
    }

    /// Renames fields of a validation error (service names → the API's body names).
    pub fn rename_fields(mut self, names: &[(&str, &str)]) -> Self {
        for e in &mut self.errors {
            if let Some((_, to)) = names.iter().find(|(from, _)| *from == e.field) {
                e.field = (*to).to_owned();
            }
        }
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        let status =
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let (slug, title) = match &err {
            AppError::BadRequest => ("bad-request", "Bad request"),
            AppError::Unauthorized | AppError::InvalidCredentials => {
                ("unauthorized", "Unauthorized")
            }
            AppError::Forbidden => ("forbidden", "Forbidden"),
            AppError::NotFound => ("not-found", "Not found"),
            AppError::Conflict(_) => ("conflict", "Conflict"),
            AppError::Validation(_) => ("validation", "Invalid input"),
            AppError::TooManyAttempts(_) => ("rate-limited", "Too many requests"),
            AppError::Internal => ("internal", "Internal error"),
            AppError::Busy(_) => ("busy", "Busy"),
            AppError::Unavailable(_) => ("unavailable", "Database unavailable"),
        };
        let detail = match &err {
            AppError::Unauthorized => {
                "Send a valid API token: `Authorization: Bearer pfat_…`.".to_owned()
            }
            other => other.to_string(),
        };
        let mut e = ApiError::new(status, slug, title, detail);
        match err {
            AppError::Validation(fields) => {
                e.errors = fields
                    .into_iter()
                    .map(|(field, message)| FieldProblem { field, message })
                    .collect();
            }
            AppError::TooManyAttempts(secs)
            | AppError::Busy(secs)
            | AppError::Unavailable(secs) => {
                e.retry_after = Some(secs);
            }
            _ => {}
        }
        e
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Problem {
            kind: format!("{}/docs#problem-{}", super::BASE, self.slug),
            title: self.title.to_owned(),
            status: self.status.as_u16(),
            detail: self.detail,
            errors: self.errors,
        };
        let mut res = (
            self.status,
            [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
            Json(body),
        )
            .into_response();
        // `Json` sets its own content type; the problem type must win.
        res.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"preflight\""),
            );
        }
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// The problem kinds, for the documentation page: (slug, status, title, when).
pub const KINDS: [(&str, u16, &str, &str); 11] = [
    (
        "bad-request",
        400,
        "Bad request",
        "The JSON, a query parameter or a path segment could not be read.",
    ),
    (
        "unauthorized",
        401,
        "Unauthorized",
        "No bearer token, or one that is unknown, revoked or expired, or whose owner is disabled.",
    ),
    (
        "forbidden",
        403,
        "Forbidden",
        "The owner's role does not allow this, or the token is read-only.",
    ),
    (
        "not-found",
        404,
        "Not found",
        "No such resource, or it belongs to a team the owner is not in.",
    ),
    (
        "conflict",
        409,
        "Conflict",
        "The `version` sent is stale (someone changed the resource), or a duplicate.",
    ),
    (
        "precondition-failed",
        412,
        "Precondition failed",
        "The ETag in `If-Match` is stale.",
    ),
    (
        "unsupported-media-type",
        415,
        "Unsupported media type",
        "A body that is not `application/json`.",
    ),
    (
        "validation",
        422,
        "Invalid input",
        "Fields fail validation; `errors` lists each field and message.",
    ),
    (
        "precondition-required",
        428,
        "Precondition required",
        "An update without `version` or `If-Match`.",
    ),
    (
        "rate-limited",
        429,
        "Too many requests",
        "The token's request rate is used up; wait `Retry-After` seconds.",
    ),
    (
        "internal",
        500,
        "Internal error",
        "A failure on the server; it is logged there, and nothing of it is shown.",
    ),
];
