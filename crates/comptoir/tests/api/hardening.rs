//! What an outside test of the API found: money owed back after a credit,
//! dates and currencies refused, control characters refused the same way
//! on both backends, and list parameters checked against the contract.

use crate::helpers::{TestApp, comptoir, field_names, id, spawn_app};
use chrono::{Days, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn client(app: &TestApp, name: &str) -> String {
    id(&app.create("/api/v1/clients", json!({"name": name})).await)
}

/// An issued invoice of one free-text line: 1000.00 excl. VAT, 1200.00 due.
async fn issued_invoice(app: &TestApp, client: &str) -> Value {
    let draft = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": client, "lines": [{"description": "Sonorisation", "quantity": "1", "unit_price": "1000", "vat_rate": "20"}]}),
        )
        .await;
    let issued = app
        .post(&format!("/api/v1/invoices/{}/issue", id(&draft)), json!({}))
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);
    issued.body
}

#[tokio::test]
async fn a_part_paid_invoice_credited_in_full_owes_the_payment_back_as_a_refund() {
    let app = spawn_app().await;
    let client = client(&app, "Salle des fêtes").await;
    let invoice = issued_invoice(&app, &client).await;
    let path = format!("/api/v1/invoices/{}", id(&invoice));
    app.create(
        &format!("{path}/payments"),
        json!({"amount": "200.00", "method": "transfer"}),
    )
    .await;
    let nothing_owed = app
        .post(
            &format!("{path}/refunds"),
            json!({"amount": "1", "method": "transfer"}),
        )
        .await;
    assert_eq!(
        nothing_owed.status,
        StatusCode::CONFLICT,
        "{:?}",
        nothing_owed.body
    );
    assert_eq!(nothing_owed.body["code"], "invalid_transition");

    app.create(&format!("{path}/credit-notes"), json!({})).await;
    let credited = app.get(&path).await.body;
    assert_eq!(credited["status"], "credited");
    assert_eq!(credited["balance_due"], "0.00", "never a negative balance");
    assert_eq!(credited["refund_due"], "200.00");
    assert_eq!(credited["lines"][0]["credited_quantity"], "1");

    let too_much = app
        .post(
            &format!("{path}/refunds"),
            json!({"amount": "200.01", "method": "transfer"}),
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        too_much.body["details"]["fields"][0]["message"],
        "more than is owed back to the client, 200.00"
    );
    let no_method = app.post(&format!("{path}/refunds"), json!({})).await;
    assert_eq!(field_names(&no_method.body), ["method"]);

    let refund = app
        .create(
            &format!("{path}/refunds"),
            json!({"method": "transfer", "reference": "VIR-881"}),
        )
        .await;
    assert_eq!(refund["kind"], "refund");
    assert_eq!(refund["amount"], "200.00");
    assert_eq!(refund["invoice"]["refund_due"], "0.00");
    assert_eq!(refund["invoice"]["balance_due"], "0.00");
    assert_eq!(refund["invoice"]["amount_paid"], "0.00");
    assert_eq!(refund["invoice"]["status"], "credited");
    let again = app
        .post(&format!("{path}/refunds"), json!({"method": "cash"}))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);

    let payments = app.get(&format!("{path}/payments")).await.body;
    let kinds: Vec<&str> = payments
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["payment", "refund"]);
    let across = app
        .get(&format!(
            "/api/v1/payments?client_id={client}&sort=created_at"
        ))
        .await
        .body;
    assert_eq!(across["total"], 2);
    let refunds = app.get("/api/v1/payments?kind=refund").await.body;
    assert_eq!(refunds["total"], 1);
    assert_eq!(refunds["items"][0]["reference"], "VIR-881");
    assert_eq!(
        app.get("/api/v1/payments?kind=gift").await.status,
        StatusCode::BAD_REQUEST
    );
    let chain = app.get("/api/v1/compliance/chain").await.body;
    assert_eq!(
        (chain["status"].clone(), chain["verified"].clone()),
        (json!("ok"), json!(4))
    );
    let (ok, out) = comptoir(&app.database_url, &["verify-chain"]);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn payments_are_dated_between_the_invoice_s_issue_and_today() {
    let app = spawn_app().await;
    let client = client(&app, "Théâtre").await;
    let invoice = issued_invoice(&app, &client).await;
    let path = format!("/api/v1/invoices/{}/payments", id(&invoice));
    let today = Utc::now().date_naive();
    for date in [
        "1999-01-01".to_owned(),
        (today - Days::new(1)).to_string(),
        (today + Days::new(1)).to_string(),
        "2099-01-01".to_owned(),
    ] {
        let refused = app
            .post(
                &path,
                json!({"amount": "10", "method": "cash", "date": date}),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{date}");
        assert_eq!(field_names(&refused.body), ["date"], "{date}");
    }
    let paid = app
        .create(
            &path,
            json!({"amount": "10", "method": "cash", "date": today.to_string()}),
        )
        .await;
    assert_eq!(paid["date"], today.to_string());
    assert_eq!(paid["invoice"]["amount_paid"], "10.00");
}

#[tokio::test]
async fn only_iso_4217_currencies_are_accepted() {
    let app = spawn_app().await;
    let client = client(&app, "Mairie").await;
    for currency in ["XYZ", "eur", "EURO", "XAU"] {
        let refused = app
            .post(
                "/api/v1/quotes",
                json!({"client_id": client, "currency": currency, "lines": [{"description": "Conseil", "quantity": "1", "unit_price": "10", "vat_rate": "20"}]}),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{currency}"
        );
        assert_eq!(field_names(&refused.body), ["currency"]);
    }
    let supplier = id(&app
        .create("/api/v1/suppliers", json!({"name": "Grossiste"}))
        .await);
    let purchase = app
        .post(
            "/api/v1/purchase-orders",
            json!({"supplier_id": supplier, "currency": "XYZ", "lines": []}),
        )
        .await;
    assert!(field_names(&purchase.body).contains(&"currency".to_owned()));
    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": client, "currency": "CHF", "lines": [{"description": "Conseil", "quantity": "1", "unit_price": "10", "vat_rate": "20"}]}),
        )
        .await;
    assert_eq!(quote["currency"], "CHF");
}

