//! `/unsubscribe`: the link in every notification mail. It works without signing in: the link
//! carries a signature of "this person may turn off this kind of mail", made with the
//! instance's key. `GET` asks (a page with one button); `POST` turns the mail off — what mail
//! programs send for one-click unsubscribe (RFC 8058) and what the page's button sends.

use app::{
    entities::users,
    inbox::{
        mail::{ALL_KINDS, link_key, unsubscribe_tag_valid},
        model::kind_info,
        prefs,
    },
    state::AppState,
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use sea_orm::EntityTrait;

/// The link's query: `u` (person), `k` (kind, or `all`), `t` (signature).
#[derive(serde::Deserialize)]
pub struct Link {
    u: Option<String>,
    k: Option<String>,
    t: Option<String>,
}

/// A checked link: whose mail, of what kind, described.
struct Checked {
    user: i32,
    kind: String,
    what: String,
    email: String,
}

/// `GET /unsubscribe`: asks before turning anything off (link scanners follow links).
pub async fn ask(State(state): State<AppState>, Query(link): Query<Link>) -> Response {
    match check(&state, &link).await {
        Ok(c) => {
            let action = format!(
                "/unsubscribe?u={}&k={}&t={}",
                c.user,
                c.kind,
                link.t.as_deref().unwrap_or_default()
            );
            page(
                StatusCode::OK,
                "Stop these mails?",
                &format!(
                    "<p>Preflight mails {} when: {}.</p>\
                     <form method=\"post\" action=\"{}\"><button type=\"submit\">Stop these mails</button></form>\
                     <p class=\"muted\">Your inbox in Preflight keeps them. You can turn mail on again on your <a href=\"/account#notifications\">account page</a>.</p>",
                    esc(&c.email),
                    esc(&c.what),
                    esc(&action)
                ),
            )
        }
        Err(response) => response,
    }
}

/// `POST /unsubscribe`: turns the mail off (again is fine).
pub async fn confirm(State(state): State<AppState>, Query(link): Query<Link>) -> Response {
    let c = match check(&state, &link).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    if let Err(e) = prefs::unsubscribe(&state.db, c.user, &c.kind).await {
        tracing::error!(error = %e, "unsubscribe");
        return page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Not done yet",
            "<p>Preflight could not save this just now. Please try the link again in a minute.</p>",
        );
    }
    tracing::info!(user = c.user, kind = %c.kind, "unsubscribed by mail link");
    page(
        StatusCode::OK,
        "Done",
        &format!(
            "<p>No more mail to {} when: {}.</p>\
             <p class=\"muted\">Your inbox in Preflight keeps them. Change what you get on your <a href=\"/account#notifications\">account page</a>.</p>",
            esc(&c.email),
            esc(&c.what)
        ),
    )
}

async fn check(state: &AppState, link: &Link) -> Result<Checked, Response> {
    let invalid = || {
        page(
            StatusCode::BAD_REQUEST,
            "This link does not work",
            "<p>The unsubscribe link is incomplete or was changed. Open it from the mail again, \
             or sign in and choose what you get on your <a href=\"/account#notifications\">account page</a>.</p>",
        )
    };
    let (Some(user), Some(kind), Some(tag)) = (
        link.u.as_deref().and_then(|u| u.parse::<i32>().ok()),
        link.k.as_deref(),
        link.t.as_deref(),
    ) else {
        return Err(invalid());
    };
    let what = if kind == ALL_KINDS {
        "anything happens (every kind of notification, and the digests)".to_owned()
    } else if kind == app::inbox::mail::WEEKLY {
        "a week begins (the weekly digest)".to_owned()
    } else {
        match kind_info(kind) {
            Some(k) => k.label.to_lowercase(),
            None => return Err(invalid()),
        }
    };
    let unavailable = |e: sea_orm::DbErr| {
        tracing::error!(error = %e, "unsubscribe");
        page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Not available",
            "<p>Preflight cannot check this link just now. Please try again in a minute.</p>",
        )
    };
    let key = link_key(&state.db).await.map_err(unavailable)?;
    if !unsubscribe_tag_valid(&key, user, kind, tag) {
        return Err(invalid());
    }
    let Some(person) = users::Entity::find_by_id(user)
        .one(&state.db)
        .await
        .map_err(unavailable)?
    else {
        return Err(invalid());
    };
    Ok(Checked {
        user,
        kind: kind.to_owned(),
        what,
        email: person.email,
    })
}

fn esc(s: &str) -> String {
    html_escape::encode_double_quoted_attribute(s).into_owned()
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Preflight</title><link rel=\"stylesheet\" href=\"/pkg/preflight.css\"></head>\
         <body><main class=\"narrow\"><h1>{}</h1>{body}</main></body></html>",
        esc(title),
        esc(title)
    );
    (status, Html(html)).into_response()
}
