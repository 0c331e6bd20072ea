//! The purchasing forms through the pages: a draft purchase order
//! rewritten in its form (its lines shown, a mistake next to its field, a
//! stale edit showing the stored order, a sent order refused, a role that
//! may not refused), and the supplier and product pickers searched as
//! typed.

use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, Page, user};
use crate::purchasing::{Setup, setup};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A draft of four chairs and two tables at 80.00 described by hand.
async fn order(app: &TestApp, s: &Setup) -> String {
    let order = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": s.supplier, "warehouse_id": s.warehouse, "lines": [
                {"product_id": s.chair, "quantity": "4"},
                {"product_id": s.table, "quantity": "2", "unit_price": "80", "description": "Table chêne 180"},
            ]}),
        )
        .await;
    id(&order)
}

/// Posts the edit form as a browser sends it: each row with every field,
/// the stored rows with the product they were saved with and their
/// description.
async fn save(
    browser: &mut Browser<'_>,
    order: &str,
    csrf: &str,
    version: &str,
    s: &Setup,
    rows: [(&str, &str, &str); 2],
) -> Page {
    let saved = [
        (s.chair.as_str(), ""),
        (s.table.as_str(), "Table chêne 180"),
    ];
    let mut form = vec![
        ("_csrf", csrf),
        ("version", version),
        ("supplier_q", ""),
        ("supplier_id", &s.supplier),
        ("warehouse_id", &s.warehouse),
        ("expected_date", ""),
    ];
    for ((product, quantity, price), (saved, description)) in rows.iter().zip(saved) {
        form.extend([
            ("saved_product_id", saved),
            ("variant_id", ""),
            ("description", description),
            ("product_q", ""),
            ("product_id", product),
            ("quantity", quantity),
            ("unit_price", price),
            ("discount_percent", ""),
        ]);
    }
    form.push(("notes", ""));
    browser
        .post(&format!("/purchase-orders/{order}/edit"), &form)
        .await
}

#[tokio::test]
async fn a_draft_is_rewritten_in_its_form_until_it_is_sent() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let order = order(&app, &s).await;
    let page = format!("/purchase-orders/{order}");
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;

    let shown = browser.get(&page).await;
    assert!(
        shown.has(&format!("href=\"{page}/edit\" data-edit")),
        "{}",
        shown.html
    );
    let form = browser.get(&format!("{page}/edit")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(form.has("Modifier la commande d'achat"));
    assert!(form.has(&format!("<option value=\"{}\" selected>", s.supplier)));
    let row = |i: usize, product: &str| {
        let html = form.html.split(&format!("id=\"l{i}-product_id\"")).nth(1)?;
        Some(
            html.split("</select>")
                .next()?
                .contains(&format!("value=\"{product}\" selected")),
        )
    };
    assert_eq!(row(0, &s.chair), Some(true), "{}", form.html);
    assert_eq!(row(1, &s.table), Some(true), "{}", form.html);
    assert!(
        form.has(
            "id=\"l0-quantity\" name=\"quantity\" inputmode=\"decimal\" size=\"8\" value=\"4\""
        )
    );
    assert!(form.has(
        "id=\"l1-unit_price\" name=\"unit_price\" inputmode=\"decimal\" size=\"8\" value=\"80\""
    ));
    assert!(
        form.has("value=\"Table chêne 180\""),
        "the description kept"
    );
    let version = form.hidden("version");

    // A mistake comes back next to its field, as typed.
    let rows = [(s.chair.as_str(), "beaucoup", "6"), (&s.table, "2", "80")];
    let refused = save(&mut browser, &order, &csrf, &version, &s, rows).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("id=\"e-l0-quantity\">"), "{}", refused.html);
    assert!(refused.has("value=\"beaucoup\""));

    let rows = [(s.chair.as_str(), "7", "6"), (&s.table, "2", "80")];
    let saved = save(&mut browser, &order, &csrf, &version, &s, rows).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    assert_eq!(saved.location(), page);
    let shown = browser.get(&page).await;
    assert!(shown.has("202,00\u{a0}€"), "7 × 6 + 2 × 80: {}", shown.html);
    assert!(shown.has("Table chêne 180"), "its description kept");

    // Someone else saved meanwhile: the stored order comes back.
    let stored = app.get(&format!("/api/v1/purchase-orders/{order}")).await;
    let current = stored.body["version"].to_string();
    let changed = app
        .send(
            Method::PUT,
            &format!("/api/v1/purchase-orders/{order}"),
            Some(&app.admin_token),
            Some(json!({"supplier_id": s.supplier, "lines": [{"product_id": s.chair, "quantity": "9"}]})),
            &[("If-Match", &current)],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let rows = [(s.chair.as_str(), "8", "6"), (&s.table, "2", "80")];
    let stale = save(&mut browser, &order, &csrf, &current, &s, rows).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert!(stale.has("modifié entre-temps par quelqu'un d'autre"));
    assert!(
        stale.has(
            "id=\"l0-quantity\" name=\"quantity\" inputmode=\"decimal\" size=\"8\" value=\"9\""
        )
    );
    assert!(!stale.has("value=\"8\""), "{}", stale.html);

    // Sent, it is read-only: no button, the form goes to its page, a
    // save is refused there.
    let sent = app
        .post(&format!("/api/v1/purchase-orders/{order}/send"), json!({}))
        .await;
    assert_eq!(sent.body["status"], "sent");
    assert!(!browser.get(&page).await.has("data-edit"));
    let gone = browser.get(&format!("{page}/edit")).await;
    assert_eq!(gone.location(), page);
    let version = sent.body["version"].to_string();
    let refused = save(&mut browser, &order, &csrf, &version, &s, rows).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.html);
    assert!(
        refused.has("une commande d'achat envoyée ne peut pas voir ses lignes modifiées"),
        "{}",
        refused.html
    );
}

