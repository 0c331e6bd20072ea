use crate::helpers::{TestApp, comptoir, spawn_app, spawn_app_with};
use comptoir_api::Config;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

async fn upload(
    app: &TestApp,
    entity: &str,
    mode: &str,
    on_error: &str,
    file: Vec<u8>,
) -> (StatusCode, Value) {
    upload_form(app, Form::new(), entity, mode, on_error, file).await
}

async fn upload_form(
    app: &TestApp,
    form: Form,
    entity: &str,
    mode: &str,
    on_error: &str,
    file: Vec<u8>,
) -> (StatusCode, Value) {
    let form = form
        .text("entity", entity.to_owned())
        .text("mode", mode.to_owned())
        .text("on_error", on_error.to_owned())
        .part("file", Part::bytes(file).file_name("import.csv"));
    let reply = app
        .client
        .post(app.url("/api/v1/imports"))
        .bearer_auth(&app.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = reply.status();
    (status, reply.json().await.unwrap_or(Value::Null))
}

/// Uploads and waits until the import has finished.
async fn import(app: &TestApp, entity: &str, mode: &str, on_error: &str, file: Vec<u8>) -> Value {
    import_form(app, Form::new(), entity, mode, on_error, file).await
}

async fn import_form(
    app: &TestApp,
    form: Form,
    entity: &str,
    mode: &str,
    on_error: &str,
    file: Vec<u8>,
) -> Value {
    let (status, started) = upload_form(app, form, entity, mode, on_error, file).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started:?}");
    assert_eq!(started["status"], "queued");
    let path = format!("/api/v1/imports/{}", started["id"].as_str().unwrap());
    for _ in 0..400 {
        let current = app.get(&path).await.body;
        if current["status"] == "done" || current["status"] == "failed" {
            return current;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the import did not finish");
}

async fn errors_csv(app: &TestApp, import: &Value) -> String {
    app.client
        .get(app.url(&format!(
            "/api/v1/imports/{}/errors.csv",
            import["id"].as_str().unwrap()
        )))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Windows-1252, as French Excel saves "CSV (séparateur: point-virgule)".
fn windows_1252(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            'é' => 0xE9,
            'è' => 0xE8,
            'ê' => 0xEA,
            'ô' => 0xF4,
            'ç' => 0xE7,
            c if c.is_ascii() => c as u8,
            other => panic!("add {other} to the test encoder"),
        })
        .collect()
}

#[tokio::test]
async fn a_french_excel_file_imports_products_and_updates_them_by_code() {
    let app = spawn_app().await;
    app.create("/api/v1/categories", json!({"name": "Épicerie"}))
        .await;
    let file = windows_1252(
        "Référence;Désignation;Prix HT;TVA;Catégorie;Actif\r\n\
         cafe-1;Café crème;2,50;5,5;épicerie;oui\r\n\
         the-1;Thé vert;1 234,5;20;;non\r\n\
         ;;;;;\r\n\
         pain-1;Pain complet;3;5,5;;\r\n",
    );
    let done = import(&app, "products", "commit", "abort", file).await;
    assert_eq!(done["status"], "done", "{done:?}");
    assert_eq!(
        (done["created_count"].clone(), done["failed_count"].clone()),
        (json!(3), json!(0))
    );
    let coffee = app.get("/api/v1/products?q=CAFE-1").await.body["items"][0].clone();
    assert_eq!(coffee["name"], "Café crème");
    assert_eq!(coffee["sale_price"], "2.50");
    assert_eq!(coffee["vat_rate"], "5.50");
    assert!(coffee["category_id"].is_string());
    let tea = app
        .get("/api/v1/products?q=THE-1&include_archived=true")
        .await
        .body["items"][0]
        .clone();
    assert_eq!(tea["sale_price"], "1234.50");
    assert_eq!(tea["active"], false);

    let update = "code,sale_price\nCAFE-1,2.80\n".as_bytes().to_vec();
    let updated = import(&app, "products", "commit", "abort", update).await;
    assert_eq!(
        updated["updated_count"],
        1,
        "{updated:?} {}",
        errors_csv(&app, &updated).await
    );
    let coffee = app.get("/api/v1/products?q=CAFE-1").await.body["items"][0].clone();
    assert_eq!(coffee["sale_price"], "2.80");
    assert_eq!(
        coffee["name"], "Café crème",
        "columns absent from the file are kept"
    );
    assert_eq!(coffee["version"], 2);

    let audited = app
        .get(&format!(
            "/api/v1/audit?resource_id={}",
            coffee["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        audited.body["total"], 2,
        "the import's creation and update are audited"
    );
    let verify = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["--database-url", &app.database_url, "verify-audit"])
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stdout)
    );
}