#[tokio::test]
async fn control_characters_are_refused_alike_on_both_backends() {
    let app = spawn_app().await;
    let nul = app
        .post("/api/v1/clients", json!({"name": "Dupont\u{0000}SARL"}))
        .await;
    assert_eq!(
        nul.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        nul.body
    );
    assert_eq!(field_names(&nul.body), ["name"]);
    let nested = app
        .post(
            "/api/v1/products",
            json!({"code": "NUL-1", "name": "Enceinte", "sale_price": "10", "attributes": {"couleur": "noir\u{0007}"}}),
        )
        .await;
    assert_eq!(field_names(&nested.body), ["attributes.couleur"]);
    let bidi = app
        .post("/api/v1/clients", json!({"name": "Facture\u{202E}fdp.exe"}))
        .await;
    assert_eq!(field_names(&bidi.body), ["name"]);
    let login = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "a\u{0000}@b.fr", "password": "x"})),
            &[],
        )
        .await;
    assert_eq!(login.status, StatusCode::UNPROCESSABLE_ENTITY);
    let search = app.get("/api/v1/clients?q=Dupont%00").await;
    assert_eq!(search.status, StatusCode::BAD_REQUEST, "{:?}", search.body);
    assert_eq!(search.body["code"], "bad_request");

    let notes = app
        .create(
            "/api/v1/clients",
            json!({"name": "Dupont SARL", "notes": "Livrer\tau quai\nCode porte 1234\r\n"}),
        )
        .await;
    assert_eq!(notes["name"], "Dupont SARL");
}

