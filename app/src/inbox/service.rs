//! Writing notifications where things change, and reading and marking one's own.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use super::{
    mail::{MAIL_ATTEMPTS, MAIL_NOTIFICATION},
    model::{InboxView, KEEP_DAYS, NotificationView, PAGE},
};
use crate::{
    auth::model::AuthUser,
    entities::{items, notifications, projects, team_members, users},
    error::AppError,
    jobs::{self, NewJob},
};

/// A change to one item by one person: what its notifications are about.
struct About<'a> {
    actor: &'a AuthUser,
    project: &'a projects::Model,
    item: &'a items::Model,
}

impl About<'_> {
    /// Tells `to` (unless they made the change) of the item, as `kind`, on the channels they
    /// chose for it.
    async fn tell(
        &self,
        db: &impl ConnectionTrait,
        to: i32,
        kind: &str,
        text: String,
    ) -> Result<(), DbErr> {
        if to == self.actor.id {
            return Ok(());
        }
        let notice = Notice {
            kind,
            text,
            link: format!("/p/{}/items/{}", self.project.slug, self.item.id),
            project: Some(self.project.id),
            item: Some(self.item.id),
            actor: Some(self.actor.id),
        };
        notify(db, to, notice, Utc::now()).await
    }

    /// Posts `event` to the project's team's webhooks that ask for it.
    async fn broadcast(
        &self,
        db: &impl ConnectionTrait,
        event: &str,
        text: String,
    ) -> Result<(), DbErr> {
        let (p, i) = (self.project, self.item);
        let data = serde_json::json!({
            "project": { "slug": p.slug, "name": p.name },
            "item": {
                "id": i.id,
                "title": i.title,
                "status": i.status.as_str(),
                "assignee_id": i.assignee_id,
                "due_date": i.due_date,
            },
            "actor": { "id": self.actor.id, "name": self.actor.display_name },
            "link": format!("/p/{}/items/{}", p.slug, i.id),
        });
        let event = crate::webhooks::service::Event {
            name: event,
            data,
            text,
        };
        crate::webhooks::service::emit(db, p.team_id, event, Utc::now()).await
    }
}

/// One notification, before it is known whom it reaches.
pub struct Notice<'a> {
    /// Its kind (one of [`super::model::KINDS`]).
    pub kind: &'a str,
    /// The sentence.
    pub text: String,
    /// A local path to what it is about.
    pub link: String,
    /// The project it is about.
    pub project: Option<i32>,
    /// The item it is about.
    pub item: Option<i32>,
    /// Who caused it.
    pub actor: Option<i32>,
}

