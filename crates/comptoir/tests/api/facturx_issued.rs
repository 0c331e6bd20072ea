//! Issued invoices and credit notes are Factur-X: every VAT situation a
//! user can make through the API is issued, and its stored PDF (PDF/A-3
//! with `factur-x.xml` and the Factur-X XMP) passes `.ci/facturx-check`
//! — the Factur-X EN 16931 XSD, the CEN EN 16931 rules and the profile
//! rules, 0 fatal. An invoice whose e-invoice would fail is refused
//! before it takes a number.

use crate::helpers::{TestApp, field_names, id, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::Command;

/// Runs `.ci/facturx-check` on `bytes` saved as `name`; returns its
/// report, failing the test on any fatal finding.
fn facturx_check(name: &str, bytes: &[u8]) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/facturx");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let checker = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.ci/facturx-check");
    let output = Command::new(checker).arg(&path).output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name} fails validation:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    report
}

async fn client(app: &TestApp, body: Value, country: &str) -> String {
    let client = id(&app.create("/api/v1/clients", body).await);
    app.create(
        &format!("/api/v1/clients/{client}/addresses"),
        json!({"kind": "billing", "line1": "8 avenue de la Gare", "postal_code": "1000",
               "city": "Ville", "country": country}),
    )
    .await;
    client
}

async fn draft(app: &TestApp, body: Value) -> String {
    id(&app.create("/api/v1/invoices", body).await)
}

async fn issue(app: &TestApp, invoice: &str) -> Value {
    let issued = app
        .post(&format!("/api/v1/invoices/{invoice}/issue"), json!({}))
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);
    issued.body
}

