//! Printed documents in a real browser: a quote's PDF link fetched with
//! the browser's session (`quote-pdf.png`); the document templates' page
//! refusing a broken template with its line, taking a good one, then
//! reset (`templates.png`, `templates-refused.png`, `templates-custom.png`);
//! a supplier's e-invoice uploaded from the list landing on its page
//! (`supplier-invoice-upload.png`, `supplier-invoice-received.png`), and
//! the form of an invoice typed by hand (`supplier-invoice-typed.png`).

use crate::browser::{Browser, browser};
use crate::helpers::{PASSWORD, TestApp, id, spawn_app};
use crate::supplier_invoices::{CII, buy};
use fantoccini::Locator;
use reqwest::StatusCode;
use serde_json::json;
use std::path::PathBuf;

/// A folder of files to choose in the browser's file inputs.
fn upload_folder() -> PathBuf {
    let folder = std::env::temp_dir().join(format!("comptoir-upload-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// What the link `css` downloads, fetched with the browser's cookies.
async fn follow_download(browser: &Browser, app: &TestApp, css: &str) -> reqwest::Response {
    let href = browser
        .client
        .find(Locator::Css(css))
        .await
        .expect(css)
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    let cookies = browser
        .client
        .get_all_cookies()
        .await
        .expect("cookies")
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    reqwest::Client::new()
        .get(app.url(&href))
        .header("cookie", cookies)
        .send()
        .await
        .expect("downloaded")
}

#[tokio::test]
async fn a_quotes_pdf_link_downloads_its_pdf() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Brasserie du Port"}))
        .await);
    let quote = app
        .create("/api/v1/quotes", json!({"client_id": client, "lines": [{"description": "Étude", "quantity": "1", "unit_price": "300", "vat_rate": "20"}]}))
        .await;
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser
        .open(&app.address, &format!("/quotes/{}", id(&quote)))
        .await;
    assert_eq!(browser.text("a[data-pdf]").await, "PDF");
    browser.screenshot("quote-pdf").await;
    let reply = follow_download(&browser, &app, "a[data-pdf]").await;
    assert_eq!(reply.status(), StatusCode::OK);
    assert_eq!(reply.headers()["content-type"], "application/pdf");
    let number = quote["number"].as_str().unwrap();
    assert_eq!(
        reply.headers()["content-disposition"],
        format!("attachment; filename=\"{number}.pdf\"").as_str()
    );
    let bytes = reply.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    browser.close().await;
}

#[tokio::test]
async fn a_broken_template_is_refused_with_its_line_a_good_one_taken_then_reset() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    let shipped = app.get("/api/v1/settings/document-templates/invoice").await;
    let source = shipped.body["source"].as_str().unwrap().to_owned();
    let folder = upload_folder();
    let broken = folder.join("facture-cassee.typ");
    let text = format!("{source}\n#text(data.no_such_field)\n");
    let line = text.lines().count();
    std::fs::write(&broken, text).unwrap();
    let good = folder.join("facture.typ");
    std::fs::write(
        &good,
        format!("{source}\n#align(center)[Merci de votre confiance]\n"),
    )
    .unwrap();

    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.follow_menu("/settings").await;
    browser
        .click("main a[href='/settings/document-templates']")
        .await;
    browser.arrives_at("/settings/document-templates").await;
    assert_eq!(
        browser.text("tr[data-kind=invoice] td").await,
        "Modèle fourni"
    );
    browser.screenshot("templates").await;
    browser
        .client
        .find(Locator::Css("#f-kind"))
        .await
        .expect("kind")
        .select_by_value("invoice")
        .await
        .expect("kind chosen");
    browser.choose_file(&broken).await;
    browser.click("#template-upload button[type=submit]").await;
    let error = browser.text("#e-file").await;
    assert!(
        error.starts_with(&format!("line {line}:")) && error.contains("no_such_field"),
        "{error}"
    );
    assert!(
        browser
            .text("[role=alert]")
            .await
            .contains("Le modèle n'a pas été enregistré")
    );
    browser
        .client
        .execute(
            "document.getElementById('template-upload').scrollIntoView()",
            vec![],
        )
        .await
        .expect("scrolled");
    browser.screenshot("templates-refused").await;

    browser.choose_file(&good).await;
    browser.click("#template-upload button[type=submit]").await;
    // The page comes back at the same address: wait for the new one.
    let mut cell = String::new();
    for _ in 0..100 {
        cell = browser.text("tr[data-kind=invoice] td").await;
        if cell.starts_with("Modèle de l'organisation") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(cell.starts_with("Modèle de l'organisation"), "{cell}");
    assert!(browser.client.find(Locator::Css("#e-file")).await.is_err());
    browser.screenshot("templates-custom").await;

    browser
        .click("form[action='/settings/document-templates/invoice/reset'] button")
        .await;
    for _ in 0..100 {
        cell = browser.text("tr[data-kind=invoice] td").await;
        if cell == "Modèle fourni" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(cell, "Modèle fourni");
    let _ = std::fs::remove_dir_all(&folder);
    browser.close().await;
}

#[tokio::test]
async fn a_supplier_invoice_uploaded_from_the_list_lands_on_its_page() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    buy(&app).await;
    let folder = upload_folder();
    let file = folder.join("facture-papeterie.xml");
    std::fs::write(&file, CII).unwrap();

    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.follow_menu("/supplier-invoices").await;
    browser.arrives_at("/supplier-invoices").await;
    browser.choose_file(&file).await;
    browser.screenshot("supplier-invoice-upload").await;
    browser.click("#receive-form button[type=submit]").await;
    let mut path = String::new();
    for _ in 0..100 {
        path = browser.path().await;
        if path.len() > "/supplier-invoices/".len() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(path.starts_with("/supplier-invoices/"), "{path}");
    assert!(browser.text("h1").await.contains("PM-2026-0101"));
    assert!(
        browser
            .text("main table.lines")
            .await
            .contains("Prix différent de la commande")
    );
    browser.screenshot("supplier-invoice-received").await;
    browser.open(&app.address, "/supplier-invoices").await;
    browser.click("a[href='/supplier-invoices/new']").await;
    browser.arrives_at("/supplier-invoices/new").await;
    browser.fill("#l0-description", "Ramette A4").await;
    browser.screenshot("supplier-invoice-typed").await;
    let _ = std::fs::remove_dir_all(&folder);
    browser.close().await;
}
