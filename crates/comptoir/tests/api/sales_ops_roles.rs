//! The sales screens around the documents refused to the roles without
//! their permission (the matrix of `domain::permissions`): no menu entry,
//! no form, and a 403 page for the page or the form sent anyway; and
//! shown to the roles that have it.

use crate::helpers::{id, spawn_app};
use crate::pages::{Browser, user};
use crate::sales_ops_pages::confirmed_order;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn each_sales_operation_is_refused_to_a_role_without_its_permission() {
    let app = spawn_app().await;
    let sale = confirmed_order(&app).await;
    let order = format!("/orders/{}", sale.order);
    let client = format!("/clients/{}", sale.client);
    let chairs = format!("quantity.{}", sale.chairs);
    for (email, role) in [
        ("magasin@test.example", "warehouse"),
        ("vente@test.example", "sales"),
        ("compta@test.example", "accountant"),
        ("tech@test.example", "technician"),
        ("lecture@test.example", "viewer"),
    ] {
        user(&app, email, role).await;
    }

    // The warehouse delivers and reads deliveries, not payments nor clients.
    let mut warehouse = Browser::new(&app, "fr");
    let token = warehouse.signed_in("magasin@test.example").await;
    let home = warehouse.get("/").await;
    assert!(home.has("href=\"/deliveries\"") && !home.has("href=\"/payments\""));
    assert_eq!(warehouse.get("/deliveries").await.status, StatusCode::OK);
    assert_eq!(
        warehouse.get("/payments").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(warehouse.get(&client).await.status, StatusCode::FORBIDDEN);
    let page = warehouse.get(&order).await;
    assert!(page.has("id=\"deliver-form\"") && !page.has("id=\"return-form\""));
    let delivered = warehouse
        .post(
            &format!("{order}/deliveries"),
            &[("_csrf", &token), (&chairs, "100")],
        )
        .await;
    assert_eq!(
        delivered.status,
        StatusCode::SEE_OTHER,
        "{}",
        delivered.html
    );
    let returned = warehouse
        .post(
            &format!("{order}/returns"),
            &[("_csrf", &token), (&chairs, "1"), ("reason", "other")],
        )
        .await;
    assert_eq!(returned.status, StatusCode::FORBIDDEN);

    // Sales take goods back, may not deliver, credit nor refund.
    let mut sales = Browser::new(&app, "fr");
    let token = sales.signed_in("vente@test.example").await;
    let page = sales.get(&order).await;
    assert!(
        page.has("id=\"return-form\"") && !page.has("id=\"deliver-form\""),
        "{}",
        page.html
    );
    let forbidden = sales
        .post(
            &format!("{order}/deliveries"),
            &[("_csrf", &token), (&chairs, "1")],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let invoice = app
        .create(&format!("/api/v1/orders/{}/invoice", sale.order), json!({}))
        .await;
    let invoice = format!("/invoices/{}", id(&invoice));
    let issued = app
        .post(&format!("/api/v1{invoice}/issue"), json!({}))
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);
    let page = sales.get(&invoice).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.has("id=\"credit-form\""), "no form it may not send");
    for path in [
        format!("{invoice}/credit-notes"),
        format!("{invoice}/refunds"),
    ] {
        let forbidden = sales.post(&path, &[("_csrf", &token)]).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(sales.get("/payments").await.status, StatusCode::OK);

    // The accountant credits and reads the client, may not change it.
    let mut accountant = Browser::new(&app, "fr");
    let token = accountant.signed_in("compta@test.example").await;
    assert!(accountant.get(&invoice).await.has("id=\"credit-form\""));
    let page = accountant.get(&client).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Solde dû") && !page.has("id=\"address-form\""));
    let forbidden = accountant
        .post(
            &format!("{client}/addresses"),
            &[("_csrf", &token), ("line1", "x")],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let forbidden = accountant
        .post(
            &format!("{client}/contacts"),
            &[("_csrf", &token), ("name", "x")],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let address = app
        .create(
            &format!("/api/v1/clients/{}/addresses", sale.client),
            json!({"kind": "billing", "line1": "1 rue Neuve", "postal_code": "69001", "city": "Lyon"}),
        )
        .await;
    let contact = app
        .create(
            &format!("/api/v1/clients/{}/contacts", sale.client),
            json!({"name": "Paul Neuve"}),
        )
        .await;
    for path in [
        format!("{client}/addresses/{}/delete", id(&address)),
        format!("{client}/contacts/{}/delete", id(&contact)),
    ] {
        let forbidden = accountant.post(&path, &[("_csrf", &token)]).await;
        assert_eq!(forbidden.status, StatusCode::FORBIDDEN, "{path}");
    }
    let page = accountant.get(&client).await;
    assert!(page.has("1 rue Neuve") && page.has("Paul Neuve") && !page.has("Retirer"));

    // The technician opens none of these pages; the viewer reads them.
    let mut technician = Browser::new(&app, "fr");
    technician.signed_in("tech@test.example").await;
    for path in ["/deliveries", "/payments", client.as_str()] {
        assert_eq!(
            technician.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let mut viewer = Browser::new(&app, "fr");
    viewer.signed_in("lecture@test.example").await;
    for path in ["/deliveries", "/payments", client.as_str(), order.as_str()] {
        let page = viewer.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.has("data-form="), "{path}: no form for a reader");
    }
}
