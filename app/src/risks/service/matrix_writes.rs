//! The project's risk matrix: its settings, and a resize that moves every risk onto the new steps.

use super::*;

/// Risks that moving from `from` to `to` would put in other cells.
pub(super) fn remaps(rows: &[risks::Model], from: &RiskMatrix, to: &RiskMatrix) -> Vec<Remap> {
    let (fl, fi, tl, ti) = (
        from.likelihood_steps(),
        from.impact_steps(),
        to.likelihood_steps(),
        to.impact_steps(),
    );
    rows.iter()
        .filter_map(|r| {
            let cur = (r.likelihood, r.impact);
            let tgt = (r.target_likelihood, r.target_impact);
            let new_cur = (rescale(cur.0, fl, tl), rescale(cur.1, fi, ti));
            let new_tgt = (rescale(tgt.0, fl, tl), rescale(tgt.1, fi, ti));
            (cur != new_cur || tgt != new_tgt).then(|| Remap {
                title: r.title.clone(),
                current: (cur, new_cur),
                target: (tgt, new_tgt),
            })
        })
        .collect()
}

/// The matrix editor: the saved matrix, or a draft of it at another size with the risks the
/// draft would move.
pub async fn matrix_settings(
    db: &impl ConnectionTrait,
    user: &AuthUser,
    slug: &str,
    size: Option<(usize, usize)>,
) -> Result<MatrixSettings, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    let role = seen.role;
    let project = seen.project;
    let (saved, version) = matrix_of(db, project.id).await?;
    let saved_size = (saved.likelihood_steps(), saved.impact_steps());
    let matrix = match size {
        Some(s) if s != saved_size => saved.resized(s.0, s.1),
        _ => saved.clone(),
    };
    let rows = risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project.id))
        .order_by_asc(risks::Column::Id)
        .all(db)
        .await?;
    Ok(MatrixSettings {
        remaps: remaps(&rows, &saved, &matrix),
        slug: project.slug,
        name: project.name,
        permissions: authz::permissions(role),
        matrix,
        saved_size,
        version,
    })
}

/// A matrix as submitted from the editor.
#[derive(Debug, Clone, Default)]
pub struct MatrixInput {
    /// Likelihood labels, least likely first.
    pub likelihood: Vec<String>,
    /// Impact labels, least severe first.
    pub impact: Vec<String>,
    /// Level words, row by row (likelihood 1 first), impact 1 first in each row.
    pub levels: Vec<String>,
    /// The user saw which risks move, and agrees.
    pub confirm_remap: bool,
}

/// Saves project `slug`'s matrix (editors) if it is still at `version` (0: never saved). A
/// new size moves every risk to the nearest step, but only once the user confirmed the move
/// they were shown; risks moved get new versions. Returns how many risks moved.
pub async fn save_matrix(
    db: &(impl ConnectionTrait + TransactionTrait),
    user: &AuthUser,
    slug: &str,
    version: i32,
    input: MatrixInput,
) -> Result<usize, AppError> {
    let seen = crate::projects::access::project(db, user, slug).await?;
    seen.require_edit()?;
    let project = seen.project;
    let trim = |v: Vec<String>| v.into_iter().map(|s| s.trim().to_owned()).collect();
    let likelihood: Vec<String> = trim(input.likelihood);
    let impact: Vec<String> = trim(input.impact);
    let levels: Option<Vec<Level>> = input
        .levels
        .iter()
        .map(|l| Level::parse(l.trim()))
        .collect();
    let Some(levels) = levels else {
        return Err(AppError::field("levels", "Choose a level for every cell."));
    };
    let rows_of = impact.len().max(1);
    let matrix = RiskMatrix {
        levels: levels.chunks(rows_of).map(<[Level]>::to_vec).collect(),
        likelihood,
        impact,
    };
    let mut v = Validator::default();
    for (field, message) in matrix.problems() {
        v.check(true, field, message);
    }
    v.finish()?;
    let spec = serde_json::to_string(&matrix).map_err(|e| {
        tracing::error!(error = %e, "serializing a risk matrix");
        AppError::Internal
    })?;
    // The matrix and the risks are read inside the transaction and locked (PostgreSQL; SQLite
    // holds the write lock): the project row keeps risks from being created or re-stepped
    // against the old matrix (`hold_matrix`), the risk rows wait for any write in flight and
    // are then read as it left them. Nothing is rescaled from an older copy.
    let txn = crate::txn::begin(db).await?;
    projects::Entity::find_by_id(project.id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let (saved, saved_version) = matrix_of(&txn, project.id).await?;
    let rows = risks::Entity::find()
        .filter(risks::Column::ProjectId.eq(project.id))
        .lock_exclusive()
        .all(&txn)
        .await?;
    let moves = remaps(&rows, &saved, &matrix);
    if !moves.is_empty() && !input.confirm_remap {
        return Err(AppError::field(
            "confirm_remap",
            format!(
                "The new size moves {} risk{}; confirm to save.",
                moves.len(),
                if moves.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    if version != saved_version {
        return Err(AppError::stale("risk matrix", None));
    }
    let now = Utc::now();
    if saved_version == 0 {
        risk_matrices::ActiveModel {
            project_id: Set(project.id),
            spec: Set(spec),
            version: Set(1),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await
        // Someone else saved the first version at the same moment.
        .map_err(|_| AppError::stale("risk matrix", None))?;
    } else {
        let res = risk_matrices::Entity::update_many()
            .col_expr(risk_matrices::Column::Spec, Expr::value(spec))
            .col_expr(risk_matrices::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                risk_matrices::Column::Version,
                Expr::col(risk_matrices::Column::Version).add(1),
            )
            .filter(risk_matrices::Column::ProjectId.eq(project.id))
            .filter(risk_matrices::Column::Version.eq(version))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(AppError::stale("risk matrix", None));
        }
    }
    let (fl, fi, tl, ti) = (
        saved.likelihood_steps(),
        saved.impact_steps(),
        matrix.likelihood_steps(),
        matrix.impact_steps(),
    );
    let moved = moves.len();
    if moved > 0 {
        for r in rows {
            let mut active = r.clone().into_active_model();
            active.likelihood = Set(rescale(r.likelihood, fl, tl));
            active.impact = Set(rescale(r.impact, fi, ti));
            active.target_likelihood = Set(rescale(r.target_likelihood, fl, tl));
            active.target_impact = Set(rescale(r.target_impact, fi, ti));
            active.version = Set(r.version + 1);
            active.updated_by = Set(Some(user.id));
            active.updated_at = Set(now);
            // Every writer of a risk's steps holds the matrix (`hold_matrix`); a write that does
            // not (none should) still cannot be overwritten unseen.
            crate::txn::update_at_version(&txn, active, risks::Column::Version, r.version)
                .await?
                .ok_or_else(|| AppError::stale("risk", None))?;
        }
    }
    record(
        &txn,
        &Actor::from(user),
        Event::new("risk_matrix", project.id, "updated")
            .in_project(&project)
            .before(&serde_json::json!({ "matrix": saved }))
            .after(&serde_json::json!({ "matrix": matrix, "risks_moved": moved })),
    )
    .await?;
    txn.commit().await?;
    Ok(moved)
}
