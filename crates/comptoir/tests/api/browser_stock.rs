//! The stock screens in a real browser: a movement entered the way a USB
//! scanner types (the barcode, then Enter), and an inventory counted on
//! the count screen at a tablet's size (1024×768), reviewed and closed.
//! Saves `stock-levels.png`, `stock-movement.png`, `inventory-count.png`
//! and `inventory-review.png`.

use crate::browser::{Browser, browser};
use crate::helpers::{PASSWORD, TestApp, id, spawn_app};
use crate::pages::user;
use crate::stock_pages::{CHAIR_BARCODE, stocked};
use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;

/// What the Enter key sends through WebDriver.
const ENTER: &str = "\u{E007}";

/// Types `text` where the cursor is, as a scanner or a keyboard does.
async fn type_here(browser: &Browser, text: &str) {
    let focused = browser
        .client
        .active_element()
        .await
        .expect("a focused field");
    focused.send_keys(text).await.expect("typed");
}

/// The id of the focused element; empty while htmx swaps it.
async fn focused_id(browser: &Browser) -> String {
    match browser.client.active_element().await {
        Ok(focused) => focused.attr("id").await.ok().flatten().unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Waits until `css` reads `text`.
async fn wait_for(browser: &Browser, css: &str, text: &str) {
    for _ in 0..100 {
        if let Ok(element) = browser.client.find(Locator::Css(css)).await
            && element.text().await.is_ok_and(|t| t.contains(text))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never read {text}: {}", browser.text("main").await);
}

/// Waits until the cursor is in the field `id`.
async fn focus_reaches(browser: &Browser, id: &str) {
    for _ in 0..100 {
        if focused_id(browser).await == id {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the cursor never reached #{id}: it is in #{}",
        focused_id(browser).await
    );
}

/// Three more products on the Lyon stock and a reorder minimum the
/// tables fall under, so the screens look like a shop's.
async fn a_shop(app: &TestApp, warehouse: &str, stock: &str) {
    for (code, name, quantity) in [
        ("TABOURET", "Tabouret de bar", "8"),
        ("BANC", "Banc de terrasse", "3"),
        ("PARASOL", "Parasol 3 m", "6"),
    ] {
        let product = app
            .create(
                "/api/v1/products",
                json!({"code": code, "name": name, "sale_price": "60", "purchase_price": "30"}),
            )
            .await;
        app.create(
            "/api/v1/stock/movements",
            json!({"type": "receipt", "product_id": id(&product), "quantity": quantity, "to_location_id": stock}),
        )
        .await;
    }
    let tables = app.get("/api/v1/products?q=TABLE").await;
    let table = tables.body["items"][0]["id"].as_str().unwrap().to_owned();
    app.create(
        "/api/v1/reorder-rules",
        json!({"product_id": table, "warehouse_id": warehouse, "min_quantity": "10", "max_quantity": "20"}),
    )
    .await;
}

#[tokio::test]
async fn a_scanned_barcode_and_enter_record_a_movement_in_the_browser() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    let place = stocked(&app).await;
    a_shop(&app, &place.warehouse, &place.stock).await;
    user(&app, "magasin@test.example", "warehouse").await;
    browser
        .log_in(&app.address, "magasin@test.example", PASSWORD)
        .await;

    browser.open(&app.address, "/stock").await;
    assert!(browser.text(".alert-box").await.contains("Table ronde"));
    browser.screenshot("stock-levels").await;

    browser.open(&app.address, "/stock/movements/new").await;
    assert_eq!(focused_id(&browser).await, "f-barcode");
    // The scanner types the digits then Enter: the product shows, the
    // cursor moves to the quantity, nothing is sent yet.
    type_here(&browser, &format!("{CHAIR_BARCODE}{ENTER}")).await;
    wait_for(&browser, "#product-block", "Chaise bistrot").await;
    focus_reaches(&browser, "f-quantity").await;
    assert_eq!(browser.path().await, "/stock/movements/new");
    browser.screenshot("stock-movement").await;
    type_here(&browser, &format!("5{ENTER}")).await;
    browser.arrives_at("/stock/movements?product=").await;
    assert!(browser.text("table tbody").await.contains("Entrée"));

    browser.open(&app.address, "/stock?q=chaise").await;
    let levels = browser.text("#levels tbody").await;
    assert!(levels.contains("17"), "{levels}");
    browser.close().await;
}

#[tokio::test]
async fn an_inventory_is_counted_on_a_tablet_reviewed_and_closed() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    let place = stocked(&app).await;
    a_shop(&app, &place.warehouse, &place.stock).await;
    user(&app, "magasin@test.example", "warehouse").await;
    browser
        .client
        .set_window_size(1024, 768)
        .await
        .expect("a tablet's size");
    browser
        .log_in(&app.address, "magasin@test.example", PASSWORD)
        .await;

    browser.open(&app.address, "/inventories").await;
    browser.click("button[data-action='open']").await;
    browser.arrives_at("/inventories/").await;
    assert!(browser.path().await.ends_with("/count"));
    focus_reaches(&browser, "scan").await;

    // A scanned barcode puts the cursor in its line's count; Enter saves
    // it in place and the cursor is back in the scan field.
    type_here(&browser, &format!("{CHAIR_BARCODE}{ENTER}")).await;
    let chair_count = focused_id(&browser).await;
    assert!(chair_count.starts_with("count-"), "{chair_count}");
    type_here(&browser, &format!("10{ENTER}")).await;
    let chair_line = format!("#line-{}", chair_count.trim_start_matches("count-"));
    wait_for(&browser, &format!("{chair_line} .difference"), "2").await;
    focus_reaches(&browser, "scan").await;

    // A few letters of a name narrow the lines; Enter picks the one left.
    type_here(&browser, "tabour").await;
    type_here(&browser, ENTER).await;
    let stool_count = focused_id(&browser).await;
    assert!(stool_count.starts_with("count-"), "{stool_count}");
    type_here(&browser, &format!("8{ENTER}")).await;
    focus_reaches(&browser, "scan").await;
    type_here(&browser, &format!("PARASOL{ENTER}")).await;
    type_here(&browser, &format!("7{ENTER}")).await;
    focus_reaches(&browser, "scan").await;
    wait_for(&browser, ".progress", "3").await;
    browser
        .client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .expect("scrolled");
    browser.screenshot("inventory-count").await;

    browser.click("a[href$='/review']").await;
    browser.arrives_at("/inventories/").await;
    let differences = browser.text("#differences").await;
    assert!(differences.contains("Chaise bistrot") && differences.contains("Parasol"));
    assert!(!differences.contains("Tabouret"));
    browser.screenshot("inventory-review").await;
    browser.click("button[data-action='close']").await;
    wait_for(&browser, "h1", "Clôturé").await;

    browser.open(&app.address, "/stock?q=parasol").await;
    assert!(browser.text("#levels tbody").await.contains('7'));
    browser.close().await;
}
