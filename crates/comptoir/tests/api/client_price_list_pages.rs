//! A client's price list through the pages: chosen in the client form
//! among the active lists (the client's own kept offered when it is no
//! longer active), kept when the form is saved without touching it,
//! cleared, refused next to the field when unknown, and shown linked on
//! the client's page; the supplier form has none.

use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, Page};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The value of the option selected in the select `name`, as the browser
/// sends it.
fn selected(page: &Page, name: &str) -> String {
    let html = page.html.replace("&#x2f;", "/");
    let start = html
        .find(&format!("<select id=\"f-{name}\""))
        .unwrap_or_else(|| panic!("no {name} select in:\n{}", page.html));
    let select = &html[start..start + html[start..].find("</select>").unwrap()];
    select
        .split("<option ")
        .find(|option| option.contains(" selected>"))
        .and_then(|option| option.split('"').nth(1))
        .unwrap_or_default()
        .to_owned()
}

/// Sends the client form with these name, price list and version.
async fn save(
    admin: &mut Browser<'_>,
    (csrf, client): (&str, &str),
    name: &str,
    list: &str,
    version: &str,
) -> Page {
    let form = [
        ("_csrf", csrf),
        ("version", version),
        ("name", name),
        ("kind", "company"),
        ("status", "active"),
        ("price_list_id", list),
    ];
    admin.post(&format!("/clients/{client}"), &form).await
}

async fn price_list(app: &TestApp, client: &str) -> Value {
    app.get(&format!("/api/v1/clients/{client}")).await.body["price_list_id"].clone()
}

#[tokio::test]
async fn a_clients_price_list_is_chosen_kept_and_cleared_in_its_form() {
    let app = spawn_app().await;
    let resellers = id(&app
        .create("/api/v1/price-lists", json!({"name": "Revendeurs"}))
        .await);
    app.create(
        "/api/v1/price-lists",
        json!({"name": "Tarif 2019", "active": false}),
    )
    .await;
    let mut admin = Browser::new(&app, "fr");
    let csrf = admin.signed_in("admin@test.example").await;

    let new = admin.get("/clients/new").await;
    assert!(new.has("<label for=\"f-price_list_id\">Liste de prix</label>"));
    assert!(
        new.has("<option value=\"\">Aucune</option>"),
        "{}",
        new.html
    );
    assert!(new.has(&format!(
        "<option value=\"{resellers}\">Revendeurs</option>"
    )));
    assert!(!new.has("Tarif 2019"), "an inactive list is not offered");
    assert_eq!(selected(&new, "price_list_id"), "");

    let created = admin
        .post(
            "/clients",
            &[
                ("_csrf", &csrf),
                ("name", "Bistrot Lumière"),
                ("kind", "company"),
                ("status", "active"),
                ("price_list_id", &resellers),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let client = created
        .location()
        .trim_start_matches("/clients/")
        .to_owned();
    assert_eq!(price_list(&app, &client).await, json!(resellers));
    let page = admin.get(&format!("/clients/{client}")).await;
    assert!(
        page.has(&format!(
            "<dd id=\"price-list\"><a href=\"/price-lists/{resellers}\">Revendeurs</a></dd>"
        )),
        "{}",
        page.html
    );

    // Saved with the name changed and the list as the form shows it.
    let who = (csrf.as_str(), client.as_str());
    let edit = admin.get(&format!("/clients/{client}/edit")).await;
    assert_eq!(selected(&edit, "price_list_id"), resellers);
    let (list, version) = (selected(&edit, "price_list_id"), edit.hidden("version"));
    let kept = save(&mut admin, who, "Bistrot Lumière et Fils", &list, &version).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.html);
    assert_eq!(price_list(&app, &client).await, json!(resellers));

    // A list made inactive stays the client's, and saving keeps it.
    let deactivated = app
        .patch(
            &format!("/api/v1/price-lists/{resellers}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{:?}", deactivated.body);
    let edit = admin.get(&format!("/clients/{client}/edit")).await;
    assert_eq!(selected(&edit, "price_list_id"), resellers);
    assert!(edit.has("Revendeurs (inactive)"), "{}", edit.html);
    assert!(!edit.has("Tarif 2019"));
    let (list, version) = (selected(&edit, "price_list_id"), edit.hidden("version"));
    let kept = save(&mut admin, who, "Bistrot Lumière", &list, &version).await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.html);
    assert_eq!(price_list(&app, &client).await, json!(resellers));

    // An unknown list, or no id at all, is refused next to the field.
    for unknown in [uuid::Uuid::new_v4().to_string(), "pas-un-id".to_owned()] {
        let edit = admin.get(&format!("/clients/{client}/edit")).await;
        let version = edit.hidden("version");
        let refused = save(&mut admin, who, "Bistrot Soleil", &unknown, &version).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.has("<p class=\"error\" id=\"e-price_list_id\">introuvable</p>"),
            "{}",
            refused.html
        );
        assert!(refused.has("value=\"Bistrot Soleil\""), "typed values kept");
        assert_eq!(price_list(&app, &client).await, json!(resellers));
    }

    let edit = admin.get(&format!("/clients/{client}/edit")).await;
    let version = edit.hidden("version");
    let cleared = save(&mut admin, who, "Bistrot Lumière", "", &version).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER, "{}", cleared.html);
    assert_eq!(price_list(&app, &client).await, Value::Null);
    let page = admin.get(&format!("/clients/{client}")).await;
    assert!(
        page.has("<dd id=\"price-list\">Aucune</dd>"),
        "{}",
        page.html
    );

    let supplier = admin.get("/suppliers/new").await;
    assert_eq!(supplier.status, StatusCode::OK);
    assert!(
        !supplier.has("price_list_id"),
        "suppliers have no price list"
    );
}
