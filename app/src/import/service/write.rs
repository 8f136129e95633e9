//! Writing a checked plan in one transaction, each row at the version it was read.

use super::*;
use crate::checklist::service::{ItemValues, closed_stamp, new_item_row};

/// [`import_document`] for a document [`check`] has passed.
pub(super) async fn write_document(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    target: Target,
    doc: Document,
    source: &str,
) -> Result<(String, ImportSummary), AppError> {
    let txn = crate::txn::begin(db).await?;
    let (project, members, (cats, rows, risk_titles), is_new) = match target {
        Target::Existing(slug) => {
            let seen = crate::projects::access::project(&txn, user, &slug).await?;
            seen.require_edit()?;
            let project = seen.project;
            let members = members_by_email(&txn, project.team_id).await?;
            let now = current(&txn, project.id).await?;
            let project = match (project.target_date, doc.project.target_date) {
                (None, Some(date)) => {
                    let mut am: projects::ActiveModel = project.into();
                    am.target_date = Set(Some(date));
                    am.update(&txn).await?
                }
                _ => project,
            };
            (project, members, now, false)
        }
        Target::New {
            team_id,
            name,
            slug,
        } => {
            let checked = check_new(NewProject {
                name: if name.trim().is_empty() {
                    doc.project.name.clone()
                } else {
                    name
                },
                slug: if slug.trim().is_empty() {
                    doc.project.slug.clone()
                } else {
                    slug
                },
                description: doc.project.description.clone(),
                team_id,
            })?;
            authz::can_create_project_in_team(&txn, user, team_id).await?;
            let members = members_by_email(&txn, team_id).await?;
            check_people(&doc, &members)?;
            let mut project = insert_project(&txn, user, checked).await?;
            let p = &doc.project;
            if p.threshold.is_some()
                || p.evidence_required
                || p.repository_url.is_some()
                || p.target_date.is_some()
                || p.capacity_hours.is_some()
                || p.review_every_days.is_some()
                || p.approve_accepted_risk
                || p.approve_not_applicable
                || p.exception_max_days.is_some()
            {
                let mut am: projects::ActiveModel = project.clone().into();
                am.threshold = Set(p.threshold.unwrap_or(80));
                am.evidence_required = Set(p.evidence_required);
                am.repository_url = Set(p.repository_url.clone());
                am.target_date = Set(p.target_date);
                am.capacity_hours = Set(p.capacity_hours);
                am.review_every_days = Set(p.review_every_days);
                am.approve_accepted_risk = Set(p.approve_accepted_risk);
                am.approve_not_applicable = Set(p.approve_not_applicable);
                am.exception_max_days = Set(p.exception_max_days.unwrap_or(90));
                project = am.update(&txn).await?;
            }
            if let Some(m) = &doc.matrix {
                risk_matrices::ActiveModel {
                    project_id: Set(project.id),
                    spec: Set(serde_json::to_string(m).unwrap_or_default()),
                    version: Set(1),
                    updated_at: Set(Utc::now()),
                }
                .insert(&txn)
                .await?;
            }
            (project, members, Default::default(), true)
        }
    };
    check_people(&doc, &members)?;
    let (matrix, seen) = matrix_of(&txn, project.id).await?;
    crate::risks::service::hold_matrix(&txn, project.id, seen).await?;
    check_risks_fit(&doc, &matrix)?;
    let plan = plan(&doc, &cats, &rows, &risk_titles, &members);
    check_rules(&doc, &plan, &rows, &project, Utc::now().date_naive())?;
    crate::checklist::service::check_room(
        &txn,
        project.id,
        u64::try_from(plan.summary.items_added).unwrap_or(u64::MAX),
        "document",
    )
    .await?;
    let phases = write_phases(&txn, user, &project, &doc).await?;
    let comments = write(&txn, user, &project, &doc, &plan, &members, &cats, &phases).await?;
    if is_new {
        governance(&txn, user, &project, &doc).await?;
    }
    record(
        &txn,
        &Actor::from(user),
        Event::new("project", project.id, "imported")
            .in_project(&project)
            .after(&serde_json::json!({
                "format": source,
                "new_project": is_new,
                "summary": plan.summary,
                "comments_added": comments,
            })),
    )
    .await?;
    crate::inbox::verdict::queue_check(&txn, project.id, Utc::now()).await?;
    txn.commit().await?;
    Ok((project.slug, plan.summary))
}

