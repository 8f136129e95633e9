use migrations::{Migrator, MigratorTrait};
use sea_orm_migration::SchemaManager;

use crate::support::fresh_db;

const TABLES: [&str; 10] = [
    "users",
    "sessions",
    "teams",
    "team_members",
    "projects",
    "audit_events",
    "login_throttle",
    "categories",
    "items",
    "item_comments",
];

async fn tables_present(manager: &SchemaManager<'_>) -> Vec<bool> {
    let mut present = Vec::new();
    for t in TABLES {
        present.push(manager.has_table(t).await.unwrap());
    }
    present
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let db = fresh_db().await;
    let manager = SchemaManager::new(&db);

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(tables_present(&manager).await, vec![true; TABLES.len()]);

    Migrator::down(&db, None).await.unwrap();
    assert_eq!(tables_present(&manager).await, vec![false; TABLES.len()]);

    Migrator::up(&db, None).await.unwrap();
    assert_eq!(tables_present(&manager).await, vec![true; TABLES.len()]);
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
}
