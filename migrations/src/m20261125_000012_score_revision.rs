//! A project's score revision: a counter the database itself bumps whenever one of the
//! project's items or categories is inserted, changed or deleted. The portfolio keeps each
//! project's computed score keyed by it, so a project is re-scored only after something it is
//! scored from has changed, by whatever path (pages, API, import, templates, bulk edits).
//!
//! Triggers rather than application code: no write path can forget to bump it.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The tables a project's score is computed from (both carry `project_id`).
const SCORED: [&str; 2] = ["items", "categories"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Projects::Table)
                    .add_column(big_integer(Projects::ScoreRevision).default(0))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE FUNCTION preflight_bump_score_revision() RETURNS trigger
                     LANGUAGE plpgsql AS $$
                     BEGIN
                         IF TG_OP <> 'INSERT' THEN
                             UPDATE projects SET score_revision = score_revision + 1
                             WHERE id = OLD.project_id;
                         END IF;
                         IF TG_OP = 'INSERT'
                            OR (TG_OP = 'UPDATE' AND NEW.project_id <> OLD.project_id) THEN
                             UPDATE projects SET score_revision = score_revision + 1
                             WHERE id = NEW.project_id;
                         END IF;
                         RETURN NULL;
                     END $$",
                )
                .await?;
                for table in SCORED {
                    db.execute_unprepared(&format!(
                        "CREATE TRIGGER {table}_score_revision
                         AFTER INSERT OR UPDATE OR DELETE ON {table}
                         FOR EACH ROW EXECUTE FUNCTION preflight_bump_score_revision()"
                    ))
                    .await?;
                }
            }
            _ => {
                for table in SCORED {
                    for (event, rows) in [
                        ("INSERT", "NEW.project_id"),
                        ("UPDATE", "OLD.project_id, NEW.project_id"),
                        ("DELETE", "OLD.project_id"),
                    ] {
                        db.execute_unprepared(&format!(
                            "CREATE TRIGGER {table}_score_revision_{op}
                             AFTER {event} ON {table} FOR EACH ROW BEGIN
                                 UPDATE projects SET score_revision = score_revision + 1
                                 WHERE id IN ({rows});
                             END",
                            op = event.to_lowercase(),
                        ))
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                for table in SCORED {
                    db.execute_unprepared(&format!(
                        "DROP TRIGGER {table}_score_revision ON {table}"
                    ))
                    .await?;
                }
                db.execute_unprepared("DROP FUNCTION preflight_bump_score_revision()")
                    .await?;
            }
            _ => {
                for table in SCORED {
                    for op in ["insert", "update", "delete"] {
                        db.execute_unprepared(&format!("DROP TRIGGER {table}_score_revision_{op}"))
                            .await?;
                    }
                }
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Projects::Table)
                    .drop_column(Projects::ScoreRevision)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Projects {
    Table,
    ScoreRevision,
}
