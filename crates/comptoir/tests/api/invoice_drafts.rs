//! A draft invoice that bills an order keeps its lines tied to the order
//! lines they bill: it is not rewritten (that would cut the ties and leave
//! the order counting as invoiced what no invoice bills any more); it is
//! deleted, which gives its quantities back to the order, and the order
//! is invoiced again.

use crate::helpers::{id, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_draft_invoice_billing_an_order_is_deleted_and_billed_again_not_rewritten() {
    let app = spawn_app().await;
    let warehouse = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let chair = id(&app.create_product("CHAISE").await);
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": chair, "quantity": "10", "to_location_id": stock}),
    )
    .await;
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Brasserie du Port"}))
        .await);
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": client, "warehouse_id": warehouse["id"], "lines": [{"product_id": chair, "description": "Chaise", "quantity": "3", "unit_price": "20", "vat_rate": "20"}]}),
        )
        .await;
    let order_id = id(&order);
    for step in ["confirm", "deliveries"] {
        let body = if step == "deliveries" {
            json!({"lines": [{"line_id": order["lines"][0]["id"], "quantity": "3"}]})
        } else {
            json!({})
        };
        let reply = app
            .post(&format!("/api/v1/orders/{order_id}/{step}"), body)
            .await;
        assert!(reply.status.is_success(), "{step}: {:?}", reply.body);
    }
    let draft = app
        .create(&format!("/api/v1/orders/{order_id}/invoice"), json!({}))
        .await;
    let draft_id = id(&draft);

    let rewrite = app
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/invoices/{draft_id}"),
            Some(&app.admin_token),
            Some(json!({"client_id": client, "lines": [{"description": "Chaise", "quantity": "1", "unit_price": "20", "vat_rate": "20"}]})),
            &[],
        )
        .await;
    assert_eq!(rewrite.status, StatusCode::CONFLICT, "{:?}", rewrite.body);
    let order_now = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(order_now.body["lines"][0]["invoiced_quantity"], "3");

    assert_eq!(
        app.delete(&format!("/api/v1/invoices/{draft_id}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let order_now = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(order_now.body["lines"][0]["invoiced_quantity"], "0");
    let again = app
        .create(&format!("/api/v1/orders/{order_id}/invoice"), json!({}))
        .await;
    assert_eq!(again["total_excl_tax"], "60.00");
}
