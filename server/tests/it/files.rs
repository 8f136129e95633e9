//! Evidence files over real HTTP: the item page's native upload form, downloads by a viewer,
//! another team's 404, the size limit (a field error, nothing stored), a name with folders in
//! it, and the REST API's multipart upload.

use app::account::tokens;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::support::TestServer;

/// A multipart body with one part `file` named `name` holding `bytes`, and its content type.
fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = format!("----preflight{}", uuid::Uuid::new_v4().simple());
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/html\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    s: &TestServer,
    c: &reqwest::Client,
    item: &str,
    name: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let (content_type, body) = multipart(name, bytes);
    c.post(s.url(&format!("/p/shop/items/{item}/files")))
        .header("origin", &s.base)
        .header("content-type", content_type)
        .header("accept", "text/html")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Ada (admin, owner) with project `shop` and one item; returns (client, team id, item id).
async fn shop(s: &TestServer) -> (reqwest::Client, String, String) {
    let (c, team) = s.admin_with_team().await;
    s.call_ok(
        &c,
        "create_project",
        &[("name", "Shop"), ("team_id", &team)],
    )
    .await;
    let res = s
        .call(&c, "create_category", &[("slug", "shop"), ("name", "Ops")])
        .await;
    let category = res.json::<i32>().await.unwrap().to_string();
    let res = s
        .call(
            &c,
            "create_item",
            &[
                ("category_id", &category),
                ("title", "Load test"),
                ("priority", "high"),
            ],
        )
        .await;
    let item = res.json::<i32>().await.unwrap().to_string();
    (c, team, item)
}

async fn files(s: &TestServer, c: &reqwest::Client, item: &str) -> Vec<serde_json::Value> {
    s.get_json(c, &format!("/rpc/get_item?item_id={item}"))
        .await["files"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn files_are_attached_downloaded_by_viewers_and_refused_past_the_limit_or_another_team() {
    let s = TestServer::start().await;
    let (c, team, item) = shop(&s).await;
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer\n%%EOF\n".to_vec();
    let res = upload(&s, &c, &item, "k6 report.pdf", &pdf).await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        format!("/p/shop/items/{item}#files").as_str()
    );
    // Claimed text/html, named with folders: stored as what its bytes are, under its last name.
    let res = upload(&s, &c, &item, "../../x", b"<script>alert(1)</script>").await;
    assert_eq!(res.status(), 303);
    let listed = files(&s, &c, &item).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["name"], "k6 report.pdf");
    assert_eq!(listed[0]["content_type"], "application/pdf");
    assert_eq!(listed[0]["size"], pdf.len());
    assert_eq!(listed[1]["name"], "x");
    assert_eq!(listed[1]["content_type"], "text/plain; charset=utf-8");
    let page = s.page(&c, &format!("/p/shop/items/{item}")).await;
    let html = page.text().await.unwrap();
    assert!(html.contains("k6 report.pdf"), "listed on the item page");

    // A viewer downloads it, as an attachment that is never run as a page.
    let viewer = s.member(&c, &team, "vic@example.com", "viewer").await;
    let pdf_id = listed[0]["id"].to_string();
    let res = s.page(&viewer, &format!("/p/shop/files/{pdf_id}")).await;
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"k6 report.pdf\""),
        "{h:?}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let x_id = listed[1]["id"].to_string();
    let res = s.page(&viewer, &format!("/p/shop/files/{x_id}")).await;
    assert_eq!(res.headers()["content-type"], "text/plain; charset=utf-8");
    // A viewer may not attach.
    assert_eq!(
        upload(&s, &viewer, &item, "v.txt", b"hi").await.status(),
        403
    );

    // Another team: 404 for the file and for the item, nothing stored.
    s.add_user("eve@example.com", false).await;
    let eve = s.client();
    assert_eq!(
        s.login(&eve, "eve@example.com", crate::support::PASSWORD)
            .await
            .status(),
        200
    );
    assert_eq!(
        s.page(&eve, &format!("/p/shop/files/{pdf_id}"))
            .await
            .status(),
        404
    );
    assert_eq!(upload(&s, &eve, &item, "e.txt", b"hi").await.status(), 404);
    // Signed out: to the sign-in page.
    let anon = s.client();
    assert_eq!(
        s.page(&anon, &format!("/p/shop/files/{pdf_id}"))
            .await
            .status(),
        302
    );

    // Over the limit: a field error on the item page, nothing stored.
    let before = app::entities::file_contents::Entity::find()
        .count(&s.db)
        .await
        .unwrap();
    let big = vec![b'a'; app::files::MAX_FILE + 1];
    let res = upload(&s, &c, &item, "huge.log", &big).await;
    assert_eq!(res.status(), 303);
    let page = s.page(&c, &format!("/p/shop/items/{item}")).await;
    let html = page.text().await.unwrap();
    assert!(
        html.contains("A file may be at most 10.0 MB"),
        "field error shown"
    );
    let again = s.page(&c, &format!("/p/shop/items/{item}")).await;
    assert!(
        !again
            .text()
            .await
            .unwrap()
            .contains("A file may be at most"),
        "shown once"
    );
    assert_eq!(files(&s, &c, &item).await.len(), 2);
    assert_eq!(
        app::entities::file_contents::Entity::find()
            .count(&s.db)
            .await
            .unwrap(),
        before
    );

    // The REST API: multipart upload with a token, the same limit as a problem on `file`.
    let ada = s.auth_user("ada@example.com").await;
    let token = tokens::create(&s.db, &ada, "ci", "write", "")
        .await
        .unwrap();
    let http = reqwest::Client::new();
    let (ct, body) = multipart("load.json", br#"{"p99_ms":180}"#);
    let res = http
        .post(s.url(&format!("/api/v1/items/{item}/files")))
        .bearer_auth(&token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: serde_json::Value = res.json().await.unwrap();
    assert_eq!(created["name"], "load.json");
    let (ct, body) = multipart("huge.log", &big);
    let res = http
        .post(s.url(&format!("/api/v1/items/{item}/files")))
        .bearer_auth(&token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");
    let listed: Vec<serde_json::Value> = http
        .get(s.url(&format!("/api/v1/items/{item}/files")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    let res = http
        .get(s.url(&format!("/api/v1/files/{pdf_id}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // The JSON export lists them (metadata).
    let export = s
        .page(&c, "/p/shop/export/json")
        .await
        .text()
        .await
        .unwrap();
    assert!(export.contains("k6 report.pdf"), "export lists files");

    // Removing: the bytes go with the last file holding them.
    s.call_ok(&c, "delete_evidence_file", &[("file_id", &x_id)])
        .await;
    assert_eq!(files(&s, &c, &item).await.len(), 2);
    let trail = s.audit_trail().await;
    assert!(trail.iter().any(|(_, a)| a == "file_removed"), "{trail:?}");
}
