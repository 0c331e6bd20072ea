//! Printed documents through the pages, as a browser without JavaScript:
//! each document page links its PDF, downloaded in the reader's language
//! as a named file (a delivery note also without prices) by who may read
//! the document; the document templates' page (download, a refused
//! upload showing the template's line, a good one, reset); a supplier's
//! e-invoice uploaded from the list, a bad file and a duplicate refused
//! on the form.

use crate::documents::{assert_says, chair_order, deliver_three, sale, text_of};
use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, Page, user};
use crate::supplier_invoices::{CII, buy};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::multipart::{Form, Part};
use serde_json::json;

fn header(page: &Page, name: reqwest::header::HeaderName) -> &str {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The PDF a page link downloads: its status, headers and text.
async fn pdf(browser: &mut Browser<'_>, path: &str) -> (String, String) {
    let page = browser.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.html);
    assert_eq!(header(&page, CONTENT_TYPE), "application/pdf");
    let disposition = header(&page, CONTENT_DISPOSITION).to_owned();
    let (_, bytes) = browser.bytes(path).await;
    (disposition, text_of(&bytes))
}

#[tokio::test]
async fn every_document_page_links_its_pdf_in_the_readers_language() {
    let app = spawn_app().await;
    let sale = sale(&app).await;
    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": sale.client, "valid_until": "2099-01-31", "lines": [
                {"product_id": sale.chair, "description": "Chaise bistrot", "quantity": "12", "unit_price": "45.5", "vat_rate": "20"}
            ]}),
        )
        .await;
    let order = chair_order(&app, &sale).await;
    let order_id = id(&order);
    let delivery = deliver_three(&app, &order).await;
    let invoice = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": sale.client, "lines": [
                {"description": "Montage", "quantity": "2", "unit_price": "60", "vat_rate": "20"}
            ]}),
        )
        .await;
    let supplier = id(&app
        .create("/api/v1/suppliers", json!({"name": "Mobilier Pro"}))
        .await);
    let purchase = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": supplier, "lines": [{"product_id": sale.chair, "quantity": "24", "unit_price": "19.9"}]}),
        )
        .await;

    let mut french = Browser::new(&app, "fr");
    french.signed_in("admin@test.example").await;
    let quote_page = format!("/quotes/{}", id(&quote));
    let page = french.get(&quote_page).await;
    assert!(
        page.has(&format!("href=\"{quote_page}/pdf\"")),
        "{}",
        page.html
    );
    let (disposition, text) = pdf(&mut french, &format!("{quote_page}/pdf")).await;
    let number = quote["number"].as_str().unwrap();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"{number}.pdf\"")
    );
    assert_says(&text, &["Devis", number, "Bon pour accord", "546,00 €"]);

    let page = french.get(&format!("/orders/{order_id}")).await;
    let delivery_pdf = format!("/deliveries/{}/pdf", id(&delivery));
    assert!(
        page.has(&format!("href=\"/orders/{order_id}/pdf\""))
            && page.has(&format!("href=\"{delivery_pdf}\""))
            && page.has(&format!("href=\"{delivery_pdf}?prices=false\"")),
        "{}",
        page.html
    );
    let (_, text) = pdf(&mut french, &format!("/orders/{order_id}/pdf")).await;
    assert_says(&text, &["Bon de commande", "182,00 €"]);
    let deliveries = french.get("/deliveries").await;
    assert!(deliveries.has(&format!("href=\"{delivery_pdf}?prices=false\"")));
    let (_, priced) = pdf(&mut french, &delivery_pdf).await;
    assert_says(&priced, &["Bon de livraison", "Chaise bistrot", "136,50 €"]);
    let (_, unpriced) = pdf(&mut french, &format!("{delivery_pdf}?prices=false")).await;
    assert_says(&unpriced, &["Bon de livraison", "Chaise bistrot"]);
    assert!(!unpriced.contains("136,50"), "{unpriced}");

    let invoice_page = format!("/invoices/{}", id(&invoice));
    let draft = french.get(&invoice_page).await;
    assert!(draft.has("/pdf\""));
    assert!(!draft.has("facturx.xml"), "a draft has no e-invoice yet");
    let (_, text) = pdf(&mut french, &format!("{invoice_page}/pdf")).await;
    assert_says(&text, &["Facture", "Montage", "144,00 €"]);
    let issued = app
        .post(
            &format!("/api/v1/invoices/{}/issue", id(&invoice)),
            json!({}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);
    let xml_link = format!("{invoice_page}/facturx.xml");
    assert!(
        french
            .get(&invoice_page)
            .await
            .has(&format!("href=\"{xml_link}\"")),
        "an issued invoice links its Factur-X XML"
    );
    let (status, xml) = french.bytes(&xml_link).await;
    assert_eq!(status, StatusCode::OK);
    let xml = String::from_utf8(xml).unwrap();
    assert!(
        xml.contains(issued.body["number"].as_str().unwrap())
            && xml.contains("CrossIndustryInvoice"),
        "{xml}"
    );
    let purchase_page = format!("/purchase-orders/{}", id(&purchase));
    assert!(
        french
            .get(&purchase_page)
            .await
            .has(&format!("href=\"{purchase_page}/pdf\""))
    );
    let (_, text) = pdf(&mut french, &format!("{purchase_page}/pdf")).await;
    assert_says(&text, &["Commande fournisseur", "Mobilier Pro", "477,60 €"]);

    let mut english = Browser::new(&app, "en");
    let csrf = english.signed_in("admin@test.example").await;
    english
        .post(
            "/language",
            &[("_csrf", &csrf), ("language", "en"), ("next", "/")],
        )
        .await;
    let (_, text) = pdf(&mut english, &format!("{quote_page}/pdf")).await;
    assert_says(&text, &["Quote", "Valid until", "€546.00"]);

    user(&app, "tech@test.example", "technician").await;
    let mut technician = Browser::new(&app, "fr");
    technician.signed_in("tech@test.example").await;
    assert_eq!(
        technician.get(&format!("{quote_page}/pdf")).await.status,
        StatusCode::FORBIDDEN
    );
    let elsewhere = french.get(&format!("/orders/{}/pdf", id(&quote))).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
}

