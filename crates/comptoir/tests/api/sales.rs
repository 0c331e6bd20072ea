use crate::helpers::{Reply, TestApp, comptoir, field_names, id, spawn_app};
use chrono::{Datelike, Days, NaiveDate, Utc};
use comptoir_db::Sql;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A warehouse, a stocked chair at 10.00 excl. VAT, a service, a client
/// paying at 30 days.
struct Shop {
    stock: String,
    chair: String,
    client: String,
}

async fn shop(app: &TestApp, chairs: &str) -> Shop {
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..6];
    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": format!("LYS-{suffix}"), "name": "Lyon"}),
        )
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let chair = id(&app.create_product(&format!("CHAISE-{suffix}")).await);
    if chairs != "0" {
        app.create(
            "/api/v1/stock/movements",
            json!({"type": "receipt", "product_id": chair, "quantity": chairs, "to_location_id": stock}),
        )
        .await;
    }
    let client = id(&app
        .create(
            "/api/v1/clients",
            json!({"name": format!("Brasserie {suffix}"), "payment_terms_days": 30}),
        )
        .await);
    Shop {
        stock,
        chair,
        client,
    }
}

fn year() -> i32 {
    Utc::now().date_naive().year()
}

async fn ok(app: &TestApp, path: &str) -> Value {
    let reply = app.post(path, json!({})).await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "POST {path}: {:?}",
        reply.body
    );
    reply.body
}

async fn level(app: &TestApp, shop: &Shop) -> (String, String) {
    let levels = app
        .get(&format!(
            "/api/v1/stock?product_id={}&location_id={}",
            shop.chair, shop.stock
        ))
        .await;
    let level = &levels.body["items"][0];
    (
        level["physical"].as_str().unwrap().to_owned(),
        level["reserved"].as_str().unwrap().to_owned(),
    )
}

