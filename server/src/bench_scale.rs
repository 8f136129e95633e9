//! The company-scale data set (`preflight bench-seed --scale large`): 500 accounts in 50 teams,
//! 5,000 projects, 1,000,000 items, 50,000 risks and 20,000 reviews. `huge-service` holds
//! 10,000 items; the others about 198 each.
//!
//! Rows go in with multi-row inserts, a project at a time in one transaction (the search
//! index's triggers run as they would for any write); the accounts share one argon2id hash,
//! computed once. Each project gets one final review, frozen from its items as a reviewer
//! would freeze it, and three drafts: four final snapshots of every project would add
//! gigabytes of the same JSON and measure nothing more.

use app::{
    audit::service::Actor,
    auth::service::{NewUser, register_user},
    entities::{categories, items, projects, reviews, risks, team_members, teams, users},
    error::AppError,
    reviews::model::ReviewStatus,
    risks::matrix::RiskStatus,
    scoring::{Priority, Status},
};
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};

/// The sizes of a data set.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// Accounts: `scale001@example.com` …; the first is a site administrator (on an instance
    /// without accounts) and owns team 1.
    pub users: usize,
    /// Teams; the accounts and projects are dealt out among them in turn.
    pub teams: usize,
    /// Projects in all.
    pub projects: usize,
    /// Items in all.
    pub items: usize,
    /// Items of [`HUGE`], the first project.
    pub huge_items: usize,
}

/// What `--scale large` loads.
pub const LARGE: Sizes = Sizes {
    users: 500,
    teams: 50,
    projects: 5000,
    items: 1_000_000,
    huge_items: 10_000,
};
/// The project with the long checklist.
pub const HUGE: &str = "huge-service";
/// Categories of every project.
pub const CATEGORIES: usize = 12;
/// Risks of every project.
pub const RISKS_EACH: usize = 10;
/// Reviews of every project (one final).
pub const REVIEWS_EACH: usize = 4;
/// A word that appears in one item in 100,000 (for the "rare word" search).
pub const RARE: &str = "zeppelin";

/// The email of scale account `n` (1-based).
pub fn email(n: usize) -> String {
    format!("scale{n:03}@example.com")
}

const VERBS: [&str; 16] = [
    "Verify",
    "Document",
    "Automate",
    "Test",
    "Monitor",
    "Alert on",
    "Rotate",
    "Encrypt",
    "Load test",
    "Review",
    "Limit",
    "Back up",
    "Restore",
    "Scale",
    "Patch",
    "Audit",
];
const NOUNS: [&str; 24] = [
    "database failover",
    "TLS certificates",
    "API rate limits",
    "secrets",
    "error budgets",
    "queue consumers",
    "cache eviction",
    "disk usage",
    "login throttling",
    "deploy pipeline",
    "feature flags",
    "DNS records",
    "service dependencies",
    "on-call rota",
    "runbooks",
    "SLO dashboards",
    "log retention",
    "access reviews",
    "container images",
    "object storage",
    "webhook retries",
    "schema migrations",
    "connection pools",
    "CDN configuration",
];

/// How long each part took, for the bench's table.
#[derive(Debug, serde::Serialize)]
pub struct ScaleFigures {
    /// Accounts and teams.
    pub accounts_s: f64,
    /// Projects, categories, items and risks.
    pub content_s: f64,
    /// Reviews (frozen snapshots).
    pub reviews_s: f64,
    /// Gathering the planner's statistics (and on PostgreSQL, vacuuming).
    pub analyze_s: f64,
}

