//! Single sign-on through an OpenID Connect provider: its settings, the group-to-role map, and
//! what a verified identity does to accounts. The protocol itself (discovery, the code flow with
//! PKCE, the ID token's signature and claims) is the server's `sso.rs`; what arrives here has
//! passed all of it.
//!
//! The rules (also in `docs/design.md`):
//! - An identity is the provider's `(issuer, sub)`; once linked, it signs its account in
//!   whatever email the provider later says.
//! - An identity Preflight does not know needs a verified email in an allowed domain. When no
//!   account has that email, the account is created (just in time); when a local account has
//!   it, the user must give that account's password (and second factor) before the identity is
//!   linked: an email claim alone never reaches an existing account.
//! - The role map is applied at every sign-in: in each team it names, the member's role is the
//!   highest any of their groups grants, and they leave the team when none does; when it names
//!   `admin`, site admin follows the groups too. Teams it does not name are left alone.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, IntoActiveModel, QueryFilter,
};
use serde::{Deserialize, Serialize};

use super::{
    model::{AuthUser, MAX_EMAIL_LEN, is_plausible_email, normalize_email},
    password::NO_PASSWORD,
    service::{UserState, to_auth_user},
};
use crate::{
    audit::service::{Actor, Event, record},
    entities::{team_members, teams, user_identities, users},
    error::AppError,
    teams::model::TeamRole,
};

/// Single sign-on settings (`PREFLIGHT_OIDC_*`, `PREFLIGHT_SSO_*`).
#[derive(Clone)]
pub struct SsoSettings {
    /// The provider's issuer URL; discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// This client's id at the provider.
    pub client_id: String,
    /// This client's secret (a public client has none).
    pub client_secret: Option<String>,
    /// Scopes asked for (`openid` always among them).
    pub scopes: Vec<String>,
    /// The login page's button.
    pub label: String,
    /// Email domains whose users may get an account; empty: any domain.
    pub allowed_domains: Vec<String>,
    /// The claim listing the user's groups.
    pub groups_claim: String,
    /// Groups to team roles and site admin.
    pub role_map: RoleMap,
    /// Password sign-in is off for everyone but `break_glass`.
    pub sso_only: bool,
    /// Emails (normalised) of the administrators who may still sign in with a password.
    pub break_glass: Vec<String>,
}

impl std::fmt::Debug for SsoSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("scopes", &self.scopes)
            .field("allowed_domains", &self.allowed_domains)
            .field("role_map", &self.role_map)
            .field("sso_only", &self.sso_only)
            .field("break_glass", &self.break_glass)
            .finish_non_exhaustive()
    }
}

impl SsoSettings {
    /// Whether `email`'s domain may get an account.
    pub fn domain_allowed(&self, email: &str) -> bool {
        let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
        self.allowed_domains.is_empty()
            || self
                .allowed_domains
                .iter()
                .any(|d| d.eq_ignore_ascii_case(domain))
    }

    /// Whether `email` may sign in with a password while SSO-only is on.
    pub fn may_use_password(&self, email: &str) -> bool {
        !self.sso_only || self.break_glass.contains(&normalize_email(email))
    }
}

/// What a group grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Site administrator.
    Admin,
    /// A role in the team with this name.
    Team(String, TeamRole),
}

/// `PREFLIGHT_OIDC_ROLE_MAP`: `group=Team:role` and `group=admin` entries, comma-separated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleMap(pub Vec<(String, Grant)>);

/// Roles the role map gives for a set of groups.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Granted {
    /// Every team the map names, with the highest role the groups grant there (`None`: none).
    pub teams: BTreeMap<String, Option<TeamRole>>,
    /// Site admin, when the map names `admin` at all.
    pub admin: Option<bool>,
}

