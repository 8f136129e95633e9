//! The subcommands of the `preflight` binary.

use std::{
    io::BufRead,
    path::{Path, PathBuf},
};

use app::{
    audit::service::Actor,
    auth::service::{NewUser, register_user, to_auth_user},
    entities::users,
    error::AppError,
    import::service::Target,
    teams::service::teams_where_user_can_create_projects,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::{
    app_state,
    config::{DbArgs, ExportArgs, ImportArgs, MailArgs, ServeArgs, WebhookArgs},
    db, leptos_options,
    router::build_router,
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `preflight serve`: migrate, then serve until SIGINT/SIGTERM, finishing requests in flight.
pub async fn serve(
    dbargs: &DbArgs,
    mail: &MailArgs,
    hooks: &WebhookArgs,
    args: ServeArgs,
) -> Result<(), BoxError> {
    let out = mail.outbound(hooks, args.base_url.as_deref())?;
    let conn = db::open(&dbargs.resolve_url()?).await?;
    let site_root = args.site_root.clone().unwrap_or_else(default_site_root);
    if !site_root.join("pkg").is_dir() {
        tracing::warn!(site_root = %site_root.display(), "no pkg/ in site root: pages will not hydrate (build with `cargo leptos build --release`)");
    }
    let settings = app::state::AppSettings {
        mail: out.mailer.is_some(),
        webhook_allow_private: hooks.webhook_allow_private,
        checks_allow_private: hooks.checks_allow_private,
        checks_ca: hooks.checks_ca()?,
        sso: args.sign_in.settings(
            args.base_url
                .as_deref()
                .and_then(crate::config::origin_of)
                .as_deref(),
        )?,
        secret_key: args.sign_in.secret_key()?,
        ..args.settings()
    };
    if let Some(sso) = &settings.sso {
        tracing::info!(issuer = %sso.issuer, sso_only = sso.sso_only, "single sign-on on");
        if sso.allowed_domains.is_empty() {
            tracing::warn!(
                "PREFLIGHT_OIDC_ALLOWED_DOMAINS is unset: anyone the provider vouches for gets an account"
            );
        }
    }
    let throttle = settings.throttle.clone();
    let state = app_state(conn.clone(), settings, leptos_options(site_root, args.addr));
    let app = build_router(state);
    match &out.mailer {
        Some(m) => tracing::info!(from = ?m, "mail on"),
        None => tracing::info!("mail off: PREFLIGHT_SMTP_URL is not set"),
    }

    let timing = crate::background::Timing {
        daily_hour: args.daily_hour,
        lease: std::time::Duration::from_secs(args.job_lease_seconds),
    };
    let background = crate::background::spawn(conn.clone(), throttle, out, timing);

    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "Preflight listening");
    crate::listen::serve(listener, app, args.listen_limits(), shutdown_signal()).await;
    background.abort();
    tracing::info!("shut down");
    Ok(())
}

/// `target/site` under the working directory (a source checkout), else `site` beside the binary.
fn default_site_root() -> PathBuf {
    let dev = Path::new("target/site");
    if dev.join("pkg").is_dir() {
        return dev.to_path_buf();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("site")))
        .filter(|p| p.join("pkg").is_dir())
        .unwrap_or_else(|| dev.to_path_buf())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}

/// `preflight notify --run-due`: enqueues the current period's scheduled jobs, runs every due
/// job once (another process's running ones are left to it), and exits.
pub async fn run_due(
    dbargs: &DbArgs,
    mail: &MailArgs,
    hooks: &WebhookArgs,
) -> Result<(), BoxError> {
    let out = mail.outbound(hooks, None)?;
    let conn = db::open(&dbargs.resolve_url()?).await?;
    crate::background::schedule(&conn, chrono::Utc::now()).await?;
    let throttle = app::auth::throttle::ThrottlePolicy::default();
    let ran = crate::background::worker(&conn, throttle, out)
        .run_due()
        .await?;
    println!("{ran} jobs run");
    Ok(())
}

