//! Printed documents: the PDF of every kind, read back as text the way a
//! client reads it; an issued invoice printed once and reprinted byte for
//! byte, its stored file guarded by the sales chain; long documents; the
//! organization's own templates.

use crate::helpers::{TestApp, comptoir, id, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The text of a PDF, as `pdftotext -layout` (poppler-utils) reads it.
pub(crate) fn text_of(pdf: &[u8]) -> String {
    assert!(
        pdf.starts_with(b"%PDF-"),
        "not a PDF: {:?}",
        String::from_utf8_lossy(&pdf[..pdf.len().min(200)])
    );
    let path = std::env::temp_dir().join(format!("comptoir-test-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (Debian poppler-utils) is installed");
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

pub(crate) fn assert_says(text: &str, expected: &[&str]) {
    for phrase in expected {
        assert!(text.contains(phrase), "{phrase:?} missing from:\n{text}");
    }
}

async fn pdf(app: &TestApp, path: &str) -> Vec<u8> {
    let (status, bytes) = app.download_with_status(path).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

pub(crate) struct Sale {
    pub(crate) client: String,
    pub(crate) chair: String,
    pub(crate) warehouse: Value,
}

pub(crate) async fn sale(app: &TestApp) -> Sale {
    let warehouse = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let chair = id(&app.create_product("CHAISE").await);
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": chair, "quantity": "100", "to_location_id": warehouse["default_location_id"]}),
    )
    .await;
    let client = id(&app
        .create(
            "/api/v1/clients",
            json!({"name": "Brasserie du Port", "kind": "company", "siren": "552100554", "vat_number": "FR96552100554"}),
        )
        .await);
    app.create(
        &format!("/api/v1/clients/{client}/addresses"),
        json!({"kind": "billing", "line1": "3 quai du Port", "postal_code": "13002", "city": "Marseille", "country": "FR"}),
    )
    .await;
    app.create(
        &format!("/api/v1/clients/{client}/addresses"),
        json!({"kind": "shipping", "line1": "Entrepôt 7, zone Sud", "postal_code": "13010", "city": "Marseille", "country": "FR"}),
    )
    .await;
    Sale {
        client,
        chair,
        warehouse,
    }
}

/// A draft order of 4 « Chaise bistrot » at 45.50.
pub(crate) async fn chair_order(app: &TestApp, sale: &Sale) -> Value {
    app.create(
        "/api/v1/orders",
        json!({"client_id": sale.client, "warehouse_id": sale.warehouse["id"], "lines": [
            {"product_id": sale.chair, "description": "Chaise bistrot", "quantity": "4", "unit_price": "45.5", "vat_rate": "20"}
        ]}),
    )
    .await
}

/// `order` confirmed, and the delivery of 3 of its first line.
pub(crate) async fn deliver_three(app: &TestApp, order: &Value) -> Value {
    let order_id = id(order);
    app.post(&format!("/api/v1/orders/{order_id}/confirm"), json!({}))
        .await;
    app.create(
        &format!("/api/v1/orders/{order_id}/deliveries"),
        json!({"lines": [{"line_id": order["lines"][0]["id"], "quantity": "3"}]}),
    )
    .await
}

async fn issued_invoice(app: &TestApp, client: &str, lines: Vec<Value>) -> Value {
    let draft = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": client, "lines": lines}),
        )
        .await;
    let issued = app
        .post(&format!("/api/v1/invoices/{}/issue", id(&draft)), json!({}))
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);
    issued.body
}

#[tokio::test]
async fn quotes_orders_and_delivery_notes_print_what_each_needs() {
    let app = spawn_app().await;
    let sale = sale(&app).await;
    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": sale.client, "valid_until": "2099-01-31", "lines": [
                {"product_id": sale.chair, "description": "Chaise bistrot", "quantity": "12", "unit_price": "45.5", "vat_rate": "20", "discount_percent": "10"}
            ]}),
        )
        .await;
    let text = text_of(&pdf(&app, &format!("/api/v1/quotes/{}/pdf", id(&quote))).await);
    assert_says(
        &text,
        &[
            "Devis",
            quote["number"].as_str().unwrap(),
            "Brasserie du Port",
            "3 quai du Port",
            "ADRESSE DE LIVRAISON",
            "Entrepôt 7, zone Sud",
            "Valable jusqu'au",
            "31/01/2099",
            "Chaise bistrot",
            "12 u",
            "45,50 €",
            "10 %",
            "491,40 €",
            "TVA 20 %",
            "Total TTC",
            "589,68 €",
            "Bon pour accord",
            "SIREN 552100554",
            "N° TVA FR96552100554",
            "Page 1 / 1",
        ],
    );
    let english = text_of(&pdf(&app, &format!("/api/v1/quotes/{}/pdf?lang=en", id(&quote))).await);
    assert_says(
        &english,
        &[
            "Quote",
            "Valid until",
            "31 Jan 2099",
            "€491.40",
            "Total incl. VAT",
            "Approved",
        ],
    );
    let bad = app
        .get(&format!("/api/v1/quotes/{}/pdf?lang=de", id(&quote)))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let elsewhere = app.get(&format!("/api/v1/orders/{}/pdf", id(&quote))).await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);

    let order = chair_order(&app, &sale).await;
    let order_id = id(&order);
    assert_says(
        &text_of(&pdf(&app, &format!("/api/v1/orders/{order_id}/pdf")).await),
        &[
            "Bon de commande",
            order["number"].as_str().unwrap(),
            "182,00 €",
        ],
    );
    let delivery_id = id(&deliver_three(&app, &order).await);
    let priced = text_of(&pdf(&app, &format!("/api/v1/deliveries/{delivery_id}/pdf")).await);
    assert_says(
        &priced,
        &[
            "Bon de livraison",
            "Chaise bistrot",
            "136,50 €",
            order["number"].as_str().unwrap(),
        ],
    );
    let unpriced = text_of(
        &pdf(
            &app,
            &format!("/api/v1/deliveries/{delivery_id}/pdf?prices=false"),
        )
        .await,
    );
    assert_says(
        &unpriced,
        &["Bon de livraison", "Chaise bistrot", "Quantité"],
    );
    for price in ["45,50", "136,50", "Total TTC", "Prix unitaire"] {
        assert!(
            !unpriced.contains(price),
            "{price} printed on a note without prices:\n{unpriced}"
        );
    }
}

