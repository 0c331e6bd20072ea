//! The PDF of a document, downloaded from its page in the reader's
//! language: quotes, orders, invoices, credit notes, delivery notes (with
//! or without prices) and purchase orders; and the Factur-X XML of an
//! issued invoice or credit note. Authorized as reading the
//! document, as the API's `{documents}/{id}/pdf`; the same services render
//! them (`comptoir_services::documents`).

use crate::WebContext;
use crate::error::PageResult;
use crate::session::Allowed;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::documents::{self as service, Pdf};
use comptoir_services::require;
use serde::Deserialize;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/quotes/{id}/pdf", get(quote))
        .route("/orders/{id}/pdf", get(order))
        .route("/invoices/{id}/pdf", get(invoice))
        .route("/credit-notes/{id}/pdf", get(credit_note))
        .route("/invoices/{id}/facturx.xml", get(invoice_xml))
        .route("/credit-notes/{id}/facturx.xml", get(credit_note_xml))
        .route("/deliveries/{id}/pdf", get(delivery))
        .route("/purchase-orders/{id}/pdf", get(purchase_order))
}

/// The PDF as a file to save, named by the document's number.
fn download(pdf: Pdf) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", pdf.file_name),
            ),
        ],
        pdf.bytes,
    )
        .into_response()
}

/// The PDF handler of a sales document kind, authorized as its page.
macro_rules! sales_pdf {
    ($name:ident, $need:ty, $kind:expr) => {
        async fn $name(
            viewer: Allowed<$need>,
            State(ctx): State<WebContext>,
            Path(id): Path<Uuid>,
        ) -> PageResult<Response> {
            let pdf =
                service::sales_document_pdf(&ctx.db, &viewer.actor, $kind, id, viewer.language)
                    .await?;
            Ok(download(pdf))
        }
    };
}

sales_pdf!(quote, require::SalesRead, DocumentKind::Quote);
sales_pdf!(order, require::SalesRead, DocumentKind::Order);
sales_pdf!(invoice, require::InvoicesRead, DocumentKind::Invoice);
sales_pdf!(credit_note, require::InvoicesRead, DocumentKind::CreditNote);

/// The Factur-X XML handler of an issued invoice kind.
macro_rules! facturx_xml {
    ($name:ident, $kind:expr) => {
        async fn $name(
            viewer: Allowed<require::InvoicesRead>,
            State(ctx): State<WebContext>,
            Path(id): Path<Uuid>,
        ) -> PageResult<Response> {
            let xml = service::facturx_xml(&ctx.db, &viewer.actor, $kind, id).await?;
            Ok((
                [
                    (header::CONTENT_TYPE, "application/xml".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}\"", xml.file_name),
                    ),
                ],
                xml.bytes,
            )
                .into_response())
        }
    };
}

facturx_xml!(invoice_xml, DocumentKind::Invoice);
facturx_xml!(credit_note_xml, DocumentKind::CreditNote);

#[derive(Deserialize)]
struct DeliveryQuery {
    /// `false`: the delivery note without the order's prices; anything
    /// else, as pages are lenient, prints them.
    prices: Option<String>,
}

async fn delivery(
    viewer: Allowed<require::SalesRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Query(query): Query<DeliveryQuery>,
) -> PageResult<Response> {
    let prices = query.prices.as_deref() != Some("false");
    let pdf = service::delivery_pdf(&ctx.db, &viewer.actor, id, viewer.language, prices).await?;
    Ok(download(pdf))
}

async fn purchase_order(
    viewer: Allowed<require::PurchasesRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let pdf = service::purchase_order_pdf(&ctx.db, &viewer.actor, id, viewer.language).await?;
    Ok(download(pdf))
}