#[tokio::test]
async fn numbers_sent_for_decimals_are_told_in_the_conventions_words() {
    let app = spawn_app().await;
    let reply = app
        .post(
            "/api/v1/products",
            json!({"code": "NUM-1", "name": "Micro", "sale_price": 1500}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.body["message"],
        "sale_price: amounts and quantities are written as strings, like \"1500.00\""
    );
}

#[tokio::test]
async fn list_parameters_are_checked_against_the_contract() {
    let app = spawn_app().await;
    let empty = app.get("/api/v1/users?page=&page_size=&q=").await;
    assert_eq!(empty.status, StatusCode::OK, "{:?}", empty.body);
    assert_eq!(empty.body["page"], 1);
    for (path, parameter) in [
        ("/api/v1/invoices?created_after=2026-13-45", "created_after"),
        ("/api/v1/clients?colour=red", "colour"),
        ("/api/v1/invoices?status=bogus", "status"),
        ("/api/v1/orders?status=paid", "status"),
        ("/api/v1/quotes?overdue=true", "overdue"),
        ("/api/v1/invoices?overdue=maybe", "overdue"),
        ("/api/v1/stock/reservations?status=bogus", "status"),
        ("/api/v1/events?subject_type=bogus", "subject_type"),
    ] {
        let reply = app.get(path).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{path}: {:?}",
            reply.body
        );
        assert_eq!(reply.body["code"], "bad_request");
        let message = reply.body["message"].as_str().unwrap();
        assert!(message.contains(parameter), "{path}: {message}");
    }
}

#[tokio::test]
async fn invoice_lists_say_what_is_due_and_find_overdue_ones() {
    let app = spawn_app().await;
    let dupont = client(&app, "Dupont SARL").await;
    let martin = client(&app, "Martin Traiteur").await;
    issued_invoice(&app, &dupont).await;
    issued_invoice(&app, &martin).await;
    let listed = app.get("/api/v1/invoices?sort=created_at").await.body;
    assert_eq!(listed["total"], 2);
    for row in listed["items"].as_array().unwrap() {
        assert_eq!(row["balance_due"], "1200.00");
        assert_eq!(row["refund_due"], "0.00");
        assert_eq!(row["overdue"], false);
    }
    assert_eq!(
        app.get("/api/v1/invoices?overdue=true").await.body["total"],
        0
    );
    assert_eq!(
        app.get("/api/v1/invoices?overdue=false").await.body["total"],
        2
    );

    let by_client = app.get("/api/v1/invoices?q=dupont").await.body;
    assert_eq!(by_client["total"], 1);
    assert_eq!(by_client["items"][0]["client_id"], dupont.as_str());
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": martin, "lines": [{"description": "Buffet", "quantity": "1", "unit_price": "300", "vat_rate": "10"}]}),
        )
        .await;
    let orders = app.get("/api/v1/orders?q=traiteur").await.body;
    assert_eq!(orders["total"], 1);
    assert_eq!(orders["items"][0]["id"], order["id"]);
    assert!(orders["items"][0].get("balance_due").is_none());
}

#[tokio::test]
async fn failed_logins_lock_an_account_from_one_address_not_the_office_behind_it() {
    let app = crate::helpers::spawn_app_with(comptoir_api::Config {
        login_max_failures_per_ip: 30,
        ..comptoir_api::Config::default()
    })
    .await;
    let colleague = "compta@test.example";
    app.user_token(colleague, "accountant").await;
    for _ in 0..12 {
        let failed = app
            .try_login("nobody@test.example", "not the password")
            .await;
        assert!([StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS].contains(&failed.status));
    }
    let unknown = app
        .try_login("nobody@test.example", "not the password")
        .await;
    assert_eq!(unknown.status, StatusCode::TOO_MANY_REQUESTS);
    for _ in 0..10 {
        app.try_login(colleague, "not the password").await;
    }
    let known = app.try_login(colleague, "not the password").await;
    assert_eq!(known.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        (known.body["code"].clone(), known.body["message"].clone()),
        (
            unknown.body["code"].clone(),
            unknown.body["message"].clone()
        ),
        "a locked account and an unknown one answer alike"
    );
    let admin = app
        .try_login("admin@test.example", crate::helpers::PASSWORD)
        .await;
    assert_eq!(
        admin.status,
        StatusCode::OK,
        "others' failures from the same address do not lock this account: {:?}",
        admin.body
    );

    for n in 0..10 {
        app.try_login(&format!("spray{n}@test.example"), "x").await;
    }
    let office_full = app
        .try_login("admin@test.example", crate::helpers::PASSWORD)
        .await;
    assert_eq!(
        office_full.status,
        StatusCode::TOO_MANY_REQUESTS,
        "past the address's own limit, every login from it waits"
    );
}

