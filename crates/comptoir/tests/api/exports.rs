//! The exports of the lists of operations through the API — purchase
//! orders, deliveries, payments, returns, inventories, the audit log —
//! each holding the rows its list's filters select, as CSV, Excel CSV and
//! XLSX, refused to a role without the list's permission or
//! `data.export`; the list of returns and its filters; the stock levels'
//! export searching products. The same through the pages is in
//! `exports_pages`.

use crate::helpers::{TestApp, id, spawn_app};
use crate::sales_ops_pages::confirmed_order;
use calamine::{Data, Reader};
use chrono::{Days, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Two clients' orders delivered in part, goods returned from each,
/// invoiced and paid (by card and by transfer), two purchase orders (one
/// sent), and an inventory open in a second warehouse.
pub(crate) struct Operations {
    pub(crate) port: Sale,
    pub(crate) gare: Sale,
    pub(crate) supplier: String,
    pub(crate) paris: String,
    pub(crate) sent: String,
    pub(crate) draft: String,
    pub(crate) inventory: String,
}

/// A client's order and what was made of it.
pub(crate) struct Sale {
    pub(crate) order: String,
    pub(crate) number: String,
    pub(crate) client: String,
    pub(crate) client_code: String,
    pub(crate) delivery: String,
    pub(crate) invoice: String,
}

async fn code(app: &TestApp, path: &str, field: &str) -> String {
    let reply = app.get(path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {:?}", reply.body);
    reply.body[field].as_str().unwrap().to_owned()
}

/// Delivers `quantity` of the order's first line, takes `returned` back,
/// invoices and issues what was delivered and pays `paid` by `method`.
async fn sell(
    app: &TestApp,
    order: &str,
    client: &str,
    quantity: &str,
    returned: Value,
    paid: Value,
) -> Sale {
    let detail = app.get(&format!("/api/v1/orders/{order}")).await.body;
    let line = detail["lines"][0]["id"].as_str().unwrap().to_owned();
    let delivery = app
        .create(
            &format!("/api/v1/orders/{order}/deliveries"),
            json!({"lines": [{"line_id": line, "quantity": quantity}]}),
        )
        .await;
    let mut returned = returned;
    returned["lines"] = json!([{"line_id": line, "quantity": "1"}]);
    app.create(&format!("/api/v1/orders/{order}/returns"), returned)
        .await;
    let invoice = app
        .create(&format!("/api/v1/orders/{order}/invoice"), json!({}))
        .await;
    let issued = app
        .post(
            &format!("/api/v1/invoices/{}/issue", id(&invoice)),
            json!({}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);
    app.create(&format!("/api/v1/invoices/{}/payments", id(&invoice)), paid)
        .await;
    Sale {
        order: order.to_owned(),
        number: detail["number"].as_str().unwrap().to_owned(),
        client: client.to_owned(),
        client_code: code(app, &format!("/api/v1/clients/{client}"), "code").await,
        delivery: delivery["number"].as_str().unwrap().to_owned(),
        invoice: issued.body["number"].as_str().unwrap().to_owned(),
    }
}

pub(crate) async fn operations(app: &TestApp) -> Operations {
    let first = confirmed_order(app).await;
    let port = sell(
        app,
        &first.order,
        &first.client,
        "40",
        json!({"reason": "defect"}),
        json!({"amount": "100", "method": "card", "reference": "CB-1"}),
    )
    .await;
    let gare = app
        .create("/api/v1/clients", json!({"name": "Café de la Gare"}))
        .await;
    let first_order = app.get(&format!("/api/v1/orders/{}", first.order)).await;
    let chair = first_order.body["lines"][0]["product_id"].clone();
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": id(&gare), "lines": [{"product_id": chair, "quantity": "5"}]}),
        )
        .await;
    let confirmed = app
        .post(&format!("/api/v1/orders/{}/confirm", id(&order)), json!({}))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    let gare = sell(
        app,
        &id(&order),
        &id(&gare),
        "5",
        json!({"reason": "wrong_item", "restock": false}),
        json!({"amount": "10", "method": "transfer", "reference": "VIR-2"}),
    )
    .await;

    let supplier = app
        .create(
            "/api/v1/suppliers",
            json!({"code": "BOIS", "name": "Bois et Fils"}),
        )
        .await;
    let purchase = |quantity: &str| json!({"supplier_id": id(&supplier), "lines": [{"product_id": chair, "quantity": quantity, "unit_price": "4"}]});
    let sent = app.create("/api/v1/purchase-orders", purchase("10")).await;
    let send = app
        .post(
            &format!("/api/v1/purchase-orders/{}/send", id(&sent)),
            json!({}),
        )
        .await;
    assert_eq!(send.status, StatusCode::OK, "{:?}", send.body);
    let draft = app.create("/api/v1/purchase-orders", purchase("3")).await;

    let paris = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "PAR", "name": "Paris"}),
        )
        .await;
    let inventory = app
        .create("/api/v1/inventories", json!({"warehouse_id": id(&paris)}))
        .await;
    Operations {
        port,
        gare,
        supplier: id(&supplier),
        paris: id(&paris),
        sent: sent["number"].as_str().unwrap().to_owned(),
        draft: draft["number"].as_str().unwrap().to_owned(),
        inventory: inventory["number"].as_str().unwrap().to_owned(),
    }
}

