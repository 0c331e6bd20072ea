use crate::helpers::{comptoir, fresh_database_url, open_test_database};
use chrono::{Datelike, Months, NaiveDate, Utc};
use comptoir::demo::{DEMO_PASSWORD, ensure_demo};
use comptoir::start;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

#[tokio::test]
async fn the_demo_sells_too_and_its_records_verify() {
    let database_url = fresh_database_url().await;
    let db = open_test_database(&database_url).await;
    let started = std::time::Instant::now();
    let logins = ensure_demo(&db).await.unwrap();
    eprintln!("demo created in {:?}", started.elapsed());
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
    let get = |path: String| {
        let request = http
            .get(format!("http://{address}/api/v1{path}"))
            .bearer_auth(&token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    // Every item of a list, page after page.
    let all = |path: &str| {
        let path = path.to_owned();
        let get = &get;
        async move {
            let mut items = Vec::new();
            for page in 1.. {
                let sep = if path.contains('?') { '&' } else { '?' };
                let listing = get(format!("{path}{sep}page={page}&page_size=200")).await;
                let batch = listing["items"].as_array().unwrap().clone();
                items.extend(batch);
                if items.len() as u64 >= listing["total"].as_u64().unwrap() {
                    break;
                }
            }
            items
        }
    };
    let total = |path: &str| {
        let get = &get;
        let path = path.to_owned();
        async move { get(path).await["total"].as_u64().unwrap() }
    };
    let today = Utc::now().date_naive();
    let date =
        |value: &Value| NaiveDate::parse_from_str(value.as_str().unwrap(), "%Y-%m-%d").unwrap();

    // Quotes in every state a pipeline shows; sent: today's, and most
    // days a few recent ones of the history.
    for (status, least) in [
        ("sent", 1),
        ("converted", 50),
        ("refused", 10),
        ("expired", 10),
    ] {
        let count = total(&format!("/quotes?status={status}")).await;
        assert!(count >= least, "{count} {status} quotes");
    }
    // Orders: today's draft, the history's invoiced ones, a few still open.
    assert_eq!(total("/orders?status=draft").await, 1);
    assert!(total("/orders?status=invoiced").await >= 100);

    // Invoices in each of the last twelve months, and the year before too.
    let invoices = all("/invoices?sort=number").await;
    assert!(invoices.len() >= 100, "{} invoices", invoices.len());
    let mut per_month: BTreeMap<(i32, u32), u32> = BTreeMap::new();
    let mut per_year: BTreeMap<String, Vec<(NaiveDate, String)>> = BTreeMap::new();
    for invoice in &invoices {
        let issued = date(&invoice["issue_date"]);
        assert!(issued <= today, "issued in the future: {invoice}");
        assert!(date(&invoice["due_date"]) >= issued);
        *per_month
            .entry((issued.year(), issued.month()))
            .or_default() += 1;
        let number = invoice["number"].as_str().unwrap().to_owned();
        per_year
            .entry(number[4..8].to_owned())
            .or_default()
            .push((issued, number));
    }
    let this_month = today.with_day(1).unwrap();
    // The fourteen whole months before this one, and this one once well begun.
    for back in 0..15 {
        let month = this_month - Months::new(back);
        if back == 0 && today.day() < 20 {
            continue;
        }
        assert!(
            per_month.contains_key(&(month.year(), month.month())),
            "no invoice in {month}: {per_month:?}"
        );
    }
    // Numbered per year, gapless, in date order, each for its own year.
    for (year, mut numbered) in per_year {
        numbered.sort_by(|a, b| a.1.cmp(&b.1));
        for (position, (issued, number)) in numbered.iter().enumerate() {
            assert_eq!(number, &format!("FAC-{year}-{:05}", position + 1));
            assert_eq!(issued.year().to_string(), year);
        }
        assert!(
            numbered.windows(2).all(|w| w[0].0 <= w[1].0),
            "invoice numbers follow their dates in {year}"
        );
    }
    for status in ["paid", "partially_paid", "issued"] {
        let count = total(&format!("/invoices?status={status}")).await;
        assert!(count >= 2, "{count} {status} invoices");
    }
    let overdue = all("/invoices?overdue=true").await;
    assert!(overdue.len() >= 2, "{} overdue invoices", overdue.len());
    for invoice in &overdue {
        assert!(date(&invoice["due_date"]) < today);
        assert_ne!(invoice["balance_due"], "0.00");
    }
    let credit_notes = total("/credit-notes").await;
    assert!(credit_notes >= 2, "{credit_notes} credit notes");
    let payments = all("/payments").await;
    assert!(payments.iter().all(|p| date(&p["date"]) <= today));
    let clients: BTreeSet<String> = invoices
        .iter()
        .map(|i| i["client_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(clients.len() >= 10, "{} clients invoiced", clients.len());
    let products: BTreeSet<String> = all("/stock/movements")
        .await
        .iter()
        .filter(|m| m["type"] == "issue")
        .map(|m| m["product_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        products.len() >= 15,
        "{} products delivered",
        products.len()
    );
    for level in all("/stock").await {
        for field in ["physical", "reserved", "available"] {
            assert!(!level[field].as_str().unwrap().starts_with('-'), "{level}");
        }
    }

    // Today's invoice, the last numbered: issued and half paid.
    let latest = get("/invoices?sort=-number&page_size=1".into()).await;
    let invoice = &latest["items"][0];
    assert_eq!(invoice["status"], "partially_paid");
    let id = invoice["id"].as_str().unwrap();
    let detail = get(format!("/invoices/{id}")).await;
    assert_eq!(detail["balance_due"], detail["amount_paid"], "paid half");
    let timeline = get(format!("/events?subject_id={id}")).await;
    assert_eq!(timeline["total"], 3);

    // Every invoice and credit note was printed when issued, as the
    // issuing service prints: its PDF and Factur-X XML stored and named,
    // the PDF served as stored.
    for path in ["/invoices", "/credit-notes"] {
        for document in all(path).await {
            assert!(document["pdf_sha256"].is_string(), "no PDF: {document}");
            assert!(document["xml_sha256"].is_string(), "no XML: {document}");
        }
    }
    let pdf = http
        .get(format!("http://{address}/api/v1/invoices/{id}/pdf"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&pdf)),
        detail["pdf_sha256"].as_str().unwrap()
    );

    let chain = get("/compliance/chain".into()).await;
    assert_eq!(chain["status"], "ok");
    let links = invoices.len() as u64 + credit_notes + payments.len() as u64;
    assert_eq!(chain["verified"], json!(links));
    for check in ["verify-stock", "verify-chain"] {
        let (ok, out) = comptoir(&database_url, &[check]);
        assert!(ok, "{check}: {out}");
    }
}
