//! The sales documents through the pages: a quote walked to a paid
//! invoice with the buttons of each page (POST forms carrying the CSRF
//! token read from the page), what each page shows on the way, refusals
//! of the state machines, and roles without the permission. The same
//! walk clicked in a real browser saves `quote.png`, `order.png` and
//! `invoice.png`.

use crate::browser::browser;
use crate::helpers::{PASSWORD, TestApp, id, spawn_app};
use crate::pages::{Browser, Page, user};
use chrono::{Datelike, Utc};
use reqwest::StatusCode;
use serde_json::json;

/// A client, 150 stocked chairs at 10.00 excl. VAT (20 %), and a draft
/// quote for 100 chairs and an installation at 29.00: 1 029,00 € excl.
/// VAT, 205,80 € VAT, 1 234,80 € incl. VAT.
struct Sale {
    client: String,
    quote: String,
}

async fn sale(app: &TestApp) -> Sale {
    let warehouse = app
        .create("/api/v1/warehouses", json!({"code": "LYS", "name": "Lyon"}))
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let chair = id(&app.create_product("CHAISE").await);
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": chair, "quantity": "150", "to_location_id": stock}),
    )
    .await;
    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Brasserie du Port", "payment_terms_days": 30}),
        )
        .await;
    let quote = app
        .create(
            "/api/v1/quotes",
            json!({"client_id": id(&client), "lines": [
                {"product_id": chair, "quantity": "100"},
                {"description": "Installation", "quantity": "1", "unit_price": "29", "vat_rate": "20"},
            ]}),
        )
        .await;
    Sale {
        client: "Brasserie du Port".into(),
        quote: id(&quote),
    }
}

const TOTAL_EXCL: &str = "1\u{202f}029,00\u{a0}€";
const TOTAL_VAT: &str = "205,80\u{a0}€";
const TOTAL_INCL: &str = "1\u{202f}234,80\u{a0}€";

