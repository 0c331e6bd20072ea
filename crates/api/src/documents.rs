//! Printed documents: `{documents}/{id}/pdf` for every commercial document
//! (authorized as reading it), and the organization's templates
//! (`/settings/document-templates/{kind}`, `settings.manage`). The
//! workflows are in `comptoir_services::documents`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use comptoir_domain::language::Language;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::ServiceError;
use comptoir_services::documents::templates::{self, TemplateView};
use comptoir_services::documents::{self as service, FacturxXml, Pdf};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(quote_pdf))
        .routes(routes!(order_pdf))
        .routes(routes!(invoice_pdf))
        .routes(routes!(credit_note_pdf))
        .routes(routes!(invoice_facturx))
        .routes(routes!(credit_note_facturx))
        .routes(routes!(delivery_pdf))
        .routes(routes!(purchase_order_pdf))
        .routes(routes!(get_template, replace_template, reset_template))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PrintParams {
    /// `fr` (default) or `en`.
    pub lang: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryPrintParams {
    /// `fr` (default) or `en`.
    pub lang: Option<String>,
    /// `false`: a delivery note without prices.
    pub prices: Option<bool>,
}

fn language(lang: Option<&str>) -> ApiResult<Language> {
    match lang {
        None => Ok(Language::Fr),
        Some(text) => Language::parse(text)
            .map_err(|message| ServiceError::BadInput(format!("lang {message}")).into()),
    }
}

fn download(pdf: Pdf) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{}\"", pdf.file_name),
            ),
        ],
        pdf.bytes,
    )
        .into_response()
}

fn xml_download(xml: FacturxXml) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/xml".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", xml.file_name),
            ),
        ],
        xml.bytes,
    )
        .into_response()
}

