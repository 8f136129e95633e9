//! Test harness: fresh databases and a running server.

use std::{net::SocketAddr, path::PathBuf};

use app::state::AppSettings;
use preflight_server::{db, leptos_options, listen::ListenLimits, router::build_router};
use reqwest::{Client, Response, redirect::Policy};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, Statement};
use std::sync::atomic::{AtomicBool, Ordering};

/// A new, empty database: a SQLite file in a fresh temp dir, or a new PostgreSQL database on
/// the server `DATABASE_URL` names. Names carry the test process's id; the first call of a run
/// removes what earlier runs left behind (a test cannot drop its own database: the server
/// it started keeps connections open until the process ends).
pub async fn fresh_db() -> DatabaseConnection {
    db::connect(&fresh_db_url().await)
        .await
        .expect("connect test db")
}

/// A fresh, migrated database, opened as `preflight serve` opens one.
pub async fn fresh_migrated_db() -> DatabaseConnection {
    db::open(&fresh_db_url().await).await.expect("open test db")
}

/// The URL of a fresh, empty database (PostgreSQL when `DATABASE_URL` names one, else SQLite).
pub async fn fresh_db_url() -> String {
    let name = format!(
        "pf_test_{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    let sweep = !SWEPT.swap(true, Ordering::SeqCst);
    if sweep {
        sweep_temp_dirs();
    }
    match std::env::var("DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => {
            let admin = Database::connect(&url).await.expect("connect to postgres");
            if sweep {
                sweep_databases(&admin).await;
            }
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let base = url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&url);
            format!("{base}/{name}")
        }
        _ => {
            let dir = temp_dir(&name);
            format!("sqlite://{}/test.db?mode=rwc", dir.display())
        }
    }
}

static SWEPT: AtomicBool = AtomicBool::new(false);

/// Whether `name` (`pf_…_{pid}_…` or `pf_…-{pid}`) belongs to a test process that has ended
/// (or to a run from before names carried one).
fn left_behind(name: &str) -> bool {
    let pid = name
        .split(['_', '-'])
        .find_map(|part| part.parse::<u32>().ok());
    pid.is_none_or(|pid| {
        pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
    })
}

/// Drops the test databases of ended runs.
async fn sweep_databases(admin: &DatabaseConnection) {
    let Ok(rows) = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'pf\\_test\\_%'",
        ))
        .await
    else {
        return;
    };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        if left_behind(&name) {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// Removes the temp dirs (SQLite files, site roots) of ended runs.
fn sweep_temp_dirs() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if (name.starts_with("pf_test_") || name.starts_with("pf_site_")) && left_behind(&name) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A fresh directory under the system temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The real application router serving on an ephemeral port over a fresh, migrated database.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's database, for arranging data and checking effects.
    pub db: DatabaseConnection,
    /// The clock the server's requests see (tests move it forward).
    pub clock: app::clock::Clock,
}

