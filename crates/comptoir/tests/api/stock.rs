use crate::helpers::{TestApp, comptoir, field_names, id, spawn_app};
use comptoir_db::Sql;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A warehouse, its default location, and a product.
struct Shop {
    warehouse: String,
    stock: String,
    product: String,
}

async fn shop(app: &TestApp) -> Shop {
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": format!("MRS-{suffix}"), "name": "Marseille", "address": "1 quai du Port, 13002 Marseille"}),
        )
        .await;
    let product = app.create_product(&format!("CHAISE-{suffix}")).await;
    Shop {
        warehouse: id(&warehouse),
        stock: warehouse["default_location_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        product: id(&product),
    }
}

async fn move_stock(app: &TestApp, body: Value) -> crate::helpers::Reply {
    app.post("/api/v1/stock/movements", body).await
}

async fn receive(app: &TestApp, shop: &Shop, quantity: &str) {
    let reply = move_stock(
        app,
        json!({"type": "receipt", "product_id": shop.product, "quantity": quantity, "to_location_id": shop.stock}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
}

async fn level(app: &TestApp, product: &str, location: &str) -> Value {
    let levels = app
        .get(&format!(
            "/api/v1/stock?product_id={product}&location_id={location}"
        ))
        .await;
    assert_eq!(levels.body["total"], 1, "{:?}", levels.body);
    levels.body["items"][0].clone()
}

#[tokio::test]
async fn warehouses_have_a_default_location_and_a_location_tree() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let stock = app.get(&format!("/api/v1/locations/{}", shop.stock)).await;
    assert_eq!(stock.body["code"], "STOCK");
    assert_eq!(stock.body["kind"], "internal");
    assert_eq!(stock.body["warehouse_id"], shop.warehouse.as_str());

    let aisle = app
        .create(
            "/api/v1/locations",
            json!({"warehouse_id": shop.warehouse, "parent_id": shop.stock, "code": "A1", "name": "Allée 1"}),
        )
        .await;
    let dock = app
        .create(
            "/api/v1/locations",
            json!({"warehouse_id": shop.warehouse, "code": "QUAI", "name": "Quai", "kind": "receiving"}),
        )
        .await;
    assert_eq!(dock["kind"], "receiving");
    let cycle = app
        .patch(
            &format!("/api/v1/locations/{}", shop.stock),
            json!({"parent_id": id(&aisle)}),
        )
        .await;
    assert_eq!(field_names(&cycle.body), ["parent_id"]);

    let other = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let foreign_parent = app
        .post(
            "/api/v1/locations",
            json!({"warehouse_id": id(&other), "parent_id": shop.stock, "code": "X", "name": "X"}),
        )
        .await;
    assert_eq!(field_names(&foreign_parent.body), ["parent_id"]);
    let bad = app
        .post("/api/v1/locations", json!({"kind": "attic"}))
        .await;
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(fields, ["code", "kind", "name", "warehouse_id"]);

    let in_marseille = app
        .get(&format!(
            "/api/v1/locations?warehouse_id={}",
            shop.warehouse
        ))
        .await;
    assert_eq!(in_marseille.body["total"], 3);
    let receiving = app.get("/api/v1/locations?kind=receiving").await;
    assert_eq!(receiving.body["total"], 1);
    assert_eq!(receiving.body["items"][0]["code"], "QUAI");
    let taken = app
        .post("/api/v1/warehouses", json!({"code": "LYS", "name": "Bis"}))
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn movements_keep_levels_equal_to_the_ledger() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let shelf = app
        .create(
            "/api/v1/locations",
            json!({"warehouse_id": shop.warehouse, "code": "A1", "name": "Allée 1"}),
        )
        .await;
    receive(&app, &shop, "10.5").await;
    let issue = move_stock(
        &app,
        json!({"type": "issue", "product_id": shop.product, "quantity": "3", "from_location_id": shop.stock, "reference": "BL-1"}),
    )
    .await;
    assert_eq!(issue.status, StatusCode::CREATED);
    assert_eq!(issue.body["type"], "issue");
    assert_eq!(issue.body["quantity"], "3");
    let transfer = move_stock(
        &app,
        json!({"type": "transfer", "product_id": shop.product, "quantity": "2", "from_location_id": shop.stock, "to_location_id": id(&shelf)}),
    )
    .await;
    assert_eq!(transfer.status, StatusCode::CREATED);
    let loss = move_stock(
        &app,
        json!({"type": "adjustment", "product_id": shop.product, "quantity": "-0.5", "from_location_id": shop.stock, "reason": "casse"}),
    )
    .await;
    assert_eq!(loss.status, StatusCode::CREATED, "{:?}", loss.body);

    let stock = level(&app, &shop.product, &shop.stock).await;
    assert_eq!(stock["physical"], "5");
    assert_eq!(stock["available"], "5");
    assert_eq!(
        level(&app, &shop.product, &id(&shelf)).await["physical"],
        "2"
    );

    let too_much = move_stock(
        &app,
        json!({"type": "issue", "product_id": shop.product, "quantity": "6", "from_location_id": shop.stock}),
    )
    .await;
    assert_eq!(too_much.status, StatusCode::CONFLICT);
    assert_eq!(too_much.body["code"], "insufficient_stock");
    let short = &too_much.body["details"]["items"][0];
    assert_eq!(short["product_id"], shop.product.as_str());
    assert_eq!(short["requested"], "6");
    assert_eq!(short["available"], "5");
    let nowhere = move_stock(
        &app,
        json!({"type": "issue", "product_id": shop.product, "quantity": "1", "from_location_id": id(&shelf), "to_location_id": shop.stock}),
    )
    .await;
    assert_eq!(field_names(&nowhere.body), ["to_location_id"]);

    let service = app
        .create(
            "/api/v1/products",
            json!({"code": "POSE", "name": "Pose", "kind": "service", "sale_price": "40"}),
        )
        .await;
    let bad = move_stock(
        &app,
        json!({"type": "receipt", "product_id": id(&service), "quantity": "1.0001", "to_location_id": uuid::Uuid::new_v4()}),
    )
    .await;
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(fields, ["product_id", "quantity", "to_location_id"]);

    let ledger = app
        .get(&format!(
            "/api/v1/stock/movements?product_id={}",
            shop.product
        ))
        .await;
    assert_eq!(ledger.body["total"], 4);
    assert_eq!(
        ledger.body["items"][0]["type"], "adjustment",
        "newest first"
    );
    let transfers = app.get("/api/v1/stock/movements?type=transfer").await;
    assert_eq!(transfers.body["total"], 1);
    let at_shelf = app
        .get(&format!(
            "/api/v1/stock/movements?location_id={}",
            id(&shelf)
        ))
        .await;
    assert_eq!(at_shelf.body["total"], 1);
    let by_reference = app.get("/api/v1/stock/movements?reference=BL-1").await;
    assert_eq!(by_reference.body["total"], 1);
    let in_warehouse = app
        .get(&format!(
            "/api/v1/stock/movements?warehouse_id={}",
            shop.warehouse
        ))
        .await;
    assert_eq!(in_warehouse.body["total"], 4);

    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok && out.starts_with("OK"), "{out}");

    let rewrite = app
        .db
        .execute(Sql::new("UPDATE stock_movements SET quantity = 1"))
        .await;
    assert!(rewrite.is_err(), "the ledger is append-only");
    app.db
        .execute(
            Sql::new("UPDATE stock_levels SET physical = physical + 10000 WHERE location_id = $1")
                .bind(uuid::Uuid::parse_str(&shop.stock).unwrap()),
        )
        .await
        .unwrap();
    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(!ok);
    assert!(
        out.contains("MISMATCH") && out.contains("physical 6 but the ledger sums to 5"),
        "{out}"
    );

    let refused = app
        .delete(&format!("/api/v1/products/{}", shop.product))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(
        refused.body["details"]["referenced_by"]["stock_movements"],
        4
    );
}

