use crate::helpers::{PASSWORD, spawn_app, spawn_app_with};
use comptoir_api::Config;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn login_me_and_bad_credentials() {
    let app = spawn_app().await;
    let me = app.get("/api/v1/auth/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], "admin@test.example");
    assert_eq!(me.body["role"], "admin");
    assert_eq!(me.body["organization"]["name"], "Test SARL");

    let wrong = app.try_login("admin@test.example", "wrong password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body["code"], "unauthorized");

    let no_token = app
        .send(Method::GET, "/api/v1/products", None, None, &[])
        .await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    let tampered = format!("{}x", app.admin_token);
    let tampered = app
        .send(Method::GET, "/api/v1/products", Some(&tampered), None, &[])
        .await;
    assert_eq!(tampered.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_session() {
    let app = spawn_app().await;
    let login = app.try_login("admin@test.example", PASSWORD).await;
    let first = login.body["refresh_token"].as_str().unwrap().to_owned();
    let access = login.body["access_token"].as_str().unwrap().to_owned();

    let refreshed = app.refresh(&first).await;
    assert_eq!(refreshed.status, StatusCode::OK);
    let second = refreshed.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    assert_eq!(refreshed.body["expires_in"], 900);

    // The first token again: theft suspected, the whole session ends.
    let reused = app.refresh(&first).await;
    assert_eq!(reused.status, StatusCode::UNAUTHORIZED);
    let after = app.refresh(&second).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    let me = app
        .send(Method::GET, "/api/v1/auth/me", Some(&access), None, &[])
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let login = app.try_login("admin@test.example", PASSWORD).await;
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    let out = app
        .send(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&access),
            None,
            &[],
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let me = app
        .send(Method::GET, "/api/v1/auth/me", Some(&access), None, &[])
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    let refreshed = app.refresh(&refresh).await;
    assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_idle_session_can_no_longer_refresh() {
    let app = spawn_app_with(Config {
        session_idle_timeout: Duration::from_millis(1500),
        ..Config::default()
    })
    .await;
    let login = app.try_login("admin@test.example", PASSWORD).await;
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    let active = app.refresh(&refresh).await;
    assert_eq!(active.status, StatusCode::OK);
    let next = active.body["refresh_token"].as_str().unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let idle = app.refresh(&next).await;
    assert_eq!(idle.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn deactivated_users_cannot_log_in_or_refresh() {
    let app = spawn_app().await;
    let created = app
        .post("/api/v1/users", json!({"email": "Sales@Test.example", "name": "Vendeur", "role": "sales", "password": PASSWORD}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.body["email"], "sales@test.example");
    let id = created.body["id"].as_str().unwrap().to_owned();
    let login = app.try_login("sales@test.example", PASSWORD).await;
    let access = login.body["access_token"].as_str().unwrap().to_owned();
    let refresh = login.body["refresh_token"].as_str().unwrap().to_owned();

    let deactivated = app.delete(&format!("/api/v1/users/{id}")).await;
    assert_eq!(deactivated.status, StatusCode::OK);
    assert_eq!(deactivated.body["active"], false);

    assert_eq!(
        app.try_login("sales@test.example", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    let refreshed = app.refresh(&refresh).await;
    assert_eq!(refreshed.status, StatusCode::UNAUTHORIZED);
    let me = app
        .send(Method::GET, "/api/v1/auth/me", Some(&access), None, &[])
        .await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn users_are_validated_and_admin_only() {
    let app = spawn_app().await;
    let bad = app
        .post(
            "/api/v1/users",
            json!({"email": "nope", "role": "boss", "password": "short"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = crate::helpers::field_names(&bad.body);
    fields.sort();
    assert_eq!(fields, ["email", "name", "password", "role"]);
    let taken = app
        .post("/api/v1/users", json!({"email": "admin@test.example", "name": "Bis", "role": "viewer", "password": PASSWORD}))
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);

    let manager = app.user_token("manager@test.example", "manager").await;
    let listed = app
        .send(Method::GET, "/api/v1/users", Some(&manager), None, &[])
        .await;
    assert_eq!(listed.status, StatusCode::FORBIDDEN);
    assert_eq!(listed.body["code"], "forbidden");
    let users = app.get("/api/v1/users?sort=email").await;
    assert_eq!(users.body["total"], 2);
    let roles = app
        .send(Method::GET, "/api/v1/roles", Some(&manager), None, &[])
        .await;
    assert_eq!(roles.status, StatusCode::OK);
    assert_eq!(roles.body["roles"].as_array().unwrap().len(), 7);
}

#[tokio::test]
async fn ten_failed_logins_are_rate_limited_per_email() {
    let app = spawn_app().await;
    for _ in 0..10 {
        let reply = app
            .try_login("admin@test.example", "not the password")
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    }
    let limited = app.try_login("admin@test.example", PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.body["code"], "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
}
