//! The organization's settings: its name and time zone through the API
//! and the page, and what the time zone changes — the day an invoice is
//! issued on and the times the pages show.

use crate::dashboard::{client, invoice, service};
use crate::helpers::{TestApp, field_names, spawn_app};
use crate::pages::{Browser, user};
use chrono::{DateTime, FixedOffset, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Kiritimati is 14 hours ahead of UTC and Pago Pago 11 hours behind,
/// neither with summer time: 25 hours apart, their dates always differ.
const AHEAD: (&str, i32) = ("Pacific/Kiritimati", 14);
const BEHIND: (&str, i32) = ("Pacific/Pago_Pago", -11);

async fn put(
    app: &TestApp,
    token: &str,
    body: Value,
    if_match: Option<&str>,
) -> crate::helpers::Reply {
    let headers: Vec<(&str, &str)> = if_match.map(|v| ("If-Match", v)).into_iter().collect();
    app.send(
        Method::PUT,
        "/api/v1/settings/organization",
        Some(token),
        Some(body),
        &headers,
    )
    .await
}

/// The calendar day at `at` on a clock `hours` from UTC.
fn day_at(at: DateTime<Utc>, hours: i32) -> String {
    let offset = FixedOffset::east_opt(hours * 3600).expect("offset");
    at.with_timezone(&offset).date_naive().to_string()
}

#[tokio::test]
async fn an_admin_renames_the_organization_and_sets_its_time_zone_through_the_api() {
    let app = spawn_app().await;
    let settings = app.get("/api/v1/settings/organization").await;
    assert_eq!(settings.status, StatusCode::OK);
    assert_eq!(settings.body["time_zone"], "Europe/Paris");
    let version = settings.body["version"].as_i64().expect("version");

    let refused = put(
        &app,
        &app.admin_token,
        json!({"name": "", "time_zone": "Paris"}),
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        field_names(&refused.body),
        ["name", "time_zone"],
        "{:?}",
        refused.body
    );

    let body = json!({"name": "Traiteur des Îles", "time_zone": "America/Martinique"});
    let changed = put(
        &app,
        &app.admin_token,
        body.clone(),
        Some(&version.to_string()),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{:?}", changed.body);
    assert_eq!(changed.body["name"], "Traiteur des Îles");
    assert_eq!(changed.body["time_zone"], "America/Martinique");
    assert_eq!(changed.body["version"], version + 1);

    let stale = put(
        &app,
        &app.admin_token,
        body.clone(),
        Some(&version.to_string()),
    )
    .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);

    let clerk = app.user_token("stock@test.example", "warehouse").await;
    let read = app
        .send(
            Method::GET,
            "/api/v1/settings/organization",
            Some(&clerk),
            None,
            &[],
        )
        .await;
    assert_eq!(read.body["time_zone"], "America/Martinique");
    let forbidden = put(&app, &clerk, body, None).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_invoice_is_issued_on_the_organizations_today_not_utcs() {
    let app = spawn_app().await;
    let buyer = client(&app, "Hôtel du Lagon").await;
    let mut days = Vec::new();
    for (zone, hours) in [AHEAD, BEHIND] {
        let set = put(
            &app,
            &app.admin_token,
            json!({"name": "Comptoir", "time_zone": zone,
                   "vat_number": crate::helpers::TEST_VAT_NUMBER}),
            None,
        )
        .await;
        assert_eq!(set.status, StatusCode::OK, "{:?}", set.body);
        let before = Utc::now();
        let issued = invoice(&app, &buyer, service("100")).await;
        let after = Utc::now();
        let issue_date = issued["issue_date"]
            .as_str()
            .expect("issue date")
            .to_owned();
        assert!(
            [day_at(before, hours), day_at(after, hours)].contains(&issue_date),
            "{zone}: issued on {issue_date}"
        );
        days.push(issue_date);
    }
    assert_ne!(days[0], days[1]);
}

#[tokio::test]
async fn the_settings_page_changes_the_time_zone_and_the_pages_show_times_in_it() {
    let app = spawn_app().await;
    let mut admin = Browser::new(&app, "fr");
    let token = admin.signed_in("admin@test.example").await;
    let form = admin.get("/settings/organization").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(
        form.has("<option selected>Europe/Paris</option>"),
        "{}",
        form.html
    );
    let version = app.get("/api/v1/settings/organization").await.body["version"].to_string();

    let refused = admin
        .post(
            "/settings/organization",
            &[
                ("_csrf", &token),
                ("version", &version),
                ("name", ""),
                ("time_zone", "Lune/Mer_de_la_Tranquillite"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.has("doit être un fuseau horaire IANA"),
        "{}",
        refused.html
    );

    let (zone, hours) = AHEAD;
    let saved = admin
        .post(
            "/settings/organization",
            &[
                ("_csrf", &token),
                ("version", &version),
                ("name", "Comptoir du Pacifique"),
                ("time_zone", zone),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);

    // The change is in the audit log, and the log shows its time on the
    // organization's clock.
    let entries = app.get("/api/v1/audit?resource_type=organization").await;
    let at: DateTime<Utc> = entries.body["items"][0]["at"]
        .as_str()
        .expect("at")
        .parse()
        .expect("instant");
    let local = at.with_timezone(&FixedOffset::east_opt(hours * 3600).expect("offset"));
    let log = admin.get("/settings/audit").await;
    let shown = local.format("%d/%m/%Y %H:%M").to_string();
    assert!(log.has(&shown), "{shown} not in {}", log.html);
    let utc = at.format("%d/%m/%Y %H:%M").to_string();
    assert!(!log.has(&utc), "the UTC time {utc} is shown");

    let stale = admin
        .post(
            "/settings/organization",
            &[
                ("_csrf", &token),
                ("version", &version),
                ("name", "Autre nom"),
                ("time_zone", "Europe/Paris"),
            ],
        )
        .await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    assert!(stale.has("modifié entre-temps"), "{}", stale.html);
    assert!(stale.has("value=\"Comptoir du Pacifique\""));

    user(&app, "vente@test.example", "sales").await;
    let mut sales = Browser::new(&app, "fr");
    sales.signed_in("vente@test.example").await;
    assert_eq!(
        sales.get("/settings/organization").await.status,
        StatusCode::FORBIDDEN
    );
}
