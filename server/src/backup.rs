//! `preflight backup --to FILE` and `preflight restore --from FILE`.
//!
//! SQLite: a consistent copy taken while serving with `VACUUM INTO` (one read transaction, so
//! the copy is the database as of one moment, compacted; writers carry on under WAL), checked
//! with `PRAGMA integrity_check`. Restoring copies it into place and migrates it.
//!
//! PostgreSQL: `pg_dump --format=custom` (the tool that knows every PostgreSQL type, takes a
//! consistent snapshot and restores with `pg_restore`), run by Preflight with the connection it
//! already has, after checking that the `pg_dump` found is not older than the server (an older
//! one refuses or writes a dump that misses things). A Preflight JSON archive was the other
//! choice: it would not carry sessions, audit, notifications, jobs or file metadata, and would
//! be a second format to keep in step with every migration.
//!
//! Both restore only into an empty database (never over data), then run the migrations, so a
//! backup from an older release comes back at the current schema.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

/// Errors of the commands, said as sentences.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a backup or restore did, printed by the command.
#[derive(Debug)]
pub struct Summary {
    /// Bytes of the backup file.
    pub bytes: u64,
    /// Seconds it took.
    pub seconds: f64,
    /// Accounts, teams, projects and items in the copy.
    pub counts: [(&'static str, i64); 4],
    /// The newest migration the copy has (restores: after migrating).
    pub schema: String,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let counts: Vec<String> = self
            .counts
            .iter()
            .map(|(name, n)| format!("{n} {name}"))
            .collect();
        write!(
            f,
            "{:.1} MB in {:.2} s; schema {}; {}",
            bytes_mb(self.bytes),
            self.seconds,
            self.schema,
            counts.join(", ")
        )
    }
}

#[allow(clippy::cast_precision_loss)]
fn bytes_mb(bytes: u64) -> f64 {
    bytes as f64 / 1_048_576.0
}

/// The file a SQLite URL names (`sqlite://path?mode=rwc`, `sqlite:path`); `None` for other
/// backends and in-memory databases.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

/// Copies the database at `url` to a new file `to`, consistently, while it serves.
pub async fn backup(url: &str, to: &Path) -> Result<Summary, BoxError> {
    if to.exists() {
        return Err(format!("{} exists; a backup never overwrites a file", to.display()).into());
    }
    if let Some(path) = sqlite_path(url).filter(|p| !p.exists()) {
        return Err(format!("there is no database at {}", path.display()).into());
    }
    let started = Instant::now();
    let db = crate::db::connect(url).await?;
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let target = std::path::absolute(to)?;
            let quoted = target.to_string_lossy().replace('\'', "''");
            db.execute_unprepared(&format!("VACUUM INTO '{quoted}'"))
                .await?;
            db.close().await?;
            let copy = read_only(&target).await?;
            check_sqlite(&copy).await?;
            summary(&copy, &target, started).await
        }
        DbBackend::Postgres => {
            check_pg_tool(&db, "pg_dump").await?;
            db.close().await?;
            let (conn, password) = libpq_url(url)?;
            run(Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(to)
                .arg(format!("--dbname={conn}"))
                .envs(password.map(|p| ("PGPASSWORD", p))))?;
            let listed = Command::new("pg_restore").arg("--list").arg(to).output()?;
            if !listed.status.success() {
                return Err("pg_restore cannot read the dump just written".into());
            }
            // The dump itself is checked; the figures come from the database it was taken of.
            let db = crate::db::connect(url).await?;
            summary(&db, to, started).await
        }
        other => Err(format!("backups of {other:?} are not supported").into()),
    }
}

/// Restores backup `from` into the empty database at `url`, then migrates it.
pub async fn restore(url: &str, from: &Path) -> Result<Summary, BoxError> {
    let started = Instant::now();
    let mut head = [0u8; 16];
    {
        use std::io::Read;
        let n = std::fs::File::open(from)
            .map_err(|e| format!("cannot read {}: {e}", from.display()))?
            .read(&mut head)?;
        if n < PG_DUMP_MAGIC.len() {
            return Err(format!("{} is not a Preflight backup", from.display()).into());
        }
    }
    let is_sqlite = head.starts_with(SQLITE_MAGIC);
    let is_pg = head.starts_with(PG_DUMP_MAGIC);
    if !is_sqlite && !is_pg {
        return Err(format!(
            "{} is neither a SQLite backup nor a pg_dump archive",
            from.display()
        )
        .into());
    }
    match (sqlite_path(url), is_sqlite) {
        (Some(target), true) => {
            let copy = read_only(from).await?;
            check_sqlite(&copy).await?;
            copy.close().await?;
            if target.exists() {
                let db = crate::db::connect(url).await?;
                ensure_empty(&db).await?;
                db.close().await?;
            }
            if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            // Into place at once: a copy beside it, then a rename over the empty file (and
            // the empty database's journal files, which would otherwise replay into it).
            let partial = target.with_extension("restoring");
            std::fs::copy(from, &partial)?;
            for suffix in ["-wal", "-shm"] {
                let mut side = target.clone().into_os_string();
                side.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(side));
            }
            std::fs::rename(&partial, &target)?;
        }
        (None, false) if url.starts_with("postgres") => {
            let db = crate::db::connect(url).await?;
            ensure_empty(&db).await?;
            check_pg_tool(&db, "pg_restore").await?;
            db.close().await?;
            let (conn, password) = libpq_url(url)?;
            run(Command::new("pg_restore")
                .args(["--no-owner", "--no-privileges", "--exit-on-error"])
                .arg(format!("--dbname={conn}"))
                .arg(from)
                .envs(password.map(|p| ("PGPASSWORD", p))))?;
        }
        (_, true) => {
            return Err(
                "a SQLite backup restores into SQLite (DATABASE_URL=sqlite://…, or the default)"
                    .into(),
            );
        }
        (_, false) => {
            return Err(
                "a pg_dump archive restores into PostgreSQL (DATABASE_URL=postgres://…)".into(),
            );
        }
    }
    let db = crate::db::open(url).await?;
    let bytes = std::fs::metadata(from)?.len();
    let mut s = summary(&db, from, started).await?;
    s.bytes = bytes;
    Ok(s)
}

