//! The credit notes' export: `GET /api/v1/credit-notes/export` and the
//! export menu of the credit notes page hold the rows the list's search
//! and status select, as CSV and XLSX, refused to a role without
//! `invoices.read` or `data.export`.

use crate::helpers::{TestApp, id, spawn_app};
use crate::pages::{Browser, Page, user};
use calamine::{Data, Reader};
use reqwest::header::CONTENT_DISPOSITION;
use reqwest::{Method, StatusCode};
use serde_json::json;

/// Two issued invoices, each credited in full: the first note says
/// "Rayures", the second "Retard". Their numbers.
async fn credit_notes(app: &TestApp) -> (String, String) {
    let client = id(&app
        .create("/api/v1/clients", json!({"name": "Salle des fêtes"}))
        .await);
    let mut numbers = Vec::new();
    for notes in ["Rayures", "Retard"] {
        let draft = app
            .create(
                "/api/v1/invoices",
                json!({"client_id": client, "lines": [{"description": "Location de salle", "quantity": "2", "unit_price": "50", "vat_rate": "20"}]}),
            )
            .await;
        let issued = app
            .post(&format!("/api/v1/invoices/{}/issue", id(&draft)), json!({}))
            .await;
        assert_eq!(issued.status, StatusCode::OK, "{:?}", issued.body);
        let note = app
            .create(
                &format!("/api/v1/invoices/{}/credit-notes", id(&draft)),
                json!({"notes": notes}),
            )
            .await;
        numbers.push(note["number"].as_str().unwrap().to_owned());
    }
    (numbers[0].clone(), numbers[1].clone())
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn the_credit_notes_export_holds_the_rows_the_list_selects() {
    let app = spawn_app().await;
    let (scratched, late) = credit_notes(&app).await;

    let (status, csv) = app
        .download_with_status("/api/v1/credit-notes/export?q=Rayures")
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = text(csv);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "number,status,client,issue_date,valid_until_or_due_date,currency,discount_percent,total_excl_tax,total_tax,total_incl_tax"
    );
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with(&format!("{scratched},issued,")),
        "{csv}"
    );
    assert!(lines[1].ends_with(",100.00,20.00,120.00"), "{csv}");
    let drafts = text(
        app.download("/api/v1/credit-notes/export?status=draft")
            .await,
    );
    assert_eq!(drafts.lines().count(), 1, "{drafts}");

    let xlsx = app
        .download("/api/v1/credit-notes/export?format=xlsx&q=Retard")
        .await;
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(xlsx)).unwrap();
    let rows: Vec<Vec<Data>> = workbook
        .worksheet_range("credit-notes")
        .unwrap()
        .rows()
        .map(|row| row.to_vec())
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1][0], Data::String(late.clone()));
    assert_eq!(rows[1][9], Data::Float(120.0));

    let document = app.get("/api/v1/openapi.json").await.body;
    let route = &document["paths"]["/api/v1/credit-notes/export"]["get"];
    assert_eq!(
        route["security"][0]["bearer"],
        json!(["invoices.read", "data.export"]),
        "{route}"
    );

    // The page's menu carries its search.
    let mut admin = Browser::new(&app, "fr");
    admin.signed_in("admin@test.example").await;
    let list = admin.get("/credit-notes?q=Retard").await;
    assert!(list.has(&late) && !list.has(&scratched));
    for format in ["csv", "excel", "xlsx"] {
        let href = format!("/credit-notes/export?format={format}&q=Retard&status=");
        assert!(list.has(&href), "{href}: {}", list.html);
    }
    let file: Page = admin
        .get("/credit-notes/export?format=csv&q=Retard&status=")
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(
        file.headers[CONTENT_DISPOSITION],
        "attachment; filename=\"credit-notes.csv\""
    );
    assert!(file.html.contains(&late) && !file.html.contains(&scratched));
}

#[tokio::test]
async fn the_credit_notes_export_is_refused_without_its_permissions() {
    let app = spawn_app().await;
    let (scratched, _) = credit_notes(&app).await;
    let path = "/api/v1/credit-notes/export";
    for (email, role, status) in [
        ("vente@test.example", "sales", StatusCode::FORBIDDEN),
        ("magasin@test.example", "warehouse", StatusCode::FORBIDDEN),
        ("compta@test.example", "accountant", StatusCode::OK),
    ] {
        let token = app.user_token(email, role).await;
        let reply = app.send(Method::GET, path, Some(&token), None, &[]).await;
        assert_eq!(reply.status, status, "{role}");
    }

    user(&app, "vente2@test.example", "sales").await;
    let mut sales = Browser::new(&app, "fr");
    sales.signed_in("vente2@test.example").await;
    let list = sales.get("/credit-notes").await;
    assert_eq!(list.status, StatusCode::OK, "sales read the credit notes");
    assert!(list.has(&scratched));
    assert!(!list.has("/credit-notes/export"), "no export offered");
    let refused = sales.get("/credit-notes/export?format=csv").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
