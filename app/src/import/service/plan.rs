//! What an import would do to the project: matched, new and changed items, and the preview.

use super::*;

/// The document's items by (category key, title key), for risk links.
pub(super) struct ItemIndex(HashSet<(String, String)>);

impl ItemIndex {
    pub(super) fn of(doc: &Document) -> Self {
        ItemIndex(
            doc.categories
                .iter()
                .flat_map(|c| {
                    let key = name_key(&c.name);
                    c.items
                        .iter()
                        .map(move |i| (key.clone(), name_key(&i.title)))
                })
                .collect(),
        )
    }

    pub(super) fn contains(&self, link: &ItemRef) -> bool {
        self.0
            .contains(&(name_key(&link.category), name_key(&link.title)))
    }
}

/// What an item of the document does to the project.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum ItemAction {
    Add,
    Update(i32),
    Same(i32),
}

/// The merge of a document into a project, worked out before anything is written.
pub(super) struct Plan {
    /// Per category of the document: the existing row, whether its score changes, and per
    /// item what happens.
    pub(super) categories: Vec<(Option<categories::Model>, bool, Vec<ItemAction>)>,
    /// Per risk of the document: whether it is new.
    pub(super) risks: Vec<bool>,
    pub(super) summary: ImportSummary,
}

/// The fields the document sets on an existing item, if any differ.
pub(super) fn item_changes(
    existing: &items::Model,
    i: &ItemDoc,
    members: &HashMap<String, i32>,
) -> bool {
    existing.status != i.status
        || existing.priority != i.priority
        || i.blocking.is_some_and(|b| b != existing.blocking)
        || (!i.description.is_empty() && i.description != existing.description)
        || i.effort_hours
            .is_some_and(|h| Some(h) != existing.effort_hours)
        || i.due_date.is_some_and(|d| Some(d) != existing.due_date)
        || i.accepted_until
            .is_some_and(|d| Some(d) != existing.accepted_until)
        || (!i.evidence_url.is_empty() && i.evidence_url != existing.evidence_url)
        || (!i.evidence_text.is_empty() && i.evidence_text != existing.evidence_text)
        || (!i.status_reason.is_empty() && i.status_reason != existing.status_reason)
        || i.assignee
            .as_ref()
            .and_then(|e| members.get(&e.to_lowercase()))
            .is_some_and(|id| Some(*id) != existing.assignee_id)
}

pub(super) fn plan(
    doc: &Document,
    cats: &[categories::Model],
    rows: &[items::Model],
    risk_titles: &HashSet<String>,
    members: &HashMap<String, i32>,
) -> Plan {
    let mut summary = ImportSummary::default();
    let mut out = Vec::new();
    let by_name: HashMap<String, &categories::Model> =
        cats.iter().map(|c| (name_key(&c.name), c)).rev().collect();
    // Existing items by (category, title key), in checklist order: the first not yet taken
    // matches.
    let mut by_title: HashMap<(i32, String), std::collections::VecDeque<&items::Model>> =
        HashMap::new();
    for r in rows {
        by_title
            .entry((r.category_id, name_key(&r.title)))
            .or_default()
            .push_back(r);
    }
    for c in &doc.categories {
        let key = name_key(&c.name);
        let existing = by_name.get(&key).map(|c| (*c).clone());
        let score_changes = existing
            .as_ref()
            .is_some_and(|e| c.assessor_score.is_some() && c.assessor_score != e.assessor_score);
        match (&existing, score_changes) {
            (None, _) => summary.categories_added += 1,
            (Some(_), true) => summary.categories_updated += 1,
            (Some(_), false) => summary.categories_unchanged += 1,
        }
        let actions = c
            .items
            .iter()
            .map(|i| {
                let found = existing.as_ref().and_then(|e| {
                    by_title
                        .get_mut(&(e.id, name_key(&i.title)))
                        .and_then(std::collections::VecDeque::pop_front)
                });
                match found {
                    None => {
                        summary.items_added += 1;
                        ItemAction::Add
                    }
                    Some(r) => {
                        if item_changes(r, i, members) {
                            summary.items_updated += 1;
                            ItemAction::Update(r.id)
                        } else {
                            summary.items_unchanged += 1;
                            ItemAction::Same(r.id)
                        }
                    }
                }
            })
            .collect();
        out.push((existing, score_changes, actions));
    }
    let risks = doc
        .risks
        .iter()
        .map(|r| {
            let new = !risk_titles.contains(&name_key(&r.title));
            if new {
                summary.risks_added += 1;
            } else {
                summary.risks_unchanged += 1;
            }
            new
        })
        .collect();
    Plan {
        categories: out,
        risks,
        summary,
    }
}

/// The project's categories, items and risk titles (three queries).
pub(super) async fn current(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<(Vec<categories::Model>, Vec<items::Model>, HashSet<String>), AppError> {
    let (cats, rows) = project_rows(db, project_id).await?;
    let titles = risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project_id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| name_key(&r.title))
        .collect();
    Ok((cats, rows, titles))
}

pub(super) fn facts(i: &ItemDoc) -> ItemFacts {
    ItemFacts {
        priority: i.priority,
        status: i.status,
        blocking: i.is_blocking(),
        effort_hours: i.effort_hours,
        accepted_until: i.accepted_until,
        evidence: None,
        evidence_until: None,
    }
}

pub(super) fn item_facts_of(r: &items::Model) -> ItemFacts {
    crate::checklist::rows::ScoredItem::facts(r)
}