fn events(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_sale_goes_from_quote_to_paid_invoice() {
    let app = spawn_app().await;
    let shop = shop(&app, "10").await;

    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": shop.client, "discount_percent": "10", "lines": [
                {"product_id": shop.chair, "quantity": "3"},
                {"description": "Installation", "quantity": "1", "unit_price": "50", "vat_rate": "20"},
            ]}),
        )
        .await;
    assert_eq!(quote["number"], format!("DEV-{}-00001", year()));
    assert_eq!(quote["status"], "draft");
    assert_eq!(quote["lines"][0]["total_excl_tax"], "30.00", "{quote}");
    assert_eq!(quote["discount_amount"], "8.00");
    assert_eq!(quote["total_excl_tax"], "72.00");
    assert_eq!(quote["total_tax"], "14.40");
    assert_eq!(quote["total_incl_tax"], "86.40");
    assert_eq!(quote["tax_breakdown"][0]["base"], "72.00");
    let valid_until =
        NaiveDate::parse_from_str(quote["valid_until"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(valid_until, Utc::now().date_naive() + Days::new(30));
    let quote_id = id(&quote);

    let refused = app
        .post(&format!("/api/v1/quotes/{quote_id}/accept"), json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.body["code"], "invalid_transition");
    assert_eq!(refused.body["message"], "a draft quote cannot be accepted");
    ok(&app, &format!("/api/v1/quotes/{quote_id}/send")).await;
    ok(&app, &format!("/api/v1/quotes/{quote_id}/accept")).await;
    let order = app
        .create(&format!("/api/v1/quotes/{quote_id}/convert"), json!({}))
        .await;
    assert_eq!(order["number"], format!("CMD-{}-00001", year()));
    assert_eq!(
        (order["status"].clone(), order["source_id"].clone()),
        (json!("draft"), json!(quote_id))
    );
    assert_eq!(order["total_incl_tax"], "86.40");
    let converted = app.get(&format!("/api/v1/quotes/{quote_id}")).await;
    assert_eq!(converted.body["status"], "converted");
    let order_id = id(&order);
    assert_eq!(
        app.get(&format!("/api/v1/quotes/{order_id}")).await.status,
        StatusCode::NOT_FOUND,
        "an order is not a quote"
    );

    let confirmed = ok(&app, &format!("/api/v1/orders/{order_id}/confirm")).await;
    assert_eq!(confirmed["status"], "confirmed");
    assert_eq!(level(&app, &shop).await, ("10".into(), "3".into()));
    let chair_line = id(&confirmed["lines"][0]);
    let service_line = id(&confirmed["lines"][1]);

    let too_much = app
        .post(
            &format!("/api/v1/orders/{order_id}/deliveries"),
            json!({"lines": [{"line_id": chair_line, "quantity": "4"}]}),
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&too_much.body), ["lines[0].quantity"]);
    let first = app
        .create(
            &format!("/api/v1/orders/{order_id}/deliveries"),
            json!({"lines": [{"line_id": chair_line, "quantity": "2"}]}),
        )
        .await;
    assert_eq!(first["number"], format!("BL-{}-00001", year()));
    assert_eq!(first["order"]["status"], "partially_delivered");
    assert_eq!(level(&app, &shop).await, ("8".into(), "1".into()));

    let first_invoice = app
        .create(&format!("/api/v1/orders/{order_id}/invoice"), json!({}))
        .await;
    assert_eq!(first_invoice["number"], Value::Null);
    assert_eq!(first_invoice["status"], "draft");
    assert_eq!(first_invoice["lines"].as_array().unwrap().len(), 1);
    assert_eq!(first_invoice["total_excl_tax"], "18.00");

    let rest = app
        .create(
            &format!("/api/v1/orders/{order_id}/deliveries"),
            json!({"lines": [{"line_id": chair_line, "quantity": "1"}, {"line_id": service_line, "quantity": "1"}]}),
        )
        .await;
    assert_eq!(rest["order"]["status"], "delivered");
    assert_eq!(level(&app, &shop).await, ("7".into(), "0".into()));
    let second_invoice = app
        .create(&format!("/api/v1/orders/{order_id}/invoice"), json!({}))
        .await;
    assert_eq!(second_invoice["total_excl_tax"], "54.00");
    let invoiced = app.get(&format!("/api/v1/orders/{order_id}")).await;
    assert_eq!(invoiced.body["status"], "invoiced");
    assert_eq!(invoiced.body["deliveries"].as_array().unwrap().len(), 2);

    let invoice_id = id(&second_invoice);
    let issued = ok(&app, &format!("/api/v1/invoices/{invoice_id}/issue")).await;
    let today = Utc::now().date_naive();
    assert_eq!(issued["number"], format!("FAC-{}-00001", year()));
    assert_eq!(issued["issue_date"], today.to_string());
    assert_eq!(issued["due_date"], (today + Days::new(30)).to_string());
    assert_eq!(issued["total_incl_tax"], "64.80");
    assert_eq!(issued["balance_due"], "64.80");
    assert_eq!(issued["overdue"], false);
    let again = app
        .post(&format!("/api/v1/invoices/{invoice_id}/issue"), json!({}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let edit = app
        .send(
            Method::PUT,
            &format!("/api/v1/invoices/{invoice_id}"),
            Some(&app.admin_token),
            Some(json!({"client_id": shop.client, "lines": [{"description": "x", "quantity": "1", "unit_price": "1", "vat_rate": "20"}]})),
            &[],
        )
        .await;
    assert_eq!(edit.status, StatusCode::CONFLICT, "{:?}", edit.body);
    assert_eq!(edit.body["code"], "invalid_transition");

    let pay =
        |amount: &str| json!({"amount": amount, "method": "transfer", "reference": "VIR-778"});
    let partial = app
        .create(
            &format!("/api/v1/invoices/{invoice_id}/payments"),
            pay("60"),
        )
        .await;
    assert_eq!(partial["invoice"]["status"], "partially_paid");
    assert_eq!(partial["invoice"]["balance_due"], "4.80");
    let over = app
        .post(&format!("/api/v1/invoices/{invoice_id}/payments"), pay("5"))
        .await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        over.body["details"]["fields"][0]["message"],
        "more than the balance due of 4.80"
    );
    let paid = app
        .create(
            &format!("/api/v1/invoices/{invoice_id}/payments"),
            pay("4.80"),
        )
        .await;
    assert_eq!(paid["invoice"]["status"], "paid");
    assert_eq!(paid["invoice"]["amount_paid"], "64.80");
    let payments = app
        .get(&format!("/api/v1/invoices/{invoice_id}/payments"))
        .await;
    assert_eq!(payments.body.as_array().unwrap().len(), 2);

    let order_events = app
        .get(&format!(
            "/api/v1/events?subject_type=order&subject_id={order_id}"
        ))
        .await;
    assert_eq!(
        events(&order_events.body),
        [
            "order_created",
            "order_confirmed",
            "delivery_done",
            "delivery_done",
            "order_invoiced"
        ]
    );
    let invoice_events = app
        .get(&format!("/api/v1/events?subject_id={invoice_id}"))
        .await;
    assert_eq!(
        events(&invoice_events.body),
        [
            "invoice_created",
            "invoice_issued",
            "payment_received",
            "payment_received",
            "invoice_paid"
        ]
    );
    let client_events = app
        .get(&format!(
            "/api/v1/events?client_id={}&page_size=200",
            shop.client
        ))
        .await;
    assert_eq!(
        client_events.body["total"],
        15,
        "{:?}",
        events(&client_events.body)
    );

    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn the_database_refuses_to_change_an_issued_invoice() {
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let draft = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": shop.client, "lines": [{"description": "Conseil", "quantity": "2", "unit_price": "400", "vat_rate": "20"}]}),
        )
        .await;
    let invoice = id(&draft);
    let uuid = uuid::Uuid::parse_str(&invoice).unwrap();
    app.db
        .execute(
            Sql::new("UPDATE sales_documents SET notes = 'draft can change' WHERE id = $1")
                .bind(uuid),
        )
        .await
        .expect("a draft is not frozen");
    ok(&app, &format!("/api/v1/invoices/{invoice}/issue")).await;
    for statement in [
        "UPDATE sales_documents SET total_incl_tax = 0 WHERE id = $1",
        "UPDATE sales_documents SET number = 'FAC-0000-00000' WHERE id = $1",
        "DELETE FROM sales_documents WHERE id = $1",
        "UPDATE sales_lines SET unit_price = 0 WHERE document_id = $1",
        "DELETE FROM sales_lines WHERE document_id = $1",
    ] {
        assert!(
            app.db
                .execute(Sql::new(statement).bind(uuid))
                .await
                .is_err(),
            "{statement}"
        );
    }
    let unchanged = app.get(&format!("/api/v1/invoices/{invoice}")).await;
    assert_eq!(unchanged.body["total_incl_tax"], "960.00");
    assert_eq!(unchanged.body["notes"], "draft can change");
}

#[tokio::test]
async fn drafts_report_every_bad_field_and_versions_keep_the_number() {
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let bad = app
        .post(
            "/api/v1/quotes",
            json!({"lines": [
                {"product_id": uuid::Uuid::new_v4(), "quantity": "1"},
                {"description": "Main-d'œuvre", "quantity": "0", "unit_price": "-1"},
                {"product_id": shop.chair, "quantity": "1.0001", "discount_percent": "120"},
            ]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_names(&bad.body),
        [
            "client_id",
            "lines[0].product_id",
            "lines[1].quantity",
            "lines[1].unit_price",
            "lines[2].quantity",
            "lines[2].discount_percent",
        ]
    );
    let huge = app
        .post(
            "/api/v1/quotes",
            json!({"client_id": shop.client, "lines": [
                {"product_id": shop.chair, "quantity": "999999999999", "unit_price": "999999999999"},
                {"product_id": shop.chair, "quantity": "999999", "unit_price": "999999"},
                {"product_id": shop.chair, "quantity": "999999", "unit_price": "999999"},
            ]}),
        )
        .await;
    assert_eq!(
        huge.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        huge.body
    );
    assert_eq!(field_names(&huge.body), ["lines[0].quantity", "lines"]);
    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": shop.client, "lines": [{"product_id": shop.chair, "quantity": "2"}]}),
        )
        .await;
    let quote_id = id(&quote);
    let number = quote["number"].as_str().unwrap().to_owned();
    ok(&app, &format!("/api/v1/quotes/{quote_id}/send")).await;
    let second = app
        .create(&format!("/api/v1/quotes/{quote_id}/version"), json!({}))
        .await;
    assert_eq!(second["number"], format!("{number}-v2"));
    assert_eq!(second["status"], "draft");
    assert_eq!(second["total_excl_tax"], "20.00");
    let old = app.get(&format!("/api/v1/quotes/{quote_id}")).await;
    assert_eq!(old.body["status"], "superseded");
    let edit_old = app
        .send(
            Method::PUT,
            &format!("/api/v1/quotes/{quote_id}"),
            Some(&app.admin_token),
            Some(json!({"client_id": shop.client, "lines": [{"product_id": shop.chair, "quantity": "1"}]})),
            &[],
        )
        .await;
    assert_eq!(edit_old.status, StatusCode::CONFLICT);
    assert_eq!(
        edit_old.body["message"],
        "a superseded quote cannot be changed"
    );
    let third = app
        .create(
            &format!("/api/v1/quotes/{}/version", id(&second)),
            json!({}),
        )
        .await;
    assert_eq!(third["number"], format!("{number}-v3"));
}

/// Fires one POST per path at once, spread over `servers`; returns the
/// replies in the order of `paths`.
async fn at_once(app: &TestApp, servers: &[String], paths: &[String]) -> Vec<(StatusCode, Value)> {
    let mut tasks = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let request = app
            .client
            .post(format!("{}{path}", servers[i % servers.len()]))
            .bearer_auth(&app.admin_token)
            .json(&json!({}));
        tasks.push(tokio::spawn(async move {
            let reply = request.send().await.expect("request");
            let status = reply.status();
            (status, reply.json::<Value>().await.unwrap_or(Value::Null))
        }));
    }
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.unwrap());
    }
    replies
}