#[tokio::test]
async fn an_issued_invoice_is_printed_once_with_its_mentions_and_reprinted_byte_for_byte() {
    let app = spawn_app().await;
    let sale = sale(&app).await;
    let invoice = issued_invoice(&app, &sale.client, vec![
        json!({"product_id": sale.chair, "description": "Chaise bistrot", "quantity": "2", "unit_price": "45.5", "vat_rate": "20"}),
        json!({"description": "Livraison et montage", "quantity": "1", "unit_price": "80", "vat_rate": "20"}),
    ])
    .await;
    let invoice_id = id(&invoice);
    let number = invoice["number"].as_str().unwrap();
    let stored = invoice["pdf_sha256"]
        .as_str()
        .expect("the issued invoice names its PDF");
    let first = pdf(&app, &format!("/api/v1/invoices/{invoice_id}/pdf")).await;
    let again = pdf(&app, &format!("/api/v1/invoices/{invoice_id}/pdf")).await;
    assert_eq!(first, again);
    assert_eq!(hex::encode(Sha256::digest(&first)), stored);
    let text = text_of(&first);
    assert_says(
        &text,
        &[
            "Facture",
            number,
            "Date de la vente ou de la prestation",
            "Échéance",
            "Brasserie du Port",
            "SIREN 552100554",
            "Total HT",
            "171,00 €",
            "205,20 €",
            "Catégorie de l'opération : livraison de biens et prestation de services.",
            "des pénalités sont exigibles",
            "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €",
            "Pas d'escompte pour paiement anticipé.",
            "Paiement à 30 jours date de facture.",
        ],
    );

    // A payment moves the balance, never the printed invoice.
    app.create(
        &format!("/api/v1/invoices/{invoice_id}/payments"),
        json!({"amount": "100", "method": "transfer"}),
    )
    .await;
    assert_eq!(
        pdf(&app, &format!("/api/v1/invoices/{invoice_id}/pdf")).await,
        first
    );
    let english = text_of(&pdf(&app, &format!("/api/v1/invoices/{invoice_id}/pdf?lang=en")).await);
    assert_says(&english, &["Invoice", number, "Operation category", "€40"]);

    let credit = app
        .create(
            &format!("/api/v1/invoices/{invoice_id}/credit-notes"),
            json!({"notes": "Chaise abîmée"}),
        )
        .await;
    let credit_text =
        text_of(&pdf(&app, &format!("/api/v1/credit-notes/{}/pdf", id(&credit))).await);
    assert_says(
        &credit_text,
        &[
            "Avoir",
            credit["number"].as_str().unwrap(),
            &format!("Avoir sur la facture {number}"),
            "Chaise abîmée",
        ],
    );
    assert!(credit["pdf_sha256"].is_string());

    // A stored PDF changed behind the application's back breaks the chain.
    let chain = app.get("/api/v1/compliance/chain").await;
    assert_eq!(chain.body["status"], "ok", "{:?}", chain.body);
    let path = app.db.files().path_of(stored).expect("a local store");
    let mut forged = first.clone();
    let at = forged.len() / 2;
    forged[at] ^= 0x01;
    std::fs::write(&path, &forged).unwrap();
    let chain = app.get("/api/v1/compliance/chain").await;
    assert_eq!(chain.body["status"], "broken");
    assert_eq!(chain.body["first_broken"]["record_id"], invoice_id.as_str());
    assert_eq!(
        chain.body["first_broken"]["reason"],
        "its stored PDF was changed after it was issued"
    );
    let (ok, out) = comptoir(&app.database_url, &["verify-chain"]);
    assert!(!ok && out.contains(&invoice_id), "{out}");
    std::fs::write(&path, &first).unwrap();
    assert_eq!(
        app.get("/api/v1/compliance/chain").await.body["status"],
        "ok"
    );
}

