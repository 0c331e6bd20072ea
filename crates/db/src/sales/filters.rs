//! The conditions of sales lists that need more than a column's value:
//! whether an invoice is overdue, and deliveries, returns or payments by
//! the client of their document.

use crate::resource::Filter;
use chrono::NaiveDate;
use uuid::Uuid;

/// Issued invoices still owing money: the statuses of
/// `domain::sales::is_overdue` (the dashboard's receivables read them too).
pub(crate) const OWING: &str = "status IN ('issued', 'partially_paid')";

/// Invoices still owing money after their due date (`domain::sales::is_overdue`).
pub fn overdue(filter: Filter, today: NaiveDate) -> Filter {
    filter.clause(OWING).condition("due_date < {}", today)
}

/// Invoices that are not [`overdue`].
pub fn not_overdue(filter: Filter, today: NaiveDate) -> Filter {
    filter.condition(
        "(status NOT IN ('issued', 'partially_paid') OR due_date IS NULL OR due_date >= {})",
        today,
    )
}

/// Deliveries of the client's orders.
pub fn deliveries_to(filter: Filter, client_id: Uuid) -> Filter {
    of_client(filter, "order_id", client_id)
}

/// Returns from the client's orders.
pub fn returns_from(filter: Filter, client_id: Uuid) -> Filter {
    of_client(filter, "order_id", client_id)
}

/// Payments of the client's invoices.
pub fn payments_from(filter: Filter, client_id: Uuid) -> Filter {
    of_client(filter, "invoice_id", client_id)
}

/// Rows whose `document` column names one of the client's documents.
fn of_client(filter: Filter, document: &str, client_id: Uuid) -> Filter {
    filter.condition(
        &format!("{document} IN (SELECT d.id FROM sales_documents d WHERE d.client_id = {{}})"),
        client_id,
    )
}
