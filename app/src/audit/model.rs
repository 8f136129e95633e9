//! Audit types shared by server and browser.

use serde::{Deserialize, Serialize};

/// Events per page of the audit log.
pub const PAGE_SIZE: u64 = 50;

/// One changed field of an event: name, value before, value after (as display text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// Field name.
    pub field: String,
    /// Value before, empty when the entity was created.
    pub before: String,
    /// Value after, empty when the entity was deleted.
    pub after: String,
}

/// One event as the audit page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Database id.
    pub id: i32,
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who (email at the time; `system` for the CLI).
    pub actor: String,
    /// Entity kind: `user`, `team`, `team_member`, `project`, `session`…
    pub entity: String,
    /// The entity's id.
    pub entity_id: String,
    /// What happened: `created`, `updated`, `deleted`, `disabled`…
    pub action: String,
    /// The fields that changed.
    pub changes: Vec<FieldChange>,
}

/// A page of the log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// Events on this page.
    pub entries: Vec<AuditEntry>,
    /// 1-based page number.
    pub page: u64,
    /// Events matching the filter in all.
    pub total: u64,
}

impl AuditPage {
    /// Number of pages for `total` events (at least 1).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(PAGE_SIZE).max(1)
    }
}

/// Compares two JSON objects field by field (keys in order), for display.
pub fn field_changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Vec<FieldChange> {
    use serde_json::{Map, Value};
    let empty = Map::new();
    let obj = |v: Option<&Value>| match v {
        Some(Value::Object(m)) => m.clone(),
        _ => empty.clone(),
    };
    let (b, a) = (obj(before), obj(after));
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            before: text(b.get(k)),
            after: text(a.get(k)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_changed_fields_are_listed() {
        let before = json!({"name": "Ops", "role": "viewer", "same": 1});
        let after = json!({"name": "Ops", "role": "editor", "same": 1, "new": true});
        let changes = field_changes(Some(&before), Some(&after));
        assert_eq!(
            changes,
            vec![
                FieldChange {
                    field: "new".into(),
                    before: String::new(),
                    after: "true".into()
                },
                FieldChange {
                    field: "role".into(),
                    before: "viewer".into(),
                    after: "editor".into()
                },
            ]
        );
        assert_eq!(field_changes(Some(&before), Some(&before)), vec![]);
        assert_eq!(field_changes(None, Some(&before)).len(), 3);
    }

    #[test]
    fn page_count_rounds_up() {
        let page = |total| AuditPage {
            entries: vec![],
            page: 1,
            total,
        };
        assert_eq!(page(0).pages(), 1);
        assert_eq!(page(50).pages(), 1);
        assert_eq!(page(51).pages(), 2);
    }
}
