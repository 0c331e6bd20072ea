//! The dashboard's figures as a user sees them: revenue from issued
//! invoices less credit notes, what is owed and overdue, quotes and
//! orders, stock value; series zero-filled and ranked; bad ranges
//! refused; who may see what.

use crate::helpers::{TestApp, field_names, id, spawn_app};
use chrono::{Datelike, Days, Months, NaiveDate, Utc};
use comptoir_db::Sql;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn month_key(date: NaiveDate) -> String {
    date.format("%Y-%m").to_string()
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

pub(crate) async fn client(app: &TestApp, name: &str) -> String {
    id(&app
        .create(
            "/api/v1/clients",
            json!({"name": name, "payment_terms_days": 30}),
        )
        .await)
}

/// An issued invoice of `lines` to `client`.
pub(crate) async fn invoice(app: &TestApp, client: &str, lines: Value) -> Value {
    let draft = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": client, "lines": lines}),
        )
        .await;
    ok(app, &format!("/api/v1/invoices/{}/issue", id(&draft))).await
}

pub(crate) fn service(amount: &str) -> Value {
    json!([{"description": "Conseil", "quantity": "1", "unit_price": amount, "vat_rate": "20"}])
}

/// Dates an issued invoice back, past the database's guard on issued
/// documents (as `sales::the_chain_detects…` does): nothing else moves
/// an issue or due date into the past.
async fn backdate(app: &TestApp, invoice: &Value, issue_date: NaiveDate, due_date: NaiveDate) {
    let update = "UPDATE sales_documents SET issue_date = $1, due_date = $2 WHERE id = $3";
    let invoice_id = uuid::Uuid::parse_str(&id(invoice)).unwrap();
    let statements: Vec<&str> = if app.database_url.starts_with("postgres") {
        vec![
            "ALTER TABLE sales_documents DISABLE TRIGGER sales_documents_issued_frozen",
            update,
            "ALTER TABLE sales_documents ENABLE TRIGGER sales_documents_issued_frozen",
        ]
    } else {
        vec!["DROP TRIGGER sales_documents_issued_frozen", update]
    };
    for statement in statements {
        let sql = if statement == update {
            Sql::new(statement)
                .bind(issue_date)
                .bind(due_date)
                .bind(invoice_id)
        } else {
            Sql::new(statement)
        };
        app.db.execute(sql).await.unwrap();
    }
}

async fn kpis(app: &TestApp) -> Value {
    let reply = app.get("/api/v1/dashboard/kpis").await;
    assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
    reply.body
}

async fn series(app: &TestApp, query: &str) -> Value {
    let reply = app.get(&format!("/api/v1/dashboard/series?{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {:?}", reply.body);
    reply.body
}

fn points(series: &Value) -> Vec<(String, String, String)> {
    series["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let text = |field: &str| p[field].as_str().unwrap().to_owned();
            (text("key"), text("label"), text("value"))
        })
        .collect()
}

#[tokio::test]
async fn an_empty_organization_shows_zeros_and_no_rate() {
    let app = spawn_app().await;
    let figures = kpis(&app).await;
    assert_eq!(figures["as_of"], today().to_string());
    for amount in [
        "revenue_this_month",
        "revenue_last_month",
        "revenue_year_to_date",
        "receivables",
        "overdue",
        "stock_value",
    ] {
        assert_eq!(figures[amount], "0.00", "{amount}");
    }
    for count in [
        "receivables_count",
        "overdue_count",
        "quotes_awaiting",
        "orders_to_deliver",
        "products_below_minimum",
    ] {
        assert_eq!(figures[count], 0, "{count}");
    }
    assert_eq!(figures["quote_conversion_rate_90d"], Value::Null);
}