/// Builds the preview: the document's categories and items, what merging would do, and the
/// project's scores as they would be after the import.
pub(super) fn preview_of(
    read: &Read,
    existing: Option<(
        &projects::Model,
        &[categories::Model],
        &[items::Model],
        &Plan,
    )>,
    summary: ImportSummary,
    today: NaiveDate,
) -> ImportPreview {
    let doc = &read.doc;
    let categories: Vec<PreviewCategory> = doc
        .categories
        .iter()
        .enumerate()
        .map(|(n, c)| {
            let actions = existing.map(|(_, _, _, p)| &p.categories[n]);
            preview_category(c, actions, today)
        })
        .collect();
    // Scores after the import: the project's rows with the document's changes applied.
    let (threshold, facts_after) = match existing {
        None => (
            doc.project.threshold.unwrap_or(80),
            doc.categories
                .iter()
                .map(|c| CategoryFacts {
                    weight: u32::try_from(c.weight).unwrap_or(1),
                    assessor_score: c.assessor_score.and_then(|s| u8::try_from(s).ok()),
                    items: c.items.iter().map(facts).collect(),
                })
                .collect::<Vec<_>>(),
        ),
        Some((project, cats, rows, plan)) => {
            (project.threshold, facts_after_merge(doc, cats, rows, plan))
        }
    };
    let score = score_project(&facts_after, u8::try_from(threshold).unwrap_or(80), today);
    ImportPreview {
        name: doc.project.name.clone(),
        slug: if doc.project.slug.is_empty() {
            slugify(&doc.project.name)
        } else {
            doc.project.slug.clone()
        },
        categories,
        risks: doc.risks.len(),
        warnings: read.warnings.clone(),
        document_score: read.document_score,
        overall: score.overall,
        verdict: score.verdict.as_str().to_owned(),
        summary,
    }
}

/// The project's categories as scoring sees them after merging the document: updated items
/// carry the document's facts, added items join their category, new categories follow.
fn facts_after_merge(
    doc: &Document,
    cats: &[categories::Model],
    rows: &[items::Model],
    plan: &Plan,
) -> Vec<CategoryFacts> {
    let mut by_category: HashMap<i32, Vec<&items::Model>> = HashMap::new();
    for r in rows {
        by_category.entry(r.category_id).or_default().push(r);
    }
    let mut updated: HashMap<i32, ItemFacts> = HashMap::new();
    let mut extra: HashMap<i32, Vec<ItemFacts>> = HashMap::new();
    let mut scores: HashMap<i32, Option<i32>> = HashMap::new();
    let mut new_cats = Vec::new();
    for (c, (row, score_changes, actions)) in doc.categories.iter().zip(&plan.categories) {
        match row {
            Some(row) => {
                if *score_changes {
                    scores.insert(row.id, c.assessor_score);
                }
                for (i, a) in c.items.iter().zip(actions) {
                    match a {
                        ItemAction::Update(id) => {
                            updated.insert(*id, facts(i));
                        }
                        ItemAction::Add => extra.entry(row.id).or_default().push(facts(i)),
                        ItemAction::Same(_) => {}
                    }
                }
            }
            None => new_cats.push(CategoryFacts {
                weight: u32::try_from(c.weight).unwrap_or(1),
                assessor_score: c.assessor_score.and_then(|s| u8::try_from(s).ok()),
                items: c.items.iter().map(facts).collect(),
            }),
        }
    }
    let mut all: Vec<CategoryFacts> = cats
        .iter()
        .map(|c| CategoryFacts {
            weight: u32::try_from(c.weight).unwrap_or(1),
            assessor_score: scores
                .get(&c.id)
                .copied()
                .unwrap_or(c.assessor_score)
                .and_then(|s| u8::try_from(s).ok()),
            items: by_category
                .remove(&c.id)
                .unwrap_or_default()
                .into_iter()
                .map(|r| {
                    updated
                        .get(&r.id)
                        .copied()
                        .unwrap_or_else(|| item_facts_of(r))
                })
                .chain(extra.remove(&c.id).unwrap_or_default())
                .collect(),
        })
        .collect();
    all.extend(new_cats);
    all
}

/// One category of the document as the preview shows it: its counts, its computed score and
/// what the import does to each of its items.
fn preview_category(
    c: &CategoryDoc,
    actions: Option<&(Option<categories::Model>, bool, Vec<ItemAction>)>,
    today: NaiveDate,
) -> PreviewCategory {
    let mut by_status = [0u32; 5];
    let mut by_priority = [0u32; 4];
    for i in &c.items {
        by_status[Status::ALL.iter().position(|s| *s == i.status).unwrap_or(0)] += 1;
        by_priority[Priority::ALL
            .iter()
            .position(|p| *p == i.priority)
            .unwrap_or(0)] += 1;
    }
    let score = crate::scoring::score_category(
        &CategoryFacts {
            weight: 1,
            assessor_score: None,
            items: c.items.iter().map(facts).collect(),
        },
        today,
    );
    PreviewCategory {
        name: c.name.clone(),
        exists: actions.is_some_and(|a| a.0.is_some()),
        assessor_score: c.assessor_score,
        computed: score.computed,
        by_status,
        by_priority,
        items: c
            .items
            .iter()
            .enumerate()
            .map(|(k, i)| PreviewItem {
                title: i.title.clone(),
                status: i.status.as_str().to_owned(),
                priority: i.priority.as_str().to_owned(),
                blocking: i.is_blocking(),
                action: match actions.and_then(|a| a.2.get(k)) {
                    Some(ItemAction::Update(_)) => "update",
                    Some(ItemAction::Same(_)) => "same",
                    _ => "add",
                }
                .to_owned(),
            })
            .collect(),
    }
}
