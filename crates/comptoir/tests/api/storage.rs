use crate::helpers::{fresh_database_url, fresh_sqlite_url, postgres_server, spawn_app};
use comptoir::open_database;
use comptoir_db::Sql;
use reqwest::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

/// 32 clerks creating products at once: every write succeeds, none sees
/// "database is locked" on SQLite.
#[tokio::test]
async fn thirty_two_concurrent_writers_all_succeed() {
    let app = spawn_app().await;
    let mut handles = Vec::new();
    for i in 0..32 {
        let client = app.client.clone();
        let url = app.url("/api/v1/products");
        let token = app.admin_token.clone();
        handles.push(tokio::spawn(async move {
            let reply = client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"code": format!("W{i}"), "name": "Concurrent", "sale_price": "1.00"}))
                .send()
                .await
                .unwrap();
            let status = reply.status();
            (status, reply.text().await.unwrap())
        }));
    }
    for handle in handles {
        let (status, body) = handle.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert_eq!(app.get("/api/v1/products?q=W").await.body["total"], 32);
    let audit = app
        .get("/api/v1/audit?resource_type=product&page_size=200")
        .await;
    assert_eq!(audit.body["total"], 32);
}

async fn columns(url: &str, sql: &str) -> BTreeSet<(String, String)> {
    let db = open_database(url).await.unwrap();
    let rows: Vec<(String, String)> = db.fetch_all(Sql::new(sql)).await.unwrap();
    rows.into_iter()
        .filter(|(table, _)| !table.starts_with("_sqlx"))
        .collect()
}

/// Both backends' migrations produce the same tables and columns.
#[tokio::test]
async fn both_backends_have_the_same_schema() {
    let Some(_) = postgres_server() else {
        eprintln!("schema parity needs COMPTOIR_TEST_DATABASE_URL (runs in the PostgreSQL pass)");
        return;
    };
    let postgres = columns(
        &fresh_database_url().await,
        "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .await;
    let sqlite = columns(
        &fresh_sqlite_url(),
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
    )
    .await;
    assert!(postgres.len() > 100, "{}", postgres.len());
    assert_eq!(postgres, sqlite);
}
