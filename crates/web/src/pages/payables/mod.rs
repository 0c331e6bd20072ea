//! Supplier invoices: the list (status, supplier, what is due by a date,
//! search, sort and page in the URL) and an invoice's page — its lines
//! flagged where they differ from the purchase order, its payments, and
//! the approve, dispute, resolve and pay actions the payables state
//! machine and the reader's role allow, and naming the supplier of an
//! invoice whose seller matched none. The rules stay in
//! `services::payables` and `domain::payables`. `files`: a supplier's
//! e-invoice uploaded from the list, the original file downloaded, a
//! PDF attached to an invoice typed by hand. `typed`: an invoice typed
//! in from paper.

mod files;
mod typed;

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::pickers::Records;
use crate::pages::purchasing::Names;
use crate::pages::sales::{PaymentForm, Refusal};
use crate::pages::{ListQuery, ListView, by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use comptoir_db::payables::SupplierInvoice;
use comptoir_domain::FieldErrors;
use comptoir_domain::payables::{PayableAction, PayableStatus, payable_transition};
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::PaymentMethod;
use comptoir_services::payables::{
    self as service, DisputeRequest, InvoiceFilters, SupplierChoice,
};
use comptoir_services::{Actor, ServiceResult, require};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// `upload_limit_bytes` bounds an uploaded file, as the API's.
pub fn router(upload_limit_bytes: usize) -> Router<WebContext> {
    Router::new()
        .route(
            "/supplier-invoices",
            get(list)
                .post(files::receive)
                .layer(DefaultBodyLimit::max(upload_limit_bytes)),
        )
        .route("/supplier-invoices/new", get(typed::new_form))
        .route("/supplier-invoices/typed", post(typed::create))
        .route("/supplier-invoices/{id}", get(invoice_page))
        .route("/supplier-invoices/{id}/original", get(files::original))
        .route(
            "/supplier-invoices/{id}/attachment",
            post(files::attach).layer(DefaultBodyLimit::max(upload_limit_bytes)),
        )
        .route("/supplier-invoices/{id}/approve", post(approve))
        .route("/supplier-invoices/{id}/resolve", post(resolve))
        .route("/supplier-invoices/{id}/supplier", post(name_supplier))
        .route("/supplier-invoices/{id}/dispute", post(dispute))
        .route("/supplier-invoices/{id}/payments", post(pay))
}

#[derive(Deserialize, Default)]
struct InvoiceListQuery {
    #[serde(flatten)]
    list: ListQuery,
    status: Option<String>,
    supplier_id: Option<String>,
    due_before: Option<String>,
}

impl InvoiceListQuery {
    /// The filters as the URL carries them; a value edited by hand into
    /// something else is ignored.
    fn filters(&self) -> InvoiceFilters {
        InvoiceFilters {
            status: typed(self.status.clone()).filter(|s| PayableStatus::parse(s).is_ok()),
            supplier_id: typed(self.supplier_id.clone()).and_then(|s| s.parse::<Uuid>().ok()),
            due_before: typed(self.due_before.clone()).and_then(|d| d.parse::<NaiveDate>().ok()),
        }
    }
}

async fn list(
    viewer: Allowed<require::PayablesRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<InvoiceListQuery>,
) -> PageResult<Response> {
    list_page(&viewer, &ctx, &query, UploadRefusal::none()).await
}

/// Why the upload form refused a file: the messages by field, the status
/// the page answers with, and the invoice a duplicate file already is.
struct UploadRefusal {
    status: StatusCode,
    errors: FieldErrors,
    existing: Option<Uuid>,
}

impl UploadRefusal {
    fn none() -> Self {
        UploadRefusal {
            status: StatusCode::OK,
            errors: FieldErrors::new(),
            existing: None,
        }
    }
}

/// The list, with the upload form for who may receive invoices (and its
/// refusal, when a file was refused).
async fn list_page(
    viewer: &Viewer,
    ctx: &WebContext,
    query: &InvoiceListQuery,
    upload: UploadRefusal,
) -> PageResult<Response> {
    let filters = query.filters();
    let (status, supplier_id, due_before) = (
        filters.status.clone().unwrap_or_default(),
        filters.supplier_id,
        filters.due_before,
    );
    let listing = service::list_invoices(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<SupplierInvoice>(),
        query.list.page(),
    )
    .await?;
    let suppliers = listing.items.iter().filter_map(|i| i.supplier_id).collect();
    let names = Names::read(&ctx.db, &viewer.actor, suppliers, vec![], vec![]).await;
    let chosen = supplier_id.map(|s| s.to_string()).unwrap_or_default();
    let suppliers = Records::Suppliers
        .options(&ctx.db, &viewer.actor, None, &chosen)
        .await?
        .choosing(Records::Suppliers, "purchasing.all_suppliers");
    let page = show(
        viewer,
        "payables/list.html",
        "payables.invoices",
        json!({
            "list": ListView::new(listing, &query.list),
            "status": status,
            "statuses": PayableStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "supplier_id": supplier_id,
            "suppliers": suppliers,
            "due_before": due_before,
            "names": names,
            "upload": viewer.actor.may(Permission::PayablesWrite),
            "upload_errors": by_field(upload.errors),
            "existing": upload.existing,
        }),
    )?;
    Ok((upload.status, page).into_response())
}

/// The buttons the reader may press on an invoice in `status`, and
/// whether the dispute and payment forms are shown.
fn actions(status: PayableStatus, actor: &Actor) -> (Vec<&'static str>, bool, bool) {
    let may = actor.may(Permission::PayablesWrite);
    let can = |a: PayableAction| may && payable_transition(status, a).is_ok();
    let buttons = [
        can(PayableAction::Approve).then_some("approve"),
        can(PayableAction::Resolve).then_some("resolve"),
    ];
    (
        buttons.into_iter().flatten().collect(),
        can(PayableAction::Dispute),
        can(PayableAction::Pay { complete: false }),
    )
}

async fn invoice_page(
    viewer: Allowed<require::PayablesRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    render(&viewer, &ctx, id, None).await
}

/// The invoice's page; after a refused action, with why and its status.
async fn render(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    refusal: Option<Refusal>,
) -> PageResult<Response> {
    let detail = service::get_invoice(&ctx.db, &viewer.actor, id).await?;
    let (buttons, dispute, pay) = actions(detail.invoice.status, &viewer.actor);
    let attach = files::may_attach(&detail, &viewer.actor);
    let names = Names::read(
        &ctx.db,
        &viewer.actor,
        detail.invoice.supplier_id.into_iter().collect(),
        vec![],
        vec![],
    )
    .await;
    // Who may write names the supplier of an invoice that has none: a
    // known one, or the one the invoice proposes, created.
    let naming = match detail.invoice.supplier_id {
        None if viewer.actor.may(Permission::PayablesWrite) => Some(
            Records::Suppliers
                .options(&ctx.db, &viewer.actor, None, "")
                .await?,
        ),
        _ => None,
    };
    let status = refusal.as_ref().map_or(StatusCode::OK, |r| r.status);
    let page = show(
        viewer,
        "payables/invoice.html",
        "payables.invoice",
        json!({
            "doc": detail,
            "names": names,
            "buttons": buttons,
            "dispute": dispute,
            "pay": pay,
            "methods": PaymentMethod::ALL.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
            "today": viewer.actor.today(),
            "attach": attach,
            "naming": naming,
            "refusal": refusal.map(|r| r.messages),
        }),
    )?;
    Ok((status, page).into_response())
}

/// To the invoice's page, or the refusal on it.
async fn finish<T>(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    outcome: ServiceResult<T>,
) -> PageResult<Response> {
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/supplier-invoices/{id}")).into_response()),
        Err(error) => render(viewer, ctx, id, Some(Refusal::of(error)?)).await,
    }
}