#[tokio::test]
async fn every_problem_is_reported_and_abort_writes_nothing_while_skip_keeps_good_rows() {
    let app = spawn_app().await;
    let file = "code,name,sale_price,barcode,active\n\
                OK-1,Bon,1.00,,oui\n\
                ,Sans code,-2,123,peut-être\n\
                OK-2,Bon aussi,2,,\n\
                BAD 3,,abc,,\n"
        .as_bytes()
        .to_vec();
    let aborted = import(&app, "products", "commit", "abort", file.clone()).await;
    assert_eq!(aborted["status"], "done");
    assert_eq!(aborted["failed_count"], 2);
    assert!(
        aborted["message"]
            .as_str()
            .unwrap()
            .contains("nothing was written")
    );
    assert_eq!(app.get("/api/v1/products").await.body["total"], 0);
    let report = errors_csv(&app, &aborted).await;
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines[0], "row,column,value,message");
    for expected in [
        "3,active,peut-être,",
        "3,barcode,123,",
        "3,code,,is required",
        "3,sale_price,-2,",
        "5,code,BAD 3,",
        "5,name,,is required",
        "5,sale_price,abc,",
    ] {
        assert!(
            lines.iter().any(|line| line.starts_with(expected)),
            "{expected} missing from:\n{report}"
        );
    }

    let dry = import(&app, "products", "dry_run", "skip", file.clone()).await;
    assert_eq!(
        (dry["created_count"].clone(), dry["failed_count"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(
        app.get("/api/v1/products").await.body["total"],
        0,
        "a dry run writes nothing"
    );

    let skipped = import(&app, "products", "commit", "skip", file).await;
    assert_eq!(skipped["created_count"], 2);
    assert_eq!(app.get("/api/v1/products").await.body["total"], 2);
}

#[tokio::test]
async fn clients_import_with_french_headers_and_header_problems_fail_clearly() {
    let app = spawn_app().await;
    let file = "Raison sociale;Courriel;Remise;Délai de paiement\n\
                Hôtel du Port;contact@hotel.example;5,5;45\n\
                Cave Dubois;pas-un-mail;;trente\n"
        .as_bytes()
        .to_vec();
    let done = import(&app, "clients", "commit", "skip", file).await;
    assert_eq!(
        (done["created_count"].clone(), done["failed_count"].clone()),
        (json!(1), json!(1))
    );
    let hotel = app.get("/api/v1/clients?q=Port").await.body["items"][0].clone();
    assert_eq!(hotel["discount_percent"], "5.50");
    assert_eq!(hotel["payment_terms_days"], 45);
    assert_eq!(hotel["code"], "CLI-00001");
    let report = errors_csv(&app, &done).await;
    assert!(report.contains("3,Courriel,pas-un-mail,"), "{report}");
    assert!(report.contains("3,Délai de paiement,trente,"), "{report}");

    let bad_header = "Nom,Couleur\nA,rouge\n".as_bytes().to_vec();
    let failed = import(&app, "suppliers", "commit", "abort", bad_header).await;
    assert_eq!(failed["status"], "failed");
    assert!(
        errors_csv(&app, &failed)
            .await
            .contains("1,Couleur,,unknown column")
    );

    let template = app
        .client
        .get(app.url("/api/v1/imports/templates/clients.csv"))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(template.starts_with("code,kind,name,email"));
}

#[tokio::test]
async fn bad_requests_and_oversized_files_are_refused() {
    let app = spawn_app_with(Config {
        upload_limit_bytes: 1024,
        ..Config::default()
    })
    .await;
    let (status, body) = upload(&app, "invoices", "maybe", "abort", b"code\n".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["details"]["fields"].as_array().unwrap().len(), 2);
    let (status, body) = upload(&app, "products", "commit", "abort", vec![b'x'; 4096]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body:?}");
    assert_eq!(body["code"], "payload_too_large");
}

#[tokio::test]
async fn xlsx_files_import_from_a_named_sheet_and_export_with_numbers_as_numbers() {
    let app = spawn_app().await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet().set_name("Notes").unwrap();
    let sheet = workbook.add_worksheet().set_name("Articles").unwrap();
    for (column, header) in ["Référence", "Désignation", "Prix HT", "TVA", "Actif"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "LAMPE").unwrap();
    sheet.write_string(1, 1, "Lampe de bureau").unwrap();
    sheet.write_number(1, 2, 39.9).unwrap();
    sheet.write_number(1, 3, 20).unwrap();
    sheet.write_boolean(1, 4, true).unwrap();
    sheet.write_string(3, 0, "VIS").unwrap();
    sheet.write_string(3, 1, "Vis 4x40 (boîte)").unwrap();
    sheet.write_number(3, 2, 0.1234).unwrap();
    sheet.write_number(3, 3, 20).unwrap();
    let file = workbook.save_to_buffer().unwrap();

    let done = import_form(
        &app,
        Form::new().text("sheet", "Articles"),
        "products",
        "commit",
        "abort",
        file,
    )
    .await;
    assert_eq!(
        done["created_count"],
        2,
        "{done:?} {}",
        errors_csv(&app, &done).await
    );
    let lamp = app.get("/api/v1/products?q=LAMPE").await.body["items"][0].clone();
    assert_eq!(lamp["sale_price"], "39.90");
    let screws = app.get("/api/v1/products?q=VIS").await.body["items"][0].clone();
    assert_eq!(screws["sale_price"], "0.1234");

    let xlsx = app.download("/api/v1/products/export?format=xlsx").await;
    assert!(xlsx.starts_with(b"PK"), "an XLSX (ZIP) file");
    let copy = spawn_app().await;
    let done = import(&copy, "products", "commit", "abort", xlsx).await;
    assert_eq!(
        done["created_count"],
        2,
        "{done:?} {}",
        errors_csv(&copy, &done).await
    );
    assert_eq!(
        export(&copy, "/api/v1/products/export").await.1,
        export(&app, "/api/v1/products/export").await.1
    );

    let missing = import_form(
        &app,
        Form::new().text("sheet", "Stock"),
        "products",
        "commit",
        "abort",
        workbook_bytes(),
    )
    .await;
    assert_eq!(missing["status"], "failed");
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("no sheet named Stock")
    );
}

fn workbook_bytes() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet().write_string(0, 0, "code").unwrap();
    workbook.save_to_buffer().unwrap()
}