#[tokio::test]
async fn the_database_refuses_negative_or_over_reserved_levels() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    receive(&app, &shop, "1").await;
    for statement in [
        "UPDATE stock_levels SET physical = -10000",
        "UPDATE stock_levels SET reserved = -10000",
        "UPDATE stock_levels SET reserved = physical + 10000",
    ] {
        assert!(
            app.db.execute(Sql::new(statement)).await.is_err(),
            "{statement}"
        );
    }
}

/// Fires `n` requests at once, spread over `servers`, and returns the
/// status of each.
async fn at_once(
    app: &TestApp,
    servers: &[String],
    n: usize,
    path: &str,
    body: impl Fn(usize) -> Value,
) -> Vec<StatusCode> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let request = app
            .client
            .post(format!("{}{path}", servers[i % servers.len()]))
            .bearer_auth(&app.admin_token)
            .json(&body(i));
        tasks.push(tokio::spawn(async move {
            request.send().await.expect("request").status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}

fn count(statuses: &[StatusCode], wanted: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == wanted).count()
}

async fn fifty_issues_against_twenty(app: &TestApp, servers: &[String]) {
    let shop = shop(app).await;
    receive(app, &shop, "20").await;
    let statuses = at_once(app, servers, 50, "/api/v1/stock/movements", |_| {
        json!({"type": "issue", "product_id": shop.product, "quantity": "1", "from_location_id": shop.stock})
    })
    .await;
    assert_eq!(count(&statuses, StatusCode::CREATED), 20, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::CONFLICT), 30, "{statuses:?}");
    let stock = level(app, &shop.product, &shop.stock).await;
    assert_eq!(stock["physical"], "0");
    let issues = app
        .get(&format!(
            "/api/v1/stock/movements?product_id={}&type=issue",
            shop.product
        ))
        .await;
    assert_eq!(issues.body["total"], 20);
    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "{out}");
}

