//! `/api/v1/docs`: the OpenAPI document as a readable page, rendered once on the server (no
//! script, nothing loaded from elsewhere).

use std::{fmt::Write, sync::LazyLock};

use axum::{http::header, response::IntoResponse};
use serde_json::Value;

use super::problem::KINDS;

/// The page.
pub async fn page() -> impl IntoResponse {
    static HTML: LazyLock<String> =
        LazyLock::new(|| render(&serde_json::to_value(super::openapi()).unwrap_or_default()));
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        HTML.as_str(),
    )
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `$ref` → a link to the schema; otherwise a short type text.
fn type_text(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(all) = schema
        .get("oneOf")
        .or_else(|| schema.get("allOf"))
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        return all.iter().map(type_text).collect::<Vec<_>>().join(" or ");
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values
            .iter()
            .map(|v| format!("<code>{}</code>", esc(&v.to_string())))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "any".to_owned(),
    };
    let ty = if ty.starts_with("array") {
        let items = schema.get("items").map(type_text).unwrap_or_default();
        format!("{} of {items}", esc(&ty))
    } else {
        esc(&ty)
    };
    match schema.get("format").and_then(Value::as_str) {
        Some(f) => format!("{ty} ({})", esc(f)),
        None => ty,
    }
}

fn render(doc: &Value) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let title = doc["info"]["title"].as_str().unwrap_or("API");
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><link rel=\"stylesheet\" href=\"/pkg/preflight.css\"></head>\
         <body><main id=\"main\" class=\"api-docs\"><h1>{t} {v}</h1><p>{d}</p>\
         <p>Base URL: <code>/api/v1</code>. The machine-readable document: \
         <a href=\"/api/v1/openapi.json\">openapi.json</a>. Create a token on your \
         <a href=\"/account\">account page</a>.</p>",
        t = esc(title),
        v = esc(doc["info"]["version"].as_str().unwrap_or("")),
        d = esc(doc["info"]["description"].as_str().unwrap_or("")),
    );
    h.push_str("<h2>Operations</h2>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in ["get", "post", "patch", "put", "delete"] {
                if let Some(op) = item.get(method) {
                    operation(&mut h, method, path, op);
                }
            }
        }
    }
    h.push_str(
        "<h2 id=\"problems\">Errors</h2><p>Every error is <code>application/problem+json</code> \
        with <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code> and, \
        for invalid input, <code>errors</code>: <code>[{\"field\", \"message\"}]</code>.</p>\
        <table><thead><tr><th>Type</th><th>Status</th><th>When</th></tr></thead><tbody>",
    );
    for (slug, status, title, when) in KINDS {
        let _ = write!(
            h,
            "<tr id=\"problem-{slug}\"><td>{title}</td><td>{status}</td><td>{}</td></tr>",
            esc(when)
        );
    }
    h.push_str("</tbody></table><h2>Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(h, "<section id=\"schema-{0}\"><h3>{0}</h3>", esc(name));
            if let Some(d) = schema.get("description").and_then(Value::as_str) {
                let _ = write!(h, "<p>{}</p>", esc(d));
            }
            match schema.get("properties").and_then(Value::as_object) {
                Some(props) => {
                    let required: Vec<&str> = schema["required"]
                        .as_array()
                        .map(|r| r.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    h.push_str("<table><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>");
                    for (field, p) in props {
                        let _ = write!(
                            h,
                            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                            esc(field),
                            if required.contains(&field.as_str()) {
                                " (required)"
                            } else {
                                ""
                            },
                            type_text(p),
                            esc(p["description"].as_str().unwrap_or(""))
                        );
                    }
                    h.push_str("</tbody></table>");
                }
                None => {
                    let _ = write!(h, "<p>{}</p>", type_text(schema));
                }
            }
            h.push_str("</section>");
        }
    }
    h.push_str("</main></body></html>");
    h
}

fn operation(h: &mut String, method: &str, path: &str, op: &Value) {
    let _ = write!(
        h,
        "<section class=\"api-op\"><h3><code>{} /api/v1{}</code></h3><p>{}</p>",
        method.to_ascii_uppercase(),
        esc(path),
        esc(op["description"]
            .as_str()
            .or_else(|| op["summary"].as_str())
            .unwrap_or(""))
    );
    if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
        h.push_str("<table><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>");
        for p in params {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(p["name"].as_str().unwrap_or("")),
                esc(p["in"].as_str().unwrap_or("")),
                type_text(&p["schema"]),
                esc(p["description"].as_str().unwrap_or(""))
            );
        }
        h.push_str("</tbody></table>");
    }
    if let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema") {
        let _ = write!(h, "<p>Body: {}</p>", type_text(schema));
    }
    if let Some(responses) = op["responses"].as_object() {
        let ok: Vec<String> = responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .map(|(status, r)| {
                let body = r["content"]
                    .as_object()
                    .and_then(|c| c.values().next())
                    .and_then(|c| c.get("schema"))
                    .map(|s| format!(": {}", type_text(s)))
                    .unwrap_or_default();
                format!("{status}{body}")
            })
            .collect();
        let errors: Vec<&str> = responses
            .keys()
            .filter(|s| !s.starts_with('2'))
            .map(String::as_str)
            .collect();
        let _ = write!(
            h,
            "<p>Answers {}; errors {} (<a href=\"#problems\">problems</a>).</p>",
            ok.join(", "),
            errors.join(", ")
        );
    }
    h.push_str("</section>");
}
