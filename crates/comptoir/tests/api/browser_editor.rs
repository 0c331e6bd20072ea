//! The document editor in a real browser: a clerk writes a quote by
//! typing (client picked by its name, two products by theirs, a quantity
//! changed, the totals following from the server), saves it, then clicks
//! it through to a paid invoice; another picks a chair's variant by
//! typing its colour, and another among the candidates the page lists
//! when saved unpicked. Saves `document-editor.png`, `document-draft.png`,
//! `document-variant.png` and `document-variant-candidates.png`.

use crate::browser::{Browser, browser};
use crate::editor_pages::catalog;
use crate::editor_picking::variants;
use crate::helpers::{PASSWORD, spawn_app};
use fantoccini::Locator;
use serde_json::json;
use std::time::Duration;

/// Waits until the element `css` has `read` (its text, or its value for
/// an input) equal to `expected`.
async fn wait_for(browser: &Browser, css: &str, expected: &str, value: bool) {
    let mut last = String::new();
    for _ in 0..200 {
        if let Ok(element) = browser.client.find(Locator::Css(css)).await {
            let read = match value {
                true => element.prop("value").await.ok().flatten(),
                false => element.text().await.ok(),
            };
            if let Some(read) = read {
                if read.replace(['\u{a0}', '\u{202f}'], " ") == expected {
                    return;
                }
                last = read;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never read {expected:?} (last {last:?})");
}

/// Waits until the element `css` is in the page.
async fn appears(browser: &Browser, css: &str, what: &str) {
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .expect(what);
}

async fn rows(browser: &Browser) -> usize {
    browser
        .client
        .find_all(Locator::Css("#lines tr"))
        .await
        .expect("rows")
        .len()
}

/// Types `text` in the product box of row `row` (from 1) and picks the
/// first product found.
async fn pick_product(browser: &Browser, row: usize, text: &str, price: &str) {
    let line = format!("#lines tr:nth-child({row})");
    browser
        .fill(&format!("{line} input[data-product-search]"), text)
        .await;
    let suggestion = format!("{line} button.suggestion");
    appears(browser, &suggestion, "a product found").await;
    browser.click(&suggestion).await;
    wait_for(
        browser,
        &format!("#lines tr:nth-child({row}) input[name$='.unit_price']"),
        price,
        true,
    )
    .await;
}

#[tokio::test]
async fn a_clerk_types_a_quote_in_the_editor_and_clicks_it_to_a_paid_invoice() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    let warehouse = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let stock = warehouse["default_location_id"].as_str().unwrap();
    for product in [&catalog.chair, &catalog.book] {
        app.create(
            "/api/v1/stock/movements",
            json!({"type": "receipt", "product_id": product, "quantity": "50", "to_location_id": stock}),
        )
        .await;
    }
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.open(&app.address, "/quotes").await;
    browser.click("a[data-new]").await;
    browser.arrives_at("/quotes/new").await;

    browser.fill("#f-client_q", "brass").await;
    wait_for(&browser, "#f-client_id", &catalog.client, true).await;
    pick_product(&browser, 1, "chai", "9").await;
    browser.click("button[data-add-line]").await;
    appears(&browser, "#lines tr:nth-child(2)", "a second row").await;
    pick_product(&browser, 2, "livre", "22.5").await;
    wait_for(&browser, "#total-excl", "31,50 €", false).await;

    browser
        .fill("#lines tr:nth-child(1) input[name$='.quantity']", "3")
        .await;
    browser
        .fill("#lines tr:nth-child(2) input[name$='.quantity']", "4")
        .await;
    wait_for(&browser, "#total-incl", "127,35 €", false).await;
    wait_for(&browser, "#total-excl", "117,00 €", false).await;
    wait_for(&browser, "#total-tax", "10,35 €", false).await;

    // A free-text line typed by hand, and an empty row added then removed.
    for row in [3, 4] {
        browser.click("button[data-add-line]").await;
        appears(
            &browser,
            &format!("#lines tr:nth-child({row})"),
            "a row added",
        )
        .await;
    }
    browser
        .click("#lines tr:nth-child(4) button[data-remove]")
        .await;
    assert_eq!(rows(&browser).await, 3);
    let third = "#lines tr:nth-child(3)";
    for (field, text) in [
        ("description", "Installation"),
        ("unit_price", "29"),
        ("vat_rate", "20"),
    ] {
        browser
            .fill(&format!("{third} input[name$='.{field}']"), text)
            .await;
    }
    wait_for(&browser, "#total-incl", "162,15 €", false).await;
    wait_for(&browser, "#total-tax", "16,15 €", false).await;
    wait_for(&browser, "#lines tr:nth-child(1) output", "27,00 €", false).await;
    let breakdown = browser.text("#totals table.breakdown").await;
    assert!(
        breakdown.contains("S · 20,00 %") && breakdown.contains("S · 5,50 %"),
        "{breakdown}"
    );
    browser
        .client
        .execute("document.querySelector('h1').scrollIntoView()", vec![])
        .await
        .expect("scrolled");
    browser.screenshot("document-editor").await;

    // Another client: the product rows are priced for them, then back.
    let chair_price = "#lines tr:nth-child(1) input[name$='.unit_price']";
    browser.fill("#f-client_q", "atelier").await;
    wait_for(&browser, chair_price, "10", true).await;
    wait_for(
        &browser,
        "#lines tr:nth-child(3) input[name$='.unit_price']",
        "29",
        true,
    )
    .await;
    browser.fill("#f-client_q", "brass").await;
    wait_for(&browser, chair_price, "9", true).await;
    wait_for(&browser, "#total-incl", "162,15 €", false).await;

    browser.click("button[data-save]").await;
    browser.arrives_at("/quotes/").await;
    wait_for(&browser, "h1 .badge", "Brouillon", false).await;
    assert!(browser.text("main").await.contains("162,15"));
    browser.screenshot("document-draft").await;
    for (action, status) in [("send", "Envoyé"), ("accept", "Accepté")] {
        browser
            .click(&format!("button[data-action='{action}']"))
            .await;
        wait_for(&browser, "h1 .badge", status, false).await;
    }
    browser.click("button[data-action='convert']").await;
    browser.arrives_at("/orders/").await;
    for (action, status) in [("confirm", "Confirmée"), ("deliver", "Livrée")] {
        browser
            .click(&format!("button[data-action='{action}']"))
            .await;
        wait_for(&browser, "h1 .badge", status, false).await;
    }
    browser.click("button[data-action='invoice']").await;
    browser.arrives_at("/invoices/").await;
    wait_for(&browser, "h1 .badge", "Brouillon", false).await;
    assert!(
        browser
            .client
            .find(Locator::Css("a[data-edit]"))
            .await
            .is_err(),
        "an invoice billing an order is not rewritten in the editor"
    );
    browser.click("button[data-action='issue']").await;
    wait_for(&browser, "h1 .badge", "Émise", false).await;
    assert!(browser.text("main").await.contains("162,15"));
    browser.click("button[data-action='pay']").await;
    wait_for(&browser, "h1 .badge", "Payée", false).await;
    wait_for(&browser, "#balance-due", "0,00 €", false).await;
    browser.close().await;
}

#[tokio::test]
async fn a_clerk_picks_a_variant_by_typing_its_colour() {
    let app = spawn_app().await;
    let variants = variants(&app).await;
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.open(&app.address, "/quotes/new").await;
    browser.fill("#f-client_q", "brass").await;
    wait_for(&browser, "#f-client_id", &variants.catalog.client, true).await;

    let row = "#lines tr:nth-child(1)";
    browser
        .fill(&format!("{row} input[data-product-search]"), "chaise")
        .await;
    let red = format!("{row} button.suggestion[data-product='CHAISE-R']");
    appears(&browser, &red, "the variants offered").await;
    let offered = browser.text(&format!("{row} .suggestion-list")).await;
    for label in [
        "CHAISE — Chaise bistrot",
        "CHAISE-B — Chaise bistrot — Bleu",
        "CHAISE-R — Chaise bistrot — Rouge",
    ] {
        assert!(offered.contains(label), "{label}: {offered}");
    }
    browser.screenshot("document-variant").await;
    browser
        .fill(&format!("{row} input[data-product-search]"), "roug")
        .await;
    wait_for(
        &browser,
        &format!("{row} .suggestion-list"),
        "CHAISE-R — Chaise bistrot — Rouge",
        false,
    )
    .await;
    browser.click(&red).await;
    wait_for(
        &browser,
        &format!("{row} input[name$='.unit_price']"),
        "10.8",
        true,
    )
    .await;
    wait_for(
        &browser,
        &format!("{row} input[name$='.description']"),
        "Chaise bistrot — Rouge",
        true,
    )
    .await;
    browser
        .fill(&format!("{row} input[name$='.quantity']"), "2")
        .await;
    wait_for(&browser, "#total-excl", "21,60 €", false).await;
    wait_for(&browser, "#total-incl", "25,92 €", false).await;

    // Saved with a second row's product typed and not picked: the page
    // comes back with the row's candidates; the blue one is picked there.
    browser.click("button[data-add-line]").await;
    let second = "#lines tr:nth-child(2)";
    appears(&browser, second, "a second row").await;
    browser
        .fill(&format!("{second} input[data-product-search]"), "bistrot")
        .await;
    browser.click("button[data-save]").await;
    let blue = format!("{second} button.suggestion[data-product='CHAISE-B']");
    appears(
        &browser,
        &format!("{second} p.error"),
        "the candidates listed",
    )
    .await;
    assert_eq!(
        browser.text(&format!("{second} p.error")).await,
        "plusieurs produits correspondent : choisissez-en un"
    );
    assert_eq!(browser.path().await, "/quotes/new");
    wait_for(&browser, "#lines tr:nth-child(1) output", "21,60 €", false).await;
    browser
        .client
        .execute("document.querySelector('#lines').scrollIntoView()", vec![])
        .await
        .expect("scrolled");
    browser.screenshot("document-variant-candidates").await;
    browser.click(&blue).await;
    wait_for(
        &browser,
        &format!("{second} input[name$='.description']"),
        "Chaise bistrot — Bleu",
        true,
    )
    .await;
    wait_for(&browser, "#total-excl", "30,60 €", false).await;
    wait_for(&browser, "#total-incl", "36,72 €", false).await;

    browser.click("button[data-save]").await;
    browser.arrives_at("/quotes/").await;
    wait_for(&browser, "h1 .badge", "Brouillon", false).await;
    let page = browser.text("main").await;
    for shown in ["Chaise bistrot — Rouge", "Chaise bistrot — Bleu", "36,72"] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    browser.close().await;
}
