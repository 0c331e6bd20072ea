use crate::helpers::{field_names, spawn_app};
use reqwest::StatusCode;
use serde_json::json;
use std::collections::HashSet;

#[tokio::test]
async fn clients_get_generated_codes_and_checked_identifiers() {
    let app = spawn_app().await;
    let first = app
        .post("/api/v1/clients", json!({"name": "Hôtel du Port", "siren": "732829320", "siret": "73282932000074", "vat_number": "FR44732829320", "credit_limit": "5000", "discount_percent": "5"}))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert_eq!(first.body["code"], "CLI-00001");
    assert_eq!(first.body["credit_limit"], "5000.00");
    assert_eq!(first.body["discount_percent"], "5.00");
    assert_eq!(first.body["status"], "active");
    let second = app
        .post(
            "/api/v1/clients",
            json!({"name": "Claire Dupont", "kind": "individual", "status": "prospect"}),
        )
        .await;
    assert_eq!(second.body["code"], "CLI-00002");

    let bad = app
        .post("/api/v1/clients", json!({"name": "", "email": "pas-un-email", "siren": "732829321", "siret": "73282932000075", "vat_number": "US123", "status": "vip"}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(
        fields,
        ["email", "name", "siren", "siret", "status", "vat_number"]
    );

    let archived = app
        .patch(
            &format!("/api/v1/clients/{}", first.body["id"].as_str().unwrap()),
            json!({"status": "archived"}),
        )
        .await;
    assert_eq!(archived.status, StatusCode::OK);
    assert_eq!(archived.body["code"], "CLI-00001");
    let prospects = app.get("/api/v1/clients?status=prospect").await;
    assert_eq!(prospects.body["total"], 1);
}

#[tokio::test]
async fn concurrent_client_creations_get_distinct_codes() {
    let app = spawn_app().await;
    let replies = futures_join(&app, 16).await;
    let codes: HashSet<String> = replies.into_iter().collect();
    assert_eq!(codes.len(), 16);
    assert!(codes.contains("CLI-00001") && codes.contains("CLI-00016"));
}

async fn futures_join(app: &crate::helpers::TestApp, n: usize) -> Vec<String> {
    let mut handles = Vec::new();
    for i in 0..n {
        let client = app.client.clone();
        let url = app.url("/api/v1/clients");
        let token = app.admin_token.clone();
        handles.push(tokio::spawn(async move {
            let reply = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"name": format!("Client {i}")}))
                .send()
                .await
                .unwrap();
            assert_eq!(reply.status(), StatusCode::CREATED);
            let body: serde_json::Value = reply.json().await.unwrap();
            body["code"].as_str().unwrap().to_owned()
        }));
    }
    let mut codes = Vec::new();
    for handle in handles {
        codes.push(handle.await.unwrap());
    }
    codes
}

#[tokio::test]
async fn suppliers_have_their_own_series() {
    let app = spawn_app().await;
    let supplier = app
        .post(
            "/api/v1/suppliers",
            json!({"name": "Mobilier Pro", "payment_terms_days": 45}),
        )
        .await;
    assert_eq!(supplier.status, StatusCode::CREATED);
    assert_eq!(supplier.body["code"], "FRN-00001");
    assert_eq!(supplier.body["payment_terms_days"], 45);
    let bad = app
        .post(
            "/api/v1/suppliers",
            json!({"name": "X", "payment_terms_days": -1}),
        )
        .await;
    assert_eq!(field_names(&bad.body), ["payment_terms_days"]);
}
