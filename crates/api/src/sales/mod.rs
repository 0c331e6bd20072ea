//! Sales routes: quotes, orders, invoices, credit notes, deliveries,
//! payments, returns and the business events of them all. The workflows
//! are in `comptoir_services::sales`.

mod credit_notes;
mod deliveries;
mod events;
mod invoices;
mod orders;
mod payments;
mod quotes;
mod returns;

use crate::context::ApiContext;
use utoipa_axum::router::OpenApiRouter;

/// A list page as the API answers it: every row counted, for `total`.
fn exact(
    sort: Option<comptoir_db::Sort>,
    page: comptoir_db::Page,
) -> comptoir_services::sales::Paging {
    comptoir_services::sales::Paging {
        sort,
        page,
        count: comptoir_db::Count::Exact,
    }
}

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .merge(quotes::router())
        .merge(orders::router())
        .merge(invoices::router())
        .merge(credit_notes::router())
        .merge(deliveries::router())
        .merge(payments::router())
        .merge(returns::router())
        .merge(events::router())
}
