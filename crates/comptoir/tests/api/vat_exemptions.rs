//! A sales line's VAT exemption reason: copied from an exempt product,
//! given or overridden on the line (free-text lines included), kept when
//! the invoice is issued and credited, and required on an exempt line.

use crate::helpers::{field_names, id, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

const TRAINING_REASON: &str = "Exonération de TVA, article 261-4-4° du CGI";

#[tokio::test]
async fn an_exempt_line_carries_its_reason_from_the_product_or_its_own() {
    let app = spawn_app().await;
    let training = id(&app
        .create(
            "/api/v1/products",
            json!({"code": "FORM", "name": "Formation", "kind": "service", "sale_price": "450",
                   "vat_category": "E", "vat_rate": "0", "vat_exemption_reason": TRAINING_REASON}),
        )
        .await);
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Lycée Ampère"}))
        .await);
    let invoice = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": client, "lines": [
                {"product_id": training, "quantity": "2"},
                {"product_id": training, "quantity": "1", "vat_exemption_reason": "  Article 261-4-9° du CGI "},
                {"description": "Support de cours", "quantity": "1", "unit_price": "30", "vat_rate": "0",
                 "vat_category": "E", "vat_exemption_reason": "Article 261-4-4° b du CGI"},
                {"product_id": training, "quantity": "1", "vat_category": "S", "vat_rate": "20"},
                {"description": "Déplacement", "quantity": "1", "unit_price": "80", "vat_rate": "20"}
            ]}),
        )
        .await;
    let reasons = |document: &serde_json::Value| -> Vec<serde_json::Value> {
        document["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line["vat_exemption_reason"].clone())
            .collect()
    };
    let expected = vec![
        json!(TRAINING_REASON),
        json!("Article 261-4-9° du CGI"),
        json!("Article 261-4-4° b du CGI"),
        // Taxed as S, the line keeps none of the exempt product's reason.
        json!(null),
        json!(null),
    ];
    assert_eq!(reasons(&invoice), expected);
    let invoice_id = id(&invoice);
    let read = app.get(&format!("/api/v1/invoices/{invoice_id}")).await;
    assert_eq!(reasons(&read.body), expected);

    let issued = app
        .post(&format!("/api/v1/invoices/{invoice_id}/issue"), json!({}))
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);
    assert_eq!(reasons(&issued.body), expected);
    let credit = app
        .post(
            &format!("/api/v1/invoices/{invoice_id}/credit-notes"),
            json!({}),
        )
        .await;
    assert_eq!(credit.status, StatusCode::CREATED, "{:?}", credit.body);
    assert_eq!(reasons(&credit.body), expected);
}

#[tokio::test]
async fn an_exempt_line_without_a_reason_is_refused_by_name() {
    let app = spawn_app().await;
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Lycée Ampère"}))
        .await);
    let plain = id(&app.create_product("CRAYON").await);
    let refused = app
        .post(
            "/api/v1/invoices",
            json!({"client_id": client, "lines": [
                {"description": "Formation", "quantity": "1", "unit_price": "450", "vat_rate": "0",
                 "vat_category": "E", "vat_exemption_reason": "   "},
                {"product_id": plain, "quantity": "1", "vat_category": "E", "vat_rate": "0"},
                {"product_id": plain, "quantity": "1", "vat_exemption_reason": "x".repeat(201)}
            ]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_names(&refused.body),
        [
            "lines[0].vat_exemption_reason",
            "lines[1].vat_exemption_reason",
            "lines[2].vat_exemption_reason"
        ]
    );
}
