//! Evidence with a life: who or what vouched for a done item, and until when it holds.
//!
//! The rule every write path applies ([`evidence_stamp`]): an item that becomes done is vouched for by
//! whoever made it so (a person: `attested`; a probe: `measured`; a pipeline: `ci`) at that
//! moment; an item that stays done keeps its voucher; an item that is not done has none. The
//! evidence holds for the item's "valid for" (its own, else its category's; none: for ever),
//! counted from the moment it was vouched for; `evidence_until` keeps the last day, so stale
//! items are found by one indexed comparison. Re-attesting ([`attest_item`]) or a passing
//! check vouches anew.

use super::*;
use crate::scoring::EvidenceKind;

/// The longest "valid for" (ten years).
pub const MAX_VALID_FOR_DAYS: i32 = 3650;

/// An item's evidence columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub(crate) kind: Option<EvidenceKind>,
    pub(crate) at: Option<chrono::DateTime<Utc>>,
    pub(crate) by: Option<i32>,
    pub(crate) until: Option<NaiveDate>,
}

impl Evidence {
    const NONE: Evidence = Evidence {
        kind: None,
        at: None,
        by: None,
        until: None,
    };

    /// No evidence (an item that is not done).
    pub(crate) fn none() -> Evidence {
        Self::NONE
    }

    /// Fresh evidence of `kind` from `by` (a person, or `None` for a check) at `now`.
    pub(crate) fn fresh(
        kind: EvidenceKind,
        by: Option<i32>,
        now: chrono::DateTime<Utc>,
        valid_for: Option<i32>,
    ) -> Evidence {
        Evidence {
            kind: Some(kind),
            at: Some(now),
            by,
            until: evidence_until(Some(now), valid_for),
        }
    }

    /// Sets the evidence columns of `am`.
    pub(crate) fn set(self, am: &mut items::ActiveModel) {
        am.evidence_kind = Set(self.kind);
        am.evidence_at = Set(self.at);
        am.evidence_by = Set(self.by);
        am.evidence_until = Set(self.until);
    }

    /// The same as column changes of an update.
    pub(crate) fn update(
        self,
        update: sea_orm::UpdateMany<items::Entity>,
    ) -> sea_orm::UpdateMany<items::Entity> {
        update
            .col_expr(items::Column::EvidenceKind, Expr::value(self.kind))
            .col_expr(items::Column::EvidenceAt, Expr::value(self.at))
            .col_expr(items::Column::EvidenceBy, Expr::value(self.by))
            .col_expr(items::Column::EvidenceUntil, Expr::value(self.until))
    }
}

/// The last day evidence from `at` holds for `valid_for` days (`None`: for ever).
pub(crate) fn evidence_until(
    at: Option<chrono::DateTime<Utc>>,
    valid_for: Option<i32>,
) -> Option<NaiveDate> {
    let days = valid_for.filter(|d| *d > 0)?;
    at.map(|at| at.date_naive() + chrono::Days::new(u64::from(days.unsigned_abs())))
}

/// The evidence of an item at `status` after a change by person `user_id` at `now`, from
/// `before` (`None` for a new item), its "valid for" being `valid_for` days: the one rule for
/// every write path by a person (forms, the REST API, bulk changes, imports).
pub(crate) fn evidence_stamp(
    before: Option<&items::Model>,
    status: Status,
    user_id: i32,
    now: chrono::DateTime<Utc>,
    valid_for: Option<i32>,
) -> Evidence {
    match before {
        _ if status != Status::Done => Evidence::NONE,
        Some(b) if b.status == Status::Done => Evidence {
            kind: b.evidence_kind.or(Some(EvidenceKind::Attested)),
            at: b.evidence_at.or(b.closed_at),
            by: b.evidence_by.or(b.closed_by),
            until: evidence_until(b.evidence_at.or(b.closed_at), valid_for),
        },
        _ => Evidence::fresh(EvidenceKind::Attested, Some(user_id), now, valid_for),
    }
}

/// An item's "valid for": its own, else its category's.
pub(crate) fn valid_for_of(item: Option<i32>, category: &categories::Model) -> Option<i32> {
    item.or(category.valid_for_days)
}

/// Reads a "valid for" field: blank for none, else whole days 1–3650.
pub fn parse_valid_for(s: &str) -> Result<Option<i32>, AppError> {
    match s.trim() {
        "" | "none" => Ok(None),
        d => d
            .parse::<i32>()
            .ok()
            .filter(|d| (1..=MAX_VALID_FOR_DAYS).contains(d))
            .map(Some)
            .ok_or_else(|| {
                AppError::field(
                    "valid_for_days",
                    format!(
                        "Use a number of days from 1 to {MAX_VALID_FOR_DAYS}, or leave it blank."
                    ),
                )
            }),
    }
}

