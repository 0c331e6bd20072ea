use crate::helpers::{field_names, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn products_are_validated_field_by_field() {
    let app = spawn_app().await;
    let bad = app
        .post(
            "/api/v1/products",
            json!({"code": "has space", "sale_price": "1.23456", "barcode": "4006381333932", "kind": "weapon", "vat_rate": "120"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(
        fields,
        ["barcode", "code", "kind", "name", "sale_price", "vat_rate"]
    );
    let exempt = app
        .post("/api/v1/products", json!({"code": "EX", "name": "Formation", "sale_price": "100", "vat_category": "E", "vat_rate": "0"}))
        .await;
    assert_eq!(field_names(&exempt.body), ["vat_exemption_reason"]);
}

#[tokio::test]
async fn product_life_cycle_with_exact_prices() {
    let app = spawn_app().await;
    let created = app
        .post(
            "/api/v1/products",
            json!({"code": "chair-01", "name": "Chaise", "sale_price": "49.9", "purchase_price": "22.1234",
                   "vat_rate": "5.5", "barcode": "4006381333931", "unit": "unit", "attributes": {"deposit": "50.00"}}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    assert_eq!(created.body["code"], "CHAIR-01");
    assert_eq!(created.body["sale_price"], "49.90");
    assert_eq!(created.body["purchase_price"], "22.1234");
    assert_eq!(created.body["vat_rate"], "5.50");
    assert_eq!(created.body["attributes"]["deposit"], "50.00");
    let id = created.body["id"].as_str().unwrap();

    let duplicate = app
        .post(
            "/api/v1/products",
            json!({"code": "CHAIR-01", "name": "Bis", "sale_price": "1"}),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(duplicate.body["details"]["field"], "code");
    let same_barcode = app
        .post("/api/v1/products", json!({"code": "CHAIR-02", "name": "Bis", "sale_price": "1", "barcode": "4006381333931"}))
        .await;
    assert_eq!(same_barcode.status, StatusCode::CONFLICT);
    assert_eq!(same_barcode.body["details"]["field"], "barcode");

    let patched = app
        .patch(
            &format!("/api/v1/products/{id}"),
            json!({"sale_price": "52.00", "barcode": null}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.body["sale_price"], "52.00");
    assert_eq!(patched.body["barcode"], serde_json::Value::Null);
    assert_eq!(patched.body["name"], "Chaise");
    assert_eq!(patched.body["version"], 2);

    assert_eq!(
        app.delete(&format!("/api/v1/products/{id}")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/api/v1/products/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn lists_page_sort_search_and_filter() {
    let app = spawn_app().await;
    for i in 1..=7 {
        let kind = if i % 2 == 0 { "service" } else { "goods" };
        let reply = app
            .post("/api/v1/products", json!({"code": format!("P{i}"), "name": format!("Article {i}"), "sale_price": format!("{i}.00"), "kind": kind}))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    let page = app
        .get("/api/v1/products?page=2&page_size=3&sort=-sale_price")
        .await;
    assert_eq!(page.body["total"], 7);
    assert_eq!(page.body["page"], 2);
    let prices: Vec<&str> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["sale_price"].as_str().unwrap())
        .collect();
    assert_eq!(prices, ["4.00", "3.00", "2.00"]);
    let services = app.get("/api/v1/products?kind=service").await;
    assert_eq!(services.body["total"], 3);
    let search = app.get("/api/v1/products?q=article%205").await;
    assert_eq!(search.body["total"], 1);
    assert_eq!(search.body["items"][0]["code"], "P5");
}

#[tokio::test]
async fn category_tree_refuses_cycles_and_deletes_only_unused() {
    let app = spawn_app().await;
    let root = app
        .post("/api/v1/categories", json!({"name": "Mobilier"}))
        .await
        .body;
    let child = app
        .post(
            "/api/v1/categories",
            json!({"name": "Chaises", "parent_id": root["id"]}),
        )
        .await
        .body;
    let grandchild = app
        .post(
            "/api/v1/categories",
            json!({"name": "Pliantes", "parent_id": child["id"]}),
        )
        .await
        .body;
    let root_path = format!("/api/v1/categories/{}", root["id"].as_str().unwrap());

    let cycle = app
        .patch(&root_path, json!({"parent_id": grandchild["id"]}))
        .await;
    assert_eq!(cycle.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&cycle.body), ["parent_id"]);
    let itself = app
        .patch(&root_path, json!({"parent_id": root["id"]}))
        .await;
    assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY);

    let product = app
        .post("/api/v1/products", json!({"code": "CH1", "name": "Chaise", "sale_price": "1", "category_id": grandchild["id"]}))
        .await;
    assert_eq!(product.status, StatusCode::CREATED);
    let used = app
        .delete(&format!(
            "/api/v1/categories/{}",
            grandchild["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(used.status, StatusCode::CONFLICT);
    assert_eq!(used.body["details"]["products"], 1);
    let parent = app
        .delete(&format!(
            "/api/v1/categories/{}",
            child["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(parent.status, StatusCode::CONFLICT);
    assert_eq!(parent.body["details"]["categories"], 1);

    let roots = app.get("/api/v1/categories?root=true").await;
    assert_eq!(roots.body["total"], 1);
    let children = app
        .get(&format!(
            "/api/v1/categories?parent_id={}",
            root["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(children.body["items"][0]["name"], "Chaises");
}
