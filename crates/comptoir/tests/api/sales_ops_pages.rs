//! The sales screens around the documents, through the pages: an order
//! delivered in two parts, goods returned, part of its issued invoice
//! credited, a payment; the lists of deliveries, payments and credit
//! notes showing them; a client's page with its open balance, timeline,
//! addresses and contacts; refusals of the forms next to their fields.
//! The refusals to roles without the permission are in `sales_ops_roles`.

use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, user};
use chrono::{Datelike, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A client, 150 chairs and 20 tables in stock (10.00 excl. VAT, 20 %),
/// and a confirmed order for 100 chairs and 10 tables.
pub(crate) struct Order {
    pub(crate) client: String,
    pub(crate) order: String,
    pub(crate) chairs: String,
    pub(crate) tables: String,
}

pub(crate) async fn confirmed_order(app: &TestApp) -> Order {
    let warehouse = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let chair = id(&app.create_product("CHAISE").await);
    let table = id(&app.create_product("TABLE").await);
    for (product, quantity) in [(&chair, "150"), (&table, "20")] {
        app.create(
            "/api/v1/stock/movements",
            json!({"type": "receipt", "product_id": product, "quantity": quantity, "to_location_id": stock}),
        )
        .await;
    }
    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Brasserie du Port", "payment_terms_days": 30}),
        )
        .await;
    let order = app
        .create(
            "/api/v1/orders",
            json!({"client_id": id(&client), "lines": [
                {"product_id": chair, "quantity": "100"},
                {"product_id": table, "quantity": "10"},
            ]}),
        )
        .await;
    let confirmed = app
        .post(&format!("/api/v1/orders/{}/confirm", id(&order)), json!({}))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{:?}", confirmed.body);
    let line = |index: usize| order["lines"][index]["id"].as_str().unwrap().to_owned();
    Order {
        client: id(&client),
        order: id(&order),
        chairs: line(0),
        tables: line(1),
    }
}

