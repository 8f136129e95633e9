//! A project's saved risk matrix, read for any feature that places or scores risks (the
//! register, reviews, reports, imports). Reads only; callers have checked access.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

use super::matrix::RiskMatrix;
use crate::{entities::risk_matrices, error::AppError};

/// The project's matrix and its version (0 when it was never saved: the default).
pub(crate) async fn matrix_of(
    db: &impl ConnectionTrait,
    project_id: i32,
) -> Result<(RiskMatrix, i32), AppError> {
    Ok(
        match risk_matrices::Entity::find_by_id(project_id)
            .one(db)
            .await?
        {
            Some(row) => (parse_spec(&row.spec), row.version),
            None => (RiskMatrix::default(), 0),
        },
    )
}

/// Matrices of many projects at once (one query); projects without a row get the default.
pub(crate) async fn matrices_of(
    db: &impl ConnectionTrait,
    project_ids: &[i32],
) -> Result<HashMap<i32, RiskMatrix>, AppError> {
    Ok(risk_matrices::Entity::find()
        .filter(risk_matrices::Column::ProjectId.is_in(project_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.project_id, parse_spec(&r.spec)))
        .collect())
}

pub(crate) fn parse_spec(spec: &str) -> RiskMatrix {
    match serde_json::from_str::<RiskMatrix>(spec) {
        Ok(m) if m.problems().is_empty() => m,
        _ => {
            tracing::error!("unreadable risk matrix spec; using the default");
            RiskMatrix::default()
        }
    }
}
