//! The report builder on hand-made snapshots, and (server side) its Markdown read back by the
//! importer.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::*;
use crate::{
    reviews::snapshot::{LiveCategory, LiveItem, LiveRisk, take},
    scoring::{ItemFacts, Priority, Status, Verdict},
};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
}

fn item(id: i32, category_id: i32, title: &str, priority: Priority, status: Status) -> LiveItem {
    LiveItem {
        id,
        category_id,
        title: title.into(),
        facts: ItemFacts {
            priority,
            status,
            blocking: priority == Priority::Critical,
            effort_hours: Some(3.0),
            accepted_until: None,
            evidence: None,
            evidence_until: None,
        },
        assignee: (id % 2 == 0).then(|| "Ann".to_owned()),
    }
}

fn cats() -> Vec<LiveCategory> {
    vec![
        LiveCategory {
            id: 1,
            name: "Security & *Auth*".into(),
            weight: 3,
            assessor: Some(55),
        },
        LiveCategory {
            id: 2,
            name: "Ops | Run [book]".into(),
            weight: 1,
            assessor: None,
        },
    ]
}

fn items(fixed: bool) -> Vec<LiveItem> {
    use Priority::*;
    vec![
        item(10, 1, "Rotate `keys` #now", Critical, Status::Open),
        item(11, 1, "TLS_everywhere <b>", High, Status::Done),
        item(
            12,
            2,
            "Alerts 🔥",
            Medium,
            if fixed {
                Status::Done
            } else {
                Status::InProgress
            },
        ),
        item(13, 2, "Runbook", Low, Status::NotApplicable),
    ]
}

fn risks(closed: bool) -> Vec<LiveRisk> {
    vec![
        LiveRisk {
            id: 1,
            title: "Breach".into(),
            category_id: Some(1),
            status: RiskStatus::Open,
            current: (4, 5),
            target: (2, 2),
        },
        LiveRisk {
            id: 2,
            title: "Outage".into(),
            category_id: None,
            status: if closed {
                RiskStatus::Closed
            } else {
                RiskStatus::Open
            },
            current: (2, 2),
            target: (1, 1),
        },
    ]
}

fn report(review_first: bool) -> Report {
    let matrix = RiskMatrix::default();
    let before = take(day(1), 80, &cats(), &items(false), &risks(false), &matrix);
    let now = take(day(24), 80, &cats(), &items(true), &risks(true), &matrix);
    let details: HashMap<i32, ItemDetail> = HashMap::from([(
        10,
        ItemDetail {
            due_date: Some(day(20)),
            effort_hours: Some(3.0),
            ..Default::default()
        },
    )]);
    let risk_details: HashMap<i32, RiskDetail> = risks(true)
        .into_iter()
        .map(|r| {
            (
                r.id,
                RiskDetail {
                    owner: Some("Ben".into()),
                    current: r.current,
                    target: r.target,
                },
            )
        })
        .collect();
    build(Sources {
        project: ("Shop", "shop", "", "Platform", None),
        review: None,
        snapshot: &now,
        previous: review_first.then_some(("Review 1", &before)),
        items: &details,
        risks: Some((&risk_details, &matrix)),
        signed: None,
    })
}

#[test]
fn categories_compare_with_the_previous_review() {
    let r = report(true);
    assert_eq!(r.verdict, Verdict::NotReady);
    assert_eq!(r.categories[0].assessor, Some(55));
    assert_eq!(r.categories[0].previous, Some(55));
    assert_eq!(r.categories[0].delta, Some(0));
    // Ops: in progress → done moves its computed score from 0 to 100.
    assert_eq!(r.categories[1].previous, Some(0));
    assert_eq!(r.categories[1].effective, Some(100));
    assert_eq!(r.categories[1].delta, Some(100));
    assert_eq!((r.categories[1].closed, r.categories[1].total), (1, 2));
    let since = r.since.as_ref().map(|s| s.diff.fixed.len());
    assert_eq!(since, Some(1));
    // Without a previous review there is nothing to compare.
    let alone = report(false);
    assert_eq!(alone.categories[1].previous, None);
    assert!(alone.since.is_none() && alone.changes().is_none());
}

#[test]
fn blocking_gaps_owners_and_risks() {
    let r = report(true);
    let blocking = r.blocking_table();
    assert_eq!(blocking.rows.len(), 1);
    assert_eq!(blocking.rows[0][0], "Rotate `keys` #now");
    assert_eq!(blocking.rows[0][4], "2026-11-20 (overdue)");
    // Only open gaps count: Ann's item 10 (3 h, blocking); nobody else has one.
    assert_eq!(r.owners.len(), 1);
    assert_eq!(
        (
            r.owners[0].name.as_str(),
            r.owners[0].open,
            r.owners[0].blocking
        ),
        ("Ann", 1, 1)
    );
    assert!((r.owners[0].hours - 3.0).abs() < f64::EPSILON);
    // The closed risk is last in the register and out of the heat maps.
    assert_eq!(r.risks[0].title, "Breach");
    assert_eq!(r.risks[1].status, RiskStatus::Closed);
    let heat = r
        .heat
        .as_ref()
        .map(|h| (h.current[3][4], h.current[1][1], h.target[1][1]));
    assert_eq!(heat, Some((1, 0, 1)));
    assert_eq!(
        r.risk_by_category.len(),
        2,
        "Security, and risks without a category"
    );
    assert_eq!(r.risk_by_category[0].current, Some(Level::Critical));
    assert_eq!(r.risk_by_category[1].category, "No category");
    assert_eq!(r.risk_by_category[1].current, None, "closed now");
    assert!(r.risk_by_category[1].previous.is_some(), "open then");
    let sizes: Vec<usize> = r.items_by_category().iter().map(|i| i.len()).collect();
    assert_eq!(sizes, vec![2, 2]);
}

#[cfg(feature = "ssr")]
#[test]
fn the_markdown_reads_back_to_the_same_checklist() {
    let r = report(true);
    let md = crate::report::markdown::render(&r);
    let parsed = crate::import::markdown::parse(&md).unwrap_or_else(|e| panic!("{e}"));
    let doc = parsed.doc;
    assert_eq!(doc.project.name, "Shop");
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let names: Vec<&str> = doc.categories.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["Security & *Auth*", "Ops | Run [book]"]);
    assert_eq!(doc.categories[0].weight, 3);
    assert_eq!(doc.categories[0].assessor_score, Some(55));
    assert_eq!(doc.categories[1].assessor_score, None);
    let got: Vec<(String, Status, Priority, bool)> = doc
        .categories
        .iter()
        .flat_map(|c| c.items.iter())
        .map(|i| (i.title.clone(), i.status, i.priority, i.is_blocking()))
        .collect();
    let want: Vec<(String, Status, Priority, bool)> = r
        .items
        .iter()
        .map(|i| (i.title.clone(), i.status, i.priority, i.blocking))
        .collect();
    assert_eq!(got, want);
    assert_eq!(doc.categories[0].items[0].due_date, Some(day(20)));
    assert_eq!(doc.categories[0].items[0].effort_hours, Some(3.0));
}
