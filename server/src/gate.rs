//! `preflight gate`: a deploy job's question to a Preflight server, answered by the exit
//! status (0 ship, 1 do not ship, 2 no answer) and a few lines a person can act on.

use std::process::ExitCode;

use app::checklist::model::GateView;

use crate::config::GateArgs;

/// Asks `GET /api/v1/projects/{slug}/gate`, prints the answer, and exits 0, 1 or 2.
pub async fn run(args: &GateArgs) -> ExitCode {
    match ask(args).await {
        Ok(view) => {
            print!("{}", describe(&view));
            if view.pass {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

async fn ask(args: &GateArgs) -> Result<GateView, String> {
    let base = args.url.trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(format!(
            "--url must start with https:// or http://, not {base:?}"
        ));
    }
    let mut project = String::new();
    for b in args.project.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            project.push(char::from(b));
        } else {
            return Err(format!(
                "--project is a slug (letters, digits, - and _), not {:?}",
                args.project
            ));
        }
    }
    let url = format!(
        "{base}/api/v1/projects/{project}/gate{}",
        if args.allow_gaps {
            "?allow_gaps=true"
        } else {
            ""
        }
    );
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(args.timeout.max(1)))
        .build()
        .map_err(|e| e.to_string())?;
    let res = client
        .get(&url)
        .bearer_auth(&args.token)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status = res.status();
    if status == reqwest::StatusCode::OK || status == reqwest::StatusCode::PRECONDITION_FAILED {
        return res
            .json::<GateView>()
            .await
            .map_err(|e| format!("{url} answered {status} with a body that is not a gate's: {e}"));
    }
    let body = res.text().await.unwrap_or_default();
    let detail = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("detail").and_then(|d| d.as_str()).map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(200).collect());
    Err(format!("{url} answered {status}: {detail}"))
}

/// The answer as lines: the summary, then each blocking gap.
pub fn describe(view: &GateView) -> String {
    let mut out = format!(
        "{}: {} — {}\n",
        view.project,
        if view.pass { "PASS" } else { "FAIL" },
        view.summary
    );
    for i in &view.blocking {
        out.push_str(&format!(
            "  - [{}] {} ({}{}) {}\n",
            i.priority,
            i.title,
            i.reason.replace('_', " "),
            i.assignee
                .as_deref()
                .map(|a| format!(", {a}"))
                .unwrap_or_default(),
            i.url
        ));
    }
    out
}