#[tokio::test]
async fn a_five_hundred_line_invoice_paginates_without_losing_a_line() {
    let app = spawn_app().await;
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Grossiste Martin"}))
        .await);
    let lines: Vec<Value> = (1..=500)
        .map(|n| json!({"description": format!("Référence {n:03} — carton de fournitures"), "quantity": "1", "unit_price": "1.25", "vat_rate": "20"}))
        .collect();
    let invoice = issued_invoice(&app, &client, lines).await;
    let text = text_of(&pdf(&app, &format!("/api/v1/invoices/{}/pdf", id(&invoice))).await);
    for n in 1..=500 {
        assert!(
            text.contains(&format!("Référence {n:03} —")),
            "line {n} missing"
        );
    }
    let pages = text.matches("Page ").count();
    assert!(pages > 5, "{pages} pages");
    assert_says(
        &text,
        &[
            &format!("Page 1 / {pages}"),
            &format!("Page {pages} / {pages}"),
            "625,00 €",
            "750,00 €",
        ],
    );
    // The lines' header is repeated on every page, and from the second
    // on the running header names the invoice again.
    assert_eq!(text.matches("Désignation").count(), pages);
    let number = invoice["number"].as_str().unwrap();
    assert_eq!(
        text.matches(&format!("Facture {number}")).count(),
        pages - 1
    );
}

#[tokio::test]
async fn purchase_orders_print_for_their_supplier() {
    let app = spawn_app().await;
    let supplier = id(&app
        .create(
            "/api/v1/suppliers",
            json!({"name": "Mobilier Pro", "vat_number": "FR44732829320"}),
        )
        .await);
    let chair = id(&app.create_product("CHAISE").await);
    let order = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": supplier, "lines": [{"product_id": chair, "quantity": "24", "unit_price": "19.9"}]}),
        )
        .await;
    let text = text_of(&pdf(&app, &format!("/api/v1/purchase-orders/{}/pdf", id(&order))).await);
    assert_says(
        &text,
        &[
            "Commande fournisseur",
            order["number"].as_str().unwrap(),
            "FOURNISSEUR",
            "Mobilier Pro",
            "24 u",
            "477,60 €",
        ],
    );
}