#[tokio::test]
async fn creating_a_user_does_not_tell_which_organization_has_the_e_mail() {
    let app = spawn_app().await;
    let (other, _) = comptoir::init_organization(
        &app.db,
        "Autre Société",
        "patron@autre.example",
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    assert_ne!(other, app.organization_id);
    let elsewhere = app
        .post(
            "/api/v1/users",
            json!({"email": "patron@autre.example", "name": "X", "role": "sales", "password": crate::helpers::PASSWORD}),
        )
        .await;
    let here = app
        .post(
            "/api/v1/users",
            json!({"email": "admin@test.example", "name": "X", "role": "sales", "password": crate::helpers::PASSWORD}),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::CONFLICT);
    assert_eq!(elsewhere.body, here.body);
    assert!(
        !elsewhere.body["message"]
            .as_str()
            .unwrap()
            .contains("already")
    );
}

#[tokio::test]
async fn init_refuses_a_second_organization_of_the_same_name() {
    let app = spawn_app().await;
    let name = app.get("/api/v1/auth/me").await.body["organization"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    let (ok, out) = comptoir(
        &app.database_url,
        &[
            "init",
            "--org",
            &name,
            "--admin-email",
            "second@test.example",
            "--admin-password",
            crate::helpers::PASSWORD,
        ],
    );
    assert!(!ok);
    assert!(out.contains("already exists"), "{out}");
    assert!(out.contains(&app.organization_id.to_string()), "{out}");
}

#[tokio::test]
async fn commands_print_only_what_was_asked() {
    let app = spawn_app().await;
    for command in ["verify-audit", "verify-chain", "verify-stock", "migrate"] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .args(["--database-url", &app.database_url, command])
            .env_remove("COMPTOIR_LOG")
            .output()
            .unwrap();
        assert!(output.status.success(), "{command}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stdout.lines().count(), 1, "{command}: {stdout}");
        assert!(stderr.trim().is_empty(), "{command} logged: {stderr}");
    }
}

#[tokio::test]
async fn purchase_costs_and_returns_belong_to_the_roles_that_handle_them() {
    let app = spawn_app().await;
    let cases = [
        ("sales", "/api/v1/stock/valuation", StatusCode::FORBIDDEN),
        ("viewer", "/api/v1/stock/valuation", StatusCode::FORBIDDEN),
        (
            "warehouse",
            "/api/v1/stock/valuation",
            StatusCode::FORBIDDEN,
        ),
        ("accountant", "/api/v1/stock/valuation", StatusCode::OK),
        ("manager", "/api/v1/stock/valuation", StatusCode::OK),
    ];
    for (role, path, expected) in cases {
        let token = app.user_token(&format!("{role}@roles.test"), role).await;
        let reply = app.send(Method::GET, path, Some(&token), None, &[]).await;
        assert_eq!(reply.status, expected, "{role} GET {path}");
    }
    let order = format!("/api/v1/orders/{}/returns", uuid::Uuid::new_v4());
    for (role, expected) in [
        ("warehouse", StatusCode::FORBIDDEN),
        ("sales", StatusCode::NOT_FOUND),
    ] {
        let token = app
            .login(&format!("{role}@roles.test"), crate::helpers::PASSWORD)
            .await;
        let reply = app
            .send(Method::POST, &order, Some(&token), Some(json!({})), &[])
            .await;
        assert_eq!(reply.status, expected, "{role} POST returns");
    }
}

/// A sale of one free-text line, for the document workflows.
fn service_lines() -> Value {
    json!([{"description": "Régie son", "quantity": "2", "unit_price": "150", "vat_rate": "20"}])
}

#[tokio::test]
async fn drafts_are_deleted_and_what_left_the_draft_state_never_is() {
    let app = spawn_app().await;
    let client = client(&app, "Festival").await;
    for kind in ["quotes", "orders", "invoices"] {
        let draft = app
            .create(
                &format!("/api/v1/{kind}"),
                json!({"client_id": client, "lines": service_lines()}),
            )
            .await;
        let path = format!("/api/v1/{kind}/{}", id(&draft));
        let deleted = app.delete(&path).await;
        assert_eq!(
            deleted.status,
            StatusCode::NO_CONTENT,
            "{kind}: {:?}",
            deleted.body
        );
        assert_eq!(app.get(&path).await.status, StatusCode::NOT_FOUND, "{kind}");
        assert_eq!(
            app.delete(&path).await.status,
            StatusCode::NOT_FOUND,
            "{kind}"
        );
    }
    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": client, "lines": service_lines()}),
        )
        .await;
    let quote_path = format!("/api/v1/quotes/{}", id(&quote));
    app.post(&format!("{quote_path}/send"), json!({})).await;
    let sent = app.delete(&quote_path).await;
    assert_eq!(sent.status, StatusCode::CONFLICT);
    assert_eq!(sent.body["code"], "invalid_transition");
    assert_eq!(
        sent.body["message"],
        "only a draft can be deleted; this quote is sent"
    );
    let invoice = issued_invoice(&app, &client).await;
    let issued = app
        .delete(&format!("/api/v1/invoices/{}", id(&invoice)))
        .await;
    assert_eq!(issued.status, StatusCode::CONFLICT);
    let viewer = app.user_token("viewer@drafts.test", "viewer").await;
    let draft = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": client, "lines": service_lines()}),
        )
        .await;
    let refused = app
        .send(
            Method::DELETE,
            &format!("/api/v1/quotes/{}", id(&draft)),
            Some(&viewer),
            None,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let not_allowed = app
        .send(Method::PUT, "/api/v1/clients", None, None, &[])
        .await;
    assert_eq!(not_allowed.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(not_allowed.body["code"], "method_not_allowed");
}

#[tokio::test]
async fn a_deleted_draft_invoice_gives_back_what_it_billed_to_its_order() {
    let app = spawn_app().await;
    let client = client(&app, "Mariage Dubois").await;
    app.create(
        "/api/v1/warehouses",
        json!({"code": "DEP", "name": "Dépôt"}),
    )
    .await;
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": client, "lines": service_lines()}),
        )
        .await;
    let order_path = format!("/api/v1/orders/{}", id(&order));
    app.post(&format!("{order_path}/confirm"), json!({})).await;
    let delivered = app
        .send(
            Method::POST,
            &format!("{order_path}/deliveries"),
            Some(&app.admin_token),
            None,
            &[],
        )
        .await;
    assert_eq!(
        delivered.status,
        StatusCode::CREATED,
        "no body delivers everything: {:?}",
        delivered.body
    );
    assert_eq!(delivered.body["order"]["status"], "delivered");
    let draft = app
        .create(&format!("{order_path}/invoice"), json!({}))
        .await;
    assert_eq!(app.get(&order_path).await.body["status"], "invoiced");

    let deleted = app
        .delete(&format!("/api/v1/invoices/{}", id(&draft)))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{:?}", deleted.body);
    let order_now = app.get(&order_path).await.body;
    assert_eq!(order_now["status"], "delivered");
    assert_eq!(order_now["lines"][0]["invoiced_quantity"], "0");
    let again = app
        .create(&format!("{order_path}/invoice"), json!({}))
        .await;
    assert_eq!(again["total_excl_tax"], "300.00");

    let converted = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": client, "lines": service_lines()}),
        )
        .await;
    let quote_path = format!("/api/v1/quotes/{}", id(&converted));
    app.post(&format!("{quote_path}/send"), json!({})).await;
    app.post(&format!("{quote_path}/accept"), json!({})).await;
    let from_quote = app
        .create(&format!("{quote_path}/convert"), json!({}))
        .await;
    let refused = app
        .delete(&format!("/api/v1/orders/{}", id(&from_quote)))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn deliveries_take_everything_left_when_told_all() {
    let app = spawn_app().await;
    let client = client(&app, "Concert").await;
    app.create(
        "/api/v1/warehouses",
        json!({"code": "DEP", "name": "Dépôt"}),
    )
    .await;
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": client, "lines": [
                {"description": "Scène", "quantity": "3", "unit_price": "100", "vat_rate": "20"},
                {"description": "Lumières", "quantity": "1", "unit_price": "80", "vat_rate": "20"}]}),
        )
        .await;
    let path = format!("/api/v1/orders/{}", id(&order));
    app.post(&format!("{path}/confirm"), json!({})).await;
    let first_line = id(&order["lines"][0]);
    let part = app
        .create(
            &format!("{path}/deliveries"),
            json!({"lines": [{"line_id": first_line, "quantity": "1"}]}),
        )
        .await;
    assert_eq!(part["order"]["status"], "partially_delivered");
    let rest = app
        .create(&format!("{path}/deliveries"), json!({"lines": "all"}))
        .await;
    assert_eq!(rest["order"]["status"], "delivered");
    let quantities: Vec<&str> = rest["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["quantity"].as_str().unwrap())
        .collect();
    assert_eq!(quantities, ["2", "1"]);
    let nothing_left = app.post(&format!("{path}/deliveries"), json!({})).await;
    assert_eq!(nothing_left.status, StatusCode::CONFLICT);
    let notes = app
        .get(&format!(
            "/api/v1/deliveries?client_id={client}&sort=number"
        ))
        .await
        .body;
    assert_eq!(notes["total"], 2);
    assert_eq!(notes["items"][1]["id"], rest["id"]);
    let by_order = app
        .get(&format!("/api/v1/deliveries?order_id={}", id(&order)))
        .await
        .body;
    assert_eq!(by_order["total"], 2);
}

