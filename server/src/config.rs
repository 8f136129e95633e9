//! Command line and environment configuration. Every option has an environment variable; a
//! command-line flag overrides it.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

/// Preflight: production-readiness reviews kept live.
#[derive(Debug, Parser)]
#[command(name = "preflight", version, about)]
pub struct Cli {
    /// Database settings shared by every command.
    #[command(flatten)]
    pub db: DbArgs,
    /// Mail settings shared by every command that may send mail.
    #[command(flatten)]
    pub mail: MailArgs,
    /// Webhook settings shared by every command that may deliver webhooks.
    #[command(flatten)]
    pub webhooks: WebhookArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Clone, Args)]
pub struct DbArgs {
    /// Database URL (`DATABASE_URL`): `postgres://…` or `sqlite://…`. Default: a SQLite file
    /// `preflight.db` in the data directory.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Data directory (`PREFLIGHT_DATA_DIR`), created when missing; holds the default SQLite
    /// database.
    #[arg(
        long,
        env = "PREFLIGHT_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: PathBuf,
}

impl std::fmt::Debug for DbArgs {
    /// The URL may carry a password: only its scheme is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self
            .database_url
            .as_deref()
            .map(|u| format!("{}://<redacted>", u.split("://").next().unwrap_or_default()));
        f.debug_struct("DbArgs")
            .field("database_url", &scheme)
            .field("data_dir", &self.data_dir)
            .finish()
    }
}

impl DbArgs {
    /// The database URL to connect to, creating the data directory for the SQLite default.
    pub fn resolve_url(&self) -> std::io::Result<String> {
        if let Some(url) = self.database_url.as_deref().filter(|u| !u.is_empty()) {
            return Ok(url.to_owned());
        }
        std::fs::create_dir_all(&self.data_dir)?;
        let path = std::path::absolute(self.data_dir.join("preflight.db"))?;
        Ok(format!("sqlite://{}?mode=rwc", path.display()))
    }
}

/// How mail leaves Preflight. Without an SMTP URL, mail is off (the inbox still works).
#[derive(Clone, Default, Args)]
pub struct MailArgs {
    /// SMTP server (`PREFLIGHT_SMTP_URL`): `smtps://user:pass@host:465` (TLS),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtp://host:25` (a local relay,
    /// no password). Unset: no mail.
    #[arg(
        long,
        env = "PREFLIGHT_SMTP_URL",
        global = true,
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// Sender of Preflight's mail (`PREFLIGHT_MAIL_FROM`), e.g.
    /// `Preflight <preflight@example.com>`; needed with an SMTP URL.
    #[arg(long, env = "PREFLIGHT_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// The public origin mail links point to: `PREFLIGHT_BASE_URL`, as for `serve`.
    #[arg(
        long = "mail-base-url",
        env = "PREFLIGHT_BASE_URL",
        global = true,
        hide = true
    )]
    pub base_url: Option<String>,
}

impl std::fmt::Debug for MailArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SMTP URL may hold a password: only whether it is set.
        f.debug_struct("MailArgs")
            .field("smtp_url", &self.smtp_url.as_ref().map(|_| "…"))
            .field("mail_from", &self.mail_from)
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl MailArgs {
    /// The mailer these settings describe: `None` without an SMTP URL; an error names a
    /// setting that is wrong or missing. `base_url` (`serve --base-url`) overrides the
    /// environment's.
    pub fn mailer(
        &self,
        base_url: Option<&str>,
    ) -> Result<Option<app::inbox::mail::Mailer>, app::inbox::mail::MailConfigError> {
        let Some(url) = self.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let base = base_url.or(self.base_url.as_deref()).and_then(origin_of);
        let from = self.mail_from.as_deref().unwrap_or_default();
        app::inbox::mail::Mailer::new(url.trim(), from, base.as_deref()).map(Some)
    }
}

/// Where webhooks may post and checks may probe.
#[derive(Clone, Debug, Default, Args)]
pub struct WebhookArgs {
    /// Let webhooks post to loopback and private addresses
    /// (`PREFLIGHT_WEBHOOK_ALLOW_PRIVATE`): only for receivers on your own network. Off, such
    /// URLs are refused when saved and again when connecting.
    #[arg(long, env = "PREFLIGHT_WEBHOOK_ALLOW_PRIVATE", global = true)]
    pub webhook_allow_private: bool,
    /// Let checks probe loopback and private addresses (`PREFLIGHT_CHECKS_ALLOW_PRIVATE`): for
    /// services on your own network. Off, such hosts are refused when a check is saved and
    /// again when it runs.
    #[arg(long, env = "PREFLIGHT_CHECKS_ALLOW_PRIVATE", global = true)]
    pub checks_allow_private: bool,
    /// A PEM file of CA certificates TLS checks trust besides Mozilla's roots
    /// (`PREFLIGHT_CHECKS_CA_FILE`): your internal CA.
    #[arg(long, env = "PREFLIGHT_CHECKS_CA_FILE", global = true)]
    pub checks_ca_file: Option<PathBuf>,
}

