//! Price lists in a real browser: a list created from the catalog, a
//! rule refused for a mistyped price (`price-rule-form.png`) then added,
//! a second rule from ten units on, saving `price-list.png`; then the product page pricing a
//! client put on the list at both quantities, saving
//! `price-list-product.png`.

use crate::browser::browser;
use crate::browser_purchasing::{pick, shows};
use crate::helpers::{PASSWORD, id, spawn_app};
use serde_json::json;

#[tokio::test]
async fn a_manager_creates_a_price_list_and_its_rules_in_the_browser() {
    let app = spawn_app().await;
    let chairs = app
        .create("/api/v1/categories", json!({"name": "Chaises"}))
        .await;
    let chair = app
        .create(
            "/api/v1/products",
            json!({"code": "CH-01", "name": "Chaise paillée", "sale_price": "100", "category_id": id(&chairs)}),
        )
        .await;
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.open(&app.address, "/products").await;
    browser.click("main a[href='/price-lists']").await;
    browser.arrives_at("/price-lists").await;
    shows(&browser, "main", "Aucune liste de prix pour l'instant").await;
    browser.click("a.button[href='/price-lists/new']").await;
    browser.arrives_at("/price-lists/new").await;
    browser.fill("#f-name", "Revendeurs").await;
    browser
        .fill("#f-description", "Prix des magasins partenaires")
        .await;
    browser.click("main form button[type=submit]").await;
    shows(&browser, "h1", "Revendeurs").await;
    let page = browser.path().await;
    let list = page.trim_start_matches("/price-lists/").to_owned();
    assert!(
        uuid::Uuid::parse_str(&list).is_ok(),
        "on the list's page: {page}"
    );

    browser.click("a.button[href$='/rules/new']").await;
    browser.arrives_at(&format!("{page}/rules/new")).await;
    pick(&browser, "#f-target", &format!("product:{}", id(&chair))).await;
    browser.fill("#f-fixed_price", "89,9O").await;
    browser.click("main form button[type=submit]").await;
    shows(&browser, "#e-fixed_price", "doit être un nombre décimal").await;
    browser.screenshot("price-rule-form").await;
    browser.fill("#f-fixed_price", "89,90").await;
    browser.click("main form button[type=submit]").await;
    shows(&browser, "table[data-testid=rules]", "Prix fixe 89,90").await;

    browser.click("a.button[href$='/rules/new']").await;
    browser.arrives_at(&format!("{page}/rules/new")).await;
    pick(&browser, "#f-target", &format!("product:{}", id(&chair))).await;
    browser.fill("#f-min_quantity", "10").await;
    browser.fill("#f-discount_percent", "15").await;
    browser.click("main form button[type=submit]").await;
    shows(&browser, "table[data-testid=rules]", "Remise 15").await;
    let rules = browser.text("table[data-testid=rules]").await;
    assert!(
        rules.contains("Produit : CH-01 · Chaise paillée"),
        "{rules}"
    );

    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Revendeur Dupont", "price_list_id": list}),
        )
        .await;
    browser.open(&app.address, &page).await;
    shows(&browser, "ul[data-testid=clients]", "Revendeur Dupont").await;
    browser.screenshot("price-list").await;

    browser
        .open(
            &app.address,
            &format!("/products/{}?client={}", id(&chair), id(&client)),
        )
        .await;
    shows(&browser, "[data-testid=client-price]", "89,90").await;
    browser.fill("#quantity", "12").await;
    browser.click("form.filters button[type=submit]").await;
    shows(&browser, "[data-testid=client-price]", "85,00").await;
    browser.screenshot("price-list-product").await;
    browser.close().await;
}
