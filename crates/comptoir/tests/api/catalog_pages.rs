//! The catalog's pages over HTTP, as a reader without JavaScript sees
//! them: the products list with its search, filters and sort in the URL,
//! the product form (refusals in French next to their fields, what was
//! typed kept, stale versions), a product's page with the price a chosen
//! client pays, the category tree, and who may write.

use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, user};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Mobilier › Chaises; a chair (100.00, in Chaises), a table (250.50, in
/// Mobilier) and an assembly service (45.00).
pub(crate) struct Catalog {
    pub(crate) furniture: String,
    pub(crate) chairs: String,
    pub(crate) chair: String,
}

pub(crate) async fn catalog(app: &TestApp) -> Catalog {
    let furniture = app
        .create("/api/v1/categories", json!({"name": "Mobilier"}))
        .await;
    let chairs = app
        .create(
            "/api/v1/categories",
            json!({"name": "Chaises", "parent_id": id(&furniture)}),
        )
        .await;
    let chair = app
        .create(
            "/api/v1/products",
            json!({"code": "CH-01", "name": "Chaise paillée", "sale_price": "100", "category_id": id(&chairs)}),
        )
        .await;
    app.create(
        "/api/v1/products",
        json!({"code": "TB-01", "name": "Table de ferme", "sale_price": "250.50", "category_id": id(&furniture)}),
    )
    .await;
    app.create(
        "/api/v1/products",
        json!({"code": "SRV-01", "name": "Montage", "kind": "service", "sale_price": "45", "vat_rate": "10"}),
    )
    .await;
    Catalog {
        furniture: id(&furniture),
        chairs: id(&chairs),
        chair: id(&chair),
    }
}

/// Where `text` first appears in the page, to check an order.
pub(crate) fn at(html: &str, text: &str) -> usize {
    html.find(text)
        .unwrap_or_else(|| panic!("{text} not in the page:\n{html}"))
}

#[tokio::test]
async fn the_products_list_searches_filters_and_sorts_in_the_url() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let empty = browser.get("/products").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.has("Aucun produit pour l'instant."), "{}", empty.html);

    let catalog = catalog(&app).await;
    let page = browser.get("/products").await;
    assert!(page.has("<h1>Produits</h1>"), "{}", page.html);
    assert!(page.has("href=\"/products\" aria-current=\"page\">Produits</a>"));
    assert!(page.has("href=\"/categories\">Catégories</a>"));
    assert!(page.has("href=\"/products/new\">Nouveau produit</a>"));
    assert!(page.has("Résultats\u{a0}: 3"));
    assert!(page.has("Prix de vente HT"));
    assert!(page.has("250,50\u{a0}€"), "{}", page.html);
    assert!(page.has("10\u{a0}%"), "the service's VAT rate");
    assert!(page.has("Mobilier › Chaises"), "the category's path");
    assert!(
        at(&page.html, "CH-01") < at(&page.html, "SRV-01")
            && at(&page.html, "SRV-01") < at(&page.html, "TB-01"),
        "by code by default"
    );

    let page = browser.get("/products?sort=-sale_price").await;
    assert!(page.has("aria-sort=\"descending\""));
    assert!(
        at(&page.html, "TB-01") < at(&page.html, "CH-01")
            && at(&page.html, "CH-01") < at(&page.html, "SRV-01"),
        "dearest first"
    );

    let page = browser.get("/products?q=chaise").await;
    assert!(page.has("Résultats\u{a0}: 1") && page.has("CH-01") && !page.has("TB-01"));
    assert!(page.has("value=\"chaise\""), "the search stays in its box");

    let page = browser.get("/products?kind=service&sort=name").await;
    assert!(page.has("SRV-01") && !page.has("CH-01") && !page.has("TB-01"));
    assert!(
        page.has("sort=-name&category=&kind=service\""),
        "the sort links keep the filters: {}",
        page.html
    );

    let page = browser
        .get(&format!("/products?category={}", catalog.chairs))
        .await;
    assert!(page.has("CH-01") && !page.has("TB-01") && !page.has("SRV-01"));
    assert!(page.has(&format!(
        "<option value=\"{}\" selected>&nbsp;&nbsp;Chaises</option>",
        catalog.chairs
    )));
    let page = browser
        .get(&format!(
            "/products?category={}&kind=service",
            catalog.furniture
        ))
        .await;
    assert!(
        page.has("Aucun résultat pour ces critères."),
        "{}",
        page.html
    );

    let page = browser
        .get("/products?page=abc&sort=nope&category=zzz&kind=cheese")
        .await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "a hand-edited URL still shows the list"
    );
    assert!(page.has("Résultats\u{a0}: 3"));
}

