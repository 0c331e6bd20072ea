//! The sales document editor through HTTP: the search endpoints htmx
//! calls as the reader types, a row filled with the client's price, the
//! totals and VAT breakdown the server recomputes, a quote written,
//! refused with messages next to each line's fields, changed, refused
//! when stale, read-only once sent, and deleted; an invoice drafted
//! directly; roles without the write permission refused.

use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, Page, user};
use reqwest::StatusCode;
use serde_json::json;

/// A client with a 10 % discount, chairs at 10.00 (VAT 20 %) and books
/// at 25.00 (VAT 5.5 %).
pub(crate) struct Catalog {
    pub(crate) client: String,
    /// A client without a discount.
    pub(crate) other: String,
    pub(crate) chair: String,
    pub(crate) book: String,
}

pub(crate) async fn catalog(app: &TestApp) -> Catalog {
    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Brasserie du Port", "discount_percent": "10"}),
        )
        .await;
    let other = app
        .create("/api/v1/clients", json!({"name": "Atelier Martin"}))
        .await;
    let chair = app
        .create(
            "/api/v1/products",
            json!({"code": "CHAISE", "name": "Chaise bistrot", "sale_price": "10.00", "vat_rate": "20"}),
        )
        .await;
    let book = app
        .create(
            "/api/v1/products",
            json!({"code": "LIVRE", "name": "Livre de recettes", "sale_price": "25.00", "vat_rate": "5.5"}),
        )
        .await;
    Catalog {
        client: id(&client),
        other: id(&other),
        chair: id(&chair),
        book: id(&book),
    }
}

/// Three chairs at the client's 9.00 and two books at 25.00: 27.00 at
/// 20 % (5.40) and 50.00 at 5.5 % (2.75).
fn two_lines<'a>(catalog: &'a Catalog, token: &'a str, chairs: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", token),
        ("client_id", &catalog.client),
        ("lines[0].product_id", &catalog.chair),
        ("lines[0].description", "Chaise bistrot"),
        ("lines[0].quantity", chairs),
        ("lines[0].unit_price", "9"),
        ("lines[0].vat_rate", "20"),
        ("lines[a1].product_id", &catalog.book),
        ("lines[a1].description", "Livre de recettes"),
        ("lines[a1].quantity", "2"),
        ("lines[a1].unit_price", "25"),
        ("lines[a1].vat_rate", "5.5"),
        // A row added and left empty is no line.
        ("lines[zz].product_id", ""),
        ("lines[zz].quantity", "1"),
    ]
}

pub(crate) fn euros(amount: &str) -> String {
    format!("{amount}\u{a0}€")
}

fn saved_at(page: &Page, base: &str) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let location = page.location().to_owned();
    assert!(location.starts_with(base), "{location}");
    location
}