impl RoleMap {
    /// Parses `eng=Platform:editor,platform-sre=Platform:owner,preflight-admins=admin`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut entries = Vec::new();
        for entry in s.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (group, grant) = entry
                .split_once('=')
                .map(|(g, r)| (g.trim(), r.trim()))
                .filter(|(g, r)| !g.is_empty() && !r.is_empty())
                .ok_or_else(|| format!("`{entry}` is not `group=Team:role` or `group=admin`"))?;
            let grant = if grant.eq_ignore_ascii_case("admin") {
                Grant::Admin
            } else {
                let (team, role) = grant
                    .rsplit_once(':')
                    .map(|(t, r)| (t.trim(), r.trim()))
                    .filter(|(t, _)| !t.is_empty())
                    .ok_or_else(|| format!("`{entry}`: say `Team:role` or `admin`"))?;
                let role = TeamRole::parse(&role.to_ascii_lowercase()).ok_or_else(|| {
                    format!("`{entry}`: the role is one of owner, editor, viewer")
                })?;
                Grant::Team(team.to_owned(), role)
            };
            entries.push((group.to_owned(), grant));
        }
        Ok(RoleMap(entries))
    }

    /// What `groups` grant.
    pub fn grants(&self, groups: &[String]) -> Granted {
        let mut granted = Granted::default();
        for (group, grant) in &self.0 {
            let has = groups.iter().any(|g| g == group);
            match grant {
                Grant::Admin => {
                    let admin = granted.admin.get_or_insert(false);
                    *admin |= has;
                }
                Grant::Team(team, role) => {
                    let slot = granted.teams.entry(team.clone()).or_insert(None);
                    if has && slot.is_none_or(|r| r < *role) {
                        *slot = Some(*role);
                    }
                }
            }
        }
        granted
    }
}

/// What the provider said about the user, after the ID token was verified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SsoIdentity {
    /// The provider (its issuer URL).
    pub issuer: String,
    /// The provider's stable id for the user (`sub`).
    pub subject: String,
    /// The email claim, if any.
    pub email: Option<String>,
    /// Whether the provider verified that email.
    pub email_verified: bool,
    /// The user's name, if given.
    pub name: Option<String>,
    /// The groups claim.
    pub groups: Vec<String>,
}

/// Why a verified identity may not sign in; the code goes to `/login?sso=…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SsoRefusal {
    /// No usable email claim.
    NoEmail,
    /// The provider has not verified the email.
    Unverified,
    /// The email's domain is not allowed.
    Domain,
    /// The account is disabled.
    Disabled,
}

impl SsoRefusal {
    /// The code the login page explains.
    pub fn code(self) -> &'static str {
        match self {
            SsoRefusal::NoEmail => "no_email",
            SsoRefusal::Unverified => "unverified",
            SsoRefusal::Domain => "domain",
            SsoRefusal::Disabled => "disabled",
        }
    }
}

/// What a sign-in through the provider comes to.
#[derive(Debug)]
pub enum SsoOutcome {
    /// Signed in (an existing identity, or an account just created).
    SignedIn(AuthUser),
    /// A local account has this email: its password must be given to link the identity.
    NeedsLink(String),
    /// Refused.
    Refused(SsoRefusal),
}

/// Signs `identity` in: the account it is linked to, a new account, or a link to make.
pub async fn sign_in(
    db: &DatabaseConnection,
    sso: &SsoSettings,
    identity: &SsoIdentity,
) -> Result<SsoOutcome, AppError> {
    let txn = crate::txn::begin(db).await?;
    let now = Utc::now();
    let linked = user_identities::Entity::find()
        .filter(user_identities::Column::Issuer.eq(&identity.issuer))
        .filter(user_identities::Column::Subject.eq(&identity.subject))
        .one(&txn)
        .await?;
    if let Some(link) = linked {
        let Some(user) = users::Entity::find_by_id(link.user_id).one(&txn).await? else {
            return Err(AppError::internal("sso", "identity without account"));
        };
        if user.is_disabled {
            return Ok(SsoOutcome::Refused(SsoRefusal::Disabled));
        }
        let mut active = link.into_active_model();
        if let Some(email) = identity.email.as_deref() {
            active.email = Set(normalize_email(email).chars().take(MAX_EMAIL_LEN).collect());
        }
        active.last_used_at = Set(now);
        active.update(&txn).await?;
        let user = apply_roles(&txn, sso, user, &identity.groups).await?;
        signed_in(&txn, &user).await?;
        txn.commit().await?;
        return Ok(SsoOutcome::SignedIn(user));
    }
    let email = match identity.email.as_deref().map(normalize_email) {
        Some(e) if is_plausible_email(&e) => e,
        _ => return Ok(SsoOutcome::Refused(SsoRefusal::NoEmail)),
    };
    if !identity.email_verified {
        return Ok(SsoOutcome::Refused(SsoRefusal::Unverified));
    }
    if !sso.domain_allowed(&email) {
        return Ok(SsoOutcome::Refused(SsoRefusal::Domain));
    }
    let existing = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(&txn)
        .await?;
    if let Some(user) = existing {
        return Ok(if user.is_disabled {
            SsoOutcome::Refused(SsoRefusal::Disabled)
        } else {
            SsoOutcome::NeedsLink(email)
        });
    }
    let name = identity
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| email.split('@').next().unwrap_or(&email));
    let user = users::ActiveModel {
        email: Set(email.clone()),
        display_name: Set(name.chars().take(120).collect()),
        password_hash: Set(NO_PASSWORD.to_owned()),
        is_admin: Set(false),
        is_disabled: Set(false),
        must_change_password: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| {
        AppError::unique_or_internal(e, || AppError::Conflict("The account exists.".into()))
    })?;
    let actor = Actor::from(&to_auth_user(user.clone()));
    record(
        &txn,
        &actor,
        Event::new("user", user.id, "created").after(&serde_json::json!({
            "account": UserState::from(&user),
            "via": "sso",
        })),
    )
    .await?;
    link_identity(&txn, &actor, user.id, identity, &email).await?;
    let user = apply_roles(&txn, sso, user, &identity.groups).await?;
    signed_in(&txn, &user).await?;
    txn.commit().await?;
    Ok(SsoOutcome::SignedIn(user))
}

