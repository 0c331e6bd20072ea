//! The organization's identity: every field through the API and the
//! settings page, each bad identifier named, the logo (PNG or JPEG, at
//! most 1 MB, checked to be an image), who may change it, and the rule
//! tying a company's SIREN, SIRET and French VAT number, which clients
//! obey too.

use crate::helpers::{TestApp, field_names, spawn_app};
use crate::pages::{Browser, Page};
use image::{ImageBuffer, ImageFormat, Rgb};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::io::Cursor;

const SETTINGS: &str = "/api/v1/settings/organization";
const LOGO: &str = "/api/v1/settings/organization/logo";
/// The logo's largest size, as the services keep it.
const MAX_LOGO_BYTES: usize = 1024 * 1024;

/// Every field, as a user types them; `stored` is what comes back.
fn identity() -> Value {
    json!({
        "name": "Comptoir Démo",
        "time_zone": "Europe/Paris",
        "legal_name": "Comptoir Démo SARL",
        "legal_form": "SARL",
        "share_capital": "10000",
        "address_line1": "12 rue des Halles",
        "address_line2": "Bâtiment B",
        "postal_code": "69002",
        "city": "Lyon",
        "country": "fr",
        "siren": "732 829 320",
        "siret": "732 829 320 00074",
        "rcs_city": "Lyon",
        "vat_number": "fr 44 732829320",
        "naf_code": "6201z",
        "email": "Contact@Comptoir.example",
        "phone": "04 78 00 00 00",
        "website": "www.comptoir.example",
        "iban": "fr76 3000 6000 0112 3456 7890 189",
        "bic": "bnpafrpp",
        "payment_terms_days": 45,
        "late_penalty_rate": "12.15",
        "early_payment_discount": "Pas d'escompte pour paiement anticipé",
        "footer": "Merci de votre confiance.",
        "quote_text": "Devis valable 30 jours.",
        "order_text": "Commande ferme.",
        "delivery_text": "Vérifiez la marchandise à réception.",
        "invoice_text": "Indemnité forfaitaire pour frais de recouvrement : 40 €.",
        "credit_note_text": "Avoir à déduire de votre prochaine facture.",
        "purchase_order_text": "Livraison à l'adresse ci-dessus."
    })
}

fn stored() -> Value {
    let mut stored = identity();
    for (field, value) in [
        ("share_capital", json!("10000.00")),
        ("country", json!("FR")),
        ("siren", json!("732829320")),
        ("siret", json!("73282932000074")),
        ("vat_number", json!("FR44732829320")),
        ("naf_code", json!("62.01Z")),
        ("email", json!("contact@comptoir.example")),
        ("website", json!("https://www.comptoir.example")),
        ("iban", json!("FR7630006000011234567890189")),
        ("bic", json!("BNPAFRPP")),
    ] {
        stored[field] = value;
    }
    stored
}

async fn put(app: &TestApp, token: &str, body: Value) -> crate::helpers::Reply {
    app.send(Method::PUT, SETTINGS, Some(token), Some(body), &[])
        .await
}

fn encoded(format: ImageFormat) -> Vec<u8> {
    let image = ImageBuffer::from_fn(40, 20, |x, y| Rgb([(x * 6) as u8, (y * 12) as u8, 90]));
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).expect("encoded");
    bytes.into_inner()
}

async fn upload_logo(
    app: &TestApp,
    token: &str,
    bytes: Vec<u8>,
    file_name: &str,
) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(file_name.to_owned()));
    let reply = app
        .client
        .put(app.url(LOGO))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("sent");
    let status = reply.status();
    (status, reply.json().await.unwrap_or(Value::Null))
}

/// GETs the logo with `token`: its status, content type and bytes.
async fn logo(app: &TestApp, token: &str) -> (StatusCode, String, Vec<u8>) {
    let reply = app
        .client
        .get(app.url(LOGO))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    let status = reply.status();
    let content_type = reply
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        status,
        content_type,
        reply.bytes().await.expect("body").to_vec(),
    )
}

