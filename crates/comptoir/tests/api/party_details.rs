use crate::helpers::{field_names, id, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn each_kind_of_address_has_exactly_one_default() {
    let app = spawn_app().await;
    let client = app
        .create("/api/v1/clients", json!({"name": "Hôtel du Port"}))
        .await;
    let addresses = format!("/api/v1/clients/{}/addresses", id(&client));
    let address = |line1: &str, kind: &str, is_default: bool| json!({"kind": kind, "line1": line1, "postal_code": "13001", "city": "Marseille", "is_default": is_default});
    let head_office = app
        .create(&addresses, address("1 quai du Port", "billing", false))
        .await;
    assert_eq!(
        head_office["is_default"], true,
        "the first billing address is the default"
    );
    assert_eq!(head_office["country"], "FR");
    let warehouse = app
        .create(&addresses, address("2 rue du Dock", "shipping", false))
        .await;
    assert_eq!(warehouse["is_default"], true);
    let new_office = app
        .create(&addresses, address("3 place Centrale", "billing", true))
        .await;
    assert_eq!(new_office["is_default"], true);

    let defaults = app.get(&format!("{addresses}?sort=created_at")).await;
    let flags: Vec<(String, bool)> = defaults.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["line1"].as_str().unwrap().to_owned(),
                a["is_default"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        flags,
        [
            ("1 quai du Port".to_owned(), false),
            ("2 rue du Dock".to_owned(), true),
            ("3 place Centrale".to_owned(), true),
        ]
    );

    let back = app
        .patch(
            &format!("{addresses}/{}", id(&head_office)),
            json!({"is_default": true}),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{:?}", back.body);
    let office = app.get(&format!("{addresses}/{}", id(&new_office))).await;
    assert_eq!(office.body["is_default"], false);

    let bad = app
        .post(
            &addresses,
            json!({"kind": "postal", "line1": " ", "country": "France"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(fields, ["city", "country", "kind", "line1", "postal_code"]);

    let other = app
        .create("/api/v1/clients", json!({"name": "Autre"}))
        .await;
    let elsewhere = app
        .get(&format!(
            "/api/v1/clients/{}/addresses/{}",
            id(&other),
            id(&warehouse)
        ))
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!(
            "/api/v1/clients/{}/addresses",
            uuid::Uuid::new_v4()
        ))
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&format!("{addresses}/{}", id(&warehouse)))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&addresses).await.body["total"], 2);
}

#[tokio::test]
async fn contacts_of_clients_and_suppliers_have_one_primary() {
    let app = spawn_app().await;
    for owner in ["clients", "suppliers"] {
        let party = app
            .create(&format!("/api/v1/{owner}"), json!({"name": "Cave Dubois"}))
            .await;
        let contacts = format!("/api/v1/{owner}/{}/contacts", id(&party));
        let first = app
            .create(
                &contacts,
                json!({"name": "Anne Dubois", "role": "Gérante", "email": "anne@cave.example"}),
            )
            .await;
        assert_eq!(first["is_primary"], true);
        assert_eq!(first["role"], "Gérante");
        let second = app
            .create(
                &contacts,
                json!({"name": "Luc Martin", "role": "Comptabilité", "is_primary": true}),
            )
            .await;
        assert_eq!(second["is_primary"], true);
        let first_now = app.get(&format!("{contacts}/{}", id(&first))).await;
        assert_eq!(first_now.body["is_primary"], false, "{owner}");
        assert_eq!(first_now.body["version"], 2);

        let stale = app
            .send(
                reqwest::Method::PATCH,
                &format!("{contacts}/{}", id(&first)),
                Some(&app.admin_token),
                Some(json!({"phone": "04 91 00 00 00"})),
                &[("If-Match", "1")],
            )
            .await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);

        let bad = app.post(&contacts, json!({"email": "anne-at-cave"})).await;
        let mut fields = field_names(&bad.body);
        fields.sort();
        assert_eq!(fields, ["email", "name"]);
        let found = app.get(&format!("{contacts}?q=compta")).await;
        assert_eq!(found.body["total"], 1);
        assert_eq!(found.body["items"][0]["name"], "Luc Martin");
    }
}

#[tokio::test]
async fn archived_clients_leave_the_lists_unless_asked_for() {
    let app = spawn_app().await;
    let kept = app
        .create("/api/v1/clients", json!({"name": "Actif"}))
        .await;
    app.create(
        "/api/v1/clients",
        json!({"name": "Ancien", "status": "archived"}),
    )
    .await;
    let listed = app.get("/api/v1/clients").await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["items"][0]["id"], kept["id"]);
    assert_eq!(
        app.get("/api/v1/clients?include_archived=true").await.body["total"],
        2
    );
    assert_eq!(
        app.get("/api/v1/clients?status=archived").await.body["total"],
        1
    );

    app.create(
        "/api/v1/products",
        json!({"code": "OLD", "name": "Ancien", "sale_price": "1", "active": false}),
    )
    .await;
    app.create_product("NEW").await;
    assert_eq!(app.get("/api/v1/products").await.body["total"], 1);
    assert_eq!(
        app.get("/api/v1/products?include_archived=true").await.body["total"],
        2
    );
    assert_eq!(
        app.get("/api/v1/products?active=false").await.body["total"],
        1
    );
}
