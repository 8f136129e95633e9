use super::*;

fn row(id: i32, title: &str, status: Status) -> ItemRow {
    ItemRow {
        id,
        category_id: 1,
        title: title.into(),
        priority: Priority::High,
        blocking: true,
        status,
        expired: false,
        assignee: Some(Person {
            id: 7,
            name: "Ann <Ops> & \"Co\"".into(),
        }),
        due_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 2),
        overdue: true,
        stale: false,
        evidence: None,
        version: 3,
    }
}

#[test]
fn rows_escape_every_text_from_the_database() {
    let html = rows_html(
        &[row(
            1,
            "<script>alert(1)</script> & \"quoted\"",
            Status::Open,
        )],
        "shop",
        true,
    );
    assert!(!html.contains("<script>"), "{html}");
    assert_eq!(
        html.matches("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"quoted\"")
            .count(),
        1,
        "the title once, in the link (the controls are labelled by it): {html}"
    );
    assert!(html.contains("Ann &lt;Ops&gt; &amp; \"Co\""), "{html}");
}

#[test]
fn editors_get_a_status_control_and_a_checkbox_per_row_viewers_neither() {
    let items = [
        row(1, "Backups", Status::Done),
        row(2, "Alerts", Status::InProgress),
    ];
    let html = rows_html(&items, "shop", true);
    assert_eq!(html.matches("<tr ").count(), 2);
    assert!(
        !html.contains("<form"),
        "rows share their category's form: {html}"
    );
    assert!(
        html.contains(r#"<select name="status[2]" aria-labelledby="label-status t-2">"#),
        "{html}"
    );
    assert!(
        html.contains(r#"name="set" value="2:3" id="set-2" aria-labelledby="set-2 t-2">Set<"#),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-labelledby="label-select t-2""#),
        "{html}"
    );
    assert!(html.contains(r#"value="1:3" form="bulk-form""#), "{html}");
    assert!(html.contains(r#"<option value="done" selected>Done</option>"#));
    assert!(html.contains(r#"<option value="in_progress" selected>In progress</option>"#));
    assert_eq!(html.matches(" selected>").count(), 2, "one choice per row");
    assert!(html.contains(r#"<tr id="item-2" data-item="2" class="overdue">"#));
    assert!(html.contains(r#"<a href="/p/shop/items/2" class="item-title" id="t-2">"#));
    assert!(html.contains("2026-01-02<span class=\"badge overdue\">"));

    let read_only = rows_html(&items, "shop", false);
    assert!(!read_only.contains("<form") && !read_only.contains("checkbox"));
    assert!(read_only.contains(r#"<span class="status status-done">Done</span>"#));
}

#[test]
fn a_row_reference_is_an_id_and_a_version() {
    use crate::checklist::api::parse_row_ref;
    assert!(matches!(parse_row_ref("12:3"), Ok((12, 3))));
    for bad in ["", "12", "12:", ":3", "a:b", "12:3:4", "99999999999:1"] {
        let message = parse_row_ref(bad)
            .err()
            .and_then(|e| e.field_message("set"));
        assert!(message.is_some(), "{bad:?}");
    }
}
