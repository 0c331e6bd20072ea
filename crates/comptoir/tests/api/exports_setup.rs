//! The exports of the lists of how the organization is set up — price
//! lists, reorder rules, warehouses, locations, users — through the API
//! (each holding exactly the rows its list's filters select, as CSV and
//! XLSX, the records it refers to named by code, never a password;
//! refused to a role without the list's permission or `data.export`) and
//! through the pages (the export menu carries the list's filters, offered
//! only to who may export).

use crate::exports::{export, lines, sheet};
use crate::exports_pages::link;
use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, user};
use calamine::Data;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Two warehouses (PARIS with a dock and an aisle under its stock), two
/// reorder rules (one per warehouse), three price lists (one archived)
/// and two more users.
struct Setup {
    paris: String,
    lyon: String,
}

async fn setup(app: &TestApp) -> Setup {
    for list in [
        json!({"name": "Revendeurs", "description": "Remise des pros"}),
        json!({"name": "Anciens tarifs", "active": false}),
        json!({"name": "Collectivités"}),
    ] {
        app.create("/api/v1/price-lists", list).await;
    }
    let paris = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "PARIS", "name": "Entrepôt Paris", "address": "1 rue de Rivoli"}),
        )
        .await;
    let lyon = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "LYON", "name": "Dépôt Lyon"}),
        )
        .await;
    let stock = paris["default_location_id"].as_str().unwrap();
    app.create(
        "/api/v1/locations",
        json!({"warehouse_id": id(&paris), "code": "QUAI", "name": "Quai", "kind": "receiving"}),
    )
    .await;
    app.create(
        "/api/v1/locations",
        json!({"warehouse_id": id(&paris), "parent_id": stock, "code": "A1", "name": "Allée 1"}),
    )
    .await;
    let chair = app.create_product("CHAISE").await;
    let table = app.create_product("TABLE").await;
    let supplier = app
        .create(
            "/api/v1/suppliers",
            json!({"code": "BOIS", "name": "Bois et Fils"}),
        )
        .await;
    app.create(
        "/api/v1/reorder-rules",
        json!({"product_id": id(&chair), "warehouse_id": id(&paris), "min_quantity": "5", "max_quantity": "20", "supplier_id": id(&supplier)}),
    )
    .await;
    app.create(
        "/api/v1/reorder-rules",
        json!({"product_id": id(&table), "warehouse_id": id(&lyon), "min_quantity": "1", "max_quantity": "4"}),
    )
    .await;
    user(app, "vente@test.example", "sales").await;
    user(app, "compta@test.example", "accountant").await;
    Setup {
        paris: id(&paris),
        lyon: id(&lyon),
    }
}

async fn csv(app: &TestApp, path: &str) -> Vec<String> {
    lines(export(app, path).await)
}

fn text(cell: &str) -> Data {
    Data::String(cell.to_owned())
}