/// Links `identity` to the account `user`, whose password was just proven, and applies the
/// role map. Refused (a conflict) when the identity was linked meanwhile.
pub async fn link_after_password(
    db: &DatabaseConnection,
    sso: &SsoSettings,
    user: &AuthUser,
    identity: &SsoIdentity,
) -> Result<AuthUser, AppError> {
    let txn = crate::txn::begin(db).await?;
    let Some(account) = users::Entity::find_by_id(user.id).one(&txn).await? else {
        return Err(AppError::NotFound);
    };
    let email = identity
        .email
        .as_deref()
        .map(normalize_email)
        .unwrap_or_default();
    // The pending link was for this account's email; anything else is not this flow.
    if email != account.email {
        return Err(AppError::Forbidden);
    }
    link_identity(&txn, &Actor::from(user), user.id, identity, &email).await?;
    let user = apply_roles(&txn, sso, account, &identity.groups).await?;
    signed_in(&txn, &user).await?;
    txn.commit().await?;
    Ok(user)
}

async fn link_identity(
    db: &impl ConnectionTrait,
    actor: &Actor,
    user_id: i32,
    identity: &SsoIdentity,
    email: &str,
) -> Result<(), AppError> {
    let now = Utc::now();
    let link = user_identities::ActiveModel {
        user_id: Set(user_id),
        issuer: Set(identity.issuer.clone()),
        subject: Set(identity.subject.clone()),
        email: Set(email.to_owned()),
        created_at: Set(now),
        last_used_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| {
        AppError::unique_or_internal(e, || {
            AppError::Conflict("This sign-in is already linked to an account.".into())
        })
    })?;
    record(
        db,
        actor,
        Event::new("user", user_id, "identity_linked").after(&serde_json::json!({
            "identity": link.id,
            "issuer": link.issuer,
            "subject": link.subject,
            "email": link.email,
        })),
    )
    .await
}

async fn signed_in(db: &impl ConnectionTrait, user: &AuthUser) -> Result<(), AppError> {
    record(
        db,
        &Actor::from(user),
        Event::new("user", user.id, "signed_in").after(&serde_json::json!({ "method": "oidc" })),
    )
    .await
}

