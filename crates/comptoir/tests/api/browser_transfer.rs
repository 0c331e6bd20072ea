//! An import in a real browser: a clients file with problems uploaded as
//! a dry run, whose page shows the row problems (`import-dry-run.png`),
//! then run for real from that page with a bigger file, its progress
//! followed live by htmx on the page (`import-running.png`) until done
//! (`import-done.png`); the clients list's export menu
//! (`export-menu.png`).

use crate::browser::browser;
use crate::helpers::{PASSWORD, spawn_app};
use crate::transfer_pages::CLIENTS_CSV;
use fantoccini::Locator;
use std::time::Duration;

/// Waits until the import's status on the page is `status`; returns the
/// statuses seen on the way. The page is marked when it opens: the mark
/// still there at the end says htmx changed the page, never reloaded.
async fn status_reaches(browser: &crate::browser::Browser, status: &str) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut shot = false;
    for _ in 0..2400 {
        // Absent until the import's page has opened.
        let now = match browser.client.find(Locator::Css(".import-status")).await {
            Ok(element) => element.attr("data-status").await.ok().flatten(),
            Err(_) => None,
        }
        .unwrap_or_default();
        if now.is_empty() {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        if seen.is_empty() {
            browser
                .client
                .execute("window.openedOnce = true", vec![])
                .await
                .expect("page marked");
        }
        if seen.last() != Some(&now) {
            seen.push(now.clone());
        }
        if now == "running" && !shot && rows_processed(browser).await > 0 {
            browser.screenshot("import-running").await;
            shot = true;
        }
        if now == status {
            let marked = browser
                .client
                .execute("return window.openedOnce === true", vec![])
                .await
                .expect("mark read");
            assert_eq!(marked, serde_json::Value::Bool(true), "the page reloaded");
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import never reached {status}: {seen:?}");
}

/// The rows the progress bar says are processed.
async fn rows_processed(browser: &crate::browser::Browser) -> u64 {
    match browser
        .client
        .find(Locator::Css("#import-progress progress"))
        .await
    {
        Ok(bar) => bar
            .attr("data-processed")
            .await
            .ok()
            .flatten()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        Err(_) => 0,
    }
}

#[tokio::test]
async fn a_dry_run_shows_the_row_problems_then_the_import_runs_with_live_progress() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    let folder = std::env::temp_dir().join(format!("comptoir-upload-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    let small = folder.join("clients.csv");
    std::fs::write(&small, CLIENTS_CSV).unwrap();
    // Enough rows for the import to be seen running.
    let mut rows = CLIENTS_CSV.to_owned();
    for n in 0..10_000 {
        rows.push_str(&format!("Client {n};client{n}@exemple.fr;\n"));
    }
    let big = folder.join("clients-complet.csv");
    std::fs::write(&big, rows).unwrap();

    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.follow_menu("/imports").await;
    browser.arrives_at("/imports").await;
    browser.click("main a[href='/imports/new']").await;
    browser.arrives_at("/imports/new").await;
    browser
        .client
        .find(Locator::Css("#f-entity"))
        .await
        .expect("entity")
        .select_by_value("clients")
        .await
        .expect("entity chosen");
    browser.choose_file(&small).await;
    browser.screenshot("import-form").await;
    browser
        .click("form[action='/imports'] button[type=submit]")
        .await;
    status_reaches(&browser, "done").await;
    let problems = browser.text("table.problems").await;
    assert!(problems.contains("adresse e-mail non valide"), "{problems}");
    assert!(problems.contains("pas-un-mail"), "{problems}");
    assert!(browser.text(".counts").await.contains("À créer\n3"));
    browser.screenshot("import-dry-run").await;

    browser.click("#import-progress a.button").await;
    browser
        .arrives_at("/imports/new?entity=clients&mode=commit")
        .await;
    browser.click("input[name=mode][value=commit]").await;
    browser
        .client
        .find(Locator::Css("#f-on_error"))
        .await
        .expect("on_error")
        .select_by_value("skip")
        .await
        .expect("skip chosen");
    browser.choose_file(&big).await;
    browser
        .click("form[action='/imports'] button[type=submit]")
        .await;
    let seen = status_reaches(&browser, "done").await;
    let import_page = browser.path().await;
    assert_ne!(
        seen[0], "done",
        "seen before the end: {seen:?} on {import_page}"
    );
    let counts = browser.text(".counts").await;
    assert!(counts.contains("Créées\n10\u{202f}003"), "{counts}");
    browser.screenshot("import-done").await;

    // The clients just imported, exported from their list.
    browser.open(&app.address, "/clients?q=Martin").await;
    browser.click("details.export summary").await;
    let menu = browser.text("details.export ul").await;
    assert!(menu.contains("Classeur XLSX"), "{menu}");
    browser.screenshot("export-menu").await;
    let _ = std::fs::remove_dir_all(&folder);
    browser.close().await;
}