/// The templates' upload form: `_csrf` first, then the kind and the file.
async fn upload_template(browser: &mut Browser<'_>, csrf: &str, kind: &str, source: &str) -> Page {
    let form = Form::new()
        .text("_csrf", csrf.to_owned())
        .text("kind", kind.to_owned())
        .part(
            "file",
            Part::bytes(source.as_bytes().to_vec()).file_name(format!("{kind}.typ")),
        );
    browser
        .post_multipart("/settings/document-templates", form)
        .await
}

/// The text the templates' page says in a kind's "template in use" cell.
fn in_use(page: &Page, kind: &str) -> String {
    let row = page
        .html
        .split(&format!("<tr data-kind=\"{kind}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no row for {kind}:\n{}", page.html));
    let cell = row.split("data-template=\"").nth(1).unwrap();
    cell.split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_admin_downloads_a_template_is_refused_a_broken_one_then_uploads_and_resets() {
    let app = spawn_app().await;
    user(&app, "vente@test.example", "sales").await;
    let mut admin = Browser::new(&app, "fr");
    let csrf = admin.signed_in("admin@test.example").await;
    assert!(
        admin
            .get("/settings")
            .await
            .has("href=\"/settings/document-templates\"")
    );
    let page = admin.get("/settings/document-templates").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    for kind in [
        "quote",
        "order",
        "delivery",
        "invoice",
        "credit_note",
        "purchase_order",
    ] {
        assert_eq!(in_use(&page, kind), "shipped");
    }
    assert!(page.has("Modèle fourni") && page.has("Avoir"));
    let download = admin.get("/settings/document-templates/quote").await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        header(&download, CONTENT_DISPOSITION),
        "attachment; filename=\"quote.typ\""
    );
    let source = download.html.clone();
    assert!(source.contains("json(\"data.json\")"), "{source}");

    let broken = format!("{source}\n#text(data.no_such_field)\n");
    let line = broken.lines().count();
    let refused = upload_template(&mut admin, &csrf, "quote", &broken).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(
        refused.has(&format!("line {line}:")) && refused.has("no_such_field"),
        "{}",
        refused.html
    );
    assert!(refused.has("Le modèle n'a pas été enregistré"));
    assert!(refused.has("<option value=\"quote\" selected>"));
    assert_eq!(in_use(&refused, "quote"), "shipped");
    let empty = upload_template(&mut admin, &csrf, "quote", "").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.has("obligatoire"), "{}", empty.html);

    let own = format!("{source}\n#align(center)[Modèle maison de la Brasserie]\n");
    let saved = upload_template(&mut admin, &csrf, "quote", &own).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    assert_eq!(saved.location(), "/settings/document-templates");
    let page = admin.get("/settings/document-templates").await;
    assert_eq!(in_use(&page, "quote"), "custom");
    assert_eq!(in_use(&page, "invoice"), "shipped");
    assert_eq!(
        admin.get("/settings/document-templates/quote").await.html,
        own
    );
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Dupont"}))
        .await);
    let quote = app
        .create("/api/v1/quotes", json!({"client_id": client, "lines": [{"description": "Étude", "quantity": "1", "unit_price": "300", "vat_rate": "20"}]}))
        .await;
    let quote_pdf = format!("/quotes/{}/pdf", id(&quote));
    let (_, text) = pdf(&mut admin, &quote_pdf).await;
    assert_says(&text, &["Modèle maison de la Brasserie"]);

    let mut sales = Browser::new(&app, "fr");
    let sales_csrf = sales.signed_in("vente@test.example").await;
    assert_eq!(
        sales.get("/settings/document-templates").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        upload_template(&mut sales, &sales_csrf, "quote", &source)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let reset = admin
        .post(
            "/settings/document-templates/quote/reset",
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(reset.status, StatusCode::SEE_OTHER);
    assert_eq!(
        in_use(&admin.get("/settings/document-templates").await, "quote"),
        "shipped"
    );
    let (_, text) = pdf(&mut admin, &quote_pdf).await;
    assert!(!text.contains("Modèle maison"), "{text}");
    let again = admin
        .post(
            "/settings/document-templates/quote/reset",
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::SEE_OTHER,
        "a second reset is no error"
    );
}

/// The list's upload form: `_csrf` first, then the file.
async fn receive_file(browser: &mut Browser<'_>, csrf: &str, bytes: &[u8]) -> Page {
    let form = Form::new()
        .text("_csrf", csrf.to_owned())
        .part("file", Part::bytes(bytes.to_vec()).file_name("facture.xml"));
    browser.post_multipart("/supplier-invoices", form).await
}

async fn accountant(app: &TestApp) -> Browser<'_> {
    user(app, "compta@test.example", "accountant").await;
    Browser::new(app, "fr")
}