#[tokio::test]
async fn each_setup_list_exports_the_rows_its_filters_select_in_csv_and_xlsx() {
    let app = spawn_app().await;
    let s = setup(&app).await;

    assert_eq!(
        csv(&app, "/api/v1/price-lists/export?active=false").await,
        ["name,description,active", "Anciens tarifs,,false"]
    );
    let price_lists = sheet(
        export(&app, "/api/v1/price-lists/export?q=pros&format=xlsx").await,
        "price-lists",
    );
    assert_eq!(
        price_lists,
        [
            vec![text("name"), text("description"), text("active")],
            vec![text("Revendeurs"), text("Remise des pros"), text("true")],
        ]
    );

    let path = format!("/api/v1/reorder-rules/export?warehouse_id={}", s.paris);
    assert_eq!(
        csv(&app, &path).await,
        [
            "product,variant,warehouse,min_quantity,max_quantity,supplier",
            "CHAISE,,PARIS,5,20,BOIS",
        ]
    );
    let path = format!(
        "/api/v1/reorder-rules/export?warehouse_id={}&format=xlsx",
        s.lyon
    );
    let rules = sheet(export(&app, &path).await, "reorder-rules");
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert_eq!(rules[1][0], text("TABLE"));
    assert_eq!(rules[1][2], text("LYON"));
    assert_eq!(rules[1][4], Data::Float(4.0));
    assert_eq!(rules[1][5], Data::Empty);

    assert_eq!(
        csv(&app, "/api/v1/warehouses/export?q=rivoli").await,
        [
            "code,name,address,active,is_default",
            "PARIS,Entrepôt Paris,1 rue de Rivoli,true,true",
        ]
    );
    let warehouses = sheet(
        export(&app, "/api/v1/warehouses/export?format=xlsx").await,
        "warehouses",
    );
    let mut codes: Vec<&Data> = warehouses[1..].iter().map(|row| &row[0]).collect();
    codes.sort_by_key(|code| code.to_string());
    assert_eq!(codes, [&text("LYON"), &text("PARIS")]);

    let path = format!(
        "/api/v1/locations/export?warehouse_id={}&kind=receiving",
        s.paris
    );
    assert_eq!(
        csv(&app, &path).await,
        [
            "warehouse,code,name,kind,parent,active",
            "PARIS,QUAI,Quai,receiving,,true",
        ]
    );
    let path = format!("/api/v1/locations/export?warehouse_id={}&q=all", s.paris);
    assert_eq!(
        csv(&app, &path).await,
        [
            "warehouse,code,name,kind,parent,active",
            "PARIS,A1,Allée 1,internal,PARIS/STOCK,true",
        ]
    );
    let path = format!(
        "/api/v1/locations/export?warehouse_id={}&format=xlsx",
        s.lyon
    );
    let locations = sheet(export(&app, &path).await, "locations");
    assert_eq!(locations.len(), 2, "LYON has its STOCK only: {locations:?}");
    assert_eq!(locations[1][..2], [text("LYON"), text("STOCK")]);

    let users = csv(&app, "/api/v1/users/export?q=compta").await;
    assert_eq!(users[0], "email,name,role,active,language,created_at");
    assert_eq!(users.len(), 2, "{users:?}");
    assert!(
        users[1].starts_with("compta@test.example,Jeanne accountant,accountant,true,fr,"),
        "{users:?}"
    );
    let everyone = export(&app, "/api/v1/users/export?excel=true").await;
    let everyone = String::from_utf8(everyone).unwrap();
    assert_eq!(everyone.lines().count(), 4, "admin, sales, accountant");
    assert!(
        everyone.starts_with("\u{feff}email;name;role"),
        "{everyone}"
    );
    assert!(
        !everyone.contains("$argon2"),
        "no password hash: {everyone}"
    );
    let rows = sheet(
        export(&app, "/api/v1/users/export?format=xlsx").await,
        "users",
    );
    assert_eq!(rows.len(), 4);
    let cells: Vec<String> = rows.iter().flatten().map(Data::to_string).collect();
    assert!(
        cells.iter().all(|cell| !cell.contains("$argon2")),
        "{cells:?}"
    );
}

