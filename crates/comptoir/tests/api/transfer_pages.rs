//! Imports and exports through the pages: an upload (a multipart form
//! whose first field is the CSRF token) checked by a dry run whose page
//! shows the counts and the row problems, then run for real; its
//! `errors.csv`; the lists' export links carrying the list's search and
//! filters; the roles without `data.import` / `data.export` refused.

use crate::helpers::spawn_app;
use crate::pages::{Browser, Page, user};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use reqwest::multipart::{Form, Part};
use serde_json::json;

/// A clients file: three good rows and two bad ones (rows 3 and 5).
pub(crate) const CLIENTS_CSV: &str = "Raison sociale;Courriel;Remise\n\
    Hôtel du Port;contact@hotel.example;5,5\n\
    Cave Dubois;pas-un-mail;\n\
    Boulangerie Martin;martin@pain.example;\n\
    Garage Leroy;garage@leroy.example;cent\n\
    Fleurs Petit;petit@fleurs.example;2\n";

/// Sends the upload form as a browser would: `fields` in order (the CSRF
/// token first), then the file.
async fn upload(browser: &mut Browser<'_>, fields: &[(&str, &str)], file: Option<&str>) -> Page {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    if let Some(content) = file {
        form = form.part(
            "file",
            Part::bytes(content.as_bytes().to_vec()).file_name("clients.csv"),
        );
    }
    browser.post_multipart("/imports", form).await
}

/// The import's page once the import has finished, read as htmx polls it.
async fn finished(browser: &mut Browser<'_>, import_path: &str) -> Page {
    for _ in 0..400 {
        let fragment = browser.get(&format!("{import_path}/progress")).await;
        assert_eq!(fragment.status, StatusCode::OK, "{}", fragment.html);
        if !fragment.html.contains("hx-trigger") {
            return browser.get(import_path).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the import did not finish");
}

#[tokio::test]
async fn a_dry_run_shows_its_counts_and_row_problems_then_the_import_runs_for_real() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;
    let home = browser.get("/").await;
    assert!(home.has("href=\"/imports\""), "the menu offers the imports");
    let form = browser.get("/imports/new?entity=clients").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("<option value=\"clients\" selected>"));
    assert!(form.has("href=\"/imports/templates/clients.csv\""));
    let template = browser.get("/imports/templates/clients.csv").await;
    assert_eq!(template.status, StatusCode::OK);
    assert!(
        template.html.starts_with("code,kind,name,"),
        "{}",
        template.html
    );

    let started = upload(
        &mut browser,
        &[
            ("_csrf", &csrf),
            ("entity", "clients"),
            ("mode", "dry_run"),
            ("on_error", "abort"),
        ],
        Some(CLIENTS_CSV),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.html);
    let import_path = started.location().to_owned();
    assert!(import_path.starts_with("/imports/"), "{import_path}");
    let page = finished(&mut browser, &import_path).await;
    assert!(page.has("data-status=\"done\""), "{}", page.html);
    assert!(
        page.has("essai à blanc : rien n'a été écrit"),
        "{}",
        page.html
    );
    assert!(page.has("À créer<strong>3</strong>"), "{}", page.html);
    assert!(page.has("En erreur<strong>2</strong>"), "{}", page.html);
    assert!(page.has("Lignes<strong>5</strong>"), "{}", page.html);
    // Each problem: its row, its column, the value typed, the message in French.
    for cells in [
        "<td class=\"number\">3</td>\n        <td>Courriel</td>\n        <td>pas-un-mail</td>\n        <td>adresse e-mail non valide</td>",
        "<td class=\"number\">5</td>\n        <td>Remise</td>\n        <td>cent</td>",
    ] {
        assert!(page.has(cells), "{cells} in {}", page.html);
    }
    assert_eq!(app.get("/api/v1/clients").await.body["total"], 0);

    let report = browser.get(&format!("{import_path}/errors.csv")).await;
    assert_eq!(report.status, StatusCode::OK);
    assert!(
        report.headers[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        report
            .html
            .starts_with("row,column,value,message\n3,Courriel,pas-un-mail,"),
        "{}",
        report.html
    );

    // Run for real: the dry run's page leads to the form, preset.
    assert!(
        page.has("href=\"/imports/new?entity=clients&mode=commit&on_error=abort\""),
        "{}",
        page.html
    );
    let started = upload(
        &mut browser,
        &[
            ("_csrf", &csrf),
            ("entity", "clients"),
            ("mode", "commit"),
            ("on_error", "skip"),
        ],
        Some(CLIENTS_CSV),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.html);
    let page = finished(&mut browser, started.location()).await;
    assert!(page.has("Créées<strong>3</strong>"), "{}", page.html);
    assert!(
        !page.has("Importer pour de bon…"),
        "a real import is not rerun"
    );
    let clients = app.get("/api/v1/clients?q=Martin").await.body;
    assert_eq!(clients["total"], 1);
    assert_eq!(app.get("/api/v1/clients").await.body["total"], 3);

    let list = browser.get("/imports").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.has("Essai à blanc"), "{}", list.html);
    assert!(list.has("Importer pour de bon"));
    assert!(list.has("Administrateur"), "who ran it: {}", list.html);
}