#[tokio::test]
async fn the_key_figures_are_what_the_invoices_quotes_orders_and_stock_say() {
    let app = spawn_app().await;
    let warehouse = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let dupont = client(&app, "Dupont SARL").await;
    let martin = client(&app, "Martin Traiteur").await;

    // Two issued invoices, 200.00 and 50.00 excl. VAT; a draft that does
    // not count; a credit note of 100.00 on the first.
    let first = invoice(
        &app,
        &dupont,
        json!([{"description": "Conseil", "quantity": "2", "unit_price": "100", "vat_rate": "20"}]),
    )
    .await;
    assert_eq!(first["total_incl_tax"], "240.00");
    let second = invoice(&app, &martin, service("50")).await;
    app.create(
        "/api/v1/invoices",
        json!({"client_id": dupont, "lines": service("1000")}),
    )
    .await;
    let credit = app
        .create(
            &format!("/api/v1/invoices/{}/credit-notes", id(&first)),
            json!({"lines": [{"line_id": id(&first["lines"][0]), "quantity": "1"}]}),
        )
        .await;
    assert_eq!(credit["total_excl_tax"], "100.00");
    // 20.00 paid of the second's 60.00.
    app.create(
        &format!("/api/v1/invoices/{}/payments", id(&second)),
        json!({"amount": "20", "method": "transfer"}),
    )
    .await;

    let figures = kpis(&app).await;
    assert_eq!(figures["revenue_this_month"], "150.00");
    assert_eq!(figures["revenue_last_month"], "0.00");
    assert_eq!(figures["revenue_year_to_date"], "150.00");
    assert_eq!(
        (
            figures["receivables"].clone(),
            figures["receivables_count"].clone()
        ),
        (json!("160.00"), json!(2)),
        "120.00 left on the first after its credit note, 40.00 on the second"
    );
    assert_eq!(
        (figures["overdue"].clone(), figures["overdue_count"].clone()),
        (json!("0.00"), json!(0))
    );

    // The second was issued last month and fell due yesterday.
    let last_month = today().with_day(1).unwrap() - Months::new(1);
    backdate(&app, &second, last_month, today() - Days::new(1)).await;
    let figures = kpis(&app).await;
    assert_eq!(figures["revenue_this_month"], "100.00");
    assert_eq!(figures["revenue_last_month"], "50.00");
    let year_to_date = if today().month() == 1 {
        "100.00"
    } else {
        "150.00"
    };
    assert_eq!(figures["revenue_year_to_date"], year_to_date);
    assert_eq!(figures["receivables"], "160.00");
    assert_eq!(
        (figures["overdue"].clone(), figures["overdue_count"].clone()),
        (json!("40.00"), json!(1))
    );
    let listed = app.get("/api/v1/invoices?overdue=true").await;
    assert_eq!(listed.body["total"], 1, "the invoice list agrees");

    // One quote sent and converted, one sent and waiting, one draft.
    let quote = |client: String| {
        let app = &app;
        async move {
            id(&app
                .create(
                    "/api/v1/quotes",
                    json!({"client_id": client, "lines": service("80")}),
                )
                .await)
        }
    };
    let converted = quote(dupont.clone()).await;
    ok(&app, &format!("/api/v1/quotes/{converted}/send")).await;
    ok(&app, &format!("/api/v1/quotes/{converted}/accept")).await;
    let order = app
        .create(&format!("/api/v1/quotes/{converted}/convert"), json!({}))
        .await;
    let waiting = quote(martin.clone()).await;
    ok(&app, &format!("/api/v1/quotes/{waiting}/send")).await;
    quote(martin.clone()).await;
    let figures = kpis(&app).await;
    assert_eq!(figures["quotes_awaiting"], 1);
    assert_eq!(figures["quote_conversion_rate_90d"], "0.5000");
    assert_eq!(figures["orders_to_deliver"], 0, "the order is a draft");
    ok(&app, &format!("/api/v1/orders/{}/confirm", id(&order))).await;
    assert_eq!(kpis(&app).await["orders_to_deliver"], 1);

    // Ten chairs bought at 6.00; a minimum of 20.
    let supplier = id(&app
        .create("/api/v1/suppliers", json!({"name": "Mobilier Pro"}))
        .await);
    let chair = id(&app.create_product("CHAISE").await);
    let purchase = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": supplier, "warehouse_id": id(&warehouse),
                   "lines": [{"product_id": chair, "quantity": "10", "unit_price": "6"}]}),
        )
        .await;
    let purchase_path = format!("/api/v1/purchase-orders/{}", id(&purchase));
    ok(&app, &format!("{purchase_path}/send")).await;
    app.create(
        &format!("{purchase_path}/receipts"),
        json!({"lines": [{"line_id": id(&purchase["lines"][0]), "quantity": "10",
                          "location_id": warehouse["default_location_id"]}]}),
    )
    .await;
    app.create(
        "/api/v1/reorder-rules",
        json!({"product_id": chair, "warehouse_id": id(&warehouse), "min_quantity": "20", "max_quantity": "50"}),
    )
    .await;
    let figures = kpis(&app).await;
    assert_eq!(figures["stock_value"], "60.00");
    assert_eq!(figures["products_below_minimum"], 1);
    let per_warehouse = series(&app, "metric=stock_value_per_warehouse").await;
    assert_eq!(
        points(&per_warehouse),
        [(id(&warehouse), "Lyon".to_owned(), "60.00".to_owned())]
    );

    // A viewer sees the figures but not purchase costs.
    let viewer = app.user_token("viewer@dashboard.test", "viewer").await;
    let seen = app
        .send(
            Method::GET,
            "/api/v1/dashboard/kpis",
            Some(&viewer),
            None,
            &[],
        )
        .await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.body["revenue_this_month"], "100.00");
    assert_eq!(seen.body["stock_value"], Value::Null);
    let refused = app
        .send(
            Method::GET,
            "/api/v1/dashboard/series?metric=stock_value_per_warehouse",
            Some(&viewer),
            None,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.body["code"], "forbidden");
}