/// Sets the memberships and site admin the role map gives `groups`; each change audited.
async fn apply_roles(
    db: &impl ConnectionTrait,
    sso: &SsoSettings,
    user: users::Model,
    groups: &[String],
) -> Result<AuthUser, AppError> {
    let granted = sso.role_map.grants(groups);
    let actor = Actor::system();
    let mut user = user;
    if let Some(admin) = granted.admin.filter(|a| *a != user.is_admin) {
        let before = serde_json::json!({ "is_admin": user.is_admin });
        let mut active = user.into_active_model();
        active.is_admin = Set(admin);
        active.updated_at = Set(Utc::now());
        user = active.update(db).await?;
        record(
            db,
            &actor,
            Event::new("user", user.id, "updated")
                .before(&before)
                .after(&serde_json::json!({ "is_admin": admin, "via": "sso groups" })),
        )
        .await?;
    }
    for (team_name, role) in granted.teams {
        let Some(team) = teams::Entity::find()
            .filter(teams::Column::Name.eq(&team_name))
            .one(db)
            .await?
        else {
            tracing::warn!(team = %team_name, "PREFLIGHT_OIDC_ROLE_MAP names a team that does not exist");
            continue;
        };
        let member = team_members::Entity::find_by_id((team.id, user.id))
            .one(db)
            .await?;
        let had = member.as_ref().and_then(|m| TeamRole::parse(&m.role));
        if had == role {
            continue;
        }
        match (member, role) {
            (Some(m), None) => {
                team_members::Entity::delete_by_id((m.team_id, m.user_id))
                    .exec(db)
                    .await?;
            }
            (Some(m), Some(role)) => {
                let mut active = m.into_active_model();
                active.role = Set(role.as_str().to_owned());
                active.update(db).await?;
            }
            (None, Some(role)) => {
                team_members::ActiveModel {
                    team_id: Set(team.id),
                    user_id: Set(user.id),
                    role: Set(role.as_str().to_owned()),
                    created_at: Set(Utc::now()),
                }
                .insert(db)
                .await?;
            }
            (None, None) => continue,
        }
        record(
            db,
            &actor,
            Event::new("team", team.id, "member_role_synced")
                .team(team.id)
                .before(&serde_json::json!({ "email": user.email, "role": had.map(TeamRole::as_str) }))
                .after(&serde_json::json!({ "email": user.email, "role": role.map(TeamRole::as_str), "via": "sso groups" })),
        )
        .await?;
    }
    Ok(to_auth_user(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(g: &[&str]) -> Vec<String> {
        g.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn role_maps_parse_and_refuse_what_they_cannot_read() {
        let map = RoleMap::parse(" eng=Platform:editor, sre = Platform:Owner ,admins=admin,").ok();
        assert_eq!(
            map,
            Some(RoleMap(vec![
                (
                    "eng".into(),
                    Grant::Team("Platform".into(), TeamRole::Editor)
                ),
                (
                    "sre".into(),
                    Grant::Team("Platform".into(), TeamRole::Owner)
                ),
                ("admins".into(), Grant::Admin),
            ]))
        );
        assert_eq!(RoleMap::parse(""), Ok(RoleMap::default()));
        for bad in [
            "eng",
            "eng=",
            "=admin",
            "eng=Platform",
            "eng=Platform:boss",
            "eng=:owner",
        ] {
            assert!(RoleMap::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_highest_role_wins_and_unnamed_groups_grant_nothing() {
        let map = RoleMap::parse("eng=Platform:editor,sre=Platform:owner,ro=Data:viewer,a=admin")
            .unwrap_or_default();
        let g = map.grants(&groups(&["eng", "sre", "other"]));
        assert_eq!(g.teams.get("Platform"), Some(&Some(TeamRole::Owner)));
        assert_eq!(g.teams.get("Data"), Some(&None));
        assert_eq!(g.admin, Some(false));
        let g = map.grants(&groups(&["ro", "a"]));
        assert_eq!(g.teams.get("Platform"), Some(&None));
        assert_eq!(g.teams.get("Data"), Some(&Some(TeamRole::Viewer)));
        assert_eq!(g.admin, Some(true));
        // A map without `admin` leaves site admin alone.
        assert_eq!(
            RoleMap::parse("eng=Platform:editor")
                .unwrap_or_default()
                .grants(&groups(&["eng"]))
                .admin,
            None
        );
    }

    #[test]
    fn domains_and_break_glass() {
        let sso = SsoSettings {
            issuer: "http://127.0.0.1:1".into(),
            client_id: "c".into(),
            client_secret: None,
            scopes: vec![],
            label: "SSO".into(),
            allowed_domains: vec!["example.com".into()],
            groups_claim: "groups".into(),
            role_map: RoleMap::default(),
            sso_only: true,
            break_glass: vec!["root@example.com".into()],
        };
        assert!(sso.domain_allowed("a@Example.COM"));
        assert!(!sso.domain_allowed("a@example.com.evil.test"));
        assert!(!sso.domain_allowed("a@evil.test"));
        assert!(sso.may_use_password(" Root@example.com"));
        assert!(!sso.may_use_password("ada@example.com"));
        let open = SsoSettings {
            allowed_domains: vec![],
            sso_only: false,
            ..sso
        };
        assert!(open.domain_allowed("a@anywhere.test") && open.may_use_password("ada@example.com"));
    }
}
