use crate::helpers::{comptoir, fresh_database_url};
use comptoir::demo::{DEMO_PASSWORD, ensure_demo};
use comptoir::{open_database, start};
use serde_json::{Value, json};

#[tokio::test]
async fn the_demo_sells_too_and_its_records_verify() {
    let database_url = fresh_database_url().await;
    let db = open_database(&database_url).await.unwrap();
    let logins = ensure_demo(&db).await.unwrap();
    assert_eq!(logins.len(), 7, "one login per role");
    let again = ensure_demo(&db).await.unwrap();
    assert_eq!(again, logins, "a second run changes nothing");
    let address = start(db, Default::default(), "127.0.0.1:0").await.unwrap();
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("http://{address}/api/v1/auth/login"))
        .json(&json!({"email": "admin@demo.comptoir.test", "password": DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["access_token"].as_str().unwrap().to_owned();
    let get = |path: &str| {
        let request = http
            .get(format!("http://{address}/api/v1{path}"))
            .bearer_auth(&token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let quotes = get("/quotes").await;
    assert_eq!(quotes["items"][0]["status"], "sent");
    let orders = get("/orders?status=draft").await;
    assert_eq!(orders["total"], 1);
    let invoices = get("/invoices").await;
    let invoice = &invoices["items"][0];
    assert_eq!(invoice["status"], "partially_paid");
    let detail = get(&format!("/invoices/{}", invoice["id"].as_str().unwrap())).await;
    assert_eq!(detail["balance_due"], detail["amount_paid"], "paid half");
    let chain = get("/compliance/chain").await;
    assert_eq!(
        (chain["status"].clone(), chain["verified"].clone()),
        (json!("ok"), json!(2))
    );
    let timeline = get(&format!(
        "/events?subject_id={}",
        invoice["id"].as_str().unwrap()
    ))
    .await;
    assert_eq!(timeline["total"], 3);
    for check in ["verify-stock", "verify-chain"] {
        let (ok, out) = comptoir(&database_url, &[check]);
        assert!(ok, "{check}: {out}");
    }
}
