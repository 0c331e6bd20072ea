//! The pages in a real browser: Debian's headless chromium driven through
//! chromedriver (WebDriver), against the real server and database. Each
//! test saves screenshots of the screens it walks through in
//! `target/screenshots/` for a reviewer to look at.
//!
//! Without chromedriver on the machine these tests say so and pass,
//! except under CI (`CI=true`), where `.ci/run` installs it and its
//! absence is a failure.

use crate::helpers::{PASSWORD, fresh_database_url, open_test_database, spawn_app};
use comptoir::demo::{DEMO_PASSWORD, ensure_demo};
use comptoir::start;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMEDRIVER: &str = "chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A browser session with its own chromedriver, ended when dropped.
pub(crate) struct Browser {
    pub(crate) client: Client,
    driver: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Starts chromedriver and a headless chromium, or `None` (outside CI)
/// when this machine has no chromedriver.
pub(crate) async fn browser() -> Option<Browser> {
    let port = free_port();
    let driver = match Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(driver) => driver,
        Err(error) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "chromedriver is needed under CI: {error}"
            );
            eprintln!("browser test skipped: no chromedriver here ({error})");
            return None;
        }
    };
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1280,900",
                "--lang=fr-FR"
            ]
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = None;
    for _ in 0..50 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return Some(Browser { client, driver }),
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromium did not start: {last_error:?}");
}

fn screenshot_folder() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let folder = target.join("screenshots");
    std::fs::create_dir_all(&folder).expect("screenshot folder");
    folder
}

impl Browser {
    pub(crate) async fn open(&self, base: &str, path: &str) {
        self.client
            .goto(&format!("{base}{path}"))
            .await
            .expect("page opens");
    }

    pub(crate) async fn fill(&self, css: &str, text: &str) {
        let input = self.client.find(Locator::Css(css)).await.expect(css);
        input.clear().await.expect("cleared");
        input.send_keys(text).await.expect("typed");
    }

