//! The rules of exceptions, as pure functions (tested below; written in `docs/design.md`).

use chrono::NaiveDate;

use crate::scoring::Status;

/// Days before its expiry that an approved exception is listed as expiring.
pub const EXPIRING_WITHIN_DAYS: i64 = 14;

/// The project's choices that decide whether a change needs approval.
pub trait ApprovalPolicy {
    /// Accepting a risk needs approval.
    fn approves_accepted_risk(&self) -> bool;
    /// Marking an item not applicable needs approval.
    fn approves_not_applicable(&self) -> bool;
}

#[cfg(feature = "ssr")]
impl ApprovalPolicy for crate::entities::projects::Model {
    fn approves_accepted_risk(&self) -> bool {
        self.approve_accepted_risk
    }
    fn approves_not_applicable(&self) -> bool {
        self.approve_not_applicable
    }
}

/// Whether changing an item from `from` to `to` is a request rather than a change: a move into
/// accepted risk or not applicable that the project asks to approve. Staying in that status
/// (editing the reason of an approved one) is not a new request.
pub fn needs_approval(policy: &impl ApprovalPolicy, from: Status, to: Status) -> bool {
    from != to
        && match to {
            Status::AcceptedRisk => policy.approves_accepted_risk(),
            Status::NotApplicable => policy.approves_not_applicable(),
            _ => false,
        }
}

/// An accepted risk asks for an expiry no later than `max_days` after `today`.
pub fn check_until(
    status: Status,
    until: Option<NaiveDate>,
    today: NaiveDate,
    max_days: i32,
) -> Result<(), String> {
    if status != Status::AcceptedRisk {
        return Ok(());
    }
    let latest = today + chrono::Duration::days(i64::from(max_days.max(1)));
    match until {
        None => Err("Say until when the risk is accepted.".into()),
        Some(u) if u > latest => Err(format!(
            "At most {} days from today (until {latest}).",
            max_days.max(1)
        )),
        Some(_) => Ok(()),
    }
}

/// Why someone may not decide a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// They asked for it.
    OwnRequest,
    /// They are not a team owner or site admin.
    NotAnApprover,
    /// It was decided already (or withdrawn).
    NotPending,
}

/// Whether `decider` may approve or decline a request by `requester`.
pub fn may_decide(
    requester: Option<i32>,
    decider: i32,
    is_approver: bool,
    pending: bool,
) -> Result<(), Refusal> {
    if !pending {
        Err(Refusal::NotPending)
    } else if requester == Some(decider) {
        Err(Refusal::OwnRequest)
    } else if !is_approver {
        Err(Refusal::NotAnApprover)
    } else {
        Ok(())
    }
}

/// Whether a user approves a project's exceptions: site admins always; when the project names
/// an approving reviewer group, its members (team owners then only as members: separation of
/// duties); otherwise the team's owners.
pub fn is_approver(
    is_admin: bool,
    approving_group: Option<i32>,
    groups_of_user: &[i32],
    team_owner: bool,
) -> bool {
    is_admin
        || match approving_group {
            Some(g) => groups_of_user.contains(&g),
            None => team_owner,
        }
}

/// An approved exception expiring within [`EXPIRING_WITHIN_DAYS`] of `today` (or already past).
pub fn is_expiring(until: Option<NaiveDate>, today: NaiveDate) -> bool {
    until.is_some_and(|u| u - today <= chrono::Duration::days(EXPIRING_WITHIN_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Policy(bool, bool);
    impl ApprovalPolicy for Policy {
        fn approves_accepted_risk(&self) -> bool {
            self.0
        }
        fn approves_not_applicable(&self) -> bool {
            self.1
        }
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn only_moves_into_an_approved_status_are_requests() {
        let both = Policy(true, true);
        assert!(needs_approval(&both, Status::Open, Status::AcceptedRisk));
        assert!(needs_approval(
            &both,
            Status::InProgress,
            Status::NotApplicable
        ));
        assert!(needs_approval(
            &both,
            Status::NotApplicable,
            Status::AcceptedRisk
        ));
        assert!(!needs_approval(
            &both,
            Status::AcceptedRisk,
            Status::AcceptedRisk
        ));
        assert!(!needs_approval(&both, Status::Open, Status::Done));
        let risk_only = Policy(true, false);
        assert!(!needs_approval(
            &risk_only,
            Status::Open,
            Status::NotApplicable
        ));
        assert!(!needs_approval(
            &Policy(false, false),
            Status::Open,
            Status::AcceptedRisk
        ));
    }

    #[test]
    fn an_acceptance_is_bounded_by_the_projects_maximum() {
        let today = day("2026-12-04");
        assert!(check_until(Status::AcceptedRisk, Some(day("2027-03-04")), today, 90).is_ok());
        assert!(check_until(Status::AcceptedRisk, Some(day("2027-03-05")), today, 90).is_err());
        assert!(check_until(Status::AcceptedRisk, None, today, 90).is_err());
        assert!(check_until(Status::NotApplicable, None, today, 90).is_ok());
    }

    #[test]
    fn the_requester_cannot_approve_their_own_and_only_approvers_decide_once() {
        assert_eq!(may_decide(Some(1), 2, true, true), Ok(()));
        assert_eq!(may_decide(Some(1), 1, true, true), Err(Refusal::OwnRequest));
        assert_eq!(
            may_decide(Some(1), 2, false, true),
            Err(Refusal::NotAnApprover)
        );
        assert_eq!(
            may_decide(Some(1), 2, true, false),
            Err(Refusal::NotPending)
        );
        // A request whose requester's account is gone can be decided by any approver.
        assert_eq!(may_decide(None, 2, true, true), Ok(()));
    }

    #[test]
    fn a_named_group_approves_instead_of_the_owners() {
        // No group: the team's owners.
        assert!(is_approver(false, None, &[], true));
        assert!(!is_approver(false, None, &[7], false));
        // Group 7 named: its members, not the owners as such.
        assert!(is_approver(false, Some(7), &[3, 7], false));
        assert!(!is_approver(false, Some(7), &[3], true));
        // Site admins always.
        assert!(is_approver(true, Some(7), &[], false));
    }

    #[test]
    fn approvals_near_their_end_are_expiring() {
        let today = day("2026-12-04");
        assert!(is_expiring(Some(day("2026-12-18")), today));
        assert!(!is_expiring(Some(day("2026-12-19")), today));
        assert!(is_expiring(Some(day("2026-12-01")), today));
        assert!(!is_expiring(None, today));
    }
}
