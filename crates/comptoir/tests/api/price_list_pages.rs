//! The price lists' pages over HTTP, as a reader without JavaScript sees
//! them: the list with its search, status and sort in the URL, a price
//! list's page with its rules written in the reader's language and the
//! clients on it, the list's form (refusals next to their fields, stale
//! versions), deletion refused while a client uses a list, and who may
//! manage prices. The rules' forms are in `price_rule_pages`.

use crate::catalog_pages::{at, catalog};
use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, user};
use reqwest::StatusCode;
use serde_json::json;

/// The catalog of the catalog's page tests (a chair at 100.00 in
/// Mobilier › Chaises), a price list "Revendeurs" and a client on it.
pub(crate) struct Setup {
    pub(crate) chairs: String,
    pub(crate) chair: String,
    pub(crate) list: String,
    pub(crate) client: String,
}

pub(crate) async fn setup(app: &TestApp) -> Setup {
    let catalog = catalog(app).await;
    let list = app
        .create(
            "/api/v1/price-lists",
            json!({"name": "Revendeurs", "description": "Prix des magasins partenaires"}),
        )
        .await;
    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Revendeur Dupont", "price_list_id": id(&list)}),
        )
        .await;
    Setup {
        chairs: catalog.chairs,
        chair: catalog.chair,
        list: id(&list),
        client: id(&client),
    }
}

/// The reader chooses English (the admin's language is French).
pub(crate) async fn in_english(browser: &mut Browser<'_>, csrf: &str) {
    let reply = browser
        .post("/language", &[("_csrf", csrf), ("language", "en")])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
}

#[tokio::test]
async fn the_price_lists_list_searches_filters_and_sorts_in_the_url() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let products = browser.get("/products").await;
    assert!(
        products.has("href=\"/price-lists\">Listes de prix</a>"),
        "the catalog links its price lists: {}",
        products.html
    );
    let empty = browser.get("/price-lists").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.has("<h1>Listes de prix</h1>"), "{}", empty.html);
    assert!(
        empty.has("Aucune liste de prix pour l'instant"),
        "{}",
        empty.html
    );
    assert!(empty.has("href=\"/price-lists/new\">Nouvelle liste de prix</a>"));

    setup(&app).await;
    app.create(
        "/api/v1/price-lists",
        json!({"name": "Grossistes", "active": false}),
    )
    .await;
    app.create("/api/v1/price-lists", json!({"name": "Export"}))
        .await;
    let page = browser.get("/price-lists").await;
    assert!(page.has("Résultats\u{a0}: 3"), "{}", page.html);
    assert!(page.has("Prix des magasins partenaires"));
    assert!(
        at(&page.html, ">Export<") < at(&page.html, ">Grossistes<")
            && at(&page.html, ">Grossistes<") < at(&page.html, ">Revendeurs<"),
        "by name by default"
    );
    assert!(page.has("<span class=\"tag\">Inactive</span>"));

    let page = browser.get("/price-lists?sort=-name").await;
    assert!(page.has("aria-sort=\"descending\""));
    assert!(at(&page.html, ">Revendeurs<") < at(&page.html, ">Export<"));

    let page = browser.get("/price-lists?q=magasins").await;
    assert!(page.has("Résultats\u{a0}: 1") && page.has(">Revendeurs<"));
    assert!(
        page.has("value=\"magasins\""),
        "the search stays in its box"
    );

    let page = browser.get("/price-lists?status=inactive&sort=name").await;
    assert!(page.has(">Grossistes<") && !page.has(">Export<"));
    assert!(page.has("<option value=\"inactive\" selected>"));
    assert!(
        page.has("sort=-name&status=inactive\""),
        "the sort links keep the filter: {}",
        page.html
    );

    let page = browser.get("/price-lists?q=introuvable").await;
    assert!(page.has("Aucun résultat pour ces critères."));
    let page = browser
        .get("/price-lists?page=abc&sort=nope&status=cheese")
        .await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "a hand-edited URL still shows the list"
    );
    assert!(page.has("Résultats\u{a0}: 3"));
}