#[tokio::test]
async fn every_identity_field_round_trips_and_a_field_left_out_is_emptied() {
    let app = spawn_app().await;
    let before = app.get(SETTINGS).await.body;
    assert_eq!(before["country"], "FR");
    assert_eq!(before["payment_terms_days"], 30);
    assert_eq!(before["iban"], Value::Null);

    let saved = put(&app, &app.admin_token, identity()).await;
    assert_eq!(saved.status, StatusCode::OK, "{:?}", saved.body);
    let read = app.get(SETTINGS).await.body;
    for (field, expected) in stored().as_object().expect("object") {
        assert_eq!(&saved.body[field], expected, "{field} as saved");
        assert_eq!(&read[field], expected, "{field} as read");
    }
    assert_eq!(read["version"], before["version"].as_i64().unwrap() + 1);

    let entries = app.get("/api/v1/audit?resource_type=organization").await;
    let entry = &entries.body["items"][0];
    assert_eq!(entry["action"], "update", "{entry}");

    let emptied = put(
        &app,
        &app.admin_token,
        json!({"name": "Comptoir Démo", "time_zone": "Europe/Paris"}),
    )
    .await;
    assert_eq!(emptied.status, StatusCode::OK, "{:?}", emptied.body);
    assert_eq!(emptied.body["iban"], Value::Null);
    assert_eq!(emptied.body["invoice_text"], Value::Null);
    assert_eq!(emptied.body["country"], "FR");
    assert_eq!(emptied.body["payment_terms_days"], 30);
}

#[tokio::test]
async fn each_bad_identifier_is_named_in_one_answer() {
    let app = spawn_app().await;
    let mut body = identity();
    for (field, value) in [
        ("iban", "FR76 3000 6000 0112 3456 7890 188"),
        ("bic", "BNPA FR"),
        ("siren", "732 829 321"),
        ("siret", "732 829 320 00075"),
        ("vat_number", "FR45732829320"),
        ("naf_code", "62.0Z"),
        ("website", "ftp://comptoir.example"),
        ("country", "France"),
        ("late_penalty_rate", "101"),
        ("share_capital", "10.001"),
    ] {
        body[field] = json!(value);
    }
    let refused = put(&app, &app.admin_token, body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = field_names(&refused.body);
    fields.sort();
    assert_eq!(
        fields,
        [
            "bic",
            "country",
            "iban",
            "late_penalty_rate",
            "naf_code",
            "share_capital",
            "siren",
            "siret",
            "vat_number",
            "website"
        ],
        "{:?}",
        refused.body
    );

    // Valid alone, the SIRET and the VAT number of another company.
    let mut body = identity();
    body["siret"] = json!("55210055400013");
    body["vat_number"] = json!("FR96552100554");
    let refused = put(&app, &app.admin_token, body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&refused.body), ["siret", "vat_number"]);
    let messages: Vec<&str> = refused.body["details"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "the SIRET does not start with the SIREN",
            "the VAT number does not hold the SIREN"
        ]
    );
    assert_eq!(app.get(SETTINGS).await.body["siren"], Value::Null);
}

#[tokio::test]
async fn a_logo_is_a_png_or_jpeg_of_at_most_1_mb_read_back_as_uploaded() {
    let app = spawn_app().await;
    assert_eq!(logo(&app, &app.admin_token).await.0, StatusCode::NOT_FOUND);

    let png = encoded(ImageFormat::Png);
    let (status, settings) = upload_logo(&app, &app.admin_token, png.clone(), "logo.png").await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["logo_content_type"], "image/png");
    let (status, content_type, bytes) = logo(&app, &app.admin_token).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "image/png")
    );
    assert_eq!(bytes, png);

    // The content decides, not the file's name.
    let jpeg = encoded(ImageFormat::Jpeg);
    let (status, settings) = upload_logo(&app, &app.admin_token, jpeg.clone(), "logo.png").await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    assert_eq!(settings["logo_content_type"], "image/jpeg");
    let (_, content_type, bytes) = logo(&app, &app.admin_token).await;
    assert_eq!((content_type.as_str(), bytes), ("image/jpeg", jpeg.clone()));

    let text = b"Ceci n'est pas une image.\n".to_vec();
    let (status, refused) = upload_logo(&app, &app.admin_token, text, "logo.png").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(field_names(&refused), ["file"]);
    let mut truncated = encoded(ImageFormat::Png);
    truncated.truncate(truncated.len() / 2);
    let (status, _) = upload_logo(&app, &app.admin_token, truncated, "logo.png").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut largest = encoded(ImageFormat::Png);
    largest.resize(MAX_LOGO_BYTES + 1, 0);
    let (status, refused) = upload_logo(&app, &app.admin_token, largest, "logo.png").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{refused}");
    assert_eq!(refused["code"], "payload_too_large");
    assert_eq!(
        logo(&app, &app.admin_token).await.2,
        jpeg,
        "the refused uploads changed nothing"
    );

    // Every signed-in user reads it; only who manages settings changes it.
    let clerk = app.user_token("vente@test.example", "sales").await;
    assert_eq!(logo(&app, &clerk).await.2, jpeg);
    let (status, _) = upload_logo(&app, &clerk, png, "logo.png").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let removal = app
        .send(Method::DELETE, LOGO, Some(&clerk), None, &[])
        .await;
    assert_eq!(removal.status, StatusCode::FORBIDDEN);

    assert_eq!(app.delete(LOGO).await.status, StatusCode::NO_CONTENT);
    assert_eq!(logo(&app, &app.admin_token).await.0, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(LOGO).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(SETTINGS).await.body["logo_sha256"], Value::Null);
}

