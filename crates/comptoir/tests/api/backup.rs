use crate::helpers::{
    TestApp, comptoir, fresh_database_url, fresh_sqlite_url, id, open_test_database,
    serve_database, spawn_app, spawn_app_on, test_files_dir,
};
use crate::product_images::{picture, upload};
use comptoir::open_database;
use comptoir_api::Config;
use comptoir_db::backup::digests;
use image::ImageFormat;
use reqwest::StatusCode;
use serde_json::json;
use std::path::{Path, PathBuf};

fn backup_path() -> PathBuf {
    std::env::temp_dir().join(format!("comptoir-backup-{}.db", uuid::Uuid::new_v4()))
}

fn path_text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 temporary path")
}

/// A little of everything: trees (categories, locations), stock with its
/// ledger, a reservation, a closed inventory, a purchase order, parties.
/// Returns the product and the location it is stocked in.
async fn fill(app: &TestApp) -> (String, String) {
    let root = app
        .create("/api/v1/categories", json!({"name": "Mobilier"}))
        .await;
    let chairs = app
        .create(
            "/api/v1/categories",
            json!({"name": "Chaises", "parent_id": root["id"]}),
        )
        .await;
    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "MRS", "name": "Marseille", "address": "1 quai du Port"}),
        )
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create(
        "/api/v1/locations",
        json!({"warehouse_id": id(&warehouse), "parent_id": stock, "code": "A1", "name": "Allée 1"}),
    )
    .await;
    let chair = app
        .create(
            "/api/v1/products",
            json!({"code": "CHAISE", "name": "Chaise « bistrot »", "sale_price": "49.90",
                   "vat_rate": "20", "category_id": chairs["id"], "barcode": "3760000000017"}),
        )
        .await;
    let chair = id(&chair);
    app.create("/api/v1/clients", json!({"name": "Café du Port"}))
        .await;
    let supplier = app
        .create("/api/v1/suppliers", json!({"name": "Mobilier Pro"}))
        .await;
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": chair, "quantity": "100000", "to_location_id": stock}),
    )
    .await;
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "issue", "product_id": chair, "quantity": "2.5", "from_location_id": stock, "reason": "casse"}),
    )
    .await;
    app.create(
        "/api/v1/stock/reservations",
        json!({"document_type": "order", "lines": [{"line_id": uuid::Uuid::new_v4(), "product_id": chair,
               "location_id": stock, "quantity": "4"}]}),
    )
    .await;
    let inventory = app
        .create(
            "/api/v1/inventories",
            json!({"warehouse_id": id(&warehouse)}),
        )
        .await;
    let inventory = format!("/api/v1/inventories/{}", id(&inventory));
    let counted = app
        .post(
            &format!("{inventory}/counts"),
            json!([{"product_id": chair, "location_id": stock, "counted_quantity": "99990"}]),
        )
        .await;
    assert_eq!(counted.status, StatusCode::OK, "{:?}", counted.body);
    let closed = app.post(&format!("{inventory}/close"), json!({})).await;
    assert_eq!(closed.status, StatusCode::OK, "{:?}", closed.body);
    app.create(
        "/api/v1/purchase-orders",
        json!({"supplier_id": id(&supplier), "warehouse_id": id(&warehouse), "issue_date": "2026-11-02",
               "lines": [{"product_id": chair, "quantity": "10", "unit_price": "21.40"}]}),
    )
    .await;
    (chair, stock)
}

/// What a user sees of the data, list by list.
const LISTS: [&str; 11] = [
    "/api/v1/products?sort=code",
    "/api/v1/categories",
    "/api/v1/warehouses",
    "/api/v1/locations",
    "/api/v1/clients",
    "/api/v1/suppliers",
    "/api/v1/stock",
    "/api/v1/stock/movements",
    "/api/v1/stock/reservations",
    "/api/v1/inventories",
    "/api/v1/purchase-orders",
];

#[tokio::test]
async fn a_sqlite_installation_moves_to_another_database_unchanged() {
    let source = spawn_app_on(fresh_sqlite_url(), Config::default()).await;
    fill(&source).await;
    // Listing the audit log links every pending entry, so nothing changes
    // in the source from here on.
    assert_eq!(source.get("/api/v1/audit").await.status, StatusCode::OK);
    let file = backup_path();
    let (ok, out) = comptoir(&source.database_url, &["backup", "--out", path_text(&file)]);
    assert!(ok, "{out}");
    assert!(out.contains("backup written to"), "{out}");

    // On the PostgreSQL suite, the target is PostgreSQL.
    let target_url = fresh_database_url().await;
    let (ok, out) = comptoir(&target_url, &["restore", path_text(&file)]);
    assert!(ok, "{out}");
    assert!(out.contains("each checked against the backup"), "{out}");

    let target_db = open_database(&target_url).await.expect("open target");
    let expected = digests(&source.db, &target_db).await.expect("source");
    let restored = digests(&target_db, &target_db).await.expect("target");
    assert_eq!(expected, restored, "every table, row for row");
    assert!(
        expected
            .iter()
            .any(|t| t.table == "stock_movements" && t.rows == 3),
        "{expected:?}"
    );

    let target = serve_database(
        target_db,
        target_url.clone(),
        Config::default(),
        source.organization_id,
    )
    .await;
    for list in LISTS {
        let (before, after) = (source.get(list).await, target.get(list).await);
        assert_eq!(after.status, StatusCode::OK, "{list}: {:?}", after.body);
        assert_eq!(before.body, after.body, "{list}");
    }
    let old_token = target
        .send(
            reqwest::Method::GET,
            "/api/v1/products",
            Some(&source.admin_token),
            None,
            &[],
        )
        .await;
    assert_eq!(
        old_token.status,
        StatusCode::OK,
        "a token issued before the move still works"
    );
    let (ok, out) = comptoir(&target_url, &["verify-audit"]);
    assert!(ok, "{out}");
    let (ok, out) = comptoir(&target_url, &["verify-stock"]);
    assert!(ok, "{out}");

    let (ok, out) = comptoir(&target_url, &["restore", path_text(&file)]);
    assert!(!ok, "{out}");
    assert!(out.contains("already holds data"), "{out}");
    let (ok, out) = comptoir(&source.database_url, &["backup", "--out", path_text(&file)]);
    assert!(!ok, "{out}");
    assert!(out.contains("already exists"), "{out}");
    std::fs::remove_file(&file).unwrap();
}

