//! The weekly digest: on Monday morning in each person's time zone (or on Tuesday, if the
//! instance was down), one mail: what is due this week, what is overdue, and each watched
//! project's verdict and score against its last final review.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use super::mail::{Letter, Mailer, link_key, unsubscribe_link};
use crate::{
    entities::{items, notifications, project_watches, projects, team_members, users},
    jobs::{self, NewJob},
    scoring::Status,
};

/// Hourly: a weekly-digest job for each person whose week's digest is due.
pub const WEEKLY_DIGESTS: &str = "mail.weekly_digests";
/// One person's weekly digest (payload `{"user": id}`).
pub const MAIL_WEEKLY: &str = "mail.weekly";
/// The local hour on Monday from which the digest goes.
pub const WEEKLY_HOUR: u32 = 8;
/// Items one section lists (the rest are counted).
const LISTED: usize = 20;

/// The ISO week (`2026-W49`) whose digest is due at `now` in `tz`: from Monday 08:00 to the
/// end of Tuesday (a process that was down on Monday morning catches up; a digest that
/// would come later in the week is skipped).
pub fn due_week(now: DateTime<Utc>, tz: Tz) -> Option<String> {
    let local = now.with_timezone(&tz);
    let started = match local.weekday() {
        Weekday::Mon => local.hour() >= WEEKLY_HOUR,
        Weekday::Tue => true,
        _ => false,
    };
    started.then(|| {
        let week = local.iso_week();
        format!("{}-W{:02}", week.year(), week.week())
    })
}

/// A person's time zone, UTC when unknown.
fn zone(person: &users::Model) -> Tz {
    person.time_zone.parse().unwrap_or(Tz::UTC)
}

