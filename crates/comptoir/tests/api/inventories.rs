use crate::helpers::{TestApp, field_names, id, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn receipt(app: &TestApp, product: &str, location: &str, quantity: &str) {
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": product, "quantity": quantity, "to_location_id": location}),
    )
    .await;
}

fn line<'a>(inventory: &'a Value, product: &str) -> &'a Value {
    inventory["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["product_id"] == product)
        .unwrap_or_else(|| panic!("no line for {product} in {inventory:?}"))
}

#[tokio::test]
async fn an_inventory_blocks_its_stock_and_closes_with_the_right_adjustments() {
    let app = spawn_app().await;
    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "MRS", "name": "Marseille"}),
        )
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let furniture = app
        .create("/api/v1/categories", json!({"name": "Mobilier"}))
        .await;
    let chairs = app
        .create(
            "/api/v1/categories",
            json!({"name": "Chaises", "parent_id": id(&furniture)}),
        )
        .await;
    let in_category = |code: &str| json!({"code": code, "name": code, "sale_price": "10", "category_id": id(&chairs)});
    let chair = id(&app.create("/api/v1/products", in_category("CHAISE")).await);
    let stool = id(&app
        .create("/api/v1/products", in_category("TABOURET"))
        .await);
    let bench = id(&app.create("/api/v1/products", in_category("BANC")).await);
    let honey = id(&app.create_product("MIEL").await);
    receipt(&app, &chair, &stock, "10").await;
    receipt(&app, &stool, &stock, "5").await;
    receipt(&app, &honey, &stock, "7").await;

    let opened = app
        .create(
            "/api/v1/inventories",
            json!({"warehouse_id": id(&warehouse), "category_id": id(&furniture)}),
        )
        .await;
    assert_eq!(opened["status"], "open");
    assert_eq!(opened["number"], "INV-00001");
    assert_eq!(
        opened["lines"].as_array().unwrap().len(),
        2,
        "honey is outside the category"
    );
    assert_eq!(line(&opened, &chair)["expected"], "10");
    let inventory = format!("/api/v1/inventories/{}", id(&opened));

    let blocked = app
        .post(
            "/api/v1/stock/movements",
            json!({"type": "issue", "product_id": chair, "quantity": "1", "from_location_id": stock}),
        )
        .await;
    assert_eq!(blocked.status, StatusCode::CONFLICT);
    assert_eq!(blocked.body["code"], "conflict");
    assert_eq!(blocked.body["details"]["inventory"], "INV-00001");
    let receipt_blocked = app
        .post(
            "/api/v1/stock/movements",
            json!({"type": "receipt", "product_id": bench, "quantity": "1", "to_location_id": stock}),
        )
        .await;
    assert_eq!(receipt_blocked.status, StatusCode::CONFLICT);
    let outside = app
        .post(
            "/api/v1/stock/movements",
            json!({"type": "issue", "product_id": honey, "quantity": "1", "from_location_id": stock}),
        )
        .await;
    assert_eq!(
        outside.status,
        StatusCode::CREATED,
        "honey is not being counted"
    );

    let counts = format!("{inventory}/counts");
    let first_round = app
        .post(
            &counts,
            json!([
                {"product_id": chair, "location_id": stock, "counted_quantity": "8"},
                {"product_id": stool, "location_id": stock, "counted_quantity": "5"},
                {"product_id": bench, "location_id": stock, "counted_quantity": "2"}
            ]),
        )
        .await;
    assert_eq!(first_round.status, StatusCode::OK, "{:?}", first_round.body);
    let second_round = app
        .post(
            &counts,
            json!([{"product_id": chair, "location_id": stock, "counted_quantity": "9"}]),
        )
        .await;
    let chair_line = line(&second_round.body, &chair);
    assert_eq!(chair_line["counted"], "9", "the last count wins");
    assert_eq!(chair_line["difference"], "-1");
    assert_eq!(chair_line["rounds"], 2);
    assert!(chair_line["counted_by"].is_string());
    let bench_line = line(&second_round.body, &bench);
    assert_eq!(
        (&bench_line["expected"], &bench_line["difference"]),
        (&json!("0"), &json!("2"))
    );

    let bad = app
        .post(
            &counts,
            json!([
                {"product_id": honey, "location_id": stock, "counted_quantity": "1"},
                {"product_id": chair, "location_id": stock, "counted_quantity": "-1"}
            ]),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_names(&bad.body),
        ["[0].location_id", "[1].counted_quantity"]
    );

    let closed = app.post(&format!("{inventory}/close"), json!({})).await;
    assert_eq!(closed.status, StatusCode::OK, "{:?}", closed.body);
    assert_eq!(closed.body["status"], "closed");
    let adjustments = app
        .get("/api/v1/stock/movements?type=adjustment&sort=created_at")
        .await;
    assert_eq!(adjustments.body["total"], 2);
    for adjustment in adjustments.body["items"].as_array().unwrap() {
        assert_eq!(adjustment["reference"], "Inventaire INV-00001");
    }
    let level = |product: String| {
        let app = &app;
        let stock = stock.clone();
        async move {
            app.get(&format!(
                "/api/v1/stock?product_id={product}&location_id={stock}"
            ))
            .await
            .body["items"][0]["physical"]
                .clone()
        }
    };
    assert_eq!(level(chair.clone()).await, "9");
    assert_eq!(level(stool.clone()).await, "5");
    assert_eq!(level(bench.clone()).await, "2");

    let again = app.post(&format!("{inventory}/close"), json!({})).await;
    assert_eq!(again.body["code"], "invalid_transition");
    let late = app
        .post(
            &counts,
            json!([{"product_id": chair, "location_id": stock, "counted_quantity": "1"}]),
        )
        .await;
    assert_eq!(late.body["code"], "invalid_transition");
    let moves_again = app
        .post(
            "/api/v1/stock/movements",
            json!({"type": "issue", "product_id": chair, "quantity": "1", "from_location_id": stock}),
        )
        .await;
    assert_eq!(moves_again.status, StatusCode::CREATED);

    let second = app
        .create(
            "/api/v1/inventories",
            json!({"warehouse_id": id(&warehouse)}),
        )
        .await;
    assert_eq!(line(&second, &honey)["expected"], "6");
    let cancelled = app
        .post(
            &format!("/api/v1/inventories/{}/cancel", id(&second)),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(
        app.get("/api/v1/stock/movements?type=adjustment")
            .await
            .body["total"],
        2,
        "a cancelled inventory adjusts nothing"
    );
    let open = app.get("/api/v1/inventories?status=open").await;
    assert_eq!(open.body["total"], 0);
}

