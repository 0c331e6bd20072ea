use crate::helpers::{TestApp, field_names, id, spawn_app};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A supplier listing chairs at 6.00, a warehouse, a chair (bought at
/// 7.20) and a table; the page tests start from it too.
pub(crate) struct Setup {
    pub(crate) supplier: String,
    pub(crate) warehouse: String,
    pub(crate) stock: String,
    pub(crate) chair: String,
    pub(crate) table: String,
}

pub(crate) async fn setup(app: &TestApp) -> Setup {
    let supplier = id(&app
        .create("/api/v1/suppliers", json!({"name": "Mobilier Pro"}))
        .await);
    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "MRS", "name": "Marseille"}),
        )
        .await;
    let chair = id(&app
        .create(
            "/api/v1/products",
            json!({"code": "CHAISE", "name": "Chaise", "sale_price": "49", "purchase_price": "7.20"}),
        )
        .await);
    let table = id(&app.create_product("TABLE").await);
    app.create(
        &format!("/api/v1/products/{chair}/suppliers"),
        json!({"supplier_id": supplier, "purchase_price": "6.00"}),
    )
    .await;
    Setup {
        supplier,
        warehouse: id(&warehouse),
        stock: warehouse["default_location_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        chair,
        table,
    }
}

fn line_of<'a>(order: &'a Value, product: &str) -> &'a Value {
    order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["product_id"] == product)
        .unwrap()
}

async fn average_cost(app: &TestApp, product: &str) -> Value {
    app.get(&format!("/api/v1/products/{product}")).await.body["average_cost"].clone()
}

#[tokio::test]
async fn a_purchase_order_goes_from_draft_to_received_and_sets_average_costs() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let order = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": s.supplier, "warehouse_id": s.warehouse, "issue_date": "2026-03-01",
                   "lines": [{"product_id": s.chair, "quantity": "10"},
                             {"product_id": s.table, "quantity": "2", "unit_price": "100", "discount_percent": "10"}]}),
        )
        .await;
    assert_eq!(order["number"], "ACH-2026-00001");
    assert_eq!(order["status"], "draft");
    assert_eq!(
        line_of(&order, &s.chair)["unit_price"],
        "6.00",
        "the supplier's price"
    );
    assert_eq!(line_of(&order, &s.chair)["description"], "Chaise");
    assert_eq!(line_of(&order, &s.table)["total_excl_tax"], "180.00");
    assert_eq!(order["total_excl_tax"], "240.00");
    assert_eq!(order["total_tax"], "48.00");
    assert_eq!(order["total_incl_tax"], "288.00");
    assert_eq!(order["tax_breakdown"][0]["base"], "240.00");
    let path = format!("/api/v1/purchase-orders/{}", id(&order));

    let bad = app
        .post(
            "/api/v1/purchase-orders",
            json!({"lines": [{"product_id": s.table, "quantity": "0"}, {"quantity": "1"}]}),
        )
        .await;
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(
        fields,
        [
            "lines[0].quantity",
            "lines[0].unit_price",
            "lines[1].product_id",
            "supplier_id"
        ]
    );

    let edited = app
        .send(
            Method::PUT,
            &path,
            Some(&app.admin_token),
            Some(json!({"supplier_id": s.supplier, "warehouse_id": s.warehouse, "issue_date": "2026-03-01",
                        "lines": [{"product_id": s.chair, "quantity": "12"},
                                  {"product_id": s.table, "quantity": "2", "unit_price": "100", "discount_percent": "10"}]})),
            &[("If-Match", "1")],
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    assert_eq!(edited.body["total_excl_tax"], "252.00");
    let chair_line = id(line_of(&edited.body, &s.chair));
    let table_line = id(line_of(&edited.body, &s.table));

    let receipt = format!("{path}/receipts");
    let too_early = app
        .post(
            &receipt,
            json!({"lines": [{"line_id": chair_line, "quantity": "1", "location_id": s.stock}]}),
        )
        .await;
    assert_eq!(too_early.body["code"], "invalid_transition");
    let sent = app.post(&format!("{path}/send"), json!({})).await;
    assert_eq!(sent.body["status"], "sent");
    let frozen = app
        .send(
            Method::PUT,
            &path,
            Some(&app.admin_token),
            Some(json!({"supplier_id": s.supplier, "lines": [{"product_id": s.chair, "quantity": "1"}]})),
            &[],
        )
        .await;
    assert_eq!(frozen.body["code"], "invalid_transition");

    let first = app
        .post(
            &receipt,
            json!({"lines": [{"line_id": chair_line, "quantity": "5", "location_id": s.stock}]}),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    assert_eq!(first.body["order"]["status"], "partially_received");
    assert_eq!(first.body["movements"][0]["type"], "receipt");
    assert_eq!(first.body["movements"][0]["reference"], "ACH-2026-00001");
    assert_eq!(average_cost(&app, &s.chair).await, "6.00");

    let over = app
        .post(
            &receipt,
            json!({"lines": [{"line_id": chair_line, "quantity": "8", "location_id": s.stock}]}),
        )
        .await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&over.body), ["lines[0].quantity"]);
    assert!(
        over.body["message"]
            .as_str()
            .unwrap()
            .contains("7 still expected")
    );
    let cancel_late = app.post(&format!("{path}/cancel"), json!({})).await;
    assert_eq!(cancel_late.body["code"], "invalid_transition");

    let rest = app
        .post(
            &receipt,
            json!({"lines": [{"line_id": chair_line, "quantity": "7", "location_id": s.stock},
                             {"line_id": table_line, "quantity": "2", "location_id": s.stock}]}),
        )
        .await;
    assert_eq!(rest.body["order"]["status"], "received");
    assert_eq!(
        line_of(&rest.body["order"], &s.chair)["received_quantity"],
        "12"
    );
    assert_eq!(
        average_cost(&app, &s.table).await,
        "90.00",
        "net of the discount"
    );

    let second = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": s.supplier, "warehouse_id": s.warehouse, "issue_date": "2026-04-01",
                   "lines": [{"product_id": s.chair, "quantity": "12", "unit_price": "9"}]}),
        )
        .await;
    assert_eq!(second["number"], "ACH-2026-00002");
    let second_path = format!("/api/v1/purchase-orders/{}", id(&second));
    app.post(&format!("{second_path}/send"), json!({})).await;
    app.post(
        &format!("{second_path}/receipts"),
        json!({"lines": [{"line_id": id(&second["lines"][0]), "quantity": "12", "location_id": s.stock}]}),
    )
    .await;
    assert_eq!(
        average_cost(&app, &s.chair).await,
        "7.50",
        "(12 × 6 + 12 × 9) / 24"
    );

    let valuation = app.get("/api/v1/stock/valuation").await;
    assert_eq!(valuation.body["total"], "360.00");
    assert_eq!(
        valuation.body["by_warehouse"][0]["id"],
        s.warehouse.as_str()
    );
    assert_eq!(valuation.body["by_warehouse"][0]["value"], "360.00");

    let draft = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": s.supplier, "lines": [{"product_id": s.table, "quantity": "1", "unit_price": "1"}]}),
        )
        .await;
    let cancelled = app
        .post(
            &format!("/api/v1/purchase-orders/{}/cancel", id(&draft)),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    let received = app.get("/api/v1/purchase-orders?status=received").await;
    assert_eq!(received.body["total"], 2);
}