/// The issued document's stored PDF and XML: the XML alone is the file
/// its row names, the PDF passes the checker; returns the XML.
async fn validated(app: &TestApp, path: &str, document: &Value, name: &str) -> String {
    let document_id = id(document);
    let pdf = app
        .download(&format!("/api/v1/{path}/{document_id}/pdf"))
        .await;
    assert_eq!(
        hex::encode(Sha256::digest(&pdf)),
        document["pdf_sha256"].as_str().unwrap()
    );
    let (status, xml) = app
        .download_with_status(&format!("/api/v1/{path}/{document_id}/facturx.xml"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        hex::encode(Sha256::digest(&xml)),
        document["xml_sha256"].as_str().expect("the XML is named")
    );
    let report = facturx_check(&format!("{name}.pdf"), &pdf);
    println!(
        "{name}: {}",
        report
            .lines()
            .find(|line| line.contains("SUMMARY"))
            .unwrap_or("(no summary line)")
    );
    String::from_utf8(xml).unwrap()
}

/// An issued invoice's PDF and XML, as downloaded.
async fn issued_files(app: &TestApp, invoice: &str) -> (Vec<u8>, Vec<u8>) {
    (
        app.download(&format!("/api/v1/invoices/{invoice}/pdf"))
            .await,
        app.download(&format!("/api/v1/invoices/{invoice}/facturx.xml"))
            .await,
    )
}

#[tokio::test]
async fn every_vat_situation_is_issued_as_a_valid_facturx() {
    let app = spawn_app().await;
    let french = client(
        &app,
        json!({"name": "Brasserie du Port", "kind": "company", "siren": "552100554",
               "vat_number": "FR96552100554", "email": "compta@brasserie.example"}),
        "FR",
    )
    .await;
    let belgian = client(
        &app,
        json!({"name": "Bruxelles Events SPRL", "kind": "company", "vat_number": "BE0477472701"}),
        "BE",
    )
    .await;
    let swiss = client(
        &app,
        json!({"name": "Genève Audio SA", "kind": "company"}),
        "CH",
    )
    .await;
    let chair = id(&app
        .create(
            "/api/v1/products",
            json!({"code": "CHAISE", "name": "Chaise bistrot", "kind": "goods", "sale_price": "45.5", "vat_rate": "20"}),
        )
        .await);
    let training = id(&app
        .create(
            "/api/v1/products",
            json!({"code": "FORM", "name": "Formation", "kind": "service", "sale_price": "450",
                   "vat_category": "E", "vat_rate": "0",
                   "vat_exemption_reason": "Exonération de TVA, article 261-4-4° du CGI"}),
        )
        .await);

    let situations = [
        (
            "mixed-rates-and-discounts",
            json!({"client_id": french, "discount_percent": "7.5", "lines": [
                {"product_id": chair, "quantity": "3", "discount_percent": "10"},
                {"description": "Repas traiteur", "quantity": "12", "unit_price": "18.3333", "vat_rate": "10"},
                {"description": "Livres", "quantity": "7", "unit_price": "9.995", "vat_rate": "5.5", "discount_percent": "3"},
                {"description": "Livraison", "quantity": "1", "unit_price": "80", "vat_rate": "20"}
            ]}),
        ),
        (
            "exempt",
            json!({"client_id": french, "lines": [
                {"product_id": training, "quantity": "2"},
                {"description": "Support de cours", "quantity": "1", "unit_price": "30", "vat_rate": "0",
                 "vat_category": "E", "vat_exemption_reason": "Article 261-4-4° b du CGI"},
                {"description": "Déplacement", "quantity": "1", "unit_price": "80", "vat_rate": "20"}
            ]}),
        ),
        (
            "reverse-charge",
            json!({"client_id": french, "lines": [
                {"description": "Sous-traitance BTP", "quantity": "1", "unit_price": "2500", "vat_rate": "0", "vat_category": "AE"}
            ]}),
        ),
        (
            "intra-eu",
            json!({"client_id": belgian, "lines": [
                {"product_id": chair, "quantity": "40", "vat_rate": "0", "vat_category": "K"}
            ]}),
        ),
        (
            "export",
            json!({"client_id": swiss, "lines": [
                {"product_id": chair, "quantity": "12", "vat_rate": "0", "vat_category": "G"},
                {"description": "Emballage maritime", "quantity": "1", "unit_price": "95", "vat_rate": "0",
                 "vat_category": "G", "vat_exemption_reason": "Exportation, art. 262 I du CGI — DAE 42"}
            ]}),
        ),
        (
            "zero-rated",
            json!({"client_id": french, "lines": [
                {"description": "Presse quotidienne", "quantity": "30", "unit_price": "1.2345", "vat_rate": "0", "vat_category": "Z"},
                {"description": "Abonnement", "quantity": "1", "unit_price": "12.5", "vat_rate": "2.1"}
            ]}),
        ),
    ];
    let mut issued = Vec::new();
    for (name, body) in situations {
        let invoice = issue(&app, &draft(&app, body).await).await;
        let xml = validated(&app, "invoices", &invoice, name).await;
        assert!(xml.contains("<ram:TypeCode>380</ram:TypeCode>"), "{xml}");
        issued.push((name, invoice, xml));
    }
    let xml_of = |wanted: &str| &issued.iter().find(|(name, ..)| *name == wanted).unwrap().2;
    assert!(xml_of("reverse-charge").contains("Autoliquidation"));
    assert!(xml_of("intra-eu").contains("Exonération de TVA, article 262 ter I du CGI"));
    assert!(xml_of("intra-eu").contains("<ram:CountryID>BE</ram:CountryID>"));
    // A line's own reason replaces its category's wording, on the PDF as
    // in the XML.
    assert!(xml_of("export").contains("Exportation, art. 262 I du CGI — DAE 42"));
    let export = &issued
        .iter()
        .find(|(name, ..)| *name == "export")
        .unwrap()
        .1;
    let export_pdf = app
        .download(&format!("/api/v1/invoices/{}/pdf", id(export)))
        .await;
    assert!(
        crate::documents::text_of(&export_pdf).contains("Exportation, art. 262 I du CGI — DAE 42")
    );
    assert!(xml_of("exempt").contains("Article 261-4-4° b du CGI"));
    let mixed = xml_of("mixed-rates-and-discounts");
    let mixed_invoice = &issued[0].1;
    assert!(mixed.contains(&format!(
        "<ram:GrandTotalAmount>{}</ram:GrandTotalAmount>",
        mixed_invoice["total_incl_tax"].as_str().unwrap()
    )));
    assert!(
        mixed.contains("<ram:SpecifiedLegalOrganization>"),
        "{mixed}"
    );

    // A credit note (381) names the invoice it corrects (BT-25).
    let invoice = &issued[0].1;
    let credit = app
        .create(
            &format!("/api/v1/invoices/{}/credit-notes", id(invoice)),
            json!({"notes": "Chaise abîmée"}),
        )
        .await;
    let xml = validated(&app, "credit-notes", &credit, "credit-note").await;
    assert!(xml.contains("<ram:TypeCode>381</ram:TypeCode>"), "{xml}");
    assert!(
        xml.contains(&format!(
            "<ram:IssuerAssignedID>{}</ram:IssuerAssignedID>",
            invoice["number"].as_str().unwrap()
        )),
        "{xml}"
    );

    // A payment changes the balance, never the issued files.
    let paid = id(&issued[1].1);
    let before = issued_files(&app, &paid).await;
    app.create(
        &format!("/api/v1/invoices/{paid}/payments"),
        json!({"amount": "10", "method": "transfer"}),
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/invoices/{paid}")).await.body["status"],
        "partially_paid"
    );
    assert_eq!(issued_files(&app, &paid).await, before);
}

#[tokio::test]
async fn an_invoice_its_einvoice_would_fail_is_refused_before_taking_a_number() {
    let app = spawn_app().await;
    let no_vat = client(
        &app,
        json!({"name": "Bruxelles Events SPRL", "kind": "company"}),
        "BE",
    )
    .await;
    let invoice = draft(
        &app,
        json!({"client_id": no_vat, "lines": [
            {"description": "Enceintes", "quantity": "4", "unit_price": "300", "vat_rate": "0", "vat_category": "K"}
        ]}),
    )
    .await;
    let refused = app
        .post(&format!("/api/v1/invoices/{invoice}/issue"), json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&refused.body), ["buyer.vat_id"]);
    let read = app.get(&format!("/api/v1/invoices/{invoice}")).await;
    assert_eq!(read.body["status"], "draft");
    assert_eq!(read.body["number"], Value::Null);
    let (status, _) = app
        .download_with_status(&format!("/api/v1/invoices/{invoice}/facturx.xml"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // Without its own VAT number, the organization cannot invoice VAT.
    app.db
        .execute(
            comptoir_db::Sql::new("UPDATE organizations SET vat_number = NULL WHERE id = $1")
                .bind(app.organization_id),
        )
        .await
        .unwrap();
    let french = client(&app, json!({"name": "Café Lumière"}), "FR").await;
    let plain = draft(
        &app,
        json!({"client_id": french, "lines": [
            {"description": "Café", "quantity": "1", "unit_price": "2.5", "vat_rate": "10"}
        ]}),
    )
    .await;
    let refused = app
        .post(&format!("/api/v1/invoices/{plain}/issue"), json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&refused.body), ["seller.vat_id"]);

    // Once told, the first invoice issued takes the first number.
    crate::helpers::give_vat_number(&app.db, app.organization_id).await;
    let issued = issue(&app, &plain).await;
    assert!(
        issued["number"].as_str().unwrap().ends_with("-00001"),
        "{issued:?}"
    );
}
