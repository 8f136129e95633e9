//! The benchmark data set (`preflight bench-seed`): 20 accounts in one team, 199 small projects
//! and one large one (`big-service`: 12 categories, 1,000 items in every state, 50 risks, 5
//! final reviews). Projects, categories, risks and reviews go through the services; the items
//! are inserted in batches, as an import would, so seeding takes seconds.

use app::{
    audit::service::Actor,
    auth::{
        model::AuthUser,
        service::{NewUser, register_user, to_auth_user},
    },
    checklist::service::{CategoryInput, create_category},
    entities::items,
    error::AppError,
    projects::service::{NewProject, create},
    reviews::service::{ReviewInput, create as create_review, finalize},
    risks::service::{RiskInput, create_risk},
    scoring::{Priority, Status},
    teams::{model::TeamRole, service as teams},
};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait},
};

/// Slug of the large project.
pub const LARGE: &str = "big-service";
/// Accounts: `bench01@example.com` … `bench20@example.com`; the first owns the team.
pub const USERS: usize = 20;
/// Projects in all, the large one included.
pub const PROJECTS: usize = 200;
/// Categories and items of the large project.
pub const LARGE_CATEGORIES: usize = 12;
/// Items of the large project.
pub const LARGE_ITEMS: usize = 1000;
/// Risks of the large project.
pub const LARGE_RISKS: usize = 50;
/// Final reviews of the large project.
pub const LARGE_REVIEWS: usize = 5;

const STATUSES: [Status; 5] = Status::ALL;
const PRIORITIES: [Priority; 4] = Priority::ALL;
const CATEGORY_NAMES: [&str; 12] = [
    "Security",
    "Reliability",
    "Observability",
    "Performance",
    "Data & backups",
    "Deployment",
    "Incident response",
    "Capacity",
    "Dependencies",
    "Compliance",
    "Documentation",
    "Cost",
];

/// The email of bench account `n` (1-based).
pub fn email(n: usize) -> String {
    format!("bench{n:02}@example.com")
}

/// Loads the data set; the accounts get `password`. The first account is a site administrator
/// when the instance had no accounts.
pub async fn seed(
    db: &DatabaseConnection,
    password: &str,
    today: NaiveDate,
) -> Result<(), AppError> {
    let first_run = app::auth::service::user_count(db).await? == 0;
    let mut people: Vec<AuthUser> = Vec::with_capacity(USERS);
    for n in 1..=USERS {
        let user = register_user(
            db,
            &Actor::system(),
            NewUser {
                email: email(n),
                display_name: format!("Bench User {n:02}"),
                password: password.to_owned(),
                is_admin: first_run && n == 1,
            },
            false,
        )
        .await?;
        people.push(to_auth_user(user));
    }
    let owner = people[0].clone();
    let team = teams::create_team(db, &owner, "Bench").await?;
    for n in 2..=USERS {
        let role = match n % 3 {
            0 => TeamRole::Viewer,
            1 => TeamRole::Owner,
            _ => TeamRole::Editor,
        };
        teams::add_member(db, &owner, team, &email(n), role).await?;
    }
    let new_project = |name: String, slug: String| NewProject {
        name,
        slug,
        description: "Benchmark data.".into(),
        team_id: team,
    };
    create(db, &owner, new_project("Big Service".into(), LARGE.into())).await?;
    large(db, &owner, &people, today).await?;
    for p in 1..PROJECTS {
        let slug = create(
            db,
            &owner,
            new_project(format!("Service {p:03}"), String::new()),
        )
        .await?;
        let project = app::projects::access::find_by_slug(db, &slug).await?;
        for c in 0..2 {
            let category = category(db, &owner, &slug, CATEGORY_NAMES[(p + c) % 12]).await?;
            insert_items(
                db,
                &project,
                category,
                5,
                (p * 10 + c * 5) as i32,
                &people,
                today,
            )
            .await?;
        }
    }
    Ok(())
}

async fn category(
    db: &DatabaseConnection,
    owner: &AuthUser,
    slug: &str,
    name: &str,
) -> Result<i32, AppError> {
    create_category(
        db,
        owner,
        slug,
        CategoryInput {
            name: name.to_owned(),
            weight: "1".into(),
            ..Default::default()
        },
    )
    .await
}