impl WebhookArgs {
    /// The extra CA certificates TLS checks trust (none without a file).
    pub fn checks_ca(&self) -> Result<Vec<app::checks::probe::CertificateDer<'static>>, String> {
        match &self.checks_ca_file {
            Some(path) => app::checks::probe::read_ca_file(path),
            None => Ok(Vec::new()),
        }
    }
}

impl MailArgs {
    /// Mail and webhook delivery as configured (`base_url`: `serve --base-url`).
    pub fn outbound(
        &self,
        hooks: &WebhookArgs,
        base_url: Option<&str>,
    ) -> Result<crate::background::Outbound, Box<dyn std::error::Error + Send + Sync>> {
        let base = base_url.or(self.base_url.as_deref()).and_then(origin_of);
        Ok(crate::background::Outbound {
            prober: app::checks::probe::Prober::new(
                hooks.checks_allow_private,
                &hooks.checks_ca()?,
            ),
            mailer: self.mailer(base_url)?,
            webhooks: app::webhooks::deliver::Deliverer::new(
                base,
                hooks.webhook_allow_private,
                app::webhooks::deliver::TIMEOUT,
            )?,
        })
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs pending migrations, then serves the web app.
    Serve(ServeArgs),
    /// Runs pending migrations and exits.
    Migrate,
    /// Copies the database to a new file while it serves: SQLite with `VACUUM INTO` (checked
    /// with `PRAGMA integrity_check`), PostgreSQL with `pg_dump --format=custom` (which must
    /// not be older than the server). Never overwrites a file.
    Backup {
        /// The backup file to write.
        #[arg(long)]
        to: PathBuf,
    },
    /// Restores a backup into an empty database (never over data), then migrates it: a
    /// SQLite backup into SQLite, a pg_dump archive into PostgreSQL (with `pg_restore`).
    Restore {
        /// The backup file to read.
        #[arg(long)]
        from: PathBuf,
    },
    /// Loads a demo team, four accounts and three projects (categories, items in every state,
    /// assignees, due dates, risks, two final reviews each). The accounts share one password: `PREFLIGHT_PASSWORD`, else a
    /// generated one, printed. On a fresh instance the team owner is also site administrator.
    Demo,
    /// Imports a readiness document (Markdown, CSV of items or Preflight JSON) into a new
    /// project or, with `--project`, merges it into an existing one. With `--dry-run` nothing
    /// is written (no database is needed): a summary, or with `--format json` the parsed
    /// project as Preflight JSON, goes to stdout and warnings to stderr; the exit status is 0
    /// when the document could be read, also with warnings.
    Import(ImportArgs),
    /// Writes a project as Preflight JSON (the whole project; `preflight import` reads it
    /// back) or as a CSV of items, to a file or stdout.
    Export(ExportArgs),
    /// Loads the benchmark data set (what `make bench` measures): 20 accounts
    /// `bench01@example.com`…`bench20@example.com` sharing `PREFLIGHT_PASSWORD` (else
    /// `bench-password`), 199 small projects and `big-service` with 12 categories, 1,000 items in
    /// every state, 50 risks and 5 final reviews. With `--scale large`, a company instead:
    /// `scale001@example.com`…`scale500@example.com` in 50 teams, 5,000 projects, 1,000,000
    /// items (`huge-service`: 10,000), 50,000 risks, 20,000 reviews. Meant for an empty database.
    BenchSeed {
        /// `small` (the default) or `large`.
        #[arg(long, default_value = "small", value_parser = ["small", "large"])]
        scale: String,
    },
    /// For `make bench`: loads `--people` accounts each holding an overdue item (one team, one
    /// project), builds the day's reminders twice and mails them through the configured SMTP
    /// server; prints the figures as JSON. Meant for an empty database.
    #[command(hide = true)]
    BenchReminders {
        /// Accounts.
        #[arg(long, default_value_t = 1000)]
        people: usize,
    },
    /// For `make bench`: loads `--checks` HTTP checks probing `--url` every minute (projects of
    /// 100 items). Meant for an empty database.
    #[command(hide = true)]
    BenchChecks {
        /// Checks.
        #[arg(long, default_value_t = 1000)]
        checks: usize,
        /// The URL they probe (a server `make bench` starts on loopback).
        #[arg(long)]
        url: String,
    },
    /// Background jobs: with `--run-due`, enqueues this period's scheduled jobs, runs every
    /// due job once and exits (for cron, or alongside instances that serve).
    Notify {
        /// Run what is due now, then exit.
        #[arg(long)]
        run_due: bool,
    },
    /// Mail: `preflight mail test --to EMAIL` sends a test mail through the configured SMTP
    /// server and says what it answered.
    Mail {
        /// What to do.
        #[command(subcommand)]
        command: MailCommand,
    },
    /// A deployment gate: asks a Preflight server whether `--project` may ship. Exits 0 when
    /// it is ready (or, with `--allow-gaps`, ready with gaps), 1 with its blocking gaps
    /// printed when not, 2 when the answer could not be had (server down, bad token).
    Gate(GateArgs),
    /// Manages API tokens.
    Token {
        /// What to do with tokens.
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Manages accounts.
    User {
        /// What to do with users.
        #[command(subcommand)]
        command: UserCommand,
    },
}

/// Options of `gate`.
#[derive(Debug, Clone, clap::Args)]
pub struct GateArgs {
    /// The Preflight server, e.g. `https://preflight.example.com`.
    #[arg(long, env = "PREFLIGHT_URL")]
    pub url: String,
    /// The project's slug.
    #[arg(long)]
    pub project: String,
    /// An API token (read scope is enough).
    #[arg(long, env = "PREFLIGHT_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Let "ready with gaps" pass too.
    #[arg(long)]
    pub allow_gaps: bool,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
}

/// Options of `export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The project's slug.
    #[arg(long)]
    pub project: String,
    /// `pdf`, `md` or `html` (the stakeholder report), `json` (the whole project, for
    /// import), `csv` (its items) or `zip` (the JSON and the evidence files).
    #[arg(long, default_value = "json", value_parser = ["pdf", "md", "html", "json", "csv", "zip"])]
    pub format: String,
    /// The report as of this final review (its version label or id) instead of live.
    #[arg(long)]
    pub review: Option<String>,
    /// Write here instead of stdout.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
}

/// Options of `import`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The document.
    pub path: PathBuf,
    /// Merge into this project (by slug) instead of creating one.
    #[arg(long)]
    pub project: Option<String>,
    /// Read and report only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// What a dry run prints: `text` (a summary) or `json` (Preflight JSON).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// The document's format; by default from its extension (`.csv`, `.json`, else Markdown).
    #[arg(long, value_parser = ["markdown", "csv", "json"])]
    pub from: Option<String>,
    /// Team of a new project (name or id); needed when the acting user is in several teams.
    #[arg(long)]
    pub team: Option<String>,
    /// Name of a new project (default: the document's title).
    #[arg(long)]
    pub name: Option<String>,
    /// Slug of a new project (default: from the name).
    #[arg(long)]
    pub slug: Option<String>,
    /// Email of the user the import is recorded as (default: the first site administrator).
    #[arg(long = "as")]
    pub as_user: Option<String>,
}

