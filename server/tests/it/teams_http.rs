//! Teams over HTTP: creating, members and roles, the last-owner rule, moving projects.

use sea_orm::EntityTrait;

use crate::support::{PASSWORD, TestServer, error_kind};

/// Setup with an admin, plus `owner@` who creates team "Ops" over HTTP; returns its id.
async fn ops_team(s: &TestServer) -> (reqwest::Client, String) {
    let admin = s.client();
    s.setup_admin(&admin, "ada@example.com").await;
    for email in ["owner@example.com", "vera@example.com", "ed@example.com"] {
        s.add_user(email, false).await;
    }
    let owner = s.client();
    s.login(&owner, "owner@example.com", PASSWORD).await;
    let res = s.call(&owner, "create_team", &[("name", "Ops")]).await;
    assert_eq!(res.status(), 200);
    let id: i32 = res.json().await.unwrap();
    (owner, id.to_string())
}

#[tokio::test]
async fn owner_builds_a_team_and_members_see_only_their_teams() {
    let s = TestServer::start().await;
    let (owner, team) = ops_team(&s).await;
    for (email, role) in [("vera@example.com", "viewer"), ("ed@example.com", "editor")] {
        let res = s
            .call(
                &owner,
                "add_member",
                &[("team_id", &team), ("email", email), ("role", role)],
            )
            .await;
        assert_eq!(res.status(), 200, "{email}");
    }
    // Adding twice, or an unknown account, is a field error.
    let (status, body) = error_kind(
        s.call(
            &owner,
            "add_member",
            &[
                ("team_id", &team),
                ("email", "VERA@example.com"),
                ("role", "viewer"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"]["email"], "Already a member of this team.");
    let (status, body) = error_kind(
        s.call(
            &owner,
            "add_member",
            &[
                ("team_id", &team),
                ("email", "nobody@example.com"),
                ("role", "viewer"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["detail"]["email"]
            .as_str()
            .unwrap()
            .contains("No account")
    );
    // A role that does not exist is a bad request, not a 500.
    let res = s
        .call(
            &owner,
            "add_member",
            &[
                ("team_id", &team),
                ("email", "ed@example.com"),
                ("role", "god"),
            ],
        )
        .await;
    assert_eq!(res.status(), 400);

    let detail = s
        .get_json(&owner, &format!("/rpc/get_team?team_id={team}"))
        .await;
    let roles: Vec<(String, String)> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap().into(),
                m["role"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        vec![
            ("owner@example.com".into(), "owner".into()),
            ("ed@example.com".into(), "editor".into()),
            ("vera@example.com".into(), "viewer".into()),
        ]
    );
    assert_eq!(detail["permissions"]["can_manage"], true);

    // Vera sees Ops (as viewer, without management) but not the admin's Platform team.
    let vera = s.client();
    s.login(&vera, "vera@example.com", PASSWORD).await;
    let teams = s.get_json(&vera, "/rpc/list_teams").await;
    let names: Vec<&str> = teams
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Ops"]);
    assert_eq!(teams[0]["my_role"], "viewer");
    assert_eq!(teams[0]["members"], 3);
    let page = s.page(&vera, &format!("/teams/{team}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("vera@example.com"));
    assert!(
        !html.contains("Add a member"),
        "viewer sees no management form"
    );
    assert!(html.contains("Leave team"), "a member may leave");

    // The admin sees every team.
    let admin = s.client();
    s.login(&admin, "ada@example.com", PASSWORD).await;
    assert_eq!(
        s.get_json(&admin, "/rpc/list_teams")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_team_always_keeps_an_owner() {
    let s = TestServer::start().await;
    let (owner, team) = ops_team(&s).await;
    let me = s.auth_user("owner@example.com").await.id.to_string();
    s.call(
        &owner,
        "add_member",
        &[
            ("team_id", &team),
            ("email", "ed@example.com"),
            ("role", "editor"),
        ],
    )
    .await;

    for (name, form) in [
        (
            "change_member_role",
            vec![
                ("team_id", team.as_str()),
                ("user_id", &me),
                ("role", "editor"),
            ],
        ),
        (
            "remove_member",
            vec![("team_id", team.as_str()), ("user_id", &me)],
        ),
    ] {
        let (status, body) = error_kind(s.call(&owner, name, &form).await).await;
        assert_eq!(status, 409, "{name}");
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("at least one owner")
        );
    }

    // With a second owner, the first may step down, and then lose management.
    let ed = s.auth_user("ed@example.com").await.id.to_string();
    let res = s
        .call(
            &owner,
            "change_member_role",
            &[("team_id", &team), ("user_id", &ed), ("role", "owner")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = s
        .call(
            &owner,
            "change_member_role",
            &[("team_id", &team), ("user_id", &me), ("role", "viewer")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = s
        .call(
            &owner,
            "change_member_role",
            &[("team_id", &team), ("user_id", &ed), ("role", "viewer")],
        )
        .await;
    assert_eq!(res.status(), 403, "a viewer manages nothing");

    // The audit log has every membership change, with before and after.
    let trail = s.audit_trail().await;
    let member_events: Vec<&str> = trail
        .iter()
        .filter(|(e, _)| e == "team_member")
        .map(|(_, a)| a.as_str())
        .collect();
    assert_eq!(member_events, vec!["added", "role_changed", "role_changed"]);
    let last = app::entities::audit_events::Entity::find()
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .rfind(|e| e.action == "role_changed")
        .unwrap();
    assert!(last.before.unwrap().contains("\"owner\""));
    assert!(last.after.unwrap().contains("\"viewer\""));
    assert_eq!(last.actor_email, "owner@example.com");
}

#[tokio::test]
async fn owners_move_projects_between_teams_they_own() {
    let s = TestServer::start().await;
    let (owner, ops) = ops_team(&s).await;
    let res = s.call(&owner, "create_team", &[("name", "Ops Two")]).await;
    let ops_two: i32 = res.json().await.unwrap();
    let res = s
        .call(
            &owner,
            "create_project",
            &[("name", "Pager"), ("team_id", &ops)],
        )
        .await;
    assert_eq!(res.status(), 200);
    let project = s.get_json(&owner, "/rpc/get_project?slug=pager").await;
    assert_eq!(project["move_targets"][0]["name"], "Ops Two");

    // The admin's team is not the owner's to move into.
    let platform = app::entities::teams::Entity::find()
        .all(&s.db)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name == "Platform")
        .unwrap()
        .id
        .to_string();
    let (status, body) = error_kind(
        s.call(
            &owner,
            "move_project",
            &[("slug", "pager"), ("team_id", &platform)],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"]["team_id"], "Choose a team you own.");

    let res = s
        .call(
            &owner,
            "move_project",
            &[("slug", "pager"), ("team_id", &ops_two.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let project = s.get_json(&owner, "/rpc/get_project?slug=pager").await;
    assert_eq!(project["team_name"], "Ops Two");
    assert!(
        s.audit_trail()
            .await
            .contains(&("project".into(), "moved".into()))
    );
}
