//! The sign-off rules, pure: what a group's sign-off covers, the fingerprint it records, whether
//! it still holds, and what a missing one does to the verdict.

use sha2::{Digest, Sha256};

use crate::scoring::{Priority, Status, Verdict};

/// An item as a sign-off sees it (its status as it counts today).
#[derive(Clone, Copy, Debug)]
pub struct ScopeItem<'a> {
    pub id: i32,
    pub category_id: i32,
    pub title: &'a str,
    pub priority: Priority,
    pub blocking: bool,
    pub status: Status,
}

/// The categories group `group_id`'s sign-off covers, given each category's owning group: the
/// ones it owns, or every category when it owns none in this project.
pub fn covers(group_id: i32, owners: &[(i32, Option<i32>)]) -> Vec<i32> {
    let owned: Vec<i32> = owners
        .iter()
        .filter(|(_, g)| *g == Some(group_id))
        .map(|(c, _)| *c)
        .collect();
    if owned.is_empty() {
        owners.iter().map(|(c, _)| *c).collect()
    } else {
        owned
    }
}

/// The fingerprint of what a sign-off of group `group_id` vouches for: every blocking item of
/// the categories it covers — id, category, title, priority and status as it counts today —
/// in id order, hashed (SHA-256, hex). Any change to one of those items (a status change, an
/// acceptance running out, a new blocking item, one deleted or made non-blocking, one moved
/// in or out) gives another fingerprint; changes elsewhere do not.
pub fn fingerprint(group_id: i32, owners: &[(i32, Option<i32>)], items: &[ScopeItem]) -> String {
    let covered = covers(group_id, owners);
    let mut inside: Vec<&ScopeItem> = items
        .iter()
        .filter(|i| i.blocking && covered.contains(&i.category_id))
        .collect();
    inside.sort_by_key(|i| i.id);
    let mut h = Sha256::new();
    for i in inside {
        // Lengths first, so no two lists of fields run together into the same bytes.
        h.update(i.id.to_be_bytes());
        h.update(i.category_id.to_be_bytes());
        h.update(i.priority.as_str().as_bytes());
        h.update([0]);
        h.update(i.status.as_str().as_bytes());
        h.update([0]);
        h.update((i.title.len() as u64).to_be_bytes());
        h.update(i.title.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a required group stands on the latest final review.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// A member's sign-off holds: its fingerprint matches the project now.
    Signed,
    /// Signed, but a blocking item it covered changed since: it no longer counts.
    Invalidated,
    /// Nobody signed for the group.
    Missing,
}

impl Standing {
    /// The API word.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Signed => "signed",
            Standing::Invalidated => "invalidated",
            Standing::Missing => "missing",
        }
    }
}

/// Group `group_id`'s standing, given the fingerprint of the project now and the
/// `(group, fingerprint)` of each sign-off of the latest final review.
pub fn standing(group_id: i32, now: &str, given: &[(i32, &str)]) -> Standing {
    let mut theirs = given.iter().filter(|(g, _)| *g == group_id).peekable();
    if theirs.peek().is_none() {
        Standing::Missing
    } else if theirs.any(|(_, scope)| *scope == now) {
        Standing::Signed
    } else {
        Standing::Invalidated
    }
}

/// The verdict once sign-offs count: a project that would be ready (with or without gaps) but
/// lacks a required sign-off is awaiting sign-off; not ready stays not ready.
pub fn with_signoffs(verdict: Verdict, awaiting_any: bool) -> Verdict {
    match verdict {
        Verdict::Ready | Verdict::ReadyWithGaps if awaiting_any => Verdict::AwaitingSignOff,
        v => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i32, category_id: i32, blocking: bool, status: Status) -> ScopeItem<'static> {
        ScopeItem {
            id,
            category_id,
            title: "Backups restore",
            priority: Priority::Critical,
            blocking,
            status,
        }
    }

    // Category 1 is Security's (group 7), category 2 nobody's.
    const OWNERS: [(i32, Option<i32>); 2] = [(1, Some(7)), (2, None)];

    #[test]
    fn a_group_covers_its_categories_or_all_when_it_owns_none() {
        assert_eq!(covers(7, &OWNERS), vec![1]);
        assert_eq!(covers(8, &OWNERS), vec![1, 2]);
    }

    #[test]
    fn a_change_to_a_blocking_item_of_its_categories_invalidates_a_sign_off() {
        let before = [
            item(1, 1, true, Status::Done),
            item(2, 2, true, Status::Open),
        ];
        let signed = fingerprint(7, &OWNERS, &before);
        let given = [(7, signed.as_str())];
        assert_eq!(standing(7, &signed, &given), Standing::Signed);

        // Its blocking item reopened: the sign-off no longer holds.
        let reopened = [
            item(1, 1, true, Status::Open),
            item(2, 2, true, Status::Open),
        ];
        let now = fingerprint(7, &OWNERS, &reopened);
        assert_ne!(now, signed);
        assert_eq!(standing(7, &now, &given), Standing::Invalidated);

        // Made non-blocking, deleted, or a new blocking item: each changes it too.
        for after in [
            vec![item(1, 1, false, Status::Done)],
            vec![],
            vec![
                item(1, 1, true, Status::Done),
                item(3, 1, true, Status::Open),
            ],
        ] {
            assert_ne!(fingerprint(7, &OWNERS, &after), signed);
        }
        // Put back as it was, the sign-off holds again: it vouched for that state.
        assert_eq!(fingerprint(7, &OWNERS, &before), signed);
    }

    #[test]
    fn changes_outside_its_categories_or_to_non_blocking_items_leave_it() {
        let before = [
            item(1, 1, true, Status::Done),
            item(2, 2, true, Status::Open),
            item(4, 1, false, Status::Open),
        ];
        let signed = fingerprint(7, &OWNERS, &before);
        let after = [
            item(1, 1, true, Status::Done),
            item(2, 2, true, Status::Done),
            item(4, 1, false, Status::Done),
        ];
        assert_eq!(fingerprint(7, &OWNERS, &after), signed);
        // A group owning no category covers the whole project: there it counts.
        assert_ne!(
            fingerprint(8, &OWNERS, &after),
            fingerprint(8, &OWNERS, &before)
        );
    }

    #[test]
    fn standing_is_missing_without_a_sign_off_of_the_group() {
        assert_eq!(standing(7, "abc", &[]), Standing::Missing);
        assert_eq!(standing(7, "abc", &[(8, "abc")]), Standing::Missing);
        // One stale and one current sign-off: it holds.
        assert_eq!(
            standing(7, "abc", &[(7, "old"), (7, "abc")]),
            Standing::Signed
        );
    }

    #[test]
    fn a_missing_sign_off_holds_back_ready_but_not_not_ready() {
        assert_eq!(
            with_signoffs(Verdict::Ready, true),
            Verdict::AwaitingSignOff
        );
        assert_eq!(
            with_signoffs(Verdict::ReadyWithGaps, true),
            Verdict::AwaitingSignOff
        );
        assert_eq!(with_signoffs(Verdict::NotReady, true), Verdict::NotReady);
        assert_eq!(with_signoffs(Verdict::Ready, false), Verdict::Ready);
    }
}
