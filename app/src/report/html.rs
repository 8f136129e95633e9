//! The report as a standalone HTML document (the HTML download and share links): the same
//! [`ReportView`] the app shows, rendered once on the server, with no script at all.

use leptos::prelude::*;

use super::{model::Report, view::ReportView};

/// The app's stylesheet, inlined into downloaded files so they look right offline.
const CSS: &str = include_str!("../../../style/main.css");

/// How the document gets its styles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Styles {
    /// A `<style>` element: a file that stands alone.
    Inline,
    /// A link to the server's stylesheet (share pages, whose CSP allows no inline style).
    Linked,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The report as an HTML document that search engines are asked not to index.
pub fn document(report: &Report, styles: Styles) -> String {
    let owner = Owner::new();
    let body = owner.with(|| {
        let report = report.clone();
        view! { <ReportView report /> }.to_html()
    });
    let style = match styles {
        Styles::Inline => format!("<style>{CSS}</style>"),
        Styles::Linked => r#"<link rel="stylesheet" href="/pkg/preflight.css">"#.to_owned(),
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex, nofollow\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{} — readiness report</title>{style}</head>\
         <body class=\"standalone-report\"><main id=\"main\">{body}</main>\
         <footer class=\"muted report-footer\">Made with Preflight</footer></body></html>\n",
        escape(&report.name)
    )
}
