//! Supplier invoices (payables) through the API: e-invoices received in
//! each syntax and matched to the purchase order they bill, bad and
//! duplicate files refused, an unknown supplier proposed then created,
//! approval, disputes, payments out and what is due to pay.

use crate::helpers::{TestApp, field_names, id, spawn_app};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub(crate) const CII: &[u8] =
    include_bytes!("../../../documents/tests/fixtures/received/cii-invoice.xml");
const UBL: &[u8] = include_bytes!("../../../documents/tests/fixtures/received/ubl-invoice.xml");
const FACTUR_X: &[u8] =
    include_bytes!("../../../documents/tests/fixtures/received/facturx-invoice.pdf");

/// Uploads `bytes` as multipart `file` to `path` with `method`.
async fn upload(app: &TestApp, method: Method, path: &str, bytes: &[u8]) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes.to_vec()).file_name("invoice"));
    let reply = app
        .client
        .request(method, app.url(path))
        .bearer_auth(&app.admin_token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = reply.status();
    (status, reply.json().await.unwrap_or(Value::Null))
}

pub(crate) async fn receive(app: &TestApp, bytes: &[u8]) -> (StatusCode, Value) {
    upload(app, Method::POST, "/api/v1/supplier-invoices", bytes).await
}

/// The supplier of the fixtures, its products (the paper listed under
/// the supplier's own code), and purchase order ACH-2026-00001 sent and
/// received in full: 10 reams at 4.50 and 20 pens at 0.75.
pub(crate) struct Bought {
    pub(crate) supplier: String,
    pub(crate) order: String,
}

