//! Markdown to safe HTML: pulldown-cmark renders, ammonia sanitizes (no scripts, no event
//! handlers, no `javascript:` links; links get `rel="noopener noreferrer"`).

/// Renders user-written Markdown to sanitized HTML.
pub fn to_safe_html(source: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        // An image loads itself in every viewer's browser: only from another site's absolute
        // URL, never a path of this one (`/p/x/export/pdf` would make each viewer render a PDF).
        .attribute_filter(|element, attribute, value| {
            let web = value.starts_with("https://") || value.starts_with("http://");
            if element == "img" && attribute == "src" && !web {
                None
            } else {
                Some(value.into())
            }
        })
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_scripts_do_not() {
        let html = to_safe_html(
            "**bold** [x](javascript:alert(1)) <script>alert(1)</script> <img src=x onerror=alert(1)>",
        );
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
    }

    #[test]
    fn images_come_only_from_absolute_web_urls() {
        let html = to_safe_html(
            "![a](/p/shop/export/pdf) ![b](export/pdf) ![c](https://cdn.example.com/c.png)",
        );
        assert!(!html.contains("export/pdf"), "{html}");
        assert!(
            html.contains(r#"src="https://cdn.example.com/c.png""#),
            "{html}"
        );
    }
}