/// A read-only connection to a SQLite file.
async fn read_only(path: &Path) -> Result<DatabaseConnection, BoxError> {
    let url = format!("sqlite://{}?mode=ro", std::path::absolute(path)?.display());
    Ok(sea_orm::Database::connect(url).await?)
}

async fn check_sqlite(db: &DatabaseConnection) -> Result<(), BoxError> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await?
        .ok_or("the integrity check said nothing")?;
    let said: String = row.try_get_by_index(0)?;
    if said == "ok" {
        Ok(())
    } else {
        Err(format!("the copy fails SQLite's integrity check: {said}").into())
    }
}

/// Refuses a database that has any table (restoring never merges or overwrites).
async fn ensure_empty(db: &DatabaseConnection) -> Result<(), BoxError> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
        _ => "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()",
    };
    let n: i64 = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .map(|r| r.try_get_by_index(0))
        .transpose()?
        .unwrap_or(0);
    if n > 0 {
        return Err(format!(
            "the target database is not empty ({n} tables): restore into a new, empty one"
        )
        .into());
    }
    Ok(())
}

/// The PostgreSQL tool `tool` is on the PATH and not older than the server.
async fn check_pg_tool(db: &DatabaseConnection, tool: &str) -> Result<(), BoxError> {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT current_setting('server_version_num')::int",
        ))
        .await?
        .ok_or("the server did not say its version")?;
    let server: i32 = row.try_get_by_index(0)?;
    let server_major = server / 10_000;
    let out = Command::new(tool).arg("--version").output().map_err(|_| {
        format!(
            "{tool} is not on the PATH: install the PostgreSQL {server_major} client tools \
             (Debian: postgresql-client-{server_major})"
        )
    })?;
    let said = String::from_utf8_lossy(&out.stdout);
    let tool_major = tool_major(&said).ok_or_else(|| format!("{tool} said {said:?}"))?;
    if tool_major < server_major {
        return Err(format!(
            "{tool} {tool_major} is older than the server (PostgreSQL {server_major}): install \
             the PostgreSQL {server_major} client tools"
        )
        .into());
    }
    Ok(())
}

/// `pg_dump (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)` → 15.
fn tool_major(version: &str) -> Option<i32> {
    version
        .split_whitespace()
        .find_map(|w| w.split('.').next()?.parse::<i32>().ok())
}

/// The URL for libpq with its password taken out (passed in `PGPASSWORD`, not on a command line
/// other users can read).
fn libpq_url(url: &str) -> Result<(String, Option<String>), BoxError> {
    let mut parsed = reqwest::Url::parse(url).map_err(|e| format!("DATABASE_URL: {e}"))?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    parsed
        .set_password(None)
        .map_err(|()| "DATABASE_URL cannot carry a password")?;
    Ok((parsed.to_string(), password))
}

fn run(cmd: &mut Command) -> Result<(), BoxError> {
    let name = cmd.get_program().to_string_lossy().into_owned();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {name}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )
        .into())
    }
}

async fn summary(
    db: &DatabaseConnection,
    file: &Path,
    started: Instant,
) -> Result<Summary, BoxError> {
    let backend = db.get_database_backend();
    let mut counts = [("accounts", 0), ("teams", 0), ("projects", 0), ("items", 0)];
    for (i, table) in ["users", "teams", "projects", "items"].iter().enumerate() {
        let row = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT count(*) FROM {table}"),
            ))
            .await?;
        counts[i].1 = row.map(|r| r.try_get_by_index(0)).transpose()?.unwrap_or(0);
    }
    let schema: Option<String> = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT max(version) FROM seaql_migrations",
        ))
        .await?
        .map(|r| r.try_get_by_index(0))
        .transpose()?;
    Ok(Summary {
        bytes: std::fs::metadata(file)?.len(),
        seconds: started.elapsed().as_secs_f64(),
        counts,
        schema: schema.unwrap_or_else(|| "none".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/preflight/preflight.db?mode=rwc"),
            Some(PathBuf::from("/var/lib/preflight/preflight.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:data/p.db"),
            Some(PathBuf::from("data/p.db"))
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }

    #[test]
    fn versions_and_passwords_are_read_from_what_the_tools_say() {
        assert_eq!(
            tool_major("pg_dump (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"),
            Some(15)
        );
        assert_eq!(tool_major("pg_restore (PostgreSQL) 9.6.24"), Some(9));
        assert_eq!(tool_major("nothing"), None);
        let (url, pw) = libpq_url("postgres://pf:s%40cret@127.0.0.1:5432/pf?sslmode=disable")
            .unwrap_or_default();
        assert_eq!(url, "postgres://pf@127.0.0.1:5432/pf?sslmode=disable");
        assert_eq!(pw.as_deref(), Some("s@cret"));
    }
}
