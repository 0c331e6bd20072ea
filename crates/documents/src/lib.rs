//! Printed and electronic documents, with no I/O: what a document prints
//! (`printed`, in its language: `words`), laid out into a PDF/A-3b by a
//! Typst template (`pdf`), with the Factur-X XML of an invoice
//! (`facturx`) embedded (`embed`); supplier e-invoices received and read
//! (`receive`).

pub mod embed;
pub mod facturx;
pub mod pdf;
pub mod printed;
pub mod receive;
pub mod words;

/// The template every document type uses until an organization uploads
/// its own.
pub const DEFAULT_TEMPLATE: &str = include_str!("../templates/document.typ");
