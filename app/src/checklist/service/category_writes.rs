//! Category changes (editors): add, rename and score, move, delete.

use super::*;

/// A category as typed in a form.
#[derive(Clone, Debug, Default)]
pub struct CategoryInput {
    /// Name.
    pub name: String,
    /// Weight, as typed ("1" when blank).
    pub weight: String,
    /// Assessor score 0–100, blank for none.
    pub assessor_score: String,
    /// Assessor's note.
    pub assessor_note: String,
}

struct CategoryValues {
    name: String,
    weight: i32,
    assessor_score: Option<i32>,
    assessor_note: String,
}

fn check_category(input: &CategoryInput) -> Result<CategoryValues, AppError> {
    let name = input.name.trim().to_owned();
    let weight = match input.weight.trim() {
        "" => Ok(1),
        w => w.parse::<i32>().map_err(|_| ()).and_then(|w| {
            if (0..=100).contains(&w) {
                Ok(w)
            } else {
                Err(())
            }
        }),
    };
    let score = match input.assessor_score.trim() {
        "" => Ok(None),
        s => s.parse::<i32>().map_err(|_| ()).and_then(|s| {
            if (0..=100).contains(&s) {
                Ok(Some(s))
            } else {
                Err(())
            }
        }),
    };
    let note = input.assessor_note.trim().to_owned();
    Validator::default()
        .check(name.is_empty(), "name", "Enter a name.")
        .at_most(&name, 120, "name")
        .check(
            weight.is_err(),
            "weight",
            "Use a whole number from 0 to 100.",
        )
        .check(
            score.is_err(),
            "assessor_score",
            "Use a whole number from 0 to 100, or leave it blank.",
        )
        .at_most(&note, MAX_TEXT, "assessor_note")
        .finish()?;
    Ok(CategoryValues {
        name,
        weight: weight.unwrap_or(1),
        assessor_score: score.unwrap_or(None),
        assessor_note: note,
    })
}

pub(crate) fn category_state(c: &categories::Model) -> serde_json::Value {
    serde_json::json!({
        "name": c.name,
        "position": c.position,
        "weight": c.weight,
        "assessor_score": c.assessor_score,
        "assessor_note": c.assessor_note,
    })
}

/// Adds a category at the end of the project's list (editors).
pub async fn create_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    input: CategoryInput,
) -> Result<i32, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_edit()?;
    let project = seen.project;
    let v = check_category(&input)?;
    let txn = crate::txn::begin(db).await?;
    let last = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .order_by_desc(categories::Column::Position)
        .one(&txn)
        .await?
        .map_or(0, |c| c.position);
    let now = Utc::now();
    let c = categories::ActiveModel {
        project_id: Set(project.id),
        name: Set(v.name),
        position: Set(last + 1),
        weight: Set(v.weight),
        assessor_score: Set(v.assessor_score),
        assessor_note: Set(v.assessor_note),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        &Actor::from(user),
        Event::new("category", c.id, "created")
            .in_project(&project)
            .after(&category_state(&c)),
    )
    .await?;
    txn.commit().await?;
    Ok(c.id)
}

/// Changes a category (editors); `version` must be the one the user saw.
pub async fn update_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    input: CategoryInput,
) -> Result<(), AppError> {
    let (category, seen) = access::category(db, user, id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let v = check_category(&input)?;
    let txn = crate::txn::begin(db).await?;
    let changes = categories::Entity::update_many()
        .col_expr(categories::Column::Name, Expr::value(v.name))
        .col_expr(categories::Column::Weight, Expr::value(v.weight))
        .col_expr(
            categories::Column::AssessorScore,
            Expr::value(v.assessor_score),
        )
        .col_expr(
            categories::Column::AssessorNote,
            Expr::value(v.assessor_note),
        )
        .col_expr(categories::Column::UpdatedAt, Expr::value(Utc::now()));
    crate::txn::save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("category", id, "updated")
            .in_project(&project)
            .before(&category_state(&category))
            .after(&category_state(after))
    })
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Moves a category one place up (`up = true`) or down (editors).
pub async fn move_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    up: bool,
) -> Result<(), AppError> {
    let (category, seen) = access::category(db, user, id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let txn = crate::txn::begin(db).await?;
    let all = categories::Entity::find()
        .filter(categories::Column::ProjectId.eq(project.id))
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(&txn)
        .await?;
    let Some(at) = all.iter().position(|c| c.id == id) else {
        return Err(AppError::NotFound);
    };
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let Some(other) = other.and_then(|o| all.get(o)) else {
        return Ok(()); // already first / last
    };
    // Renumber densely with the two swapped, so equal positions cannot stick.
    let mut order: Vec<i32> = all.iter().map(|c| c.id).collect();
    let o = order.iter().position(|c| *c == other.id).unwrap_or(at);
    order.swap(at, o);
    for (n, cid) in order.iter().enumerate() {
        categories::Entity::update_many()
            .col_expr(
                categories::Column::Position,
                Expr::value(i32::try_from(n).unwrap_or(i32::MAX)),
            )
            .filter(categories::Column::Id.eq(*cid))
            .exec(&txn)
            .await?;
    }
    record(
        &txn,
        &Actor::from(user),
        Event::new("category", id, if up { "moved_up" } else { "moved_down" })
            .in_project(&project)
            .before(&serde_json::json!({ "position": category.position })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes a category with all its items (editors; the UI asks first).
pub async fn delete_category(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
) -> Result<(), AppError> {
    let (category, seen) = access::category(db, user, id).await?;
    seen.require_edit()?;
    let project = seen.project;
    let txn = crate::txn::begin(db).await?;
    let titles: Vec<String> = items::Entity::find()
        .filter(items::Column::CategoryId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|i| i.title)
        .collect();
    items::Entity::delete_many()
        .filter(items::Column::CategoryId.eq(id))
        .exec(&txn)
        .await?;
    categories::Entity::delete_by_id(id).exec(&txn).await?;
    let mut before = category_state(&category);
    before["items"] = serde_json::json!(titles);
    record(
        &txn,
        &Actor::from(user),
        Event::new("category", id, "deleted")
            .in_project(&project)
            .before(&before),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