#[tokio::test]
async fn a_hundred_concurrent_confirmations_reserve_exactly_the_thirty_in_stock() {
    let app = spawn_app().await;
    let shop = shop(&app, "30").await;
    let mut paths = Vec::new();
    for _ in 0..100 {
        let order = app
            .create(
                "/api/v1/orders",
                json!({"client_id": shop.client, "lines": [{"product_id": shop.chair, "quantity": "1"}]}),
            )
            .await;
        paths.push(format!("/api/v1/orders/{}/confirm", id(&order)));
    }
    let replies = at_once(&app, std::slice::from_ref(&app.address), &paths).await;
    let confirmed = replies.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    let short: Vec<&Value> = replies
        .iter()
        .filter(|(s, _)| *s == StatusCode::CONFLICT)
        .map(|(_, body)| body)
        .collect();
    assert_eq!((confirmed, short.len()), (30, 70), "{replies:?}");
    assert!(short.iter().all(|body| body["code"] == "insufficient_stock"
        && body["details"]["items"][0]["product_id"] == shop.chair.as_str()));
    assert_eq!(level(&app, &shop).await, ("30".into(), "30".into()));
    let drafts = app
        .get(&format!(
            "/api/v1/orders?client_id={}&status=draft",
            shop.client
        ))
        .await;
    assert_eq!(drafts.body["total"], 70, "refused orders stay drafts");
    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn order_lines_ship_from_the_warehouse_stock_location_shown_on_the_draft() {
    let app = spawn_app().await;
    let lamp = id(&app.create_product("LAMPE-PLACEE").await);
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Hôtel du Parc"}))
        .await);
    let lines = json!([
        {"product_id": lamp, "quantity": "2"},
        {"description": "Livraison", "quantity": "1", "unit_price": "15", "vat_rate": "20"}
    ]);
    let order = || {
        app.create(
            "/api/v1/orders",
            json!({"client_id": client, "lines": lines}),
        )
    };
    let early = order().await;
    assert_eq!(
        early["lines"][0]["location_id"],
        Value::Null,
        "no warehouse yet: nowhere to ship from"
    );

    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "PARC", "name": "Parc"}),
        )
        .await;
    let stock = warehouse["default_location_id"].as_str().unwrap();
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": lamp, "quantity": "10", "to_location_id": stock}),
    )
    .await;
    let draft = order().await;
    assert_eq!(draft["lines"][0]["location_id"], stock, "{draft}");
    assert_eq!(
        draft["lines"][1]["location_id"],
        Value::Null,
        "a free-text line ships from nowhere"
    );
    let edited = app
        .send(
            Method::PUT,
            &format!("/api/v1/orders/{}", id(&draft)),
            Some(&app.admin_token),
            Some(json!({"client_id": client, "lines": [{"product_id": lamp, "quantity": "3"}]})),
            &[],
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{:?}", edited.body);
    assert_eq!(edited.body["lines"][0]["location_id"], stock);

    let mut confirmed = Value::Null;
    for order in [&early, &draft] {
        confirmed = ok(&app, &format!("/api/v1/orders/{}/confirm", id(order))).await;
        assert_eq!(confirmed["lines"][0]["location_id"], stock, "{confirmed}");
    }
    let levels = app
        .get(&format!(
            "/api/v1/stock?product_id={lamp}&location_id={stock}"
        ))
        .await;
    assert_eq!(levels.body["items"][0]["reserved"], "5");
    let audited = app
        .get(&format!(
            "/api/v1/audit?resource_type=order&resource_id={}",
            id(&draft)
        ))
        .await;
    let actions: Vec<&str> = audited.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap())
        .collect();
    assert_eq!(audited.body["total"], 3, "{actions:?}");
    let entry = audited.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "order_confirmed")
        .expect("the confirmation is audited");
    assert_eq!(entry["before"]["status"], "draft");
    assert_eq!(entry["before"]["version"], edited.body["version"]);
    let order_fields = |document: &Value| {
        let mut fields = document.as_object().unwrap().clone();
        fields.retain(|name, _| !["lines", "tax_breakdown", "deliveries"].contains(&name.as_str()));
        Value::Object(fields)
    };
    assert_eq!(
        entry["after"],
        order_fields(&confirmed),
        "the entry holds the order as the confirmation left it"
    );
    let events = app
        .get(&format!("/api/v1/events?subject_id={}", id(&draft)))
        .await;
    let confirmation = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|event| event["event_type"] == "order_confirmed")
        .expect("the confirmation's event");
    assert_eq!(confirmation["data"]["status"], "confirmed");
    assert_eq!(confirmation["data"]["number"], confirmed["number"]);
}