#[tokio::test]
async fn an_upload_needs_the_csrf_token_first_and_a_file() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;
    let fields = [("entity", "clients"), ("mode", "commit")];
    let refused = upload(&mut browser, &fields, Some(CLIENTS_CSV)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
    let wrong = upload(
        &mut browser,
        &[("_csrf", "0000"), ("entity", "clients")],
        Some(CLIENTS_CSV),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let late = upload(
        &mut browser,
        &[("entity", "clients"), ("_csrf", &csrf)],
        Some(CLIENTS_CSV),
    )
    .await;
    assert_eq!(
        late.status,
        StatusCode::FORBIDDEN,
        "the token must come first"
    );
    assert_eq!(app.get("/api/v1/imports").await.body["total"], 0);

    let missing = upload(
        &mut browser,
        &[("_csrf", &csrf), ("entity", ""), ("mode", "commit")],
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.has("<p class=\"error\" id=\"e-file\">obligatoire</p>"),
        "{}",
        missing.html
    );
    assert!(missing.has("id=\"e-entity\">choisissez les données à importer"));
    assert!(
        missing.has("value=\"commit\" checked"),
        "the options chosen are kept"
    );
}

#[tokio::test]
async fn roles_without_data_import_or_data_export_are_refused() {
    let app = spawn_app().await;
    user(&app, "compta@test.example", "accountant").await;
    user(&app, "vente@test.example", "sales").await;
    let mut accountant = Browser::new(&app, "fr");
    let csrf = accountant.signed_in("compta@test.example").await;
    for path in ["/imports", "/imports/new", "/imports/templates/clients.csv"] {
        assert_eq!(
            accountant.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert!(!accountant.get("/").await.has("href=\"/imports\""));
    let refused = upload(
        &mut accountant,
        &[("_csrf", &csrf), ("entity", "clients")],
        Some(CLIENTS_CSV),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // The accountant may export: the lists offer it.
    assert!(
        accountant
            .get("/clients")
            .await
            .has("/clients/export?format=xlsx")
    );
    let export = accountant.get("/invoices/export?format=csv").await;
    assert_eq!(export.status, StatusCode::OK);

    let mut sales = Browser::new(&app, "fr");
    sales.signed_in("vente@test.example").await;
    let clients = sales.get("/clients").await;
    assert_eq!(clients.status, StatusCode::OK);
    assert!(!clients.has("/clients/export"), "no export offered");
    for path in ["/clients/export?format=csv", "/quotes/export", "/imports"] {
        assert_eq!(
            sales.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_export_links_download_the_rows_the_list_selects() {
    let app = spawn_app().await;
    for (name, status) in [
        ("Dupont Frères", "active"),
        ("Dupont Fils", "prospect"),
        ("Martin SA", "active"),
    ] {
        app.create("/api/v1/clients", json!({"name": name, "status": status}))
            .await;
    }
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let list = browser.get("/clients?q=Dupont&status=active").await;
    // The link as the browser reads it.
    let html = list.html.replace("&#x2f;", "/").replace("&amp;", "&");
    let link = |format: &str| {
        let marker = format!("href=\"/clients/export?format={format}");
        let start = html.find(&marker).expect("export link") + "href=\"".len();
        html[start..].split('"').next().unwrap().to_owned()
    };
    assert_eq!(
        link("csv"),
        "/clients/export?format=csv&q=Dupont&status=active"
    );

    let csv = browser.get(&link("csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.headers[CONTENT_DISPOSITION],
        "attachment; filename=\"clients.csv\""
    );
    assert!(csv.html.contains("Dupont Frères"), "{}", csv.html);
    assert!(
        !csv.html.contains("Dupont Fils"),
        "the status filter applies"
    );
    assert!(!csv.html.contains("Martin"), "the search applies");

    let excel = browser.get(&link("excel")).await;
    assert!(excel.html.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(excel.html.contains(';'));

    let reply = reqwest::Client::new()
        .get(app.url(&link("xlsx")))
        .header(
            "cookie",
            format!("comptoir_session={}", browser.cookies["comptoir_session"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        reply.headers()[CONTENT_TYPE],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(reply.bytes().await.unwrap().starts_with(b"PK"), "a zip");

    for path in [
        "/products",
        "/quotes",
        "/orders",
        "/invoices",
        "/credit-notes",
        "/suppliers",
        "/stock",
        "/stock/movements",
    ] {
        let page = browser.get(path).await;
        assert!(page.has(&format!("{path}/export?format=csv")), "{path}");
        let export = browser.get(&format!("{path}/export?format=csv")).await;
        assert_eq!(export.status, StatusCode::OK, "{path}: {}", export.html);
    }
    let bad = browser.get("/clients/export?format=pdf").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
