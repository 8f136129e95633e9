//! `preflight demo`: a realistic team, its people and three projects written for Preflight,
//! loaded through the same services as the UI (so everything is audited and valid).

use chrono::{Duration, NaiveDate};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::{
    audit::service::Actor,
    auth::service::{NewUser, register_user, to_auth_user},
    checklist::service::{CategoryInput, ItemInput, create_category, create_item, update_item},
    entities::{teams, users},
    error::AppError,
    projects::service::{NewProject, create},
    teams::{model::TeamRole, service as team_service},
};

mod data;

use data::*;

/// The team the demo creates; its presence means the demo is loaded.
pub const DEMO_TEAM: &str = "Demo: Storefront";

/// What the demo created, for the command to print.
#[derive(Debug)]
pub struct DemoLoaded {
    /// `(email, role)` of each demo account.
    pub accounts: Vec<(String, &'static str)>,
    /// The password every demo account shares.
    pub password: String,
    /// Project slugs.
    pub projects: Vec<String>,
    /// Items created in all.
    pub items: usize,
}

// Longer than 120 lines: the demo's fixed scenario, written in order.
#[allow(clippy::too_many_lines)]
/// Loads the demo into `db`. When the instance has no accounts yet, the owner is made a site
/// administrator so the demo can be signed into at once. Refused when already loaded.
pub async fn load(
    db: &DatabaseConnection,
    password: String,
    today: NaiveDate,
) -> Result<DemoLoaded, AppError> {
    if teams::Entity::find()
        .filter(teams::Column::Name.eq(DEMO_TEAM))
        .count(db)
        .await?
        > 0
    {
        return Err(AppError::Conflict("The demo is already loaded.".to_owned()));
    }
    let first_run = users::Entity::find().count(db).await? == 0;
    let mut people = Vec::new();
    for (n, (email, name, _)) in PEOPLE.iter().enumerate() {
        let user = register_user(
            db,
            &Actor::system(),
            NewUser {
                email: (*email).to_owned(),
                display_name: (*name).to_owned(),
                password: password.clone(),
                is_admin: first_run && n == 0,
            },
            false,
        )
        .await?;
        people.push(to_auth_user(user));
    }
    let owner = people[0].clone();
    let team = team_service::create_team(db, &owner, DEMO_TEAM).await?;
    for ((email, _, role), _) in PEOPLE.iter().zip(&people).skip(1) {
        team_service::add_member(db, &owner, team, email, *role).await?;
    }
    let mut slugs = Vec::new();
    let mut count = 0;
    for (p, (name, description, categories)) in PROJECTS.into_iter().enumerate() {
        let slug = create(
            db,
            &owner,
            NewProject {
                name: name.to_owned(),
                slug: String::new(),
                description: description.to_owned(),
                team_id: team,
            },
        )
        .await?;
        let mut category_ids = Vec::new();
        // Status changes, applied around two reviews so the project has a history.
        let mut pending: Vec<(Option<usize>, i32, &str)> = Vec::new();
        let mut ids = Vec::new();
        for (category, weight, assessor, rows) in categories {
            let category_id = create_category(
                db,
                &owner,
                &slug,
                CategoryInput {
                    name: (*category).to_owned(),
                    weight: weight.to_string(),
                    ..Default::default()
                },
            )
            .await?;
            category_ids.push((*category, category_id));
            if let Some(score) = assessor {
                crate::checklist::service::update_category(
                    db,
                    &owner,
                    category_id,
                    1,
                    CategoryInput {
                        name: (*category).to_owned(),
                        weight: weight.to_string(),
                        assessor_score: score.to_string(),
                        assessor_note: "Judged in the last review meeting.".to_owned(),
                    },
                )
                .await?;
            }
            for (title, priority, status, assignee, due, effort) in rows.iter() {
                let by = assignee.map_or(&owner, |i| &people[i]);
                let id = create_item(
                    db,
                    by,
                    category_id,
                    ItemInput {
                        title: (*title).to_owned(),
                        priority: (*priority).to_owned(),
                        assignee: assignee
                            .map(|i| people[i].id.to_string())
                            .unwrap_or_default(),
                        due_date: due
                            .map(|d| (today + Duration::days(d)).to_string())
                            .unwrap_or_default(),
                        effort_hours: if *effort > 0.0 {
                            effort.to_string()
                        } else {
                            String::new()
                        },
                        description: format!("Part of the **{category}** review for {name}."),
                        ..Default::default()
                    },
                    today,
                )
                .await?;
                if *status != "open" {
                    pending.push((*assignee, id, *status));
                }
                ids.push(id);
                count += 1;
            }
        }
        for (_, title, category, l, i, tl, ti, status, owner_index) in
            RISKS.iter().filter(|r| r.0 == p)
        {
            let category_id = category_ids
                .iter()
                .find(|(c, _)| c == category)
                .map(|(_, id)| id.to_string())
                .unwrap_or_default();
            crate::risks::service::create_risk(
                db,
                &owner,
                &slug,
                crate::risks::service::RiskInput {
                    title: (*title).to_owned(),
                    description: format!("Raised in the {name} readiness review."),
                    category: category_id,
                    owner: people[*owner_index].id.to_string(),
                    status: (*status).to_owned(),
                    likelihood: l.to_string(),
                    impact: i.to_string(),
                    target_likelihood: tl.to_string(),
                    target_impact: ti.to_string(),
                },
            )
            .await?;
        }
        let half = pending.len() / 2;
        for (n, (assignee, id, status)) in pending.iter().enumerate() {
            if n == half {
                review(db, &owner, &slug, name, 1, today, false).await?;
            }
            let by = assignee.map_or(&owner, |i| &people[i]);
            set_demo_status(db, by, *id, status, today).await?;
        }
        review(db, &owner, &slug, name, 2, today, p == 2).await?;
        plan(db, &owner, &slug, &ids, today).await?;
        slugs.push(slug);
    }
    Ok(DemoLoaded {
        accounts: PEOPLE
            .iter()
            .map(|(e, _, r)| ((*e).to_owned(), r.as_str()))
            .collect(),
        password,
        projects: slugs,
        items: count,
    })
}

/// Starts and finalizes review `n` of a demo project (and signs it when asked).
/// A plan: a launch four weeks out, 20 hours a week, a review every two weeks, and the items
/// spread over three phases.
async fn plan(
    db: &DatabaseConnection,
    owner: &crate::auth::model::AuthUser,
    slug: &str,
    ids: &[i32],
    today: NaiveDate,
) -> Result<(), AppError> {
    use crate::phases::service::{PhaseInput, PlanSettings, create_phase, set_plan_settings};
    let project = crate::projects::access::find_by_slug(db, slug).await?;
    let settings = PlanSettings {
        target_date: (today + Duration::days(28)).to_string(),
        capacity_hours: "20".to_owned(),
        review_every_days: "14".to_owned(),
    };
    set_plan_settings(db, owner, slug, project.version, &settings).await?;
    let mut phases = Vec::new();
    for (name, goal, days) in [
        ("Week 1", "Close what blocks the launch.", Some(7)),
        ("Before launch", "The high-priority rest.", Some(25)),
        ("After launch", "What can wait.", None),
    ] {
        let input = PhaseInput {
            name: name.to_owned(),
            goal: goal.to_owned(),
            target_date: days
                .map(|d| (today + Duration::days(d)).to_string())
                .unwrap_or_default(),
        };
        phases.push(create_phase(db, owner, slug, input).await?);
    }
    for (n, id) in ids.iter().enumerate() {
        let Some(item) = crate::entities::items::Entity::find_by_id(*id)
            .one(db)
            .await?
        else {
            continue;
        };
        let phase = phases[n % phases.len()].to_string();
        update_item(db, owner, *id, item.version, |i| i.phase = phase, today).await?;
    }
    Ok(())
}

async fn review(
    db: &DatabaseConnection,
    owner: &crate::auth::model::AuthUser,
    slug: &str,
    name: &str,
    n: u32,
    today: NaiveDate,
    signed: bool,
) -> Result<(), AppError> {
    use crate::reviews::service::{ReviewInput, create, finalize, sign};
    let id = create(
        db,
        owner,
        slug,
        ReviewInput {
            title: format!("{name} readiness review {n}"),
            reviewer: "Maya Okafor".into(),
            review_date: (today - Duration::days(i64::from(3 - n) * 14)).to_string(),
            version_label: format!("v0.{}", 8 + n),
            summary: "Walked through every category with the team.".into(),
        },
        today,
    )
    .await?;
    finalize(db, owner, id, 1, today).await?;
    if signed {
        sign(db, owner, id, "Go for launch.", 0, today).await?;
    }
    Ok(())
}

/// Gives a demo item its status, with the reason, expiry or evidence the status needs.
async fn set_demo_status(
    db: &DatabaseConnection,
    by: &crate::auth::model::AuthUser,
    id: i32,
    status: &str,
    today: NaiveDate,
) -> Result<(), AppError> {
    update_item(
        db,
        by,
        id,
        1,
        |i| {
            i.status = status.to_owned();
            match status {
                "not_applicable" => {
                    i.status_reason = "Single service; nothing to trace across.".into()
                }
                "accepted_risk" => {
                    i.status_reason = "Scheduled for Q1; compensated by a bug bounty.".into();
                    i.accepted_until = (today + Duration::days(60)).to_string();
                }
                "done" => i.evidence_url = "https://ci.example.com/runs/1842".into(),
                _ => {}
            }
        },
        today,
    )
    .await?;
    Ok(())
}
