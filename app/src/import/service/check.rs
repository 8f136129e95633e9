//! Checks of a parsed document against the limits, the project's people and its rules.

use super::*;

/// Checks what does not depend on the database: lengths, ranges, the matrix and risk cells,
/// references between risks and items. Up to ten problems are named, each with its place.
pub(super) fn check(doc: &Document) -> Result<(), AppError> {
    check_size(doc)?;
    let mut problems: Vec<String> = Vec::new();
    let phases = plan_problems(doc, &mut problems);
    let mut say = |place: String, message: &str| problems.push(format!("{place}: {message}"));
    if doc.project.name.trim().chars().count() > 120 {
        say("project name".into(), "use at most 120 characters");
    }
    if let Some(t) = doc.project.threshold
        && !(0..=100).contains(&t)
    {
        say("project threshold".into(), "use 0 to 100");
    }
    let mut seen = HashSet::new();
    for c in &doc.categories {
        let place = format!("category “{}”", c.name);
        if c.name.trim().is_empty() || c.name.chars().count() > 120 {
            say(place.clone(), "a name needs 1 to 120 characters");
        }
        if !seen.insert(name_key(&c.name)) {
            say(place.clone(), "this name appears twice");
        }
        if !(0..=100).contains(&c.weight) {
            say(place.clone(), "weight must be 0 to 100");
        }
        if c.assessor_score.is_some_and(|s| !(0..=100).contains(&s)) {
            say(place.clone(), "assessor score must be 0 to 100");
        }
        if c.assessor_note.chars().count() > MAX_TEXT {
            say(place.clone(), "the assessor note is too long");
        }
        for i in &c.items {
            let place = format!("item “{}” in “{}”", i.title, c.name);
            if i.title.trim().is_empty() || i.title.chars().count() > MAX_TITLE {
                say(place.clone(), "a title needs 1 to 200 characters");
            }
            if i.description.chars().count() > MAX_TEXT
                || i.evidence_text.chars().count() > MAX_TEXT
                || i.status_reason.chars().count() > MAX_TEXT
            {
                say(place.clone(), "a text is longer than 20,000 characters");
            }
            if i.evidence_url.chars().count() > 2000 {
                say(
                    place.clone(),
                    "the evidence link is longer than 2,000 characters",
                );
            }
            let url = i.evidence_url.trim();
            if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
                say(
                    place.clone(),
                    "the evidence link must start with https:// or http://",
                );
            }
            if i.status == Status::AcceptedRisk && i.accepted_until.is_none() {
                say(place.clone(), "an accepted risk needs accepted_until");
            }
            if i.comments
                .iter()
                .any(|n| n.body.trim().is_empty() || n.body.chars().count() > MAX_TEXT)
            {
                say(place.clone(), "a comment needs 1 to 20,000 characters");
            }
            if i.effort_hours
                .is_some_and(|h| !h.is_finite() || !(0.0..=100_000.0).contains(&h))
            {
                say(place.clone(), "effort must be 0 to 100,000 hours");
            }
            if i.phase
                .as_ref()
                .is_some_and(|p| !phases.contains(&name_key(p)))
            {
                say(
                    place.clone(),
                    "its phase is not one of the document's phases",
                );
            }
        }
    }
    let index = ItemIndex::of(doc);
    let matrix = doc.matrix.clone().unwrap_or_default();
    if let Some(m) = &doc.matrix {
        for (_, message) in m.problems() {
            say("matrix".into(), &message);
        }
    }
    for r in &doc.risks {
        let place = format!("risk “{}”", r.title);
        if r.title.trim().is_empty() || r.title.chars().count() > MAX_TITLE {
            say(place.clone(), "a title needs 1 to 200 characters");
        }
        if r.description.chars().count() > MAX_TEXT {
            say(
                place.clone(),
                "the description is longer than 20,000 characters",
            );
        }
        if !matrix.contains(r.likelihood, r.impact)
            || !matrix.contains(r.target_likelihood, r.target_impact)
        {
            say(
                place.clone(),
                "likelihood and impact must lie on the matrix",
            );
        }
        for link in &r.items {
            if !index.contains(link) {
                say(
                    place.clone(),
                    &format!(
                        "links “{}” in “{}”, which is not in the document",
                        link.title, link.category
                    ),
                );
            }
        }
    }
    nothing_imported(problems)
}

/// `Ok` without problems, else the `document` error naming the first ten of them.
pub(super) fn nothing_imported(problems: Vec<String>) -> Result<(), AppError> {
    if problems.is_empty() {
        return Ok(());
    }
    let n = problems.len();
    let mut message = problems.into_iter().take(10).collect::<Vec<_>>().join("; ");
    if n > 10 {
        message.push_str(&format!("; and {} more", n - 10));
    }
    Err(document_error(format!("Nothing was imported. {message}.")))
}

/// A document over the size limits is refused before anything else is looked at.
pub(super) fn check_size(doc: &Document) -> Result<(), AppError> {
    let items: usize = doc.categories.iter().map(|c| c.items.len()).sum();
    if doc.categories.len() > MAX_IMPORT_CATEGORIES {
        return Err(document_error(too_many(
            "categories",
            MAX_IMPORT_CATEGORIES,
        )));
    }
    if items > MAX_IMPORT_ITEMS {
        return Err(document_error(too_many("items", MAX_IMPORT_ITEMS)));
    }
    if doc.risks.len() > MAX_IMPORT_RISKS {
        return Err(document_error(too_many("risks", MAX_IMPORT_RISKS)));
    }
    Ok(())
}

