//! Exports of the lists, with the same filters as the lists, from one
//! read streamed a chunk at a time: CSV (`excel`: what French Excel opens
//! right, `;` separators, decimal commas and a BOM) or a constant-memory
//! XLSX workbook. The columns are the import's, so an export imports back
//! to the same data (the lists of operations — deliveries, payments,
//! returns, inventories, the audit log… — are exported only). The API and
//! the pages answer an [`Export`] with its [`Export::headers`] and
//! [`Export::into_bytes`]; the command line writes a file
//! ([`export_to_file`]).
//!
//! The rows come from a single `SELECT` (`resource::stream_all`) whose
//! rows a task sends 500 at a time through a two-chunk channel: memory
//! stays bounded, the rows are one snapshot, and no `OFFSET` makes the
//! millionth row slower than the first. The CSV answer is streamed as the
//! rows arrive; the XLSX sheet keeps finished rows in a temporary file,
//! but the workbook is answered as one buffer once complete.

mod sheets;
mod writing;

use crate::error::{ServiceError, ServiceResult};
use crate::transfer::exports::sheets::{
    audit_sheet, clients_sheet, deliveries_sheet, documents_sheet, inventories_sheet, levels_sheet,
    locations_sheet, movements_sheet, payments_sheet, price_lists_sheet, products_sheet,
    purchase_orders_sheet, reorder_rules_sheet, returns_sheet, suppliers_sheet, users_sheet,
    warehouses_sheet,
};
use crate::transfer::exports::writing::{Sheet, csv_text, workbook, write_file};
use comptoir_db::resource::Table;
use comptoir_db::{Db, Filter, Record};
use comptoir_domain::sales::DocumentKind;
use futures_util::{Stream, StreamExt};
use std::pin::Pin;
use uuid::Uuid;
pub use writing::{CsvText, Format, Style};

/// A list that can be exported.
#[derive(Clone, Copy)]
pub enum Listing {
    Products,
    Clients,
    Suppliers,
    /// Stock levels.
    Stock,
    Movements,
    /// Quotes, orders or invoices.
    Documents(DocumentKind),
    PurchaseOrders,
    Deliveries,
    Payments,
    Returns,
    Inventories,
    /// The audit log.
    Audit,
    PriceLists,
    ReorderRules,
    Warehouses,
    Locations,
    Users,
}

/// An export ready to send: the file's stem (`products`, `stock`, …) and
/// its content.
pub struct Export {
    pub stem: &'static str,
    pub content: Content,
}

pub enum Content {
    /// Read as it is sent.
    Csv(CsvText),
    /// A whole workbook.
    Xlsx(Vec<u8>),
}

/// A file's bytes as they are read.
pub type Bytes = Pin<Box<dyn Stream<Item = Result<Vec<u8>, std::io::Error>> + Send>>;

impl Export {
    /// The answer's `content-type` and `content-disposition` (a download
    /// named `{stem}.csv` or `{stem}.xlsx`): the API and the pages send
    /// the same.
    pub fn headers(&self) -> [(&'static str, String); 2] {
        let (content_type, extension) = match self.content {
            Content::Csv(_) => ("text/csv; charset=utf-8", "csv"),
            Content::Xlsx(_) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
        };
        let disposition = format!("attachment; filename=\"{}.{extension}\"", self.stem);
        [
            ("content-type", content_type.to_owned()),
            ("content-disposition", disposition),
        ]
    }

    /// The file's content, the CSV read as it is sent.
    pub fn into_bytes(self) -> Bytes {
        match self.content {
            Content::Csv(text) => Box::pin(text.map(|text| text.map(String::into_bytes))),
            Content::Xlsx(bytes) => Box::pin(futures_util::stream::once(async {
                Ok::<_, std::io::Error>(bytes)
            })),
        }
    }
}

/// The rows of `listing` that `filter` (the list's own filter) selects,
/// in `format`.
pub async fn export(
    db: &Db,
    organization_id: Uuid,
    listing: Listing,
    filter: Filter,
    format: Format,
) -> ServiceResult<Export> {
    match listing {
        Listing::Products => {
            let sheet = products_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Clients => prepare(db, &filter, format, clients_sheet()).await,
        Listing::Suppliers => prepare(db, &filter, format, suppliers_sheet()).await,
        Listing::Stock => {
            let sheet = levels_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Movements => {
            let sheet = movements_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Documents(kind) => {
            let sheet = documents_sheet(db, organization_id, kind).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::PurchaseOrders => {
            let sheet = purchase_orders_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Deliveries => {
            let sheet = deliveries_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Payments => {
            let sheet = payments_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Returns => {
            let sheet = returns_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Inventories => {
            let sheet = inventories_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Audit => {
            // As the log's list: what is pending is linked first.
            comptoir_db::audit::chain_organization(db, organization_id).await?;
            let sheet = audit_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::PriceLists => prepare(db, &filter, format, price_lists_sheet()).await,
        Listing::ReorderRules => {
            let sheet = reorder_rules_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Warehouses => prepare(db, &filter, format, warehouses_sheet()).await,
        Listing::Locations => {
            let sheet = locations_sheet(db, organization_id).await?;
            prepare(db, &filter, format, sheet).await
        }
        Listing::Users => prepare(db, &filter, format, users_sheet()).await,
    }
}

async fn prepare<T>(
    db: &Db,
    filter: &Filter,
    format: Format,
    sheet: Sheet<T>,
) -> ServiceResult<Export>
where
    T: Record + Table + Send + 'static,
{
    let stem = sheet.stem;
    let content = match format {
        Format::Csv(style) => Content::Csv(csv_text(db, filter, style, sheet)),
        Format::Xlsx => {
            let (mut workbook, _) = workbook(db, filter, &sheet).await?;
            Content::Xlsx(workbook.save_to_buffer().map_err(ServiceError::internal)?)
        }
    };
    Ok(Export { stem, content })
}

/// `comptoir export`: every row of `entity` (products, clients, suppliers,
/// stock, movements, quotes, orders, invoices) of the organization,
/// archived ones included, to `path` as CSV (`excel`: French Excel's
/// flavour) or XLSX; returns how many rows.
pub async fn export_to_file(
    db: &Db,
    organization_id: Uuid,
    entity: &str,
    format: &str,
    excel: bool,
    path: &std::path::Path,
) -> ServiceResult<u64> {
    let format = Format::parse(Some(format), Some(excel))?;
    let filter = Filter::organization(organization_id);
    match entity {
        "products" => {
            let sheet = products_sheet(db, organization_id).await?;
            write_file(db, &filter, format, &sheet, path).await
        }
        "clients" => write_file(db, &filter, format, &clients_sheet(), path).await,
        "suppliers" => write_file(db, &filter, format, &suppliers_sheet(), path).await,
        "stock" => {
            let sheet = levels_sheet(db, organization_id).await?;
            write_file(db, &filter, format, &sheet, path).await
        }
        "movements" => {
            let sheet = movements_sheet(db, organization_id).await?;
            write_file(db, &filter, format, &sheet, path).await
        }
        "quotes" | "orders" | "invoices" => {
            let kind = match entity {
                "quotes" => DocumentKind::Quote,
                "orders" => DocumentKind::Order,
                _ => DocumentKind::Invoice,
            };
            let filter = filter.eq("kind", Some(kind.as_str()));
            let sheet = documents_sheet(db, organization_id, kind).await?;
            write_file(db, &filter, format, &sheet, path).await
        }
        other => Err(ServiceError::BadInput(format!(
            "unknown entity {other}: products, clients, suppliers, stock, movements, quotes, orders or invoices"
        ))),
    }
}