#[tokio::test]
async fn a_supplier_invoice_uploaded_on_the_list_lands_on_its_page_and_a_duplicate_is_refused() {
    let app = spawn_app().await;
    buy(&app).await;
    user(&app, "lecture@test.example", "viewer").await;
    let mut clerk = accountant(&app).await;
    let csrf = clerk.signed_in("compta@test.example").await;
    let list = clerk.get("/supplier-invoices").await;
    assert!(list.has("action=\"/supplier-invoices\" enctype=\"multipart/form-data\""));

    let received = receive_file(&mut clerk, &csrf, CII).await;
    assert_eq!(received.status, StatusCode::SEE_OTHER, "{}", received.html);
    let path = received.location().to_owned();
    assert!(path.starts_with("/supplier-invoices/"), "{path}");
    let page = clerk.get(&path).await;
    assert!(
        page.has("PM-2026-0101") && page.has("Papeterie Martin"),
        "{}",
        page.html
    );
    assert!(page.has("Prix différent de la commande"));
    assert!(
        !page.has("id=\"attach-form\""),
        "a received invoice keeps its file"
    );
    let (status, original) = clerk.bytes(&format!("{path}/original")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(original, CII, "the file as received, byte for byte");

    let twice = receive_file(&mut clerk, &csrf, CII).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.html);
    assert!(
        twice.has("ce fichier a déjà été reçu : c'est la facture fournisseur PM-2026-0101"),
        "{}",
        twice.html
    );
    assert!(twice.has(&format!("href=\"{path}\"")));
    let bad = receive_file(&mut clerk, &csrf, b"<note>pas une facture</note>").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
    assert!(
        bad.has("<note>") && bad.has("aria-invalid=\"true\""),
        "{}",
        bad.html
    );
    let none = receive_file(&mut clerk, &csrf, b"").await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(none.has("obligatoire"));

    let mut reader = Browser::new(&app, "fr");
    let reader_csrf = reader.signed_in("lecture@test.example").await;
    assert!(!reader.get("/supplier-invoices").await.has("receive-form"));
    assert_eq!(
        receive_file(&mut reader, &reader_csrf, CII).await.status,
        StatusCode::FORBIDDEN
    );
}