/// Options of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on (`PREFLIGHT_ADDR`).
    #[arg(long, env = "PREFLIGHT_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Public origin users reach Preflight at (`PREFLIGHT_BASE_URL`), e.g.
    /// `https://preflight.example.com`. Used to check the origin of form posts; `https` also
    /// turns on secure cookies and HSTS.
    #[arg(long, env = "PREFLIGHT_BASE_URL")]
    pub base_url: Option<String>,
    /// Minutes without a request after which a session ends (`PREFLIGHT_SESSION_IDLE_MINUTES`).
    #[arg(long, env = "PREFLIGHT_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_idle_minutes: u64,
    /// Hours after sign-in after which a session ends however active
    /// (`PREFLIGHT_SESSION_MAX_HOURS`).
    #[arg(long, env = "PREFLIGHT_SESSION_MAX_HOURS", default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..))]
    pub session_max_hours: u64,
    /// Reverse proxies whose `X-Forwarded-For` header names the client
    /// (`PREFLIGHT_TRUSTED_PROXIES`): comma-separated addresses or CIDR ranges, e.g.
    /// `127.0.0.1,10.0.0.0/8`. Without it the client is the socket's peer and the header is
    /// ignored.
    #[arg(long, env = "PREFLIGHT_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_net)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// REST API requests each token may make per minute (`PREFLIGHT_API_RATE_PER_MINUTE`), in
    /// bursts of up to that many; past it the API answers 429 with `Retry-After`.
    #[arg(long, env = "PREFLIGHT_API_RATE_PER_MINUTE", default_value_t = 600, value_parser = clap::value_parser!(u32).range(1..))]
    pub api_rate_per_minute: u32,
    /// Serve `/metrics` in Prometheus' text format (`PREFLIGHT_METRICS`): requests and their
    /// latency by route and status, pool use, the job queue, database statements run and
    /// resident memory. Off by default; expose it to your monitoring only.
    #[arg(long, env = "PREFLIGHT_METRICS")]
    pub metrics: bool,
    /// Seconds a client has to send a request's headers, and an idle kept-alive connection to
    /// start its next request, before the connection is closed
    /// (`PREFLIGHT_HEADER_TIMEOUT_SECONDS`).
    #[arg(long, env = "PREFLIGHT_HEADER_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout_seconds: u64,
    /// Connections served at once (`PREFLIGHT_MAX_CONNECTIONS`); more wait to be accepted.
    #[arg(long, env = "PREFLIGHT_MAX_CONNECTIONS", default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub max_connections: u64,
    /// The hour of the day (UTC, 0–23) from which the day's reminders and digests go out
    /// (`PREFLIGHT_DAILY_HOUR`).
    #[arg(long, env = "PREFLIGHT_DAILY_HOUR", default_value_t = 7, value_parser = clap::value_parser!(u32).range(0..=23))]
    pub daily_hour: u32,
    /// Seconds a process holds a background job it claimed before another may take it over,
    /// renewed while the job runs (`PREFLIGHT_JOB_LEASE_SECONDS`): how soon the work of a
    /// process that died is taken up.
    #[arg(long, env = "PREFLIGHT_JOB_LEASE_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(3..=3600))]
    pub job_lease_seconds: u64,
    /// Single sign-on and password sign-in (boxed: the largest group of options).
    #[command(flatten)]
    pub sign_in: Box<SignInArgs>,
    /// Directory with the compiled site (`LEPTOS_SITE_ROOT`): `pkg/` with wasm, JS and CSS.
    /// Default: `target/site` under the working directory, else `site` beside the binary.
    #[arg(long, env = "LEPTOS_SITE_ROOT")]
    pub site_root: Option<PathBuf>,
}