/// `count` items in `category`, numbered from `first`: every status, priority and a spread of
/// assignees, due dates (some past) and efforts.
async fn insert_items(
    db: &DatabaseConnection,
    project: &app::entities::projects::Model,
    category: i32,
    count: usize,
    first: i32,
    people: &[AuthUser],
    today: NaiveDate,
) -> Result<(), AppError> {
    let now = Utc::now();
    let rows: Vec<items::ActiveModel> = (0..count)
        .map(|k| {
            let n = first as usize + k;
            let status = STATUSES[n % STATUSES.len()];
            let person = &people[n % people.len()];
            items::ActiveModel {
                project_id: Set(project.id),
                category_id: Set(category),
                title: Set(format!("Readiness check {n}")),
                description: Set(format!(
                    "Check **{n}**: verify it in staging, then link the evidence."
                )),
                priority: Set(PRIORITIES[n % PRIORITIES.len()]),
                blocking: Set(n.is_multiple_of(7)),
                status: Set(status),
                status_reason: Set(match status {
                    Status::NotApplicable => "Not part of this service.".into(),
                    Status::AcceptedRisk => "Compensated elsewhere until the next release.".into(),
                    _ => String::new(),
                }),
                accepted_until: Set((status == Status::AcceptedRisk)
                    .then(|| today + Duration::days(if n.is_multiple_of(2) { 30 } else { -3 }))),
                assignee_id: Set((!n.is_multiple_of(5)).then_some(person.id)),
                due_date: Set(
                    (!n.is_multiple_of(3)).then(|| today + Duration::days((n % 60) as i64 - 20))
                ),
                effort_hours: Set((!n.is_multiple_of(4)).then_some(((n % 16) + 1) as f64 / 2.0)),
                evidence_url: Set(if status == Status::Done {
                    format!("https://ci.example.com/runs/{n}")
                } else {
                    String::new()
                }),
                evidence_text: Set(String::new()),
                closed_by: Set(status.is_closed().then_some(person.id)),
                closed_at: Set(status.is_closed().then_some(now)),
                position: Set(n as i32),
                version: Set(1),
                updated_by: Set(Some(person.id)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in rows.chunks(100) {
        items::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    Ok(())
}

/// The large project: categories, items, risks, and five final reviews with progress between
/// them (items move from open to done).
async fn large(
    db: &DatabaseConnection,
    owner: &AuthUser,
    people: &[AuthUser],
    today: NaiveDate,
) -> Result<(), AppError> {
    let project = app::projects::access::find_by_slug(db, LARGE).await?;
    let per_category = LARGE_ITEMS / LARGE_CATEGORIES;
    let mut category_ids = Vec::new();
    for (c, name) in CATEGORY_NAMES.iter().enumerate() {
        let id = category(db, owner, LARGE, name).await?;
        category_ids.push(id);
        let count = if c + 1 == LARGE_CATEGORIES {
            LARGE_ITEMS - per_category * (LARGE_CATEGORIES - 1)
        } else {
            per_category
        };
        insert_items(
            db,
            &project,
            id,
            count,
            (c * per_category) as i32,
            people,
            today,
        )
        .await?;
    }
    for r in 0..LARGE_RISKS {
        create_risk(
            db,
            owner,
            LARGE,
            RiskInput {
                title: format!(
                    "Risk {r}: {} failure",
                    CATEGORY_NAMES[r % 12].to_lowercase()
                ),
                description: "Found in the readiness review.".into(),
                category: category_ids[r % category_ids.len()].to_string(),
                owner: people[r % people.len()].id.to_string(),
                status: ["open", "mitigating", "accepted", "closed"][r % 4].into(),
                likelihood: (r % 5 + 1).to_string(),
                impact: ((r / 5) % 5 + 1).to_string(),
                target_likelihood: "1".into(),
                target_impact: ((r / 5) % 5 + 1).to_string(),
            },
        )
        .await?;
    }
    for n in 1..=LARGE_REVIEWS {
        // Progress since the last review: a batch of open items is done now.
        let open: Vec<i32> = items::Entity::find()
            .filter(items::Column::ProjectId.eq(project.id))
            .filter(items::Column::Status.eq(Status::Open))
            .all(db)
            .await?
            .into_iter()
            .take(20)
            .map(|i| i.id)
            .collect();
        items::Entity::update_many()
            .col_expr(items::Column::Status, Expr::value(Status::Done))
            .col_expr(
                items::Column::Version,
                Expr::col(items::Column::Version).add(1),
            )
            .filter(items::Column::Id.is_in(open))
            .exec(db)
            .await?;
        let id = create_review(
            db,
            owner,
            LARGE,
            ReviewInput {
                title: format!("Readiness review {n}"),
                reviewer: "Bench User 01".into(),
                review_date: (today - Duration::days(((LARGE_REVIEWS - n) * 14) as i64))
                    .to_string(),
                version_label: format!("v1.{n}"),
                summary: "Walked through every category.".into(),
            },
            today,
        )
        .await?;
        finalize(db, owner, id, 1, today).await?;
    }
    Ok(())
}