async fn export(app: &TestApp, path: &str) -> (StatusCode, String) {
    let reply = app
        .client
        .get(app.url(path))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .unwrap();
    (reply.status(), reply.text().await.unwrap())
}

#[tokio::test]
async fn an_export_imports_back_to_the_same_data() {
    let source = spawn_app().await;
    source
        .create("/api/v1/categories", json!({"name": "Épicerie"}))
        .await;
    let file = "code;désignation;prix ht;prix achat;tva;catégorie;code barre;description;actif\n\
                MIEL;Miel de lavande;8,50;4,1234;5,5;Épicerie;4006381333931;\"Pot; 250 g\";oui\n\
                CAFE;Café \"grains\";24;;20;;;;non\n"
        .as_bytes()
        .to_vec();
    let done = import(&source, "products", "commit", "abort", file).await;
    assert_eq!(done["created_count"], 2, "{done:?}");
    source
        .create(
            "/api/v1/clients",
            json!({"name": "Hôtel du Port", "email": "contact@hotel.example", "discount_percent": "5", "credit_limit": "5000"}),
        )
        .await;

    let (status, products) = export(&source, "/api/v1/products/export?include_archived=true").await;
    assert_eq!(status, StatusCode::OK);
    let lines: Vec<&str> = products.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("code,name,description,kind,category"));
    assert!(products.contains(",Pot; 250 g,"), "{products}");
    let (_, excel) = export(
        &source,
        "/api/v1/products/export?include_archived=true&excel=true",
    )
    .await;
    assert!(excel.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(excel.contains(";8,50;4,1234;5,50;"), "{excel}");
    let (_, clients) = export(&source, "/api/v1/clients/export").await;
    assert!(clients.contains(",5.00,5000.00,"), "{clients}");

    let target = spawn_app().await;
    target
        .create("/api/v1/categories", json!({"name": "Épicerie"}))
        .await;
    for (entity, csv) in [("products", &excel), ("clients", &clients)] {
        let done = import(&target, entity, "commit", "abort", csv.as_bytes().to_vec()).await;
        assert_eq!(done["failed_count"], 0, "{entity}: {done:?}");
    }
    assert_eq!(
        export(&target, "/api/v1/products/export?include_archived=true")
            .await
            .1,
        products
    );
    assert_eq!(export(&target, "/api/v1/clients/export").await.1, clients);

    let (status, _) = export(&source, "/api/v1/products/export?format=pdf").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn stock_levels_and_movements_export_with_readable_codes() {
    let app = spawn_app().await;
    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "MRS", "name": "Marseille"}),
        )
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let product = app.create_product("CHAISE").await;
    let id = product["id"].as_str().unwrap();
    for body in [
        json!({"type": "receipt", "product_id": id, "quantity": "12.5", "to_location_id": stock, "reference": "BL-7"}),
        json!({"type": "issue", "product_id": id, "quantity": "2", "from_location_id": stock, "reason": "casse; sol"}),
    ] {
        app.create("/api/v1/stock/movements", body).await;
    }
    let (status, levels) = export(&app, "/api/v1/stock/export").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        levels.lines().collect::<Vec<_>>(),
        [
            "location,product,variant,physical,reserved,available",
            "MRS/STOCK,CHAISE,,10.5,0,10.5"
        ]
    );
    let (_, movements) = export(&app, "/api/v1/stock/movements/export?excel=true").await;
    let lines: Vec<&str> = movements.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].contains(";receipt;CHAISE;;12,5;;MRS/STOCK;;BL-7"),
        "{movements}"
    );
    assert!(
        lines[2].ends_with(";issue;CHAISE;;2;MRS/STOCK;;\"casse; sol\";"),
        "{movements}"
    );
    let (_, issues) = export(&app, "/api/v1/stock/movements/export?type=issue").await;
    assert_eq!(issues.lines().count(), 2, "the list's filters apply");
}