impl ServeArgs {
    /// The listener's connection limits.
    pub fn listen_limits(&self) -> crate::listen::ListenLimits {
        crate::listen::ListenLimits {
            header_read_timeout: std::time::Duration::from_secs(self.header_timeout_seconds),
            max_connections: usize::try_from(self.max_connections).unwrap_or(4096),
        }
    }

    /// The request-time settings these options describe.
    pub fn settings(&self) -> app::state::AppSettings {
        app::state::AppSettings {
            base_url: self.base_url.as_deref().and_then(origin_of),
            session_idle: std::time::Duration::from_secs(self.session_idle_minutes * 60),
            session_max: std::time::Duration::from_secs(self.session_max_hours * 3600),
            trusted_proxies: self.trusted_proxies.clone(),
            throttle: Default::default(),
            api_rate_per_minute: self.api_rate_per_minute,
            metrics: self.metrics,
            mail: false,
            webhook_allow_private: false,
            checks_allow_private: false,
            checks_ca: Vec::new(),
            sso: None,
            secret_key: None,
        }
    }
}

/// Single sign-on through an OpenID Connect provider. Off unless the issuer is set.
#[derive(Clone, Default, Args)]
pub struct SignInArgs {
    /// The provider's issuer URL (`PREFLIGHT_OIDC_ISSUER`), e.g.
    /// `https://login.example.com/realms/acme`; its discovery document is read from
    /// `/.well-known/openid-configuration` under it. `https` unless the host is loopback.
    #[arg(long, env = "PREFLIGHT_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// Preflight's client id at the provider (`PREFLIGHT_OIDC_CLIENT_ID`). Register
    /// `{PREFLIGHT_BASE_URL}/auth/oidc/callback` as its redirect URI.
    #[arg(long, env = "PREFLIGHT_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// Preflight's client secret (`PREFLIGHT_OIDC_CLIENT_SECRET`); unset for a public client.
    #[arg(long, env = "PREFLIGHT_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// Scopes asked for, space- or comma-separated (`PREFLIGHT_OIDC_SCOPES`); `openid` is
    /// always added.
    #[arg(
        long,
        env = "PREFLIGHT_OIDC_SCOPES",
        default_value = "openid email profile"
    )]
    pub oidc_scopes: String,
    /// The login page's button (`PREFLIGHT_OIDC_LABEL`).
    #[arg(long, env = "PREFLIGHT_OIDC_LABEL", default_value = "Sign in with SSO")]
    pub oidc_label: String,
    /// Email domains whose people get an account at first sign-in, comma-separated
    /// (`PREFLIGHT_OIDC_ALLOWED_DOMAINS`), e.g. `example.com,example.org`. Unset: any domain
    /// the provider vouches for.
    #[arg(long, env = "PREFLIGHT_OIDC_ALLOWED_DOMAINS", value_delimiter = ',')]
    pub oidc_allowed_domains: Vec<String>,
    /// The ID token claim listing the user's groups (`PREFLIGHT_OIDC_GROUPS_CLAIM`).
    #[arg(long, env = "PREFLIGHT_OIDC_GROUPS_CLAIM", default_value = "groups")]
    pub oidc_groups_claim: String,
    /// Groups to team roles and site admin, applied at every sign-in
    /// (`PREFLIGHT_OIDC_ROLE_MAP`), e.g. `platform-sre=Platform:owner,eng=Platform:editor,
    /// preflight-admins=admin`.
    #[arg(long, env = "PREFLIGHT_OIDC_ROLE_MAP", default_value = "")]
    pub oidc_role_map: String,
    /// Turn password sign-in off for everyone but the break-glass administrators
    /// (`PREFLIGHT_SSO_ONLY`).
    #[arg(long, env = "PREFLIGHT_SSO_ONLY")]
    pub sso_only: bool,
    /// Emails that may still sign in with a password when single sign-on is the only way,
    /// comma-separated (`PREFLIGHT_SSO_BREAK_GLASS`).
    #[arg(long, env = "PREFLIGHT_SSO_BREAK_GLASS", value_delimiter = ',')]
    pub sso_break_glass: Vec<String>,
    /// The key second-factor secrets are sealed with (`PREFLIGHT_SECRET_KEY`): at least 32
    /// characters, e.g. from `openssl rand -hex 32`. Without it two-factor sign-in cannot be
    /// turned on; changing it makes every enrolled second factor unusable (reset them).
    #[arg(long, env = "PREFLIGHT_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
}