/// The PDF route of a sales document kind, authorized as reading it.
macro_rules! sales_pdf {
    ($doc:tt, $name:ident, $path:tt, $tag:tt, $read:ident, $scope:tt, $kind:expr) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, tag = $tag, security(("bearer" = [$scope])),
            params(("id" = Uuid, Path), PrintParams),
            responses((status = 200, description = "The document as a PDF/A-3b", content((crate::download::FileBytes = "application/pdf"))),
                (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
        async fn $name(
            auth: Authorized<require::$read>,
            State(ctx): State<ApiContext>,
            Path(id): Path<Uuid>,
            Query(params): Query<PrintParams>,
        ) -> ApiResult<Response> {
            let language = language(params.lang.as_deref())?;
            let pdf =
                service::sales_document_pdf(&ctx.db, &auth.caller(), $kind, id, language).await?;
            Ok(download(pdf))
        }
    };
}

sales_pdf!(
    "A quote's PDF, with its validity and the « bon pour accord » block.",
    quote_pdf,
    "/quotes/{id}/pdf",
    "sales",
    SalesRead,
    "sales.read",
    DocumentKind::Quote
);
sales_pdf!(
    "An order confirmation's PDF.",
    order_pdf,
    "/orders/{id}/pdf",
    "sales",
    SalesRead,
    "sales.read",
    DocumentKind::Order
);
sales_pdf!(
    "An invoice's PDF with the mentions French law requires. An issued \
     invoice in French is the file rendered when it was issued, byte for byte.",
    invoice_pdf,
    "/invoices/{id}/pdf",
    "invoicing",
    InvoicesRead,
    "invoices.read",
    DocumentKind::Invoice
);
sales_pdf!(
    "A credit note's PDF, naming the invoice it corrects. An issued credit \
     note in French is the file rendered when it was issued.",
    credit_note_pdf,
    "/credit-notes/{id}/pdf",
    "invoicing",
    InvoicesRead,
    "invoices.read",
    DocumentKind::CreditNote
);

/// The Factur-X XML route of an issued invoice kind.
macro_rules! facturx_xml {
    ($doc:tt, $name:ident, $path:tt, $kind:expr) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, tag = "invoicing", security(("bearer" = ["invoices.read"])),
            params(("id" = Uuid, Path)),
            responses((status = 200, description = "The CII XML (EN 16931) its PDF embeds", content((String = "application/xml"))),
                (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
        async fn $name(
            auth: Authorized<require::InvoicesRead>,
            State(ctx): State<ApiContext>,
            Path(id): Path<Uuid>,
        ) -> ApiResult<Response> {
            let xml = service::facturx_xml(&ctx.db, &auth.caller(), $kind, id).await?;
            Ok(xml_download(xml))
        }
    };
}

facturx_xml!(
    "An issued invoice's Factur-X XML (CII D16B, EN 16931), as embedded in its PDF; \
     a draft has none (409).",
    invoice_facturx,
    "/invoices/{id}/facturx.xml",
    DocumentKind::Invoice
);
facturx_xml!(
    "An issued credit note's Factur-X XML (type 381, naming the invoice it corrects), \
     as embedded in its PDF; a draft has none (409).",
    credit_note_facturx,
    "/credit-notes/{id}/facturx.xml",
    DocumentKind::CreditNote
);

/// A delivery note's PDF; `prices=false` leaves the prices out.
#[utoipa::path(get, path = "/deliveries/{id}/pdf", tag = "sales", security(("bearer" = ["sales.read"])),
    params(("id" = Uuid, Path), DeliveryPrintParams),
    responses((status = 200, description = "The delivery note as a PDF/A-3b", content((crate::download::FileBytes = "application/pdf"))),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn delivery_pdf(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Query(params): Query<DeliveryPrintParams>,
) -> ApiResult<Response> {
    let language = language(params.lang.as_deref())?;
    let prices = params.prices.unwrap_or(true);
    let pdf = service::delivery_pdf(&ctx.db, &auth.caller(), id, language, prices).await?;
    Ok(download(pdf))
}

/// A purchase order's PDF, addressed to its supplier.
#[utoipa::path(get, path = "/purchase-orders/{id}/pdf", tag = "purchasing", security(("bearer" = ["purchases.read"])),
    params(("id" = Uuid, Path), PrintParams),
    responses((status = 200, description = "The purchase order as a PDF/A-3b", content((crate::download::FileBytes = "application/pdf"))),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn purchase_order_pdf(
    auth: Authorized<require::PurchasesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Query(params): Query<PrintParams>,
) -> ApiResult<Response> {
    let language = language(params.lang.as_deref())?;
    let pdf = service::purchase_order_pdf(&ctx.db, &auth.caller(), id, language).await?;
    Ok(download(pdf))
}

/// A document type's template: the organization's own, or the shipped one.
/// Types: `quote`, `order`, `delivery`, `invoice`, `credit_note`,
/// `purchase_order`.
#[utoipa::path(get, path = "/settings/document-templates/{kind}", tag = "settings", security(("bearer" = ["settings.manage"])),
    params(("kind" = String, Path)),
    responses((status = 200, body = TemplateView), (status = 404, body = ErrorBody)))]
async fn get_template(
    auth: Authorized<require::SettingsManage>,
    State(ctx): State<ApiContext>,
    Path(kind): Path<String>,
) -> ApiResult<axum::Json<TemplateView>> {
    let kind = templates::kind(&kind)?;
    Ok(axum::Json(
        templates::template(&ctx.db, &auth.caller(), kind).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TemplateRequest {
    /// The Typst source; it reads `data.json` and may import `comptoir.typ`.
    #[schema(required = true, nullable = false)]
    pub source: Option<String>,
}

/// Replace a document type's template. It must render a sample document of
/// its type in French and English, else 422 with the template's line and
/// message.
#[utoipa::path(put, path = "/settings/document-templates/{kind}", tag = "settings", security(("bearer" = ["settings.manage"])),
    params(("kind" = String, Path)), request_body = TemplateRequest,
    responses((status = 200, body = TemplateView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn replace_template(
    auth: Authorized<require::SettingsManage>,
    State(ctx): State<ApiContext>,
    Path(kind): Path<String>,
    Json(request): Json<TemplateRequest>,
) -> ApiResult<axum::Json<TemplateView>> {
    let kind = templates::kind(&kind)?;
    let source = request
        .source
        .ok_or_else(|| ServiceError::field("source", "is required"))?;
    Ok(axum::Json(
        templates::replace(&ctx.db, &auth.caller(), kind, source).await?,
    ))
}

/// Go back to the shipped template of a document type (404 when the
/// organization has none of its own).
#[utoipa::path(delete, path = "/settings/document-templates/{kind}", tag = "settings", security(("bearer" = ["settings.manage"])),
    params(("kind" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn reset_template(
    auth: Authorized<require::SettingsManage>,
    State(ctx): State<ApiContext>,
    Path(kind): Path<String>,
) -> ApiResult<StatusCode> {
    let kind = templates::kind(&kind)?;
    templates::reset(&ctx.db, &auth.caller(), kind).await?;
    Ok(StatusCode::NO_CONTENT)
}
