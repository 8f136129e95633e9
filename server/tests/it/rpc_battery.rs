//! Malformed input for every server function, not only the REST API: each `/rpc/` endpoint of
//! the registry, called by a signed-in editor with bodies (or queries) of the wrong shape.
//! None may answer 5xx, none may show SQL or Rust, and nothing already saved may change.

use sea_orm::EntityTrait;

use crate::support::TestServer;

/// The field names the server functions take, so every function gets its own fields malformed.
const FIELDS: [&str; 46] = [
    "slug",
    "project",
    "item_id",
    "category_id",
    "risk_id",
    "review_id",
    "team_id",
    "user_id",
    "id",
    "key",
    "version",
    "title",
    "name",
    "description",
    "status",
    "priority",
    "assignee",
    "email",
    "password",
    "current_password",
    "new_password",
    "display_name",
    "team_name",
    "document",
    "format",
    "filter[q]",
    "filter[status]",
    "role",
    "handle",
    "label",
    "review",
    "expires_in_days",
    "scope",
    "status_reason",
    "accepted_until",
    "due_date",
    "effort_hours",
    "evidence_url",
    "likelihood",
    "impact",
    "body",
    "items[]",
    "disabled",
    "is_admin",
    "next",
    "up",
];

/// One malformed request body (or query string) per kind of mistake; `huge` characters a field
/// for the huge strings (a query string must stay under the URL limit of 64 KB).
fn cases(huge: usize) -> Vec<(&'static str, String)> {
    let all = |value: &str| {
        let mut form = form_urlencoded::Serializer::new(String::new());
        for f in FIELDS {
            form.append_pair(f, value);
        }
        form.finish()
    };
    vec![
        ("empty", String::new()),
        ("not a form", "%%%&&==%ZZ".to_owned()),
        ("extra field only", "zzz_unknown=1".to_owned()),
        ("blank fields", all("")),
        ("huge strings", all(&"x".repeat(huge))),
        ("control characters", all("\u{0}\u{1}\t\r\n\u{7f}\u{202e}")),
        (
            "invalid UTF-8",
            FIELDS
                .iter()
                .map(|f| {
                    format!(
                        "{}=%FF%FE%C3%28",
                        form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>()
                    )
                })
                .collect::<Vec<_>>()
                .join("&"),
        ),
        ("huge numbers", all("99999999999999999999999999")),
        ("negative numbers", all("-2147483649")),
        ("wrong types", all("[true,{}]")),
        ("repeated fields", format!("{}&{}", all("7.5"), all("nope"))),
    ]
}

/// Every row of the tables that hold what users saved, as text.
async fn saved(db: &sea_orm::DatabaseConnection) -> Vec<String> {
    use app::entities::*;
    macro_rules! rows {
        ($($t:ident),*) => {{
            let mut out = Vec::new();
            $(
                for r in $t::Entity::find().all(db).await.unwrap() {
                    out.push(format!("{}: {r:?}", stringify!($t)));
                }
            )*
            out
        }};
    }
    // Accounts without their display name: `update_profile` takes any text as one, so a
    // malformed call may rename the editor, which is their right.
    let mut out = Vec::new();
    for mut u in users::Entity::find().all(db).await.unwrap() {
        u.display_name.clear();
        u.updated_at = chrono::DateTime::UNIX_EPOCH;
        out.push(format!("users: {u:?}"));
    }
    out.extend(rows!(
        teams,
        team_members,
        projects,
        categories,
        items,
        item_comments,
        risks,
        risk_items,
        risk_matrices,
        reviews,
        templates,
        share_links,
        api_tokens
    ));
    out
}

#[tokio::test]
async fn every_server_function_refuses_malformed_input_cleanly() {
    let s = TestServer::start().await;
    let (admin, team) = s.admin_with_team().await;
    let ed = s.member(&admin, &team, "ed@example.com", "editor").await;
    let doc = "# Shop\n\n## Security\n- [ ] 🔴 Rotate secrets\n- [x] TLS everywhere\n";
    s.call_ok(
        &admin,
        "run_import",
        &[
            ("team_id", &team),
            ("format", "markdown"),
            ("document", doc),
        ],
    )
    .await;
    let before = saved(&s.db).await;

    let mut paths: Vec<(String, reqwest::Method)> = server_fn::axum::server_fn_paths()
        .map(|(p, m)| {
            (
                p.to_owned(),
                reqwest::Method::from_bytes(m.as_str().as_bytes()).unwrap(),
            )
        })
        // Signing out would end the editor's session for the rest of the battery.
        .filter(|(p, _)| p != "/rpc/logout")
        .collect();
    paths.sort();
    let (posted, queried) = (cases(20_000), cases(1_000));
    let mut failures = Vec::new();
    for (path, method) in &paths {
        let cases = if method == reqwest::Method::GET {
            &queried
        } else {
            &posted
        };
        for (case, body) in cases {
            let request = if method == reqwest::Method::GET {
                ed.get(s.url(&format!("{path}?{body}")))
            } else {
                ed.request(method.clone(), s.url(path))
                    .header("origin", s.url(""))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body.clone())
            };
            let res = request.send().await.unwrap();
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            let leaks = [
                "SELECT ",
                "INSERT ",
                "UPDATE ",
                "sqlx",
                "sea_orm",
                "DbErr",
                "syntax error",
                "panicked",
                ".rs:",
                "unwrap()",
            ]
            .into_iter()
            .find(|marker| text.contains(marker));
            if status >= 500 || leaks.is_some() {
                failures.push(format!(
                    "{method} {path} [{case}]: {status} {}",
                    leaks.map_or_else(
                        || text.chars().take(200).collect(),
                        |m| format!("shows {m:?}")
                    )
                ));
            }
        }
    }
    println!(
        "malformed-input battery: {} server functions × {} cases = {} requests",
        paths.len(),
        posted.len(),
        paths.len() * posted.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Still signed in (no case ended the session), and nothing saved before changed.
    assert_eq!(
        s.get_json(&ed, "/rpc/session_info").await["user"]["email"],
        "ed@example.com"
    );
    let after = saved(&s.db).await;
    let changed: Vec<&String> = before.iter().filter(|row| !after.contains(row)).collect();
    assert!(changed.is_empty(), "changed or lost: {changed:#?}");
}
