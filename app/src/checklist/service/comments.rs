//! Comments on items (anyone who can see the project).

use super::*;

/// Adds a comment (anyone who can see the project, viewers included).
pub async fn add_comment(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    item_id: i32,
    body: &str,
) -> Result<i32, AppError> {
    // Anyone who sees the project may comment: seeing it is the check.
    let (item, seen) = access::item(db, user, item_id).await?;
    let project = seen.project;
    let body = body.trim().to_owned();
    Validator::default()
        .check(body.is_empty(), "body", "Write a comment.")
        .at_most(&body, MAX_TEXT, "body")
        .finish()?;
    let txn = crate::txn::begin(db).await?;
    let c = item_comments::ActiveModel {
        item_id: Set(item_id),
        author_id: Set(Some(user.id)),
        body: Set(body),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("item", item_id, "commented")
            .in_project(&project)
            .after(&serde_json::json!({ "comment": c.body })),
    )
    .await?;
    crate::inbox::service::commented(&txn, user, &project, &item, &c.body).await?;
    txn.commit().await?;
    Ok(c.id)
}

/// An item's comments, oldest first. `seen` is the caller's access to the item's project
/// ([`access::item`]): an item of another project has none here.
pub async fn comments(
    db: &impl ConnectionTrait,
    seen: &ProjectAccess,
    item_id: i32,
) -> Result<Vec<CommentView>, AppError> {
    let in_project = sea_orm::sea_query::Query::select()
        .column(items::Column::Id)
        .from(items::Entity)
        .and_where(items::Column::Id.eq(item_id))
        .and_where(items::Column::ProjectId.eq(seen.project.id))
        .to_owned();
    Ok(item_comments::Entity::find()
        .filter(item_comments::Column::ItemId.in_subquery(in_project))
        .order_by_asc(item_comments::Column::Id)
        .find_also_related(users::Entity)
        .all(db)
        .await?
        .into_iter()
        .map(|(c, u)| CommentView {
            id: c.id,
            author: u.map_or_else(|| "deleted user".to_owned(), |u| u.display_name),
            at: c
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            body_html: to_safe_html(&c.body),
        })
        .collect())
}