#[tokio::test]
async fn a_crash_during_a_close_leaves_all_adjustments_or_none() {
    let app = spawn_app().await;
    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "MRS", "name": "Marseille"}),
        )
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut counts = Vec::new();
    for n in 0..120 {
        let product = id(&app.create_product(&format!("P{n:03}")).await);
        receipt(&app, &product, &stock, "10").await;
        counts.push(json!({"product_id": product, "location_id": stock, "counted_quantity": "7"}));
    }
    let inventory = app
        .create(
            "/api/v1/inventories",
            json!({"warehouse_id": id(&warehouse)}),
        )
        .await;
    let path = format!("/api/v1/inventories/{}", id(&inventory));
    let counted = app.post(&format!("{path}/counts"), json!(counts)).await;
    assert_eq!(counted.status, StatusCode::OK);

    let mut server = app.second_process().await;
    let close = app
        .client
        .post(format!("{}{path}/close", server.address))
        .bearer_auth(&app.admin_token)
        .send();
    let request = tokio::spawn(close);
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    server.kill();
    let _ = request.await;

    let status = app.get(&path).await.body["status"].clone();
    let adjustments = app
        .get("/api/v1/stock/movements?type=adjustment")
        .await
        .body["total"]
        .as_i64()
        .unwrap();
    match status.as_str() {
        Some("open") => assert_eq!(adjustments, 0, "a rolled-back close adjusts nothing"),
        Some("closed") => assert_eq!(adjustments, 120, "a committed close adjusts every line"),
        other => panic!("unexpected status {other:?}"),
    }
    if status == "open" {
        let closed = app.post(&format!("{path}/close"), json!({})).await;
        assert_eq!(closed.status, StatusCode::OK, "{:?}", closed.body);
    }
    assert_eq!(
        app.get("/api/v1/stock/movements?type=adjustment")
            .await
            .body["total"],
        120
    );
}