/// The form of an invoice typed in by hand, one line filled, the other
/// rows blank.
fn typed_form<'a>(
    csrf: &'a str,
    supplier: &'a str,
    number: &'a str,
    quantity: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("_csrf", csrf),
        ("supplier_id", supplier),
        ("number", number),
        ("issue_date", "2026-11-20"),
        ("due_date", ""),
        ("purchase_order_number", "ACH-2026-00001"),
    ];
    for row in 0..3 {
        let filled = row == 0;
        form.extend([
            ("description", if filled { "Ramette A4" } else { "" }),
            ("seller_item_id", if filled { "PM-A4-80" } else { "" }),
            ("quantity", if filled { quantity } else { "" }),
            ("unit_price", if filled { "4,50" } else { "" }),
            ("vat_rate", if filled { "20" } else { "" }),
        ]);
    }
    form
}

/// The attach form: `_csrf` first, the version read, then the file.
async fn attach(
    browser: &mut Browser<'_>,
    path: &str,
    csrf: &str,
    version: &str,
    bytes: &[u8],
) -> Page {
    let form = Form::new()
        .text("_csrf", csrf.to_owned())
        .text("version", version.to_owned())
        .part("file", Part::bytes(bytes.to_vec()).file_name("facture.pdf"));
    browser
        .post_multipart(&format!("{path}/attachment"), form)
        .await
}

#[tokio::test]
async fn a_paper_invoice_is_typed_in_then_its_pdf_attached() {
    let app = spawn_app().await;
    let bought = buy(&app).await;
    let mut clerk = accountant(&app).await;
    let csrf = clerk.signed_in("compta@test.example").await;
    assert!(
        clerk
            .get("/supplier-invoices")
            .await
            .has("href=\"/supplier-invoices/new\"")
    );
    let form = clerk.get("/supplier-invoices/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(form.has("Papeterie Martin"));

    let refused = clerk
        .post(
            "/supplier-invoices/typed",
            &typed_form(&csrf, &bought.supplier, "", "dix"),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(refused.has("id=\"e-number\""), "{}", refused.html);
    assert!(refused.has("id=\"e-l0-quantity\""), "{}", refused.html);
    assert!(refused.has("value=\"dix\""), "kept as typed");

    let created = clerk
        .post(
            "/supplier-invoices/typed",
            &typed_form(&csrf, &bought.supplier, "F-778", "10"),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let path = created.location().to_owned();
    let page = clerk.get(&path).await;
    assert!(
        page.has("F-778") && page.has("Saisie manuelle"),
        "{}",
        page.html
    );
    assert!(page.has("Conforme à la commande"), "{}", page.html);
    assert!(page.has("id=\"attach-form\""));
    assert!(!page.has("data-original"), "no file yet");
    let version = page.hidden("version");

    let not_pdf = attach(&mut clerk, &path, &csrf, &version, b"bonjour").await;
    assert_eq!(
        not_pdf.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        not_pdf.html
    );
    assert!(not_pdf.has("n'est pas un PDF"), "{}", not_pdf.html);
    let pdf = b"%PDF-1.4\n% facture papier numerisee\n";
    let attached = attach(&mut clerk, &path, &csrf, &version, pdf).await;
    assert_eq!(attached.status, StatusCode::SEE_OTHER, "{}", attached.html);
    assert!(clerk.get(&path).await.has("data-original"));
    let (status, original) = clerk.bytes(&format!("{path}/original")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(original, pdf);
}