/// `preflight bench-checks`: loads the checks, prints how many.
pub async fn bench_checks(dbargs: &DbArgs, checks: usize, url: &str) -> Result<(), BoxError> {
    let conn = db::open(&dbargs.resolve_url()?).await?;
    let made = crate::bench::checks(&conn, checks, url)
        .await
        .map_err(describe)?;
    println!("{made} checks");
    Ok(())
}

/// `preflight bench-reminders`: the figures as one line of JSON.
pub async fn bench_reminders(
    dbargs: &DbArgs,
    mail: &MailArgs,
    hooks: &WebhookArgs,
    people: usize,
) -> Result<(), BoxError> {
    let out = mail.outbound(hooks, None)?;
    let conn = db::open(&dbargs.resolve_url()?).await?;
    let figures = crate::bench::reminders(&conn, people.max(2), out)
        .await
        .map_err(describe)?;
    println!("{}", serde_json::to_string(&figures)?);
    Ok(())
}

/// `preflight mail test --to EMAIL`: one mail through the configured server, now.
pub async fn mail_test(mail: &MailArgs, to: &str) -> Result<(), BoxError> {
    let Some(mailer) = mail.mailer(None)? else {
        return Err(
            "mail is off: set PREFLIGHT_SMTP_URL, PREFLIGHT_MAIL_FROM and PREFLIGHT_BASE_URL"
                .into(),
        );
    };
    app::inbox::mail::send_test(&mailer, to).await?;
    println!("sent a test mail to {to}");
    Ok(())
}

/// `preflight migrate`.
pub async fn migrate(dbargs: &DbArgs) -> Result<(), BoxError> {
    let _migrated = db::open(&dbargs.resolve_url()?).await?;
    tracing::info!("migrations applied");
    Ok(())
}

/// `preflight user create`: the password comes from `PREFLIGHT_PASSWORD` or stdin.
pub async fn create_user_cmd(
    dbargs: &DbArgs,
    email: String,
    name: Option<String>,
    admin: bool,
) -> Result<(), BoxError> {
    let password = match std::env::var("PREFLIGHT_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_owned()
        }
    };
    let display_name =
        name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
    let conn = db::open(&dbargs.resolve_url()?).await?;
    match register_user(
        &conn,
        &Actor::system(),
        NewUser {
            email,
            display_name,
            password,
            is_admin: admin,
        },
        false,
    )
    .await
    {
        Ok(user) => {
            println!("created user {} (id {})", user.email, user.id);
            Ok(())
        }
        Err(e) => Err(describe(e).into()),
    }
}

/// `preflight backup --to FILE`: see [`crate::backup`].
pub async fn backup(dbargs: &DbArgs, to: &std::path::Path) -> Result<(), BoxError> {
    let summary = crate::backup::backup(&dbargs.resolve_url()?, to).await?;
    println!("backed up to {}: {summary}", to.display());
    Ok(())
}

/// `preflight restore --from FILE`: see [`crate::backup`].
pub async fn restore(dbargs: &DbArgs, from: &std::path::Path) -> Result<(), BoxError> {
    let summary = crate::backup::restore(&dbargs.resolve_url()?, from).await?;
    println!("restored from {}: {summary}", from.display());
    Ok(())
}

/// `preflight user reset-two-factor EMAIL`.
pub async fn reset_two_factor(dbargs: &DbArgs, email: &str) -> Result<(), BoxError> {
    let conn = db::open(&dbargs.resolve_url()?).await?;
    match app::auth::totp::cli_reset(&conn, email).await {
        Ok(true) => {
            println!("removed the second factor of {email}; it signs in with its password");
            Ok(())
        }
        Ok(false) => {
            println!("{email} had no second factor; nothing to remove");
            Ok(())
        }
        Err(AppError::NotFound) => Err(format!("no account {email}").into()),
        Err(e) => Err(describe(e).into()),
    }
}