/// Team members by lower-case email.
pub(super) async fn members_by_email(
    db: &impl ConnectionTrait,
    team_id: i32,
) -> Result<HashMap<String, i32>, AppError> {
    Ok(team_members::Entity::find()
        .filter(team_members::Column::TeamId.eq(team_id))
        .find_also_related(users::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(_, u)| u)
        .map(|u| (u.email.to_lowercase(), u.id))
        .collect())
}

/// Checks that every assignee and risk owner is a member of the team.
pub(super) fn check_people(doc: &Document, members: &HashMap<String, i32>) -> Result<(), AppError> {
    let strangers: Vec<String> = doc
        .categories
        .iter()
        .flat_map(|c| c.items.iter().filter_map(|i| i.assignee.as_ref()))
        .chain(doc.risks.iter().filter_map(|r| r.owner.as_ref()))
        .filter(|e| !members.contains_key(&e.trim().to_lowercase()))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if strangers.is_empty() {
        Ok(())
    } else {
        Err(document_error(format!(
            "Nothing was imported. Not members of the project's team: {}.",
            strangers.join(", ")
        )))
    }
}

/// The rules the checklist applies to a change apply to an import's too, for every item it adds
/// or changes: a project that requires evidence gets no item marked done without any, and an
/// accepted risk is accepted until today or later.
pub(super) fn check_rules(
    doc: &Document,
    plan: &Plan,
    rows: &[items::Model],
    project: &projects::Model,
    today: NaiveDate,
) -> Result<(), AppError> {
    let existing: HashMap<i32, &items::Model> = rows.iter().map(|r| (r.id, r)).collect();
    let mut problems: Vec<String> = Vec::new();
    for (c, (_, _, actions)) in doc.categories.iter().zip(&plan.categories) {
        for (i, action) in c.items.iter().zip(actions) {
            let before = match action {
                ItemAction::Add => None,
                ItemAction::Update(id) => existing.get(id).copied(),
                ItemAction::Same(_) => continue,
            };
            let has = |new: &str, old: Option<&str>| {
                !new.trim().is_empty() || old.is_some_and(|o| !o.trim().is_empty())
            };
            let evidence = has(&i.evidence_url, before.map(|b| b.evidence_url.as_str()))
                || has(&i.evidence_text, before.map(|b| b.evidence_text.as_str()));
            if project.evidence_required && i.status == Status::Done && !evidence {
                problems.push(format!(
                    "“{}” in “{}” is done without evidence, which this project requires",
                    i.title, c.name
                ));
            }
            let was = before.map(|b| (b.status.as_str(), b.accepted_until));
            let changes_acceptance = was != Some((Status::AcceptedRisk.as_str(), i.accepted_until));
            if i.status == Status::AcceptedRisk
                && changes_acceptance
                && i.accepted_until.is_some_and(|d| d < today)
            {
                problems.push(format!(
                    "“{}” in “{}” is accepted until a day already past",
                    i.title, c.name
                ));
            }
        }
    }
    nothing_imported(problems)
}

/// Risks must lie on the project's matrix (merging into a project with a 3 × 3 matrix).
pub(super) fn check_risks_fit(doc: &Document, matrix: &RiskMatrix) -> Result<(), AppError> {
    let off: Vec<&str> = doc
        .risks
        .iter()
        .filter(|r| {
            !matrix.contains(r.likelihood, r.impact)
                || !matrix.contains(r.target_likelihood, r.target_impact)
        })
        .map(|r| r.title.as_str())
        .collect();
    if off.is_empty() {
        Ok(())
    } else {
        Err(document_error(format!(
            "Nothing was imported. These risks lie outside the project's {}×{} matrix: {}.",
            matrix.likelihood_steps(),
            matrix.impact_steps(),
            off.join(", ")
        )))
    }
}

/// The project's plan settings and phases: problems added to `problems`; the phases' name
/// keys returned (what items may name).
fn plan_problems(doc: &Document, problems: &mut Vec<String>) -> HashSet<String> {
    let mut say = |place: String, message: &str| problems.push(format!("{place}: {message}"));
    if doc
        .project
        .capacity_hours
        .is_some_and(|h| !(1..=10_000).contains(&h))
    {
        say(
            "project capacity_hours".into(),
            "use 1 to 10,000 hours a week",
        );
    }
    if doc
        .project
        .review_every_days
        .is_some_and(|d| !(1..=3650).contains(&d))
    {
        say("project review_every_days".into(), "use 1 to 3,650 days");
    }
    if doc
        .project
        .exception_max_days
        .is_some_and(|d| !(1..=3650).contains(&d))
    {
        say("project exception_max_days".into(), "use 1 to 3,650 days");
    }
    let mut phases = HashSet::new();
    for p in &doc.phases {
        let place = format!("phase “{}”", p.name);
        if p.name.trim().is_empty() || p.name.chars().count() > 120 {
            say(place.clone(), "a name needs 1 to 120 characters");
        }
        if !phases.insert(name_key(&p.name)) {
            say(place.clone(), "this name appears twice");
        }
        if p.goal.chars().count() > MAX_TEXT {
            say(place.clone(), "the goal is longer than 20,000 characters");
        }
    }
    if doc.phases.len() > crate::phases::model::MAX_PHASES {
        say(
            "phases".into(),
            &format!(
                "a plan holds at most {} phases",
                crate::phases::model::MAX_PHASES
            ),
        );
    }
    phases
}