async fn fifty_reservations_against_twenty(app: &TestApp, servers: &[String]) {
    let shop = shop(app).await;
    receive(app, &shop, "20").await;
    let statuses = at_once(app, servers, 50, "/api/v1/stock/reservations", |_| {
        json!({"lines": [{"line_id": uuid::Uuid::new_v4(), "product_id": shop.product, "quantity": "1", "location_id": shop.stock}]})
    })
    .await;
    assert_eq!(count(&statuses, StatusCode::CREATED), 20, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::CONFLICT), 30, "{statuses:?}");
    let stock = level(app, &shop.product, &shop.stock).await;
    assert_eq!(stock["physical"], "20");
    assert_eq!(stock["reserved"], "20");
    assert_eq!(stock["available"], "0");
    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn fifty_concurrent_issues_of_one_against_twenty_sell_exactly_twenty() {
    let app = spawn_app().await;
    fifty_issues_against_twenty(&app, std::slice::from_ref(&app.address)).await;
}

#[tokio::test]
async fn fifty_concurrent_reservations_of_one_against_twenty_reserve_exactly_twenty() {
    let app = spawn_app().await;
    fifty_reservations_against_twenty(&app, std::slice::from_ref(&app.address)).await;
}

#[tokio::test]
async fn two_server_processes_on_one_database_never_oversell() {
    let app = spawn_app().await;
    let second = app.second_process().await;
    let servers = [app.address.clone(), second.address.clone()];
    fifty_issues_against_twenty(&app, &servers).await;
    fifty_reservations_against_twenty(&app, &servers).await;
}

