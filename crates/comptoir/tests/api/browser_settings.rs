//! The settings in a real browser: an admin creates a user through the
//! form (fixing a bad e-mail first), changes the invoices' number format,
//! finds both in the audit log, and checks the sales chain. Saves
//! `settings.png`, `settings-user-form.png`, `settings-users.png`,
//! `numbering.png`, `audit-log.png`, `roles.png` and `compliance.png`.

use crate::browser::browser;
use crate::helpers::{PASSWORD, spawn_app};
use fantoccini::Locator;

#[tokio::test]
async fn an_admin_creates_a_user_changes_a_number_format_and_reads_both_in_the_log() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.follow_menu("/settings").await;
    browser.arrives_at("/settings").await;
    browser.screenshot("settings").await;
    browser.click("main a[href='/settings/users']").await;
    browser.arrives_at("/settings/users").await;
    browser.click("a.button[href='/settings/users/new']").await;
    browser.arrives_at("/settings/users/new").await;
    browser.fill("#f-email", "camille.example").await;
    browser.fill("#f-name", "Camille Roux").await;
    browser
        .client
        .find(Locator::Css("#f-role"))
        .await
        .unwrap()
        .select_by_value("warehouse")
        .await
        .expect("role chosen");
    browser.fill("#f-password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    assert_eq!(browser.text("#e-email").await, "adresse e-mail non valide");
    browser.screenshot("settings-user-form").await;
    assert_eq!(
        browser
            .client
            .find(Locator::Css("#f-name"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Camille Roux")
    );
    browser.fill("#f-email", "camille@test.example").await;
    browser.fill("#f-password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    browser.arrives_at("/settings/users").await;
    let table = browser.text("main table").await;
    assert!(
        table.contains("Camille Roux") && table.contains("magasinier"),
        "{table}"
    );
    browser.screenshot("settings-users").await;

    browser.open(&app.address, "/settings/numbering").await;
    browser.fill("#f-pattern-FAC", "F{YY}").await;
    browser
        .click("form[action='/settings/numbering/FAC'] button")
        .await;
    assert!(
        browser
            .text("#e-pattern-FAC")
            .await
            .starts_with("doit contenir le numéro {N}")
    );
    browser.fill("#f-pattern-FAC", "F{YY}/{N:6}").await;
    browser
        .click("form[action='/settings/numbering/FAC'] button")
        .await;
    let year = chrono::Utc::now().format("%y").to_string();
    let next = format!("F{year}/000001");
    // The form posts back to the page it is on: wait for the new page by
    // its source, which outlives the old page's elements.
    for _ in 0..100 {
        let source = browser.client.source().await.expect("page source");
        if source.contains(&next) && !source.contains("e-pattern-FAC") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(browser.text("main table").await.contains(&next));
    browser.screenshot("numbering").await;

    browser.open(&app.address, "/settings/audit").await;
    browser.fill("#entity", "user").await;
    browser.click("form.filters button[type=submit]").await;
    browser.arrives_at("/settings/audit?").await;
    let log = browser.text("main table").await;
    assert!(log.contains("create") && log.contains("user"), "{log}");
    browser.open(&app.address, "/settings/audit").await;
    let log = browser.text("main table").await;
    assert!(log.contains("number_format"), "{log}");
    browser.screenshot("audit-log").await;
    browser.open(&app.address, "/settings/roles").await;
    browser.screenshot("roles").await;
    browser.open(&app.address, "/settings/compliance").await;
    browser
        .click("form[action='/settings/compliance'] button")
        .await;
    assert!(
        browser
            .text("[data-testid=chain-report]")
            .await
            .contains("Chaîne intègre")
    );
    browser.screenshot("compliance").await;
    browser.close().await;
}