/// Gives `notice` to `to` on the channels they chose for its kind: a row in the inbox (shown or
/// not), and, when they take its mail, a queued mail job or a place in their daily digest.
pub async fn notify(
    db: &impl ConnectionTrait,
    to: i32,
    notice: Notice<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let channels = super::prefs::channels(db, to, notice.kind).await?;
    if channels.none() {
        return Ok(());
    }
    let mail = channels
        .email
        .map(|single| if single { "queued" } else { "digest" });
    let row = notifications::ActiveModel {
        user_id: Set(to),
        kind: Set(notice.kind.to_owned()),
        project_id: Set(notice.project),
        item_id: Set(notice.item),
        actor_id: Set(notice.actor),
        text: Set(notice.text),
        link: Set(notice.link),
        created_at: Set(now),
        read_at: Set(None),
        shown: Set(channels.inbox),
        mail: Set(mail.map(str::to_owned)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    if mail == Some("queued") {
        let job = NewJob::new(
            MAIL_NOTIFICATION,
            serde_json::json!({ "notification": row.id }),
            now,
        )
        .once(format!("{MAIL_NOTIFICATION}:{}", row.id))
        .attempts(MAIL_ATTEMPTS);
        jobs::enqueue(db, job, now).await?;
    }
    Ok(())
}

/// After `actor` changed an item from `before` to `after`: a new assignee hears they were
/// assigned; the item's watchers (holders and creators unless they mute it, and whoever watches
/// it or its project) hear of a status change.
pub(crate) async fn item_changed(
    db: &impl ConnectionTrait,
    actor: &AuthUser,
    project: &projects::Model,
    before: &items::Model,
    after: &items::Model,
) -> Result<(), DbErr> {
    let (who, title, name) = (&actor.display_name, &after.title, &project.name);
    let about = About {
        actor,
        project,
        item: after,
    };
    let assigned = after
        .assignee_id
        .filter(|_| before.assignee_id != after.assignee_id);
    if let Some(to) = assigned {
        let text = format!("{who} assigned you “{title}” in {name}.");
        about.tell(db, to, "assigned", text).await?;
        let assignee = users::Entity::find_by_id(to).one(db).await?;
        let whom = assignee.map_or_else(String::new, |u| u.display_name);
        let text = format!("{who} assigned “{title}” in {name} to {whom}.");
        about.broadcast(db, "item.assigned", text).await?;
    }
    if before.status != after.status {
        let status = after.status.label();
        let text = format!("{who} set “{title}” in {name} to {status}.");
        about.broadcast(db, "item.status_changed", text).await?;
        for to in super::watch::item_watchers(db, project, after).await? {
            if Some(to) != assigned {
                let text = format!("{who} set “{title}” in {name} to {status}.");
                about.tell(db, to, "status_changed", text).await?;
            }
        }
    }
    Ok(())
}

/// After `actor` commented `body` on `item`: the team members it mentions (`@bob` for
/// bob@example.com) hear they were mentioned, and the item's other watchers that there is a
/// comment.
pub(crate) async fn commented(
    db: &impl ConnectionTrait,
    actor: &AuthUser,
    project: &projects::Model,
    item: &items::Model,
    body: &str,
) -> Result<(), DbErr> {
    let (who, title, name) = (&actor.display_name, &item.title, &project.name);
    let mentioned = mentioned_members(db, project.team_id, &mentions(body)).await?;
    let about = About {
        actor,
        project,
        item,
    };
    for &to in &mentioned {
        let text = format!("{who} mentioned you on “{title}” in {name}.");
        about.tell(db, to, "mentioned", text).await?;
    }
    let excerpt: String = body.chars().take(280).collect();
    let text = format!("{who} commented on “{title}” in {name}: {excerpt}");
    about.broadcast(db, "item.commented", text).await?;
    for to in super::watch::item_watchers(db, project, item).await? {
        if !mentioned.contains(&to) {
            let text = format!("{who} commented on “{title}” in {name}.");
            about.tell(db, to, "commented", text).await?;
        }
    }
    Ok(())
}

/// News of a whole project (`kind`: `review`, `verdict_changed`): its watchers hear it, never
/// `actor`; its team's webhooks asking for `event` get it.
pub(crate) async fn project_news(
    db: &impl ConnectionTrait,
    actor: Option<i32>,
    project: &projects::Model,
    news: ProjectNews<'_>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    for to in super::watch::project_watchers(db, project).await? {
        if Some(to) == actor {
            continue;
        }
        let notice = Notice {
            kind: news.kind,
            text: news.text.clone(),
            link: news.link.clone(),
            project: Some(project.id),
            item: None,
            actor,
        };
        notify(db, to, notice, now).await?;
    }
    let mut data = news.data;
    if let Some(obj) = data.as_object_mut() {
        obj.insert(
            "project".into(),
            serde_json::json!({ "slug": project.slug, "name": project.name }),
        );
        obj.insert("link".into(), news.link.clone().into());
    }
    let event = crate::webhooks::service::Event {
        name: news.event,
        data,
        text: news.text,
    };
    crate::webhooks::service::emit(db, project.team_id, event, now).await
}

/// What [`project_news`] tells.
pub(crate) struct ProjectNews<'a> {
    /// Notification kind.
    pub kind: &'a str,
    /// Webhook event.
    pub event: &'a str,
    /// The sentence.
    pub text: String,
    /// A local path.
    pub link: String,
    /// The webhook data (an object; the project and link are added).
    pub data: serde_json::Value,
}

/// Most mentions one comment notifies.
const MAX_MENTIONS: usize = 20;

/// The `@handle`s in `text`, lower-cased, each once, at most [`MAX_MENTIONS`]: `@` then letters,
/// digits, `.`, `_`, `+` or `-` (an email address's local part), not right after a letter or
/// digit (so `ada@example.com` mentions nobody), without trailing dots or dashes.
pub(crate) fn mentions(text: &str) -> Vec<String> {
    let handle_char = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '+' | '-');
    let mut found = Vec::new();
    let mut previous: Option<char> = None;
    let mut rest = text.char_indices().peekable();
    while let Some((at, c)) = rest.next() {
        let after_word = previous.is_some_and(char::is_alphanumeric);
        previous = Some(c);
        if c != '@' || after_word {
            continue;
        }
        let start = at + 1;
        let mut end = start;
        while let Some(&(i, next)) = rest.peek() {
            if !handle_char(next) {
                break;
            }
            end = i + next.len_utf8();
            previous = Some(next);
            rest.next();
        }
        let handle = text[start..end].trim_end_matches(['.', '-']).to_lowercase();
        if !handle.is_empty() && !found.contains(&handle) {
            found.push(handle);
            if found.len() == MAX_MENTIONS {
                break;
            }
        }
    }
    found
}

