//! `preflight`: the single binary (serve, migrate, user management).

use clap::Parser;
use preflight_server::{
    commands,
    config::{Cli, Command, MailCommand, TokenCommand, UserCommand},
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm_migration=warn"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // `PREFLIGHT_LOG_FORMAT=json`: one JSON object a line, the request's fields (id, method,
    // path, user) beside each event's, for a log collector.
    match std::env::var("PREFLIGHT_LOG_FORMAT").as_deref() {
        Ok("json") => logs
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
        Ok("" | "text") | Err(_) => logs.init(),
        Ok(other) => {
            eprintln!("error: PREFLIGHT_LOG_FORMAT must be text or json, not {other:?}");
            return std::process::ExitCode::from(2);
        }
    }
    let cli = Cli::parse();
    if let Command::Gate(args) = &cli.command {
        return preflight_server::gate::run(args).await;
    }
    let result = match cli.command {
        Command::Serve(args) => commands::serve(&cli.db, &cli.mail, &cli.webhooks, args).await,
        Command::Migrate => commands::migrate(&cli.db).await,
        Command::Backup { to } => commands::backup(&cli.db, &to).await,
        Command::Restore { from } => commands::restore(&cli.db, &from).await,
        Command::Demo => commands::demo(&cli.db).await,
        Command::BenchSeed { scale } => commands::bench_seed(&cli.db, &scale).await,
        Command::BenchReminders { people } => {
            commands::bench_reminders(&cli.db, &cli.mail, &cli.webhooks, people).await
        }
        Command::BenchChecks { checks, url } => commands::bench_checks(&cli.db, checks, &url).await,
        Command::Notify { run_due: true } => {
            commands::run_due(&cli.db, &cli.mail, &cli.webhooks).await
        }
        Command::Mail {
            command: MailCommand::Test { to },
        } => commands::mail_test(&cli.mail, &to).await,
        Command::Notify { run_due: false } => {
            Err("say what to do: `preflight notify --run-due`".into())
        }
        Command::Gate(_) => Ok(()),
        Command::Import(args) => commands::import(&cli.db, args).await,
        Command::Export(args) => commands::export(&cli.db, args).await,
        Command::Token {
            command:
                TokenCommand::Create {
                    email,
                    name,
                    scope,
                    days,
                },
        } => commands::create_token_cmd(&cli.db, &email, &name, &scope, days).await,
        Command::User {
            command: UserCommand::Create { email, name, admin },
        } => commands::create_user_cmd(&cli.db, email, name, admin).await,
        Command::User {
            command: UserCommand::ResetTwoFactor { email },
        } => commands::reset_two_factor(&cli.db, &email).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
