//! Payments and refunds across invoices: `GET /payments`. They are
//! recorded by `POST /invoices/{id}/payments` and `/refunds`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::extract::{ListParams, PageOf, Query, query_filter};
use axum::extract::State;
use chrono::NaiveDate;
use comptoir_db::Filter;
use comptoir_db::resource::{self, Table};
use comptoir_db::sales::Payment;
use comptoir_domain::sales::{PaymentKind, PaymentMethod};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_payments))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentFilters {
    pub invoice_id: Option<Uuid>,
    /// The client of the paid invoice.
    pub client_id: Option<Uuid>,
    #[param(value_type = Option<PaymentKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<PaymentMethod>)]
    pub method: Option<String>,
    /// Paid on or after this date.
    pub from: Option<NaiveDate>,
    /// Paid on or before this date.
    pub to: Option<NaiveDate>,
}

/// List the payments received and refunds made on every invoice.
#[utoipa::path(get, path = "/payments", tag = "invoicing", security(("bearer" = ["invoices.read"])),
    params(ListParams, PaymentFilters), responses((status = 200, body = PageOf<Payment>)))]
async fn list_payments(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<PaymentFilters>,
) -> crate::error::ApiResult<axum::Json<PageOf<Payment>>> {
    let page = params.page()?;
    let kind = query_filter("kind", filters.kind.as_deref(), PaymentKind::parse)?;
    let method = query_filter("method", filters.method.as_deref(), PaymentMethod::parse)?;
    let mut filter = Filter::organization(auth.organization_id)
        .eq("invoice_id", filters.invoice_id)
        .eq("kind", kind.map(PaymentKind::as_str))
        .eq("method", method.map(PaymentMethod::as_str))
        .search(Payment::SEARCHABLE, params.q.as_deref());
    if let Some(client_id) = filters.client_id {
        filter = filter.condition(
            "invoice_id IN (SELECT d.id FROM sales_documents d WHERE d.client_id = {})",
            client_id,
        );
    }
    if let Some(from) = filters.from {
        filter = filter.condition("payment_date >= {}", from);
    }
    if let Some(to) = filters.to {
        filter = filter.condition("payment_date <= {}", to);
    }
    let listing = resource::list(&ctx.db, filter, params.sort::<Payment>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
