use proptest::prelude::*;

use super::*;
use crate::import::text::decode;

fn fixture(name: &str) -> Parsed {
    let path = format!(
        "{}/tests/fixtures/readiness/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse(&decode(&bytes).text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn category<'a>(p: &'a Parsed, name: &str) -> &'a CategoryDoc {
    p.doc
        .categories
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no category {name:?}"))
}

fn count(c: &CategoryDoc, f: impl Fn(&ItemDoc) -> bool) -> usize {
    c.items.iter().filter(|i| f(i)).count()
}

fn all_titles(p: &Parsed) -> Vec<&str> {
    p.doc
        .categories
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.title.as_str()))
        .collect()
}

#[test]
fn fixture_001_server_analysis() {
    let p = fixture("001_a3c27dc2480edb7a.txt");
    assert_eq!(p.doc.project.name, "Server Production Readiness Analysis");
    assert_eq!(
        p.document_score,
        Some(68),
        "**Overall Readiness Score:** 68/100"
    );
    // The pre-production checklist: three priority groups of checkboxes.
    let pre = category(&p, "Pre-Production Checklist");
    assert_eq!(pre.items.len(), 29);
    assert_eq!(count(pre, |i| i.status == Status::Done), 5);
    assert_eq!(count(pre, |i| i.status == Status::Open), 24);
    assert_eq!(count(pre, |i| i.priority == Priority::Critical), 11);
    assert_eq!(count(pre, |i| i.priority == Priority::High), 8);
    assert_eq!(count(pre, |i| i.priority == Priority::Medium), 10);
    assert_eq!(count(pre, |i| i.blocking == Some(true)), 4, "⚠️ BLOCKING");
    assert!(
        pre.items
            .iter()
            .any(|i| i.title == "Increase test coverage to minimum 70%" && i.is_blocking()),
        "marker words leave the title, numbers stay"
    );
    // Strengths: an area heading per category, every ✅ bullet done.
    for (name, n) in [
        ("Security", 12),
        ("Code Quality", 7),
        ("Infrastructure", 7),
        ("Logging & Database", 6),
        ("Configuration", 3),
    ] {
        let c = category(&p, name);
        assert_eq!(c.items.len(), n, "{name}");
        assert_eq!(count(c, |i| i.status == Status::Done), n, "{name}");
    }
    // A numbered critical gap with action items: a category of critical open items.
    let tests = category(&p, "Test Coverage Declined");
    assert_eq!(tests.items.len(), 5);
    assert_eq!(
        count(tests, |i| i.status == Status::Open
            && i.priority == Priority::Critical),
        5
    );
    // Numbered gaps without items of their own are items of their priority section.
    let high = category(&p, "High Priority Issues");
    assert!(
        high.items
            .iter()
            .any(|i| i.title == "Redis Configuration Not Using REDIS_URL"
                && i.priority == Priority::High
                && i.description.contains("cache.service.ts"))
    );
    // Summaries are skipped (with warnings), code is never structure.
    let titles = all_titles(&p);
    assert!(!titles.contains(&"Test infrastructure established (5 test files, 62 tests)"));
    assert_eq!(
        p.warnings
            .iter()
            .filter(|w| w.contains("Executive Summary") || w.contains("Progress Summary"))
            .count(),
        2
    );
    assert!(
        !p.doc
            .categories
            .iter()
            .any(|c| c.name.starts_with("Current"))
    );
    // The risk table: one risk a row, levels on the default matrix.
    assert_eq!(p.doc.risks.len(), 11);
    assert_eq!(
        p.doc
            .risks
            .iter()
            .filter(|r| r.status == RiskStatus::Closed)
            .count(),
        3,
        "✓ Complete rows"
    );
    let testing = p
        .doc
        .risks
        .iter()
        .find(|r| r.title == "Testing risk")
        .unwrap_or_else(|| panic!("no testing risk"));
    assert_eq!(
        (testing.likelihood, testing.impact),
        cell_of(Level::Critical)
    );
    assert_eq!(
        (testing.target_likelihood, testing.target_impact),
        cell_of(Level::Low)
    );
    assert_eq!(p.doc.categories.len(), 14);
    assert_eq!(p.doc.item_count(), 118);
}

fn category_item<'a>(p: &'a Parsed, category: &str, title: &str) -> &'a ItemDoc {
    self::category(p, category)
        .items
        .iter()
        .find(|i| i.title == title)
        .unwrap_or_else(|| panic!("no item {title:?} in {category:?}"))
}