impl std::fmt::Debug for SignInArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInArgs")
            .field("oidc_issuer", &self.oidc_issuer)
            .field("oidc_client_id", &self.oidc_client_id)
            .field(
                "oidc_client_secret",
                &self.oidc_client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("sso_only", &self.sso_only)
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl SignInArgs {
    /// The key for second-factor secrets, when one is configured.
    pub fn secret_key(&self) -> Result<Option<app::auth::totp::SecretKey>, String> {
        self.secret_key
            .as_deref()
            .filter(|k| !k.is_empty())
            .map(app::auth::totp::SecretKey::from_config)
            .transpose()
    }

    /// The single sign-on settings, or why they cannot work. `None` when no issuer is set.
    pub fn settings(
        &self,
        base_url: Option<&str>,
    ) -> Result<Option<app::auth::sso::SsoSettings>, String> {
        use app::auth::model::normalize_email;
        let Some(issuer) = self.oidc_issuer.as_deref().filter(|i| !i.is_empty()) else {
            if self.sso_only {
                return Err("PREFLIGHT_SSO_ONLY needs PREFLIGHT_OIDC_ISSUER".into());
            }
            return Ok(None);
        };
        let issuer = issuer.trim_end_matches('/');
        let loopback = |host: &str| {
            let host = host.split('/').next().unwrap_or_default();
            let name = host.rsplit_once(':').map_or(host, |(h, _)| h);
            matches!(name, "127.0.0.1" | "[::1]" | "localhost")
        };
        match issuer.split_once("://") {
            Some(("https", rest)) if !rest.is_empty() => {}
            Some(("http", rest)) if loopback(rest) => {}
            _ => {
                return Err(format!(
                    "PREFLIGHT_OIDC_ISSUER `{issuer}` must be an https URL (http only on loopback)"
                ));
            }
        }
        let client_id = self
            .oidc_client_id
            .clone()
            .filter(|c| !c.is_empty())
            .ok_or("PREFLIGHT_OIDC_ISSUER needs PREFLIGHT_OIDC_CLIENT_ID")?;
        if base_url.is_none() {
            return Err(
                "single sign-on needs PREFLIGHT_BASE_URL (the redirect URI is made from it)".into(),
            );
        }
        let role_map = app::auth::sso::RoleMap::parse(&self.oidc_role_map)
            .map_err(|e| format!("PREFLIGHT_OIDC_ROLE_MAP: {e}"))?;
        let mut scopes: Vec<String> = self
            .oidc_scopes
            .split([' ', ','])
            .filter(|s| !s.is_empty() && *s != "openid")
            .map(str::to_owned)
            .collect();
        scopes.dedup();
        let list = |v: &[String]| -> Vec<String> {
            v.iter()
                .map(|d| normalize_email(d))
                .filter(|d| !d.is_empty())
                .collect()
        };
        Ok(Some(app::auth::sso::SsoSettings {
            issuer: issuer.to_owned(),
            client_id,
            client_secret: self.oidc_client_secret.clone().filter(|s| !s.is_empty()),
            scopes,
            label: self.oidc_label.clone(),
            allowed_domains: list(&self.oidc_allowed_domains),
            groups_claim: self.oidc_groups_claim.clone(),
            role_map,
            sso_only: self.sso_only,
            break_glass: list(&self.sso_break_glass),
        }))
    }
}

/// An address (`10.0.0.1`) or range (`10.0.0.0/8`).
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{s}` is not an IP address or CIDR range"))
}

/// `mail` subcommands.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Sends a test mail.
    Test {
        /// The address to send it to.
        #[arg(long)]
        to: String,
    },
}

/// `user` subcommands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates an account. The password is read from `PREFLIGHT_PASSWORD` or, when that is
    /// unset, from the first line of standard input; never from the command line.
    Create {
        /// Email address (login name).
        #[arg(long)]
        email: String,
        /// Display name; defaults to the part of the email before `@`.
        #[arg(long)]
        name: Option<String>,
        /// Make the account a site administrator.
        #[arg(long)]
        admin: bool,
    },
    /// Removes an account's second factor (a lost phone, the last admin locked out): it signs in
    /// with its password alone, or sets a new one up at once when two-factor is required.
    /// Audited. The same as the admin page's "Reset two-factor", for when no admin can sign in.
    ResetTwoFactor {
        /// The account's email address.
        email: String,
    },
}

/// `preflight token …`
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Creates an API token for an active account and prints it (only the token, on stdout),
    /// e.g. to seed automation. It is shown this once; it also appears on the account page.
    Create {
        /// The owner's email address.
        #[arg(long)]
        email: String,
        /// A name to recognise the token by.
        #[arg(long)]
        name: String,
        /// `read` or `write`.
        #[arg(long, default_value = "read", value_parser = ["read", "write"])]
        scope: String,
        /// Days until it expires (1–366); without it, it never expires.
        #[arg(long)]
        days: Option<u32>,
    },
}

/// Normalises a base URL to its origin (`scheme://host[:port]`, no trailing slash).
pub fn origin_of(base_url: &str) -> Option<String> {
    let (scheme, rest) = base_url.split_once("://")?;
    let host = rest.split('/').next()?;
    if host.is_empty() || !(scheme == "http" || scheme == "https") {
        return None;
    }
    Some(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_strips_path_and_lowercases_host() {
        assert_eq!(
            origin_of("https://Preflight.Example.com/app/").as_deref(),
            Some("https://preflight.example.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:3000").as_deref(),
            Some("http://127.0.0.1:3000")
        );
        assert_eq!(origin_of("ftp://x"), None);
        assert_eq!(origin_of("nonsense"), None);
    }

    #[test]
    fn debug_of_database_url_hides_the_password() {
        let args = DbArgs {
            database_url: Some("postgres://app:hunter2@db/preflight".into()),
            data_dir: "data".into(),
        };
        let shown = format!("{args:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://<redacted>"), "{shown}");
    }

    #[test]
    fn cli_parses_serve_with_overrides() {
        let cli = Cli::try_parse_from([
            "preflight",
            "serve",
            "--addr",
            "127.0.0.1:4000",
            "--data-dir",
            "/tmp/x",
        ]);
        let cli = cli.map_err(|e| e.to_string());
        assert!(
            matches!(&cli, Ok(Cli { command: Command::Serve(a), .. }) if a.addr.port() == 4000),
            "{cli:?}"
        );
    }
}
