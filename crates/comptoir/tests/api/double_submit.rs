//! A form sent twice acts once, without the script's help: the second
//! sending of the same values, at once or while the first runs, follows
//! the first to what it made; other values act as usual.

use crate::helpers::spawn_app;
use crate::pages::Browser;
use reqwest::StatusCode;

#[tokio::test]
async fn the_same_client_form_sent_twice_creates_one_client() {
    let app = spawn_app().await;
    let mut first = Browser::new(&app, "fr-FR");
    let csrf = first.signed_in("admin@test.example").await;
    let mut second = Browser::new(&app, "fr-FR");
    second.cookies = first.cookies.clone();
    let form = [
        ("_csrf", csrf.as_str()),
        ("name", "Garage Martin"),
        ("kind", "company"),
        ("status", "active"),
        ("payment_terms_days", "30"),
    ];

    let (one, two) = tokio::join!(
        first.post("/clients", &form),
        second.post("/clients", &form)
    );
    assert_eq!(one.status, StatusCode::SEE_OTHER, "{}", one.html);
    assert_eq!(two.status, StatusCode::SEE_OTHER, "{}", two.html);
    assert_eq!(
        one.location(),
        two.location(),
        "both land on the one client"
    );
    let again = first.post("/clients", &form).await;
    assert_eq!(
        again.location(),
        one.location(),
        "a third click a moment later too"
    );
    let listed = app.get("/api/v1/clients?q=Garage").await;
    assert_eq!(listed.body["total"], 1, "{:?}", listed.body);

    let other = [
        ("_csrf", csrf.as_str()),
        ("name", "Garage Martin et fils"),
        ("kind", "company"),
        ("status", "active"),
        ("payment_terms_days", "30"),
    ];
    let different = first.post("/clients", &other).await;
    assert_eq!(different.status, StatusCode::SEE_OTHER);
    assert_ne!(different.location(), one.location());
    let refused = [("_csrf", csrf.as_str()), ("name", ""), ("kind", "company")];
    for _ in 0..2 {
        let page = first.post("/clients", &refused).await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "a refused form is refused each time it is sent"
        );
    }
    let listed = app.get("/api/v1/clients?q=Garage").await;
    assert_eq!(listed.body["total"], 2, "{:?}", listed.body);
}