/// `preflight bench-seed`: see [`crate::bench`].
pub async fn bench_seed(dbargs: &DbArgs, scale: &str) -> Result<(), BoxError> {
    let password = std::env::var("PREFLIGHT_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "bench-password".to_owned());
    let conn = db::open(&dbargs.resolve_url()?).await?;
    let started = std::time::Instant::now();
    if scale == "large" {
        use crate::bench_scale as large;
        let figures = large::seed(
            &conn,
            large::LARGE,
            &password,
            chrono::Utc::now().date_naive(),
        )
        .await
        .map_err(describe)?;
        println!(
            "seeded in {:.1} s (accounts {:.1} s, content {:.1} s, reviews {:.1} s, statistics \
             {:.1} s): {} projects, {} items ({} in {}), accounts {}…{}",
            started.elapsed().as_secs_f64(),
            figures.accounts_s,
            figures.content_s,
            figures.reviews_s,
            figures.analyze_s,
            large::LARGE.projects,
            large::LARGE.items,
            large::LARGE.huge_items,
            large::HUGE,
            large::email(1),
            large::email(large::LARGE.users)
        );
        return Ok(());
    }
    crate::bench::seed(&conn, &password, chrono::Utc::now().date_naive())
        .await
        .map_err(describe)?;
    println!(
        "seeded in {:.1} s: {} projects ({} with {} items), accounts {}…{}",
        started.elapsed().as_secs_f64(),
        crate::bench::PROJECTS,
        crate::bench::LARGE,
        crate::bench::LARGE_ITEMS,
        crate::bench::email(1),
        crate::bench::email(crate::bench::USERS)
    );
    Ok(())
}

/// `preflight token create`: prints the new token alone on stdout.
pub async fn create_token_cmd(
    dbargs: &DbArgs,
    email: &str,
    name: &str,
    scope: &str,
    days: Option<u32>,
) -> Result<(), BoxError> {
    let conn = db::open(&dbargs.resolve_url()?).await?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.trim().to_lowercase()))
        .filter(users::Column::IsDisabled.eq(false))
        .one(&conn)
        .await?
        .ok_or_else(|| format!("no active account with the email {email}"))?;
    let days = days.map(|d| d.to_string()).unwrap_or_default();
    let token = app::account::tokens::create(&conn, &to_auth_user(user), name, scope, &days)
        .await
        .map_err(describe)?;
    println!("{token}");
    Ok(())
}

/// An application error as one line for the terminal (field errors with their field).
fn describe(e: AppError) -> String {
    match e {
        AppError::Validation(fields) => fields
            .iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect::<Vec<_>>()
            .join("; "),
        e => e.to_string(),
    }
}