/// Enqueues this week's digest of everyone who wants one and whose Monday morning has come
/// (once per person and week, whichever process does it). Returns how many were new.
pub async fn enqueue(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<usize, DbErr> {
    let people = users::Entity::find()
        .filter(users::Column::WeeklyDigest.eq(true))
        .filter(users::Column::IsDisabled.eq(false))
        .all(db)
        .await?;
    let mut added = 0;
    for person in people {
        let Some(week) = due_week(now, zone(&person)) else {
            continue;
        };
        let job = NewJob::new(MAIL_WEEKLY, serde_json::json!({ "user": person.id }), now)
            .once(format!("{MAIL_WEEKLY}:{}:{week}", person.id))
            .attempts(super::mail::MAIL_ATTEMPTS);
        added += usize::from(jobs::enqueue(db, job, now).await?);
    }
    Ok(added)
}

/// One line of a section: text and a local link.
struct Line(String, String);

/// The digest's sections for `person` on `today` (their local date).
async fn sections(
    db: &impl ConnectionTrait,
    person: &users::Model,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(Vec<Line>, Vec<Line>, Vec<Line>), String> {
    let text = |e: crate::error::AppError| e.to_string();
    let db_text = |e: DbErr| e.to_string();
    let mine = items::Entity::find()
        .filter(items::Column::AssigneeId.eq(person.id))
        .filter(items::Column::Status.is_in([Status::Open, Status::InProgress]))
        .filter(items::Column::DueDate.lt(today + Duration::days(7)))
        .order_by_asc(items::Column::DueDate)
        .all(db)
        .await
        .map_err(db_text)?;
    let memberships: Vec<i32> = team_members::Entity::find()
        .filter(team_members::Column::UserId.eq(person.id))
        .all(db)
        .await
        .map_err(db_text)?
        .into_iter()
        .map(|m| m.team_id)
        .collect();
    let mut project_ids: Vec<i32> = mine.iter().map(|i| i.project_id).collect();
    let watched: Vec<i32> = project_watches::Entity::find()
        .filter(project_watches::Column::UserId.eq(person.id))
        .filter(project_watches::Column::Watching.eq(true))
        .all(db)
        .await
        .map_err(db_text)?
        .into_iter()
        .map(|w| w.project_id)
        .collect();
    project_ids.extend(&watched);
    let projects: Vec<projects::Model> = projects::Entity::find()
        .filter(projects::Column::Id.is_in(project_ids))
        .filter(projects::Column::TeamId.is_in(memberships))
        .all(db)
        .await
        .map_err(db_text)?;
    let project = |id: i32| projects.iter().find(|p| p.id == id);
    let (mut due, mut overdue) = (Vec::new(), Vec::new());
    for item in &mine {
        let (Some(p), Some(date)) = (project(item.project_id), item.due_date) else {
            continue;
        };
        let link = format!("/p/{}/items/{}", p.slug, item.id);
        if date < today {
            overdue.push(Line(
                format!("“{}” ({}), overdue since {date}", item.title, p.name),
                link,
            ));
        } else {
            due.push(Line(
                format!("“{}” ({}), due {date}", item.title, p.name),
                link,
            ));
        }
    }
    let mut watching = Vec::new();
    for p in projects.iter().filter(|p| watched.contains(&p.id)) {
        let snap = crate::reviews::service::live_snapshot(db, p, today)
            .await
            .map_err(text)?;
        let score = snap
            .overall
            .map_or_else(|| "no score".to_owned(), |o| format!("{o}%"));
        let since = match crate::reviews::service::last_final(db, p.id)
            .await
            .map_err(text)?
        {
            Some((_, title, review)) => match (snap.overall, review.overall) {
                (Some(now), Some(then)) => {
                    format!(
                        ", {:+} points since “{title}”",
                        i32::from(now) - i32::from(then)
                    )
                }
                _ => String::new(),
            },
            None => String::new(),
        };
        let updates = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(person.id))
            .filter(notifications::Column::ProjectId.eq(p.id))
            .filter(notifications::Column::CreatedAt.gte(now - Duration::days(7)))
            .count(db)
            .await
            .map_err(db_text)?;
        let updates = match updates {
            0 => String::new(),
            1 => "; 1 notification this week".to_owned(),
            n => format!("; {n} notifications this week"),
        };
        watching.push(Line(
            format!(
                "{}: {}, {score}{since}{updates}",
                p.name,
                snap.verdict.label()
            ),
            format!("/p/{}", p.slug),
        ));
    }
    Ok((due, overdue, watching))
}

/// Mails `user` this week's digest (nothing when there is nothing to say, or no mail server).
pub async fn deliver(
    db: &impl ConnectionTrait,
    mailer: Option<&Mailer>,
    user: i32,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let Some(mailer) = mailer else {
        return Ok(());
    };
    let Some(person) = users::Entity::find_by_id(user)
        .one(db)
        .await
        .map_err(|e| e.to_string())?
        .filter(|p| p.weekly_digest && !p.is_disabled)
    else {
        return Ok(());
    };
    let today = now.with_timezone(&zone(&person)).date_naive();
    let (due, overdue, watching) = sections(db, &person, today, now).await?;
    if due.is_empty() && overdue.is_empty() && watching.is_empty() {
        return Ok(());
    }
    let key = link_key(db).await.map_err(|e| e.to_string())?;
    let base = mailer.base();
    let unsubscribe = unsubscribe_link(base, &key, person.id, super::mail::WEEKLY);
    let settings = format!("{base}/account#notifications");
    let parts = [
        ("Due this week", &due),
        ("Overdue", &overdue),
        ("Projects you watch", &watching),
    ];
    let mut text = format!(
        "Your week in Preflight, {}:\n",
        today.format("%A %-d %B %Y")
    );
    let mut html = String::from(
        "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">",
    );
    let e = |s: &str| html_escape::encode_text(s).into_owned();
    let a = |s: &str| html_escape::encode_double_quoted_attribute(s).into_owned();
    html.push_str(&format!(
        "<p>Your week in Preflight, {}:</p>",
        e(&today.format("%A %-d %B %Y").to_string())
    ));
    for (title, lines) in parts {
        if lines.is_empty() {
            continue;
        }
        text.push_str(&format!("\n{title} ({}):\n", lines.len()));
        html.push_str(&format!(
            "<h2 style=\"font-size:16px\">{title} ({})</h2><ul>",
            lines.len()
        ));
        for Line(line, link) in lines.iter().take(LISTED) {
            text.push_str(&format!("- {line}\n  {base}{link}\n"));
            html.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>",
                a(&format!("{base}{link}")),
                e(line)
            ));
        }
        if lines.len() > LISTED {
            text.push_str(&format!("  … and {} more\n", lines.len() - LISTED));
            html.push_str(&format!("<li>… and {} more</li>", lines.len() - LISTED));
        }
        html.push_str("</ul>");
    }
    text.push_str(&format!(
        "\n-- \nYou get this weekly digest because it is on in your Preflight settings.\nChange what you get: {settings}\nStop the weekly digest with one click: {unsubscribe}\n"
    ));
    html.push_str(&format!(
        "<hr><p style=\"color:#555;font-size:13px\">You get this weekly digest because it is on \
         in your Preflight settings. <a href=\"{}\">Change what you get</a> · \
         <a href=\"{}\">Stop the weekly digest</a></p></body></html>",
        a(&settings),
        a(&unsubscribe)
    ));
    let counts = format!("{} due this week, {} overdue", due.len(), overdue.len());
    let letter = Letter {
        to: super::mail::mailbox(&person)?,
        subject: format!("[Preflight] Your week: {counts}"),
        text,
        html,
        unsubscribe: Some(unsubscribe),
    };
    mailer.send(letter).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_weeks_digest_is_due_from_monday_eight_oclock_local_time() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().ok();
        // Monday 2026-12-07 07:30 UTC: 08:30 in Berlin, 02:30 in New York (still before 08:00).
        let monday = at("2026-12-07T07:30:00Z");
        let berlin: Tz = chrono_tz::Europe::Berlin;
        let new_york: Tz = chrono_tz::America::New_York;
        assert_eq!(
            monday.and_then(|m| due_week(m, berlin)).as_deref(),
            Some("2026-W50")
        );
        assert_eq!(monday.and_then(|m| due_week(m, new_york)), None);
        // Sunday evening in New York is Monday in Tokyo already.
        let sunday = at("2026-12-06T23:30:00Z");
        assert_eq!(
            sunday
                .and_then(|s| due_week(s, chrono_tz::Asia::Tokyo))
                .as_deref(),
            Some("2026-W50")
        );
        assert_eq!(sunday.and_then(|s| due_week(s, new_york)), None);
        // Tuesday still catches up; Wednesday no longer.
        let tuesday = at("2026-12-08T23:30:00Z");
        assert_eq!(
            tuesday.and_then(|t| due_week(t, chrono_tz::UTC)).as_deref(),
            Some("2026-W50")
        );
        assert_eq!(tuesday.and_then(|t| due_week(t, berlin)), None);
    }
}