#[tokio::test]
async fn orders_of_several_lines_reserve_all_or_nothing_whatever_their_line_order() {
    let app = spawn_app().await;
    let shop = shop(&app, "20").await;
    let stool = id(&app.create_product("TABOURET-LIGNES").await);
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": stool, "quantity": "20", "to_location_id": shop.stock}),
    )
    .await;
    // Half the orders list the chair first, half the stool first: the
    // levels are still locked in one order, so none deadlocks.
    let mut paths = Vec::new();
    for i in 0..40 {
        let (first, second) = if i % 2 == 0 {
            (&shop.chair, &stool)
        } else {
            (&stool, &shop.chair)
        };
        let order = app
            .create(
                "/api/v1/orders",
                json!({"client_id": shop.client, "lines": [
                    {"product_id": first, "quantity": "1"},
                    {"product_id": second, "quantity": "1"}
                ]}),
            )
            .await;
        paths.push(format!("/api/v1/orders/{}/confirm", id(&order)));
    }
    let replies = at_once(&app, std::slice::from_ref(&app.address), &paths).await;
    let statuses: Vec<StatusCode> = replies.iter().map(|(status, _)| *status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        20,
        "{replies:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        20,
        "{replies:?}"
    );
    assert_eq!(level(&app, &shop).await, ("20".into(), "20".into()));
    let confirmed = replies.iter().find(|(s, _)| *s == StatusCode::OK).unwrap();
    let lines = confirmed.1["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert!(
        lines
            .iter()
            .all(|line| line["location_id"] == shop.stock.as_str()),
        "the reply shows where each line is reserved: {lines:?}"
    );
    assert_eq!(confirmed.1["status"], "confirmed");
    assert_eq!(confirmed.1["deliveries"], json!([]));

    // Two lines of one product add up against its level.
    let lamp = id(&app.create_product("LAMPE-LIGNES").await);
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": lamp, "quantity": "3", "to_location_id": shop.stock}),
    )
    .await;
    let other = Shop {
        stock: shop.stock.clone(),
        chair: lamp,
        client: shop.client.clone(),
    };
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": other.client, "lines": [
                {"product_id": other.chair, "quantity": "2"},
                {"product_id": other.chair, "quantity": "2"}
            ]}),
        )
        .await;
    let path = format!("/api/v1/orders/{}/confirm", id(&order));
    let short = app.post(&path, json!({})).await;
    assert_eq!(short.status, StatusCode::CONFLICT, "{:?}", short.body);
    assert_eq!(short.body["details"]["items"][0]["requested"], "4");
    assert_eq!(short.body["details"]["items"][0]["available"], "3");
    assert_eq!(level(&app, &other).await, ("3".into(), "0".into()));
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": other.chair, "quantity": "1", "to_location_id": other.stock}),
    )
    .await;
    let confirmed = app.post(&path, json!({})).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    assert_eq!(level(&app, &other).await, ("4".into(), "4".into()));
    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "{out}");
}

async fn draft_invoices(app: &TestApp, client: &str, n: usize) -> Vec<String> {
    let mut paths = Vec::new();
    for i in 0..n {
        let invoice = app
            .create(
                "/api/v1/invoices",
                json!({"client_id": client, "lines": [{"description": format!("Prestation {i}"), "quantity": "1", "unit_price": "100", "vat_rate": "20"}]}),
            )
            .await;
        paths.push(format!("/api/v1/invoices/{}/issue", id(&invoice)));
    }
    paths
}

fn numbers(replies: &[(StatusCode, Value)]) -> Vec<String> {
    let mut numbers: Vec<String> = replies
        .iter()
        .map(|(status, body)| {
            assert_eq!(*status, StatusCode::OK, "{body}");
            body["number"].as_str().unwrap().to_owned()
        })
        .collect();
    numbers.sort();
    numbers
}

#[tokio::test]
async fn invoices_issued_concurrently_get_every_number_once_even_from_two_processes() {
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let expected = |range: std::ops::RangeInclusive<u32>| -> Vec<String> {
        range.map(|n| format!("FAC-{}-{n:05}", year())).collect()
    };
    let paths = draft_invoices(&app, &shop.client, 200).await;
    let replies = at_once(&app, std::slice::from_ref(&app.address), &paths).await;
    assert_eq!(numbers(&replies), expected(1..=200));

    let second = app.second_process().await;
    let servers = [app.address.clone(), second.address.clone()];
    let paths = draft_invoices(&app, &shop.client, 200).await;
    let replies = at_once(&app, &servers, &paths).await;
    assert_eq!(numbers(&replies), expected(201..=400));
    let chain = app.get("/api/v1/compliance/chain").await;
    assert_eq!(chain.body["status"], "ok", "{:?}", chain.body);
    assert_eq!(chain.body["verified"], 400);
}

async fn post_with_key(app: &TestApp, path: &str, key: &str, body: Value) -> Reply {
    app.send(
        Method::POST,
        path,
        Some(&app.admin_token),
        Some(body),
        &[("Idempotency-Key", key)],
    )
    .await
}

