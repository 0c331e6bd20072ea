use crate::helpers::spawn_app;
use comptoir_db::{Backend, Sql};
use reqwest::StatusCode;
use serde_json::json;

fn verify_audit(database_url: &str) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["--database-url", database_url, "verify-audit"])
        .output()
        .expect("run comptoir verify-audit");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test]
async fn mutations_are_audited_and_tampering_is_detected() {
    let app = spawn_app().await;
    let product = app.create_product("AUD-1").await;
    let id = product["id"].as_str().unwrap();
    app.patch(
        &format!("/api/v1/products/{id}"),
        json!({"name": "Renommé"}),
    )
    .await;
    app.delete(&format!("/api/v1/products/{id}")).await;

    let entries = app
        .get(&format!(
            "/api/v1/audit?resource_type=product&resource_id={id}"
        ))
        .await;
    assert_eq!(entries.status, StatusCode::OK);
    let items = entries.body["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "update", "delete"]);
    assert_eq!(items[1]["before"]["name"], "Produit AUD-1");
    assert_eq!(items[1]["after"]["name"], "Renommé");
    assert!(
        items[1]["request_id"]
            .as_str()
            .is_some_and(|r| !r.is_empty())
    );
    assert_eq!(items[0]["ip"], "127.0.0.1");
    let me = app.get("/api/v1/auth/me").await;
    assert_eq!(items[0]["user_id"], me.body["user"]["id"]);

    let (ok, out) = verify_audit(&app.database_url);
    assert!(ok, "{out}");
    assert!(out.starts_with("OK"), "{out}");

    // The database refuses edits; someone with DDL rights gets around that.
    let refused = app
        .db
        .execute(Sql::new("UPDATE audit_log SET action = 'read'"))
        .await;
    assert!(refused.is_err());
    let drop = match app.db.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        Backend::Postgres => "DROP TRIGGER audit_log_no_update ON audit_log",
    };
    app.db.execute(Sql::new(drop)).await.unwrap();
    app.db
        .execute(
            Sql::new(
                "UPDATE audit_log SET after_state = NULL WHERE seq = 2 AND organization_id = $1",
            )
            .bind(app.organization_id),
        )
        .await
        .unwrap();
    let (ok, out) = verify_audit(&app.database_url);
    assert!(!ok);
    assert!(out.contains("BROKEN") && out.contains("#2"), "{out}");
}

#[tokio::test]
async fn the_audit_log_answers_while_an_import_holds_the_chain() {
    let app = spawn_app().await;
    if app.db.backend() == Backend::Sqlite {
        // One writer at a time: an import there holds the whole database.
        return;
    }
    let mut import = app.db.begin().await.unwrap();
    comptoir_db::audit::lock_head(&mut import, app.organization_id)
        .await
        .unwrap();
    let product = app.create_product("PENDANT-IMPORT").await;
    let path = format!(
        "/api/v1/audit?resource_type=product&resource_id={}",
        product["id"].as_str().unwrap()
    );
    let listed = tokio::time::timeout(std::time::Duration::from_secs(10), app.get(&path))
        .await
        .expect("the audit log answers while the chain head is held");
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(
        listed.body["total"], 0,
        "the entry waits unchained, and is not listed"
    );
    import.rollback().await.unwrap();
    assert_eq!(app.get(&path).await.body["total"], 1);
    let (ok, out) = verify_audit(&app.database_url);
    assert!(ok, "{out}");
}

#[tokio::test]
async fn a_reader_waits_for_a_chainer_at_work_and_lists_what_was_committed() {
    let app = spawn_app().await;
    if app.db.backend() == Backend::Sqlite {
        // One writer at a time: a chainer there holds the whole database.
        return;
    }
    let mut chainer = app.db.begin().await.unwrap();
    chainer
        .execute(
            Sql::new("SELECT seq FROM audit_heads WHERE organization_id = $1 FOR UPDATE")
                .bind(app.organization_id),
        )
        .await
        .unwrap();
    let product = app.create_product("PENDANT-CHAINER").await;
    let path = format!(
        "/api/v1/audit?resource_type=product&resource_id={}",
        product["id"].as_str().unwrap()
    );
    let (listed, ()) = tokio::join!(app.get(&path), async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        chainer.rollback().await.unwrap();
    });
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(
        listed.body["total"], 1,
        "a chainer's short hold is waited for, not skipped like an import's"
    );
}
