//! The corpus: readiness documents written for these tests (`corpus/*.md`), each with the
//! project a careful reader would make of it, written by hand as Preflight JSON
//! (`*.expected.json`). The importer must produce exactly that: category names and scores,
//! item titles, statuses, priorities, blocking, effort, and the description where the expected
//! file states one; risks by title. And over every document: no mojibake left in a name, no
//! repeated item, every score in a heading kept.

use std::collections::HashSet;

use super::{
    doc::{Document, from_json, name_key},
    markdown::{Parsed, parse},
    text::decode,
};

fn corpus_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/import/corpus")
}

/// Every corpus document: (file name, its parse, what it should be).
fn corpus() -> Vec<(String, Parsed, Document)> {
    let mut names: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap_or_else(|e| panic!("the corpus: {e}"))
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.ends_with(".md").then_some(name)
        })
        .collect();
    names.sort();
    assert!(
        names.len() >= 12,
        "the corpus has {} documents",
        names.len()
    );
    names
        .into_iter()
        .map(|name| {
            let dir = corpus_dir();
            let bytes = std::fs::read(dir.join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            let parsed = parse(&decode(&bytes).text).unwrap_or_else(|e| panic!("{name}: {e}"));
            let expected_path = dir.join(name.replace(".md", ".expected.json"));
            let expected = std::fs::read_to_string(&expected_path)
                .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
            let expected = from_json(&expected).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, parsed, expected)
        })
        .collect()
}