/// The buttons a page offers, by their action.
fn buttons(page: &Page) -> Vec<String> {
    page.html
        .match_indices("data-action=\"")
        .map(|(at, marker)| {
            page.html[at + marker.len()..]
                .split('"')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Presses the button `action` of the page at `path` and returns where
/// it leads (after the 303).
async fn press(browser: &mut Browser<'_>, path: &str, action: &str) -> String {
    let page = browser.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.html);
    assert!(
        buttons(&page).contains(&action.to_owned()),
        "{path} has no {action} button: {:?}",
        buttons(&page)
    );
    let token = page.hidden("_csrf");
    let done = browser
        .post(&format!("{path}/{action}"), &[("_csrf", &token)])
        .await;
    assert_eq!(
        done.status,
        StatusCode::SEE_OTHER,
        "{action}: {}",
        done.html
    );
    done.location().to_owned()
}

#[tokio::test]
async fn a_quote_walks_to_a_paid_invoice_through_the_pages() {
    let app = spawn_app().await;
    let sale = sale(&app).await;
    let mut admin = Browser::new(&app, "fr-FR,fr;q=0.9");
    let token = admin.signed_in("admin@test.example").await;
    let home = admin.get("/").await;
    for entry in ["href=\"/quotes\"", "href=\"/orders\"", "href=\"/invoices\""] {
        assert!(home.has(entry), "the menu lacks {entry}");
    }

    let list = admin.get("/quotes").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(list.has(&sale.client), "{}", list.html);
    assert!(list.has("Brouillon") && list.has(TOTAL_EXCL) && list.has(TOTAL_INCL));
    let empty = admin.get("/quotes?q=personne").await;
    assert!(empty.has("Aucun résultat pour ces critères.") && !empty.has(&sale.client));
    let filtered = admin.get("/quotes?status=sent").await;
    assert!(!filtered.has(&sale.client), "a draft is not sent");

    let quote = format!("/quotes/{}", sale.quote);
    let page = admin.get(&quote).await;
    assert!(page.has("Devis") && page.has("Brouillon") && page.has(&sale.client));
    assert!(page.has(TOTAL_EXCL) && page.has(TOTAL_VAT) && page.has(TOTAL_INCL));
    assert!(page.has("Récapitulatif de TVA") && page.has("S · 20,00 %"));
    assert_eq!(buttons(&page), ["send"]);
    let refused = admin
        .post(&format!("{quote}/accept"), &[("_csrf", &token)])
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.has("un devis brouillon ne peut pas être accepté"),
        "{}",
        refused.html
    );
    assert!(
        refused.has(TOTAL_INCL),
        "the document's page, not an error page"
    );

    assert_eq!(press(&mut admin, &quote, "send").await, quote);
    let page = admin.get(&quote).await;
    assert!(page.has("Envoyé"));
    assert_eq!(buttons(&page), ["accept", "refuse"]);
    assert_eq!(press(&mut admin, &quote, "accept").await, quote);
    let page = admin.get(&quote).await;
    assert!(page.has("Accepté"));
    assert_eq!(buttons(&page), ["convert"]);
    assert!(page.has("Transformer en commande"));

    let order = press(&mut admin, &quote, "convert").await;
    assert!(order.starts_with("/orders/"), "{order}");
    let page = admin.get(&order).await;
    assert!(page.has("Commande") && page.has("Brouillon") && page.has(TOTAL_INCL));
    assert_eq!(buttons(&page), ["confirm", "cancel"]);
    assert_eq!(press(&mut admin, &order, "confirm").await, order);
    let page = admin.get(&order).await;
    assert!(page.has("Confirmée"));
    assert_eq!(buttons(&page), ["deliver", "cancel"]);
    assert_eq!(press(&mut admin, &order, "deliver").await, order);
    let page = admin.get(&order).await;
    assert!(
        page.has("Livrée") && page.has("Commande confirmée"),
        "{}",
        page.html
    );
    assert_eq!(buttons(&page), ["invoice"]);

    let invoice = press(&mut admin, &order, "invoice").await;
    assert!(invoice.starts_with("/invoices/"), "{invoice}");
    let page = admin.get(&invoice).await;
    assert!(page.has("Facture") && page.has("brouillon") && page.has(TOTAL_INCL));
    assert_eq!(buttons(&page), ["issue"]);
    assert_eq!(press(&mut admin, &invoice, "issue").await, invoice);
    let page = admin.get(&invoice).await;
    let number = format!("FAC-{}-00001", Utc::now().year());
    assert!(page.has(&number) && page.has("Émise"), "{}", page.html);
    assert!(
        page.has("ne peut plus être modifié"),
        "an issued invoice is read-only"
    );
    assert_eq!(buttons(&page), ["pay"], "only the payment form");
    assert!(
        page.has("value=\"1234.80\""),
        "the amount defaults to the balance due"
    );
    // A colleague, in another session, presses the button again.
    let mut colleague = Browser::new(&app, "fr-FR,fr;q=0.9");
    let colleague_token = colleague.signed_in("admin@test.example").await;
    let again = colleague
        .post(&format!("{invoice}/issue"), &[("_csrf", &colleague_token)])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.has("une facture émise ne peut pas être émise"),
        "{}",
        again.html
    );

    let bad = admin
        .post(
            &format!("{invoice}/payments"),
            &[
                ("_csrf", &token),
                ("amount", "-5"),
                ("method", "transfer"),
                ("date", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.has("doit être positif"), "{}", bad.html);
    let paid = admin
        .post(
            &format!("{invoice}/payments"),
            &[
                ("_csrf", &token),
                ("amount", "1234.80"),
                ("method", "transfer"),
                ("date", ""),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER, "{}", paid.html);
    assert_eq!(paid.location(), invoice);
    let page = admin.get(&invoice).await;
    assert!(page.has("Payée") && page.has("Règlement reçu"));
    assert!(page.has("<strong>0,00\u{a0}€</strong>"), "nothing due");
    assert!(buttons(&page).is_empty());
    let list = admin.get("/invoices").await;
    assert!(list.has(&number) && list.has("Payée") && list.has(&sale.client));
    let orders = admin.get("/orders").await;
    assert!(
        orders.has("Facturée"),
        "the order is invoiced: {}",
        orders.html
    );

    // A reader sees the documents, no button, and may not act.
    user(&app, "lecteur@test.example", "viewer").await;
    let mut viewer = Browser::new(&app, "fr-FR");
    let token = viewer.signed_in("lecteur@test.example").await;
    let page = viewer.get(&quote).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(buttons(&page).is_empty());
    let page = viewer.get(&invoice).await;
    assert!(buttons(&page).is_empty() && page.has("Payée"));
    let forbidden = viewer
        .post(&format!("{order}/cancel"), &[("_csrf", &token)])
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let forbidden = viewer
        .post(
            &format!("{invoice}/payments"),
            &[("_csrf", &token), ("amount", "1"), ("method", "cash")],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);

    // A salesperson reads the lists in English.
    user(&app, "vendeur@test.example", "sales").await;
    let mut seller = Browser::new(&app, "en-GB");
    let token = seller.signed_in("vendeur@test.example").await;
    let switched = seller
        .post(
            "/language",
            &[("_csrf", &token), ("language", "en"), ("next", "/quotes")],
        )
        .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    let page = seller.get("/quotes").await;
    assert!(
        page.has("Converted") && page.has("€1,234.80"),
        "{}",
        page.html
    );
}

#[tokio::test]
async fn a_clerk_clicks_a_quote_to_a_paid_invoice_in_the_browser() {
    let app = spawn_app().await;
    let sale = sale(&app).await;
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.open(&app.address, "/quotes").await;
    browser
        .click(&format!("a[href='/quotes/{}']", sale.quote))
        .await;
    let quote = format!("/quotes/{}", sale.quote);
    browser.arrives_at(&quote).await;
    for (action, status) in [("send", "Envoyé"), ("accept", "Accepté")] {
        browser
            .click(&format!("button[data-action='{action}']"))
            .await;
        wait_for(&browser, "h1 .badge", status).await;
    }
    assert!(browser.text("main").await.contains("234,80"));
    browser.screenshot("quote").await;
    browser.click("button[data-action='convert']").await;
    browser.arrives_at("/orders/").await;
    for (action, status) in [("confirm", "Confirmée"), ("deliver", "Livrée")] {
        browser
            .click(&format!("button[data-action='{action}']"))
            .await;
        wait_for(&browser, "h1 .badge", status).await;
    }
    browser.screenshot("order").await;
    browser.click("button[data-action='invoice']").await;
    browser.arrives_at("/invoices/").await;
    browser.click("button[data-action='issue']").await;
    wait_for(&browser, "h1 .badge", "Émise").await;
    browser.click("button[data-action='pay']").await;
    wait_for(&browser, "h1 .badge", "Payée").await;
    browser
        .client
        .execute(
            "document.getElementById('balance-due').scrollIntoView({block: 'center'})",
            vec![],
        )
        .await
        .expect("scrolled");
    let due = browser.text("#balance-due").await;
    assert_eq!(due.replace('\u{a0}', " "), "0,00 €");
    browser.screenshot("invoice").await;
    browser.close().await;
}

/// Waits until the element `css` reads `text`; while the next page
/// loads, the element may be missing or stale.
async fn wait_for(browser: &crate::browser::Browser, css: &str, text: &str) {
    for _ in 0..200 {
        if let Ok(element) = browser.client.find(fantoccini::Locator::Css(css)).await
            && element.text().await.is_ok_and(|read| read == text)
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{css} never read {text}: {}", browser.text("main").await);
}
