//! Supplier invoices through the pages: the list and an invoice's page
//! with its lines flagged against the purchase order, approved and paid
//! with the buttons and forms the state machine and the role allow, a
//! refused payment shown on the page, and roles without payables kept out.

use crate::helpers::id;
use crate::pages::{Browser, user};
use crate::supplier_invoices::{CII, buy, receive};
use reqwest::StatusCode;

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