#[tokio::test]
async fn a_product_form_refuses_field_by_field_in_french_and_then_creates_it() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let form = browser.get("/products/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("<h1>Nouveau produit</h1>"));
    let csrf = form.hidden("_csrf");

    let reply = browser
        .post(
            "/products",
            &[
                ("_csrf", &csrf),
                ("code", ""),
                ("name", "Chaise pliante"),
                ("kind", "goods"),
                ("unit", "unit"),
                ("sale_price", "douze"),
                ("purchase_price", "7.12345"),
                ("vat_category", "S"),
                ("vat_rate", "20"),
                ("barcode", "4006381333932"),
                ("description", "pliable, en hêtre"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has("id=\"e-code\">obligatoire<"), "{}", reply.html);
    assert!(reply.has("id=\"e-sale_price\">doit être un nombre décimal"));
    assert!(reply.has("id=\"e-purchase_price\">4 décimales au plus<"));
    assert!(reply.has("id=\"e-barcode\">la clé du code-barres est fausse<"));
    assert!(reply.has("aria-invalid=\"true\" aria-describedby=\"e-barcode\""));
    assert!(
        reply.has("value=\"Chaise pliante\""),
        "what was typed is kept"
    );
    assert!(reply.has("value=\"douze\""));
    assert!(reply.has("value=\"4006381333932\""));
    assert!(reply.has("pliable, en hêtre"));

    let reply = browser
        .post(
            "/products",
            &[
                ("_csrf", &csrf),
                ("code", "CH-PL"),
                ("name", "Chaise pliante"),
                ("sale_price", "12"),
                ("vat_category", "E"),
                ("vat_rate", "0"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.has("un produit exonéré (E) demande un motif d'exonération"),
        "{}",
        reply.html
    );
    assert!(reply.has("<option value=\"E\" selected>"));

    let reply = browser
        .post(
            "/products",
            &[
                ("_csrf", &csrf),
                ("code", "CH-01"),
                ("name", "Doublon"),
                ("sale_price", "12"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(reply.has("ce code est déjà utilisé"), "{}", reply.html);

    let reply = browser
        .post(
            "/products",
            &[
                ("_csrf", &csrf),
                ("code", "CH-PL"),
                ("name", "Chaise pliante"),
                ("kind", "goods"),
                ("category_id", &catalog.chairs),
                ("unit", "unit"),
                ("sale_price", "1 212,50"),
                ("purchase_price", "7,20"),
                ("vat_category", "S"),
                ("vat_rate", "5,5"),
                ("barcode", "4006381333931"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    assert!(reply.location().starts_with("/products/"));
    let page = browser.get(reply.location()).await;
    assert!(
        page.has("Chaise pliante <small>CH-PL</small>"),
        "{}",
        page.html
    );
    assert!(page.has("1\u{202f}212,50\u{a0}€"), "{}", page.html);
    assert!(page.has("5,5\u{a0}%"));
    assert!(page.has("Mobilier › Chaises"));
    assert!(page.has("4006381333931"));
    let listed = app.get("/api/v1/products?q=CH-PL").await;
    assert_eq!(listed.body["items"][0]["sale_price"], "1212.50");
}

#[tokio::test]
async fn an_edit_over_someone_elses_change_shows_the_current_product() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    let id = &catalog.chair;
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let form = browser.get(&format!("/products/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("value=\"100.00\""), "{}", form.html);
    assert!(form.has(&format!("<option value=\"{}\" selected>", catalog.chairs)));
    let version = form.hidden("version");
    let csrf = form.hidden("_csrf");
    let changed = app
        .patch(
            &format!("/api/v1/products/{id}"),
            json!({"name": "Chaise cannée"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);

    let typed = |version: &str, name: &str| -> Vec<(String, String)> {
        [
            ("_csrf", csrf.as_str()),
            ("version", version),
            ("code", "CH-01"),
            ("name", name),
            ("kind", "goods"),
            ("category_id", catalog.chairs.as_str()),
            ("unit", "unit"),
            ("sale_price", "110"),
            ("vat_category", "S"),
            ("vat_rate", "20"),
            ("active", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    };
    let pairs = typed(&version, "Chaise en chêne");
    let form: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = browser.post(&format!("/products/{id}"), &form).await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert!(reply.has("modifié entre-temps par quelqu'un d'autre"));
    assert!(reply.has("value=\"Chaise cannée\""), "{}", reply.html);
    let fresh = reply.hidden("version");

    let pairs = typed(&fresh, "Chaise en chêne");
    let form: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = browser.post(&format!("/products/{id}"), &form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    let page = browser.get(&format!("/products/{id}")).await;
    assert!(page.has("Chaise en chêne") && page.has("110,00\u{a0}€"));
}

#[tokio::test]
async fn the_product_page_shows_variants_suppliers_and_the_price_a_client_pays() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    let chair = &catalog.chair;
    app.create(
        &format!("/api/v1/products/{chair}/variants"),
        json!({"code": "CH-01-R", "options": {"color": "rouge"}, "price_delta": "10", "barcode": "4006381333931"}),
    )
    .await;
    let supplier = app
        .create("/api/v1/suppliers", json!({"name": "Scierie Vosgienne"}))
        .await;
    app.create(
        &format!("/api/v1/products/{chair}/suppliers"),
        json!({"supplier_id": id(&supplier), "supplier_reference": "SV-CH", "purchase_price": "42.80", "lead_time_days": 12}),
    )
    .await;
    let list = app
        .create("/api/v1/price-lists", json!({"name": "Revendeurs"}))
        .await;
    app.create(
        &format!("/api/v1/price-lists/{}/rules", id(&list)),
        json!({"scope": "category", "category_id": catalog.furniture, "discount_percent": "15"}),
    )
    .await;
    let reseller = app
        .create(
            "/api/v1/clients",
            json!({"name": "Revendeur Dupont", "price_list_id": id(&list)}),
        )
        .await;
    let regular = app
        .create(
            "/api/v1/clients",
            json!({"name": "Habitué Martin", "discount_percent": "5"}),
        )
        .await;

    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let page = browser.get(&format!("/products/{chair}")).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Chaise paillée",
        "Déclinaisons",
        "CH-01-R",
        "rouge",
        "10,00\u{a0}€",
        "Codes-barres",
        "4006381333931",
        "Fournisseurs",
        "Scierie Vosgienne",
        "SV-CH",
        "42,80\u{a0}€",
        "Prix pour un client",
        "Revendeur Dupont",
        "Habitué Martin",
    ] {
        assert!(page.has(text), "{text}: {}", page.html);
    }
    assert!(
        !page.has("Prix client HT"),
        "no client chosen, no client price"
    );

    let api = app
        .get(&format!(
            "/api/v1/products/{chair}/price?client_id={}",
            id(&reseller)
        ))
        .await;
    assert_eq!(api.body["unit_price"], "85.00");
    let page = browser
        .get(&format!("/products/{chair}?client={}", id(&reseller)))
        .await;
    assert!(page.has("Prix client HT"), "{}", page.html);
    assert!(page.has("<strong>85,00\u{a0}€</strong>"), "{}", page.html);
    assert!(page.has("Liste de prix du client"));
    assert!(page.has("15\u{a0}%"));
    assert!(page.has(&format!("<option value=\"{}\" selected>", id(&reseller))));

    let page = browser
        .get(&format!("/products/{chair}?client={}", id(&regular)))
        .await;
    assert!(page.has("<strong>95,00\u{a0}€</strong>"), "{}", page.html);
    assert!(page.has("Remise du client"));

    let page = browser
        .get(&format!(
            "/products/{chair}?client={}",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Ce client est introuvable."));
    let page = browser.get(&format!("/products/{chair}?client=abc")).await;
    assert_eq!(page.status, StatusCode::OK);

    let page = browser
        .get(&format!("/products/{}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_role_without_catalog_write_reads_the_catalog_but_cannot_change_it() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    user(&app, "vente@test.example", "sales").await;
    let mut sales = Browser::new(&app, "fr");
    let csrf = sales.signed_in("vente@test.example").await;
    let home = sales.get("/").await;
    assert!(home.has("href=\"/products\""), "the menu has the products");
    let page = sales.get("/products").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("CH-01"));
    assert!(!page.has("/products/new"), "no new button: {}", page.html);
    let page = sales.get(&format!("/products/{}", catalog.chair)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.has("/edit\""), "no edit button");
    for path in [
        "/products/new".to_owned(),
        format!("/products/{}/edit", catalog.chair),
    ] {
        let page = sales.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.has("Accès refusé"));
    }
    let reply = sales
        .post(
            "/products",
            &[
                ("_csrf", &csrf),
                ("code", "X"),
                ("name", "X"),
                ("sale_price", "1"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = sales
        .post("/categories", &[("_csrf", &csrf), ("name", "Interdite")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let page = sales.get("/categories").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Chaises") && !page.has("Ajouter la catégorie"));
    let listed: Value = app.get("/api/v1/categories?q=Interdite").await.body;
    assert_eq!(listed["total"], 0);

    user(&app, "magasin@test.example", "warehouse").await;
    let mut warehouse = Browser::new(&app, "fr");
    warehouse.signed_in("magasin@test.example").await;
    let page = warehouse
        .get(&format!(
            "/products/{}?client={}",
            catalog.chair,
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.has("id=\"client\"") && page.has("Prix de base HT"),
        "no client picker for a role that may not read clients: {}",
        page.html
    );
}

#[tokio::test]
async fn a_category_is_added_under_its_parent_and_shown_in_the_tree() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let page = browser.get("/categories").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.has("Aucune catégorie pour l'instant."),
        "{}",
        page.html
    );
    let csrf = page.hidden("_csrf");

    let reply = browser
        .post("/categories", &[("_csrf", &csrf), ("name", "  ")])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has("id=\"e-name\">obligatoire<"), "{}", reply.html);

    let reply = browser
        .post("/categories", &[("_csrf", &csrf), ("name", "Mobilier")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    assert_eq!(reply.location(), "/categories");
    let listed = app.get("/api/v1/categories?q=Mobilier").await;
    let furniture = listed.body["items"][0]["id"].as_str().unwrap().to_owned();
    let reply = browser
        .post(
            "/categories",
            &[
                ("_csrf", &csrf),
                ("name", "Chaises"),
                ("parent_id", &furniture),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    let page = browser.get("/categories").await;
    assert!(page.has("<li class=\"depth-0\"><a href=\"/products?category="));
    assert!(page.has("\">Chaises</a></li>"));
    assert!(page.has("<li class=\"depth-1\">"), "{}", page.html);
    assert!(
        at(&page.html, ">Mobilier</a>") < at(&page.html, ">Chaises</a>"),
        "a child after its parent"
    );
    assert!(
        page.has("Mobilier › Chaises"),
        "the parent picker names paths"
    );
    let products = browser.get("/products").await;
    assert!(products.has("&nbsp;&nbsp;Chaises</option>"));
}
