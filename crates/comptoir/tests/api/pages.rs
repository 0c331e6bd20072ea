//! The web pages over HTTP, as a browser without JavaScript sees them:
//! login, sessions in cookies, CSRF, the permission matrix deciding menus
//! and pages, forms that keep what was typed and mark each bad field, and
//! both languages.

use crate::helpers::{PASSWORD, TestApp, spawn_app};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::json;
use std::collections::BTreeMap;

/// A browser: keeps its cookies, follows no redirect by itself.
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    pub(crate) cookies: BTreeMap<String, String>,
    accept_language: &'static str,
}

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) html: String,
}

impl Page {
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the first hidden input named `name`.
    pub(crate) fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .html
            .find(&marker)
            .unwrap_or_else(|| panic!("no {name} field in the page:\n{}", self.html))
            + marker.len();
        unescape(self.html[start..].split('"').next().unwrap())
    }

    /// Whether the page says `text`, read as the browser reads it.
    pub(crate) fn has(&self, text: &str) -> bool {
        unescape(&self.html).contains(text)
    }
}

/// An attribute's text as the browser reads it.
fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl<'a> Browser<'a> {
    pub(crate) fn new(app: &'a TestApp, accept_language: &'static str) -> Self {
        Browser {
            app,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            accept_language,
        }
    }

    fn keep_cookies(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    async fn respond(&mut self, request: reqwest::RequestBuilder) -> reqwest::Response {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut request = request.header("accept-language", self.accept_language);
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        let response = request.send().await.expect("request sent");
        self.keep_cookies(response.headers());
        response
    }

    async fn send(&mut self, request: reqwest::RequestBuilder) -> Page {
        let response = self.respond(request).await;
        let status = response.status();
        let headers = response.headers().clone();
        let html = response.text().await.expect("body");
        Page {
            status,
            headers,
            html,
        }
    }

    /// A multipart form (an upload), its fields in the order given.
    pub(crate) async fn post_multipart(
        &mut self,
        path: &str,
        form: reqwest::multipart::Form,
    ) -> Page {
        let request = self.client.post(self.app.url(path)).multipart(form);
        self.send(request).await
    }

    /// A file the pages serve: its status and bytes.
    pub(crate) async fn bytes(&mut self, path: &str) -> (StatusCode, Vec<u8>) {
        let response = self.respond(self.client.get(self.app.url(path))).await;
        let status = response.status();
        (status, response.bytes().await.expect("body").to_vec())
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let request = self.client.get(self.app.url(path));
        self.send(request).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let request = self.client.post(self.app.url(path)).form(form);
        self.send(request).await
    }

    pub(crate) async fn log_in(&mut self, email: &str, password: &str) -> Page {
        let login = self.get("/login").await;
        let token = login.hidden("_csrf");
        self.post(
            "/login",
            &[("email", email), ("password", password), ("_csrf", &token)],
        )
        .await
    }

    /// Logs in and returns the home page's CSRF token.
    pub(crate) async fn signed_in(&mut self, email: &str) -> String {
        let reply = self.log_in(email, PASSWORD).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
        let home = self.get("/").await;
        assert_eq!(home.status, StatusCode::OK);
        home.hidden("_csrf")
    }
}

pub(crate) async fn user(app: &TestApp, email: &str, role: &str) {
    let reply = app
        .post(
            "/api/v1/users",
            json!({"email": email, "name": format!("Jeanne {role}"), "role": role, "password": PASSWORD}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
}

#[tokio::test]
async fn the_login_page_speaks_the_browsers_language_and_sends_strangers_to_it() {
    let app = spawn_app().await;
    let mut french = Browser::new(&app, "fr-FR,fr;q=0.9,en;q=0.8");
    let page = french.get("/login").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("<html lang=\"fr\">"));
    assert!(page.has("Se connecter"));
    let mut english = Browser::new(&app, "en-GB,en;q=0.9");
    let page = english.get("/login").await;
    assert!(page.has("<html lang=\"en\">"));
    assert!(page.has("Log in with your e-mail and password."));

    let page = english.get("/clients?q=dupont").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/login?next=%2Fclients%3Fq%3Ddupont");

    let page = french.log_in("admin@test.example", "wrong password").await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(
        page.has("e-mail ou mot de passe incorrect"),
        "{}",
        page.html
    );
    assert!(
        page.has("value=\"admin@test.example\""),
        "the e-mail typed is kept"
    );
}

#[tokio::test]
async fn a_login_goes_back_where_the_reader_was_going_and_logout_ends_the_session() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "fr");
    let login = browser.get("/login?next=%2Fclients%3Fq%3Ddupont").await;
    let token = login.hidden("_csrf");
    assert_eq!(login.hidden("next"), "/clients?q=dupont");
    let reply = browser
        .post(
            "/login",
            &[
                ("email", "admin@test.example"),
                ("password", PASSWORD),
                ("_csrf", &token),
                ("next", "/clients?q=dupont"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/clients?q=dupont");
    let session = reply
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("comptoir_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(
        session.contains("Max-Age=1800"),
        "idle expiry as the API's: {session}"
    );

    let page = browser.get("/clients").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.headers.get("cache-control").unwrap(),
        "no-store",
        "pages with business data are not cached"
    );
    let stolen = browser.cookies.clone();
    let csrf = page.hidden("_csrf");
    let reply = browser.post("/logout", &[("_csrf", &csrf)]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/login");
    assert!(!browser.cookies.contains_key("comptoir_session"));

    browser.cookies = stolen;
    let page = browser.get("/clients").await;
    assert_eq!(
        page.status,
        StatusCode::SEE_OTHER,
        "a cookie kept after logout opens nothing"
    );
}

#[tokio::test]
async fn a_login_without_its_form_token_is_refused() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "en");
    let reply = browser
        .post(
            "/login",
            &[
                ("email", "admin@test.example"),
                ("password", PASSWORD),
                ("_csrf", "forged"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.has("This form expired or did not come from Comptoir"));
    assert!(!browser.cookies.contains_key("comptoir_session"));
}

#[tokio::test]
async fn a_state_changing_request_needs_the_sessions_csrf_token() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "en");
    let csrf = browser.signed_in("admin@test.example").await;
    let reply = browser
        .post("/clients", &[("name", "Forged SARL"), ("kind", "company")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.has("Formulaire expiré"), "{}", reply.html);
    let reply = browser
        .post("/clients", &[("name", "Forged SARL"), ("_csrf", "0000")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let listed = app.get("/api/v1/clients?q=Forged").await;
    assert_eq!(listed.body["total"], 0, "nothing was created");

    let reply = browser
        .post(
            "/clients",
            &[
                ("name", "Honest SARL"),
                ("kind", "company"),
                ("_csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    assert!(reply.location().starts_with("/clients/"));
    let page = browser.get(reply.location()).await;
    assert!(page.has("Honest SARL"));
}

#[tokio::test]
async fn a_form_with_mistakes_comes_back_with_each_message_next_to_its_field_and_what_was_typed() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;
    let reply = browser
        .post(
            "/clients",
            &[
                ("_csrf", &csrf),
                ("name", ""),
                ("email", "jeanne@"),
                ("siren", "123456789"),
                ("payment_terms_days", "trente"),
                ("notes", "rappeler lundi"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = &reply;
    assert!(page.has("id=\"e-name\">obligatoire<"), "{}", page.html);
    assert!(page.has("id=\"e-email\">adresse e-mail non valide<"));
    assert!(page.has("id=\"e-siren\">la clé de contrôle (Luhn) est fausse"));
    assert!(page.has("id=\"e-payment_terms_days\">doit être un nombre entier<"));
    assert!(page.has("value=\"jeanne@\""), "what was typed is kept");
    assert!(page.has("value=\"trente\""));
    assert!(page.has("rappeler lundi"));
    assert!(page.has("aria-invalid=\"true\" aria-describedby=\"e-siren\""));

    let api = app
        .post(
            "/api/v1/clients",
            json!({"name": "X", "siren": "123456789"}),
        )
        .await;
    assert_eq!(
        api.body["details"]["fields"][0]["message"], "the Luhn check fails: a digit is wrong",
        "the page gives the API's message, translated"
    );
    let listed = app.get("/api/v1/clients").await;
    assert_eq!(listed.body["total"], 0);
}

#[tokio::test]
async fn an_edit_over_someone_elses_change_shows_the_current_values() {
    let app = spawn_app().await;
    let client = app
        .create("/api/v1/clients", json!({"name": "Dupont SARL"}))
        .await;
    let id = client["id"].as_str().unwrap();
    let mut browser = Browser::new(&app, "fr");
    browser.signed_in("admin@test.example").await;
    let form = browser.get(&format!("/clients/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    let version = form.hidden("version");
    let csrf = form.hidden("_csrf");

    let changed = app
        .patch(
            &format!("/api/v1/clients/{id}"),
            json!({"name": "Dupont et Fils"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);

    let reply = browser
        .post(
            &format!("/clients/{id}"),
            &[
                ("_csrf", &csrf),
                ("version", &version),
                ("name", "Dupont Frères"),
                ("kind", "company"),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::PRECONDITION_FAILED);
    assert!(
        reply.has("modifié entre-temps par quelqu'un d'autre"),
        "{}",
        reply.html
    );
    assert!(reply.has("value=\"Dupont et Fils\""), "{}", reply.html);
    let fresh_version = reply.hidden("version");
    assert_ne!(fresh_version, version);

    let reply = browser
        .post(
            &format!("/clients/{id}"),
            &[
                ("_csrf", &csrf),
                ("version", &fresh_version),
                ("name", "Dupont Frères"),
                ("kind", "company"),
                ("status", "active"),
                ("credit_limit", "5000"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.html);
    let page = browser.get(&format!("/clients/{id}")).await;
    assert!(page.has("Dupont Frères"));
    assert!(page.has("5\u{202f}000,00\u{a0}€"), "{}", page.html);
}

#[tokio::test]
async fn the_permission_matrix_decides_menus_and_pages() {
    let app = spawn_app().await;
    user(&app, "magasin@test.example", "warehouse").await;
    user(&app, "vente@test.example", "sales").await;
    user(&app, "lecture@test.example", "viewer").await;

    let mut warehouse = Browser::new(&app, "fr");
    let csrf = warehouse.signed_in("magasin@test.example").await;
    let home = warehouse.get("/").await;
    assert!(
        !home.has("href=\"/clients\""),
        "no menu entry it may not open"
    );
    let page = warehouse.get("/clients").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.has("Accès refusé"));
    let reply = warehouse
        .post("/clients", &[("_csrf", &csrf), ("name", "Interdit")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let mut viewer = Browser::new(&app, "fr");
    let csrf = viewer.signed_in("lecture@test.example").await;
    let page = viewer.get("/clients").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.has("href=\"/clients/new\""),
        "no button it may not use"
    );
    assert_eq!(
        viewer.get("/clients/new").await.status,
        StatusCode::FORBIDDEN
    );
    let reply = viewer
        .post("/clients", &[("_csrf", &csrf), ("name", "Interdit")])
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);

    let mut sales = Browser::new(&app, "fr");
    sales.signed_in("vente@test.example").await;
    let page = sales.get("/clients").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("href=\"/clients/new\""));
    assert!(page.has("Jeanne sales · commercial"));
}

#[tokio::test]
async fn the_reader_chooses_english_and_it_stays_chosen() {
    let app = spawn_app().await;
    app.create(
        "/api/v1/clients",
        json!({"name": "Martin SA", "credit_limit": "12345.6"}),
    )
    .await;
    let mut browser = Browser::new(&app, "fr");
    let csrf = browser.signed_in("admin@test.example").await;
    let list = browser.get("/clients").await;
    assert!(list.has("<html lang=\"fr\">") && list.has("Nouveau client"));
    let id = list.html.split("href=\"/clients/").nth(2).unwrap()[..36].to_owned();
    let page = browser.get(&format!("/clients/{id}")).await;
    assert!(page.has("12\u{202f}345,60\u{a0}€"), "{}", page.html);

    let reply = browser
        .post(
            "/language",
            &[("_csrf", &csrf), ("language", "en"), ("next", "/clients")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/clients");
    let list = browser.get("/clients").await;
    assert!(list.has("<html lang=\"en\">") && list.has("New client"));
    let page = browser.get(&format!("/clients/{id}")).await;
    assert!(page.has("€12,345.60"));

    let mut elsewhere = Browser::new(&app, "fr");
    elsewhere.signed_in("admin@test.example").await;
    let list = elsewhere.get("/clients").await;
    assert!(
        list.has("New client"),
        "the choice is the user's, not the browser's"
    );
}

#[tokio::test]
async fn lists_keep_search_sort_and_page_in_the_url() {
    let app = spawn_app().await;
    for n in 0..30 {
        app.create(
            "/api/v1/clients",
            json!({"name": format!("Boulangerie {n:02}"), "code": format!("B{n:02}")}),
        )
        .await;
    }
    app.create(
        "/api/v1/clients",
        json!({"name": "Garage Martin", "code": "G01"}),
    )
    .await;
    let mut browser = Browser::new(&app, "en");
    browser.signed_in("admin@test.example").await;
    let page = browser.get("/clients?q=boulangerie&sort=-code").await;
    assert!(page.has("Résultats\u{a0}: 30"), "{}", page.html);
    assert!(!page.has("Garage Martin"));
    let first = page.html.find("Boulangerie 29").unwrap();
    let later = page.html.find("Boulangerie 20").unwrap();
    assert!(first < later, "sorted by code descending");
    assert!(
        page.has("href=\"/clients?q=boulangerie&sort=-code&page=2&status=\""),
        "{}",
        page.html
    );
    let next = browser
        .get("/clients?q=boulangerie&sort=-code&page=2")
        .await;
    assert!(next.has("Page 2 / 2"));
    assert!(next.has("Boulangerie 00") && !next.has("Boulangerie 29"));

    let empty = browser.get("/clients?q=nothing-like-this").await;
    assert!(empty.has("Aucun résultat pour ces critères."));
    let lenient = browser.get("/clients?page=banana&sort=nonsense").await;
    assert_eq!(
        lenient.status,
        StatusCode::OK,
        "a URL edited by hand still shows the list"
    );
}

#[tokio::test]
async fn static_files_are_fingerprinted_compressed_and_cached_for_a_year() {
    let app = spawn_app().await;
    let mut browser = Browser::new(&app, "en");
    let page = browser.get("/login").await;
    let css = page
        .html
        .split("href=\"")
        .find_map(|rest| rest.split('"').next().filter(|p| p.ends_with(".css")))
        .expect("a stylesheet")
        .to_owned();
    assert!(css.starts_with("/assets/app.") && css != "/assets/app.css");
    let response = reqwest::Client::new()
        .get(app.url(&css))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        page.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("script-src 'self'")
    );
    let missing = reqwest::Client::new()
        .get(app.url("/assets/app.0000000000.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_dashboard_shows_the_apis_figures_to_who_may_read_reports() {
    let app = spawn_app().await;
    let client = crate::dashboard::client(&app, "Boulangerie Durand").await;
    crate::dashboard::invoice(&app, &client, crate::dashboard::service("1234.50")).await;
    let kpis = app.get("/api/v1/dashboard/kpis").await.body;
    assert_eq!(kpis["revenue_this_month"], "1234.50");
    user(&app, "compta@test.example", "accountant").await;
    user(&app, "vente@test.example", "sales").await;
    user(&app, "lecture@test.example", "viewer").await;

    let mut accountant = Browser::new(&app, "fr");
    accountant.signed_in("compta@test.example").await;
    let home = accountant.get("/").await;
    assert!(home.has("<h1>Tableau de bord</h1>"), "{}", home.html);
    assert!(home.has("data-kpi=\"revenue_this_month\">1\u{202f}234,50\u{a0}€<"));
    assert!(
        home.has("data-kpi=\"receivables\">1\u{202f}481,40\u{a0}€<"),
        "VAT included"
    );
    assert!(
        home.has("data-kpi=\"stock_value\""),
        "the accountant reads valuations"
    );
    assert!(home.has("data-chart=\"revenue\"") && home.has("data-chart=\"clients\""));
    assert!(home.has("<title>Boulangerie Durand : 1\u{202f}234,50\u{a0}€</title>"));
    assert!(
        home.has("<a href=\"/invoices?overdue=1\">Dont en retard</a>"),
        "a figure links to the list behind it: {}",
        home.html
    );

    let mut viewer = Browser::new(&app, "fr");
    viewer.signed_in("lecture@test.example").await;
    let home = viewer.get("/").await;
    assert!(home.has("data-kpi=\"revenue_this_month\""));
    assert!(
        !home.has("data-kpi=\"stock_value\""),
        "no valuation without stock.valuation"
    );
    assert!(!home.has("data-chart=\"warehouses\""));

    let mut sales = Browser::new(&app, "fr");
    sales.signed_in("vente@test.example").await;
    let home = sales.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.has("data-kpi"), "no figures without reports.read");
    assert!(home.has("<h1>Accueil</h1>") && home.has("href=\"/clients\""));
}
