//! A supplier's page through the pages: its status, and its addresses
//! and contacts added (a refusal next to its field, as typed) and removed
//! by who may write suppliers, read by who may only read them.

use crate::helpers::spawn_app;
use crate::pages::{Browser, user};
use crate::purchasing::setup;
use reqwest::StatusCode;

#[tokio::test]
async fn a_suppliers_addresses_and_contacts_are_added_and_removed_on_its_page() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let supplier = format!("/suppliers/{}", s.supplier);
    let mut admin = Browser::new(&app, "fr");
    let csrf = admin.signed_in("admin@test.example").await;
    let page = admin.get(&supplier).await;
    assert!(page.has("id=\"address-form\"") && page.has("id=\"contact-form\""));
    assert!(page.has("<dd>Actif</dd>"), "{}", page.html);
    assert!(admin.get("/suppliers").await.has("<td>Actif</td>"));

    let addresses = format!("{supplier}/addresses");
    let refused = admin
        .post(
            &addresses,
            &[
                ("_csrf", &csrf),
                ("kind", "billing"),
                ("line1", "12 rue des Ateliers"),
                ("postal_code", ""),
                ("city", "Marseille"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("id=\"e-postal_code\">obligatoire"),
        "{}",
        refused.html
    );
    assert!(
        refused.has("value=\"12 rue des Ateliers\""),
        "what was typed is kept"
    );
    assert!(refused.has("Mobilier Pro"), "on the supplier's page");

    let added = admin
        .post(
            &addresses,
            &[
                ("_csrf", &csrf),
                ("kind", "billing"),
                ("line1", "12 rue des Ateliers"),
                ("postal_code", "13002"),
                ("city", "Marseille"),
                ("is_default", "1"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html);
    assert_eq!(added.location(), supplier);
    let contact = admin
        .post(
            &format!("{supplier}/contacts"),
            &[
                ("_csrf", &csrf),
                ("name", "Paul Martin"),
                ("role", "Commercial"),
                ("email", "paul@mobilier.example"),
            ],
        )
        .await;
    assert_eq!(contact.status, StatusCode::SEE_OTHER, "{}", contact.html);
    let page = admin.get(&supplier).await;
    assert!(
        page.has("12 rue des Ateliers, 13002 Marseille (FR)"),
        "{}",
        page.html
    );
    assert!(page.has("Paul Martin</strong> · Commercial"));

    // The warehouse reads them, changes none.
    user(&app, "magasin@test.example", "warehouse").await;
    let mut warehouse = Browser::new(&app, "fr");
    let token = warehouse.signed_in("magasin@test.example").await;
    let read = warehouse.get(&supplier).await;
    assert!(read.has("12 rue des Ateliers") && read.has("Paul Martin"));
    assert!(!read.has("id=\"address-form\"") && !read.has("Retirer"));
    let mut removals = Vec::new();
    for detail in ["addresses", "contacts"] {
        let listed = app
            .get(&format!("/api/v1/suppliers/{}/{detail}", s.supplier))
            .await;
        let row = listed.body["items"][0]["id"].as_str().unwrap().to_owned();
        removals.push(format!("{supplier}/{detail}/{row}/delete"));
    }
    for path in &removals {
        let forbidden = warehouse.post(path, &[("_csrf", &token)]).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{path}");
    }
    let forbidden = warehouse
        .post(&addresses, &[("_csrf", &token), ("line1", "x")])
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    for path in &removals {
        let removed = admin.post(path, &[("_csrf", &csrf)]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{path}");
    }
    let page = admin.get(&supplier).await;
    assert!(!page.has("12 rue des Ateliers") && !page.has("Paul Martin"));
    assert!(page.has("Aucune adresse") && page.has("Aucun contact"));
}