/// The active members of `team` whose email's local part is one of `handles`.
async fn mentioned_members(
    db: &impl ConnectionTrait,
    team: i32,
    handles: &[String],
) -> Result<Vec<i32>, DbErr> {
    if handles.is_empty() {
        return Ok(Vec::new());
    }
    let members = team_members::Entity::find()
        .filter(team_members::Column::TeamId.eq(team))
        .find_also_related(users::Entity)
        .all(db)
        .await?;
    Ok(members
        .into_iter()
        .filter_map(|(_, u)| u)
        .filter(|u| !u.is_disabled)
        .filter(|u| {
            let local = u.email.split('@').next().unwrap_or_default().to_lowercase();
            handles.contains(&local)
        })
        .map(|u| u.id)
        .collect())
}

/// `user`'s unread notifications.
pub async fn unread(db: &impl ConnectionTrait, user: i32) -> Result<u64, DbErr> {
    notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user))
        .filter(notifications::Column::Shown.eq(true))
        .filter(notifications::Column::ReadAt.is_null())
        .count(db)
        .await
}

/// A page of `user`'s inbox, newest first, older than the notification `before` when given.
pub async fn inbox(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    before: Option<i32>,
) -> Result<InboxView, AppError> {
    let mut find = notifications::Entity::find()
        .filter(notifications::Column::UserId.eq(user.id))
        .filter(notifications::Column::Shown.eq(true))
        .order_by_desc(notifications::Column::Id)
        .limit(PAGE + 1);
    if let Some(before) = before {
        find = find.filter(notifications::Column::Id.lt(before));
    }
    let mut rows = find.all(db).await?;
    let older = (rows.len() as u64 > PAGE).then(|| {
        rows.truncate(PAGE as usize);
        rows.last().map_or(0, |r| r.id)
    });
    Ok(InboxView {
        items: rows.into_iter().map(view).collect(),
        unread: unread(db, user.id).await?,
        older,
    })
}

fn view(n: notifications::Model) -> NotificationView {
    NotificationView {
        id: n.id,
        kind: n.kind,
        text: n.text,
        link: n.link,
        at: n.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        unread: n.read_at.is_none(),
    }
}

/// Marks `user`'s notification `id` read (again is fine); another person's is not found.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let mine = notifications::Entity::find_by_id(id)
        .filter(notifications::Column::UserId.eq(user.id))
        .filter(notifications::Column::Shown.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if mine.read_at.is_none() {
        notifications::Entity::update_many()
            .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
            .filter(notifications::Column::Id.eq(id))
            .filter(notifications::Column::ReadAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Marks every unread notification of `user` read; returns how many.
pub async fn mark_all_read(db: &impl ConnectionTrait, user: &AuthUser) -> Result<u64, AppError> {
    Ok(notifications::Entity::update_many()
        .col_expr(notifications::Column::ReadAt, Expr::value(Utc::now()))
        .filter(notifications::Column::UserId.eq(user.id))
        .filter(notifications::Column::Shown.eq(true))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Deletes notifications older than [`KEEP_DAYS`].
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(notifications::Entity::delete_many()
        .filter(notifications::Column::CreatedAt.lt(now - chrono::Duration::days(KEEP_DAYS)))
        .exec(db)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn mentions_are_handles_after_an_at_sign_not_inside_addresses() {
        assert_eq!(
            mentions(
                "@Bob please check, cc @carol.smith. Not ada@example.com; @bob again, @ alone"
            ),
            ["bob", "carol.smith"]
        );
        assert_eq!(
            mentions("(@dave-ops) and @erin_k+x:"),
            ["dave-ops", "erin_k+x"]
        );
        assert!(mentions("no one here, mail me@home").is_empty());
        let many: String = (0..50).map(|n| format!("@u{n} ")).collect();
        assert_eq!(mentions(&many).len(), 20, "bounded");
    }
}
