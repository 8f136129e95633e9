//! Evidence files over real HTTP: the item page's native upload form, downloads by a viewer,
//! another team's 404, the size limit (a field error, nothing stored), a name with folders in
//! it, the REST API's multipart upload, and the archive export that holds them.

use std::{collections::BTreeMap, io::Read};

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
    let shop = s.shop("Ops").await;
    let item = shop
        .item(s, &[("title", "Load test"), ("priority", "high")])
        .await;
    (shop.c, shop.team, item)
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

/// A zip's entries by name, read back with CRCs checked, and the same bytes tested by Python's
/// `zipfile` (another implementation than the one that wrote it).
pub fn read_zip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entries = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut body = Vec::new();
        entry.read_to_end(&mut body).unwrap();
        entries.insert(entry.name().unwrap().into_owned(), body);
    }
    let path = std::env::temp_dir().join(format!("pf-{}.zip", uuid::Uuid::new_v4().simple()));
    std::fs::write(&path, bytes).unwrap();
    let tested = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip())",
        ])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&tested.stdout).trim(),
        "None",
        "python's zipfile finds every entry sound: {}",
        String::from_utf8_lossy(&tested.stderr)
    );
    entries
}

#[tokio::test]
async fn the_archive_export_holds_the_json_and_every_file_for_those_who_may_see_it() {
    let s = TestServer::start().await;
    let (c, team, item) = shop(&s).await;
    let pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer\n%%EOF\n".to_vec();
    assert_eq!(
        upload(&s, &c, &item, "k6 report.pdf", &pdf).await.status(),
        303
    );
    // Two files with one name on one item, and a name with folders: all kept apart.
    assert_eq!(
        upload(&s, &c, &item, "notes.txt", b"first").await.status(),
        303
    );
    assert_eq!(
        upload(&s, &c, &item, "notes.txt", b"second").await.status(),
        303
    );
    assert_eq!(upload(&s, &c, &item, "../../x", b"up").await.status(), 303);
    // More than one response chunk, so the stream is really cut and joined.
    let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(upload(&s, &c, &item, "trace.bin", &big).await.status(), 303);
    let listed = files(&s, &c, &item).await;
    assert_eq!(listed.len(), 5);

    let viewer = s.member(&c, &team, "vic@example.com", "viewer").await;
    let res = s.page(&viewer, "/p/shop/export/zip").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"shop-readiness-")
            && disposition.ends_with(".zip\""),
        "{disposition}"
    );
    let entries = read_zip(&res.bytes().await.unwrap());
    assert_eq!(entries.len(), 6, "{:?}", entries.keys());
    let doc: serde_json::Value = serde_json::from_slice(&entries["project.json"]).unwrap();
    assert_eq!(doc["project"]["slug"], "shop");
    let docs = doc["categories"][0]["items"][0]["files"]
        .as_array()
        .unwrap();
    assert_eq!(docs.len(), 5);
    let want: [(&str, &[u8]); 5] = [
        ("k6 report.pdf", &pdf),
        ("notes.txt", b"first"),
        ("notes.txt", b"second"),
        ("x", b"up"),
        ("trace.bin", &big),
    ];
    for ((name, bytes), (doc, row)) in want.iter().zip(docs.iter().zip(&listed)) {
        assert_eq!(doc["name"], *name);
        let path = doc["path"].as_str().unwrap();
        assert_eq!(path, format!("files/{}-{name}", row["id"]));
        assert_eq!(entries[path].as_slice(), *bytes, "{path}");
    }
    // The archive's JSON is the JSON export.
    let json = s
        .page(&c, "/p/shop/export/json")
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(entries["project.json"].as_slice(), json.as_ref());

    // Another team and the signed-out: as for any export.
    s.add_user("eve@example.com", false).await;
    let eve = s.client();
    s.login(&eve, "eve@example.com", crate::support::PASSWORD)
        .await;
    assert_eq!(s.page(&eve, "/p/shop/export/zip").await.status(), 404);
    assert_eq!(
        s.page(&s.client(), "/p/shop/export/zip").await.status(),
        302
    );

    // The REST API with a read token: the same archive.
    let ada = s.auth_user("ada@example.com").await;
    let token = tokens::create(&s.db, &ada, "ci", "read", "").await.unwrap();
    let res = reqwest::Client::new()
        .get(s.url("/api/v1/projects/shop/export/zip"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let again = read_zip(&res.bytes().await.unwrap());
    // Compressed on the way (the response's compression layer polls the body past its end):
    // the whole body still arrives.
    let res = reqwest::Client::new()
        .get(s.url("/api/v1/projects/shop/export/zip"))
        .bearer_auth(&token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let gzipped = res.bytes().await.expect("the whole compressed body");
    assert!(gzipped.len() > 1000, "{} bytes", gzipped.len());
    assert_eq!(
        again.keys().collect::<Vec<_>>(),
        entries.keys().collect::<Vec<_>>()
    );
    let trace = format!("files/{}-trace.bin", listed[4]["id"]);
    assert_eq!(again[&trace], big);
}