#[tokio::test]
async fn an_inventory_opened_during_a_burst_of_issues_expects_exactly_what_they_left() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    receive(&app, &shop, "100").await;
    let servers = std::slice::from_ref(&app.address);
    let issue = |_| json!({"type": "issue", "product_id": shop.product, "quantity": "1", "from_location_id": shop.stock});
    let open = async {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        app.create(
            "/api/v1/inventories",
            json!({"warehouse_id": shop.warehouse}),
        )
        .await
    };
    let (statuses, inventory) = tokio::join!(
        at_once(&app, servers, 60, "/api/v1/stock/movements", issue),
        open
    );
    let issued = count(&statuses, StatusCode::CREATED);
    assert_eq!(
        issued + count(&statuses, StatusCode::CONFLICT),
        60,
        "{statuses:?}"
    );
    let left = (100 - issued).to_string();
    assert_eq!(
        level(&app, &shop.product, &shop.stock).await["physical"],
        left
    );
    assert_eq!(
        inventory["lines"][0]["expected"], left,
        "every issue is either in the expected stock or refused"
    );
    let audited = app
        .get("/api/v1/audit?resource_type=stock_movement&page_size=1")
        .await;
    assert_eq!(
        audited.body["total"],
        issued + 1,
        "the receipt and each issue"
    );

    let cancelled = app
        .post(
            &format!("/api/v1/inventories/{}/cancel", id(&inventory)),
            json!({}),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{:?}", cancelled.body);
    let after = move_stock(&app, issue(0)).await;
    assert_eq!(after.status, StatusCode::CREATED, "{:?}", after.body);
    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn reservations_are_all_or_nothing_and_end_once() {
    let app = spawn_app().await;
    let shop = shop(&app).await;
    let table = app.create_product("TABLE").await;
    receive(&app, &shop, "5").await;
    let line = |product: &str, quantity: &str| json!({"line_id": uuid::Uuid::new_v4(), "product_id": product, "quantity": quantity, "location_id": shop.stock});
    let short = app
        .post(
            "/api/v1/stock/reservations",
            json!({"lines": [line(&shop.product, "4"), line(&id(&table), "1"), line(&shop.product, "2")]}),
        )
        .await;
    assert_eq!(short.status, StatusCode::CONFLICT);
    assert_eq!(short.body["code"], "insufficient_stock");
    let items = short.body["details"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "every short line is named: {items:?}");
    assert!(items.iter().any(|i| i["product_id"] == id(&table).as_str()));
    assert_eq!(
        level(&app, &shop.product, &shop.stock).await["reserved"],
        "0",
        "nothing was reserved"
    );

    let reserved = app
        .create(
            "/api/v1/stock/reservations",
            json!({"lines": [line(&shop.product, "3"), line(&shop.product, "1")]}),
        )
        .await;
    let first = id(&reserved[0]);
    let second = id(&reserved[1]);
    assert_eq!(reserved[0]["status"], "active");
    let stock = level(&app, &shop.product, &shop.stock).await;
    assert_eq!(
        (&stock["reserved"], &stock["available"]),
        (&json!("4"), &json!("1"))
    );

    let blocked = move_stock(
        &app,
        json!({"type": "issue", "product_id": shop.product, "quantity": "2", "from_location_id": shop.stock}),
    )
    .await;
    assert_eq!(
        blocked.body["code"], "insufficient_stock",
        "reserved stock is not available"
    );

    let consumed = app
        .post(
            &format!("/api/v1/stock/reservations/{first}/consume"),
            json!({}),
        )
        .await;
    assert_eq!(consumed.status, StatusCode::OK, "{:?}", consumed.body);
    assert_eq!(consumed.body["reservation"]["status"], "consumed");
    assert_eq!(consumed.body["movement"]["type"], "issue");
    assert_eq!(consumed.body["movement"]["reservation_id"], first.as_str());
    let released = app
        .post(
            &format!("/api/v1/stock/reservations/{second}/release"),
            json!({}),
        )
        .await;
    assert_eq!(released.status, StatusCode::OK);
    let again = app
        .post(
            &format!("/api/v1/stock/reservations/{second}/consume"),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.body["code"], "invalid_transition");

    let stock = level(&app, &shop.product, &shop.stock).await;
    assert_eq!(
        (&stock["physical"], &stock["reserved"], &stock["available"]),
        (&json!("2"), &json!("0"), &json!("2"))
    );
    let active = app
        .get(&format!(
            "/api/v1/stock/reservations?product_id={}&status=active",
            shop.product
        ))
        .await;
    assert_eq!(active.body["total"], 0);
    let all = app
        .get(&format!(
            "/api/v1/stock/reservations?product_id={}",
            shop.product
        ))
        .await;
    assert_eq!(all.body["total"], 2);
    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "{out}");
}
