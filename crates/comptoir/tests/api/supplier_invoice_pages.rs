//! Supplier invoices through the pages: the list and an invoice's page
//! with its lines flagged against the purchase order, approved and paid
//! with the buttons and forms the state machine and the role allow, a
//! refused payment shown on the page, roles without payables kept out,
//! and the supplier of an invoice from an unknown seller named on its
//! page.

use crate::helpers::id;
use crate::pages::{Browser, user};
use crate::supplier_invoices::{CII, buy, receive};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn an_invoice_is_read_approved_and_paid_on_its_page() {
    let app = crate::helpers::spawn_app().await;
    buy(&app).await;
    let (_, invoice) = receive(&app, CII).await;
    let path = format!("/supplier-invoices/{}", id(&invoice));
    user(&app, "lecture@test.example", "viewer").await;
    user(&app, "magasin@test.example", "warehouse").await;

    let mut admin = Browser::new(&app, "fr");
    let csrf = admin.signed_in("admin@test.example").await;
    assert!(admin.get("/").await.has("href=\"/supplier-invoices\""));
    let list = admin.get("/supplier-invoices?status=received").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(list.has("PM-2026-0101") && list.has("Papeterie Martin"));
    let page = admin.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("Prix différent de la commande"), "{}", page.html);
    assert!(page.has("Conforme à la commande"));
    assert!(page.has("data-action=\"approve\"") && page.has("data-action=\"dispute\""));
    assert!(!page.has("data-action=\"pay\""), "approve first");

    let approved = admin
        .post(&format!("{path}/approve"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.html);
    let page = admin.get(&path).await;
    assert!(
        page.has("data-action=\"pay\"") && page.has("value=\"73.20\""),
        "{}",
        page.html
    );
    let too_much = admin
        .post(
            &format!("{path}/payments"),
            &[
                ("_csrf", &csrf),
                ("amount", "99"),
                ("method", "transfer"),
                ("date", ""),
                ("reference", ""),
            ],
        )
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_much.has("role=\"alert\""));
    let paid = admin
        .post(
            &format!("{path}/payments"),
            &[
                ("_csrf", &csrf),
                ("amount", "36,60"),
                ("method", "transfer"),
                ("date", ""),
                ("reference", "VIR-7"),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.html);
    let page = admin.get(&path).await;
    assert!(
        page.has("Partiellement réglée") && page.has("VIR-7"),
        "{}",
        page.html
    );
    let due = admin.get("/supplier-invoices?due_before=2026-12-31").await;
    assert!(due.has("PM-2026-0101"));

    let mut viewer = Browser::new(&app, "fr");
    let csrf = viewer.signed_in("lecture@test.example").await;
    let page = viewer.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.has("data-action="), "no button it may not use");
    let refused = viewer
        .post(&format!("{path}/approve"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let mut warehouse = Browser::new(&app, "fr");
    warehouse.signed_in("magasin@test.example").await;
    assert!(!warehouse.get("/").await.has("href=\"/supplier-invoices\""));
    assert_eq!(warehouse.get(&path).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_unknown_sellers_invoice_gets_its_supplier_on_its_page() {
    let app = crate::helpers::spawn_app().await;
    let bought = buy(&app).await;
    let unknown = |number: &str| {
        String::from_utf8(CII.to_vec())
            .unwrap()
            .replace("FR44732829320", "FR96552100554")
            .replace("732829320", "552100554")
            .replace("Papeterie Martin SAS", "Fournitures Lebrun SARL")
            .replace("PM-2026-0101", number)
    };
    let (_, first) = receive(&app, unknown("FL-1").as_bytes()).await;
    let (_, second) = receive(&app, unknown("FL-2").as_bytes()).await;
    let (_, third) = receive(&app, unknown("FL-3").as_bytes()).await;
    assert_eq!(third["supplier_id"], Value::Null);
    user(&app, "lecture@test.example", "viewer").await;

    let mut admin = Browser::new(&app, "fr");
    let csrf = admin.signed_in("admin@test.example").await;
    let path = format!("/supplier-invoices/{}", id(&first));
    let page = admin.get(&path).await;
    assert!(page.has("fournisseur à confirmer"), "{}", page.html);
    assert!(
        page.has("Créer le fournisseur Fournitures Lebrun SARL"),
        "{}",
        page.html
    );
    let nothing_chosen = admin
        .post(
            &format!("{path}/supplier"),
            &[("_csrf", &csrf), ("supplier_id", "")],
        )
        .await;
    assert_eq!(nothing_chosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        nothing_chosen.has("role=\"alert\""),
        "{}",
        nothing_chosen.html
    );
    let created = admin
        .post(
            &format!("{path}/supplier"),
            &[("_csrf", &csrf), ("supplier_id", ""), ("create", "true")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let page = admin.get(&path).await;
    assert!(!page.has("id=\"supplier-form\""), "{}", page.html);
    assert!(page.has(">Fournitures Lebrun SARL</a>"), "{}", page.html);

    // The second invoice, from the same seller, is put under the known
    // supplier chosen by hand.
    let path = format!("/supplier-invoices/{}", id(&second));
    let chosen = admin
        .post(
            &format!("{path}/supplier"),
            &[("_csrf", &csrf), ("supplier_id", &bought.supplier)],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER, "{}", chosen.html);
    assert!(admin.get(&path).await.has(">Papeterie Martin</a>"));

    let mut viewer = Browser::new(&app, "fr");
    let csrf = viewer.signed_in("lecture@test.example").await;
    let path = format!("/supplier-invoices/{}", id(&third));
    let page = viewer.get(&path).await;
    assert!(page.has("fournisseur à confirmer"), "{}", page.html);
    assert!(!page.has("id=\"supplier-form\""), "{}", page.html);
    let refused = viewer
        .post(
            &format!("{path}/supplier"),
            &[("_csrf", &csrf), ("create", "true")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