#[tokio::test]
async fn a_clerk_writes_a_quote_in_the_editor_then_changes_and_deletes_drafts() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    let mut admin = Browser::new(&app, "fr-FR,fr;q=0.9");
    let token = admin.signed_in("admin@test.example").await;

    let list = admin.get("/quotes").await;
    assert!(list.has("href=\"/quotes/new\"") && list.has("Nouveau devis"));
    let form = admin.get("/quotes/new").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(form.has("Nouveau devis") && form.has("Brasserie du Port"));
    assert!(form.has("for=\"f-client_q\"") && form.has("for=\"f-client_id\""));

    // The picker's options follow what is typed; the match is chosen.
    let found = admin.get("/sales/editor/clients?client_q=brass").await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(found.has("Brasserie du Port") && !found.has("Atelier Martin"));
    assert!(found.has(&format!("value=\"{}\" selected", catalog.client)));
    assert_eq!(
        found.headers["hx-trigger-after-swap"], "client-changed, editor-changed",
        "the rows' prices and the totals follow the client"
    );
    let none = admin.get("/sales/editor/clients?client_q=personne").await;
    assert!(none.has("Aucun client trouvé"));

    // A row's product box lists the matches, each filling the row.
    let products = admin
        .get("/sales/editor/products?key=k7&kind=quote&lines%5Bk7%5D.product=chai")
        .await;
    assert_eq!(products.status, StatusCode::OK);
    assert!(products.has("CHAISE — Chaise bistrot") && !products.has("LIVRE"));
    assert!(products.has(&catalog.chair) && products.has("#line-k7"));
    let filled = admin
        .get(&format!(
            "/sales/editor/line?key=k7&kind=quote&product_id={}&client_id={}&lines%5Bk7%5D.quantity=3",
            catalog.chair, catalog.client
        ))
        .await;
    assert_eq!(filled.status, StatusCode::OK, "{}", filled.html);
    assert!(filled.has("id=\"line-k7\""));
    assert!(
        filled.has("name=\"lines[k7].unit_price\" value=\"9\""),
        "the client's price, 10 % off: {}",
        filled.html
    );
    assert!(filled.has("name=\"lines[k7].vat_rate\" value=\"20\""));
    assert!(filled.has("value=\"Chaise bistrot\"") && filled.has(&euros("27,00")));
    let no_client = admin
        .get(&format!(
            "/sales/editor/line?key=k7&kind=quote&product_id={}",
            catalog.chair
        ))
        .await;
    assert!(
        no_client.has("choisissez d&#x27;abord un client")
            || no_client.has("choisissez d'abord un client")
    );
    let blank = admin.get("/sales/editor/line?kind=quote").await;
    assert!(blank.has("class=\"line\"") && blank.has("value=\"1\""));

    // Another client: the product rows priced again, free text kept.
    let mut other_client = two_lines(&catalog, &token, "3");
    other_client[1].1 = &catalog.other;
    other_client.extend([
        ("lines[b2].description", "Livraison"),
        ("lines[b2].quantity", "1"),
        ("lines[b2].unit_price", "15"),
        ("lines[b2].vat_rate", "20"),
    ]);
    let repriced = admin.post("/quotes/lines", &other_client).await;
    assert_eq!(repriced.status, StatusCode::OK, "{}", repriced.html);
    assert!(
        repriced.has("name=\"lines[0].unit_price\" value=\"10\""),
        "{}",
        repriced.html
    );
    assert!(repriced.has("name=\"lines[a1].unit_price\" value=\"25\""));
    assert!(repriced.has("name=\"lines[b2].unit_price\" value=\"15\""));
    assert!(repriced.has("id=\"line-zz\""), "the empty row stays");
    other_client.push(("lines[c3].description", "Sans prix"));
    let unpriceable = admin.post("/quotes/lines", &other_client).await;
    assert_eq!(unpriceable.status, StatusCode::NO_CONTENT);

    // The totals, recomputed by the server: two VAT rates.
    let preview = admin
        .post("/quotes/preview", &two_lines(&catalog, &token, "3"))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.html);
    for shown in [
        "S · 20,00 %",
        "S · 5,50 %",
        &euros("5,40"),
        &euros("2,75"),
        &euros("77,00"),
        &euros("8,15"),
        &euros("85,15"),
    ] {
        assert!(preview.has(shown), "{shown}: {}", preview.html);
    }
    assert!(preview.has("id=\"lt-a1\" hx-swap-oob=\"true\">50,00"));
    let mut unfinished = two_lines(&catalog, &token, "-1");
    unfinished.retain(|(name, _)| *name != "client_id");
    let incomplete = admin.post("/quotes/preview", &unfinished).await;
    assert!(
        incomplete.has("Ligne 1 · Quantité : doit être positif"),
        "{}",
        incomplete.html
    );
    assert!(incomplete.has("Client : obligatoire"));

    // Saved with mistakes: each message next to its line's field, what
    // was typed kept.
    let mut wrong = two_lines(&catalog, &token, "-1");
    wrong.extend([
        ("lines[b2].description", "Livraison"),
        ("lines[b2].quantity", "1"),
        ("lines[b2].vat_rate", "20"),
    ]);
    let refused = admin.post("/quotes/new", &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("id=\"e-0-quantity\">doit être positif"),
        "{}",
        refused.html
    );
    assert!(refused.has("name=\"lines[0].quantity\" value=\"-1\""));
    assert!(refused.has("id=\"e-2-unit_price\">obligatoire sur une ligne sans produit"));
    assert!(refused.has("value=\"Livraison\""));
    assert!(!refused.has("lines[zz]"), "the empty row is gone");

    // Without script: the buttons add and remove rows.
    let mut adding = two_lines(&catalog, &token, "3");
    adding.push(("intent", "add"));
    let added = admin.post("/quotes/new", &adding).await;
    assert_eq!(added.status, StatusCode::OK);
    assert_eq!(added.html.matches("class=\"line\"").count(), 4);
    assert!(added.has(&euros("85,15")), "with the totals");
    let mut removing = two_lines(&catalog, &token, "3");
    removing.push(("intent", "remove:a1"));
    let removed = admin.post("/quotes/new", &removing).await;
    assert!(!removed.has("lines[a1]") && removed.has(&euros("32,40")));

    let quote = saved_at(
        &admin
            .post("/quotes/new", &two_lines(&catalog, &token, "3"))
            .await,
        "/quotes/",
    );
    let page = admin.get(&quote).await;
    assert!(page.has("Brouillon") && page.has(&euros("85,15")) && page.has("S · 5,50 %"));
    assert!(page.has("data-edit") && page.has("data-delete"));

    let edit = admin.get(&format!("{quote}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.html);
    assert!(edit.has("Modifier le devis") && edit.has(&euros("85,15")));
    assert!(edit.has("name=\"lines[0].quantity\" value=\"3\""));
    let version = edit.hidden("version");
    let mut change = two_lines(&catalog, &token, "4");
    change.push(("version", &version));
    saved_at(&admin.post(&format!("{quote}/edit"), &change).await, &quote);
    let page = admin.get(&quote).await;
    assert!(
        page.has(&euros("86,00")) && page.has(&euros("95,95")),
        "{}",
        page.html
    );
    // Another change typed on the page read before the save: stale.
    let mut late = two_lines(&catalog, &token, "5");
    late.push(("version", &version));
    let stale = admin.post(&format!("{quote}/edit"), &late).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert!(stale.has("modifié entre-temps") && stale.has("value=\"4\""));

    let sent = admin
        .post(&format!("{quote}/send"), &[("_csrf", &token)])
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    let read_only = admin.get(&format!("{quote}/edit")).await;
    assert_eq!(read_only.status, StatusCode::SEE_OTHER);
    assert_eq!(read_only.location(), quote);
    let page = admin.get(&quote).await;
    assert!(!page.has("data-edit") && !page.has("data-delete"));
    let mut after_sending = two_lines(&catalog, &token, "6");
    after_sending.push(("version", &version));
    let late = admin.post(&format!("{quote}/edit"), &after_sending).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert!(
        late.has("modifié entre-temps") && late.has("Envoyé"),
        "the document's page"
    );

    let other = saved_at(
        &admin
            .post("/quotes/new", &two_lines(&catalog, &token, "1"))
            .await,
        "/quotes/",
    );
    let gone = admin
        .post(&format!("{other}/delete"), &[("_csrf", &token)])
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    assert_eq!(gone.location(), "/quotes");
    assert_eq!(admin.get(&other).await.status, StatusCode::NOT_FOUND);
    let kept = admin
        .post(&format!("{quote}/delete"), &[("_csrf", &token)])
        .await;
    assert_eq!(kept.status, StatusCode::CONFLICT, "a sent quote stays");

    // An invoice drafted directly, and an order.
    let invoice = saved_at(
        &admin
            .post("/invoices/new", &two_lines(&catalog, &token, "3"))
            .await,
        "/invoices/",
    );
    let page = admin.get(&invoice).await;
    assert!(page.has("brouillon") && page.has(&euros("85,15")) && page.has("data-edit"));
    let order = saved_at(
        &admin
            .post("/orders/new", &two_lines(&catalog, &token, "3"))
            .await,
        "/orders/",
    );
    assert!(admin.get(&order).await.has(&euros("85,15")));
}

#[tokio::test]
async fn the_editor_is_refused_to_roles_that_may_not_write_the_kind() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    user(&app, "lecteur@test.example", "viewer").await;
    let mut viewer = Browser::new(&app, "fr-FR");
    let token = viewer.signed_in("lecteur@test.example").await;
    assert!(!viewer.get("/quotes").await.has("/quotes/new"));
    assert_eq!(
        viewer.get("/quotes/new").await.status,
        StatusCode::FORBIDDEN
    );
    for path in [
        "/quotes/new",
        "/quotes/preview",
        "/orders/new",
        "/invoices/new",
    ] {
        let refused = viewer.post(path, &two_lines(&catalog, &token, "1")).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        viewer.get("/sales/editor/clients?client_q=b").await.status,
        StatusCode::OK,
        "a reader may read clients"
    );

    // A salesperson writes quotes, not invoices.
    user(&app, "vendeur@test.example", "sales").await;
    let mut seller = Browser::new(&app, "fr-FR");
    let token = seller.signed_in("vendeur@test.example").await;
    assert!(seller.get("/quotes").await.has("/quotes/new"));
    assert!(!seller.get("/invoices").await.has("/invoices/new"));
    assert_eq!(seller.get("/quotes/new").await.status, StatusCode::OK);
    assert_eq!(
        seller.get("/invoices/new").await.status,
        StatusCode::FORBIDDEN
    );
    let refused = seller
        .post("/invoices/new", &two_lines(&catalog, &token, "1"))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let quote = saved_at(
        &seller
            .post("/quotes/new", &two_lines(&catalog, &token, "1"))
            .await,
        "/quotes/",
    );
    assert!(seller.get(&quote).await.has("data-edit"));

    // The warehouse reads neither clients nor writes quotes.
    user(&app, "magasin@test.example", "warehouse").await;
    let mut warehouse = Browser::new(&app, "fr-FR");
    warehouse.signed_in("magasin@test.example").await;
    assert_eq!(
        warehouse
            .get("/sales/editor/clients?client_q=b")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        warehouse.get("/quotes/new").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(!warehouse.get(&quote).await.has("data-edit"));
}