#[tokio::test]
async fn a_backup_taken_while_stock_moves_is_consistent() {
    let app = spawn_app().await;
    let (chair, stock) = fill(&app).await;
    // Many levels, so that copying them takes a while during which the
    // issues below commit: read outside one snapshot, the ledger copied
    // after them would disagree with the levels copied before.
    let (app_ref, stock_ref) = (&app, &stock);
    for batch in 0..10 {
        let receipts = (0..20).map(|n| async move {
            let product = app_ref.create_product(&format!("VRAC-{batch}-{n}")).await;
            app_ref.create(
                "/api/v1/stock/movements",
                json!({"type": "receipt", "product_id": id(&product), "quantity": "5", "to_location_id": stock_ref}),
            )
            .await
        });
        futures_util::future::join_all(receipts).await;
    }
    let file = backup_path();
    let backup = tokio::task::spawn_blocking({
        let (url, file) = (app.database_url.clone(), file.clone());
        move || comptoir(&url, &["backup", "--out", path_text(&file)])
    });
    // Stock keeps moving, four clerks at once, for as long as the backup runs.
    let mut issued = 0;
    while !backup.is_finished() {
        let issues = (0..4).map(|_| {
            app.post(
                "/api/v1/stock/movements",
                json!({"type": "issue", "product_id": chair, "quantity": "1", "from_location_id": stock}),
            )
        });
        let replies = futures_util::future::join_all(issues).await;
        assert!(replies.iter().all(|r| r.status == StatusCode::CREATED));
        issued += replies.len();
    }
    let (ok, out) = backup.await.unwrap();
    assert!(ok, "{out}");
    assert!(issued > 0, "the backup ran while stock moved");

    // On the PostgreSQL suite, this restores PostgreSQL's backup into SQLite.
    let target_url = fresh_sqlite_url();
    let (ok, out) = comptoir(&target_url, &["restore", path_text(&file)]);
    assert!(ok, "{out}");
    let (ok, out) = comptoir(&target_url, &["verify-stock"]);
    assert!(ok, "levels and ledger come from one moment: {out}");
    let (ok, out) = comptoir(&target_url, &["verify-audit"]);
    assert!(ok, "{out}");
    std::fs::remove_file(&file).unwrap();
}

#[tokio::test]
async fn restore_refuses_what_is_not_a_backup() {
    let app = spawn_app().await;
    let missing = backup_path();
    let (ok, out) = comptoir(&app.database_url, &["restore", path_text(&missing)]);
    assert!(!ok);
    assert!(out.contains("is not a file"), "{out}");
    let text = backup_path();
    std::fs::write(&text, "code;name\nA;B\n").unwrap();
    let target_url = fresh_database_url().await;
    let (ok, out) = comptoir(&target_url, &["restore", path_text(&text)]);
    assert!(!ok, "{out}");
    assert!(out.contains("error:"), "{out}");
    std::fs::remove_file(&text).unwrap();
}

#[tokio::test]
async fn a_backup_carries_the_files_its_rows_name_into_an_empty_store() {
    let source = spawn_app().await;
    let product = id(&source.create_product("CADRE").await);
    let photo = picture(320, 240, ImageFormat::Png);
    let image = upload(&source, &source.admin_token, &product, photo.clone()).await;
    assert_eq!(image.status, StatusCode::CREATED, "{:?}", image.body);
    let path = format!("/api/v1/products/{product}/images/{}", id(&image.body));
    let thumbnail = source.download(&format!("{path}?size=thumbnail")).await;
    let file = backup_path();
    let (ok, out) = comptoir(&source.database_url, &["backup", "--out", path_text(&file)]);
    assert!(ok, "{out}");
    assert!(
        out.contains(", 2 files"),
        "the image and its thumbnail: {out}"
    );

    let target_url = fresh_database_url().await;
    assert!(!test_files_dir(&target_url).exists(), "an empty store");
    let (ok, out) = comptoir(&target_url, &["restore", path_text(&file)]);
    assert!(ok, "{out}");
    assert!(out.contains(", 2 files"), "{out}");
    let target = serve_database(
        open_test_database(&target_url).await,
        target_url,
        Config::default(),
        source.organization_id,
    )
    .await;
    assert_eq!(
        target.download_with_status(&path).await,
        (StatusCode::OK, photo)
    );
    assert_eq!(
        target
            .download_with_status(&format!("{path}?size=thumbnail"))
            .await,
        (StatusCode::OK, thumbnail)
    );
    std::fs::remove_file(&file).unwrap();

    // A store that lost a file named by a row cannot be backed up whole.
    std::fs::remove_dir_all(test_files_dir(&source.database_url)).unwrap();
    let (ok, out) = comptoir(&source.database_url, &["backup", "--out", path_text(&file)]);
    assert!(!ok, "{out}");
    assert!(out.contains("cannot back up a stored file"), "{out}");
    assert!(!file.exists(), "no backup file is left");
}
