//! Suppliers, purchase orders, reorder rules and replenishment through the
//! pages: who may see and do what, the supplier form's refusals, an order
//! drafted in the form, sent, received in part (the rest still expected,
//! the stock risen), and suggestions turned into an order.

use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, Page, user};
use crate::purchasing::{Setup, setup};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn physical(app: &TestApp, product: &str, location: &str) -> Value {
    let levels = app
        .get(&format!(
            "/api/v1/stock?product_id={product}&location_id={location}"
        ))
        .await;
    levels.body["items"][0]["physical"].clone()
}

/// Posts the order form: ten chairs, then a second row as typed.
async fn draft(browser: &mut Browser<'_>, csrf: &str, s: &Setup, row: (&str, &str)) -> Page {
    let form = [
        ("_csrf", csrf),
        ("supplier_id", &s.supplier),
        ("warehouse_id", &s.warehouse),
        ("expected_date", ""),
        ("product_id", &s.chair),
        ("quantity", "10"),
        ("unit_price", ""),
        ("product_id", row.0),
        ("quantity", row.1),
        ("unit_price", ""),
    ];
    browser.post("/purchase-orders", &form).await
}

/// Posts the rule form: chairs in the warehouse, at least 10, at most `max`.
async fn rule(browser: &mut Browser<'_>, csrf: &str, s: &Setup, max: &str) -> Page {
    let form = [
        ("_csrf", csrf),
        ("product_id", &s.chair),
        ("warehouse_id", &s.warehouse),
        ("min_quantity", "10"),
        ("max_quantity", max),
        ("supplier_id", ""),
    ];
    browser.post("/reorder-rules", &form).await
}

/// The path a 303 leads to.
fn location(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    page.location().to_owned()
}

