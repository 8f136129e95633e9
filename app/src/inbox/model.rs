//! What the inbox shows.

use serde::{Deserialize, Serialize};

/// One notification as the inbox lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NotificationView {
    /// Database id.
    pub id: i32,
    /// What happened (`assigned`, `status_changed`, `commented`).
    pub kind: String,
    /// The sentence, as it was true then.
    pub text: String,
    /// Where it happened (a local path).
    pub link: String,
    /// When, as `2026-12-02 16:58 UTC`.
    pub at: String,
    /// Not read yet.
    pub unread: bool,
}

/// A page of the inbox, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxView {
    /// Up to [`PAGE`] notifications.
    pub items: Vec<NotificationView>,
    /// Unread in all.
    pub unread: u64,
    /// The `before` of the next (older) page, when there is one.
    pub older: Option<i32>,
}

/// Notifications per page.
pub const PAGE: u64 = 50;
/// Days a notification is kept.
pub const KEEP_DAYS: i64 = 90;

/// A kind of notification, with the channels it uses until a person chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// Stored in `notifications.kind` and preferences.
    pub kind: &'static str,
    /// What it is, for the preferences table.
    pub label: &'static str,
    /// Shown in the inbox by default.
    pub inbox: bool,
    /// Mailed by default.
    pub email: bool,
}

/// Every kind, in the order the preferences list them. Direct address (assigned, mentioned,
/// reminders) mails by default; news of watched things stays in the inbox unless asked for.
pub const KINDS: [KindInfo; 13] = [
    KindInfo {
        kind: "assigned",
        label: "An item is assigned to you",
        inbox: true,
        email: true,
    },
    KindInfo {
        kind: "mentioned",
        label: "Someone mentions you in a comment",
        inbox: true,
        email: true,
    },
    KindInfo {
        kind: "due",
        label: "Your items due within 3 days or overdue (one reminder a day)",
        inbox: true,
        email: true,
    },
    KindInfo {
        kind: "status_changed",
        label: "An item you hold or watch changes status",
        inbox: true,
        email: false,
    },
    KindInfo {
        kind: "exception",
        label: "An exception asks for your approval, or yours was decided",
        inbox: true,
        email: true,
    },
    KindInfo {
        kind: "commented",
        label: "A comment on an item you hold or watch",
        inbox: true,
        email: false,
    },
    KindInfo {
        kind: "check_failed",
        label: "A check on an item you hold or watch fails, reopening it, or its CI result goes stale",
        inbox: true,
        email: true,
    },
    KindInfo {
        kind: "evidence_expiring",
        label: "The evidence of an item you hold runs out within 7 days, or ran out",
        inbox: true,
        email: true,
    },
    KindInfo {
        kind: "risk_expiring",
        label: "A risk you accepted expires within 7 days",
        inbox: true,
        email: true,
    },
    KindInfo {
        kind: "review_due",
        label: "A project you own is due its final review (with a review cadence set)",
        inbox: true,
        email: true,
    },
    KindInfo {
        kind: "verdict_changed",
        label: "A project you watch changes verdict",
        inbox: true,
        email: false,
    },
    KindInfo {
        kind: "review",
        label: "A review of a project you watch is finalized or signed off",
        inbox: true,
        email: false,
    },
    KindInfo {
        kind: "signoff",
        label: "A final review needs your reviewer group's sign-off",
        inbox: true,
        email: true,
    },
];

/// The kind named `kind`.
pub fn kind_info(kind: &str) -> Option<&'static KindInfo> {
    KINDS.iter().find(|k| k.kind == kind)
}

/// One row of the preferences table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefRow {
    /// The kind (`assigned`, …).
    pub kind: String,
    /// What it is.
    pub label: String,
    /// Shown in the inbox.
    pub inbox: bool,
    /// Mailed (singly or in the daily digest).
    pub email: bool,
}

/// A person's notification settings, as `/account` shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefsView {
    /// One row per kind, in [`KINDS`] order.
    pub rows: Vec<PrefRow>,
    /// `each` (a mail per notification) or `daily` (one digest a day).
    pub mail_mode: String,
    /// The Monday digest.
    pub weekly_digest: bool,
    /// IANA time zone name.
    pub time_zone: String,
    /// Whether this instance can send mail at all (`PREFLIGHT_SMTP_URL` set).
    pub mail_on: bool,
    /// Where mail goes.
    pub email: String,
}

/// One person's watch settings on a project (and an item of it), for the watch control.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchState {
    /// Their project setting: watching, muted, or none.
    pub on_project: Option<bool>,
    /// Their item setting, when asked about an item.
    pub on_item: Option<bool>,
    /// What follows: they hear of it.
    pub watching: bool,
}