#[tokio::test]
async fn one_default_warehouse_serves_orders_and_receipts_that_name_none() {
    let app = spawn_app().await;
    let lyon = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let paris = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "PAR", "name": "Paris"}),
        )
        .await;
    assert_eq!(
        (lyon["is_default"].clone(), paris["is_default"].clone()),
        (json!(true), json!(false))
    );
    let product = id(&app.create_product("ENCEINTE").await);
    let receipt = app
        .create(
            "/api/v1/stock/movements",
            json!({"type": "receipt", "product_id": product, "quantity": "5"}),
        )
        .await;
    assert_eq!(receipt["to_location_id"], lyon["default_location_id"]);
    let client = client(&app, "Club").await;
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": client, "lines": [{"product_id": product, "quantity": "1"}]}),
        )
        .await;
    assert_eq!(order["warehouse_id"], lyon["id"]);

    let moved = app
        .patch(
            &format!("/api/v1/warehouses/{}", id(&paris)),
            json!({"is_default": true}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    assert_eq!(moved.body["is_default"], true);
    let lyon_now = app
        .get(&format!("/api/v1/warehouses/{}", id(&lyon)))
        .await
        .body;
    assert_eq!(lyon_now["is_default"], false);
    let unset = app
        .patch(
            &format!("/api/v1/warehouses/{}", id(&paris)),
            json!({"is_default": false}),
        )
        .await;
    assert_eq!(field_names(&unset.body), ["is_default"]);

    let supplier = id(&app
        .create("/api/v1/suppliers", json!({"name": "Grossiste"}))
        .await);
    let purchase = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": supplier, "lines": [{"product_id": product, "quantity": "4", "unit_price": "50"}]}),
        )
        .await;
    let purchase_path = format!("/api/v1/purchase-orders/{}", id(&purchase));
    app.post(&format!("{purchase_path}/send"), json!({})).await;
    let received = app
        .create(
            &format!("{purchase_path}/receipts"),
            json!({"lines": [{"line_id": id(&purchase["lines"][0]), "quantity": "4"}]}),
        )
        .await;
    let movement = &received["movements"][0];
    assert_eq!(
        movement["to_location_id"], paris["default_location_id"],
        "{received:?}"
    );
}

#[tokio::test]
async fn a_malformed_upload_and_an_empty_export_format_answer_as_the_contract_says() {
    let app = spawn_app().await;
    let reply = app
        .client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "multipart/form-data")
        .body("entity=products")
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    let body: Value = reply.json().await.unwrap();
    assert_eq!(body["code"], "bad_request");

    let export = app.get("/api/v1/clients/export?format=").await;
    assert_eq!(export.status, StatusCode::OK, "{:?}", export.body);
    assert!(export.body.as_str().unwrap().starts_with("code,"));
}
