use crate::helpers::{spawn_app, spawn_app_with};
use comptoir_api::Config;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

/// The path with every `{parameter}` replaced by a fresh UUID.
fn with_random_ids(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.starts_with('{') {
                Uuid::new_v4().to_string()
            } else {
                segment.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Walks every route of the OpenAPI document with a viewer token: every
/// write is refused with 403, every read is allowed.
#[tokio::test]
async fn a_viewer_can_read_but_every_write_is_forbidden() {
    let app = spawn_app().await;
    let viewer = app.user_token("viewer@test.example", "viewer").await;
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None, &[])
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.body["paths"].as_object().expect("paths");
    let mut writes = 0;
    for (path, operations) in paths {
        let concrete = with_random_ids(path);
        for (method, operation) in operations.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            if path.starts_with("/api/v1/auth/") {
                continue;
            }
            let reply = app
                .send(
                    method.clone(),
                    &concrete,
                    Some(&viewer),
                    Some(json!({})),
                    &[],
                )
                .await;
            if method == Method::GET {
                let expected = if path.contains('{') {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::OK
                };
                // A single resource that may not exist yet (the logo)
                // declares its 404.
                let absent = reply.status == StatusCode::NOT_FOUND
                    && operation["responses"].get("404").is_some();
                let allowed =
                    reply.status == expected || reply.status == StatusCode::FORBIDDEN || absent;
                assert!(allowed, "{method} {path}: {:?}", reply.body);
            } else {
                writes += 1;
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{method} {path}: {:?}",
                    reply.body
                );
                assert_eq!(reply.body["code"], "forbidden");
            }
        }
    }
    assert!(writes >= 39, "only {writes} write routes found");
}

#[tokio::test]
async fn every_openapi_route_is_documented_with_the_api_base() {
    let app = spawn_app().await;
    let doc = app
        .send(Method::GET, "/api/v1/openapi.json", None, None, &[])
        .await;
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths: Vec<&String> = doc.body["paths"].as_object().unwrap().keys().collect();
    for expected in [
        "/api/v1/products",
        "/api/v1/products/{id}",
        "/api/v1/clients",
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/roles",
    ] {
        assert!(paths.iter().any(|p| *p == expected), "{expected} missing");
    }
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

#[tokio::test]
async fn health_ready_and_metrics() {
    let app = spawn_app().await;
    assert_eq!(
        app.client
            .get(app.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.client
            .get(app.url("/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    app.get("/api/v1/products").await;
    let metrics = app
        .client
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");
}

#[tokio::test]
async fn malformed_input_gets_4xx_never_500() {
    let app = spawn_app().await;
    let raw = app
        .client
        .post(app.url("/api/v1/products"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
    let body: Value = raw.json().await.unwrap();
    assert_eq!(body["code"], "bad_request");

    let no_type = app
        .client
        .post(app.url("/api/v1/products"))
        .bearer_auth(&app.admin_token)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(no_type.status(), StatusCode::BAD_REQUEST);

    for path in [
        "/api/v1/products?page=0",
        "/api/v1/products?page_size=201",
        "/api/v1/products?sort=password",
        "/api/v1/products?kind=weapon",
        "/api/v1/products/not-a-uuid",
        "/api/v1/audit?from=yesterday",
    ] {
        let reply = app.get(path).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {:?}",
            reply.body
        );
        assert_eq!(reply.body["code"], "bad_request");
    }
    let unknown = app.get("/api/v1/nothing-here").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["code"], "not_found");
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let app = spawn_app_with(Config {
        body_limit_bytes: 2048,
        ..Config::default()
    })
    .await;
    let big = "x".repeat(4096);
    let reply = app
        .post(
            "/api/v1/products",
            json!({"code": "BIG", "name": big, "sale_price": "1"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.body["code"], "payload_too_large");
}

#[tokio::test]
async fn idempotency_key_replays_and_refuses_another_body() {
    let app = spawn_app().await;
    let body = json!({"code": "IDEM-1", "name": "Une fois", "sale_price": "3.00"});
    let key = [("idempotency-key", "create-idem-1")];
    let first = app
        .send(
            Method::POST,
            "/api/v1/products",
            Some(&app.admin_token),
            Some(body.clone()),
            &key,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = app
        .send(
            Method::POST,
            "/api/v1/products",
            Some(&app.admin_token),
            Some(body),
            &key,
        )
        .await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert_eq!(second.body["id"], first.body["id"]);
    let listed = app.get("/api/v1/products?q=IDEM").await;
    assert_eq!(listed.body["total"], 1);
    let other = json!({"code": "IDEM-2", "name": "Autre", "sale_price": "3.00"});
    let conflict = app
        .send(
            Method::POST,
            "/api/v1/products",
            Some(&app.admin_token),
            Some(other),
            &key,
        )
        .await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn stale_if_match_gets_412_and_the_update_is_not_lost() {
    let app = spawn_app().await;
    let product = app.create_product("VER-1").await;
    let path = format!("/api/v1/products/{}", product["id"].as_str().unwrap());
    let first = app
        .send(
            Method::PATCH,
            &path,
            Some(&app.admin_token),
            Some(json!({"name": "Première"})),
            &[("if-match", "1")],
        )
        .await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body["version"], 2);
    let stale = app
        .send(
            Method::PATCH,
            &path,
            Some(&app.admin_token),
            Some(json!({"name": "Seconde"})),
            &[("if-match", "1")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(stale.body["code"], "precondition_failed");
    assert_eq!(app.get(&path).await.body["name"], "Première");
}

#[tokio::test]
async fn two_organizations_never_see_each_other() {
    let app = spawn_app().await;
    let product = app.create_product("ORG-A").await;
    let client = app
        .post("/api/v1/clients", json!({"name": "Client A"}))
        .await
        .body;
    comptoir::init_organization(
        &app.db,
        "Autre SAS",
        "other@test.example",
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    let other = app
        .login("other@test.example", crate::helpers::PASSWORD)
        .await;
    for (kind, id) in [("products", &product["id"]), ("clients", &client["id"])] {
        let path = format!("/api/v1/{kind}/{}", id.as_str().unwrap());
        for (method, body) in [
            (Method::GET, None),
            (Method::PATCH, Some(json!({"name": "volé"}))),
            (Method::DELETE, None),
        ] {
            let reply = app
                .send(method.clone(), &path, Some(&other), body, &[])
                .await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
        }
        let list = app
            .send(
                Method::GET,
                &format!("/api/v1/{kind}"),
                Some(&other),
                None,
                &[],
            )
            .await;
        assert_eq!(list.body["total"], 0, "{kind}");
    }
    // The other organization may reuse the same codes.
    let same_code = app
        .send(
            Method::POST,
            "/api/v1/products",
            Some(&other),
            Some(json!({"code": "ORG-A", "name": "B", "sale_price": "1"})),
            &[],
        )
        .await;
    assert_eq!(same_code.status, StatusCode::CREATED);
    assert_eq!(
        app.get(&format!(
            "/api/v1/products/{}",
            product["id"].as_str().unwrap()
        ))
        .await
        .body["name"],
        "Produit ORG-A"
    );
}