/// Contents of the static file the test site root serves at `/pkg/preflight.css`.
pub const STATIC_CSS: &str = "body { color: black; }";

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(AppSettings::default()).await
    }

    /// As [`TestServer::start`], with other settings.
    pub async fn start_with(settings: AppSettings) -> Self {
        Self::start_on(fresh_migrated_db().await, settings).await
    }

    /// A server over an existing (migrated) database: a restart, or a second instance.
    pub async fn start_on(db: DatabaseConnection, settings: AppSettings) -> Self {
        Self::start_listening(db, settings, ListenLimits::default()).await
    }

    /// As [`TestServer::start_on`], with the listener's limits.
    pub async fn start_listening(
        db: DatabaseConnection,
        settings: AppSettings,
        limits: ListenLimits,
    ) -> Self {
        Self::start_observed(db, settings, limits, |_| {}).await
    }

    /// As [`TestServer::start_listening`], showing every statement the server runs to
    /// `observe`.
    pub async fn start_observed(
        db: DatabaseConnection,
        settings: AppSettings,
        limits: ListenLimits,
        observe: impl Fn(&sea_orm::metric::Info<'_>) + Send + Sync + 'static,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener, db, settings, limits, observe)
    }

    /// A server over a fresh database on a listener bound beforehand (its address goes into
    /// settings made afterwards, e.g. a sign-in provider's redirect URI).
    pub async fn start_bound(listener: tokio::net::TcpListener, settings: AppSettings) -> Self {
        let db = fresh_migrated_db().await;
        Self::serve(listener, db, settings, ListenLimits::default(), |_| {})
    }

    fn serve(
        listener: tokio::net::TcpListener,
        db: DatabaseConnection,
        settings: AppSettings,
        limits: ListenLimits,
        observe: impl Fn(&sea_orm::metric::Info<'_>) + Send + Sync + 'static,
    ) -> Self {
        let site = temp_dir(&format!("pf_site_{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::write(site.join("pkg/preflight.css"), STATIC_CSS).unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let state = preflight_server::app_state_observed(
            db.clone(),
            settings,
            leptos_options(site, addr),
            observe,
        );
        let clock = state.clock.clone();
        let app = build_router(state);
        tokio::spawn(preflight_server::listen::serve(
            listener,
            app,
            limits,
            std::future::pending(),
        ));
        TestServer {
            base: format!("http://{addr}"),
            db,
            clock,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A browser-like client: keeps cookies, does not follow redirects.
    pub fn client(&self) -> Client {
        browser_like().build().unwrap()
    }

    /// A client whose requests arrive through a proxy saying they come from `ip`
    /// (`X-Forwarded-For`; believed when the server trusts 127.0.0.1 as a proxy).
    pub fn client_at(&self, ip: &str) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", ip.parse().unwrap());
        browser_like().default_headers(headers).build().unwrap()
    }

    /// The account's session-facing view, for calling services directly.
    pub async fn auth_user(&self, email: &str) -> app::auth::model::AuthUser {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let u = app::entities::users::Entity::find()
            .filter(app::entities::users::Column::Email.eq(email))
            .one(&self.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {email}"));
        app::auth::service::to_auth_user(u)
    }

    /// Audit events as (entity, action) pairs, oldest first.
    pub async fn audit_trail(&self) -> Vec<(String, String)> {
        use sea_orm::{EntityTrait, QueryOrder};
        app::entities::audit_events::Entity::find()
            .order_by_asc(app::entities::audit_events::Column::Id)
            .all(&self.db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.entity, e.action))
            .collect()
    }

    /// GETs a page as a browser does (`Accept: text/html`, so redirects are real 302s).
    pub async fn page(&self, client: &Client, path: &str) -> Response {
        read(
            client
                .get(self.url(path))
                .header("accept", "text/html,application/xhtml+xml"),
        )
        .await
    }

    /// POSTs a form to a server function, as a same-origin browser `fetch` would.
    pub async fn call(&self, client: &Client, name: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/rpc/{name}")))
            .header("origin", &self.base)
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// [`Self::call`], asserting a 200 (the body is shown when it is not).
    pub async fn call_ok(&self, client: &Client, name: &str, form: &[(&str, &str)]) {
        let res = self.call(client, name, form).await;
        let status = res.status();
        assert_eq!(
            status,
            200,
            "{name}: {}",
            res.text().await.unwrap_or_default()
        );
    }

    /// Runs first-run setup with `email` as the admin; the client is then signed in.
    pub async fn setup_admin(&self, client: &Client, email: &str) -> Response {
        self.call(
            client,
            "setup",
            &[
                ("email", email),
                ("display_name", "Ada Admin"),
                ("password", PASSWORD),
                ("team_name", "Platform"),
            ],
        )
        .await
    }

    /// Sets up with admin `ada@example.com`; returns the signed-in client and the id of the
    /// team setup made.
    pub async fn admin_with_team(&self) -> (Client, String) {
        let client = self.client();
        self.setup_admin(&client, "ada@example.com").await;
        let team = app::entities::teams::Entity::find()
            .one(&self.db)
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string();
        (client, team)
    }

    /// GETs a server function or API path and parses the JSON answer.
    pub async fn get_json(&self, client: &Client, path: &str) -> serde_json::Value {
        read(client.get(self.url(path))).await.json().await.unwrap()
    }

    /// Creates an account directly in the database (no team).
    pub async fn add_user(&self, email: &str, is_admin: bool) -> app::entities::users::Model {
        app::auth::service::create_user(
            &self.db,
            app::auth::service::NewUser {
                email: email.into(),
                display_name: email.split('@').next().unwrap().into(),
                password: PASSWORD.into(),
                is_admin,
            },
        )
        .await
        .unwrap()
    }

    /// A new account `email` in `team` with `role`, added by the team's owner `by`; returns
    /// its signed-in client.
    pub async fn member(&self, by: &Client, team: &str, email: &str, role: &str) -> Client {
        self.add_user(email, false).await;
        self.call_ok(
            by,
            "add_member",
            &[("team_id", team), ("email", email), ("role", role)],
        )
        .await;
        let client = self.client();
        assert_eq!(self.login(&client, email, PASSWORD).await.status(), 200);
        client
    }

    /// Signs the client in.
    pub async fn login(&self, client: &Client, email: &str, password: &str) -> Response {
        self.call(client, "login", &[("email", email), ("password", password)])
            .await
    }

    /// Ada (admin, owner of her team) with project `shop` ("Shop") and its category `category`.
    pub async fn shop(&self, category: &str) -> Shop {
        let (c, team) = self.admin_with_team().await;
        self.call_ok(
            &c,
            "create_project",
            &[("name", "Shop"), ("team_id", &team)],
        )
        .await;
        let res = self
            .call(
                &c,
                "create_category",
                &[("slug", "shop"), ("name", category)],
            )
            .await;
        let category = res.json::<i32>().await.unwrap().to_string();
        Shop { c, team, category }
    }
}

/// See [`TestServer::shop`].
pub struct Shop {
    /// Ada's client.
    pub c: Client,
    /// Her team's id.
    pub team: String,
    /// The category's id.
    pub category: String,
}

impl Shop {
    /// Adds an item to the category with `fields` (`title`, `priority`, …); returns its id.
    pub async fn item(&self, s: &TestServer, fields: &[(&str, &str)]) -> String {
        let mut form = vec![("category_id", self.category.as_str())];
        form.extend_from_slice(fields);
        let res = s.call(&self.c, "create_item", &form).await;
        assert_eq!(res.status(), 200);
        res.json::<i32>().await.unwrap().to_string()
    }
}

/// The test clients' common settings: cookies kept, redirects not followed, a bound on every
/// request, and a new connection per request (the listener's keep-alive path is tested by
/// `security_http` with raw connections).
fn browser_like() -> reqwest::ClientBuilder {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(REQUEST_TIMEOUT)
        .pool_idle_timeout(CLIENT_IDLE)
        .pool_max_idle_per_host(0)
}

/// Sends a read. A read whose connection failed before an answer is sent once more, and
/// reported; a read that got no answer within [`REQUEST_TIMEOUT`] fails its test. (Pages that
/// went unanswered now and then were another server in the process generating its routes:
/// `pages_http::pages_answer_while_other_servers_start`.) Writes are never repeated.
pub async fn read(request: reqwest::RequestBuilder) -> Response {
    let again = request.try_clone();
    match request.send().await {
        Ok(res) => res,
        Err(first) if first.is_timeout() => panic!("no answer in time: {first}"),
        Err(first) => {
            eprintln!("a read failed ({first}); asking once more");
            again
                .expect("a GET can be cloned")
                .send()
                .await
                .unwrap_or_else(|e| panic!("{first}; again: {e}"))
        }
    }
}

/// A test client drops a kept-alive connection idle this long, well before the server closes
/// it (`ListenLimits::header_read_timeout`): as browsers and proxies do, it never sends a
/// request down a connection the server is closing at that moment.
const CLIENT_IDLE: std::time::Duration = std::time::Duration::from_secs(5);

/// No test request should take this long: a hung response fails its test instead of the run.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// The password every test account uses.
pub const PASSWORD: &str = "correct horse battery";

/// The JSON error kind of a server function's error response.
pub async fn error_kind(res: Response) -> (u16, serde_json::Value) {
    let status = res.status().as_u16();
    let body: serde_json::Value = res.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

/// The `Set-Cookie` header that sets the session cookie, if the response has one.
pub fn session_set_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("preflight_session="))
        .map(str::to_owned)
}

/// A handle on `db` that counts the statements run through it, and the count.
pub fn counting(
    db: &DatabaseConnection,
) -> (
    DatabaseConnection,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
) {
    use std::sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    };
    let count = Arc::new(AtomicUsize::new(0));
    let mut counted = db.clone();
    let counter = count.clone();
    counted.set_metric_callback(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (counted, count)
}

/// The code an authenticator app shows for the base32 `secret`, `offset` 30-second steps from
/// now (computed with `totp-rs`, as the app would).
pub fn totp_code(secret: &str, offset: i64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).unwrap();
    let totp = totp_rs::Builder::new().with_secret(secret).build().unwrap();
    let t = chrono::Utc::now().timestamp() + offset * 30;
    totp.generate(u64::try_from(t).unwrap()).to_string()
}
