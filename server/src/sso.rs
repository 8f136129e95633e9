//! Single sign-on through an OpenID Connect provider (`openidconnect`): discovery from the
//! issuer URL, the authorization code flow with PKCE, `state` and `nonce`, and the ID token's
//! signature and claims (issuer, audience, expiry, nonce) verified before anything else is
//! read from it. What the verified identity does to accounts is `app::auth::sso`.
//!
//! `GET /auth/oidc/start` keeps the flow's secrets in the visitor's session and sends the
//! browser to the provider; `GET /auth/oidc/callback` takes them out (one use), exchanges the
//! code and signs in. Every refusal goes to `/login?sso=CODE`, which explains it; the details
//! go to the log.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use app::{
    auth::{
        model::{END_SESSION_KEY, SignInMethod, safe_next},
        sso::{SsoIdentity, SsoOutcome, SsoSettings},
    },
    state::AppState,
};
use axum::{
    Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use base64::Engine;
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout,
    RedirectUrl, Scope, TokenResponse,
    core::{CoreClient, CoreResponseType},
};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tower_sessions::Session;

/// Session key of a flow underway.
const FLOW_KEY: &str = "oidc_flow";
/// How long a flow may take at the provider.
const FLOW_TTL_SECS: i64 = 600;
/// How long the provider's discovery document (and keys) are kept.
const METADATA_TTL: Duration = Duration::from_secs(600);
/// Groups read from a token (more are ignored), and their longest name.
const MAX_GROUPS: usize = 1000;
const MAX_GROUP_LEN: usize = 256;

/// A flow underway: what the callback must see again.
#[derive(Serialize, Deserialize)]
struct Flow {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    at: i64,
}

/// The provider as this process knows it.
struct Provider {
    settings: SsoSettings,
    redirect: RedirectUrl,
    after_logout: String,
    http: reqwest::Client,
    metadata: Mutex<Option<(Instant, Arc<ProviderMetadataWithLogout>)>>,
}

type Shared = Option<Arc<Provider>>;

/// `/auth/oidc/start` and `/auth/oidc/callback`; both answer 404 when single sign-on is off.
pub fn router(state: &AppState) -> Router<AppState> {
    let provider = state.settings.sso.clone().and_then(|settings| {
        let base = state.settings.base_url.clone()?;
        let base = base.trim_end_matches('/');
        let redirect = RedirectUrl::new(format!("{base}/auth/oidc/callback")).ok()?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .ok()?;
        Some(Arc::new(Provider {
            settings,
            redirect,
            after_logout: format!("{base}/login"),
            http,
            metadata: Mutex::new(None),
        }))
    });
    Router::new()
        .route("/auth/oidc/start", get(start))
        .route("/auth/oidc/callback", get(callback))
        .with_state((state.clone(), provider))
}

impl Provider {
    /// The discovery document, fetched at most every [`METADATA_TTL`].
    async fn metadata(&self) -> Result<Arc<ProviderMetadataWithLogout>, String> {
        let mut cached = self.metadata.lock().await;
        if let Some((at, m)) = cached.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(m.clone());
        }
        let issuer = IssuerUrl::new(self.settings.issuer.clone()).map_err(|e| e.to_string())?;
        let m = Arc::new(
            ProviderMetadataWithLogout::discover_async(issuer, &self.http)
                .await
                .map_err(|e| format!("discovery: {e}"))?,
        );
        *cached = Some((Instant::now(), m.clone()));
        Ok(m)
    }

    fn client(
        &self,
        metadata: &ProviderMetadataWithLogout,
    ) -> openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    > {
        CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect.clone())
    }
}

fn refuse(code: &str) -> Response {
    Redirect::to(&format!("/login?sso={code}")).into_response()
}

#[derive(Deserialize)]
struct StartQuery {
    next: Option<String>,
}

/// Sends the browser to the provider with a fresh `state`, `nonce` and PKCE challenge.
async fn start(
    State((_, provider)): State<(AppState, Shared)>,
    session: Session,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(provider) = provider else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let metadata = match provider.metadata().await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on: provider unavailable");
            return refuse("unavailable");
        }
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let client = provider.client(&metadata);
    let mut request = client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in &provider.settings.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, state, nonce) = request.url();
    let flow = Flow {
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        verifier: verifier.secret().clone(),
        next: safe_next(q.next.as_deref()),
        at: chrono::Utc::now().timestamp(),
    };
    if let Err(e) = session.insert(FLOW_KEY, flow).await {
        tracing::error!(error = %e, "single sign-on: session store");
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    Redirect::to(url.as_str()).into_response()
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// RFC 9207: which provider answered (checked when given: no mix-up).
    iss: Option<String>,
}