/// The line of `document` that bills the order line `source`.
fn billing(document: &Value, source: &str) -> String {
    document["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["source_line_id"] == source)
        .map(|line| line["id"].as_str().unwrap().to_owned())
        .expect("a line billing the order line")
}

#[tokio::test]
async fn an_order_is_delivered_in_parts_returned_invoiced_credited_and_paid_through_the_pages() {
    let app = spawn_app().await;
    let sale = confirmed_order(&app).await;
    let year = Utc::now().year();
    let mut admin = Browser::new(&app, "fr-FR");
    let token = admin.signed_in("admin@test.example").await;
    let home = admin.get("/").await;
    assert!(home.has("href=\"/deliveries\"") && home.has("href=\"/payments\""));
    let empty = admin.get("/deliveries").await;
    assert!(
        empty.has("Aucune livraison pour l'instant."),
        "{}",
        empty.html
    );

    let order = format!("/orders/{}", sale.order);
    let page = admin.get(&order).await;
    assert!(page.has("Livraison partielle"), "{}", page.html);
    let chairs = format!("quantity.{}", sale.chairs);
    let tables = format!("quantity.{}", sale.tables);
    assert!(
        page.has(&format!("name=\"{chairs}\" value=\"100\"")),
        "prefilled with what remains"
    );
    assert!(page.has(&format!("name=\"{tables}\" value=\"10\"")));

    // More than remains: the form again, the message next to the line.
    let deliveries = format!("{order}/deliveries");
    let refused = admin
        .post(
            &deliveries,
            &[("_csrf", &token), (&chairs, "150"), (&tables, "2")],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    let message = "plus que commandé : il reste 100 à livrer sur cette ligne";
    let next_to = format!("id=\"deliver-e-{}\">{message}", sale.chairs);
    assert!(refused.has(&next_to), "{}", refused.html);
    assert!(
        refused.has(&format!("name=\"{chairs}\" value=\"150\"")),
        "what was typed is kept"
    );
    assert!(refused.has(&format!("name=\"{tables}\" value=\"2\"")));

    let first = admin
        .post(
            &deliveries,
            &[("_csrf", &token), (&chairs, "40"), (&tables, "0")],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    assert_eq!(first.location(), order);
    let page = admin.get(&order).await;
    assert!(page.has("Partiellement livrée"), "{}", page.html);
    assert!(
        page.has(&format!("name=\"{chairs}\" value=\"60\"")),
        "what remains now"
    );
    assert!(page.has(&format!("BL-{year}-00001")));
    let list = admin.get("/deliveries").await;
    assert!(list.has(&format!("BL-{year}-00001")) && list.has("Brasserie du Port"));

    let rest = admin
        .post(
            &deliveries,
            &[("_csrf", &token), (&chairs, "60"), (&tables, "10")],
        )
        .await;
    assert_eq!(rest.status, StatusCode::SEE_OTHER, "{}", rest.html);
    let page = admin.get(&order).await;
    assert!(
        page.has("Livrée") && !page.has("id=\"deliver-form\""),
        "{}",
        page.html
    );
    let list = admin.get("/deliveries").await;
    assert!(
        list.has(&format!("BL-{year}-00002")) && list.has("Résultats\u{a0}: 2"),
        "{}",
        list.html
    );

    // Five chairs come back before anything is invoiced: no credit note.
    let returns = format!("{order}/returns");
    assert!(page.has("id=\"return-form\""));
    let refused = admin
        .post(
            &returns,
            &[("_csrf", &token), (&chairs, "500"), ("reason", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("plus que livré : 100 peut encore revenir sur cette ligne"),
        "{}",
        refused.html
    );
    assert!(
        refused.has("id=\"return-e-reason\">obligatoire"),
        "{}",
        refused.html
    );
    let returned = admin
        .post(
            &returns,
            &[
                ("_csrf", &token),
                (&chairs, "5"),
                ("reason", "defect"),
                ("restock", "1"),
            ],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.html);
    assert_eq!(returned.location(), order);
    let page = admin.get(&order).await;
    assert!(
        page.has("Retour de marchandise") && page.has(">95<"),
        "{}",
        page.html
    );

    // Invoiced (95 chairs, 10 tables: 1 260,00 € incl. VAT) and issued.
    let invoiced = admin
        .post(&format!("{order}/invoice"), &[("_csrf", &token)])
        .await;
    let invoice = invoiced.location().to_owned();
    assert!(invoice.starts_with("/invoices/"), "{}", invoiced.html);
    let issued = admin
        .post(&format!("{invoice}/issue"), &[("_csrf", &token)])
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER);
    let detail = app.get(&format!("/api/v1{invoice}")).await.body;
    let table_line = format!("quantity.{}", billing(&detail, &sale.tables));
    let page = admin.get(&invoice).await;
    assert!(
        page.has("Avoir sur cette facture") && page.has("1\u{202f}260,00\u{a0}€"),
        "{}",
        page.html
    );

    let credit = format!("{invoice}/credit-notes");
    let refused = admin
        .post(&credit, &[("_csrf", &token), (&table_line, "12")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("plus que facturé : 10 peut encore être crédité sur cette ligne"),
        "{}",
        refused.html
    );
    let nothing = admin
        .post(&credit, &[("_csrf", &token), (&table_line, "")])
        .await;
    assert_eq!(nothing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nothing.has("au moins une ligne est nécessaire"));
    let credited = admin
        .post(
            &credit,
            &[("_csrf", &token), (&table_line, "3"), ("notes", "Rayures")],
        )
        .await;
    assert_eq!(credited.status, StatusCode::SEE_OTHER, "{}", credited.html);
    let credit_note = credited.location().to_owned();
    assert!(credit_note.starts_with("/credit-notes/"), "{credit_note}");
    let page = admin.get(&credit_note).await;
    assert!(
        page.has(&format!("AV-{year}-00001")) && page.has("Émis"),
        "{}",
        page.html
    );
    assert!(page.has("36,00\u{a0}€"), "3 tables and their VAT");
    let page = admin.get(&invoice).await;
    assert!(
        page.has(&format!("name=\"{table_line}\" value=\"\"")),
        "7 tables still creditable"
    );
    let list = admin.get("/credit-notes").await;
    assert!(list.has(&format!("AV-{year}-00001")));

    let paid = admin
        .post(
            &format!("{invoice}/payments"),
            &[
                ("_csrf", &token),
                ("amount", "100"),
                ("method", "check"),
                ("reference", "CHQ-981"),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.html);
    let list = admin.get("/payments").await;
    assert!(
        list.has("CHQ-981") && list.has("Chèque") && list.has(&format!("FAC-{year}-00001")),
        "{}",
        list.html
    );
    assert!(list.has("100,00\u{a0}€") && list.has("Brasserie du Port"));
    let today = Utc::now().date_naive();
    let tomorrow = today.succ_opt().unwrap();
    let later = admin.get(&format!("/payments?from={tomorrow}")).await;
    assert!(!later.has("CHQ-981") && later.has(&format!("value=\"{tomorrow}\"")));
    let period = admin
        .get(&format!("/deliveries?from={today}&to={today}&sort=-number"))
        .await;
    assert!(period.has(&format!("BL-{year}-00002")), "{}", period.html);
    assert!(
        period.has(&format!("&from={today}&to={today}")),
        "kept in the links"
    );
    let refunds = admin.get("/payments?kind=refund").await;
    assert!(!refunds.has("CHQ-981") && refunds.has("Aucun résultat"));

    // The client's page: 1 260,00 − 36,00 − 100,00 still due, the
    // documents and what happened to them.
    let client = format!("/clients/{}", sale.client);
    let page = admin.get(&client).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.has("Solde dû") && page.has("1\u{202f}124,00\u{a0}€"),
        "{}",
        page.html
    );
    assert!(page.has(&format!("FAC-{year}-00001")) && page.has(&format!("AV-{year}-00001")));
    for event in [
        "Livraison effectuée",
        "Avoir émis",
        "Règlement reçu",
        "Commande confirmée",
    ] {
        assert!(page.has(event), "the timeline lacks {event}");
    }
    assert!(page.has("Conditions commerciales") && page.has("Aucune adresse."));

    let addresses = format!("{client}/addresses");
    let refused = admin
        .post(
            &addresses,
            &[
                ("_csrf", &token),
                ("kind", "shipping"),
                ("line1", "12 quai Rambaud"),
                ("postal_code", ""),
                ("city", "Lyon"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(
        refused.has("id=\"e-postal_code\">obligatoire"),
        "{}",
        refused.html
    );
    assert!(
        refused.has("value=\"12 quai Rambaud\""),
        "what was typed is kept"
    );
    let added = admin
        .post(
            &addresses,
            &[
                ("_csrf", &token),
                ("kind", "shipping"),
                ("line1", "12 quai Rambaud"),
                ("postal_code", "69002"),
                ("city", "Lyon"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.html);
    let contact = admin
        .post(
            &format!("{client}/contacts"),
            &[
                ("_csrf", &token),
                ("name", "Claire Martin"),
                ("role", "Gérante"),
                ("email", "claire@port.example"),
            ],
        )
        .await;
    assert_eq!(contact.status, StatusCode::SEE_OTHER, "{}", contact.html);
    let page = admin.get(&client).await;
    assert!(page.has("12 quai Rambaud, 69002 Lyon (FR)") && page.has("Livraison"));
    assert!(page.has("Claire Martin") && page.has("Gérante"));
    let listed = app
        .get(&format!("/api/v1/clients/{}/addresses", sale.client))
        .await
        .body;
    let address = listed["items"][0]["id"].as_str().unwrap().to_owned();
    let removed = admin
        .post(
            &format!("{addresses}/{address}/delete"),
            &[("_csrf", &token)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert!(!admin.get(&client).await.has("12 quai Rambaud"));
}

#[tokio::test]
async fn what_a_paid_invoice_credits_is_refunded_from_its_page() {
    let app = spawn_app().await;
    let sale = confirmed_order(&app).await;
    let delivered = app
        .post(
            &format!("/api/v1/orders/{}/deliveries", sale.order),
            json!({}),
        )
        .await;
    assert_eq!(
        delivered.status,
        StatusCode::CREATED,
        "{:?}",
        delivered.body
    );
    let invoice = app
        .create(&format!("/api/v1/orders/{}/invoice", sale.order), json!({}))
        .await;
    let invoice_id = id(&invoice);
    let issued = app
        .post(&format!("/api/v1/invoices/{invoice_id}/issue"), json!({}))
        .await;
    assert_eq!(issued.status, StatusCode::OK);
    app.create(
        &format!("/api/v1/invoices/{invoice_id}/payments"),
        json!({"amount": "1320.00", "method": "transfer"}),
    )
    .await;
    let mut accountant = Browser::new(&app, "fr-FR");
    user(&app, "compta@test.example", "accountant").await;
    let token = accountant.signed_in("compta@test.example").await;
    let page = format!("/invoices/{invoice_id}");
    assert!(
        !accountant.get(&page).await.has("id=\"refund-form\""),
        "nothing owed back yet"
    );

    // Two tables credited on a paid invoice: 24,00 € owed back.
    let tables = format!("quantity.{}", billing(&invoice, &sale.tables));
    let credited = accountant
        .post(
            &format!("{page}/credit-notes"),
            &[("_csrf", &token), (&tables, "2")],
        )
        .await;
    assert_eq!(credited.status, StatusCode::SEE_OTHER, "{}", credited.html);
    let shown = accountant.get(&page).await;
    assert!(
        shown.has("id=\"refund-form\"") && shown.has("value=\"24.00\""),
        "{}",
        shown.html
    );
    let refunds = format!("{page}/refunds");
    let refused = accountant
        .post(
            &refunds,
            &[
                ("_csrf", &token),
                ("amount", "30"),
                ("method", "transfer"),
                ("date", ""),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.html
    );
    assert!(
        refused.has("id=\"refund-e-amount\">plus que ce qui est dû au client, 24.00"),
        "{}",
        refused.html
    );
    assert!(refused.has("value=\"30\""), "what was typed is kept");
    let refunded = accountant
        .post(
            &refunds,
            &[
                ("_csrf", &token),
                ("amount", "24,00"),
                ("method", "transfer"),
                ("reference", "VIR-REMB-1"),
            ],
        )
        .await;
    assert_eq!(refunded.status, StatusCode::SEE_OTHER, "{}", refunded.html);
    assert!(!accountant.get(&page).await.has("id=\"refund-form\""));
    // A chair comes back after it was invoiced: a draft credit note.
    let mut admin = Browser::new(&app, "fr-FR");
    let token = admin.signed_in("admin@test.example").await;
    let chairs = format!("quantity.{}", sale.chairs);
    let returned = admin
        .post(
            &format!("/orders/{}/returns", sale.order),
            &[("_csrf", &token), (&chairs, "1"), ("reason", "wrong_item")],
        )
        .await;
    assert_eq!(returned.status, StatusCode::SEE_OTHER, "{}", returned.html);
    let draft = admin.get(returned.location()).await;
    assert!(
        returned.location().starts_with("/credit-notes/") && draft.has("Brouillon"),
        "{}",
        draft.html
    );
    assert!(draft.has("data-action=\"issue\""));
    let list = accountant.get("/payments?kind=refund").await;
    assert!(
        list.has("VIR-REMB-1") && list.has("Remboursement") && list.has("-24,00\u{a0}€"),
        "{}",
        list.html
    );
}