/// A new project's governance from the document: its tier by name (which brings its threshold
/// and sign-offs), else its required groups by name; the groups owning its categories. Names
/// this instance does not have are left out.
async fn governance(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    doc: &Document,
) -> Result<(), AppError> {
    use crate::entities::{project_signoff_groups, reviewer_groups, tiers};
    let groups: HashMap<String, i32> = reviewer_groups::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|g| (g.name.to_lowercase(), g.id))
        .collect();
    let by_name = |n: &str| groups.get(&n.trim().to_lowercase()).copied();
    let tier = match &doc.project.tier {
        Some(name) => tiers::Entity::find()
            .all(txn)
            .await?
            .into_iter()
            .find(|t| t.name.to_lowercase() == name.trim().to_lowercase()),
        None => None,
    };
    if let Some(t) = tier {
        crate::tiers::service::assign(txn, user, project, Some(t.id)).await?;
    } else {
        let mut ids: Vec<i32> = doc
            .project
            .signoff_groups
            .iter()
            .filter_map(|n| by_name(n))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        if !ids.is_empty() {
            project_signoff_groups::Entity::insert_many(ids.into_iter().map(|g| {
                project_signoff_groups::ActiveModel {
                    project_id: Set(project.id),
                    group_id: Set(g),
                }
            }))
            .exec(txn)
            .await?;
        }
    }
    if let Some(g) = doc.project.exception_approvers.as_deref().and_then(by_name) {
        projects::Entity::update_many()
            .col_expr(
                projects::Column::ExceptionGroupId,
                sea_orm::sea_query::Expr::value(Some(g)),
            )
            .filter(projects::Column::Id.eq(project.id))
            .exec(txn)
            .await?;
    }
    for c in &doc.categories {
        if let Some(g) = c.reviewer_group.as_deref().and_then(by_name) {
            categories::Entity::update_many()
                .col_expr(
                    categories::Column::ReviewerGroupId,
                    sea_orm::sea_query::Expr::value(Some(g)),
                )
                .filter(categories::Column::ProjectId.eq(project.id))
                .filter(categories::Column::Name.eq(c.name.trim()))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

pub(super) fn new_item(
    project_id: i32,
    category: &categories::Model,
    position: i32,
    i: &ItemDoc,
    phases: &HashMap<String, i32>,
    user: &AuthUser,
    members: &HashMap<String, i32>,
) -> items::ActiveModel {
    let values = ItemValues {
        title: i.title.trim().to_owned(),
        description: i.description.clone(),
        priority: i.priority,
        blocking: i.is_blocking(),
        status: i.status,
        status_reason: i.status_reason.clone(),
        accepted_until: i.accepted_until,
        assignee_id: i
            .assignee
            .as_ref()
            .and_then(|e| members.get(&e.trim().to_lowercase()).copied()),
        due_date: i.due_date,
        effort_hours: i.effort_hours,
        evidence_url: i.evidence_url.clone(),
        evidence_text: i.evidence_text.clone(),
        phase_id: phase_of(i, phases),
    };
    new_item_row(project_id, category, position, values, user.id, Utc::now())
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn write(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    doc: &Document,
    plan: &Plan,
    members: &HashMap<String, i32>,
    cats: &[categories::Model],
    phases: &HashMap<String, i32>,
) -> Result<u64, AppError> {
    let actor = Actor::from(user);
    let now = Utc::now();
    let mut next_category = cats.iter().map(|c| c.position).max().unwrap_or(0);
    let existing_rows = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let rows_by_id: HashMap<i32, &items::Model> = existing_rows.iter().map(|r| (r.id, r)).collect();
    let mut next_item: HashMap<i32, i32> = HashMap::new();
    for r in &existing_rows {
        let e = next_item.entry(r.category_id).or_insert(0);
        *e = (*e).max(r.position);
    }
    let mut inserts: Vec<items::ActiveModel> = Vec::new();
    let mut category_ids: Vec<i32> = Vec::with_capacity(doc.categories.len());
    for (c, (row, score_changes, actions)) in doc.categories.iter().zip(&plan.categories) {
        let category = match row {
            Some(row) => {
                if *score_changes {
                    let before = category_state(row);
                    let mut am: categories::ActiveModel = row.clone().into();
                    am.assessor_score = Set(c.assessor_score);
                    am.version = Set(row.version + 1);
                    am.updated_at = Set(now);
                    let after = crate::txn::update_at_version(
                        txn,
                        am,
                        categories::Column::Version,
                        row.version,
                    )
                    .await?
                    .ok_or_else(|| changed_meanwhile("category", &row.name))?;
                    record(
                        txn,
                        &actor,
                        Event::new("category", after.id, "updated")
                            .in_project(project)
                            .before(&before)
                            .after(&category_state(&after)),
                    )
                    .await?;
                }
                row.clone()
            }
            None => {
                next_category += 1;
                insert_category(txn, project.id, next_category, c).await?
            }
        };
        let category_id = category.id;
        category_ids.push(category_id);
        for (i, action) in c.items.iter().zip(actions) {
            match action {
                ItemAction::Add => {
                    let position = next_item.entry(category_id).or_insert(0);
                    *position += 1;
                    inserts.push(new_item(
                        project.id, &category, *position, i, phases, user, members,
                    ));
                }
                ItemAction::Update(id) => {
                    if let Some(r) = rows_by_id.get(id) {
                        let home = cats.iter().find(|c| c.id == r.category_id);
                        let valid_for = r
                            .valid_for_days
                            .or(home.unwrap_or(&category).valid_for_days);
                        let phase = phase_of(i, phases);
                        update_item(txn, &actor, user, project, r, i, members, valid_for, phase)
                            .await?;
                    }
                }
                ItemAction::Same(id) => {
                    if let (Some(r), Some(phase)) = (rows_by_id.get(id), phase_of(i, phases))
                        && r.phase_id != Some(phase)
                    {
                        schedule(txn, &actor, project, r, phase).await?;
                    }
                }
            }
        }
    }
    // Many rows a statement, few enough to stay under SQLite's and Postgres' bind limits.
    let mut pending = inserts.into_iter().peekable();
    while pending.peek().is_some() {
        let chunk: Vec<items::ActiveModel> = pending.by_ref().take(500).collect();
        items::Entity::insert_many(chunk).exec(txn).await?;
    }
    let comments = write_comments(txn, user, project, doc, &category_ids, members).await?;
    write_risks(txn, user, project, doc, plan, members).await?;
    Ok(comments)
}

/// Adds the document's comments that the items do not have yet (same time and text), so a
/// re-import adds none twice. Returns how many.
///
/// A document can say anything about who wrote what: an importer's comments are their own,
/// with the document's author and date kept in the text, and only a site administrator
/// (restoring a project, say) keeps the document's authors (those on the team; the others'
/// words are kept without an author).
pub(super) async fn write_comments(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    doc: &Document,
    category_ids: &[i32],
    members: &HashMap<String, i32>,
) -> Result<u64, AppError> {
    if doc
        .categories
        .iter()
        .all(|c| c.items.iter().all(|i| i.comments.is_empty()))
    {
        return Ok(0);
    }
    let rows = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let ids: HashMap<(i32, String), i32> = rows
        .iter()
        .map(|r| ((r.category_id, name_key(&r.title)), r.id))
        .collect();
    let existing: std::collections::HashSet<(i32, i64, String)> = item_comments::Entity::find()
        .filter(item_comments::Column::ItemId.is_in(rows.iter().map(|r| r.id)))
        .all(txn)
        .await?
        .into_iter()
        .map(|n| (n.item_id, n.created_at.timestamp_micros(), n.body))
        .collect();
    let mut inserts: Vec<item_comments::ActiveModel> = Vec::new();
    for (c, category_id) in doc.categories.iter().zip(category_ids) {
        for i in &c.items {
            let Some(item_id) = ids.get(&(*category_id, name_key(&i.title))) else {
                continue;
            };
            for n in &i.comments {
                let (author_id, body) = if user.is_admin {
                    let author = n
                        .author
                        .as_ref()
                        .and_then(|e| members.get(&e.trim().to_lowercase()))
                        .copied();
                    (author, n.body.clone())
                } else {
                    let said_by = n.author.as_deref().map(str::trim).unwrap_or_default();
                    let body = if said_by.is_empty() || said_by.eq_ignore_ascii_case(&user.email) {
                        n.body.clone()
                    } else {
                        format!(
                            "{}\n\n— imported; written by {said_by} on {}",
                            n.body,
                            n.created_at.format("%Y-%m-%d")
                        )
                    };
                    (Some(user.id), body)
                };
                let key = (*item_id, n.created_at.timestamp_micros(), body.clone());
                if existing.contains(&key) {
                    continue;
                }
                inserts.push(item_comments::ActiveModel {
                    item_id: Set(*item_id),
                    author_id: Set(author_id),
                    body: Set(body),
                    created_at: Set(n.created_at),
                    ..Default::default()
                });
            }
        }
    }
    let added = inserts.len() as u64;
    let mut pending = inserts.into_iter().peekable();
    while pending.peek().is_some() {
        let chunk: Vec<item_comments::ActiveModel> = pending.by_ref().take(500).collect();
        item_comments::Entity::insert_many(chunk).exec(txn).await?;
    }
    Ok(added)
}

pub(super) async fn insert_category(
    txn: &impl ConnectionTrait,
    project_id: i32,
    position: i32,
    c: &CategoryDoc,
) -> Result<categories::Model, AppError> {
    let now = Utc::now();
    Ok(categories::ActiveModel {
        project_id: Set(project_id),
        name: Set(c.name.trim().to_owned()),
        position: Set(position),
        weight: Set(c.weight),
        assessor_score: Set(c.assessor_score),
        assessor_note: Set(c.assessor_note.clone()),
        valid_for_days: Set(c.valid_for_days.filter(|d| (1..=3650).contains(d))),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// A row the import read changed before the import wrote it (someone saved it meanwhile): the
/// import stops and nothing of it is kept, rather than overwrite that change.
pub(super) fn changed_meanwhile(what: &str, name: &str) -> AppError {
    AppError::Conflict(format!(
        "The {what} “{name}” was changed while the document was being imported, so nothing \
         was imported. Import it again to apply it on top of that change."
    ))
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn update_item(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    user: &AuthUser,
    project: &projects::Model,
    r: &items::Model,
    i: &ItemDoc,
    members: &HashMap<String, i32>,
    valid_for: Option<i32>,
    phase: Option<i32>,
) -> Result<(), AppError> {
    let now = Utc::now();
    let before = item_state(r);
    let mut am: items::ActiveModel = r.clone().into();
    if phase.is_some() {
        am.phase_id = Set(phase);
    }
    am.status = Set(i.status);
    am.priority = Set(i.priority);
    if let Some(b) = i.blocking {
        am.blocking = Set(b);
    }
    if !i.description.is_empty() {
        am.description = Set(i.description.clone());
    }
    if i.effort_hours.is_some() {
        am.effort_hours = Set(i.effort_hours);
    }
    if i.due_date.is_some() {
        am.due_date = Set(i.due_date);
    }
    if !i.evidence_url.is_empty() {
        am.evidence_url = Set(i.evidence_url.clone());
    }
    if !i.evidence_text.is_empty() {
        am.evidence_text = Set(i.evidence_text.clone());
    }
    if !i.status_reason.is_empty() {
        am.status_reason = Set(i.status_reason.clone());
    }
    am.accepted_until = Set(if i.status == Status::AcceptedRisk {
        i.accepted_until
    } else {
        None
    });
    if let Some(id) = i
        .assignee
        .as_ref()
        .and_then(|e| members.get(&e.trim().to_lowercase()))
    {
        am.assignee_id = Set(Some(*id));
    }
    let (closed_by, closed_at) = closed_stamp(Some(r), i.status, user.id, now);
    am.closed_by = Set(closed_by);
    am.closed_at = Set(closed_at);
    crate::checklist::service::evidence_stamp(Some(r), i.status, user.id, now, valid_for)
        .set(&mut am);
    am.version = Set(r.version + 1);
    am.updated_by = Set(Some(user.id));
    am.updated_at = Set(now);
    let after = crate::txn::update_at_version(txn, am, items::Column::Version, r.version)
        .await?
        .ok_or_else(|| changed_meanwhile("item", &r.title))?;
    record(
        txn,
        actor,
        Event::new("item", after.id, "updated")
            .in_project(project)
            .before(&before)
            .after(&item_state(&after)),
    )
    .await?;
    Ok(())
}

/// The phase id an item of the document names (its phases by name key).
fn phase_of(i: &ItemDoc, phases: &HashMap<String, i32>) -> Option<i32> {
    i.phase
        .as_ref()
        .and_then(|p| phases.get(&name_key(p)).copied())
}

/// The document's phases in the project: a phase of the same name is kept (its goal and
/// target date taken from the document where it states them), the others are added at the
/// end of the plan. Returns every phase of the project by name key.
pub(super) async fn write_phases(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    doc: &Document,
) -> Result<HashMap<String, i32>, AppError> {
    use crate::phases::service::{PhaseInput, check_phase, insert_phase, phases_of};
    let actor = Actor::from(user);
    let existing = phases_of(txn, project.id).await?;
    let mut ids: HashMap<String, i32> =
        existing.iter().map(|p| (name_key(&p.name), p.id)).collect();
    for p in &doc.phases {
        let key = name_key(&p.name);
        if let Some(row) = existing.iter().find(|e| name_key(&e.name) == key) {
            let goal = if p.goal.is_empty() {
                &row.goal
            } else {
                &p.goal
            };
            let target = p.target_date.or(row.target_date);
            if *goal != row.goal || target != row.target_date {
                let before = serde_json::json!({"goal": row.goal, "target_date": row.target_date});
                let mut am: crate::entities::phases::ActiveModel = row.clone().into();
                am.goal = Set(goal.clone());
                am.target_date = Set(target);
                am.version = Set(row.version + 1);
                am.updated_at = Set(Utc::now());
                crate::txn::update_at_version(
                    txn,
                    am,
                    crate::entities::phases::Column::Version,
                    row.version,
                )
                .await?
                .ok_or_else(|| changed_meanwhile("phase", &row.name))?;
                record(
                    txn,
                    &actor,
                    Event::new("phase", row.id, "updated")
                        .in_project(project)
                        .before(&before)
                        .after(&serde_json::json!({"goal": goal, "target_date": target})),
                )
                .await?;
            }
            continue;
        }
        let v = check_phase(&PhaseInput {
            name: p.name.clone(),
            goal: p.goal.clone(),
            target_date: p.target_date.map(|d| d.to_string()).unwrap_or_default(),
        })?;
        let row = insert_phase(txn, &actor, project, v).await?;
        ids.insert(key, row.id);
    }
    Ok(ids)
}

/// Schedules an item the import leaves otherwise unchanged into `phase`, at the version read.
async fn schedule(
    txn: &impl ConnectionTrait,
    actor: &Actor,
    project: &projects::Model,
    r: &items::Model,
    phase: i32,
) -> Result<(), AppError> {
    let mut am: items::ActiveModel = r.clone().into();
    am.phase_id = Set(Some(phase));
    am.version = Set(r.version + 1);
    am.updated_at = Set(Utc::now());
    let after = crate::txn::update_at_version(txn, am, items::Column::Version, r.version)
        .await?
        .ok_or_else(|| changed_meanwhile("item", &r.title))?;
    record(
        txn,
        actor,
        Event::new("item", after.id, "updated")
            .in_project(project)
            .before(&item_state(r))
            .after(&item_state(&after)),
    )
    .await?;
    Ok(())
}

pub(super) async fn write_risks(
    txn: &impl ConnectionTrait,
    user: &AuthUser,
    project: &projects::Model,
    doc: &Document,
    plan: &Plan,
    members: &HashMap<String, i32>,
) -> Result<(), AppError> {
    if !plan.risks.iter().any(|new| *new) {
        return Ok(());
    }
    let cats = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let rows = items::Entity::find()
        .filter(items::Column::ProjectId.eq(project.id))
        .all(txn)
        .await?;
    let category_ids: HashMap<String, i32> = cats
        .iter()
        .rev()
        .map(|c| (name_key(&c.name), c.id))
        .collect();
    let category_id = |name: &str| category_ids.get(&name_key(name)).copied();
    let mut item_ids: HashMap<(i32, String), i32> = HashMap::new();
    for i in rows.iter().rev() {
        item_ids.insert((i.category_id, name_key(&i.title)), i.id);
    }
    for (r, _) in doc.risks.iter().zip(&plan.risks).filter(|(_, new)| **new) {
        let risk = new_risk(
            project.id,
            r,
            r.category.as_deref().and_then(category_id),
            members,
            user,
        )
        .insert(txn)
        .await?;
        let mut linked = HashSet::new();
        for link in &r.items {
            let Some(cid) = category_id(&link.category) else {
                continue;
            };
            if let Some(item_id) = item_ids.get(&(cid, name_key(&link.title))).copied()
                && linked.insert(item_id)
            {
                risk_items::ActiveModel {
                    risk_id: Set(risk.id),
                    item_id: Set(item_id),
                }
                .insert(txn)
                .await?;
            }
        }
    }
    Ok(())
}

pub(super) fn new_risk(
    project_id: i32,
    r: &RiskDoc,
    category_id: Option<i32>,
    members: &HashMap<String, i32>,
    user: &AuthUser,
) -> risks::ActiveModel {
    let now = Utc::now();
    risks::ActiveModel {
        project_id: Set(project_id),
        category_id: Set(category_id),
        title: Set(r.title.trim().to_owned()),
        description: Set(r.description.clone()),
        owner_id: Set(r
            .owner
            .as_ref()
            .and_then(|e| members.get(&e.trim().to_lowercase()).copied())),
        status: Set(r.status),
        likelihood: Set(r.likelihood),
        impact: Set(r.impact),
        target_likelihood: Set(r.target_likelihood),
        target_impact: Set(r.target_impact),
        version: Set(1),
        updated_by: Set(Some(user.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}
