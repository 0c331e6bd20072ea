//! The sheet of each exportable list: the file's stem, its columns (the
//! import's, so an export imports back unchanged) and each row's cells,
//! with ids shown as the codes and names people read. `operations`: the
//! lists that are exported only (orders to suppliers, deliveries,
//! payments, returns, inventories, the audit log); `setup`: price lists,
//! reorder rules, warehouses, locations and users, exported only too.

use crate::error::ServiceResult;
use crate::transfer::exports::writing::{Cell, Sheet};
use crate::transfer::names;
use comptoir_db::Db;
use comptoir_db::catalog::{Category, Product, Variant};
use comptoir_db::parties::{Client, Supplier};
use comptoir_db::sales::SalesDocument;
use comptoir_db::stock::{Location, Movement, StockLevel, Warehouse};
use comptoir_domain::sales::{DocumentKind, invoice_balance};
use std::collections::HashMap;
use uuid::Uuid;

mod operations;
mod setup;

pub(super) use operations::{
    audit_sheet, deliveries_sheet, inventories_sheet, payments_sheet, purchase_orders_sheet,
    returns_sheet,
};
pub(super) use setup::{
    locations_sheet, price_lists_sheet, reorder_rules_sheet, users_sheet, warehouses_sheet,
};

/// An instant as the API writes it.
fn instant(at: chrono::DateTime<chrono::Utc>) -> Cell {
    Cell::text(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

pub(super) async fn products_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<Product>> {
    let categories: HashMap<Uuid, String> = category_names(db, organization_id).await?;
    let columns = &[
        "code",
        "name",
        "description",
        "kind",
        "category",
        "unit",
        "sale_price",
        "purchase_price",
        "vat_rate",
        "vat_category",
        "vat_exemption_reason",
        "barcode",
        "active",
    ];
    Ok(Sheet::new("products", columns, move |p: &Product| {
        vec![
            Cell::text(&p.code),
            Cell::text(&p.name),
            Cell::optional(p.description.clone()),
            Cell::text(p.kind.as_str()),
            Cell::optional(p.category_id.and_then(|id| categories.get(&id).cloned())),
            Cell::text(p.unit.as_str()),
            Cell::number(p.sale_price.0),
            p.purchase_price
                .map_or(Cell::Empty, |price| Cell::number(price.0)),
            Cell::number(p.vat_rate.0),
            Cell::text(p.vat_category.as_str()),
            Cell::optional(p.vat_exemption_reason.clone()),
            Cell::optional(p.barcode.clone()),
            Cell::text(p.active.to_string()),
        ]
    }))
}

async fn category_names(db: &Db, organization_id: Uuid) -> ServiceResult<HashMap<Uuid, String>> {
    names::<Category>(db, organization_id, |c| (c.id, c.name.clone())).await
}

/// Codes of products, variants and locations (`WAREHOUSE/LOCATION`), by id.
struct StockNames {
    products: HashMap<Uuid, String>,
    variants: HashMap<Uuid, String>,
    locations: HashMap<Uuid, String>,
}

impl StockNames {
    async fn load(db: &Db, organization_id: Uuid) -> ServiceResult<Self> {
        let warehouses = warehouse_codes(db, organization_id).await?;
        let locations = location_codes(db, organization_id, &warehouses).await?;
        Ok(Self {
            products: names::<Product>(db, organization_id, |p| (p.id, p.code.clone())).await?,
            variants: names::<Variant>(db, organization_id, |v| (v.id, v.code.clone())).await?,
            locations,
        })
    }

    fn product(&self, id: Uuid) -> Cell {
        Cell::optional(self.products.get(&id).cloned())
    }

    fn variant(&self, id: Option<Uuid>) -> Cell {
        Cell::optional(id.and_then(|id| self.variants.get(&id).cloned()))
    }

    fn location(&self, id: Option<Uuid>) -> Cell {
        Cell::optional(id.and_then(|id| self.locations.get(&id).cloned()))
    }
}

async fn warehouse_codes(db: &Db, organization_id: Uuid) -> ServiceResult<HashMap<Uuid, String>> {
    names::<Warehouse>(db, organization_id, |w| (w.id, w.code.clone())).await
}

/// Each location's `WAREHOUSE/LOCATION`, by id.
async fn location_codes(
    db: &Db,
    organization_id: Uuid,
    warehouses: &HashMap<Uuid, String>,
) -> ServiceResult<HashMap<Uuid, String>> {
    names::<Location>(db, organization_id, |l| {
        let warehouse = warehouses.get(&l.warehouse_id).cloned().unwrap_or_default();
        (l.id, format!("{warehouse}/{}", l.code))
    })
    .await
}

pub(super) async fn levels_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<StockLevel>> {
    let names = StockNames::load(db, organization_id).await?;
    let columns = &[
        "location",
        "product",
        "variant",
        "physical",
        "reserved",
        "available",
    ];
    Ok(Sheet::new("stock", columns, move |l: &StockLevel| {
        vec![
            names.location(Some(l.location_id)),
            names.product(l.product_id),
            names.variant(l.variant_id),
            Cell::number(l.physical.0),
            Cell::number(l.reserved.0),
            Cell::number(l.available.0),
        ]
    }))
}

pub(super) async fn movements_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<Movement>> {
    let names = StockNames::load(db, organization_id).await?;
    let columns = &[
        "created_at",
        "type",
        "product",
        "variant",
        "quantity",
        "from_location",
        "to_location",
        "reason",
        "reference",
    ];
    Ok(Sheet::new("movements", columns, move |m: &Movement| {
        vec![
            instant(m.created_at),
            Cell::text(m.movement_type.as_str()),
            names.product(m.product_id),
            names.variant(m.variant_id),
            Cell::number(m.quantity.0),
            names.location(m.from_location_id),
            names.location(m.to_location_id),
            Cell::optional(m.reason.clone()),
            Cell::optional(m.reference.clone()),
        ]
    }))
}

pub(super) fn clients_sheet() -> Sheet<Client> {
    let columns = &[
        "code",
        "kind",
        "name",
        "email",
        "phone",
        "vat_number",
        "siren",
        "siret",
        "status",
        "payment_terms_days",
        "discount_percent",
        "credit_limit",
        "notes",
    ];
    Sheet::new("clients", columns, |c: &Client| {
        vec![
            Cell::text(&c.code),
            Cell::text(c.kind.as_str()),
            Cell::text(&c.name),
            Cell::optional(c.email.clone()),
            Cell::optional(c.phone.clone()),
            Cell::optional(c.vat_number.clone()),
            Cell::optional(c.siren.clone()),
            Cell::optional(c.siret.clone()),
            Cell::text(c.status.as_str()),
            Cell::number(c.payment_terms_days),
            Cell::number(c.discount_percent.0),
            c.credit_limit
                .map_or(Cell::Empty, |limit| Cell::number(limit.0)),
            Cell::optional(c.notes.clone()),
        ]
    })
}

pub(super) fn suppliers_sheet() -> Sheet<Supplier> {
    let columns = &[
        "code",
        "kind",
        "name",
        "email",
        "phone",
        "vat_number",
        "siren",
        "siret",
        "payment_terms_days",
        "active",
        "notes",
    ];
    Sheet::new("suppliers", columns, |s: &Supplier| {
        vec![
            Cell::text(&s.code),
            Cell::text(s.kind.as_str()),
            Cell::text(&s.name),
            Cell::optional(s.email.clone()),
            Cell::optional(s.phone.clone()),
            Cell::optional(s.vat_number.clone()),
            Cell::optional(s.siren.clone()),
            Cell::optional(s.siret.clone()),
            Cell::number(s.payment_terms_days),
            Cell::text(s.active.to_string()),
            Cell::optional(s.notes.clone()),
        ]
    })
}

/// One row per document: its number, client, dates, totals and, for
/// invoices, what was paid and what is due.
pub(super) async fn documents_sheet(
    db: &Db,
    organization_id: Uuid,
    kind: DocumentKind,
) -> ServiceResult<Sheet<SalesDocument>> {
    let clients = names::<Client>(db, organization_id, |c| (c.id, c.code.clone())).await?;
    let (stem, columns): (&'static str, &'static [&'static str]) = match kind {
        DocumentKind::Quote => ("quotes", &DOCUMENT_COLUMNS[..DOCUMENT_COLUMNS.len() - 3]),
        DocumentKind::Order => ("orders", &DOCUMENT_COLUMNS[..DOCUMENT_COLUMNS.len() - 3]),
        DocumentKind::CreditNote => (
            "credit-notes",
            &DOCUMENT_COLUMNS[..DOCUMENT_COLUMNS.len() - 3],
        ),
        DocumentKind::Invoice => ("invoices", DOCUMENT_COLUMNS),
    };
    let invoices = columns.len() == DOCUMENT_COLUMNS.len();
    Ok(Sheet::new(stem, columns, move |d: &SalesDocument| {
        let mut cells = vec![
            Cell::optional(d.number.clone()),
            Cell::text(d.status.as_str()),
            Cell::optional(clients.get(&d.client_id).cloned()),
            d.issue_date.map_or(Cell::Empty, Cell::Date),
            d.valid_until.or(d.due_date).map_or(Cell::Empty, Cell::Date),
            Cell::text(&d.currency),
            Cell::number(d.discount_percent.0),
            Cell::number(d.total_excl_tax.0),
            Cell::number(d.total_tax.0),
            Cell::number(d.total_incl_tax.0),
        ];
        if invoices {
            cells.extend([
                Cell::number(d.amount_paid.0),
                Cell::number(d.amount_credited.0),
                Cell::number(
                    invoice_balance(d.total_incl_tax.0, d.amount_paid.0, d.amount_credited.0).due,
                ),
            ]);
        }
        cells
    }))
}

/// The columns of a document export; quotes, orders and credit notes
/// stop before the payment columns. The fifth is `valid_until` for quotes, `due_date`
/// for invoices.
const DOCUMENT_COLUMNS: &[&str] = &[
    "number",
    "status",
    "client",
    "issue_date",
    "valid_until_or_due_date",
    "currency",
    "discount_percent",
    "total_excl_tax",
    "total_tax",
    "total_incl_tax",
    "amount_paid",
    "amount_credited",
    "balance_due",
];