#[tokio::test]
async fn a_retried_confirmation_or_payment_acts_once() {
    let app = spawn_app().await;
    let shop = shop(&app, "5").await;
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": shop.client, "lines": [{"product_id": shop.chair, "quantity": "2"}]}),
        )
        .await;
    let confirm = format!("/api/v1/orders/{}/confirm", id(&order));
    let first = post_with_key(&app, &confirm, "confirm-1", json!({})).await;
    let retry = post_with_key(&app, &confirm, "confirm-1", json!({})).await;
    assert_eq!(
        (first.status, retry.status),
        (StatusCode::OK, StatusCode::OK)
    );
    assert_eq!(first.body, retry.body);
    assert_eq!(level(&app, &shop).await, ("5".into(), "2".into()));

    let invoice = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": shop.client, "lines": [{"product_id": shop.chair, "quantity": "3"}]}),
        )
        .await;
    let invoice_id = id(&invoice);
    ok(&app, &format!("/api/v1/invoices/{invoice_id}/issue")).await;
    let pay = format!("/api/v1/invoices/{invoice_id}/payments");
    let body = json!({"amount": "10", "method": "card"});
    let first = post_with_key(&app, &pay, "pay-1", body.clone()).await;
    let retry = post_with_key(&app, &pay, "pay-1", body).await;
    assert_eq!(
        (first.status, retry.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_eq!(first.body["id"], retry.body["id"]);
    let other = post_with_key(
        &app,
        &pay,
        "pay-1",
        json!({"amount": "11", "method": "card"}),
    )
    .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    let after = app.get(&format!("/api/v1/invoices/{invoice_id}")).await;
    assert_eq!(after.body["amount_paid"], "10.00");
    assert_eq!(after.body["balance_due"], "26.00");
}

#[tokio::test]
async fn confirmation_checks_the_credit_limit_and_only_a_manager_overrides_it() {
    let app = spawn_app().await;
    let shop = shop(&app, "100").await;
    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Traiteur Lumière", "credit_limit": "100"}),
        )
        .await;
    let unpaid = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": id(&client), "lines": [{"product_id": shop.chair, "quantity": "6"}]}),
        )
        .await;
    ok(&app, &format!("/api/v1/invoices/{}/issue", id(&unpaid))).await;
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": id(&client), "lines": [{"product_id": shop.chair, "quantity": "3"}]}),
        )
        .await;
    let confirm = format!("/api/v1/orders/{}/confirm", id(&order));
    let refused = app.post(&confirm, json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.body["code"], "credit_limit_exceeded");
    assert_eq!(refused.body["details"]["open_receivables"], "72.00");
    assert_eq!(refused.body["details"]["order_total"], "36.00");
    let sales = app.user_token("vendeur@example.com", "sales").await;
    let by_sales = app
        .send(
            Method::POST,
            &confirm,
            Some(&sales),
            Some(json!({"override_credit": true})),
            &[],
        )
        .await;
    assert_eq!(by_sales.body["code"], "credit_limit_exceeded");
    let manager = app.user_token("direction@example.com", "manager").await;
    let by_manager = app
        .send(
            Method::POST,
            &confirm,
            Some(&manager),
            Some(json!({"override_credit": true})),
            &[],
        )
        .await;
    assert_eq!(by_manager.status, StatusCode::OK, "{:?}", by_manager.body);
    assert_eq!(by_manager.body["status"], "confirmed");
    let cancelled = ok(&app, &confirm.replace("confirm", "cancel")).await;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(level(&app, &shop).await, ("100".into(), "0".into()));
}

