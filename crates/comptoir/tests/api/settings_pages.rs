//! The settings through the pages: the sections a role may open and the
//! Settings menu entry, users created and changed through the forms (the
//! new one logs in; a bad e-mail, a short password, a stale version and
//! a self-demotion each shown where they belong), number formats, the
//! audit log with its filters, the chain check and a closing. The same
//! flow clicked in a real browser is `browser_settings.rs`.

use crate::helpers::{PASSWORD, TestApp, id, spawn_app};
use crate::pages::{Browser, Page, user};
use reqwest::StatusCode;
use serde_json::json;

const PAGES: &[&str] = &[
    "/settings",
    "/settings/organization",
    "/settings/users",
    "/settings/users/new",
    "/settings/roles",
    "/settings/numbering",
    "/settings/audit",
    "/settings/compliance",
];

/// Whether the page's menu has the Settings entry.
fn has_settings_menu(page: &Page) -> bool {
    page.has("<li><a href=\"/settings\"")
}

#[tokio::test]
async fn an_admin_opens_every_section_and_other_roles_only_what_the_matrix_grants() {
    let app = spawn_app().await;
    let mut admin = Browser::new(&app, "fr");
    admin.signed_in("admin@test.example").await;
    for path in PAGES {
        let page = admin.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.html);
        assert!(has_settings_menu(&page), "{path}");
    }
    let index = admin.get("/settings").await;
    for href in ["/settings/users", "/settings/roles", "/settings/numbering"] {
        assert!(index.has(&format!("href=\"{href}\"")), "{href}");
    }
    let roles = admin.get("/settings/roles").await;
    assert!(roles.has("users.manage") && roles.has("Gérer les utilisateurs et leurs rôles"));
    assert!(roles.has("magasinier") && roles.has("comptable"));

    // A warehouse clerk has none of the settings' permissions: no menu
    // entry, and every page and form refused.
    user(&app, "stock@test.example", "warehouse").await;
    let mut clerk = Browser::new(&app, "fr");
    let token = clerk.signed_in("stock@test.example").await;
    let home = clerk.get("/").await;
    assert!(!has_settings_menu(&home));
    for path in PAGES {
        let page = clerk.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    let refused = clerk
        .post(
            "/settings/users",
            &[("_csrf", &token), ("email", "x@test.example")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = clerk
        .post(
            "/settings/numbering/FAC",
            &[("_csrf", &token), ("pattern", "X{YY}{N}")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // A salesperson reads invoices, so the matrix lets them check the
    // sales chain (as `GET /api/v1/compliance/chain` does), and nothing
    // else of the settings: not users, formats, the log, nor a closing.
    user(&app, "sales@test.example", "sales").await;
    let mut sales = Browser::new(&app, "fr");
    let token = sales.signed_in("sales@test.example").await;
    for path in [
        "/settings/organization",
        "/settings/users",
        "/settings/users/new",
        "/settings/roles",
        "/settings/numbering",
        "/settings/audit",
    ] {
        let page = sales.get(path).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
    }
    let index = sales.get("/settings").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.has("href=\"/settings/compliance\"") && !index.has("href=\"/settings/users\""));
    let compliance = sales.get("/settings/compliance").await;
    assert_eq!(compliance.status, StatusCode::OK);
    assert!(!compliance.has("action=\"/settings/compliance/closings\""));
    let refused = sales
        .post(
            "/settings/compliance/closings",
            &[("_csrf", &token), ("period", "2020-01")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

/// The id of the user with `email`, read through the API.
async fn user_id(app: &TestApp, email: &str) -> String {
    let found = app.get(&format!("/api/v1/users?q={email}")).await;
    id(&found.body["items"][0])
}

#[tokio::test]
async fn a_user_created_through_the_form_logs_in_and_the_log_shows_the_creation() {
    let app = spawn_app().await;
    let mut admin = Browser::new(&app, "fr");
    let token = admin.signed_in("admin@test.example").await;
    let form = admin.get("/settings/users/new").await;
    assert!(form.has("name=\"_csrf\""));

    let refused = admin
        .post(
            "/settings/users",
            &[
                ("_csrf", &token),
                ("email", "paul.at.example"),
                ("name", "Paul Martin"),
                ("role", "accountant"),
                ("password", "court"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("<p class=\"error\" id=\"e-email\">adresse e-mail non valide</p>"),
        "{}",
        refused.html
    );
    assert!(refused.has("id=\"e-password\">un mot de passe comporte au moins 10 caractères"));
    assert!(refused.has("value=\"Paul Martin\"") && refused.has("value=\"paul.at.example\""));
    assert!(refused.has("<option value=\"accountant\" selected>"));
    assert!(!refused.has("court"), "a password is never sent back");

    let created = admin
        .post(
            "/settings/users",
            &[
                ("_csrf", &token),
                ("email", "paul@test.example"),
                ("name", "Paul Martin"),
                ("role", "accountant"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    assert_eq!(created.location(), "/settings/users");
    let list = admin.get("/settings/users?q=paul").await;
    assert!(list.has("Paul Martin") && list.has("comptable"));
    let mut paul = Browser::new(&app, "fr");
    let home = paul.log_in("paul@test.example", PASSWORD).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);

    let taken = admin
        .post(
            "/settings/users",
            &[
                ("_csrf", &token),
                ("email", "paul@test.example"),
                ("name", "Paul bis"),
                ("role", "viewer"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.has("id=\"e-email\">cette adresse e-mail ne peut pas être donnée"));

    let paul_id = user_id(&app, "paul@test.example").await;
    let log = admin.get("/settings/audit?entity=user&action=create").await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(
        log.has(&format!("href=\"/settings/users/{paul_id}\"")),
        "{}",
        log.html
    );
    assert!(log.has("<code>create</code>") && log.has("<code>user</code>"));
    let none = admin
        .get("/settings/audit?entity=user&action=create&from=2000-01-01&to=2000-12-31")
        .await;
    assert!(!none.has("<table") && none.has("Aucun résultat pour ces critères"));
    let admin_id = user_id(&app, "admin@test.example").await;
    let by_admin = admin
        .get(&format!("/settings/audit?user={admin_id}&entity=user"))
        .await;
    assert!(by_admin.has(&paul_id));
    assert!(by_admin.has(&format!("<option value=\"{admin_id}\" selected>")));
}

#[tokio::test]
async fn a_user_is_changed_with_the_version_read_and_an_admin_cannot_demote_itself() {
    let app = spawn_app().await;
    user(&app, "lea@test.example", "sales").await;
    let lea = user_id(&app, "lea@test.example").await;
    let mut admin = Browser::new(&app, "fr");
    let token = admin.signed_in("admin@test.example").await;
    let path = format!("/settings/users/{lea}");
    let form = admin.get(&path).await;
    assert_eq!(form.status, StatusCode::OK);
    let version = form.hidden("version");

    let changed = admin
        .post(
            &path,
            &[
                ("_csrf", &token),
                ("version", &version),
                ("email", "lea@test.example"),
                ("name", "Léa Durand"),
                ("role", "manager"),
                ("active", "false"),
                ("language", "en"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.html);
    let stored = app.get(&format!("/api/v1/users/{lea}")).await.body;
    assert_eq!(stored["role"], "manager");
    assert_eq!(stored["active"], false);
    assert_eq!(stored["language"], "en");
    let list = admin.get("/settings/users").await;
    assert!(list.has("Léa Durand") && list.has("Désactivé"));
    let mut her = Browser::new(&app, "fr");
    let refused = her.log_in("lea@test.example", PASSWORD).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);

    // The form read before the change is stale now.
    let stale = admin
        .post(
            &path,
            &[
                ("_csrf", &token),
                ("version", &version),
                ("email", "lea@test.example"),
                ("name", "Léa D."),
                ("role", "sales"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert!(stale.has("modifié entre-temps par quelqu'un d'autre"));
    assert!(stale.has("value=\"Léa Durand\"") && stale.has("<option value=\"manager\" selected>"));

    let me = user_id(&app, "admin@test.example").await;
    let path = format!("/settings/users/{me}");
    let version = admin.get(&path).await.hidden("version");
    let refused = admin
        .post(
            &path,
            &[
                ("_csrf", &token),
                ("version", &version),
                ("email", "admin@test.example"),
                ("name", "Admin"),
                ("role", "viewer"),
                ("active", "true"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.has("id=\"e-role\">vous ne pouvez pas changer votre propre rôle"));
    assert!(refused.has("<option value=\"viewer\" selected>"));
}

#[tokio::test]
async fn a_number_format_is_changed_and_a_bad_one_is_marked_next_to_its_field() {
    let app = spawn_app().await;
    let mut admin = Browser::new(&app, "fr");
    let token = admin.signed_in("admin@test.example").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    let page = admin.get("/settings/numbering").await;
    assert!(page.has(&format!("FAC-{year}-00001")) && page.has("Avoirs"));

    let refused = admin
        .post(
            "/settings/numbering/FAC",
            &[("_csrf", &token), ("pattern", "F-{N:6}")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("id=\"e-pattern-FAC\">doit contenir l'année, {YYYY} ou {YY}"),
        "{}",
        refused.html
    );
    assert!(refused.has("value=\"F-{N:6}\""), "what was typed is kept");
    assert!(!refused.has("id=\"e-pattern-AV\""));

    let changed = admin
        .post(
            "/settings/numbering/FAC",
            &[("_csrf", &token), ("pattern", "F{YY}/{N:6}")],
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let page = admin.get("/settings/numbering").await;
    assert!(
        page.has(&format!("F{}/000001", &year[2..])),
        "{}",
        page.html
    );
    let formats = app.get("/api/v1/settings/numbering").await.body;
    let invoices = formats
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["series"] == "FAC")
        .unwrap();
    assert_eq!(invoices["pattern"], "F{YY}/{N:6}");
    let unknown = admin
        .post(
            "/settings/numbering/XYZ",
            &[("_csrf", &token), ("pattern", "X{YY}{N}")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_chain_check_says_the_chain_is_intact_and_a_past_month_is_closed_once() {
    let app = spawn_app().await;
    let client = app
        .create("/api/v1/clients", json!({"name": "Salle des fêtes"}))
        .await;
    let draft = app
        .create(
            "/api/v1/invoices",
            json!({"client_id": id(&client), "lines": [{"description": "Location", "quantity": "1", "unit_price": "100", "vat_rate": "20"}]}),
        )
        .await;
    let issued = app
        .post(&format!("/api/v1/invoices/{}/issue", id(&draft)), json!({}))
        .await;
    assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);

    let mut admin = Browser::new(&app, "fr");
    let token = admin.signed_in("admin@test.example").await;
    let page = admin.get("/settings/compliance").await;
    assert!(!page.has("Chaîne intègre") && page.has("Aucune période clôturée"));
    let checked = admin.get("/settings/compliance?check=1").await;
    assert!(checked.has("Chaîne intègre"), "{}", checked.html);
    assert!(checked.has("Maillons vérifiés : 1"));

    let early = admin
        .post(
            "/settings/compliance/closings",
            &[("_csrf", &token), ("period", "2999-01")],
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early.has("id=\"e-period\">n'est pas terminée"),
        "{}",
        early.html
    );
    assert!(early.has("value=\"2999-01\""));

    let closed = admin
        .post(
            "/settings/compliance/closings",
            &[("_csrf", &token), ("period", "2020-01")],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.html);
    let page = admin.get("/settings/compliance").await;
    assert!(page.has("<td>2020-01</td>") && page.has("01/01/2020 – 31/01/2020"));
    // Closed again from another session (the same one's second sending
    // within seconds is a double click, following the first).
    let mut colleague = Browser::new(&app, "fr");
    let colleague_token = colleague.signed_in("admin@test.example").await;
    let again = colleague
        .post(
            "/settings/compliance/closings",
            &[("_csrf", &colleague_token), ("period", "2020-01")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.has("id=\"e-period\">est déjà clôturée"));
}