/// The differences between what the importer made and what was expected, one line each.
fn differences(got: &Document, want: &Document) -> Vec<String> {
    let mut out = Vec::new();
    if got.project.name != want.project.name {
        out.push(format!(
            "project name {:?}, expected {:?}",
            got.project.name, want.project.name
        ));
    }
    let names = |d: &Document| {
        d.categories
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    if names(got) != names(want) {
        out.push(format!(
            "categories {:?}\n   expected {:?}",
            names(got),
            names(want)
        ));
    }
    for w in &want.categories {
        let Some(g) = got.categories.iter().find(|g| g.name == w.name) else {
            continue;
        };
        if g.assessor_score != w.assessor_score {
            out.push(format!(
                "“{}”: score {:?}, expected {:?}",
                w.name, g.assessor_score, w.assessor_score
            ));
        }
        let titles = |items: &[super::doc::ItemDoc]| {
            items.iter().map(|i| i.title.clone()).collect::<Vec<_>>()
        };
        if titles(&g.items) != titles(&w.items) {
            out.push(format!(
                "“{}”: items {:?}\n   expected {:?}",
                w.name,
                titles(&g.items),
                titles(&w.items)
            ));
            continue;
        }
        for (gi, wi) in g.items.iter().zip(&w.items) {
            let facts =
                |i: &super::doc::ItemDoc| (i.status, i.priority, i.is_blocking(), i.effort_hours);
            if facts(gi) != facts(wi) {
                out.push(format!(
                    "“{}” / “{}”: (status, priority, blocking, effort) {:?}, expected {:?}",
                    w.name,
                    wi.title,
                    facts(gi),
                    facts(wi)
                ));
            }
            if !wi.status_reason.is_empty() && gi.status_reason != wi.status_reason {
                out.push(format!(
                    "“{}” / “{}”: reason {:?}, expected {:?}",
                    w.name, wi.title, gi.status_reason, wi.status_reason
                ));
            }
            if wi.phase.is_some() && gi.phase != wi.phase {
                out.push(format!(
                    "“{}” / “{}”: phase {:?}, expected {:?}",
                    w.name, wi.title, gi.phase, wi.phase
                ));
            }
            if !wi.description.is_empty() && gi.description != wi.description {
                out.push(format!(
                    "“{}” / “{}”: description {:?}, expected {:?}",
                    w.name, wi.title, gi.description, wi.description
                ));
            }
        }
    }
    let phases = |d: &Document| d.phases.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
    if !want.phases.is_empty() && phases(got) != phases(want) {
        out.push(format!(
            "phases {:?}, expected {:?}",
            phases(got),
            phases(want)
        ));
    }
    let risks = |d: &Document| d.risks.iter().map(|r| r.title.clone()).collect::<Vec<_>>();
    if risks(got) != risks(want) {
        out.push(format!(
            "risks {:?}, expected {:?}",
            risks(got),
            risks(want)
        ));
    }
    out
}

#[test]
fn every_corpus_document_imports_as_expected() {
    let mut failures = Vec::new();
    println!("document | categories | items open / in progress / done / n/a | scores | warnings");
    for (name, parsed, expected) in corpus() {
        let count = |s: crate::scoring::Status| {
            parsed
                .doc
                .categories
                .iter()
                .flat_map(|c| &c.items)
                .filter(|i| i.status == s)
                .count()
        };
        use crate::scoring::Status::*;
        let present = expected
            .categories
            .iter()
            .filter(|c| c.assessor_score.is_some())
            .count();
        let recovered = expected
            .categories
            .iter()
            .filter(|w| {
                w.assessor_score.is_some()
                    && parsed
                        .doc
                        .categories
                        .iter()
                        .any(|g| g.name == w.name && g.assessor_score == w.assessor_score)
            })
            .count();
        println!(
            "{name} | {} | {} / {} / {} / {} | {recovered} of {present} | {}",
            parsed.doc.categories.len(),
            count(Open),
            count(InProgress),
            count(Done),
            count(NotApplicable),
            parsed.warnings.join(" / ")
        );
        let diff = differences(&parsed.doc, &expected);
        if !diff.is_empty() {
            failures.push(format!("{name}:\n - {}", diff.join("\n - ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// What mojibake leaves behind: UTF-8 lead bytes read as Windows-1252 or Mac Roman, and the
/// characters the lost bytes' neighbours become.
pub(super) const DAMAGED: [&str; 14] = [
    "â€", "âœ", "âš", "âŒ", "â†", "ðŸ", "Ã", "Â", "‚Ä", "‚ú", "‚ö", "‚ù", "üî", "Ô∏",
];

/// The preview says what it left out, and where.
#[test]
fn warnings_name_the_lines_left_out() {
    let by_name: std::collections::HashMap<String, Parsed> =
        corpus().into_iter().map(|(n, p, _)| (n, p)).collect();
    let warned = |doc: &str, text: &str| {
        let w = &by_name[doc].warnings;
        assert!(
            w.iter().any(|w| w.contains(text)),
            "{doc}: no {text:?} in {w:?}"
        );
    };
    warned(
        "04_executive_summary.md",
        "Line 3: skipped 3 bullets in “Executive Summary”",
    );
    warned(
        "05_week_plan.md",
        "Lines 17, 18, 22: 3 plan items restate the checklist",
    );
    warned("06_priority_matrix.md", "plan items restate the checklist");
}

#[test]
fn no_name_in_the_corpus_keeps_mojibake_or_repeats_an_item() {
    for (name, parsed, _) in corpus() {
        let doc = &parsed.doc;
        let mut seen = HashSet::new();
        let mut texts = vec![doc.project.name.clone()];
        for c in &doc.categories {
            texts.push(c.name.clone());
            for i in &c.items {
                texts.push(i.title.clone());
                assert!(
                    seen.insert(name_key(&i.title)),
                    "{name}: “{}” appears twice",
                    i.title
                );
            }
        }
        for t in texts {
            for d in DAMAGED {
                assert!(!t.contains(d), "{name}: {t:?} keeps {d:?}");
            }
            assert!(
                !t.chars()
                    .any(|c| ('\u{80}'..='\u{9f}').contains(&c) || c == '\u{FFFD}'),
                "{name}: {t:?} keeps a control or replacement character"
            );
        }
    }
}

#[test]
fn every_scored_heading_in_the_corpus_is_a_category_with_its_score() {
    for (name, parsed, expected) in corpus() {
        for want in expected
            .categories
            .iter()
            .filter(|c| c.assessor_score.is_some())
        {
            let got = parsed.doc.categories.iter().find(|c| c.name == want.name);
            assert_eq!(
                got.and_then(|c| c.assessor_score),
                want.assessor_score,
                "{name}: “{}”",
                want.name
            );
        }
    }
}

mod properties {
    use proptest::prelude::*;

    use super::super::{
        doc::name_key,
        markdown::parse,
        text::{decode, repair_mojibake},
    };
    use crate::scoring::Status;

    const AREAS: [&str; 8] = [
        "Security",
        "Reliability",
        "Observability",
        "Delivery",
        "Storage",
        "Networking",
        "Billing",
        "Identity",
    ];

    /// A section: its area, its score out of 10 (if stated), whether the score is in the
    /// heading or a paragraph, its checkboxes, and whether a code block with a heading and a
    /// checkbox of its own sits in it.
    type Section = (usize, Option<u8>, bool, Vec<bool>, bool);

    fn sections() -> impl Strategy<Value = Vec<Section>> {
        prop::sample::subsequence((0..AREAS.len()).collect::<Vec<_>>(), 1..=AREAS.len())
            .prop_flat_map(|areas| {
                let n = areas.len();
                (
                    Just(areas),
                    prop::collection::vec(
                        (
                            prop::option::of(0u8..=10),
                            any::<bool>(),
                            prop::collection::vec(any::<bool>(), 0..6),
                            any::<bool>(),
                        ),
                        n,
                    ),
                )
            })
            .prop_map(|(areas, rest)| {
                areas
                    .into_iter()
                    .zip(rest)
                    .map(|(a, (score, in_heading, boxes, code))| {
                        (a, score, in_heading, boxes, code)
                    })
                    .collect()
            })
    }

    fn render(sections: &[Section], crlf: bool) -> String {
        let mut md = String::from("# Generated Service Readiness\n\n");
        for (s, (area, score, in_heading, boxes, code)) in sections.iter().enumerate() {
            match (score, in_heading) {
                (Some(k), true) => md.push_str(&format!(
                    "## {}. {} — Score: {k}/10\n\n",
                    s + 1,
                    AREAS[*area]
                )),
                (Some(k), false) => {
                    md.push_str(&format!("## {}\n\n**Score: {k}/10**\n\n", AREAS[*area]))
                }
                (None, _) => md.push_str(&format!("## {}\n\n", AREAS[*area])),
            }
            if *code {
                md.push_str("```\n## Not A Category\n- [ ] not an item\n```\n\n");
            }
            for (i, done) in boxes.iter().enumerate() {
                let mark = if *done { 'x' } else { ' ' };
                md.push_str(&format!("- [{mark}] {} task {i}\n", AREAS[*area]));
            }
            md.push('\n');
        }
        if crlf { md.replace('\n', "\r\n") } else { md }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Every stated score lands on its category; every box keeps its state; code is never
        /// structure; no item twice; CRLF changes nothing.
        #[test]
        fn generated_documents_keep_their_scores_boxes_and_nothing_from_code(
            sections in sections(),
            crlf in any::<bool>(),
        ) {
            let md = render(&sections, crlf);
            let has_any = sections.iter().any(|(_, score, _, boxes, _)| score.is_some() || !boxes.is_empty());
            let parsed = parse(&decode(md.as_bytes()).text);
            if !has_any {
                prop_assert!(parsed.is_err());
                return Ok(());
            }
            let doc = parsed.map_err(TestCaseError::fail)?.doc;
            prop_assert!(doc.categories.iter().all(|c| c.name != "Not A Category"), "{md}");
            let mut seen = std::collections::HashSet::new();
            for c in &doc.categories {
                for i in &c.items {
                    prop_assert!(i.title != "not an item", "{md}");
                    prop_assert!(seen.insert(name_key(&i.title)), "{} twice", i.title);
                }
            }
            for (area, score, _, boxes, _) in &sections {
                let name = AREAS[*area];
                let cat = doc.categories.iter().find(|c| c.name == name);
                if let Some(k) = score {
                    let cat = cat.ok_or_else(|| TestCaseError::fail(format!("no {name} in\n{md}")))?;
                    prop_assert_eq!(cat.assessor_score, Some(i32::from(*k) * 10), "{}", md);
                }
                for (i, done) in boxes.iter().enumerate() {
                    let title = format!("{name} task {i}");
                    let item = cat
                        .and_then(|c| c.items.iter().find(|it| it.title == title))
                        .ok_or_else(|| TestCaseError::fail(format!("no {title} in\n{md}")))?;
                    let want = if *done { Status::Done } else { Status::Open };
                    prop_assert_eq!(item.status, want);
                }
            }
        }

        /// Text with lost bytes never keeps a damaged sequence once repaired: mojibake of a
        /// readiness document's symbols, with the bytes Windows-1252 has no character for
        /// dropped, or Mac Roman's Apple logo dropped, comes back without debris.
        #[test]
        fn mojibake_with_lost_bytes_leaves_no_debris(
            words in prop::collection::vec(
                prop::sample::select(vec![
                    "✅ done", "❌ missing", "⚠️ partial", "🔴 critical", "🟠 high", "🟡 medium",
                    "🟢 low", "🚀 launch", "🎯 goal", "📊 score", "📋 list", "🏆 best", "✓ ok",
                    "✗ no", "a → b", "• point", "2–3", "x — y", "“quoted”", "‘single’", "wait…",
                ]),
                1..12,
            ),
            mac in any::<bool>(),
        ) {
            let clean = words.join(" ");
            let garbled: String = if mac {
                let (s, _, _) = encoding_rs::MACINTOSH.decode(clean.as_bytes());
                s.replace('\u{F8FF}', "")
            } else {
                clean
                    .bytes()
                    .filter(|b| ![0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(b))
                    .map(|b| encoding_rs::WINDOWS_1252.decode_without_bom_handling(&[b]).0.into_owned())
                    .collect()
            };
            let (fixed, _, _) = repair_mojibake(&garbled);
            for d in super::DAMAGED {
                prop_assert!(!fixed.contains(d), "{garbled:?} → {fixed:?} keeps {d:?}");
            }
            prop_assert_eq!(fixed, clean);
        }
    }
}
