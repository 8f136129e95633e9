//! The checklist's rows as HTML, with their inline status forms.

use super::*;

/// The five statuses as options, `current` selected.
pub(super) fn status_choices(current: Status) -> impl IntoView {
    Status::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.as_str() selected=s == current>
                    {s.label()}
                </option>
            }
        })
        .collect_view()
}

/// One category's rows as HTML, written straight into a string.
///
/// A checklist has up to thousands of rows and is most of its page. As Leptos views they cost
/// half the server's time for the page. As one string they are written in a fraction of that.
/// The status forms inside are plain forms: they post natively, or through the page's form
/// enhancement once the wasm runs ([`crate::enhance`]).
/// Every text from the database goes through `html_escape`.
///
/// Each row: a checkbox joining the bulk form (editors), the title with its badges, the
/// priority, the status (an inline form for editors: item, version, labelled select, submit
/// button), the assignee and the due date. Priority and assignee change through the bulk bar
/// or the item page: a picker of every member in each of 1,000 rows would be most of the page.
pub(super) fn rows_html(items: &[ItemRow], slug: &str, edit: bool) -> String {
    use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
    use server_fn::ServerFn;

    // Plain appends rather than `write!`: this loop is a fifth of the page's server time.
    let slug = attr(slug);
    let status_url = <SetItemStatus as ServerFn>::url();
    let mut out = String::with_capacity(items.len() * if edit { 1_100 } else { 450 });
    let (mut id_buf, mut version_buf) = (itoa::Buffer::new(), itoa::Buffer::new());
    let put = |out: &mut String, parts: &[&str]| parts.iter().for_each(|p| out.push_str(p));
    for i in items {
        let (id, version) = (id_buf.format(i.id), version_buf.format(i.version));
        let title = text(&i.title);
        put(&mut out, &[r#"<tr data-item=""#, id, r#"""#]);
        if i.overdue {
            out.push_str(r#" class="overdue""#);
        }
        out.push('>');
        if edit {
            put(
                &mut out,
                &[
                    r#"<td class="select"><input type="checkbox" name="items[]" value=""#,
                    id,
                    ":",
                    version,
                    r#"" form=""#,
                    BULK_FORM,
                    r#"" id="select-"#,
                    id,
                    r#""><label for="select-"#,
                    id,
                    r#"" class="visually-hidden">Select "#,
                    &title,
                    "</label></td>",
                ],
            );
        }
        put(
            &mut out,
            &[
                r#"<td><a href="/p/"#,
                &slug,
                "/items/",
                id,
                r#"" class="item-title">"#,
                &title,
                "</a>",
            ],
        );
        if i.blocking {
            out.push_str(r#"<span class="badge blocking">blocking</span>"#);
        }
        if i.expired {
            out.push_str(r#"<span class="badge expired">acceptance expired</span>"#);
        }
        put(
            &mut out,
            &[
                r#"</td><td><span class="priority priority-"#,
                i.priority.as_str(),
                r#"">"#,
                i.priority.label(),
                "</span></td><td>",
            ],
        );
        if edit {
            put(
                &mut out,
                &[
                    r#"<form action=""#,
                    status_url,
                    r#"" method="post" class="inline"><input type="hidden" name="item_id" value=""#,
                    id,
                    r#""><input type="hidden" name="version" value=""#,
                    version,
                    r#""><label for="status-"#,
                    id,
                    r#"" class="visually-hidden">Status of "#,
                    &title,
                    r#"</label><select name="status" id="status-"#,
                    id,
                    r#"">"#,
                    status_options_html(i.status),
                    r#"</select><button type="submit" class="secondary">Set</button></form>"#,
                ],
            );
        } else {
            put(
                &mut out,
                &[
                    r#"<span class="status status-"#,
                    i.status.as_str(),
                    r#"">"#,
                    i.status.label(),
                    "</span>",
                ],
            );
        }
        out.push_str(r#"</td><td class="assignee">"#);
        if let Some(a) = &i.assignee {
            out.push_str(&text(&a.name));
        }
        out.push_str("</td><td>");
        if let Some(d) = i.due_date {
            out.push_str(&d.to_string());
        }
        if i.overdue {
            out.push_str(r#"<span class="badge overdue">overdue</span>"#);
        }
        out.push_str("</td></tr>");
    }
    out
}

/// The five statuses as `<option>`s with `current` selected (made once per status).
pub(super) fn status_options_html(current: Status) -> &'static str {
    static OPTIONS: std::sync::LazyLock<Vec<(Status, String)>> = std::sync::LazyLock::new(|| {
        Status::ALL
            .into_iter()
            .map(|current| {
                let options = Status::ALL.into_iter().map(|s| {
                    let selected = if s == current { " selected" } else { "" };
                    format!(
                        r#"<option value="{}"{selected}>{}</option>"#,
                        s.as_str(),
                        s.label()
                    )
                });
                (current, options.collect())
            })
            .collect()
    });
    OPTIONS
        .iter()
        .find(|(s, _)| *s == current)
        .map_or("", |(_, html)| html)
}

pub(super) fn status_options() -> Vec<(String, String)> {
    Status::ALL
        .into_iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect()
}

pub(super) fn priority_options() -> Vec<(String, String)> {
    Priority::ALL
        .into_iter()
        .map(|p| (p.as_str().to_owned(), p.label().to_owned()))
        .collect()
}

pub(super) fn member_options(members: &[Person]) -> Vec<(String, String)> {
    members
        .iter()
        .map(|m| (m.id.to_string(), m.name.clone()))
        .collect()
}