#[tokio::test]
async fn each_page_renders_for_a_role_that_may_see_it_and_is_refused_to_one_that_may_not() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let order = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": s.supplier, "lines": [{"product_id": s.chair, "quantity": "4"}]}),
        )
        .await;
    let order = id(&order);
    app.create(
        &format!("/api/v1/suppliers/{}/addresses", s.supplier),
        json!({"kind": "billing", "line1": "12 rue des Ateliers", "postal_code": "13002", "city": "Marseille"}),
    )
    .await;
    app.create(
        &format!("/api/v1/suppliers/{}/contacts", s.supplier),
        json!({"name": "Paul Martin", "role": "Commercial", "email": "paul@mobilier.example"}),
    )
    .await;
    user(&app, "magasin@test.example", "warehouse").await;
    user(&app, "vente@test.example", "sales").await;
    user(&app, "tech@test.example", "technician").await;

    let mut admin = Browser::new(&app, "fr");
    admin.signed_in("admin@test.example").await;
    let home = admin.get("/").await;
    for href in ["/suppliers", "/purchase-orders", "/replenishment"] {
        assert!(home.has(&format!("href=\"{href}\"")), "{href} in the menu");
    }
    for path in [
        "/suppliers".to_owned(),
        "/suppliers/new".to_owned(),
        format!("/suppliers/{}", s.supplier),
        format!("/suppliers/{}/edit", s.supplier),
        "/purchase-orders".to_owned(),
        "/purchase-orders/new".to_owned(),
        format!("/purchase-orders/{order}"),
        "/reorder-rules".to_owned(),
        "/reorder-rules/new".to_owned(),
        "/replenishment".to_owned(),
    ] {
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.html);
    }
    let page = admin.get(&format!("/suppliers/{}", s.supplier)).await;
    assert!(
        page.has("Mobilier Pro") && page.has("ACH-"),
        "{}",
        page.html
    );
    assert!(
        page.has("12 rue des Ateliers, 13002 Marseille")
            && page.has("Paul Martin</strong> · Commercial"),
        "{}",
        page.html
    );
    let page = admin.get(&format!("/purchase-orders/{order}")).await;
    assert!(page.has("data-action=\"send\"") && page.has("data-action=\"cancel\""));

    // The warehouse reads suppliers and orders but drafts none.
    let mut warehouse = Browser::new(&app, "fr");
    let csrf = warehouse.signed_in("magasin@test.example").await;
    assert!(warehouse.get("/").await.has("href=\"/purchase-orders\""));
    assert_eq!(warehouse.get("/suppliers").await.status, StatusCode::OK);
    let page = warehouse.get(&format!("/purchase-orders/{order}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.has("data-action=\"send\""),
        "no button it may not use"
    );
    assert!(!page.has("href=\"/purchase-orders/new\""));
    assert_eq!(
        warehouse.get("/purchase-orders/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        warehouse.get("/suppliers/new").await.status,
        StatusCode::FORBIDDEN
    );
    let reply = warehouse
        .post(
            &format!("/purchase-orders/{order}/send"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = warehouse.post("/replenishment", &[("_csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    // Sales sees stock but neither suppliers nor purchases.
    let mut sales = Browser::new(&app, "fr");
    sales.signed_in("vente@test.example").await;
    let home = sales.get("/").await;
    assert!(!home.has("href=\"/suppliers\"") && !home.has("href=\"/purchase-orders\""));
    assert!(home.has("href=\"/replenishment\""));
    for path in ["/suppliers".to_owned(), format!("/purchase-orders/{order}")] {
        assert_eq!(
            sales.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(sales.get("/replenishment").await.status, StatusCode::OK);

    // The technician sees no stock.
    let mut tech = Browser::new(&app, "fr");
    tech.signed_in("tech@test.example").await;
    for path in ["/replenishment", "/reorder-rules", "/purchase-orders"] {
        assert_eq!(tech.get(path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}

#[tokio::test]
async fn the_supplier_form_shows_each_mistake_next_to_its_field_and_a_stale_edit_the_stored_values()
{
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;
    let reply = browser
        .post(
            "/suppliers",
            &[
                ("_csrf", &csrf),
                ("name", ""),
                ("email", "achats@"),
                ("payment_terms_days", "trente"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has("id=\"e-name\">obligatoire<"), "{}", reply.html);
    assert!(reply.has("id=\"e-email\">adresse e-mail non valide<"));
    assert!(reply.has("id=\"e-payment_terms_days\">doit être un nombre entier<"));
    assert!(reply.has("value=\"achats@\""), "what was typed is kept");

    let created = browser
        .post(
            "/suppliers",
            &[
                ("_csrf", &csrf),
                ("name", "Bois du Jura"),
                ("kind", "company"),
                ("payment_terms_days", "45"),
                ("active", "true"),
            ],
        )
        .await;
    let page = location(&created);
    let form = browser.get(&format!("{page}/edit")).await;
    let version = form.hidden("version");
    let supplier = page.trim_start_matches("/suppliers/");
    let changed = app
        .patch(
            &format!("/api/v1/suppliers/{supplier}"),
            json!({"name": "Bois du Jura SA"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    let reply = browser
        .post(
            &page,
            &[
                ("_csrf", &csrf),
                ("version", &version),
                ("name", "Scierie du Jura"),
                ("kind", "company"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert!(reply.has("modifié entre-temps par quelqu'un d'autre"));
    assert!(reply.has("value=\"Bois du Jura SA\""), "{}", reply.html);

    let listed = browser.get("/suppliers?q=jura&status=all").await;
    assert!(listed.has("Bois du Jura SA"), "{}", listed.html);
    let inactive = browser.get("/suppliers?status=inactive").await;
    assert!(!inactive.has("Bois du Jura SA"));
}

#[tokio::test]
async fn an_order_drafted_sent_and_received_in_part_shows_what_is_still_expected() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;

    // A row without a product is marked next to it; the rest is kept.
    let reply = draft(&mut browser, &csrf, &s, ("", "3")).await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.html
    );
    assert!(
        reply.has("id=\"e-l1-product_id\">obligatoire<"),
        "{}",
        reply.html
    );
    assert!(reply.has("value=\"10\""));

    let created = draft(&mut browser, &csrf, &s, ("", "")).await;
    let page = location(&created);
    let order = browser.get(&page).await;
    assert!(order.has("Brouillon"), "{}", order.html);
    assert!(
        order.has("60,00\u{a0}€"),
        "the supplier's price: {}",
        order.html
    );
    assert!(!order.has("id=\"receive\""), "a draft receives nothing");

    let sent = browser
        .post(&format!("{page}/send"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(location(&sent), page);
    let order = browser.get(&page).await;
    assert!(order.has("Envoyée"));
    assert!(!order.has("data-action=\"send\""));
    let line = order
        .html
        .split("name=\"quantity.")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a quantity to receive per line")
        .to_owned();

    let too_much = browser
        .post(
            &format!("{page}/receive"),
            &[
                ("_csrf", &csrf),
                (&format!("quantity.{line}"), "11"),
                ("location_id", ""),
            ],
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        too_much.has(&format!(
            "id=\"e-{line}\">plus que commandé : 10 encore attendu(s)"
        )),
        "{}",
        too_much.html
    );

    let received = browser
        .post(
            &format!("{page}/receive"),
            &[
                ("_csrf", &csrf),
                (&format!("quantity.{line}"), "4"),
                ("location_id", &s.stock),
            ],
        )
        .await;
    assert_eq!(location(&received), page);
    let order = browser.get(&page).await;
    assert!(order.has("Reçue en partie"), "{}", order.html);
    assert!(
        order.has(&format!("data-remaining=\"{line}\">6<")),
        "{}",
        order.html
    );
    assert!(order.has("data-action=\"receive\""), "the rest can come");
    assert_eq!(physical(&app, &s.chair, &s.stock).await, "4");

    let listed = browser
        .get(&format!(
            "/purchase-orders?status=partially_received&supplier_id={}",
            s.supplier
        ))
        .await;
    assert!(
        listed.has("ACH-") && listed.has("Mobilier Pro"),
        "{}",
        listed.html
    );
    let none = browser.get("/purchase-orders?status=draft").await;
    assert!(!none.has("ACH-"));
}

#[tokio::test]
async fn ticked_suggestions_become_one_purchase_order_per_supplier() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;

    let reply = rule(&mut browser, &csrf, &s, "5").await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has("id=\"e-max_quantity\">"), "{}", reply.html);
    let reply = rule(&mut browser, &csrf, &s, "50").await;
    assert_eq!(location(&reply), "/reorder-rules");
    let rules = browser.get("/reorder-rules").await;
    assert!(
        rules.has("CHAISE · Chaise") && rules.has("Marseille"),
        "{}",
        rules.html
    );

    // A table under its minimum too, left unticked.
    app.create(
        &format!("/api/v1/products/{}/suppliers", s.table),
        json!({"supplier_id": s.supplier, "purchase_price": "85.00"}),
    )
    .await;
    app.create(
        "/api/v1/reorder-rules",
        json!({"product_id": s.table, "warehouse_id": s.warehouse, "min_quantity": "1", "max_quantity": "2"}),
    )
    .await;

    let page = browser.get("/replenishment").await;
    assert!(
        page.has("CHAISE · Chaise") && page.has("TABLE"),
        "{}",
        page.html
    );
    assert!(page.has("Mobilier Pro"));
    let key = page
        .html
        .split("name=\"key\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find(|key| key.starts_with(&s.chair))
        .unwrap()
        .to_owned();
    let ordered = browser
        .post("/replenishment", &[("_csrf", &csrf), ("key", &key)])
        .await;
    let order = browser.get(&location(&ordered)).await;
    assert!(
        order.has("Brouillon") && order.has("Mobilier Pro"),
        "{}",
        order.html
    );
    assert!(
        order.has("300,00\u{a0}€"),
        "50 chairs at 6.00: {}",
        order.html
    );

    let page = browser.get("/replenishment").await;
    assert!(
        !page.has("CHAISE · Chaise") && page.has("TABLE"),
        "what is on order counts, the unticked is still suggested: {}",
        page.html
    );
}