/// The CSV's lines, the BOM of the Excel flavour removed.
pub(crate) fn lines(bytes: Vec<u8>) -> Vec<String> {
    let text = String::from_utf8(bytes).unwrap();
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The first sheet of a workbook, as rows of cells.
pub(crate) fn sheet(bytes: Vec<u8>, name: &str) -> Vec<Vec<Data>> {
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let range = workbook.worksheet_range(name).unwrap();
    range.rows().map(|row| row.to_vec()).collect()
}

pub(crate) async fn export(app: &TestApp, path: &str) -> Vec<u8> {
    let (status, bytes) = app.download_with_status(path).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

#[tokio::test]
async fn each_list_of_operations_exports_the_rows_its_filters_select_in_each_format() {
    let app = spawn_app().await;
    let ops = operations(&app).await;
    let today = Utc::now().date_naive();

    let deliveries = lines(
        export(
            &app,
            &format!("/api/v1/deliveries/export?client_id={}", ops.port.client),
        )
        .await,
    );
    assert_eq!(
        deliveries,
        [
            "number,delivery_date,order,client".to_owned(),
            format!(
                "{},{today},{},{}",
                ops.port.delivery, ops.port.number, ops.port.client_code
            ),
        ]
    );

    let returns = export(
        &app,
        &format!(
            "/api/v1/returns/export?order_id={}&excel=true",
            ops.gare.order
        ),
    )
    .await;
    assert!(
        returns.starts_with("\u{feff}".as_bytes()),
        "a BOM for Excel"
    );
    let returns = lines(returns);
    assert_eq!(returns.len(), 2, "{returns:?}");
    assert_eq!(returns[0], "created_at;order;client;reason;restock");
    let cells: Vec<&str> = returns[1].split(';').collect();
    assert!(cells[0].starts_with(&today.to_string()), "{cells:?}");
    assert_eq!(
        cells[1..],
        [
            ops.gare.number.as_str(),
            ops.gare.client_code.as_str(),
            "wrong_item",
            "false"
        ]
    );

    let payments = sheet(
        export(&app, "/api/v1/payments/export?method=card&format=xlsx").await,
        "payments",
    );
    assert_eq!(payments.len(), 2, "the header and the card payment");
    assert_eq!(
        payments[0],
        [
            "date",
            "kind",
            "method",
            "amount",
            "reference",
            "invoice",
            "client"
        ]
        .map(|c| Data::String(c.to_owned()))
    );
    assert!(matches!(payments[1][0], Data::DateTime(_)), "a date cell");
    assert_eq!(
        payments[1][1..],
        [
            Data::String("payment".into()),
            Data::String("card".into()),
            Data::Float(100.0),
            Data::String("CB-1".into()),
            Data::String(ops.port.invoice.clone()),
            Data::String(ops.port.client_code.clone()),
        ]
    );
    let refunds = lines(export(&app, "/api/v1/payments/export?kind=refund").await);
    assert_eq!(
        refunds,
        ["date,kind,method,amount,reference,invoice,client"]
    );

    let orders = lines(export(&app, "/api/v1/purchase-orders/export?status=sent").await);
    assert_eq!(orders.len(), 2, "{orders:?}");
    assert_eq!(
        orders[0],
        "number,status,supplier,warehouse,issue_date,expected_date,currency,total_excl_tax,total_tax,total_incl_tax,notes"
    );
    assert!(
        orders[1].starts_with(&format!("{},sent,BOIS,", ops.sent)),
        "{orders:?}"
    );
    assert!(orders[1].contains(",EUR,40.00,"), "{orders:?}");
    let drafts = lines(
        export(
            &app,
            &format!("/api/v1/purchase-orders/export?q={}", ops.draft),
        )
        .await,
    );
    assert_eq!(drafts.len(), 2);
    assert!(drafts[1].starts_with(&format!("{},draft,BOIS,", ops.draft)));
    let all = lines(
        export(
            &app,
            &format!(
                "/api/v1/purchase-orders/export?supplier_id={}",
                ops.supplier
            ),
        )
        .await,
    );
    assert_eq!(all.len(), 3);

    let inventories = lines(
        export(
            &app,
            &format!("/api/v1/inventories/export?warehouse_id={}", ops.paris),
        )
        .await,
    );
    assert_eq!(inventories.len(), 2, "{inventories:?}");
    assert_eq!(
        inventories[0],
        "number,status,warehouse,category,created_at,closed_at"
    );
    assert!(
        inventories[1].starts_with(&format!("{},open,PAR,,{today}T", ops.inventory)),
        "{inventories:?}"
    );
    let closed = lines(export(&app, "/api/v1/inventories/export?status=closed").await);
    assert_eq!(closed.len(), 1, "only the header");

    let audit = lines(
        export(
            &app,
            "/api/v1/audit/export?resource_type=supplier&action=create",
        )
        .await,
    );
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(
        audit[0],
        "seq,at,user,action,resource_type,resource_id,before,after,request_id,ip,hash"
    );
    assert!(
        audit[1].contains(&format!(
            ",admin@test.example,create,supplier,{},,",
            ops.supplier
        )),
        "{audit:?}"
    );
    assert!(audit[1].contains("Bois et Fils"), "the state after");
    let audit = sheet(
        export(
            &app,
            "/api/v1/audit/export?resource_type=inventory&format=xlsx",
        )
        .await,
        "audit",
    );
    assert_eq!(audit.len(), 2, "{audit:?}");
    assert_eq!(audit[1][3], Data::String("open".into()));
}

#[tokio::test]
async fn the_exports_are_refused_without_the_lists_permission_or_data_export() {
    let app = spawn_app().await;
    operations(&app).await;
    let warehouse = app.user_token("magasin@test.example", "warehouse").await;
    let accountant = app.user_token("compta@test.example", "accountant").await;
    let status = |token: String, path: &'static str| {
        let app = &app;
        async move {
            app.send(Method::GET, path, Some(&token), None, &[])
                .await
                .status
        }
    };
    for path in [
        "/api/v1/purchase-orders/export",
        "/api/v1/deliveries/export",
        "/api/v1/payments/export",
        "/api/v1/returns/export",
        "/api/v1/inventories/export",
        "/api/v1/audit/export",
    ] {
        // The warehouse reads most of these lists but may not export.
        assert_eq!(
            status(warehouse.clone(), path).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        status(accountant.clone(), "/api/v1/payments/export").await,
        StatusCode::OK
    );
    // The accountant exports, but does not read the audit log.
    assert_eq!(
        status(accountant.clone(), "/api/v1/audit/export").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(accountant, "/api/v1/audit").await,
        StatusCode::FORBIDDEN
    );
    let (bad, _) = app
        .download_with_status("/api/v1/returns/export?format=pdf")
        .await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_returns_list_filters_by_order_client_search_and_days() {
    let app = spawn_app().await;
    let ops = operations(&app).await;
    let today = Utc::now().date_naive();
    let returns = |query: String| {
        let app = &app;
        async move {
            let reply = app.get(&format!("/api/v1/returns{query}")).await;
            assert_eq!(reply.status, StatusCode::OK, "{query}: {:?}", reply.body);
            reply.body
        }
    };
    let orders_of = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["order_id"].as_str().unwrap().to_owned())
            .collect()
    };

    let all = returns(String::new()).await;
    assert_eq!(all["total"], 2);
    assert_eq!(all["page"], 1);
    assert_eq!(
        orders_of(&all),
        [ops.port.order.as_str(), ops.gare.order.as_str()]
    );
    let first = &all["items"][0];
    assert_eq!(first["reason"], "defect");
    assert_eq!(first["restock"], true);
    assert!(
        first["created_at"]
            .as_str()
            .unwrap()
            .starts_with(&today.to_string())
    );
    assert_eq!(all["items"][1]["restock"], false);

    let newest = returns("?sort=-created_at&page_size=1".into()).await;
    assert_eq!(newest["total"], 2);
    assert_eq!(orders_of(&newest), [ops.gare.order.as_str()]);
    let by_client = returns(format!("?client_id={}", ops.gare.client)).await;
    assert_eq!(orders_of(&by_client), [ops.gare.order.as_str()]);
    let by_order = returns(format!("?order_id={}", ops.port.order)).await;
    assert_eq!(orders_of(&by_order), [ops.port.order.as_str()]);
    let by_number = returns(format!("?q={}", ops.port.number)).await;
    assert_eq!(orders_of(&by_number), [ops.port.order.as_str()]);
    let by_name = returns("?q=gare".into()).await;
    assert_eq!(orders_of(&by_name), [ops.gare.order.as_str()]);
    let this_day = returns(format!("?from={today}&to={today}")).await;
    assert_eq!(this_day["total"], 2);
    let tomorrow = today + Days::new(1);
    assert_eq!(returns(format!("?from={tomorrow}")).await["total"], 0);
    let yesterday = today - Days::new(1);
    assert_eq!(returns(format!("?to={yesterday}")).await["total"], 0);

    let sales = app.user_token("vente@test.example", "sales").await;
    let reply = app
        .send(Method::GET, "/api/v1/returns", Some(&sales), None, &[])
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    let technician = app.user_token("tech@test.example", "technician").await;
    let reply = app
        .send(Method::GET, "/api/v1/returns", Some(&technician), None, &[])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let bad = app.get("/api/v1/returns?from=hier").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_stock_export_keeps_the_product_search() {
    let app = spawn_app().await;
    confirmed_order(&app).await;
    let levels = lines(export(&app, "/api/v1/stock/export?q=tabl").await);
    assert_eq!(levels.len(), 2, "{levels:?}");
    assert!(levels[1].starts_with("LYS/"), "{levels:?}");
    assert!(levels[1].contains(",TABLE,"), "{levels:?}");
    let every = lines(export(&app, "/api/v1/stock/export").await);
    assert_eq!(every.len(), 3, "{every:?}");
}