#[tokio::test]
async fn credit_notes_take_back_what_was_invoiced_in_their_own_series() {
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let invoice = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": shop.client, "lines": [
                {"product_id": shop.chair, "quantity": "3"},
                {"description": "Conseil", "quantity": "1", "unit_price": "100", "vat_rate": "20"},
            ]}),
        )
        .await;
    let invoice_id = id(&invoice);
    let credit = format!("/api/v1/invoices/{invoice_id}/credit-notes");
    assert_eq!(
        app.post(&credit, json!({})).await.status,
        StatusCode::CONFLICT,
        "a draft cannot be credited"
    );
    let issued = ok(&app, &format!("/api/v1/invoices/{invoice_id}/issue")).await;
    assert_eq!(issued["total_incl_tax"], "156.00");
    app.create(
        &format!("/api/v1/invoices/{invoice_id}/payments"),
        json!({"amount": "10", "method": "cash"}),
    )
    .await;
    let chair_line = id(&issued["lines"][0]);

    let first = app
        .create(
            &credit,
            json!({"lines": [{"line_id": chair_line, "quantity": "1"}], "notes": "Chaise abîmée"}),
        )
        .await;
    assert_eq!(first["number"], format!("AV-{}-00001", year()));
    assert_eq!(first["status"], "issued");
    assert_eq!(first["source_id"], invoice_id.as_str());
    assert_eq!(first["total_incl_tax"], "12.00");
    let after_first = app.get(&format!("/api/v1/invoices/{invoice_id}")).await;
    assert_eq!(after_first.body["status"], "partially_paid");
    assert_eq!(after_first.body["amount_credited"], "12.00");
    assert_eq!(after_first.body["balance_due"], "134.00");

    let too_much = app
        .post(
            &credit,
            json!({"lines": [{"line_id": chair_line, "quantity": "3"}]}),
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        too_much.body["details"]["fields"][0]["message"],
        "more than invoiced: 2 can still be credited on this line"
    );
    let rest = app.create(&credit, json!({})).await;
    assert_eq!(rest["number"], format!("AV-{}-00002", year()));
    assert_eq!(rest["total_incl_tax"], "144.00");
    let settled = app.get(&format!("/api/v1/invoices/{invoice_id}")).await;
    assert_eq!(settled.body["status"], "credited");
    assert_eq!(
        (
            settled.body["balance_due"].clone(),
            settled.body["refund_due"].clone()
        ),
        (json!("0.00"), json!("10.00")),
        "the cash paid is owed back, and nothing is due"
    );
    assert_eq!(
        (
            settled.body["lines"][0]["credited_quantity"].clone(),
            settled.body["lines"][1]["credited_quantity"].clone()
        ),
        (json!("3"), json!("1"))
    );
    let payment = app
        .post(
            &format!("/api/v1/invoices/{invoice_id}/payments"),
            json!({"amount": "1", "method": "cash"}),
        )
        .await;
    assert_eq!(payment.status, StatusCode::CONFLICT);
    assert_eq!(
        app.post(&credit, json!({})).await.status,
        StatusCode::CONFLICT
    );

    let listed = app
        .get(&format!("/api/v1/credit-notes?client_id={}", shop.client))
        .await;
    assert_eq!(listed.body["total"], 2);
    let note = app
        .get(&format!("/api/v1/credit-notes/{}", id(&first)))
        .await;
    assert_eq!(note.body["notes"], "Chaise abîmée");
    assert_eq!(
        app.get(&format!("/api/v1/credit-notes/{invoice_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let frozen = uuid::Uuid::parse_str(&id(&first)).unwrap();
    assert!(
        app.db
            .execute(
                Sql::new("UPDATE sales_documents SET total_incl_tax = 0 WHERE id = $1")
                    .bind(frozen)
            )
            .await
            .is_err()
    );
    let events = app
        .get(&format!(
            "/api/v1/events?subject_id={invoice_id}&event_type=invoice_credited"
        ))
        .await;
    assert_eq!(events.body["total"], 2);
}

async fn issued_invoice(app: &TestApp, client: &str, unit_price: &str) -> Value {
    let draft = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": client, "lines": [{"description": "Location de salle", "quantity": "2", "unit_price": unit_price, "vat_rate": "20"}]}),
        )
        .await;
    ok(app, &format!("/api/v1/invoices/{}/issue", id(&draft))).await
}

#[tokio::test]
async fn the_chain_detects_an_issued_invoice_changed_behind_the_apps_back() {
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let first = issued_invoice(&app, &shop.client, "100").await;
    let second = issued_invoice(&app, &shop.client, "50").await;
    app.create(
        &format!("/api/v1/invoices/{}/payments", id(&second)),
        json!({"amount": "20", "method": "check", "reference": "CHQ 1234567"}),
    )
    .await;
    let chain = app.get("/api/v1/compliance/chain").await;
    assert_eq!(chain.body["status"], "ok", "{:?}", chain.body);
    assert_eq!(chain.body["verified"], 3);
    let (ok_before, out) = comptoir(&app.database_url, &["verify-chain"]);
    assert!(ok_before, "{out}");
    assert!(out.contains("OK: 3 sales records verified"), "{out}");

    let tamper = "UPDATE sales_documents SET total_incl_tax = 10000 WHERE id = $1";
    let first_id = uuid::Uuid::parse_str(&id(&first)).unwrap();
    if app.database_url.starts_with("postgres") {
        for statement in [
            "ALTER TABLE sales_documents DISABLE TRIGGER sales_documents_issued_frozen",
            tamper,
            "ALTER TABLE sales_documents ENABLE TRIGGER sales_documents_issued_frozen",
        ] {
            app.db
                .execute(Sql::new(statement).bind(first_id))
                .await
                .unwrap();
        }
    } else {
        app.db
            .execute(Sql::new("DROP TRIGGER sales_documents_issued_frozen"))
            .await
            .unwrap();
        app.db
            .execute(Sql::new(tamper).bind(first_id))
            .await
            .unwrap();
    }
    let chain = app.get("/api/v1/compliance/chain").await;
    assert_eq!(chain.body["status"], "broken");
    assert_eq!(chain.body["verified"], 0);
    let broken = &chain.body["first_broken"];
    assert_eq!(broken["record_id"], id(&first).as_str());
    assert_eq!(broken["record_type"], "invoice");
    assert_eq!(
        broken["reason"],
        "the record was changed after it was chained"
    );
    let (ok_after, out) = comptoir(&app.database_url, &["verify-chain"]);
    assert!(!ok_after);
    assert!(
        out.contains(&format!("BROKEN: organization {}", app.organization_id))
            && out.contains(&id(&first)),
        "{out}"
    );
}

#[tokio::test]
async fn a_closed_period_keeps_its_totals_and_refuses_new_issues() {
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let invoice = issued_invoice(&app, &shop.client, "100").await;
    let line = id(&invoice["lines"][0]);
    app.create(
        &format!("/api/v1/invoices/{}/credit-notes", id(&invoice)),
        json!({"lines": [{"line_id": line, "quantity": "1"}]}),
    )
    .await;
    let draft = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": shop.client, "lines": [{"description": "Ménage", "quantity": "1", "unit_price": "80", "vat_rate": "20"}]}),
        )
        .await;

    let bad = app
        .post("/api/v1/compliance/closings", json!({"period": "2026-13"}))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let today = Utc::now().date_naive();
    let month = format!("{:04}-{:02}", today.year(), today.month());
    for not_over in [
        month.clone(),
        "2099-01".to_owned(),
        today.year().to_string(),
    ] {
        let early = app
            .post("/api/v1/compliance/closings", json!({"period": not_over}))
            .await;
        assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{not_over}");
        assert_eq!(field_names(&early.body), ["period"]);
    }
    let manager = app.user_token("manager@closing.test", "manager").await;
    let last_month = today.with_day(1).unwrap().pred_opt().unwrap();
    let last_month = format!("{:04}-{:02}", last_month.year(), last_month.month());
    let by_manager = app
        .send(
            Method::POST,
            "/api/v1/compliance/closings",
            Some(&manager),
            Some(json!({"period": last_month})),
            &[],
        )
        .await;
    assert_eq!(by_manager.status, StatusCode::FORBIDDEN);
    let previous = app
        .create("/api/v1/compliance/closings", json!({"period": last_month}))
        .await;
    assert_eq!(previous["document_count"], 0);
    let again = app
        .post("/api/v1/compliance/closings", json!({"period": last_month}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // The API closes only what is over; the storage layer is how this
    // test gets a closed period that issues and payments still fall in.
    let mut tx = app.db.begin().await.unwrap();
    let admin = app.get("/api/v1/auth/me").await;
    let closing = comptoir_db::compliance::close(
        &mut tx,
        app.organization_id,
        comptoir_domain::compliance::Period::parse(&month).unwrap(),
        id(&admin.body["user"]).parse().unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    let closing = serde_json::to_value(&closing).unwrap();
    assert_eq!(closing["document_count"], 2);
    assert_eq!(closing["total_excl_tax"], "100.00");
    assert_eq!(closing["total_tax"], "20.00");
    assert_eq!(closing["total_incl_tax"], "120.00");
    assert_eq!(closing["cumulative_incl_tax"], "120.00");

    let refused = app
        .post(&format!("/api/v1/invoices/{}/issue", id(&draft)), json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{:?}", refused.body);
    assert_eq!(refused.body["details"]["closed_period"], month.as_str());
    let still = app.get(&format!("/api/v1/invoices/{}", id(&draft))).await;
    assert_eq!(
        (still.body["status"].clone(), still.body["number"].clone()),
        (json!("draft"), Value::Null)
    );
    let payment = app
        .post(
            &format!("/api/v1/invoices/{}/payments", id(&invoice)),
            json!({"amount": "10", "method": "cash"}),
        )
        .await;
    assert_eq!(payment.body["details"]["closed_period"], month.as_str());

    let closings = app.get("/api/v1/compliance/closings").await;
    assert_eq!(closings.body.as_array().unwrap().len(), 2);
    let chain = app.get("/api/v1/compliance/chain").await;
    assert_eq!(
        (chain.body["status"].clone(), chain.body["verified"].clone()),
        (json!("ok"), json!(4))
    );
}

async fn events_of(app: &TestApp, subject: &Value, event_type: &str) -> Value {
    app.get(&format!(
        "/api/v1/events?subject_id={}&event_type={event_type}",
        id(subject)
    ))
    .await
    .body
}

#[tokio::test]
async fn sent_quotes_expire_and_get_each_reminder_once_whatever_the_instances() {
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let line = json!([{"product_id": shop.chair, "quantity": "1"}]);
    let past = json!({"client_id": shop.client, "issue_date": "2026-01-05", "valid_until": "2026-02-04", "lines": line});
    let stale = app.create("/api/v1/quotes", past.clone()).await;
    let stale_draft = app.create("/api/v1/quotes", past).await;
    let unanswered = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": shop.client, "lines": line}),
        )
        .await;
    let recent = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": shop.client, "lines": line}),
        )
        .await;
    for quote in [&stale, &unanswered, &recent] {
        ok(&app, &format!("/api/v1/quotes/{}/send", id(quote))).await;
    }
    let sixteen_days_ago = Utc::now() - chrono::Duration::days(16);
    app.db
        .execute(
            Sql::new("UPDATE business_events SET occurred_at = $1 WHERE subject_id = $2 AND event_type = 'quote_sent'")
                .bind(sixteen_days_ago)
                .bind(uuid::Uuid::parse_str(&id(&unanswered)).unwrap()),
        )
        .await
        .unwrap();

    // A second instance runs the job as it starts, while this one runs it
    // eight times at once.
    let (second, outcomes) = tokio::join!(
        app.second_process(),
        futures_util::future::join_all(
            (0..8).map(|_| comptoir_services::sales::sweep_quotes(&app.db))
        )
    );
    assert!(outcomes.iter().all(Result::is_ok));
    drop(second);

    let expired = app.get(&format!("/api/v1/quotes/{}", id(&stale))).await;
    assert_eq!(expired.body["status"], "expired");
    assert_eq!(events_of(&app, &stale, "quote_expired").await["total"], 1);
    let draft = app
        .get(&format!("/api/v1/quotes/{}", id(&stale_draft)))
        .await;
    assert_eq!(draft.body["status"], "draft", "only sent quotes expire");

    let reminders = events_of(&app, &unanswered, "quote_reminder_due").await;
    let mut days: Vec<u64> = reminders["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["data"]["days"].as_u64().unwrap())
        .collect();
    days.sort();
    assert_eq!(days, [7, 15], "each reminder exactly once");
    assert_eq!(
        events_of(&app, &recent, "quote_reminder_due").await["total"],
        0
    );
    let still = app
        .get(&format!("/api/v1/quotes/{}", id(&unanswered)))
        .await;
    assert_eq!(still.body["status"], "sent");
}

#[tokio::test]
async fn returned_goods_go_back_to_stock_and_what_was_billed_gets_a_credit_note() {
    let app = spawn_app().await;
    let shop = shop(&app, "10").await;
    let warehouse = app
        .get(&format!("/api/v1/locations/{}", shop.stock))
        .await
        .body["warehouse_id"]
        .clone();
    let returns = app
        .create(
            "/api/v1/locations",
            json!({"warehouse_id": warehouse, "code": "RETOURS", "name": "Retours clients", "kind": "returns"}),
        )
        .await;
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": shop.client, "lines": [{"product_id": shop.chair, "quantity": "5"}]}),
        )
        .await;
    let order_id = id(&order);
    let line = id(&order["lines"][0]);
    ok(&app, &format!("/api/v1/orders/{order_id}/confirm")).await;
    app.create(
        &format!("/api/v1/orders/{order_id}/deliveries"),
        json!({"lines": [{"line_id": line, "quantity": "4"}]}),
    )
    .await;
    let invoice = app
        .create(&format!("/api/v1/orders/{order_id}/invoice"), json!({}))
        .await;
    ok(&app, &format!("/api/v1/invoices/{}/issue", id(&invoice))).await;
    let path = format!("/api/v1/orders/{order_id}/returns");

    let bad = app
        .post(
            &path,
            json!({"reason": "broken", "lines": [{"line_id": line, "quantity": "5"}]}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&bad.body), ["reason", "lines[0].quantity"]);

    let returned = app
        .create(
            &path,
            json!({"reason": "defect", "lines": [{"line_id": line, "quantity": "3"}]}),
        )
        .await;
    assert_eq!(returned["restock"], true);
    let movement = returned["lines"][0]["movement_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let movements = app
        .get(&format!(
            "/api/v1/stock/movements?product_id={}&type=receipt",
            shop.chair
        ))
        .await;
    let receipt = movements.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == movement.as_str())
        .expect("the restocking receipt")
        .clone();
    assert_eq!(receipt["to_location_id"], id(&returns).as_str());
    assert_eq!(receipt["quantity"], "3");
    let drafts = returned["credit_notes"].as_array().unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(
        (drafts[0]["status"].clone(), drafts[0]["number"].clone()),
        (json!("draft"), Value::Null)
    );
    assert_eq!(drafts[0]["total_incl_tax"], "36.00");
    let issued = ok(
        &app,
        &format!("/api/v1/credit-notes/{}/issue", id(&drafts[0])),
    )
    .await;
    assert_eq!(issued["number"], format!("AV-{}-00001", year()));
    let invoice_after = app.get(&format!("/api/v1/invoices/{}", id(&invoice))).await;
    assert_eq!(invoice_after.body["balance_due"], "12.00");

    // The last chair is delivered, then sent back before it is billed, not
    // restocked: no credit note, and it is not invoiced.
    app.create(
        &format!("/api/v1/orders/{order_id}/deliveries"),
        json!({"lines": [{"line_id": line, "quantity": "1"}]}),
    )
    .await;
    let unbilled = app
        .create(
            &path,
            json!({"reason": "wrong_item", "restock": false, "lines": [{"line_id": line, "quantity": "1"}]}),
        )
        .await;
    assert_eq!(unbilled["credit_notes"].as_array().unwrap().len(), 0);
    assert_eq!(unbilled["lines"][0]["movement_id"], Value::Null);
    let nothing = app
        .post(&format!("/api/v1/orders/{order_id}/invoice"), json!({}))
        .await;
    assert_eq!(nothing.status, StatusCode::CONFLICT, "{:?}", nothing.body);
    let stock = app
        .get(&format!("/api/v1/stock?product_id={}", shop.chair))
        .await;
    let physical: Vec<(String, String)> = stock.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["location_id"].as_str().unwrap().to_owned(),
                l["physical"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        physical.contains(&(shop.stock.clone(), "5".into())),
        "{physical:?}"
    );
    assert!(
        physical.contains(&(id(&returns), "3".into())),
        "{physical:?}"
    );
    let order_events = app
        .get(&format!(
            "/api/v1/events?subject_id={order_id}&event_type=return_received"
        ))
        .await;
    assert_eq!(order_events.body["total"], 2);
    let (ok, out) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn invoices_export_with_what_is_due_and_dates_as_dates() {
    use calamine::{Data, Reader};
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let client_code = app
        .get(&format!("/api/v1/clients/{}", shop.client))
        .await
        .body["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let paid = issued_invoice(&app, &shop.client, "100").await;
    app.create(
        &format!("/api/v1/invoices/{}/payments", id(&paid)),
        json!({"amount": "40.50", "method": "transfer"}),
    )
    .await;
    issued_invoice(&app, &shop.client, "10").await;
    app.create(
        "/api/v1/invoices",
        json!({"client_id": shop.client, "lines": [{"description": "Brouillon", "quantity": "1", "unit_price": "1", "vat_rate": "20"}]}),
    )
    .await;

    let (status, csv) = app
        .download_with_status("/api/v1/invoices/export?status=partially_paid&excel=true")
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("number;status;client;issue_date;valid_until_or_due_date;currency")
    );
    let today = Utc::now().date_naive();
    assert_eq!(
        lines[1],
        format!(
            "FAC-{}-00001;partially_paid;{client_code};{today};{};EUR;0,00;200,00;40,00;240,00;40,50;0,00;199,50",
            year(),
            today + Days::new(30)
        )
    );

    let (status, xlsx) = app
        .download_with_status("/api/v1/invoices/export?format=xlsx&sort=number")
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let sheet = workbook.worksheet_range("invoices").unwrap();
    assert_eq!(
        sheet.height(),
        4,
        "header, two issued invoices and the draft"
    );
    let issued_row = (1..4)
        .find(|row| sheet.get((*row, 0)) == Some(&Data::String(format!("FAC-{}-00002", year()))))
        .expect("the second invoice");
    assert_eq!(sheet.get((issued_row, 9)), Some(&Data::Float(24.0)));
    match sheet.get((issued_row, 3)) {
        Some(Data::DateTime(date)) => {
            let excel_epoch = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap();
            assert_eq!(
                date.as_f64(),
                (today - excel_epoch).num_days() as f64,
                "the issue date is a date cell of today"
            );
        }
        other => panic!("issue date cell: {other:?}"),
    }
    let (status, quotes) = app.download_with_status("/api/v1/quotes/export").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        String::from_utf8(quotes).unwrap().trim(),
        "number,status,client,issue_date,valid_until_or_due_date,currency,discount_percent,total_excl_tax,total_tax,total_incl_tax"
    );
}

#[tokio::test]
async fn an_admin_changes_a_number_format_and_the_sequence_goes_on() {
    let app = spawn_app().await;
    let shop = shop(&app, "0").await;
    let formats = app.get("/api/v1/settings/numbering").await;
    assert_eq!(formats.status, StatusCode::OK);
    let invoices = formats
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["series"] == "FAC")
        .unwrap()
        .clone();
    assert_eq!(invoices["pattern"], "FAC-{YYYY}-{N:5}");
    assert_eq!(invoices["example"], format!("FAC-{}-00001", year()));
    assert_eq!(formats.body.as_array().unwrap().len(), 6);

    let first = issued_invoice(&app, &shop.client, "10").await;
    assert_eq!(first["number"], format!("FAC-{}-00001", year()));

    let bad = app
        .send(
            Method::PUT,
            "/api/v1/settings/numbering/FAC",
            Some(&app.admin_token),
            Some(json!({"pattern": "FACTURE-{N:5}"})),
            &[],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&bad.body), ["pattern"]);
    assert!(
        bad.body["details"]["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("{YYYY} or {YY}"),
        "{:?}",
        bad.body
    );
    let unknown = app
        .send(
            Method::PUT,
            "/api/v1/settings/numbering/XYZ",
            Some(&app.admin_token),
            Some(json!({"pattern": "X{YY}{N}"})),
            &[],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let clerk = app.user_token("vente@example.fr", "sales").await;
    let forbidden = app
        .send(
            Method::PUT,
            "/api/v1/settings/numbering/FAC",
            Some(&clerk),
            Some(json!({"pattern": "F{YY}/{N:6}"})),
            &[],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    let changed = app
        .send(
            Method::PUT,
            "/api/v1/settings/numbering/FAC",
            Some(&app.admin_token),
            Some(json!({"pattern": "F{YY}/{N:6}"})),
            &[],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let short_year = year() % 100;
    assert_eq!(changed.body["example"], format!("F{short_year:02}/000001"));
    let second = issued_invoice(&app, &shop.client, "10").await;
    assert_eq!(
        second["number"],
        format!("F{short_year:02}/000002"),
        "the new format spells the next number of the same sequence"
    );
    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": shop.client, "lines": [{"description": "Conseil", "quantity": "1", "unit_price": "10", "vat_rate": "20"}]}),
        )
        .await;
    assert_eq!(
        quote["number"],
        format!("DEV-{}-00001", year()),
        "other series keep their format"
    );
    let audit = app.get("/api/v1/audit?resource_type=number_format").await;
    assert_eq!(audit.body["total"], 1);
    assert_eq!(
        audit.body["items"][0]["before"]["pattern"],
        "FAC-{YYYY}-{N:5}"
    );
    assert_eq!(audit.body["items"][0]["after"]["pattern"], "F{YY}/{N:6}");
}