/// `preflight export`: see [`ExportArgs`].
pub async fn export(dbargs: &DbArgs, args: ExportArgs) -> Result<(), BoxError> {
    let conn = db::open(&dbargs.resolve_url()?).await?;
    let project = app::projects::access::find_by_slug(&conn, &args.project)
        .await
        .map_err(|_| format!("no project with the slug {}", args.project))?;
    let review = match &args.review {
        Some(r) => Some(
            app::report::service::find_final(&conn, &project, r)
                .await
                .map_err(|_| format!("no final review {r} in project {}", args.project))?,
        ),
        None => None,
    };
    if args.format == "zip" {
        let archive =
            app::export::archive::archive_project(&conn, &project, chrono::Utc::now().date_naive())
                .await
                .map_err(describe)?;
        let count = archive.file_count();
        let output = args.output.clone();
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || -> Result<(), BoxError> {
            match output {
                Some(path) => {
                    let file = std::fs::File::create(&path)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    archive
                        .write(&conn, &handle, std::io::BufWriter::new(file))
                        .map_err(describe)?;
                    eprintln!("wrote {} ({count} evidence files)", path.display());
                }
                None => {
                    drop(
                        archive
                            .write(&conn, &handle, std::io::stdout().lock())
                            .map_err(describe)?,
                    );
                }
            }
            Ok(())
        })
        .await??;
        return Ok(());
    }
    let file = app::export::export_project(
        &conn,
        &project,
        &args.format,
        review.as_ref(),
        chrono::Utc::now().date_naive(),
    )
    .await
    .map_err(describe)?;
    match args.output {
        Some(path) => {
            std::fs::write(&path, &file.body).map_err(|e| format!("{}: {e}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        None => std::io::Write::write_all(&mut std::io::stdout().lock(), &file.body)?,
    }
    Ok(())
}

/// `preflight import`: see [`ImportArgs`].
pub async fn import(dbargs: &DbArgs, args: ImportArgs) -> Result<(), BoxError> {
    use app::import::{doc, service, text};
    let bytes = std::fs::read(&args.path).map_err(|e| format!("{}: {e}", args.path.display()))?;
    let from = args.from.clone().unwrap_or_else(|| {
        match args
            .path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_lowercase)
            .as_deref()
        {
            Some("csv") => "csv",
            Some("json") => "json",
            _ => "markdown",
        }
        .to_owned()
    });
    if args.dry_run {
        let read = service::read_bytes(&from, &bytes).map_err(describe)?;
        for w in &read.warnings {
            eprintln!("warning: {w}");
        }
        if args.format == "json" {
            print!("{}", doc::to_json(&read.doc));
        } else {
            let d = &read.doc;
            println!(
                "{}: {} categories, {} items, {} risks",
                d.project.name,
                d.categories.len(),
                d.item_count(),
                d.risks.len()
            );
            for c in &d.categories {
                let score = c
                    .assessor_score
                    .map(|s| format!(", assessor score {s}"))
                    .unwrap_or_default();
                println!("  {} ({} items{score})", c.name, c.items.len());
            }
            if let Some(s) = read.document_score {
                println!("The document's own overall score: {s}/100");
            }
        }
        return Ok(());
    }
    let conn = db::open(&dbargs.resolve_url()?).await?;
    let actor = match &args.as_user {
        Some(email) => users::Entity::find()
            .filter(users::Column::Email.eq(email.trim().to_lowercase()))
            .one(&conn)
            .await?
            .ok_or_else(|| format!("no user with the email {email}"))?,
        None => users::Entity::find()
            .filter(users::Column::IsAdmin.eq(true))
            .order_by_asc(users::Column::Id)
            .one(&conn)
            .await?
            .ok_or("no site administrator yet: create one, or name a user with --as")?,
    };
    let user = to_auth_user(actor);
    let target = match args.project {
        Some(slug) => Target::Existing(slug),
        None => {
            let teams = teams_where_user_can_create_projects(&conn, &user)
                .await
                .map_err(describe)?;
            let team = match &args.team {
                Some(t) => teams
                    .iter()
                    .find(|x| x.id.to_string() == *t || x.name.eq_ignore_ascii_case(t)),
                None if teams.len() == 1 => teams.first(),
                None => None,
            }
            .ok_or_else(|| {
                let names: Vec<&str> = teams.iter().map(|t| t.name.as_str()).collect();
                format!(
                    "name the team of the new project with --team (one of: {})",
                    names.join(", ")
                )
            })?;
            Target::New {
                team_id: team.id,
                name: args.name.unwrap_or_default(),
                slug: args.slug.unwrap_or_default(),
            }
        }
    };
    let started = std::time::Instant::now();
    let (slug, s) = service::import(&conn, &user, target, &from, text::decode(&bytes).text)
        .await
        .map_err(describe)?;
    println!(
        "Imported into {slug}: {} categories and {} items added, {} items updated, {} left \
         alone, {} risks added, in {} ms.",
        s.categories_added,
        s.items_added,
        s.items_updated,
        s.items_unchanged,
        s.risks_added,
        started.elapsed().as_millis()
    );
    Ok(())
}

/// `preflight demo`: loads the demo data set and prints how to sign in.
pub async fn demo(dbargs: &DbArgs) -> Result<(), BoxError> {
    let password = match std::env::var("PREFLIGHT_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => app::admin::service::temporary_password(),
    };
    let conn = db::open(&dbargs.resolve_url()?).await?;
    let loaded = app::demo::load(&conn, password, chrono::Utc::now().date_naive())
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "Loaded team \"{}\": {} projects ({}), {} items, risks and two final reviews each.",
        app::demo::DEMO_TEAM,
        loaded.projects.len(),
        loaded.projects.join(", "),
        loaded.items
    );
    println!("Accounts (password for all: {}):", loaded.password);
    for (email, role) in &loaded.accounts {
        println!("  {email} ({role})");
    }
    Ok(())
}