#[tokio::test]
async fn a_barcode_taken_by_another_row_is_a_row_problem_not_a_failed_import() {
    let app = spawn_app().await;
    let file = "code,name,sale_price,barcode\n\
                A,Premier,1,4006381333931\n\
                B,Second,1,4006381333931\n\
                C,Troisième,1,96385074\n"
        .as_bytes()
        .to_vec();
    let done = import(&app, "products", "commit", "skip", file).await;
    assert_eq!(done["status"], "done", "{done:?}");
    assert_eq!(
        (done["created_count"].clone(), done["failed_count"].clone()),
        (json!(2), json!(1))
    );
    assert!(
        errors_csv(&app, &done)
            .await
            .contains("3,barcode,4006381333931,this barcode is already used")
    );
}

/// Runs `comptoir import` on the app's database; returns its exit status
/// and output.
fn import_command(app: &TestApp, args: &[&str]) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["--database-url", &app.database_url, "import"])
        .args(args)
        .output()
        .expect("run comptoir import");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test]
async fn the_import_command_runs_the_same_import_and_writes_the_problem_report() {
    let app = spawn_app().await;
    let folder = std::env::temp_dir().join(format!("comptoir-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("produits.csv");
    std::fs::write(
        &file,
        windows_1252(
            "code;désignation;prix_ht\nCLI-1;Chaise pliante;12,50\nCLI-2;;abc\nCLI-3;Tabouret;7\n",
        ),
    )
    .unwrap();
    let file_arg = file.to_str().unwrap();

    let (ok, out) = import_command(&app, &["products", file_arg, "--dry-run"]);
    assert!(!ok, "a bad row fails the command: {out}");
    assert!(
        out.contains("3 rows read, 2 created, 0 updated, 1 with problems"),
        "{out}"
    );
    let report = std::fs::read_to_string(folder.join("produits.csv.errors.csv")).unwrap();
    assert!(report.contains("3,désignation,,is required"), "{report}");
    assert!(report.contains("3,prix_ht,abc,"), "{report}");
    let products = app.get("/api/v1/products?q=CLI").await;
    assert_eq!(products.body["total"], 0, "a dry run writes nothing");

    let (ok, out) = import_command(&app, &["products", file_arg, "--skip-bad-rows"]);
    assert!(!ok, "{out}");
    let products = app.get("/api/v1/products?q=CLI&sort=code").await;
    assert_eq!(products.body["total"], 2);
    assert_eq!(products.body["items"][0]["sale_price"], "12.50");
    let imports = app.get("/api/v1/imports").await;
    assert_eq!(
        imports.body["total"], 2,
        "both runs are listed like uploads"
    );

    std::fs::write(&file, "code,name\nCLI-1,Chaise pliante bleue\n").unwrap();
    let (ok, out) = import_command(&app, &["products", file_arg, "--org", "nobody"]);
    assert!(!ok);
    assert!(out.is_empty(), "{out}");
    let (ok, out) = import_command(&app, &["products", file_arg]);
    assert!(ok, "{out}");
    assert!(out.contains("1 rows read, 0 created, 1 updated"), "{out}");
    std::fs::remove_dir_all(&folder).unwrap();
}

#[tokio::test]
async fn a_code_repeated_in_a_file_updates_what_its_first_row_created() {
    let app = spawn_app().await;
    // Enough rows that the repeat lands in a later chunk too.
    let mut file = String::from("code,name,sale_price\nDUP-1,Premier,1\n");
    for i in 0..600 {
        file.push_str(&format!("FILL-{i},Remplissage {i},2\n"));
    }
    file.push_str("dup-1,Deuxième,3\nDUP-1,Troisième,4\n");
    let done = import(&app, "products", "commit", "abort", file.into_bytes()).await;
    assert_eq!(done["status"], "done", "{done:?}");
    assert_eq!(
        (&done["created_count"], &done["updated_count"]),
        (&json!(601), &json!(2))
    );
    let products = app.get("/api/v1/products?q=DUP-1").await;
    assert_eq!(products.body["total"], 1);
    assert_eq!(products.body["items"][0]["name"], "Troisième");
    assert_eq!(products.body["items"][0]["sale_price"], "4.00");

    let (status, csv) = export(&app, "/api/v1/products/export").await;
    assert_eq!(status, StatusCode::OK);
    let codes: std::collections::BTreeSet<&str> = csv
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap())
        .collect();
    assert_eq!(
        csv.lines().count() - 1,
        601,
        "the export streams every row once, across its chunks of 500"
    );
    assert_eq!(codes.len(), 601);
    assert!(codes.contains("DUP-1") && codes.contains("FILL-599"));
}

#[tokio::test]
async fn the_export_command_writes_files_that_import_back_unchanged() {
    let app = spawn_app().await;
    for (code, price) in [("EXP-1", "12.50"), ("EXP-2", "7.00")] {
        app.create(
            "/api/v1/products",
            json!({"code": code, "name": format!("Article {code}; \"spécial\""), "sale_price": price, "vat_rate": "5.5"}),
        )
        .await;
    }
    let before = app.get("/api/v1/products?sort=code").await.body["items"].clone();
    let folder = std::env::temp_dir().join(format!("comptoir-export-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    for (format, file) in [("csv", "produits.csv"), ("xlsx", "produits.xlsx")] {
        let path = folder.join(file);
        let path = path.to_str().unwrap();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .args(["--database-url", &app.database_url, "export", "products"])
            .args(["--format", format, "--excel", "--out", path])
            .output()
            .expect("run comptoir export");
        let out = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{out}");
        assert!(out.starts_with("2 rows written"), "{out}");
        let (ok, out) = import_command(&app, &["products", path]);
        assert!(ok, "{out}");
        assert!(out.contains("2 rows read, 0 created, 2 updated"), "{out}");
    }
    let text = std::fs::read_to_string(folder.join("produits.csv")).unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "the Excel flavour starts with a BOM"
    );
    assert!(text.contains(";12,50;"), "{text}");
    let after = app.get("/api/v1/products?sort=code").await.body["items"].clone();
    for (old, new) in before
        .as_array()
        .unwrap()
        .iter()
        .zip(after.as_array().unwrap())
    {
        for field in ["code", "name", "sale_price", "vat_rate", "kind", "active"] {
            assert_eq!(old[field], new[field], "{field}");
        }
    }
    std::fs::remove_dir_all(&folder).unwrap();
}

async fn level_of(app: &TestApp, product: &str, location: &str) -> Value {
    let levels = app
        .get(&format!(
            "/api/v1/stock?product_id={product}&location_id={location}"
        ))
        .await
        .body;
    levels["items"][0].clone()
}

#[tokio::test]
async fn stock_levels_import_through_adjustments_and_refuse_what_a_movement_would() {
    let app = spawn_app().await;
    let warehouse = app
        .create(
            "/api/v1/warehouses",
            json!({"code": "MRS", "name": "Marseille"}),
        )
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let aisle = app
        .create(
            "/api/v1/locations",
            json!({"warehouse_id": warehouse["id"], "code": "A1", "name": "Allée 1"}),
        )
        .await;
    let aisle = aisle["id"].as_str().unwrap().to_owned();
    let chair = app.create_product("CHAISE").await;
    let chair = chair["id"].as_str().unwrap().to_owned();
    let table = app.create_product("TABLE").await;
    let table = table["id"].as_str().unwrap().to_owned();
    app.create(
        "/api/v1/products",
        json!({"code": "POSE", "name": "Pose", "sale_price": "30", "kind": "service"}),
    )
    .await;
    app.create(
        "/api/v1/stock/movements",
        json!({"type": "receipt", "product_id": chair, "quantity": "10", "to_location_id": stock}),
    )
    .await;
    app.create(
        "/api/v1/stock/reservations",
        json!({"document_type": "order", "lines": [{"line_id": uuid::Uuid::new_v4(), "product_id": chair,
               "location_id": stock, "quantity": "4"}]}),
    )
    .await;

    let file = windows_1252(
        "Produit;Entrepôt;Emplacement;Quantité\n\
         CHAISE;MRS;;12,5\n\
         chaise;;mrs/a1;3\n\
         TABLE;MRS;;7\n\
         POSE;MRS;;1\n\
         INCONNU;MRS;;1\n\
         CHAISE;XXX;;1\n\
         CHAISE;MRS;A1;-1\n\
         CHAISE;MRS;;2\n\
         TABLE;;A1;1\n",
    );
    let aborted = import(&app, "stock_levels", "commit", "abort", file.clone()).await;
    assert_eq!(aborted["status"], "done", "{aborted:?}");
    assert_eq!(aborted["failed_count"], 6, "{aborted:?}");
    assert_eq!(level_of(&app, &chair, &stock).await["physical"], "10");

    let done = import(&app, "stock_levels", "commit", "skip", file).await;
    assert_eq!(
        (
            &done["created_count"],
            &done["updated_count"],
            &done["failed_count"]
        ),
        (&json!(2), &json!(1), &json!(6)),
        "{done:?}"
    );
    let report = errors_csv(&app, &done).await;
    for expected in [
        "5,Produit,POSE,a service has no stock",
        "6,Produit,INCONNU,no product with this code",
        "7,Entrepôt,XXX,no location XXX",
        "8,Quantité,-1,must not be negative",
        "9,Quantité,2,reservations hold part of this stock: it can go down by 8.5 at most",
        "10,Emplacement,A1,\"name its warehouse too",
    ] {
        assert!(report.contains(expected), "{expected} in {report}");
    }
    let chair_level = level_of(&app, &chair, &stock).await;
    assert_eq!(
        (&chair_level["physical"], &chair_level["reserved"]),
        (&json!("12.5"), &json!("4"))
    );
    assert_eq!(level_of(&app, &chair, &aisle).await["physical"], "3");
    assert_eq!(level_of(&app, &table, &stock).await["physical"], "7");
    let adjustments = app
        .get("/api/v1/stock/movements?type=adjustment")
        .await
        .body;
    assert_eq!(adjustments["total"], 3);
    assert!(
        adjustments["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["reason"] == "import")
    );
    let (ok, _) = comptoir(&app.database_url, &["verify-stock"]);
    assert!(ok, "the ledger sums to every level");

    // The stock export imports back as it is: nothing to adjust.
    let (status, exported) = export(&app, "/api/v1/stock/export?excel=true").await;
    assert_eq!(status, StatusCode::OK);
    let again = import(
        &app,
        "stock_levels",
        "commit",
        "abort",
        exported.into_bytes(),
    )
    .await;
    assert_eq!(
        (
            &again["created_count"],
            &again["updated_count"],
            &again["failed_count"]
        ),
        (&json!(0), &json!(3), &json!(0)),
        "{again:?}"
    );
    let after = app
        .get("/api/v1/stock/movements?type=adjustment")
        .await
        .body;
    assert_eq!(after["total"], 3, "an unchanged level writes no movement");
}

#[tokio::test]
async fn price_list_rules_import_by_key_and_report_every_bad_row() {
    let app = spawn_app().await;
    let furniture = app
        .create("/api/v1/categories", json!({"name": "Mobilier"}))
        .await;
    let chair = app
        .create(
            "/api/v1/products",
            json!({"code": "CH", "name": "Chaise", "sale_price": "100", "category_id": furniture["id"]}),
        )
        .await;
    let chair_id = chair["id"].as_str().unwrap().to_owned();
    app.create(
        &format!("/api/v1/products/{chair_id}/variants"),
        json!({"code": "CH-R", "options": {"color": "red"}, "price_delta": "10"}),
    )
    .await;
    let list = app
        .create("/api/v1/price-lists", json!({"name": "Revendeurs"}))
        .await;
    let rules_path = format!("/api/v1/price-lists/{}/rules", list["id"].as_str().unwrap());
    let existing = app
        .create(
            &rules_path,
            json!({"scope": "product", "product_id": chair_id, "min_quantity": "10", "fixed_price": "80"}),
        )
        .await;

    let file = windows_1252(
        "Tarif;Référence;Variante;Catégorie;Qté min;Prix;Remise;Du;Au\r\n\
         Revendeurs;ch;;;10;75,50;;;\r\n\
         Revendeurs;;CH-R;;;95;;01/01/2026;31/12/2026\r\n\
         revendeurs;;;mobilier;;;12,5;;\r\n\
         Revendeurs;;;;;;10;;\r\n\
         Inconnue;CH;;;;1;;;\r\n\
         Revendeurs;NOPE;;;;1;;;\r\n\
         Revendeurs;CH;;;;5;10;;\r\n\
         Revendeurs;;;;;;5;31/12/2026;01/01/2026\r\n\
         Revendeurs;;;;;;5;demain;\r\n",
    );
    let done = import(&app, "price_list_rules", "commit", "skip", file.clone()).await;
    assert_eq!(done["status"], "done", "{done:?}");
    assert_eq!(
        [
            &done["created_count"],
            &done["updated_count"],
            &done["failed_count"]
        ],
        [&json!(3), &json!(1), &json!(5)],
        "{}",
        errors_csv(&app, &done).await
    );
    let report = errors_csv(&app, &done).await;
    for expected in [
        "6,Tarif,Inconnue,no price list of this name",
        "7,Référence,NOPE,no product with this code",
        "8,Remise,10,\"give a fixed price or a discount, not both\"",
        "9,Au,01/01/2026,must not be before valid_from",
        "10,Du,demain,must be a date: DD/MM/YYYY or YYYY-MM-DD",
    ] {
        assert!(report.contains(expected), "{expected} in {report}");
    }

    let rules = app.get(&format!("{rules_path}?page_size=50")).await.body;
    assert_eq!(rules["total"], 4, "{rules:?}");
    let product_rule = rules["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["scope"] == "product")
        .unwrap();
    assert_eq!(product_rule["id"], existing["id"], "updated, not added");
    assert_eq!(product_rule["fixed_price"], "75.50");
    assert_eq!(product_rule["version"], 2);
    let variant_rule = rules["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["scope"] == "variant")
        .unwrap();
    assert_eq!(variant_rule["valid_from"], "2026-01-01");
    assert_eq!(variant_rule["valid_to"], "2026-12-31");

    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Revendeur", "price_list_id": list["id"]}),
        )
        .await;
    let price = app
        .get(&format!(
            "/api/v1/products/{chair_id}/price?client_id={}&quantity=12",
            client["id"].as_str().unwrap()
        ))
        .await
        .body;
    assert_eq!(price["unit_price"], "75.50", "{price:?}");
    assert_eq!(price["rule_id"], existing["id"]);

    let again = import(&app, "price_list_rules", "commit", "skip", file).await;
    assert_eq!(
        [&again["created_count"], &again["updated_count"]],
        [&json!(0), &json!(4)],
        "the same file again updates the same rules"
    );
    assert_eq!(app.get(&rules_path).await.body["total"], 4);

    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, header) in ["Liste de prix", "Remise", "Valable du"].iter().enumerate() {
        sheet.write_string(0, column as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "Revendeurs").unwrap();
    sheet.write_number(1, 1, 3).unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2027, 1, 1).unwrap();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet
        .write_datetime_with_format(1, 2, &date, &date_format)
        .unwrap();
    let done = import(
        &app,
        "price_list_rules",
        "commit",
        "abort",
        workbook.save_to_buffer().unwrap(),
    )
    .await;
    assert_eq!(
        done["created_count"],
        1,
        "{done:?} {}",
        errors_csv(&app, &done).await
    );
    let rules = app.get(&format!("{rules_path}?page_size=50")).await.body;
    assert_eq!(rules["total"], 5);
    let dated = rules["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|rule| rule["valid_from"] == "2027-01-01")
        .unwrap_or_else(|| panic!("the rule dated by a date cell: {rules:?}"));
    assert_eq!(dated["scope"], "all");
    assert_eq!(dated["discount_percent"], "3.00");
}

#[tokio::test]
async fn an_import_killed_midway_wrote_nothing_and_the_job_sweep_says_so() {
    let app = spawn_app().await;
    let file = std::env::temp_dir().join(format!("comptoir-killed-{}.csv", uuid::Uuid::new_v4()));
    let mut rows = String::from("code,name,sale_price\n");
    for i in 0..40_000 {
        rows.push_str(&format!("KILL-{i},Article {i},{i}.50\n"));
    }
    std::fs::write(&file, rows).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["--database-url", &app.database_url, "import", "products"])
        .arg(&file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("run comptoir import");
    let mut import = Value::Null;
    for _ in 0..400 {
        import = app.get("/api/v1/imports").await.body["items"][0].clone();
        if import["status"] == "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_eq!(import["status"], "running", "{import:?}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_file(&file).unwrap();

    let products = app.get("/api/v1/products?q=KILL").await;
    assert_eq!(products.body["total"], 0, "nothing of the import is left");
    let path = format!("/api/v1/imports/{}", import["id"].as_str().unwrap());
    assert_eq!(
        comptoir_services::transfer::imports::fail_abandoned(&app.db)
            .await
            .unwrap(),
        0,
        "an import touched a moment ago may still be running elsewhere"
    );
    assert_eq!(app.get(&path).await.body["status"], "running");

    app.db
        .execute(
            comptoir_db::Sql::new("UPDATE imports SET updated_at = $1 WHERE id = $2")
                .bind(chrono::Utc::now() - chrono::Duration::hours(1))
                .bind(uuid::Uuid::parse_str(import["id"].as_str().unwrap()).unwrap()),
        )
        .await
        .unwrap();
    // Another instance sweeps as it starts.
    let second = app.second_process().await;
    let mut swept = Value::Null;
    for _ in 0..200 {
        swept = app.get(&path).await.body;
        if swept["status"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    drop(second);
    assert_eq!(swept["status"], "failed", "{swept:?}");
    assert_eq!(swept["message"], comptoir_db::imports::ABANDONED);
}

#[tokio::test]
async fn csv_exports_neutralize_formulas_and_import_back_to_the_same_text() {
    let source = spawn_app().await;
    let formula = "=cmd|' /C calc'!A0";
    let product = source
        .create(
            "/api/v1/products",
            json!({"code": "EVIL-1", "name": "@SUM(A1:A9)", "description": formula, "sale_price": "12.50"}),
        )
        .await;
    assert_eq!(product["description"], formula);
    source
        .create(
            "/api/v1/clients",
            json!({"name": "'Les Halles'", "phone": "+33 6 12 34 56 78"}),
        )
        .await;
    let (_, products) = export(&source, "/api/v1/products/export").await;
    let row = products.lines().nth(1).unwrap();
    assert!(
        row.starts_with("EVIL-1,'@SUM(A1:A9),'=cmd|' /C calc'!A0,"),
        "{row}"
    );
    assert!(row.contains(",12.50,"), "numbers stay numbers: {row}");
    let (_, clients) = export(&source, "/api/v1/clients/export?excel=true").await;
    assert!(clients.contains(";'+33 6 12 34 56 78;"), "{clients}");
    assert!(clients.contains(";''Les Halles';"), "{clients}");

    let target = spawn_app().await;
    for (entity, csv) in [("products", &products), ("clients", &clients)] {
        let done = import(&target, entity, "commit", "abort", csv.as_bytes().to_vec()).await;
        assert_eq!(done["failed_count"], 0, "{entity}: {done:?}");
    }
    assert_eq!(export(&target, "/api/v1/products/export").await.1, products);
    let imported = target.get("/api/v1/products?q=EVIL").await.body;
    assert_eq!(imported["items"][0]["description"], formula);
    assert_eq!(imported["items"][0]["name"], "@SUM(A1:A9)");
    let client = target.get("/api/v1/clients").await.body;
    assert_eq!(client["items"][0]["name"], "'Les Halles'");
    assert_eq!(client["items"][0]["phone"], "+33 6 12 34 56 78");
}
