use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

use crate::support::temp_dir;

fn preflight(
    data_dir: &std::path::Path,
    args: &[&str],
    stdin: &str,
    env_pw: Option<&str>,
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_preflight"));
    cmd.args(args)
        .env("PREFLIGHT_DATA_DIR", data_dir)
        .env_remove("DATABASE_URL")
        .env_remove("PREFLIGHT_PASSWORD")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(pw) = env_pw {
        cmd.env("PREFLIGHT_PASSWORD", pw);
    }
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn migrate_then_create_users_from_stdin_and_env() {
    let dir = temp_dir(&format!("pf_cli_{}", uuid::Uuid::new_v4().simple()));

    let out = preflight(&dir, &["migrate"], "", None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("preflight.db").is_file());

    let out = preflight(
        &dir,
        &["user", "create", "--admin", "--email", "Ada@Example.com"],
        "correct horse battery\n",
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ada@example.com"));

    let out = preflight(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "bob@example.com",
            "--name",
            "Bob",
        ],
        "",
        Some("another long password"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A taken email and a short password are refused with a message, not a panic.
    let out = preflight(
        &dir,
        &["user", "create", "--email", "ada@example.com"],
        "correct horse battery\n",
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("email"));
    let out = preflight(
        &dir,
        &["user", "create", "--email", "eve@example.com"],
        "short\n",
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
}
