//! `preflight`: the single binary (serve, migrate, user management).

use clap::Parser;
use preflight_server::{
    commands,
    config::{Cli, Command, MailCommand, TokenCommand, UserCommand},
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm_migration=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Command::Gate(args) = &cli.command {
        return preflight_server::gate::run(args).await;
    }
    let result = match cli.command {
        Command::Serve(args) => commands::serve(&cli.db, &cli.mail, &cli.webhooks, args).await,
        Command::Migrate => commands::migrate(&cli.db).await,
        Command::Demo => commands::demo(&cli.db).await,
        Command::BenchSeed => commands::bench_seed(&cli.db).await,
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
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