#[tokio::test]
async fn the_setup_exports_are_refused_without_the_lists_permission_or_data_export() {
    let app = spawn_app().await;
    setup(&app).await;
    let warehouse = app.user_token("magasin@test.example", "warehouse").await;
    let accountant = app.user_token("compta2@test.example", "accountant").await;
    let status = |token: &str, path: &str| {
        let (app, token, path) = (&app, token.to_owned(), path.to_owned());
        async move {
            app.send(Method::GET, &path, Some(&token), None, &[])
                .await
                .status
        }
    };
    for list in ["price-lists", "reorder-rules", "warehouses", "locations"] {
        let path = format!("/api/v1/{list}/export");
        // The warehouse role reads these lists but may not export.
        let list_path = format!("/api/v1/{list}");
        assert_eq!(status(&warehouse, &list_path).await, StatusCode::OK);
        assert_eq!(
            status(&warehouse, &path).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(status(&accountant, &path).await, StatusCode::OK, "{path}");
    }
    // The accountant exports, but does not manage users.
    assert_eq!(
        status(&accountant, "/api/v1/users/export").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(&warehouse, "/api/v1/users/export").await,
        StatusCode::FORBIDDEN
    );
    let (bad, _) = app
        .download_with_status("/api/v1/warehouses/export?format=pdf")
        .await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
    let (bad, _) = app
        .download_with_status("/api/v1/locations/export?kind=attic")
        .await;
    assert_eq!(bad, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_setup_lists_offer_an_export_of_the_rows_they_select() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let mut admin = Browser::new(&app, "fr-FR");
    admin.signed_in("admin@test.example").await;

    let cases = [
        (
            "/price-lists?status=inactive".to_owned(),
            "/price-lists/export",
            "price-lists",
            "status=inactive",
            "Anciens tarifs",
            "Revendeurs",
        ),
        (
            format!("/reorder-rules?warehouse_id={}", s.lyon),
            "/reorder-rules/export",
            "reorder-rules",
            "warehouse_id=",
            "TABLE,,LYON",
            "CHAISE",
        ),
        (
            "/warehouses?q=lyon".to_owned(),
            "/warehouses/export",
            "warehouses",
            "q=lyon",
            "LYON,Dépôt Lyon",
            "PARIS",
        ),
        (
            format!("/warehouses/{}", s.paris),
            "/locations/export",
            "locations",
            "warehouse=",
            "PARIS,QUAI",
            "LYON",
        ),
        (
            "/settings/users?q=vente".to_owned(),
            "/settings/users/export",
            "users",
            "q=vente",
            "vente@test.example",
            "compta@test.example",
        ),
    ];
    for (list, export, stem, filter, kept, filtered_out) in cases {
        let page = admin.get(&list).await;
        assert_eq!(page.status, StatusCode::OK, "{list}: {}", page.html);
        for format in ["csv", "excel", "xlsx"] {
            let href = link(&page, &format!("{export}?format={format}&"));
            assert!(href.contains(filter), "{list}: {href}");
        }
        let csv = admin
            .get(&link(&page, &format!("{export}?format=csv&")))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{list}: {}", csv.html);
        assert_eq!(
            csv.headers[reqwest::header::CONTENT_DISPOSITION],
            format!("attachment; filename=\"{stem}.csv\"")
        );
        assert!(csv.html.contains(kept), "{list}: {}", csv.html);
        assert!(!csv.html.contains(filtered_out), "{list}: {}", csv.html);
    }
    let rules = admin.get("/reorder-rules").await;
    let all = link(&rules, "/reorder-rules/export?format=csv&");
    let all = admin.get(&all).await;
    assert!(all.html.contains("CHAISE,,PARIS,5,20,BOIS"), "{}", all.html);
    assert!(all.html.contains("TABLE,,LYON"), "{}", all.html);
}

#[tokio::test]
async fn only_who_reads_the_setup_list_and_may_export_is_offered_its_export() {
    let app = spawn_app().await;
    let s = setup(&app).await;
    let mut sales = Browser::new(&app, "fr-FR");
    sales.signed_in("vente@test.example").await;
    let mut accountant = Browser::new(&app, "fr-FR");
    accountant.signed_in("compta@test.example").await;
    let paris = format!("/warehouses/{}", s.paris);
    for (list, export) in [
        ("/price-lists", "/price-lists/export"),
        ("/reorder-rules", "/reorder-rules/export"),
        ("/warehouses", "/warehouses/export"),
        (paris.as_str(), "/locations/export"),
    ] {
        let page = sales.get(list).await;
        assert_eq!(page.status, StatusCode::OK, "sales read {list}");
        assert!(!page.has(export), "no export offered on {list}");
        assert_eq!(sales.get(export).await.status, StatusCode::FORBIDDEN);
        let page = accountant.get(list).await;
        assert!(page.has(&format!("{export}?format=csv")), "{list}");
        assert_eq!(accountant.get(export).await.status, StatusCode::OK);
    }
    assert_eq!(
        accountant.get("/settings/users/export").await.status,
        StatusCode::FORBIDDEN
    );
}