/// The provider's answer: checked, exchanged, verified, then signed in.
async fn callback(
    State((app, provider)): State<(AppState, Shared)>,
    session: Session,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let Some(provider) = provider else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // One use: whatever happens next, this flow is over.
    let flow: Option<Flow> = session.remove(FLOW_KEY).await.ok().flatten();
    let now = chrono::Utc::now().timestamp();
    let Some(flow) =
        flow.filter(|f| now - f.at < FLOW_TTL_SECS && q.state.as_deref() == Some(f.state.as_str()))
    else {
        tracing::warn!(
            "single sign-on: callback without a matching flow (forged, replayed or expired state)"
        );
        return refuse("expired");
    };
    if q.iss
        .as_deref()
        .is_some_and(|iss| iss.trim_end_matches('/') != provider.settings.issuer)
    {
        tracing::warn!("single sign-on: the answer names another issuer");
        return refuse("failed");
    }
    if let Some(error) = q.error.as_deref() {
        tracing::info!(error = %error.chars().take(100).collect::<String>(), "single sign-on: the provider refused");
        return refuse(if error == "access_denied" {
            "denied"
        } else {
            "failed"
        });
    }
    let identity = match verify(&provider, &flow, q.code).await {
        Ok(identity) => identity,
        Err(Failure::Unavailable(e)) => {
            tracing::warn!(error = %e, "single sign-on: provider unavailable");
            return refuse("unavailable");
        }
        Err(Failure::Invalid(e)) => {
            tracing::warn!(error = %e, "single sign-on: refused the provider's answer");
            return refuse("failed");
        }
    };
    let (identity, end_session) = identity;
    match app::auth::sso::sign_in(&app.db, &provider.settings, &identity).await {
        Ok(SsoOutcome::SignedIn(user)) => {
            let ua = headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok());
            let started = async {
                app::auth::service::start_session(&session, user.id, SignInMethod::Oidc, ua)
                    .await?;
                if let Some(url) = end_session {
                    session.insert(END_SESSION_KEY, url).await?;
                }
                Ok::<_, app::error::AppError>(())
            };
            if let Err(e) = started.await {
                tracing::error!(error = %e, "single sign-on: session store");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            Redirect::to(&flow.next).into_response()
        }
        Ok(SsoOutcome::NeedsLink(_)) => {
            let pending = app::auth::api::ssr::PendingLink { identity, at: now };
            if let Err(e) = session.insert(app::auth::api::ssr::LINK_KEY, pending).await {
                tracing::error!(error = %e, "single sign-on: session store");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
            Redirect::to("/login/link").into_response()
        }
        Ok(SsoOutcome::Refused(why)) => {
            tracing::info!(subject = %identity.subject, reason = why.code(), "single sign-on: refused");
            refuse(why.code())
        }
        Err(app::error::AppError::Conflict(_)) => refuse("linked"),
        Err(e) => {
            tracing::error!(error = %e, "single sign-on: signing in");
            refuse("failed")
        }
    }
}

enum Failure {
    /// The provider could not be reached.
    Unavailable(String),
    /// Its answer is not acceptable.
    Invalid(String),
}

/// Exchanges `code` (with the PKCE verifier) and verifies the ID token; returns the identity and
/// where signing out should send the browser.
async fn verify(
    provider: &Provider,
    flow: &Flow,
    code: Option<String>,
) -> Result<(SsoIdentity, Option<String>), Failure> {
    let code = code
        .filter(|c| !c.is_empty() && c.len() <= 4096)
        .ok_or_else(|| Failure::Invalid("no code".into()))?;
    let metadata = provider.metadata().await.map_err(Failure::Unavailable)?;
    let client = provider.client(&metadata);
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| Failure::Invalid(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.verifier.clone()))
        .request_async(&provider.http)
        .await
        .map_err(|e| Failure::Invalid(format!("code exchange: {e}")))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| Failure::Invalid("no ID token".into()))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce.clone()))
        .map_err(|e| Failure::Invalid(format!("ID token: {e}")))?;
    // The token is verified: its payload may be read for the groups claim.
    let payload = id_token
        .to_string()
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .unwrap_or_default();
    let groups = groups_of(&payload, &provider.settings.groups_claim);
    let identity = SsoIdentity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
        groups,
    };
    let end_session = metadata
        .additional_metadata()
        .end_session_endpoint
        .clone()
        .map(|endpoint| {
            let mut logout = openidconnect::LogoutRequest::from(endpoint)
                .set_id_token_hint(id_token)
                .set_client_id(ClientId::new(provider.settings.client_id.clone()));
            if let Ok(after) = PostLogoutRedirectUrl::new(provider.after_logout.clone()) {
                logout = logout.set_post_logout_redirect_uri(after);
            }
            logout.http_get_url().to_string()
        });
    Ok((identity, end_session))
}

/// The groups in `claim`: an array of strings, or one string.
fn groups_of(payload: &serde_json::Value, claim: &str) -> Vec<String> {
    let names: Vec<&str> = match payload.get(claim) {
        Some(serde_json::Value::Array(a)) => a.iter().filter_map(|g| g.as_str()).collect(),
        Some(serde_json::Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    };
    names
        .into_iter()
        .filter(|g| !g.is_empty() && g.len() <= MAX_GROUP_LEN)
        .take(MAX_GROUPS)
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::groups_of;

    #[test]
    fn groups_are_an_array_or_one_string_and_bounded() {
        let p = serde_json::json!({ "groups": ["eng", 3, "", "sre"], "role": "admins" });
        assert_eq!(groups_of(&p, "groups"), vec!["eng", "sre"]);
        assert_eq!(groups_of(&p, "role"), vec!["admins"]);
        assert!(groups_of(&p, "missing").is_empty());
        let many = serde_json::json!({ "g": vec!["x"; 5000], "long": ["a".repeat(300)] });
        assert_eq!(groups_of(&many, "g").len(), 1000);
        assert!(groups_of(&many, "long").is_empty());
    }
}
