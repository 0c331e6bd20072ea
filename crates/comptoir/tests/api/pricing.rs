use crate::helpers::{TestApp, field_names, id, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

struct Catalog {
    chair: String,
    red: String,
    list: String,
    rules: Vec<String>,
}

/// A chair (100.00) in Chaises under Mobilier, a red variant (+10.00), and
/// the price list "Revendeurs" with one rule of each scope.
async fn catalog(app: &TestApp) -> Catalog {
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
            json!({"code": "CH", "name": "Chaise", "sale_price": "100", "category_id": id(&chairs)}),
        )
        .await;
    let red = app
        .create(
            &format!("/api/v1/products/{}/variants", id(&chair)),
            json!({"code": "CH-R", "options": {"color": "red"}, "price_delta": "10"}),
        )
        .await;
    let list = app
        .create("/api/v1/price-lists", json!({"name": "Revendeurs"}))
        .await;
    let rules_path = format!("/api/v1/price-lists/{}/rules", id(&list));
    let mut rules = Vec::new();
    for rule in [
        json!({"scope": "all", "discount_percent": "10"}),
        json!({"scope": "category", "category_id": id(&furniture), "min_quantity": "10", "discount_percent": "15"}),
        json!({"scope": "product", "product_id": id(&chair), "min_quantity": "50", "fixed_price": "80"}),
        json!({"scope": "variant", "variant_id": id(&red), "fixed_price": "95"}),
        json!({"scope": "all", "discount_percent": "50", "valid_from": "2019-01-01", "valid_to": "2019-12-31"}),
    ] {
        rules.push(id(&app.create(&rules_path, rule).await));
    }
    Catalog {
        chair: id(&chair),
        red: id(&red),
        list: id(&list),
        rules,
    }
}

async fn price(app: &TestApp, product: &str, query: &str) -> Value {
    let reply = app
        .get(&format!("/api/v1/products/{product}/price?{query}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{query}: {:?}", reply.body);
    reply.body
}

#[tokio::test]
async fn the_most_specific_rule_then_the_highest_quantity_sets_the_price() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    let reseller = app
        .create(
            "/api/v1/clients",
            json!({"name": "Revendeur", "price_list_id": catalog.list, "discount_percent": "5"}),
        )
        .await;
    let regular = app
        .create(
            "/api/v1/clients",
            json!({"name": "Habitué", "discount_percent": "5"}),
        )
        .await;
    let chair = &catalog.chair;

    let anonymous = price(&app, chair, "").await;
    assert_eq!(anonymous["unit_price"], "100.00");
    assert_eq!(anonymous["source"], "base_price");
    assert_eq!(anonymous["quantity"], "1");

    let discounted = price(&app, chair, &format!("client_id={}", id(&regular))).await;
    assert_eq!(discounted["unit_price"], "95.00");
    assert_eq!(discounted["discount_percent"], "5.00");
    assert_eq!(discounted["source"], "client_discount");

    let client = format!("client_id={}", id(&reseller));
    let cases = [
        ("quantity=1", "90.00", "10.00", 0),
        ("quantity=9.999", "90.00", "10.00", 0),
        ("quantity=10", "85.00", "15.00", 1),
        ("quantity=50", "80.00", "20.00", 2),
        (
            &format!("quantity=1&variant_id={}", catalog.red) as &str,
            "95.00",
            "13.64",
            3,
        ),
        ("quantity=1&date=2019-06-01", "50.00", "50.00", 4),
    ];
    for (query, unit_price, discount, rule) in cases {
        let quote = price(&app, chair, &format!("{client}&{query}")).await;
        assert_eq!(quote["unit_price"], unit_price, "{query}");
        assert_eq!(quote["discount_percent"], discount, "{query}");
        assert_eq!(quote["source"], "price_list_rule", "{query}");
        assert_eq!(quote["rule_id"], catalog.rules[rule].as_str(), "{query}");
        assert_eq!(quote["price_list_id"], catalog.list.as_str());
    }
    let variant_base = price(&app, chair, &format!("{client}&variant_id={}", catalog.red)).await;
    assert_eq!(variant_base["base_price"], "110.00");

    for bad in [
        "quantity=abc".to_owned(),
        "quantity=1.0001".to_owned(),
        "date=2026-13-01".to_owned(),
        format!("client_id={}", uuid::Uuid::new_v4()),
        format!("variant_id={}", uuid::Uuid::new_v4()),
    ] {
        let reply = app
            .get(&format!("/api/v1/products/{chair}/price?{bad}"))
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn rules_are_validated_and_references_block_deletion() {
    let app = spawn_app().await;
    let catalog = catalog(&app).await;
    let rules_path = format!("/api/v1/price-lists/{}/rules", catalog.list);
    let bad = app
        .post(
            &rules_path,
            json!({"scope": "product", "variant_id": catalog.red, "fixed_price": "1", "discount_percent": "2",
                   "valid_from": "2026-02-01", "valid_to": "2026-01-01", "min_quantity": "-1"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(
        fields,
        [
            "discount_percent",
            "min_quantity",
            "product_id",
            "valid_to",
            "variant_id"
        ]
    );
    let no_adjustment = app.post(&rules_path, json!({"scope": "all"})).await;
    assert_eq!(field_names(&no_adjustment.body), ["fixed_price"]);
    let foreign_target = app
        .post(
            &rules_path,
            json!({"scope": "category", "category_id": uuid::Uuid::new_v4(), "discount_percent": "1"}),
        )
        .await;
    assert_eq!(field_names(&foreign_target.body), ["category_id"]);

    let listed = app.get(&format!("{rules_path}?scope=all")).await;
    assert_eq!(listed.body["total"], 2);

    let changed = app
        .patch(
            &format!("{rules_path}/{}", catalog.rules[0]),
            json!({"discount_percent": null, "fixed_price": "70"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["fixed_price"], "70.00");
    assert_eq!(changed.body["discount_percent"], Value::Null);

    let refused = app
        .delete(&format!("/api/v1/products/{}", catalog.chair))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.body["details"]["referenced_by"]["price_rules"], 2);

    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Revendeur", "price_list_id": catalog.list}),
        )
        .await;
    let list_path = format!("/api/v1/price-lists/{}", catalog.list);
    let in_use = app.delete(&list_path).await;
    assert_eq!(in_use.status, StatusCode::CONFLICT);
    assert_eq!(in_use.body["details"]["referenced_by"]["clients"], 1);
    let detached = app
        .patch(
            &format!("/api/v1/clients/{}", id(&client)),
            json!({"price_list_id": null}),
        )
        .await;
    assert_eq!(detached.status, StatusCode::OK);
    assert_eq!(app.delete(&list_path).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(&format!("{rules_path}/{}", catalog.rules[1]))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&format!("/api/v1/products/{}", catalog.chair))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
}
