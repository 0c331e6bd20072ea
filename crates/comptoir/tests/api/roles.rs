//! The whole role × operation matrix: every operation of the OpenAPI
//! document names the permission it needs (its `bearer` scope), and every
//! role gets 403 exactly when the permission matrix (`GET /roles`) does
//! not grant it that permission.

use crate::helpers::spawn_app;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// A path of the document with each parameter given a value its schema
/// allows: an unknown id for ids, the first value of a closed list.
fn concrete(path: &str, operation: &Value) -> String {
    let mut concrete = path.to_owned();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        if parameter["in"] != "path" {
            continue;
        }
        let name = parameter["name"].as_str().unwrap();
        let schema = &parameter["schema"];
        let value = match schema["enum"].as_array().and_then(|values| values.first()) {
            Some(first) => first.as_str().unwrap().to_owned(),
            None if schema["format"] == "uuid" => uuid::Uuid::new_v4().to_string(),
            None => "x".to_owned(),
        };
        concrete = concrete.replace(&format!("{{{name}}}"), &value);
    }
    concrete
}

#[tokio::test]
async fn every_operation_answers_each_role_as_its_permission_and_the_matrix_say() {
    let app = spawn_app().await;
    let document = app.get("/api/v1/openapi.json").await.body;
    let matrix = app.get("/api/v1/roles").await.body;
    let granted: BTreeMap<String, BTreeSet<String>> = matrix["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|role| {
            let permissions = role["permissions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap().to_owned())
                .collect();
            (role["role"].as_str().unwrap().to_owned(), permissions)
        })
        .collect();
    assert_eq!(granted.len(), 7);
    let mut tokens = BTreeMap::new();
    for role in granted.keys() {
        let token = if role == "admin" {
            app.admin_token.clone()
        } else {
            app.user_token(&format!("{role}@matrix.test"), role).await
        };
        tokens.insert(role.clone(), token);
    }

    let mut checked = 0;
    let mut wrong = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(requirement) = operation["security"].as_array().and_then(|s| s.first()) else {
                continue;
            };
            // Logging out would end the session the rest of the test uses.
            if path.ends_with("/auth/logout") {
                continue;
            }
            let needed: Vec<&str> = requirement["bearer"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let url = concrete(path, operation);
            let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
            for (role, token) in &tokens {
                let allowed = needed.iter().all(|p| granted[role].contains(*p));
                let reply = app
                    .send(method.clone(), &url, Some(token), body.clone(), &[])
                    .await;
                checked += 1;
                let forbidden = reply.status == StatusCode::FORBIDDEN;
                if forbidden == allowed || reply.status == StatusCode::UNAUTHORIZED {
                    wrong.push(format!(
                        "{role} {method} {url} (needs {needed:?}): {} {}",
                        reply.status, reply.body
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {checked}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(checked > 7 * 150, "{checked} checks");
}
