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
/// For editors the rows sit in their category's one status form ([`CategorySection`]): a row
/// carries a select named `status[ID]` and a "Set" button sending `set=ID:VERSION`, which post
/// natively, or through the page's form enhancement once the wasm runs ([`crate::enhance`]).
/// A form per row made a 1,000-item page take Chromium 20 s and more to load: its work grows
/// with forms times controls.
/// Every text from the database goes through `html_escape`.
///
/// Each row: a checkbox joining the bulk form (editors), the title with its badges, the
/// priority, the status (for editors: a select and a "Set" button), the assignee and the due
/// date. The title is written once: the row's controls are named by it through
/// `aria-labelledby` ("Select …", "Status of …", "Set …", the first two words from
/// [`ROW_LABELS`]), not by three more copies. Priority and assignee change through the bulk
/// bar or the item page: a picker of every member in each of 1,000 rows would be most of the
/// page.
pub(super) fn rows_html(items: &[ItemRow], slug: &str, edit: bool) -> String {
    use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
    // Plain appends rather than `write!`: this loop is a fifth of the page's server time.
    let slug = attr(slug);
    let mut out = String::with_capacity(items.len() * if edit { 1_100 } else { 450 });
    let (mut id_buf, mut version_buf) = (itoa::Buffer::new(), itoa::Buffer::new());
    let put = |out: &mut String, parts: &[&str]| parts.iter().for_each(|p| out.push_str(p));
    for i in items {
        let (id, version) = (id_buf.format(i.id), version_buf.format(i.version));
        let title = text(&i.title);
        put(
            &mut out,
            &[r#"<tr id="item-"#, id, r#"" data-item=""#, id, r#"""#],
        );
        match (i.overdue, i.stale) {
            (true, _) => out.push_str(r#" class="overdue""#),
            (false, true) => out.push_str(r#" class="stale""#),
            _ => {}
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
                    r#"" aria-labelledby="label-select t-"#,
                    id,
                    r#""></td>"#,
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
                r#"" class="item-title" id="t-"#,
                id,
                r#"">"#,
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
                    r#"<span class="inline"><select name="status["#,
                    id,
                    r#"]" aria-labelledby="label-status t-"#,
                    id,
                    r#"">"#,
                    status_options_html(i.status),
                    r#"</select><button type="submit" class="secondary" name="set" value=""#,
                    id,
                    ":",
                    version,
                    r#"" id="set-"#,
                    id,
                    r#"" aria-labelledby="set-"#,
                    id,
                    " t-",
                    id,
                    r#"">Set</button></span>"#,
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
        badges(&mut out, i);
        out.push_str("</td></tr>");
    }
    out
}

/// A row's badges after its due date: overdue, and stale or how its "done" was measured.
fn badges(out: &mut String, i: &ItemRow) {
    if i.overdue {
        out.push_str(r#"<span class="badge overdue">overdue</span>"#);
    }
    if i.stale {
        out.push_str(
            r#"<span class="badge stale" title="Its evidence ran out: counts as open until re-attested or re-measured">stale</span>"#,
        );
    } else if let Some(kind) = i.evidence {
        out.push_str(r#"<span class="badge measured">"#);
        out.push_str(kind.label());
        out.push_str("</span>");
    }
}

/// The words the rows' controls are named by, before the item's title: hidden elements written
/// once on the page ([`row_labels`]).
pub(super) const ROW_LABELS: [(&str, &str); 2] =
    [("label-select", "Select"), ("label-status", "Status of")];

/// The hidden words of [`ROW_LABELS`], for the page (editors only).
pub(super) fn row_labels() -> String {
    ROW_LABELS
        .iter()
        .map(|(id, words)| format!(r#"<span id="{id}" hidden>{words}</span>"#))
        .collect()
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