#[tokio::test]
async fn reorder_rules_raise_alerts_and_replenishment_drafts_orders() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": s.chair, "quantity": "24", "to_location_id": s.stock}),
    )
    .await;
    let rule = app
        .create(
            "/api/v1/reorder-rules",
            json!({"product_id": s.chair, "warehouse_id": s.warehouse, "min_quantity": "30", "max_quantity": "50"}),
        )
        .await;
    let twice = app
        .post(
            "/api/v1/reorder-rules",
            json!({"product_id": s.chair, "warehouse_id": s.warehouse, "min_quantity": "1", "max_quantity": "2"}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let inverted = app
        .post(
            "/api/v1/reorder-rules",
            json!({"product_id": s.table, "warehouse_id": s.warehouse, "min_quantity": "5", "max_quantity": "2"}),
        )
        .await;
    assert_eq!(field_names(&inverted.body), ["max_quantity"]);

    let alerts = app.get("/api/v1/stock/alerts").await;
    assert_eq!(alerts.body.as_array().unwrap().len(), 1);
    assert_eq!(alerts.body[0]["product_id"], s.chair.as_str());
    assert_eq!(alerts.body[0]["missing"], "6");
    let below = app.get("/api/v1/stock?below_min=true").await;
    assert_eq!(below.body["total"], 1);
    assert_eq!(below.body["items"][0]["product_id"], s.chair.as_str());

    app.create(
        "/api/v1/purchase-orders",
        json!({"supplier_id": s.supplier, "warehouse_id": s.warehouse, "lines": [{"product_id": s.chair, "quantity": "5"}]}),
    )
    .await;
    let suggested = app.get("/api/v1/stock/replenishment").await;
    assert_eq!(suggested.body[0]["on_order"], "5");
    assert_eq!(suggested.body[0]["quantity"], "21", "50 - 24 - 5");
    assert_eq!(suggested.body[0]["supplier_id"], s.supplier.as_str());
    assert_eq!(suggested.body[0]["unit_price"], "6.00");

    let ordered = app.post("/api/v1/stock/replenishment", json!({})).await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{:?}", ordered.body);
    let orders = ordered.body.as_array().unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["status"], "draft");
    assert_eq!(orders[0]["supplier_id"], s.supplier.as_str());
    assert_eq!(orders[0]["lines"][0]["quantity"], "21");
    assert_eq!(
        app.get("/api/v1/stock/replenishment").await.body,
        json!([]),
        "what is on order is no longer suggested"
    );

    let relaxed = app
        .patch(
            &format!("/api/v1/reorder-rules/{}", id(&rule)),
            json!({"min_quantity": "10"}),
        )
        .await;
    assert_eq!(relaxed.status, StatusCode::OK);
    assert_eq!(app.get("/api/v1/stock/alerts").await.body, json!([]));
}