#[tokio::test]
async fn a_price_lists_page_writes_its_rules_in_the_readers_language_with_its_clients() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let rules = format!("/api/v1/price-lists/{}/rules", s.list);
    app.create(
        &rules,
        json!({"scope": "category", "category_id": s.chairs, "discount_percent": "15"}),
    )
    .await;
    app.create(
        &rules,
        json!({"scope": "product", "product_id": s.chair, "min_quantity": "1200", "fixed_price": "1089.9"}),
    )
    .await;
    app.create(
        &rules,
        json!({"scope": "all", "discount_percent": "5.5", "valid_from": "2026-01-01", "valid_to": "2026-12-31"}),
    )
    .await;
    let path = format!("/price-lists/{}", s.list);

    let mut french = Browser::new(&app, "fr");
    french.signed_in("admin@test.example").await;
    let page = french.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "<h1>Revendeurs</h1>",
        "Prix des magasins partenaires",
        "Catégorie : Mobilier › Chaises",
        "Remise 15\u{a0}%",
        "Produit : CH-01 · Chaise paillée",
        "1\u{202f}200",
        "Prix fixe 1\u{202f}089,90\u{a0}€",
        "Tout le catalogue",
        "Remise 5,5\u{a0}%",
        "01/01/2026",
        "31/12/2026",
        "Clients sur cette liste",
        "Revendeur Dupont",
        "href=\"/price-lists/{list}/rules/new\">Ajouter une règle</a>",
        "href=\"/price-lists/{list}/edit\">Modifier</a>",
        "Supprimer la liste",
    ] {
        let text = text.replace("{list}", &s.list);
        assert!(page.has(&text), "{text}: {}", page.html);
    }
    assert!(page.has(&format!("href=\"/clients/{}\"", s.client)));

    let page = french.get(&format!("{path}?sort=-min_quantity")).await;
    assert!(
        at(&page.html, "Chaise paillée") < at(&page.html, "Tout le catalogue"),
        "the highest minimum quantity first"
    );

    let mut english = Browser::new(&app, "en");
    let csrf = english.signed_in("admin@test.example").await;
    in_english(&mut english, &csrf).await;
    let page = english.get(&path).await;
    for text in [
        "Category: Mobilier › Chaises",
        "Discount 15%",
        "Fixed price €1,089.90",
        "1,200",
        "2026-12-31",
        "Clients on this list",
    ] {
        assert!(page.has(text), "{text}: {}", page.html);
    }

    let unknown = french
        .get(&format!("/price-lists/{}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_price_list_is_created_changed_and_deleted_once_no_client_uses_it() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let form = browser.get("/price-lists/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("<h1>Nouvelle liste de prix</h1>"));
    let csrf = form.hidden("_csrf");
    let reply = browser
        .post(
            "/price-lists",
            &[
                ("_csrf", &csrf),
                ("name", " "),
                ("description", "Salons professionnels"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has("id=\"e-name\">obligatoire<"), "{}", reply.html);
    assert!(reply.has("Salons professionnels"), "what was typed is kept");

    let reply = browser
        .post(
            "/price-lists",
            &[
                ("_csrf", &csrf),
                ("name", "Salons"),
                ("description", "Salons professionnels"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    let page = browser.get(reply.location()).await;
    assert!(page.has("<h1>Salons</h1>"), "{}", page.html);
    assert!(page.has("Aucune règle"));
    assert!(page.has("Aucun client n'utilise cette liste."));

    let edit = format!("/price-lists/{}/edit", s.list);
    let form = browser.get(&edit).await;
    assert!(form.has("value=\"Revendeurs\""), "{}", form.html);
    let version = form.hidden("version");
    let renamed = app
        .patch(
            &format!("/api/v1/price-lists/{}", s.list),
            json!({"name": "Revendeurs 2027"}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    let update = format!("/price-lists/{}", s.list);
    let reply = browser
        .post(
            &update,
            &[
                ("_csrf", &csrf),
                ("version", &version),
                ("name", "Magasins"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert!(reply.has("modifié entre-temps par quelqu'un d'autre"));
    assert!(reply.has("value=\"Revendeurs 2027\""), "{}", reply.html);
    let fresh = reply.hidden("version");
    let reply = browser
        .post(
            &update,
            &[("_csrf", &csrf), ("version", &fresh), ("name", "Magasins")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    let page = browser.get(&update).await;
    assert!(page.has("<h1>Magasins <span class=\"tag\">Inactive</span></h1>"));
    assert!(!page.has("Prix des magasins partenaires"), "emptied");

    let delete = format!("/price-lists/{}/delete", s.list);
    let reply = browser.post(&delete, &[("_csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    assert!(
        reply.has("encore utilisée par : 1 clients"),
        "{}",
        reply.html
    );
    assert!(reply.has("Revendeur Dupont"), "the page shows who uses it");
    let moved = app
        .patch(
            &format!("/api/v1/clients/{}", s.client),
            json!({"price_list_id": null}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let reply = browser.post(&delete, &[("_csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    assert_eq!(reply.location(), "/price-lists");
    let gone = app.get(&format!("/api/v1/price-lists/{}", s.list)).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_who_may_manage_prices_sees_the_buttons_and_others_are_refused() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let rule = app
        .create(
            &format!("/api/v1/price-lists/{}/rules", s.list),
            json!({"scope": "all", "discount_percent": "5"}),
        )
        .await;
    let rule = id(&rule);
    let list = &s.list;

    user(&app, "direction@test.example", "manager").await;
    let mut manager = Browser::new(&app, "fr");
    manager.signed_in("direction@test.example").await;
    let page = manager.get(&format!("/price-lists/{list}")).await;
    assert!(page.has("Ajouter une règle") && page.has("Supprimer la liste"));
    let form = manager
        .get(&format!("/price-lists/{list}/rules/{rule}/edit"))
        .await;
    assert_eq!(form.status, StatusCode::OK);

    user(&app, "vente@test.example", "sales").await;
    let mut sales = Browser::new(&app, "fr");
    let csrf = sales.signed_in("vente@test.example").await;
    let page = sales.get("/price-lists").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has(">Revendeurs<") && !page.has("/price-lists/new"));
    let page = sales.get(&format!("/price-lists/{list}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Tout le catalogue") && page.has("Revendeur Dupont"));
    for hidden in ["/edit\"", "/delete\"", "/rules/new\""] {
        assert!(!page.has(hidden), "no {hidden} for sales: {}", page.html);
    }
    for path in [
        "/price-lists/new".to_owned(),
        format!("/price-lists/{list}/edit"),
        format!("/price-lists/{list}/rules/new"),
        format!("/price-lists/{list}/rules/{rule}/edit"),
    ] {
        let page = sales.get(&path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(page.has("Accès refusé"));
    }
    for path in [
        "/price-lists".to_owned(),
        format!("/price-lists/{list}"),
        format!("/price-lists/{list}/delete"),
        format!("/price-lists/{list}/rules"),
        format!("/price-lists/{list}/rules/{rule}"),
        format!("/price-lists/{list}/rules/{rule}/delete"),
    ] {
        let reply = sales
            .post(
                &path,
                &[
                    ("_csrf", &csrf),
                    ("name", "X"),
                    ("version", "1"),
                    ("target", "all"),
                    ("discount_percent", "90"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
    }
    let kept = app.get(&format!("/api/v1/price-lists/{list}/rules")).await;
    assert_eq!(kept.body["total"], 1);
    assert_eq!(kept.body["items"][0]["discount_percent"], "5.00");

    // A technician reads the catalog but not the clients.
    user(&app, "technique@test.example", "technician").await;
    let mut technician = Browser::new(&app, "fr");
    technician.signed_in("technique@test.example").await;
    let page = technician.get(&format!("/price-lists/{list}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("Tout le catalogue"), "{}", page.html);
    assert!(
        !page.has("Clients sur cette liste") && !page.has("Revendeur Dupont"),
        "no clients for a role that may not read them: {}",
        page.html
    );
}
