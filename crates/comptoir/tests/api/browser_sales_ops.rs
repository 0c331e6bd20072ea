//! The sales screens around the documents in headless chromium: an order
//! delivered in two parts with the per-line form, its invoice issued then
//! partly credited, and the client's page with its balance and timeline;
//! the returns list reached from the deliveries, its export menu open.
//! Saves `partial-delivery.png`, `client-detail.png`,
//! `client-timeline.png` and `returns-list.png`.

use crate::browser::{Browser, browser};
use crate::helpers::{PASSWORD, id, spawn_app};
use crate::sales_ops_pages::confirmed_order;
use chrono::{Datelike, Utc};
use fantoccini::Locator;
use std::time::Duration;

/// Waits until the element `css` reads `text`; while the next page
/// loads, the element may be missing or stale.
async fn reads(browser: &Browser, css: &str, text: &str) {
    for _ in 0..200 {
        if let Ok(element) = browser.client.find(Locator::Css(css)).await
            && element.text().await.is_ok_and(|read| read == text)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never read {text}: {}", browser.text("main").await);
}

/// Scrolls the element `css` to the middle of the window.
async fn show(browser: &Browser, css: &str) {
    browser
        .client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
            vec![css.into()],
        )
        .await
        .expect("scrolled");
}

#[tokio::test]
async fn a_clerk_delivers_an_order_in_two_parts_and_credits_part_of_its_invoice() {
    let app = spawn_app().await;
    let sale = confirmed_order(&app).await;
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    // Signed in once the home page names the reader (the login page's
    // path also starts with "/").
    browser.text(".account .who").await;
    browser.open(&app.address, "/orders").await;
    browser
        .click(&format!("a[href='/orders/{}']", sale.order))
        .await;
    browser.arrives_at(&format!("/orders/{}", sale.order)).await;

    browser
        .fill(&format!("#deliver-{}", sale.chairs), "40")
        .await;
    browser
        .fill(&format!("#deliver-{}", sale.tables), "0")
        .await;
    show(&browser, "#deliver-form").await;
    browser.screenshot("partial-delivery").await;
    browser.click("button[data-form='deliver']").await;
    reads(&browser, "h1 .badge", "Partiellement livrée").await;
    let left = browser
        .client
        .find(Locator::Css(&format!("#deliver-{}", sale.chairs)))
        .await
        .expect("the form again")
        .prop("value")
        .await
        .expect("value");
    assert_eq!(left.as_deref(), Some("60"), "prefilled with what remains");
    browser.click("button[data-form='deliver']").await;
    reads(&browser, "h1 .badge", "Livrée").await;

    browser.click("button[data-action='invoice']").await;
    let invoice = browser.arrives_at("/invoices/").await;
    browser.click("button[data-action='issue']").await;
    reads(&browser, "h1 .badge", "Émise").await;
    let detail = app.get(&format!("/api/v1{invoice}")).await.body;
    let tables = detail["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["source_line_id"] == sale.tables.as_str())
        .map(id)
        .expect("the tables' line");
    show(&browser, "#credit-form").await;
    browser.fill(&format!("#credit-{tables}"), "3").await;
    browser.fill("#f-credit-notes", "Rayures").await;
    browser.click("button[data-form='credit']").await;
    browser.arrives_at("/credit-notes/").await;
    reads(&browser, "h1 .badge", "Émis").await;
    let number = format!("AV-{}-00001", Utc::now().year());
    assert!(browser.text("h1").await.contains(&number));

    browser
        .open(&app.address, &format!("/clients/{}", sale.client))
        .await;
    let balance = browser.text("#open-balance").await;
    // 100 chairs and 10 tables, 1 320,00 € incl. VAT, less the 3 tables
    // credited (36,00 €).
    assert!(
        balance
            .replace(['\u{a0}', '\u{202f}'], " ")
            .contains("1 284,00 €"),
        "{balance}"
    );
    assert!(
        browser
            .text("#client-timeline")
            .await
            .contains("Avoir émis")
    );
    show(&browser, "#address-form").await;
    browser.fill("#f-line1", "12 quai Rambaud").await;
    browser.fill("#f-postal_code", "69002").await;
    browser.fill("#f-city", "Lyon").await;
    browser.click("button[data-form='address']").await;
    assert!(
        browser
            .text("#addresses")
            .await
            .contains("12 quai Rambaud, 69002 Lyon")
    );
    browser.screenshot("client-detail").await;
    show(&browser, "#documents").await;
    browser.screenshot("client-timeline").await;
    browser.close().await;
}

#[tokio::test]
async fn the_returns_list_opens_its_export_menu() {
    let app = spawn_app().await;
    let ops = crate::exports::operations(&app).await;
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.text(".account .who").await;
    browser.open(&app.address, "/deliveries").await;
    browser.click(".heading a[href='/returns']").await;
    reads(&browser, "h1", "Retours").await;
    let rows = browser.text("table tbody").await;
    assert!(
        rows.contains(&ops.port.number) && rows.contains("Erreur d'article"),
        "{rows}"
    );
    browser.click("details.export summary").await;
    let menu = browser.text("details.export ul").await;
    assert!(menu.contains("Classeur XLSX"), "{menu}");
    browser.screenshot("returns-list").await;
    browser.close().await;
}
