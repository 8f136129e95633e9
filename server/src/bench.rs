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
/// The twelve readiness areas every benchmark project is split into.
pub const CATEGORY_NAMES: [&str; 12] = [
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

/// What one day's reminders cost for `people` people (`preflight bench-reminders`).
#[derive(Debug, serde::Serialize)]
pub struct ReminderFigures {
    /// People, each with one overdue item.
    pub people: usize,
    /// Building the day's reminders (notifications and mail jobs).
    pub build_ms: u128,
    /// People reminded.
    pub reminded: usize,
    /// Sending the mails (every due job run once).
    pub send_ms: u128,
    /// Mails the server accepted.
    pub mails_sent: u64,
    /// People reminded more than once that day (must be 0).
    pub duplicates: usize,
}

/// Loads `people` accounts in one team, each holding one overdue item, then runs the day's
/// reminders twice (the second run must add nothing) and works the queue with `out`.
pub async fn reminders(
    db: &DatabaseConnection,
    people: usize,
    out: crate::background::Outbound,
) -> Result<ReminderFigures, AppError> {
    use app::entities::notifications;
    use sea_orm::{PaginatorTrait, QuerySelect};
    let today = Utc::now().date_naive();
    let (owner, team, ids) = reminder_people(db, people).await?;
    let now = Utc::now();
    let slug = create(
        db,
        &owner,
        NewProject {
            name: "Launch".into(),
            slug: "launch".into(),
            description: "Reminder benchmark.".into(),
            team_id: team,
        },
    )
    .await?;
    let project = app::projects::access::find_by_slug(db, &slug).await?;
    let category = category(db, &owner, &slug, "Launch").await?;
    let items: Vec<items::ActiveModel> = ids
        .iter()
        .enumerate()
        .map(|(n, &id)| items::ActiveModel {
            project_id: Set(project.id),
            category_id: Set(category),
            title: Set(format!("Launch check {n}")),
            description: Set(String::new()),
            priority: Set(Priority::High),
            blocking: Set(false),
            status: Set(Status::Open),
            status_reason: Set(String::new()),
            assignee_id: Set(Some(id)),
            due_date: Set(Some(today - Duration::days(1 + (n % 5) as i64))),
            evidence_url: Set(String::new()),
            evidence_text: Set(String::new()),
            position: Set(n as i32),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in items.chunks(200) {
        items::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }

    let started = std::time::Instant::now();
    let sent = app::inbox::reminders::run(db, today, Utc::now()).await?;
    let again = app::inbox::reminders::run(db, today, Utc::now()).await?;
    let build_ms = started.elapsed().as_millis();
    let started = std::time::Instant::now();
    crate::background::worker(db, Default::default(), out)
        .run_due()
        .await?;
    let send_ms = started.elapsed().as_millis();
    let mails_sent = notifications::Entity::find()
        .filter(notifications::Column::Mail.eq("sent"))
        .count(db)
        .await?;
    let due: Vec<i32> = notifications::Entity::find()
        .select_only()
        .column(notifications::Column::UserId)
        .filter(notifications::Column::Kind.eq("due"))
        .into_tuple()
        .all(db)
        .await?;
    let distinct: std::collections::HashSet<i32> = due.iter().copied().collect();
    Ok(ReminderFigures {
        people,
        build_ms,
        reminded: sent.due + again.due,
        send_ms,
        mails_sent,
        duplicates: due.len() - distinct.len(),
    })
}

/// The owner (a site admin), the team "Reminders" and the ids of its `people` members.
async fn reminder_people(
    db: &DatabaseConnection,
    people: usize,
) -> Result<(AuthUser, i32, Vec<i32>), AppError> {
    use app::entities::{team_members, users};
    use sea_orm::QuerySelect;
    let owner = register_user(
        db,
        &Actor::system(),
        NewUser {
            email: "remind0000@example.com".into(),
            display_name: "Reminder Owner".into(),
            password: "bench-password".into(),
            is_admin: true,
        },
        false,
    )
    .await?;
    let hash = owner.password_hash.clone();
    let owner = to_auth_user(owner);
    let team = teams::create_team(db, &owner, "Reminders").await?;
    let now = Utc::now();
    let rows: Vec<users::ActiveModel> = (1..people)
        .map(|n| users::ActiveModel {
            email: Set(format!("remind{n:04}@example.com")),
            display_name: Set(format!("Person {n:04}")),
            password_hash: Set(hash.clone()),
            is_admin: Set(false),
            is_disabled: Set(false),
            must_change_password: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(200) {
        users::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    let ids: Vec<i32> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::Email.like("remind%"))
        .into_tuple()
        .all(db)
        .await?;
    let members: Vec<team_members::ActiveModel> = ids
        .iter()
        .filter(|&&id| id != owner.id)
        .map(|&id| team_members::ActiveModel {
            team_id: Set(team),
            user_id: Set(id),
            role: Set(TeamRole::Editor.as_str().to_owned()),
            created_at: Set(now),
        })
        .collect();
    for chunk in members.chunks(200) {
        team_members::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok((owner, team, ids))
}

/// Loads `checks` HTTP checks probing `url` every minute: one team, projects of 100 items, one
/// check an item. Returns how many were made. For `make bench`, which then serves the database
/// and measures what the scheduler costs.
pub async fn checks(db: &DatabaseConnection, checks: usize, url: &str) -> Result<usize, AppError> {
    use app::entities::checks as check_rows;
    let owner = register_user(
        db,
        &Actor::system(),
        NewUser {
            email: "checks@example.com".into(),
            display_name: "Checks Owner".into(),
            password: "bench-password".into(),
            is_admin: true,
        },
        false,
    )
    .await?;
    let owner = to_auth_user(owner);
    let team = teams::create_team(db, &owner, "Checks").await?;
    let spec = app::checks::spec::CheckSpec::Http {
        url: url.to_owned(),
        method: "GET".into(),
        expect_status: 200,
        body_contains: String::new(),
        header: String::new(),
        timeout_secs: 10,
    };
    let config =
        serde_json::to_string(&spec).map_err(|e| AppError::internal("bench", e.to_string()))?;
    let now = Utc::now();
    let mut made = 0;
    for p in 0..checks.div_ceil(100) {
        let slug = create(
            db,
            &owner,
            NewProject {
                name: format!("Service {p:03}"),
                slug: format!("service-{p:03}"),
                description: "Checks benchmark.".into(),
                team_id: team,
            },
        )
        .await?;
        let project = app::projects::access::find_by_slug(db, &slug).await?;
        let category = category(db, &owner, &slug, "Probes").await?;
        let n = (checks - made).min(100);
        let rows: Vec<items::ActiveModel> = (0..n)
            .map(|i| items::ActiveModel {
                project_id: Set(project.id),
                category_id: Set(category),
                title: Set(format!("Endpoint {i}")),
                description: Set(String::new()),
                priority: Set(Priority::High),
                blocking: Set(false),
                status: Set(Status::Open),
                status_reason: Set(String::new()),
                evidence_url: Set(String::new()),
                evidence_text: Set(String::new()),
                position: Set(i as i32),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        items::Entity::insert_many(rows).exec(db).await?;
        let ids: Vec<i32> = items::Entity::find()
            .filter(items::Column::ProjectId.eq(project.id))
            .all(db)
            .await?
            .into_iter()
            .map(|i| i.id)
            .collect();
        let rows: Vec<check_rows::ActiveModel> = ids
            .iter()
            .enumerate()
            .map(|(i, &item)| check_rows::ActiveModel {
                project_id: Set(project.id),
                item_id: Set(item),
                kind: Set("http".into()),
                key: Set(None),
                config: Set(config.clone()),
                interval_seconds: Set(60),
                ttl_seconds: Set(None),
                enabled: Set(true),
                last_state: Set(None),
                last_run_at: Set(None),
                // Spread over the first minute, as checks made over time are.
                next_run_at: Set(Some(now + Duration::seconds((made + i) as i64 % 60))),
                created_by: Set(Some(owner.id)),
                created_at: Set(now),
                ..Default::default()
            })
            .collect();
        check_rows::Entity::insert_many(rows).exec(db).await?;
        made += n;
    }
    Ok(made)
}