    pub(crate) async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .expect(css)
            .click()
            .await
            .expect("clicked");
    }

    /// Chooses the file at `path` in the form's file input (`#f-file`).
    pub(crate) async fn choose_file(&self, path: &std::path::Path) {
        self.client
            .find(Locator::Css("#f-file"))
            .await
            .expect("file input")
            .send_keys(path.to_str().unwrap())
            .await
            .expect("file chosen");
    }

    /// Opens the menu group holding the link to `href`, then follows it.
    pub(crate) async fn follow_menu(&self, href: &str) {
        self.click(&format!("nav details:has(a[href='{href}']) > summary"))
            .await;
        self.click(&format!("nav a[href='{href}']")).await;
    }

    pub(crate) async fn text(&self, css: &str) -> String {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .expect(css)
            .text()
            .await
            .expect("text")
    }

    pub(crate) async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Waits until the page's path starts with `prefix`. A prefix naming
    /// a collection (`/clients/`) waits for one of its records: its form
    /// for a new one is where a creation is sent from, not where it lands,
    /// and returning there would race the form's answer.
    pub(crate) async fn arrives_at(&self, prefix: &str) -> String {
        for _ in 0..200 {
            let path = self.path().await;
            let arrived = path
                .strip_prefix(prefix)
                .is_some_and(|rest| !(prefix.ends_with('/') && rest.starts_with("new")));
            if arrived {
                return path;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("never reached {prefix}: at {}", self.path().await);
    }

    pub(crate) async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(screenshot_folder().join(format!("{name}.png")), png).expect("saved");
    }

    pub(crate) async fn log_in(&self, base: &str, email: &str, password: &str) {
        self.open(base, "/login").await;
        self.fill("#email", email).await;
        self.fill("#password", password).await;
        self.click("form[action='/login'] button[type=submit]")
            .await;
        // Signed in once the login page is left: waiting for a path under
        // "/" would return at once, "/login" being one.
        for _ in 0..100 {
            if !self.path().await.starts_with("/login") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("still on the login page after logging in as {email}");
    }

    pub(crate) async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

#[tokio::test]
async fn a_clerk_logs_in_creates_a_client_fixing_a_mistake_then_reads_in_english() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    browser.open(&app.address, "/clients").await;
    assert!(
        browser
            .arrives_at("/login?next=%2Fclients")
            .await
            .starts_with("/login"),
        "a stranger is sent to the login page"
    );
    browser.screenshot("login").await;
    browser.fill("#email", "admin@test.example").await;
    browser.fill("#password", PASSWORD).await;
    browser
        .click("form[action='/login'] button[type=submit]")
        .await;
    browser.arrives_at("/clients").await;
    assert_eq!(browser.text("h1").await, "Clients");
    assert!(
        browser
            .text("main")
            .await
            .contains("Aucun client pour l'instant.")
    );

    browser.click("a.button[href='/clients/new']").await;
    browser.arrives_at("/clients/new").await;
    browser.fill("#f-siren", "123456789").await;
    browser.fill("#f-email", "contact@durand.example").await;
    browser.click("main form button[type=submit]").await;
    assert_eq!(browser.text("#e-name").await, "obligatoire");
    assert!(browser.text("#e-siren").await.contains("clé de contrôle"));
    let typed = browser
        .client
        .find(Locator::Css("#f-email"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(typed.as_deref(), Some("contact@durand.example"));
    browser.screenshot("client-form-errors").await;

    browser.fill("#f-name", "Boulangerie Durand").await;
    browser.fill("#f-siren", "732829320").await;
    browser.click("main form button[type=submit]").await;
    browser.arrives_at("/clients/").await;
    assert_eq!(
        browser.text("h1").await,
        "Boulangerie Durand CLI-00001",
        "the client's page, with the code it was given"
    );
    browser.screenshot("client").await;

    let language = browser
        .client
        .find(Locator::Css("#language"))
        .await
        .unwrap();
    language
        .select_by_value("en")
        .await
        .expect("English chosen");
    for _ in 0..100 {
        let lang = browser
            .client
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        if lang == "en" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(browser.text("a.button").await, "Edit");
    assert!(browser.text("main").await.contains("Back to the clients"));
    browser.screenshot("client-english").await;
    browser.close().await;
}

#[tokio::test]
async fn a_double_click_on_save_creates_one_client() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.open(&app.address, "/clients/new").await;
    browser.fill("#f-name", "Garage Martin").await;
    browser
        .client
        .execute(
            "const b = document.querySelector('main form button[type=submit]'); b.click(); b.click();",
            vec![],
        )
        .await
        .expect("clicked twice");
    browser.arrives_at("/clients/").await;
    let listed = app.get("/api/v1/clients?q=Garage").await;
    assert_eq!(listed.body["total"], 1, "{:?}", listed.body);
    browser.close().await;
}

/// The heights of the bars of `chart` as drawn.
async fn drawn(browser: &Browser, chart: &str, class: &str) -> Vec<f64> {
    let script = format!(
        "return [...document.querySelectorAll('[data-chart={chart}] rect.{class}')].map(r => r.getBoundingClientRect().height)"
    );
    let heights = browser
        .client
        .execute(&script, vec![])
        .await
        .expect("measured");
    heights
        .as_array()
        .expect("a list")
        .iter()
        .map(|h| h.as_f64().expect("a height"))
        .collect()
}

#[tokio::test]
async fn the_dashboard_draws_the_demos_year_of_sales() {
    let database_url = fresh_database_url().await;
    let db = open_test_database(&database_url).await;
    ensure_demo(&db).await.unwrap();
    let address = start(db, Default::default(), "127.0.0.1:0").await.unwrap();
    let base = format!("http://{address}");
    let Some(browser) = browser().await else {
        return;
    };
    browser
        .log_in(&base, "admin@demo.comptoir.test", DEMO_PASSWORD)
        .await;
    assert_eq!(browser.text("h1").await, "Tableau de bord");
    let months = drawn(&browser, "revenue", "current").await;
    assert_eq!(months.len(), 12, "twelve months");
    assert!(
        months.iter().filter(|h| **h > 1.0).count() >= 11,
        "a year of sales drawn: {months:?}"
    );
    let year_before = drawn(&browser, "revenue", "previous").await;
    assert!(year_before.iter().any(|h| *h > 1.0), "the year before too");
    let today = chrono::Utc::now().date_naive();
    let (from, to) = comptoir_domain::dashboard::default_range(today);
    assert_eq!(
        drawn(&browser, "orders", "current").await.len(),
        comptoir_domain::dashboard::weeks(from, to).len(),
        "a column per ISO week of the twelve months"
    );
    assert_eq!(drawn(&browser, "clients", "current").await.len(), 10);
    assert_eq!(drawn(&browser, "products", "current").await.len(), 10);
    assert!(!drawn(&browser, "warehouses", "current").await.is_empty());
    let overdue = browser.text("[data-kpi=overdue]").await;
    assert!(
        overdue.ends_with('€') && overdue != "0,00\u{a0}€",
        "{overdue}"
    );
    browser.screenshot("dashboard").await;

    let language = browser
        .client
        .find(Locator::Css("#language"))
        .await
        .unwrap();
    language.select_by_value("en").await.unwrap();
    assert_eq!(
        browser
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::XPath("//h1[text()='Dashboard']"))
            .await
            .expect("the dashboard in English")
            .text()
            .await
            .unwrap(),
        "Dashboard"
    );
    browser.screenshot("dashboard-english").await;
    browser.close().await;
}

#[tokio::test]
async fn a_manager_creates_a_product_through_the_form_and_prices_it_for_a_client() {
    let app = spawn_app().await;
    let Some(browser) = browser().await else {
        return;
    };
    let furniture = app
        .create("/api/v1/categories", json!({"name": "Mobilier"}))
        .await;
    let chairs = app
        .create(
            "/api/v1/categories",
            json!({"name": "Chaises", "parent_id": furniture["id"]}),
        )
        .await;
    for (code, name, price, kind) in [
        ("TB-01", "Table de ferme", "250.50", "goods"),
        ("SRV-01", "Montage sur site", "45", "service"),
    ] {
        app.create(
            "/api/v1/products",
            json!({"code": code, "name": name, "sale_price": price, "kind": kind, "category_id": if kind == "goods" { furniture["id"].clone() } else { serde_json::Value::Null }}),
        )
        .await;
    }
    let client = app
        .create(
            "/api/v1/clients",
            json!({"name": "Habitué Martin", "discount_percent": "5"}),
        )
        .await;

    browser
        .log_in(&app.address, "admin@test.example", PASSWORD)
        .await;
    browser.open(&app.address, "/products").await;
    browser.click("a.button[href='/products/new']").await;
    browser.arrives_at("/products/new").await;
    assert_eq!(browser.text("h1").await, "Nouveau produit");
    browser.fill("#f-code", "CH-PL").await;
    browser.fill("#f-name", "Chaise pliante en hêtre").await;
    browser
        .client
        .find(Locator::Css("#f-category_id"))
        .await
        .unwrap()
        .select_by_value(chairs["id"].as_str().unwrap())
        .await
        .expect("category chosen");
    browser.fill("#f-sale_price", "39,90").await;
    browser.fill("#f-purchase_price", "18,5").await;
    browser.fill("#f-barcode", "4006381333932").await;
    browser.click("main form button[type=submit]").await;
    assert_eq!(
        browser.text("#e-barcode").await,
        "la clé du code-barres est fausse"
    );
    browser.screenshot("product-form-errors").await;
    browser.fill("#f-barcode", "4006381333931").await;
    browser.click("main form button[type=submit]").await;
    browser.arrives_at("/products/").await;
    assert_eq!(browser.text("h1").await, "Chaise pliante en hêtre CH-PL");

    browser
        .client
        .find(Locator::Css("#client"))
        .await
        .unwrap()
        .select_by_value(client["id"].as_str().unwrap())
        .await
        .expect("client chosen");
    browser.click("form.filters button[type=submit]").await;
    browser.arrives_at("/products/").await;
    let price = browser.text("[data-testid=client-price] strong").await;
    assert_eq!(price.replace('\u{a0}', " "), "37,91 €", "39.90 less 5 %");
    browser.screenshot("product").await;

    browser.open(&app.address, "/products").await;
    assert!(browser.text("main").await.contains("CH-PL"));
    browser.screenshot("products-list").await;
    browser.close().await;
}