/// Loads the data set; the accounts get `password`.
pub async fn seed(
    db: &DatabaseConnection,
    sizes: Sizes,
    password: &str,
    today: NaiveDate,
) -> Result<ScaleFigures, AppError> {
    let Sizes {
        users: user_count,
        teams: team_count,
        projects: project_count,
        items: item_count,
        huge_items,
    } = sizes;
    let started = std::time::Instant::now();
    let (team_ids, members) = accounts(db, user_count, team_count, password).await?;
    let accounts_s = started.elapsed().as_secs_f64();

    let started = std::time::Instant::now();
    let per_project = (item_count - huge_items) / (project_count - 1);
    let mut left_over = (item_count - huge_items) % (project_count - 1);
    let mut next_item = 0usize;
    let mut project_ids = Vec::with_capacity(project_count);
    for p in 0..project_count {
        let team = p % team_count;
        let count = if p == 0 {
            huge_items
        } else if left_over > 0 {
            left_over -= 1;
            per_project + 1
        } else {
            per_project
        };
        let txn = db.begin().await?;
        let id = project(
            &txn,
            p,
            team_ids[team],
            &members[team],
            count,
            next_item,
            today,
        )
        .await?;
        txn.commit().await?;
        next_item += count;
        project_ids.push(id);
    }
    let content_s = started.elapsed().as_secs_f64();

    let started = std::time::Instant::now();
    for (p, &id) in project_ids.iter().enumerate() {
        review(db, id, p, today).await?;
    }
    let reviews_s = started.elapsed().as_secs_f64();
    // What autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would do a while after a load
    // this size, measured apart from it: statistics for the planner, and on PostgreSQL the
    // projects table rewritten — every item inserted bumped its project's revision, leaving
    // 200 dead versions of each row (185 MB for 5,000 projects, every scan of it 40 ms).
    let started = std::time::Instant::now();
    let tidy: &[&str] =
        if sea_orm::ConnectionTrait::get_database_backend(db) == sea_orm::DbBackend::Postgres {
            &["VACUUM FULL projects", "VACUUM ANALYZE"]
        } else {
            &["ANALYZE"]
        };
    for sql in tidy {
        sea_orm::ConnectionTrait::execute_unprepared(db, sql).await?;
    }
    Ok(ScaleFigures {
        accounts_s,
        content_s,
        reviews_s,
        analyze_s: started.elapsed().as_secs_f64(),
    })
}

