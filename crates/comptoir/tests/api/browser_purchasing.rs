//! Purchasing in a real browser: a purchase order drafted in the form
//! (supplier and product found by typing, a quantity typed), rewritten in
//! its edit form (a line added by typing its product), sent, and received
//! in part, saving `purchase-order-form.png`, `purchase-order-draft.png`,
//! `purchase-order-edit.png` and `purchase-order.png`; then the
//! supplier's page with its address and contact forms (`supplier.png`) and
//! the replenishment suggestions, saving `replenishment.png`.

use crate::browser::{Browser, browser};
use crate::helpers::{PASSWORD, spawn_app};
use crate::purchasing::setup;
use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;

/// Picks `value` in the select `css`.
pub(crate) async fn pick(browser: &Browser, css: &str, value: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .expect(css)
        .select_by_value(value)
        .await
        .expect("picked");
}

/// Types `text` in the search box `css` and waits until its picker has
/// chosen `id`.
async fn find(browser: &Browser, css: &str, text: &str, id: &str) {
    browser.fill(&format!("{css}_q"), text).await;
    let select = format!("{css}_id");
    for _ in 0..100 {
        let element = browser.client.find(Locator::Css(&select)).await;
        if let Ok(element) = element
            && element.prop("value").await.ok().flatten().as_deref() == Some(id)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{select} never chose {id}: {}", browser.text(&select).await);
}

/// Waits until the text of `css` contains `text`; an element of the page
/// being left (gone stale) is read again on the next page.
pub(crate) async fn shows(browser: &Browser, css: &str, text: &str) {
    for _ in 0..100 {
        if let Ok(element) = browser.client.find(Locator::Css(css)).await
            && let Ok(shown) = element.text().await
            && shown.contains(text)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never showed {text}: {}", browser.text(css).await);
}

#[tokio::test]
async fn a_buyer_drafts_sends_and_receives_part_of_a_purchase_order_in_the_browser() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    // A table under its minimum, so the replenishment screen has a row.
    let table = &s.table;
    app.create(
        &format!("/api/v1/products/{table}/suppliers"),
        json!({"supplier_id": s.supplier, "purchase_price": "85.00"}),
    )
    .await;
    app.create(
        "/api/v1/reorder-rules",
        json!({"product_id": table, "warehouse_id": s.warehouse, "min_quantity": "4", "max_quantity": "12"}),
    )
    .await;
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.open(&app.address, "/purchase-orders").await;
    browser.click("a.button[href='/purchase-orders/new']").await;
    browser.arrives_at("/purchase-orders/new").await;
    find(&browser, "#f-supplier", "mobil", &s.supplier).await;
    pick(&browser, "#f-warehouse_id", &s.warehouse).await;
    find(&browser, "#l0-product", "chai", &s.chair).await;
    browser.fill("#l0-quantity", "12").await;
    browser.screenshot("purchase-order-form").await;
    browser
        .click("form[action='/purchase-orders'] button[type=submit]")
        .await;
    browser.arrives_at("/purchase-orders/").await;
    shows(&browser, "h1 .badge", "Brouillon").await;
    assert!(
        browser.text("main").await.contains("72,00"),
        "12 chairs at 6.00"
    );

    browser.screenshot("purchase-order-draft").await;

    // The draft rewritten: more chairs, and tables found by typing.
    browser.click("a[data-edit]").await;
    browser.arrives_at("/purchase-orders/").await;
    shows(&browser, "h1", "Modifier la commande d'achat").await;
    browser.fill("#l0-quantity", "15").await;
    find(&browser, "#l1-product", "tab", table).await;
    browser.fill("#l1-quantity", "2").await;
    browser.fill("#l1-unit_price", "80").await;
    browser.screenshot("purchase-order-edit").await;
    browser.click("button[data-save]").await;
    shows(&browser, "h1 .badge", "Brouillon").await;
    shows(&browser, "main", "250,00").await;

    browser.click("button[data-action='send']").await;
    shows(&browser, "h1 .badge", "Envoyée").await;
    browser.fill("#receive input[inputmode=decimal]", "5").await;
    browser.click("button[data-action='receive']").await;
    shows(&browser, "h1 .badge", "Reçue en partie").await;
    assert_eq!(browser.text("td[data-remaining]").await, "10");
    browser.screenshot("purchase-order").await;

    browser
        .open(&app.address, &format!("/suppliers/{}", s.supplier))
        .await;
    shows(&browser, "#address-form legend", "Ajouter une adresse").await;
    browser.screenshot("supplier").await;

    browser.open(&app.address, "/replenishment").await;
    shows(&browser, "main", "TABLE").await;
    browser.screenshot("replenishment").await;
    browser.close().await;
}