async fn approve(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let outcome = service::approve(&ctx.db, &viewer.actor, id).await;
    finish(&viewer, &ctx, id, outcome).await
}

async fn resolve(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let outcome = service::resolve(&ctx.db, &viewer.actor, id).await;
    finish(&viewer, &ctx, id, outcome).await
}

/// A known supplier chosen, or `create` pressed for the proposed one.
#[derive(Deserialize)]
struct SupplierForm {
    supplier_id: Option<String>,
    create: Option<String>,
}

async fn name_supplier(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<SupplierForm>,
) -> PageResult<Response> {
    // A hand-edited id names no supplier: the service then asks for one.
    let choice = match form.create {
        Some(_) => SupplierChoice {
            supplier_id: None,
            create: Some(true),
        },
        None => SupplierChoice {
            supplier_id: typed(form.supplier_id).and_then(|s| s.parse().ok()),
            create: None,
        },
    };
    let outcome = service::resolve_supplier(&ctx.db, &viewer.actor, id, choice).await;
    finish(&viewer, &ctx, id, outcome).await
}

#[derive(Deserialize)]
struct DisputeForm {
    reason: Option<String>,
}

async fn dispute(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<DisputeForm>,
) -> PageResult<Response> {
    let request = DisputeRequest {
        reason: form.reason,
    };
    let outcome = service::dispute(&ctx.db, &viewer.actor, id, request).await;
    finish(&viewer, &ctx, id, outcome).await
}

async fn pay(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<PaymentForm>,
) -> PageResult<Response> {
    let outcome = match form.request() {
        Ok(request) => service::record_payment(&ctx.db, &viewer.actor, id, request)
            .await
            .map(|recorded| recorded.invoice),
        Err(error) => Err(error),
    };
    finish(&viewer, &ctx, id, outcome).await
}