/// The accounts (one hash) and teams: team ids, and each team's member ids.
async fn accounts(
    db: &DatabaseConnection,
    user_count: usize,
    team_count: usize,
    password: &str,
) -> Result<(Vec<i32>, Vec<Vec<i32>>), AppError> {
    let first_run = app::auth::service::user_count(db).await? == 0;
    let first = register_user(
        db,
        &Actor::system(),
        NewUser {
            email: email(1),
            display_name: "Scale User 001".into(),
            password: password.to_owned(),
            is_admin: first_run,
        },
        false,
    )
    .await?;
    let now = Utc::now();
    let rows: Vec<users::ActiveModel> = (2..=user_count)
        .map(|n| users::ActiveModel {
            email: Set(email(n)),
            display_name: Set(format!("Scale User {n:03}")),
            password_hash: Set(first.password_hash.clone()),
            is_admin: Set(false),
            is_disabled: Set(false),
            must_change_password: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(250) {
        users::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    let mut user_ids: Vec<(String, i32)> = users::Entity::find()
        .select_only()
        .column(users::Column::Email)
        .column(users::Column::Id)
        .filter(users::Column::Email.like("scale%@example.com"))
        .into_tuple()
        .all(db)
        .await?;
    user_ids.sort();
    let team_rows: Vec<teams::ActiveModel> = (1..=team_count)
        .map(|t| teams::ActiveModel {
            name: Set(format!("Scale team {t:02}")),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    teams::Entity::insert_many(team_rows).exec(db).await?;
    let mut team_ids: Vec<(String, i32)> = teams::Entity::find()
        .select_only()
        .column(teams::Column::Name)
        .column(teams::Column::Id)
        .filter(teams::Column::Name.like("Scale team %"))
        .into_tuple()
        .all(db)
        .await?;
    team_ids.sort();
    let team_ids: Vec<i32> = team_ids.into_iter().map(|(_, id)| id).collect();
    let mut members = vec![Vec::new(); team_count];
    let mut rows = Vec::with_capacity(user_count);
    for (n, (_, user)) in user_ids.iter().enumerate() {
        let team = n % team_count;
        let role = match n / team_count {
            0 => "owner",
            1..=5 => "editor",
            _ => "viewer",
        };
        members[team].push(*user);
        rows.push(team_members::ActiveModel {
            team_id: Set(team_ids[team]),
            user_id: Set(*user),
            role: Set(role.to_owned()),
            created_at: Set(now),
        });
    }
    for chunk in rows.chunks(250) {
        team_members::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await?;
    }
    Ok((team_ids, members))
}

/// One project with its categories, `count` items (numbered from `first` across the data set)
/// and risks; returns its id.
async fn project(
    db: &impl sea_orm::ConnectionTrait,
    p: usize,
    team: i32,
    people: &[i32],
    count: usize,
    first: usize,
    today: NaiveDate,
) -> Result<i32, AppError> {
    let now = Utc::now();
    let (name, slug) = if p == 0 {
        ("Huge Service".to_owned(), HUGE.to_owned())
    } else {
        (
            format!("Service {p:04} {}", NOUNS[p % NOUNS.len()]),
            format!("svc-{p:04}"),
        )
    };
    let id = projects::Entity::insert(projects::ActiveModel {
        team_id: Set(team),
        name: Set(name),
        slug: Set(slug),
        description: Set(format!(
            "Owned by team {team}. {} and {} are its riskiest parts.",
            NOUNS[p % NOUNS.len()],
            NOUNS[(p / 7) % NOUNS.len()]
        )),
        threshold: Set(80),
        archived: Set(false),
        evidence_required: Set(false),
        target_date: Set(Some(today + Duration::days(30 + (p % 90) as i64))),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?
    .last_insert_id;
    let cats: Vec<categories::ActiveModel> = crate::bench::CATEGORY_NAMES
        .iter()
        .enumerate()
        .map(|(c, area)| categories::ActiveModel {
            project_id: Set(id),
            name: Set((*area).to_owned()),
            position: Set(c as i32),
            weight: Set(1 + (c % 3) as i32),
            assessor_note: Set(String::new()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .collect();
    categories::Entity::insert_many(cats).exec(db).await?;
    let cat_ids: Vec<i32> = categories::Entity::find()
        .select_only()
        .column(categories::Column::Id)
        .filter(categories::Column::ProjectId.eq(id))
        .into_tuple()
        .all(db)
        .await?;
    let rows: Vec<items::ActiveModel> = (0..count)
        .map(|k| {
            item(
                id,
                cat_ids[k * CATEGORIES / count],
                people,
                first + k,
                k,
                today,
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        items::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    let risks: Vec<risks::ActiveModel> = (0..RISKS_EACH)
        .map(|r| {
            let n = p * RISKS_EACH + r;
            risks::ActiveModel {
                project_id: Set(id),
                category_id: Set(Some(cat_ids[n % CATEGORIES])),
                title: Set(format!("{} fails under load", NOUNS[n % NOUNS.len()])),
                description: Set(format!(
                    "Found in review {}: {} may take the service down.",
                    n % 40,
                    NOUNS[(n / 3) % NOUNS.len()]
                )),
                owner_id: Set(Some(people[n % people.len()])),
                status: Set([
                    RiskStatus::Open,
                    RiskStatus::Mitigating,
                    RiskStatus::Accepted,
                ][n % 3]),
                likelihood: Set((n % 5 + 1) as i32),
                impact: Set(((n / 5) % 5 + 1) as i32),
                target_likelihood: Set(1),
                target_impact: Set(((n / 5) % 5 + 1) as i32),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    risks::Entity::insert_many(risks).exec(db).await?;
    Ok(id)
}

/// Item `n` of the data set (`k`-th of its project): every status and priority, a spread of
/// assignees, due dates and efforts; words from a small vocabulary, the rare word in one item
/// in 100,000, a "rollback plan" in one in 100.
fn item(
    project: i32,
    category: i32,
    people: &[i32],
    n: usize,
    k: usize,
    today: NaiveDate,
) -> items::ActiveModel {
    let now = Utc::now();
    let status = Status::ALL[n % Status::ALL.len()];
    let person = people[n % people.len()];
    let extra = if n % 100_000 == 77 {
        format!(" Needs the {RARE} sign-off.")
    } else if n % 100 == 42 {
        " Write the rollback plan first.".to_owned()
    } else {
        String::new()
    };
    items::ActiveModel {
        project_id: Set(project),
        category_id: Set(category),
        title: Set(format!(
            "{} {} ({n})",
            VERBS[n % VERBS.len()],
            NOUNS[(n / VERBS.len()) % NOUNS.len()]
        )),
        description: Set(format!(
            "Check that {} holds in staging, then link the evidence.{extra}",
            NOUNS[(n / 3) % NOUNS.len()]
        )),
        priority: Set(Priority::ALL[n % Priority::ALL.len()]),
        blocking: Set(n.is_multiple_of(7)),
        status: Set(status),
        status_reason: Set(match status {
            Status::NotApplicable => "Not part of this service.".into(),
            Status::AcceptedRisk => "Compensated elsewhere.".into(),
            _ => String::new(),
        }),
        accepted_until: Set((status == Status::AcceptedRisk)
            .then(|| today + Duration::days(if n.is_multiple_of(2) { 30 } else { -3 }))),
        assignee_id: Set((!n.is_multiple_of(5)).then_some(person)),
        due_date: Set((!n.is_multiple_of(3)).then(|| today + Duration::days((n % 60) as i64 - 20))),
        effort_hours: Set((!n.is_multiple_of(4)).then_some(((n % 16) + 1) as f64 / 2.0)),
        evidence_url: Set(String::new()),
        evidence_text: Set(if status == Status::Done {
            format!("CI run {n} passed.")
        } else {
            String::new()
        }),
        closed_by: Set(status.is_closed().then_some(person)),
        closed_at: Set(status.is_closed().then_some(now)),
        position: Set(k as i32),
        version: Set(1),
        updated_by: Set(Some(person)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Project `id`'s reviews: three drafts, then one final frozen from its items today.
async fn review(
    db: &DatabaseConnection,
    id: i32,
    p: usize,
    today: NaiveDate,
) -> Result<(), AppError> {
    let project = projects::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let cats = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(id))
        .all(db)
        .await?;
    let rows = items::Entity::find()
        .filter(items::Column::ProjectId.eq(id))
        .all(db)
        .await?;
    let register = app::reviews::service::project_risks(db, id).await?;
    let matrix = app::risks::matrix::RiskMatrix::default();
    let snap =
        app::reviews::service::snapshot_from(db, &project, cats, rows, &register, &matrix, today)
            .await?;
    let json = serde_json::to_string(&snap).map_err(|e| AppError::internal("bench", e))?;
    let now = Utc::now();
    let rows: Vec<reviews::ActiveModel> = (0..REVIEWS_EACH)
        .map(|r| {
            let last = r + 1 == REVIEWS_EACH;
            let date = today - Duration::days(((REVIEWS_EACH - r) * 14 + p % 7) as i64);
            reviews::ActiveModel {
                project_id: Set(id),
                title: Set(format!("Readiness review {}", r + 1)),
                reviewer: Set("Scale User 001".into()),
                review_date: Set(date),
                version_label: Set(format!("v1.{r}")),
                summary: Set("Walked through every category.".into()),
                status: Set(if last {
                    ReviewStatus::Final
                } else {
                    ReviewStatus::Draft
                }),
                snapshot: Set(last.then(|| json.clone())),
                overall: Set(if last {
                    snap.overall.map(i32::from)
                } else {
                    None
                }),
                verdict: Set(last.then(|| snap.verdict.as_str().to_owned())),
                finalized_at: Set(last.then_some(now)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    reviews::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}