#[test]
fn fixture_002_readiness_check() {
    let p = fixture("002_21aca61c4e78909a.txt");
    assert_eq!(p.doc.project.name, "Production Readiness Check");
    assert_eq!(p.document_score, Some(48), "Overall Score: 4.75/10");
    for (name, n) in [
        ("Testing Coverage", 3),
        ("Architecture", 4),
        ("Features", 5),
    ] {
        let c = category(&p, name);
        assert_eq!(count(c, |i| i.status == Status::Done), n, "{name}");
    }
    // "1. **Security** 🔴 CRITICAL": 8 ❌ gaps, and the checklist's Security section merges in.
    let security = category(&p, "Security");
    assert_eq!(security.items.len(), 18);
    assert_eq!(
        count(security, |i| i.priority == Priority::Critical
            && i.status == Status::Open),
        8
    );
    assert_eq!(count(security, |i| i.priority == Priority::Medium), 10);
    assert!(
        security
            .items
            .iter()
            .any(|i| i.title == "No rate limiting" && i.description == "APIs vulnerable to abuse")
    );
    // Action items in a code block are code; plain bullets under "Action Items:" are items.
    assert_eq!(category(&p, "Error Handling").items.len(), 4);
    let config = category(&p, "Configuration & Environment");
    assert_eq!(config.items.len(), 7);
    assert_eq!(count(config, |i| i.priority == Priority::Critical), 7);
    // "🟡 HIGH PRIORITY": the words win over the circle.
    let db = category(&p, "Database");
    assert_eq!(count(db, |i| i.priority == Priority::High), 8);
    // The score table, normalised to 0–100; "Testing" means "Testing Coverage".
    for (name, score) in [
        ("Security", 30),
        ("Reliability", 40),
        ("Performance", 50),
        ("Monitoring", 20),
        ("Deployment", 30),
        ("Documentation", 60),
        ("Testing Coverage", 80),
        ("Architecture", 70),
    ] {
        assert_eq!(category(&p, name).assessor_score, Some(score), "{name}");
    }
    assert_eq!(category(&p, "Error Handling").assessor_score, None);
    // The plan: "Immediate Action Items (Next 48 Hours)" and "Week 1/2/3" are phases (the
    // immediate one first); their lines schedule the checklist's items rather than add them.
    let phases: Vec<(&str, &str)> = p
        .doc
        .phases
        .iter()
        .map(|ph| (ph.name.as_str(), ph.goal.as_str()))
        .collect();
    assert_eq!(
        phases,
        [
            ("Immediate Action Items (Next 48 Hours)", ""),
            ("Week 1", "Critical Security & Reliability"),
            ("Week 2", "Monitoring & Deployment"),
            ("Week 3", "Performance & Polish"),
        ]
    );
    let phase_of = |category: &str, title: &str| {
        category_item(&p, category, title)
            .phase
            .clone()
            .unwrap_or_default()
    };
    let immediate = "Immediate Action Items (Next 48 Hours)";
    for (c, t, phase) in [
        ("Security", "No authentication middleware", "Week 1"),
        ("Security", "No rate limiting", "Week 1"),
        ("Error Handling", "No global error handler", "Week 1"),
        (
            "Configuration & Environment",
            "No .env.example file",
            immediate,
        ),
        (
            "Monitoring & Observability",
            "No health check endpoints",
            immediate,
        ),
        ("Security", "CORS properly configured", immediate),
        ("Deployment", "No CI/CD pipeline", "Week 2"),
        ("Documentation", "No deployment guide", "Week 2"),
        ("Performance", "Redis caching implemented", "Week 3"),
        ("Plan", "Performance testing, load testing", "Week 3"),
    ] {
        assert_eq!(phase_of(c, t), phase, "{c} / {t}");
    }
    // A line naming one item gives it its effort ("Configure CORS properly (1 hour)").
    assert_eq!(
        category_item(&p, "Security", "CORS properly configured").effort_hours,
        Some(1.0)
    );
    // "Estimated time to production-ready: 2-3 weeks": three weeks.
    assert_eq!(p.ready_within_days, Some(21));
    assert!(p.doc.risks.is_empty());
    assert_eq!(p.doc.categories.len(), 17);
    assert_eq!(p.doc.item_count(), 127);
}

#[test]
fn structure_level_sub_headings_and_markers() {
    let md = "# Checkout readiness\n\n\
        ## Security (Score: 6/10)\n\n### Strengths\n- ✅ TLS everywhere\n\n### Gaps\n\
        - ❌ **No WAF** - traffic is unfiltered\n- [ ] Rotate keys (HIGH) (4 hours)\n\n\
        ## Reliability\n- [x] Backups\n- [ ] Chaos test — nice to have\n\n\
        ```md\n## Not a heading\n- [ ] not an item\n```\n";
    let p = parse(md).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = p.doc.categories.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Security", "Reliability"]);
    let sec = &p.doc.categories[0];
    assert_eq!(sec.assessor_score, Some(60));
    assert_eq!(sec.items.len(), 3);
    assert_eq!(sec.items[0].status, Status::Done);
    assert_eq!(sec.items[1].title, "No WAF");
    assert_eq!(sec.items[1].description, "traffic is unfiltered");
    assert_eq!(sec.items[2].priority, Priority::High);
    assert_eq!(sec.items[2].effort_hours, Some(4.0));
    assert_eq!(sec.items[2].title, "Rotate keys");
    let rel = &p.doc.categories[1];
    assert_eq!(rel.items[1].priority, Priority::Low);
    assert_eq!(p.doc.item_count(), 5);
}