#[tokio::test]
async fn an_organization_prints_with_its_own_template_once_it_renders() {
    let app = spawn_app().await;
    let shipped = app.get("/api/v1/settings/document-templates/quote").await;
    assert_eq!(shipped.status, StatusCode::OK);
    assert_eq!(shipped.body["custom"], false);
    let source = shipped.body["source"].as_str().unwrap().to_owned();
    assert!(source.contains("json(\"data.json\")"));
    assert_eq!(
        app.get("/api/v1/settings/document-templates/letter")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let broken = format!("{source}\n#text(data.no_such_field)\n");
    let line = broken.lines().count();
    let refused = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/settings/document-templates/quote",
            Some(&app.admin_token),
            Some(json!({"source": broken})),
            &[],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        refused.body
    );
    let message = refused.body["details"]["fields"][0]["message"]
        .as_str()
        .unwrap();
    assert_eq!(refused.body["details"]["fields"][0]["field"], "source");
    assert!(
        message.starts_with(&format!("line {line}:")) && message.contains("no_such_field"),
        "{message}"
    );
    let garbled = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/settings/document-templates/quote",
            Some(&app.admin_token),
            Some(json!({"source": "#let x = (\n"})),
            &[],
        )
        .await;
    assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY);

    let own = format!("{source}\n#align(center)[Modèle maison de la Brasserie]\n");
    let saved = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/settings/document-templates/quote",
            Some(&app.admin_token),
            Some(json!({"source": own})),
            &[],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    assert_eq!(saved.body["custom"], true);
    assert_eq!(saved.body["version"], 1);
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Dupont"}))
        .await);
    let quote = app
        .create("/api/v1/quotes", json!({"client_id": client, "lines": [{"description": "Étude", "quantity": "1", "unit_price": "300", "vat_rate": "20"}]}))
        .await;
    let quote_pdf = format!("/api/v1/quotes/{}/pdf", id(&quote));
    assert_says(
        &text_of(&pdf(&app, &quote_pdf).await),
        &["Modèle maison de la Brasserie", "Devis"],
    );
    let sales = app.user_token("sales@test.example", "sales").await;
    let forbidden = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/settings/document-templates/quote",
            Some(&sales),
            Some(json!({"source": source})),
            &[],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    assert_eq!(
        app.delete("/api/v1/settings/document-templates/quote")
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert!(!text_of(&pdf(&app, &quote_pdf).await).contains("Modèle maison"));
    assert_eq!(
        app.delete("/api/v1/settings/document-templates/quote")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// How many images a PDF shows, as `pdfimages -list` (poppler-utils)
/// counts them.
fn images_in(pdf: &[u8]) -> usize {
    let path = std::env::temp_dir().join(format!("comptoir-test-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdfimages")
        .args(["-list", path.to_str().unwrap()])
        .output()
        .expect("pdfimages (Debian poppler-utils) is installed");
    std::fs::remove_file(&path).unwrap();
    assert!(out.status.success());
    // Two header lines, then one line per image or soft mask (an alpha
    // channel), whose third column says which.
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(2)
        .filter(|line| line.split_whitespace().nth(2) == Some("image"))
        .count()
}

#[tokio::test]
async fn the_organizations_identity_logo_texts_and_product_images_are_printed() {
    let app = spawn_app().await;
    let identity = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/settings/organization",
            Some(&app.admin_token),
            Some(json!({
                "name": "Comptoir Démo", "time_zone": "Europe/Paris",
                "legal_name": "Comptoir Démo SARL", "legal_form": "SARL", "share_capital": "10000",
                "address_line1": "12 rue des Halles", "postal_code": "69002", "city": "Lyon",
                "siren": "732829320", "siret": "73282932000074", "rcs_city": "Lyon",
                "vat_number": "FR44732829320", "naf_code": "6201Z", "email": "contact@comptoir.example",
                "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "BNPAFRPP",
                "late_penalty_rate": "12.15", "footer": "Merci de votre confiance.",
                "quote_text": "Devis valable 30 jours.",
                "invoice_text": "Règlement par virement de préférence."
            })),
            &[],
        )
        .await;
    assert_eq!(identity.status, StatusCode::OK, "{:?}", identity.body);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(crate::product_images::picture(
            120,
            40,
            image::ImageFormat::Png,
        ))
        .file_name("logo.png"),
    );
    let logo = app
        .client
        .put(app.url("/api/v1/settings/organization/logo"))
        .bearer_auth(&app.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(logo.status(), StatusCode::OK);

    let sale = sale(&app).await;
    let photo = crate::product_images::upload(
        &app,
        &app.admin_token,
        &sale.chair,
        crate::product_images::picture(300, 200, image::ImageFormat::Jpeg),
    )
    .await;
    assert_eq!(photo.status, StatusCode::CREATED, "{:?}", photo.body);
    let with_images = "#import \"comptoir.typ\": sheet\n#let data = json(\"data.json\")\n#sheet(data, show-images: true)\n";
    let saved = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/settings/document-templates/quote",
            Some(&app.admin_token),
            Some(json!({"source": with_images})),
            &[],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);

    let lines = vec![
        json!({"product_id": sale.chair, "description": "Chaise bistrot", "quantity": "2", "unit_price": "45.5", "vat_rate": "20"}),
        json!({"description": "Livraison", "quantity": "1", "unit_price": "80", "vat_rate": "20"}),
    ];
    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": sale.client, "lines": lines.clone()}),
        )
        .await;
    let quote_pdf = pdf(&app, &format!("/api/v1/quotes/{}/pdf", id(&quote))).await;
    assert_says(
        &text_of(&quote_pdf),
        &[
            "Comptoir Démo",
            "12 rue des Halles",
            "69002 Lyon",
            "RCS Lyon 732829320",
            "SIRET 73282932000074",
            "FR44732829320",
            "Devis valable 30 jours.",
            "Merci de votre confiance.",
        ],
    );
    assert_eq!(images_in(&quote_pdf), 2, "the logo and the chair's photo");

    let invoice = issued_invoice(&app, &sale.client, lines).await;
    let invoice_pdf = pdf(&app, &format!("/api/v1/invoices/{}/pdf", id(&invoice))).await;
    assert_says(
        &text_of(&invoice_pdf),
        &[
            "Comptoir Démo SARL",
            "Règlement par virement de préférence.",
            "IBAN FR76",
            "BIC BNPAFRPP",
            "12,15 %",
        ],
    );
    assert_eq!(
        images_in(&invoice_pdf),
        1,
        "the shipped invoice shows the logo only"
    );
}
