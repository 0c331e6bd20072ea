use crate::helpers::{field_names, id, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn variants_have_their_own_code_options_price_and_barcode() {
    let app = spawn_app().await;
    let product = app.create_product("TEE").await;
    let product_id = id(&product);
    let variants = format!("/api/v1/products/{product_id}/variants");

    let large_red = app
        .create(
            &variants,
            json!({"code": "TEE-L-RED", "options": {"size": "L", "color": "red"}, "price_delta": "2.5", "barcode": "4006381333931"}),
        )
        .await;
    assert_eq!(large_red["product_id"], product_id.as_str());
    assert_eq!(large_red["options"], json!({"size": "L", "color": "red"}));
    assert_eq!(large_red["price_delta"], "2.50");
    assert_eq!(
        large_red["name"], "red / L",
        "option values in option-name order"
    );
    let small = app
        .create(
            &variants,
            json!({"code": "TEE-S", "name": "Small", "options": {"size": "S"}, "price_delta": "-1"}),
        )
        .await;
    assert_eq!(small["price_delta"], "-1.00");

    let listed = app.get(&format!("{variants}?sort=-code")).await;
    assert_eq!(listed.body["total"], 2);
    assert_eq!(listed.body["items"][0]["code"], "TEE-S");

    let bad = app
        .post(
            &variants,
            json!({"code": "", "options": {"size": 3}, "price_delta": "-20", "barcode": "123"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(fields, ["barcode", "code", "options", "price_delta"]);

    let taken_code = app
        .post(
            &variants,
            json!({"code": "TEE-S", "options": {"size": "XS"}}),
        )
        .await;
    assert_eq!(taken_code.status, StatusCode::CONFLICT);
    assert_eq!(taken_code.body["details"]["field"], "code");

    let patched = app
        .patch(
            &format!("{variants}/{}", id(&small)),
            json!({"price_delta": "-0.5", "active": false}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
    assert_eq!(patched.body["price_delta"], "-0.50");
    assert_eq!(patched.body["active"], false);
    assert_eq!(patched.body["version"], 2);

    let other = app.create_product("MUG").await;
    let through_other = app
        .get(&format!(
            "/api/v1/products/{}/variants/{}",
            id(&other),
            id(&small)
        ))
        .await;
    assert_eq!(through_other.status, StatusCode::NOT_FOUND);

    assert_eq!(
        app.delete(&format!("{variants}/{}", id(&small)))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("{variants}/{}", id(&small))).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_barcode_belongs_to_one_product_or_variant_only() {
    let app = spawn_app().await;
    let with_barcode = app
        .create(
            "/api/v1/products",
            json!({"code": "A", "name": "A", "sale_price": "1", "barcode": "4006381333931"}),
        )
        .await;
    let other = app.create_product("B").await;
    let variants = format!("/api/v1/products/{}/variants", id(&other));

    let clash = app
        .post(
            &variants,
            json!({"code": "B-1", "options": {"size": "1"}, "barcode": "4006381333931"}),
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT, "{:?}", clash.body);
    assert_eq!(clash.body["details"]["field"], "barcode");

    let variant = app
        .create(
            &variants,
            json!({"code": "B-1", "options": {"size": "1"}, "barcode": "96385074"}),
        )
        .await;
    let product_clash = app
        .post(
            "/api/v1/products",
            json!({"code": "C", "name": "C", "sale_price": "1", "barcode": "96385074"}),
        )
        .await;
    assert_eq!(product_clash.status, StatusCode::CONFLICT);
    assert_eq!(product_clash.body["details"]["field"], "barcode");

    // Freeing a barcode lets another item take it.
    let freed = app
        .patch(
            &format!("/api/v1/products/{}", id(&with_barcode)),
            json!({"barcode": null}),
        )
        .await;
    assert_eq!(freed.status, StatusCode::OK);
    let moved = app
        .patch(
            &format!("{variants}/{}", id(&variant)),
            json!({"barcode": "4006381333931"}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{:?}", moved.body);
    let reused = app
        .create(
            "/api/v1/products",
            json!({"code": "D", "name": "D", "sale_price": "1", "barcode": "96385074"}),
        )
        .await;
    assert_eq!(reused["barcode"], "96385074");
}

#[tokio::test]
async fn product_suppliers_record_price_lead_time_and_minimum() {
    let app = spawn_app().await;
    let product = app.create_product("CHAISE").await;
    let supplier = app
        .create("/api/v1/suppliers", json!({"name": "Mobilier Pro"}))
        .await;
    let entries = format!("/api/v1/products/{}/suppliers", id(&product));
    let entry = app
        .create(
            &entries,
            json!({"supplier_id": id(&supplier), "supplier_reference": "MP-778", "purchase_price": "21.3456",
                   "lead_time_days": 12, "min_order_quantity": "24"}),
        )
        .await;
    assert_eq!(entry["purchase_price"], "21.3456");
    assert_eq!(entry["min_order_quantity"], "24");
    assert_eq!(entry["lead_time_days"], 12);

    let twice = app
        .post(
            &entries,
            json!({"supplier_id": id(&supplier), "purchase_price": "20"}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.body["details"]["field"], "supplier_id");

    let bad = app
        .post(
            &entries,
            json!({"supplier_id": uuid::Uuid::new_v4(), "purchase_price": "-1", "lead_time_days": -3}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(fields, ["lead_time_days", "purchase_price"]);
    let unknown = app
        .post(
            &entries,
            json!({"supplier_id": uuid::Uuid::new_v4(), "purchase_price": "1"}),
        )
        .await;
    assert_eq!(field_names(&unknown.body), ["supplier_id"]);

    let listed = app.get(&entries).await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["items"][0]["supplier_reference"], "MP-778");

    let supplier_path = format!("/api/v1/suppliers/{}", id(&supplier));
    let refused = app.delete(&supplier_path).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(
        refused.body["details"]["referenced_by"]["product_suppliers"],
        1
    );

    // Archiving hides the supplier from lists instead.
    let archived = app.patch(&supplier_path, json!({"active": false})).await;
    assert_eq!(archived.status, StatusCode::OK);
    assert_eq!(app.get("/api/v1/suppliers").await.body["total"], 0);
    assert_eq!(
        app.get("/api/v1/suppliers?include_archived=true")
            .await
            .body["total"],
        1
    );

    assert_eq!(
        app.delete(&format!("{entries}/{}", id(&entry)))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete(&supplier_path).await.status,
        StatusCode::NO_CONTENT
    );
}