#[tokio::test]
async fn series_are_zero_filled_by_month_and_week_and_ranked_by_net_revenue() {
    let app = spawn_app().await;
    app.create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let (a, b, c) = (
        client(&app, "Alpha").await,
        client(&app, "Bravo").await,
        client(&app, "Charlie").await,
    );
    let lamp = id(&app.create_product("LAMPE").await);
    let desk = id(&app.create_product("BUREAU").await);
    let alpha = invoice(&app, &a, json!([{"product_id": lamp, "quantity": "30"}])).await;
    assert_eq!(alpha["total_excl_tax"], "300.00");
    invoice(&app, &b, json!([{"product_id": desk, "quantity": "10"}])).await;
    invoice(&app, &c, service("200")).await;
    app.create(
        &format!("/api/v1/invoices/{}/credit-notes", id(&alpha)),
        json!({"lines": [{"line_id": id(&alpha["lines"][0]), "quantity": "25"}]}),
    )
    .await;

    let revenue = series(&app, "metric=revenue_per_month").await;
    let months = points(&revenue);
    assert_eq!(months.len(), 12, "the last 12 months by default");
    assert_eq!(revenue["to"], today().to_string());
    assert_eq!(
        months.last().unwrap(),
        &(month_key(today()), month_key(today()), "350.00".to_owned())
    );
    assert!(months[..11].iter().all(|(_, _, value)| value == "0.00"));
    assert_eq!(months[0].0, month_key(today() - Months::new(11)));

    let clients = series(&app, "metric=top_clients").await;
    assert_eq!(
        points(&clients),
        [
            (c.clone(), "Charlie".to_owned(), "200.00".to_owned()),
            (b.clone(), "Bravo".to_owned(), "100.00".to_owned()),
            (a.clone(), "Alpha".to_owned(), "50.00".to_owned()),
        ]
    );
    let products = series(&app, "metric=top_products").await;
    assert_eq!(
        points(&products),
        [
            (
                desk.clone(),
                "Produit BUREAU".to_owned(),
                "100.00".to_owned()
            ),
            (lamp.clone(), "Produit LAMPE".to_owned(), "50.00".to_owned()),
        ]
    );
    let before = (today() - Months::new(3)).to_string();
    let earlier = series(
        &app,
        &format!("metric=top_clients&from={before}&to={before}"),
    )
    .await;
    assert_eq!(earlier["points"], json!([]));

    // Confirmed orders of today and of 8 days ago; a draft does not count.
    let order = |date: NaiveDate, confirm: bool| {
        let app = &app;
        let client = a.clone();
        async move {
            let order = app
                .create(
                    "/api/v1/orders",
                    json!({"client_id": client, "issue_date": date, "lines": service("10")}),
                )
                .await;
            if confirm {
                ok(app, &format!("/api/v1/orders/{}/confirm", id(&order))).await;
            }
        }
    };
    order(today(), true).await;
    order(today() - Days::new(8), true).await;
    order(today(), false).await;
    let from = today() - Days::new(14);
    let weeks = series(
        &app,
        &format!("metric=orders_per_week&from={from}&to={}", today()),
    )
    .await;
    let weeks = points(&weeks);
    let week = |date: NaiveDate| date.format("%G-W%V").to_string();
    let expected: Vec<String> = {
        let mut keys = Vec::new();
        let mut day = from;
        while day <= today() {
            if keys.last() != Some(&week(day)) {
                keys.push(week(day));
            }
            day = day + Days::new(1);
        }
        keys
    };
    assert_eq!(
        weeks
            .iter()
            .map(|(key, _, _)| key.clone())
            .collect::<Vec<_>>(),
        expected,
        "every week of the range, in order"
    );
    let count = |date: NaiveDate| {
        weeks
            .iter()
            .find(|(key, _, _)| *key == week(date))
            .map(|(_, _, value)| value.parse::<i64>().unwrap())
            .unwrap()
    };
    assert_eq!(
        weeks
            .iter()
            .map(|(_, _, v)| v.parse::<i64>().unwrap())
            .sum::<i64>(),
        2
    );
    assert!(count(today()) >= 1 && count(today() - Days::new(8)) >= 1);
}