#[tokio::test]
async fn a_sales_user_reads_the_identity_but_cannot_change_it() {
    let app = spawn_app().await;
    assert_eq!(
        put(&app, &app.admin_token, identity()).await.status,
        StatusCode::OK
    );
    let clerk = app.user_token("vente@test.example", "sales").await;
    let read = app
        .send(Method::GET, SETTINGS, Some(&clerk), None, &[])
        .await;
    assert_eq!(read.body["iban"], "FR7630006000011234567890189");
    let refused = put(&app, &clerk, identity()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_clients_french_vat_number_holds_its_siren() {
    let app = spawn_app().await;
    let client = json!({
        "name": "Hôtel du Parc",
        "siren": "732829320",
        "vat_number": "FR96552100554"
    });
    let refused = app.post("/api/v1/clients", client.clone()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&refused.body), ["vat_number"]);
    let mut client = client;
    client["vat_number"] = json!("FR44732829320");
    app.create("/api/v1/clients", client).await;
}

/// Sends the logo form of the settings page as a browser does: the CSRF
/// token first, then the file.
async fn upload_through_the_page(browser: &mut Browser<'_>, token: &str, bytes: Vec<u8>) -> Page {
    let form = Form::new()
        .text("_csrf", token.to_owned())
        .part("file", Part::bytes(bytes).file_name("logo.png"));
    browser
        .post_multipart("/settings/organization/logo", form)
        .await
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn the_settings_page_saves_every_field_and_the_logo() {
    let app = spawn_app().await;
    let mut admin = Browser::new(&app, "fr");
    let token = admin.signed_in("admin@test.example").await;
    let page = admin.get("/settings/organization").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    for legend in [
        "Identité",
        "Adresse",
        "Mentions légales",
        "Coordonnées bancaires",
        "Documents",
    ] {
        assert!(page.has(&format!("<legend>{legend}</legend>")), "{legend}");
    }
    assert!(page.has("Aucun logo pour l'instant."));
    let version = page.hidden("version");

    let typed = identity();
    let mut form: Vec<(String, String)> = typed
        .as_object()
        .unwrap()
        .iter()
        .map(|(field, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (field.clone(), text)
        })
        .collect();
    form.push(("_csrf".into(), token.clone()));
    form.push(("version".into(), version.clone()));
    let mut bad = form.clone();
    for (field, value) in bad.iter_mut() {
        match field.as_str() {
            "iban" => *value = "FR76 3000 6000 0112 3456 7890 188".into(),
            "payment_terms_days" => *value = "trente".into(),
            _ => {}
        }
    }
    let refused = admin.post("/settings/organization", &pairs(&bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("la clé de l'IBAN est fausse"),
        "{}",
        refused.html
    );
    assert!(
        refused.has("doit être un nombre entier"),
        "{}",
        refused.html
    );
    assert!(
        refused.has("value=\"Comptoir Démo SARL\""),
        "what was typed stays"
    );
    assert_eq!(app.get(SETTINGS).await.body["iban"], Value::Null);

    let saved = admin.post("/settings/organization", &pairs(&form)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let read = app.get(SETTINGS).await.body;
    for (field, expected) in stored().as_object().unwrap() {
        assert_eq!(&read[field], expected, "{field}");
    }
    let page = admin.get("/settings/organization").await;
    assert!(page.has("value=\"FR7630006000011234567890189\""));
    assert!(page.has(">Avoir à déduire de votre prochaine facture.</textarea>"));

    let refused = upload_through_the_page(&mut admin, &token, b"pas une image".to_vec()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("doit être une image PNG ou JPEG"),
        "{}",
        refused.html
    );
    let png = encoded(ImageFormat::Png);
    let uploaded = upload_through_the_page(&mut admin, &token, png.clone()).await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.html);
    let page = admin.get("/settings/organization").await;
    assert!(page.has("class=\"logo-preview\""), "{}", page.html);
    assert_eq!(
        admin.bytes("/settings/organization/logo").await,
        (StatusCode::OK, png)
    );

    let removed = admin
        .post("/settings/organization/logo/delete", &[("_csrf", &token)])
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .get("/settings/organization")
            .await
            .has("Aucun logo pour l'instant.")
    );
}
