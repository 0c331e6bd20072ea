//! Quotes, orders, invoices and credit notes (one table, `kind` tells them
//! apart), their lines, delivery notes, payments and business events.
//!
//! Sharing `sales_documents` and `sales_lines` gives every kind one totals
//! rule and one representation. Numbers come from
//! [`crate::numbering::next_number`] inside the caller's transaction: a
//! rollback leaves no gap and concurrent issuers queue on the counter row.
//! An invoice or credit note is numbered only when issued ([`issue`]).
//! Triggers on both backends then refuse its deletion, any change to its
//! lines, and any change to it but its payment state (`amount_paid`,
//! `amount_credited`, `status`), whatever code or hand runs the SQL.
//! Every bound an order line keeps (delivered, invoiced, returned) is in
//! the `WHERE` of the update that moves it, so concurrent requests cannot
//! together go past it.

mod deliveries;
mod documents;
mod events;
pub mod filters;
mod orders;
mod payments;
mod quote_job;
mod returns;
mod transitions;

pub use deliveries::{
    DeliveredLine, Delivery, DeliveryLine, delivered_lines, deliveries_of, insert_delivery,
    insert_delivery_line, last_delivery_date,
};
pub use documents::{
    DocumentInput, LineInput, NewDocument, SalesDocument, SalesLine, delete_draft, insert_document,
    lines, lines_in, replace_document,
};
pub use events::{BusinessEvent, NewEvent, event_data, record_event};
pub use orders::{
    LineToConfirm, Locked, active_reservations, deliver_line, invoice_line, lines_to_confirm,
    lock_with_credit_limit, open_balance, open_receivables, place_lines, uninvoice_line,
};
pub use payments::{Payment, PaymentInput, payment, payments_of, record_payment};
pub use quote_job::{OwnedDocument, expire_quotes, remind_quotes, time_zones};
pub use returns::{
    InvoicedLine, SalesReturn, SalesReturnLine, apply_credit, credited_quantities,
    credited_quantities_of, insert_return, insert_return_line, issued_invoice_lines, return_line,
};
pub use transitions::{attach_printed, issue, set_status, transition};