#[tokio::test]
async fn bad_series_requests_are_refused_and_roles_without_reports_get_403() {
    let app = spawn_app().await;
    let refused = |query: &'static str| {
        let app = &app;
        async move {
            let reply = app.get(&format!("/api/v1/dashboard/series?{query}")).await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{query}: {:?}",
                reply.body
            );
            assert_eq!(reply.body["code"], "validation_failed");
            field_names(&reply.body)
        }
    };
    assert_eq!(
        refused("metric=revenue_per_month&from=2026-03-01&to=2026-02-01").await,
        ["from"]
    );
    assert_eq!(refused("metric=profit").await, ["metric"]);
    assert_eq!(
        refused("metric=&from=2026-01-31&to=2026-01-01").await,
        ["from"]
    );
    assert_eq!(
        series(&app, "from=2026-01-01&to=2026-01-31").await["metric"],
        "revenue_per_month",
        "the default metric"
    );
    assert_eq!(
        refused("metric=top_clients&from=2020-01-01&to=2025-12-31").await,
        ["from"],
        "more than 5 years"
    );
    assert_eq!(
        refused("metric=nope&from=2026-03-01&to=2026-02-01").await,
        ["metric", "from"],
        "every bad field at once"
    );
    let five_years = series(
        &app,
        "metric=revenue_per_month&from=2021-01-01&to=2025-12-31",
    )
    .await;
    assert_eq!(points(&five_years).len(), 60);
    assert_eq!(
        app.get("/api/v1/dashboard/series?metric=top_clients&from=yesterday")
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    for role in ["sales", "warehouse", "technician"] {
        let token = app
            .user_token(&format!("{role}@dashboard.test"), role)
            .await;
        for path in [
            "/api/v1/dashboard/kpis",
            "/api/v1/dashboard/series?metric=revenue_per_month",
        ] {
            let reply = app.send(Method::GET, path, Some(&token), None, &[]).await;
            assert_eq!(reply.status, StatusCode::FORBIDDEN, "{role} {path}");
            assert_eq!(reply.body["code"], "forbidden");
        }
    }
    for role in ["manager", "accountant"] {
        let token = app
            .user_token(&format!("{role}@dashboard.test"), role)
            .await;
        let reply = app
            .send(
                Method::GET,
                "/api/v1/dashboard/kpis",
                Some(&token),
                None,
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{role}");
        assert_eq!(reply.body["stock_value"], "0.00", "{role}");
    }
    let anonymous = app
        .send(Method::GET, "/api/v1/dashboard/kpis", None, None, &[])
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}