/// Vouches for done item `id` anew as person `user` (editors): its evidence holds again for
/// its "valid for" from `now`. A stale item is current again. Returns the new version.
pub async fn attest_item(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    now: chrono::DateTime<Utc>,
) -> Result<i32, AppError> {
    let (item, seen) = access::item(db, user, id).await?;
    seen.require_edit()?;
    if item.status != Status::Done {
        return Err(AppError::field(
            "status",
            "Only a done item can be attested; mark it done instead.",
        ));
    }
    let project = seen.project;
    let category = categories::Entity::find_by_id(item.category_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let evidence = Evidence::fresh(
        EvidenceKind::Attested,
        Some(user.id),
        now,
        valid_for_of(item.valid_for_days, &category),
    );
    let changes = evidence.update(items::Entity::update_many());
    save_evidence(db, user, &project, &item, version, changes, "attested", now).await
}

/// Saves evidence `changes` to `item` (at `version`) by `user` at `now`, audited as `action`,
/// and queues the project's verdict check. Returns the new version.
#[allow(clippy::too_many_arguments)]
async fn save_evidence(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    project: &projects::Model,
    item: &items::Model,
    version: i32,
    changes: sea_orm::UpdateMany<items::Entity>,
    action: &'static str,
    now: chrono::DateTime<Utc>,
) -> Result<i32, AppError> {
    let id = item.id;
    let txn = crate::txn::begin(db).await?;
    let changes = changes
        .col_expr(items::Column::UpdatedBy, Expr::value(Some(user.id)))
        .col_expr(items::Column::UpdatedAt, Expr::value(now));
    let after = crate::txn::try_save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("item", id, action)
            .in_project(project)
            .before(&evidence_state(item))
            .after(&evidence_state(after))
    })
    .await?;
    match after {
        Some(after) => {
            crate::inbox::verdict::queue_check(&txn, project.id, now).await?;
            txn.commit().await?;
            Ok(after.version)
        }
        None => Err(crate::txn::stale::<items::Entity>(&txn, id).await?),
    }
}

/// Sets item `id`'s own "valid for" (editors); blank: its category's. Its current evidence
/// then holds for the new period from when it was vouched for. Returns the new version.
pub async fn set_item_valid_for(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    valid_for_days: &str,
) -> Result<i32, AppError> {
    let (item, seen) = access::item(db, user, id).await?;
    seen.require_edit()?;
    let days = parse_valid_for(valid_for_days)?;
    let project = seen.project;
    let category = categories::Entity::find_by_id(item.category_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let changes = items::Entity::update_many()
        .col_expr(items::Column::ValidForDays, Expr::value(days))
        .col_expr(
            items::Column::EvidenceUntil,
            Expr::value(if item.status == Status::Done {
                evidence_until(
                    item.evidence_at.or(item.closed_at),
                    valid_for_of(days, &category),
                )
            } else {
                None
            }),
        );
    save_evidence(
        db,
        user,
        &project,
        &item,
        version,
        changes,
        "validity_changed",
        Utc::now(),
    )
    .await
}

/// Sets how long the evidence of category `id`'s items holds (editors; blank: for ever), for
/// the items without their own "valid for"; their current evidence is re-dated at once.
pub async fn set_category_valid_for(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    id: i32,
    version: i32,
    valid_for_days: &str,
) -> Result<(), AppError> {
    let (category, seen) = access::category(db, user, id).await?;
    seen.require_edit()?;
    let days = parse_valid_for(valid_for_days)?;
    let project = seen.project;
    let now = Utc::now();
    let txn = crate::txn::begin(db).await?;
    let changes = categories::Entity::update_many()
        .col_expr(categories::Column::ValidForDays, Expr::value(days))
        .col_expr(categories::Column::UpdatedAt, Expr::value(now));
    let after = crate::txn::save(&txn, &Actor::from(user), id, version, changes, |after| {
        Event::new("category", id, "validity_changed")
            .in_project(&project)
            .before(&serde_json::json!({ "valid_for_days": category.valid_for_days }))
            .after(&serde_json::json!({ "valid_for_days": after.valid_for_days }))
    })
    .await?;
    restamp_category(&txn, &after).await?;
    crate::inbox::verdict::queue_check(&txn, project.id, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Recomputes `evidence_until` of the done items of `category` after its "valid for" changed
/// (items with their own "valid for" keep theirs). The caller owns the transaction.
pub(crate) async fn restamp_category(
    txn: &impl ConnectionTrait,
    category: &categories::Model,
) -> Result<(), AppError> {
    let done = items::Entity::find()
        .filter(items::Column::CategoryId.eq(category.id))
        .filter(items::Column::Status.eq(Status::Done))
        .filter(items::Column::ValidForDays.is_null())
        .all(txn)
        .await?;
    for item in done {
        let new = evidence_until(item.evidence_at.or(item.closed_at), category.valid_for_days);
        if new != item.evidence_until {
            items::Entity::update_many()
                .col_expr(items::Column::EvidenceUntil, Expr::value(new))
                .filter(items::Column::Id.eq(item.id))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}

/// An item's evidence as the audit log records it.
pub(crate) fn evidence_state(i: &items::Model) -> serde_json::Value {
    serde_json::json!({
        "status": i.status,
        "evidence_kind": i.evidence_kind,
        "evidence_at": i.evidence_at,
        "evidence_by": i.evidence_by,
        "valid_for_days": i.valid_for_days,
        "evidence_until": i.evidence_until,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_runs_out_after_its_period_and_never_without_one() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T23:30:00Z")
            .map(|t| t.with_timezone(&Utc))
            .ok();
        assert_eq!(evidence_until(at, None), None);
        assert_eq!(evidence_until(at, Some(0)), None);
        assert_eq!(
            evidence_until(at, Some(30)),
            NaiveDate::from_ymd_opt(2026, 12, 31),
            "valid for 30 days from the 1st: the 31st is its last day"
        );
        assert_eq!(evidence_until(None, Some(30)), None);
    }

    #[test]
    fn valid_for_is_blank_or_whole_days_up_to_ten_years() {
        assert_eq!(parse_valid_for(" ").ok(), Some(None));
        assert_eq!(parse_valid_for("90").ok(), Some(Some(90)));
        assert_eq!(parse_valid_for("3650").ok(), Some(Some(3650)));
        for bad in ["0", "-5", "3651", "1.5", "ninety"] {
            assert!(parse_valid_for(bad).is_err(), "{bad} accepted");
        }
    }
}