/// Gives `supplier` payment terms of 45 days.
async fn pay_after_45_days(app: &TestApp, supplier: &str) {
    let patched = app
        .patch(
            &format!("/api/v1/suppliers/{supplier}"),
            json!({"payment_terms_days": 45}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{:?}", patched.body);
}

pub(crate) async fn buy(app: &TestApp) -> Bought {
    let supplier = id(&app
        .create(
            "/api/v1/suppliers",
            json!({"name": "Papeterie Martin", "siren": "732829320", "vat_number": "FR44732829320"}),
        )
        .await);
    let warehouse = app
        .create("/api/v1/warehouses", json!({"code": "LYO", "name": "Lyon"}))
        .await;
    let stock = warehouse["default_location_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let paper = id(&app
        .create(
            "/api/v1/products",
            json!({"code": "RAM-A4", "name": "Ramette A4", "sale_price": "9", "purchase_price": "4.50"}),
        )
        .await);
    let pens = id(&app
        .create(
            "/api/v1/products",
            json!({"code": "STY-BLEU", "name": "Stylo bleu", "sale_price": "2", "purchase_price": "0.75"}),
        )
        .await);
    app.create(
        &format!("/api/v1/products/{paper}/suppliers"),
        json!({"supplier_id": supplier, "purchase_price": "4.50", "supplier_reference": "PM-A4-80"}),
    )
    .await;
    let order = app
        .create(
            "/api/v1/purchase-orders",
            json!({"supplier_id": supplier, "warehouse_id": id(&warehouse), "issue_date": "2026-11-10",
                   "lines": [{"product_id": paper, "quantity": "10"},
                             {"product_id": pens, "quantity": "20"}]}),
        )
        .await;
    assert_eq!(order["number"], "ACH-2026-00001");
    let path = format!("/api/v1/purchase-orders/{}", id(&order));
    app.post(&format!("{path}/send"), json!({})).await;
    let lines: Vec<Value> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| json!({"line_id": id(l), "quantity": l["quantity"], "location_id": stock}))
        .collect();
    let received = app
        .create(&format!("{path}/receipts"), json!({"lines": lines}))
        .await;
    assert_eq!(received["order"]["status"], "received", "{received:?}");
    Bought {
        supplier,
        order: id(&order),
    }
}

#[tokio::test]
async fn e_invoices_in_each_syntax_are_received_and_matched_to_the_order() {
    let app = spawn_app().await;
    let bought = buy(&app).await;
    for (bytes, format, number) in [
        (CII, "cii", "PM-2026-0101"),
        (UBL, "ubl", "PM-2026-0102"),
        (FACTUR_X, "facturx", "PM-2026-0103"),
    ] {
        let (status, invoice) = receive(&app, bytes).await;
        assert_eq!(status, StatusCode::CREATED, "{format}: {invoice:?}");
        assert_eq!(invoice["number"], number);
        assert_eq!(invoice["original_format"], format);
        assert_eq!(invoice["status"], "received");
        assert_eq!(invoice["supplier_id"], bought.supplier.as_str());
        assert_eq!(invoice["purchase_order_id"], bought.order.as_str());
        assert_eq!(invoice["total_incl_tax"], "73.20");
        assert_eq!(invoice["balance_due"], "73.20");
        let paper = &invoice["lines"][0];
        assert!(paper["purchase_order_line_id"].is_string(), "{format}");
        assert_eq!(
            (&paper["quantity_differs"], &paper["price_differs"]),
            (&json!(false), &json!(false))
        );
        let pens = &invoice["lines"][1];
        assert_eq!(pens["unit_price"], "0.80");
        assert!(pens["purchase_order_line_id"].is_string());
        assert_eq!(pens["quantity_differs"], false, "20 billed, 20 received");
        assert_eq!(pens["price_differs"], true, "0.80 billed, ordered at 0.75");
        let original = app
            .download(&format!(
                "/api/v1/supplier-invoices/{}/original",
                id(&invoice)
            ))
            .await;
        assert_eq!(original, bytes, "{format}: the file as it came");
    }

    let (status, again) = receive(&app, CII).await;
    assert_eq!(status, StatusCode::CONFLICT, "{again:?}");
    assert_eq!(
        again["message"],
        "this file was already received, as the supplier's invoice PM-2026-0101"
    );
    let listed = app.get("/api/v1/supplier-invoices").await.body;
    assert_eq!(listed["total"], 3);
}

#[tokio::test]
async fn the_same_file_sent_twice_at_once_is_received_once() {
    let app = spawn_app().await;
    buy(&app).await;
    let (first, second) = tokio::join!(receive(&app, UBL), receive(&app, UBL));
    let mut statuses = [first.0, second.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    let listed = app.get("/api/v1/supplier-invoices").await.body;
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn a_file_that_is_not_a_valid_e_invoice_is_refused_with_its_reason() {
    let app = spawn_app().await;
    let refused = |bytes: Vec<u8>| {
        let app = &app;
        async move {
            let (status, body) = receive(app, &bytes).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body:?}");
            assert_eq!(field_names(&body), ["file"]);
            body["details"]["fields"][0]["message"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(
        refused(b"reference;quantite\nA;1\n".to_vec()).await,
        "the file is not an e-invoice: expected a Factur-X PDF, a CII XML or a UBL 2.1 XML invoice"
    );
    let wrong_total = String::from_utf8(CII.to_vec()).unwrap().replace(
        "<ram:DuePayableAmount>73.20</ram:DuePayableAmount>",
        "<ram:DuePayableAmount>80.00</ram:DuePayableAmount>",
    );
    assert_eq!(
        refused(wrong_total.into_bytes()).await,
        "the invoice's totals do not add up: the total less what was prepaid come to 73.20, \
         the invoice states 80.00"
    );
    let mut plain_pdf = FACTUR_X.to_vec();
    while let Some(at) = plain_pdf.windows(12).position(|w| w == b"factur-x.xml") {
        plain_pdf[at..at + 12].copy_from_slice(b"notes-xx.txt");
    }
    assert!(
        refused(plain_pdf)
            .await
            .starts_with("the PDF carries no e-invoice")
    );
    let listed = app.get("/api/v1/supplier-invoices").await.body;
    assert_eq!(listed["total"], 0);
}

#[tokio::test]
async fn an_unknown_seller_is_proposed_then_created_as_the_supplier() {
    let app = spawn_app().await;
    let unknown = String::from_utf8(CII.to_vec())
        .unwrap()
        .replace("FR44732829320", "FR96552100554")
        .replace("732829320", "552100554")
        .replace("Papeterie Martin SAS", "Fournitures Lebrun SARL");
    let (status, invoice) = receive(&app, unknown.as_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{invoice:?}");
    assert_eq!(invoice["supplier_id"], Value::Null);
    assert_eq!(
        invoice["proposed_supplier"],
        json!({"name": "Fournitures Lebrun SARL", "siren": "552100554", "vat_number": "FR96552100554"})
    );
    let path = format!("/api/v1/supplier-invoices/{}", id(&invoice));
    let early = app.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.body["code"], "invalid_transition");

    let resolved = app
        .post(&format!("{path}/supplier"), json!({"create": true}))
        .await;
    assert_eq!(resolved.status, StatusCode::OK, "{:?}", resolved.body);
    assert_eq!(resolved.body["proposed_supplier"], Value::Null);
    let supplier = app
        .get(&format!(
            "/api/v1/suppliers/{}",
            resolved.body["supplier_id"].as_str().unwrap()
        ))
        .await
        .body;
    assert_eq!(supplier["name"], "Fournitures Lebrun SARL");
    assert_eq!(supplier["siren"], "552100554");
    let twice = app
        .post(&format!("{path}/supplier"), json!({"create": true}))
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    // The next invoice from that seller finds it.
    let next = unknown.replace("PM-2026-0101", "PM-2026-0199");
    let (_, second) = receive(&app, next.as_bytes()).await;
    assert_eq!(second["supplier_id"], supplier["id"]);
}

#[tokio::test]
async fn an_unknown_seller_named_later_dates_the_invoice_after_its_terms() {
    let app = spawn_app().await;
    let bought = buy(&app).await;
    pay_after_45_days(&app, &bought.supplier).await;
    // Another SIREN than the supplier's, and terms in words, no due date.
    let undated = String::from_utf8(CII.to_vec())
        .unwrap()
        .replace("FR44732829320", "FR96552100554")
        .replace("732829320", "552100554")
        .replace(
            "<ram:DueDateDateTime>\n          <udt:DateTimeString format=\"102\">20261220</udt:DateTimeString>\n        </ram:DueDateDateTime>",
            "<ram:Description>Paiement à 45 jours</ram:Description>",
        );
    assert!(!undated.contains("DueDateDateTime"));
    let (status, invoice) = receive(&app, undated.as_bytes()).await;
    assert_eq!(status, StatusCode::CREATED, "{invoice:?}");
    assert_eq!(invoice["supplier_id"], Value::Null);
    assert_eq!(invoice["due_date"], Value::Null);

    let resolved = app
        .post(
            &format!("/api/v1/supplier-invoices/{}/supplier", id(&invoice)),
            json!({"supplier_id": bought.supplier}),
        )
        .await;
    assert_eq!(resolved.status, StatusCode::OK, "{:?}", resolved.body);
    assert_eq!(resolved.body["supplier_id"], json!(bought.supplier));
    assert_eq!(
        resolved.body["due_date"], "2027-01-04",
        "issued 2026-11-20, due 45 days on"
    );
    let approved = app
        .post(
            &format!("/api/v1/supplier-invoices/{}/approve", id(&invoice)),
            json!({}),
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{:?}", approved.body);
    for (before, listed) in [("2027-01-03", 0), ("2027-01-04", 1)] {
        let due = app
            .get(&format!("/api/v1/supplier-invoices?due_before={before}"))
            .await
            .body;
        assert_eq!(due["total"], listed, "due by {before}: {due}");
    }
}

#[tokio::test]
async fn an_approved_invoice_is_paid_in_two_payments_and_leaves_what_is_due() {
    let app = spawn_app().await;
    buy(&app).await;
    let (_, cii) = receive(&app, CII).await;
    let (_, ubl) = receive(&app, UBL).await;
    let (_, facturx) = receive(&app, FACTUR_X).await;
    let path = format!("/api/v1/supplier-invoices/{}", id(&cii));
    let payments = format!("{path}/payments");
    let payment = json!({"amount": "36.60", "method": "transfer", "reference": "VIR-1"});

    let unapproved = app.post(&payments, payment.clone()).await;
    assert_eq!(unapproved.body["code"], "invalid_transition");
    let approved = app.post(&format!("{path}/approve"), json!({})).await;
    assert_eq!(approved.body["status"], "approved", "{:?}", approved.body);
    let too_much = app
        .post(&payments, json!({"amount": "80.00", "method": "transfer"}))
        .await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_names(&too_much.body), ["amount"]);

    let first = app.create(&payments, payment.clone()).await;
    assert_eq!(first["amount"], "36.60");
    assert_eq!(first["invoice"]["status"], "partially_paid");
    assert_eq!(first["invoice"]["balance_due"], "36.60");
    let second = app.create(&payments, payment.clone()).await;
    assert_eq!(second["invoice"]["status"], "paid");
    assert_eq!(second["invoice"]["amount_paid"], "73.20");
    assert_eq!(second["invoice"]["payments"].as_array().unwrap().len(), 2);
    let third = app.post(&payments, payment).await;
    assert_eq!(third.status, StatusCode::CONFLICT);

    // UBL due 2026-12-21 approved; Factur-X due 2026-12-22 disputed.
    let ubl_path = format!("/api/v1/supplier-invoices/{}", id(&ubl));
    app.post(&format!("{ubl_path}/approve"), json!({})).await;
    let fx_path = format!("/api/v1/supplier-invoices/{}", id(&facturx));
    let no_reason = app.post(&format!("{fx_path}/dispute"), json!({})).await;
    assert_eq!(field_names(&no_reason.body), ["reason"]);
    let disputed = app
        .post(
            &format!("{fx_path}/dispute"),
            json!({"reason": "pens billed 0.80, ordered at 0.75"}),
        )
        .await;
    assert_eq!(disputed.body["status"], "disputed");
    assert_eq!(
        disputed.body["dispute_reason"],
        "pens billed 0.80, ordered at 0.75"
    );

    let due = |date: &'static str| {
        let app = &app;
        async move {
            let listed = app
                .get(&format!("/api/v1/supplier-invoices?due_before={date}"))
                .await
                .body;
            listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["number"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        due("2026-12-20").await,
        Vec::<String>::new(),
        "the paid one is not due"
    );
    assert_eq!(
        due("2026-12-31").await,
        ["PM-2026-0102"],
        "the disputed one is not due"
    );
    let resolved = app.post(&format!("{fx_path}/resolve"), json!({})).await;
    assert_eq!(resolved.body["status"], "received");
    app.post(&format!("{fx_path}/approve"), json!({})).await;
    assert_eq!(due("2026-12-31").await.len(), 2);
    let by_status = app.get("/api/v1/supplier-invoices?status=paid").await.body;
    assert_eq!(by_status["total"], 1);
}

#[tokio::test]
async fn an_invoice_typed_by_hand_is_matched_and_gets_its_pdf() {
    let app = spawn_app().await;
    let bought = buy(&app).await;
    let bad = app
        .post(
            "/api/v1/supplier-invoices/typed",
            json!({"lines": [{"description": "Ramette", "quantity": "x"}]}),
        )
        .await;
    let mut fields = field_names(&bad.body);
    fields.sort();
    assert_eq!(
        fields,
        [
            "issue_date",
            "lines[0].quantity",
            "lines[0].unit_price",
            "lines[0].vat_rate",
            "number",
            "supplier_id"
        ]
    );
    let typed = app
        .create(
            "/api/v1/supplier-invoices/typed",
            json!({"supplier_id": bought.supplier, "number": "PM-PAPIER-7", "issue_date": "2026-11-23",
                   "due_date": "2026-12-23", "purchase_order_number": "ACH-2026-00001",
                   "lines": [{"description": "Ramette A4", "quantity": "8", "unit_price": "4.50", "vat_rate": "20"}]}),
        )
        .await;
    assert_eq!(typed["original_format"], "manual");
    assert_eq!(typed["total_incl_tax"], "43.20");
    assert_eq!(typed["purchase_order_id"], bought.order.as_str());
    assert_eq!(
        typed["lines"][0]["quantity_differs"], true,
        "8 billed, 10 received"
    );
    assert_eq!(typed["lines"][0]["price_differs"], false);
    let path = format!("/api/v1/supplier-invoices/{}", id(&typed));
    let (status, _) = app.download_with_status(&format!("{path}/original")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no file yet");

    let attachment = format!("{path}/attachment");
    let (status, not_pdf) = upload(&app, Method::PUT, &attachment, b"GIF89a").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{not_pdf:?}");
    let scan = b"%PDF-1.4\n% scanned paper invoice\n%%EOF\n";
    let (status, attached) = upload(&app, Method::PUT, &attachment, scan).await;
    assert_eq!(status, StatusCode::OK, "{attached:?}");
    assert!(attached["attachment_sha256"].is_string());
    assert_eq!(app.download(&format!("{path}/original")).await, scan);

    let (_, received) = receive(&app, UBL).await;
    let (status, refused) = upload(
        &app,
        Method::PUT,
        &format!("/api/v1/supplier-invoices/{}/attachment", id(&received)),
        scan,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused:?}");

    // No due date written on it: due after the supplier's payment terms.
    pay_after_45_days(&app, &bought.supplier).await;
    let undated = app
        .create(
            "/api/v1/supplier-invoices/typed",
            json!({"supplier_id": bought.supplier, "number": "PM-PAPIER-8", "issue_date": "2026-11-30",
                   "lines": [{"description": "Enveloppes", "quantity": "2", "unit_price": "3", "vat_rate": "20"}]}),
        )
        .await;
    assert_eq!(undated["due_date"], "2027-01-14");
}

#[tokio::test]
async fn another_organizations_invoice_is_not_found_and_a_viewer_only_reads() {
    let app = spawn_app().await;
    buy(&app).await;
    let (_, invoice) = receive(&app, CII).await;
    let path = format!("/api/v1/supplier-invoices/{}", id(&invoice));
    let viewer = app.user_token("viewer@payables.test", "viewer").await;
    let read = app.send(Method::GET, &path, Some(&viewer), None, &[]).await;
    assert_eq!(read.status, StatusCode::OK);
    let approve = app
        .send(
            Method::POST,
            &format!("{path}/approve"),
            Some(&viewer),
            Some(json!({})),
            &[],
        )
        .await;
    assert_eq!(approve.status, StatusCode::FORBIDDEN);

    comptoir::init_organization(
        &app.db,
        "Autre SAS",
        "other@payables.test",
        crate::helpers::PASSWORD,
    )
    .await
    .unwrap();
    let other = app
        .login("other@payables.test", crate::helpers::PASSWORD)
        .await;
    for (method, path) in [
        (Method::GET, path.clone()),
        (Method::GET, format!("{path}/original")),
        (Method::POST, format!("{path}/approve")),
    ] {
        let reply = app
            .send(
                method.clone(),
                &path,
                Some(&other),
                Some(json!({})).filter(|_| method == Method::POST),
                &[],
            )
            .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let listed = app
        .send(
            Method::GET,
            "/api/v1/supplier-invoices",
            Some(&other),
            None,
            &[],
        )
        .await;
    assert_eq!(listed.body["total"], 0);
}
