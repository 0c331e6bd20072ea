//! The stock ledger names in the reader's language what the services
//! wrote on their movements: a delivery, a return and why.

use crate::exports::operations;
use crate::helpers::spawn_app;
use crate::pages::Browser;
use reqwest::StatusCode;

#[tokio::test]
async fn the_ledger_names_deliveries_and_returns_in_the_readers_language() {
    let app = spawn_app().await;
    let ops = operations(&app).await;
    let mut french = Browser::new(&app, "fr");
    french.signed_in("admin@test.example").await;
    let ledger = french.get("/stock/movements").await;
    assert_eq!(ledger.status, StatusCode::OK);
    assert!(
        ledger.has(&format!(
            "{} <span class=\"hint\">Livraison</span>",
            ops.port.number
        )),
        "{}",
        ledger.html
    );
    assert!(
        ledger.has("<span class=\"hint\">Retour : défaut</span>"),
        "{}",
        ledger.html
    );
    assert!(!ledger.has(">delivery<") && !ledger.has(">return: defect<"));

    let csrf = french.signed_in("admin@test.example").await;
    let chosen = [("_csrf", csrf.as_str()), ("language", "en"), ("next", "/")];
    french.post("/language", &chosen).await;
    let ledger = french.get("/stock/movements").await;
    assert!(ledger.has("<html lang=\"en\">"));
    assert!(
        ledger.has("<span class=\"hint\">Delivery</span>"),
        "{}",
        ledger.html
    );
    assert!(ledger.has("<span class=\"hint\">Return: defect</span>"));
}