#[test]
fn categories_from_several_top_headings_and_no_title() {
    let md = "# Security\n- [ ] a\n- [x] b\n# Reliability\n- [ ] c\n";
    let p = parse(md).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.doc.categories.len(), 2);
    assert_eq!(p.doc.project.name, "Imported project");
    let flat = parse("- [ ] one\n- [x] two\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(flat.doc.categories[0].name, "General");
    assert_eq!(flat.doc.item_count(), 2);
}

#[test]
fn nothing_recognised_is_an_error() {
    assert!(parse("Just prose.\n\nMore prose.").is_err());
    assert!(parse("").is_err());
}

#[test]
fn score_and_effort_patterns() {
    assert_eq!(score_in("Score: 88/100"), Some(88));
    assert_eq!(score_in("3/10"), Some(30));
    assert_eq!(score_in("4.75/10"), Some(48));
    assert_eq!(score_in("72%"), Some(72));
    assert_eq!(score_in("11/10"), None);
    assert_eq!(effort_in("Fix it (2 days)").map(|e| e.0), Some(16.0));
    assert_eq!(effort_in("Fix it (30 minutes)").map(|e| e.0), Some(0.5));
    assert_eq!(effort_in("Fix it in 2 days"), None);
}

#[test]
fn a_heading_that_is_only_an_effort_is_no_gap() {
    // Found by the generated-document property on CI: the gap's title was empty.
    let md = "# Launch\n## Critical\n### ❌ (3 hours)\n### ❌ Backups untested (2 days)\n";
    let p = parse(md).unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<&str> = p
        .doc
        .categories
        .iter()
        .flat_map(|c| c.items.iter().map(|i| i.title.as_str()))
        .collect();
    assert_eq!(titles, ["Backups untested"]);
    let minimal =
        "# > | a | Score | Current Risk |\n|---|---|---|\n| x | 3/10 | HIGH |\n# ❌ (3 hours)";
    if let Ok(p) = parse(minimal) {
        for c in &p.doc.categories {
            assert!(c.items.iter().all(|i| !i.title.trim().is_empty()));
        }
    }
}

#[test]
fn hostile_inputs_finish() {
    let deep_list: String = (0..5_000)
        .map(|n| format!("{}- [ ] x{n}\n", "  ".repeat(n % 200)))
        .collect();
    let _ = parse(&deep_list);
    let quotes = format!("{}- [ ] quoted\n", "> ".repeat(10_000));
    let _ = parse(&quotes);
    let brackets = "[".repeat(200_000);
    let _ = parse(&brackets);
    let big: String = (0..40_000)
        .map(|n| {
            format!(
                "## Area {}\n- [ ] item {n} with some words to make it long\n",
                n % 50
            )
        })
        .collect();
    // Past the item limit: refused, naming it (and still quickly: placing items is linear).
    let refused = parse(&big).err().unwrap_or_default();
    assert!(refused.contains("at most 5000 items"), "{refused}");
    let at_limit: String = big
        .lines()
        .take(2 * 5_000)
        .map(|l| format!("{l}\n"))
        .collect();
    let p = parse(&at_limit).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.doc.categories.len(), 50);
    assert_eq!(p.doc.item_count(), 5_000);
    // Past the category limit: refused too.
    let areas: String = (0..501)
        .map(|n| format!("## Area {n}\n- [ ] item\n"))
        .collect();
    let refused = parse(&areas).err().unwrap_or_default();
    assert!(refused.contains("at most 500 categories"), "{refused}");
}

fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("# ".to_owned()),
        Just("## ".to_owned()),
        Just("### 1. **".to_owned()),
        Just("- [ ] ".to_owned()),
        Just("- [x] ".to_owned()),
        Just("  - ".to_owned()),
        Just("1. ".to_owned()),
        Just("❌ ".to_owned()),
        Just("✅ ".to_owned()),
        Just("⚠️ BLOCKING ".to_owned()),
        Just("🔴 CRITICAL ".to_owned()),
        Just("(Must Fix) ".to_owned()),
        Just("Score: 7/10 ".to_owned()),
        Just("(3 hours)".to_owned()),
        Just("| a | Score | Current Risk |\n|---|---|---|\n| x | 3/10 | HIGH |\n".to_owned()),
        Just("```\n".to_owned()),
        Just("> ".to_owned()),
        Just("**".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        "[a-zA-Z0-9 ./:%()-]{0,12}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let text = decode(&bytes).text;
        let _ = parse(&text);
    }

    #[test]
    fn arbitrary_markdown_never_panics_and_items_have_titles(md in markdownish()) {
        if let Ok(p) = parse(&md) {
            for c in &p.doc.categories {
                prop_assert!(!c.name.trim().is_empty());
                prop_assert!(c.name.chars().count() <= MAX_CATEGORY);
                prop_assert!(c.assessor_score.is_none_or(|s| (0..=100).contains(&s)));
                for i in &c.items {
                    prop_assert!(!i.title.trim().is_empty());
                    prop_assert!(i.title.chars().count() <= MAX_TITLE);
                }
            }
        }
    }
}
