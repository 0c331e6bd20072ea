//! The rules of a price list through their forms, over HTTP as a
//! reader without JavaScript: refusals in French next to their fields
//! with what was typed kept, and a rule added, changed (a stale version
//! showing the stored rule) and deleted, each changing the price the
//! product page shows a client on the list.

use crate::helpers::spawn_app;
use crate::pages::{Browser, Page};
use crate::price_list_pages::{Setup, in_english, setup};
use reqwest::StatusCode;
use serde_json::json;

/// The price the product page shows for the client, as the reader sees it.
async fn client_price(browser: &mut Browser<'_>, s: &Setup, quantity: &str) -> Page {
    let page = browser
        .get(&format!(
            "/products/{}?client={}&quantity={quantity}",
            s.chair, s.client
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    page
}

#[tokio::test]
async fn a_rule_form_refuses_field_by_field_in_french_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let form = browser
        .get(&format!("/price-lists/{}/rules/new", s.list))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.has("<h1>Ajouter une règle <small>Revendeurs</small></h1>"),
        "{}",
        form.html
    );
    assert!(form.has(&format!("<option value=\"category:{}\"", s.chairs)));
    assert!(form.has(&format!(
        "<option value=\"product:{}\">CH-01 · Chaise paillée</option>",
        s.chair
    )));
    let csrf = form.hidden("_csrf");
    let action = format!("/price-lists/{}/rules", s.list);

    let reply = browser
        .post(
            &action,
            &[
                ("_csrf", &csrf),
                ("target", ""),
                ("min_quantity", "1,2345"),
                ("fixed_price", "douze"),
                ("discount_percent", ""),
                ("valid_from", "2026-06-30"),
                ("valid_to", "2026-06-01"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has("id=\"e-target\">obligatoire<"), "{}", reply.html);
    assert!(reply.has("id=\"e-min_quantity\">3 décimales au plus<"));
    assert!(reply.has("id=\"e-fixed_price\">doit être un nombre décimal"));
    assert!(reply.has("id=\"e-valid_to\">ne doit pas précéder la date de début<"));
    assert!(reply.has("aria-invalid=\"true\" aria-describedby=\"e-fixed_price\""));
    assert!(reply.has("value=\"douze\""), "what was typed is kept");
    assert!(reply.has("value=\"1,2345\""));
    assert!(reply.has("value=\"2026-06-30\""));

    let target = format!("product:{}", s.chair);
    let reply = browser
        .post(
            &action,
            &[
                ("_csrf", &csrf),
                ("target", &target),
                ("fixed_price", "80"),
                ("discount_percent", "10"),
                ("valid_from", "le 3 mai"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.has("id=\"e-discount_percent\">indiquez un prix fixe ou une remise, pas les deux<"),
        "{}",
        reply.html
    );
    assert!(reply.has("id=\"e-valid_from\">date non valide<"));
    assert!(reply.has(&format!("<option value=\"{target}\" selected>")));

    let reply = browser
        .post(
            &action,
            &[
                ("_csrf", &csrf),
                ("target", &format!("product:{}", uuid::Uuid::new_v4())),
                ("discount_percent", "10"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reply.has("id=\"e-target\">introuvable<"), "{}", reply.html);
    let listed = app
        .get(&format!("/api/v1/price-lists/{}/rules", s.list))
        .await;
    assert_eq!(listed.body["total"], 0, "nothing refused was written");

    let mut english = Browser::new(&app, "en");
    let csrf = english.signed_in("admin@test.example").await;
    in_english(&mut english, &csrf).await;
    let reply = english
        .post(&action, &[("_csrf", &csrf), ("target", "all")])
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply.has("id=\"e-fixed_price\">give a fixed price or a discount percent<"),
        "{}",
        reply.html
    );
}

#[tokio::test]
async fn a_rule_added_edited_and_deleted_through_the_forms_changes_the_price_a_product_page_shows()
{
    let app = spawn_app().await;
    let s = setup(&app).await;
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;
    let page = client_price(&mut browser, &s, "").await;
    assert!(page.has("<strong>100,00\u{a0}€</strong>"), "{}", page.html);
    assert!(page.has("Prix de base"));

    let reply = browser
        .post(
            &format!("/price-lists/{}/rules", s.list),
            &[
                ("_csrf", &csrf),
                ("target", &format!("product:{}", s.chair)),
                ("min_quantity", ""),
                ("fixed_price", "89,90"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    assert_eq!(reply.location(), format!("/price-lists/{}", s.list));
    let page = client_price(&mut browser, &s, "").await;
    assert!(page.has("<strong>89,90\u{a0}€</strong>"), "{}", page.html);
    assert!(page.has("Liste de prix du client"));
    assert!(page.has(&format!(
        "href=\"/price-lists/{}\">Voir la liste de prix</a>",
        s.list
    )));

    // From 10 chairs on, the category's rule gives 25 % off.
    let reply = browser
        .post(
            &format!("/price-lists/{}/rules", s.list),
            &[
                ("_csrf", &csrf),
                ("target", &format!("category:{}", s.chairs)),
                ("min_quantity", "10"),
                ("discount_percent", "25"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    let page = client_price(&mut browser, &s, "12").await;
    assert!(
        page.has("<strong>89,90\u{a0}€</strong>"),
        "the product's rule is more specific than the category's: {}",
        page.html
    );

    let rules = app
        .get(&format!(
            "/api/v1/price-lists/{}/rules?scope=product",
            s.list
        ))
        .await;
    let rule = rules.body["items"][0]["id"].as_str().unwrap().to_owned();
    let edit = format!("/price-lists/{}/rules/{rule}/edit", s.list);
    let form = browser.get(&edit).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("value=\"89.9\""), "{}", form.html);
    let version = form.hidden("version");
    let reply = browser
        .post(
            &format!("/price-lists/{}/rules/{rule}", s.list),
            &[
                ("_csrf", &csrf),
                ("version", &version),
                ("target", &format!("product:{}", s.chair)),
                ("min_quantity", "1"),
                ("fixed_price", ""),
                ("discount_percent", "12,5"),
                ("valid_from", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    let page = client_price(&mut browser, &s, "").await;
    assert!(page.has("<strong>87,50\u{a0}€</strong>"), "{}", page.html);

    // Someone else changes the rule meanwhile: the form shows it as stored.
    let changed = app
        .patch(
            &format!("/api/v1/price-lists/{}/rules/{rule}", s.list),
            json!({"discount_percent": "20"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    let stale = &[
        ("_csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("target", "all"),
        ("discount_percent", "50"),
    ];
    let reply = browser
        .post(&format!("/price-lists/{}/rules/{rule}", s.list), stale)
        .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert!(reply.has("modifié entre-temps par quelqu'un d'autre"));
    assert!(reply.has("value=\"20\""), "{}", reply.html);
    let page = client_price(&mut browser, &s, "").await;
    assert!(page.has("<strong>80,00\u{a0}€</strong>"), "{}", page.html);

    let reply = browser
        .post(
            &format!("/price-lists/{}/rules/{rule}/delete", s.list),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    let page = client_price(&mut browser, &s, "").await;
    assert!(
        page.has("<strong>100,00\u{a0}€</strong>"),
        "below 10, no rule is left: {}",
        page.html
    );
    let page = client_price(&mut browser, &s, "10").await;
    assert!(page.has("<strong>75,00\u{a0}€</strong>"), "{}", page.html);
}