#[tokio::test]
async fn who_may_not_write_purchases_neither_sees_nor_uses_the_edit_form() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let order = order(&app, &s).await;
    let page = format!("/purchase-orders/{order}");
    user(&app, "magasin@test.example", "warehouse").await;
    let mut warehouse = Browser::new(&app, "fr");
    let csrf = warehouse.signed_in("magasin@test.example").await;
    assert!(!warehouse.get(&page).await.has("data-edit"));
    let form = warehouse.get(&format!("{page}/edit")).await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    let rows = [(s.chair.as_str(), "1", ""), ("", "", "")];
    let refused = save(&mut warehouse, &order, &csrf, "1", &s, rows).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let stored = app.get(&format!("/api/v1/purchase-orders/{order}")).await;
    assert_eq!(stored.body["lines"][0]["quantity"], "4");
}

#[tokio::test]
async fn the_supplier_and_product_pickers_narrow_as_the_reader_types() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    app.create("/api/v1/suppliers", json!({"name": "Bois du Jura"}))
        .await;
    let mut admin = Browser::new(&app, "fr");
    admin.signed_in("admin@test.example").await;

    let form = admin.get("/purchase-orders/new").await;
    assert!(form.has("for=\"f-supplier_q\"") && form.has("hx-get=\"/pickers/suppliers\""));
    assert!(form.has("for=\"l0-product_q\"") && form.has("hx-get=\"/pickers/products\""));
    let rule = admin.get("/reorder-rules/new").await;
    assert!(rule.has("for=\"f-product_q\"") && rule.has("for=\"f-supplier_q\""));

    let found = admin
        .get("/pickers/suppliers?supplier_q=mobil&supplier_id=&choose=purchasing.choose")
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found.has(&format!("value=\"{}\" selected", s.supplier)),
        "{}",
        found.html
    );
    assert!(found.has("Mobilier Pro") && !found.has("Bois du Jura"));
    assert!(!found.has("— Choisir —"), "a search picks its first match");
    let none = admin.get("/pickers/suppliers?supplier_q=personne").await;
    assert!(none.has("Aucun fournisseur trouvé"), "{}", none.html);
    // Emptied, the search offers every supplier and the form's own empty
    // choice; the chosen one stays chosen.
    let all = admin
        .get(&format!(
            "/pickers/suppliers?supplier_q=&supplier_id={}&choose=rules.cheapest",
            s.supplier
        ))
        .await;
    assert!(all.has("Bois du Jura") && all.has("Mobilier Pro"));
    assert!(all.has(&format!("value=\"{}\" selected", s.supplier)));
    assert!(all.has("Le moins cher référencé"), "{}", all.html);

    let products = admin
        .get("/pickers/products?product_q=chai&product_id=")
        .await;
    assert!(products.has("CHAISE · Chaise") && !products.has("TABLE"));
    assert!(products.has(&format!("value=\"{}\" selected", s.chair)));
    // A chosen product that still matches stays chosen.
    let kept = admin
        .get(&format!(
            "/pickers/products?product_q=a&product_id={}",
            s.table
        ))
        .await;
    assert!(
        kept.has(&format!("value=\"{}\" selected", s.table)),
        "{}",
        kept.html
    );

    // Each picker answers who may read its records.
    user(&app, "vente@test.example", "sales").await;
    let mut sales = Browser::new(&app, "fr");
    sales.signed_in("vente@test.example").await;
    let refused = sales.get("/pickers/suppliers?supplier_q=mobil").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let read = sales.get("/pickers/products?product_q=chai").await;
    assert_eq!(read.status, StatusCode::OK);
}
