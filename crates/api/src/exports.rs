//! Exports of the lists as CSV, with the same filters as the lists,
//! streamed a page at a time. The columns are the import's, so an export
//! imports back to the same data. `?excel=true` writes what French Excel
//! opens right: `;` separators, decimal commas and a BOM.

use crate::auth::{Authorized, require};
use crate::catalog::{ProductFilters, product_filter};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ListParams, Query};
use crate::parties::{ClientFilters, SupplierFilters, client_filter, supplier_filter};
use crate::stock::{LevelFilters, MovementFilters, level_filter, movement_filter};
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use comptoir_db::catalog::{Category, Product, Variant};
use comptoir_db::parties::{Client, Supplier};
use comptoir_db::resource::{self, Table};
use comptoir_db::sales::SalesDocument;
use comptoir_db::stock::{Location, Movement, StockLevel, Warehouse};
use comptoir_db::{Db, Filter, Record};
use comptoir_domain::sales::DocumentKind;
use comptoir_services::sales::{DocumentFilters, InvoiceFilters, balance_due, document_filter};
use comptoir_transfer::formula;
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(export_products))
        .routes(routes!(export_clients))
        .routes(routes!(export_suppliers))
        .routes(routes!(export_levels))
        .routes(routes!(export_movements))
        .routes(routes!(export_quotes))
        .routes(routes!(export_orders))
        .routes(routes!(export_invoices))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
    /// `true`: `;` separators, decimal commas and a BOM, for French Excel.
    pub excel: Option<bool>,
}

/// One cell, typed so the Excel flavour knows what a number is.
enum Cell {
    Text(String),
    Number(String),
    /// `YYYY-MM-DD` in CSV, a date cell in XLSX.
    Date(NaiveDate),
    Empty,
}

impl Cell {
    fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    fn optional(value: Option<impl Into<String>>) -> Self {
        value.map_or(Cell::Empty, |v| Cell::Text(v.into()))
    }

    fn number(value: impl ToString) -> Self {
        Cell::Number(value.to_string())
    }
}

#[derive(Clone, Copy)]
enum Format {
    Csv(Style),
    /// Typed cells: numbers as numbers.
    Xlsx,
}

impl Format {
    fn from(params: &ExportParams) -> ApiResult<Self> {
        match params.format.as_deref() {
            None | Some("csv") => Ok(Format::Csv(Style {
                excel: params.excel == Some(true),
            })),
            Some("xlsx") => Ok(Format::Xlsx),
            Some(other) => Err(ApiError::BadRequest(format!(
                "format: {other} is not supported; use csv or xlsx"
            ))),
        }
    }
}

#[derive(Clone, Copy)]
struct Style {
    excel: bool,
}

impl Style {
    fn separator(self) -> char {
        if self.excel { ';' } else { ',' }
    }

    fn field(self, text: &str) -> String {
        if text.contains([self.separator(), '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    }

    fn line(self, cells: &[Cell]) -> String {
        let fields: Vec<String> = cells
            .iter()
            .map(|cell| match cell {
                Cell::Text(text) => self.field(&formula::neutralize(text)),
                Cell::Number(number) if self.excel => number.replace('.', ","),
                Cell::Number(number) => number.clone(),
                Cell::Date(date) => date.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        let mut line = fields.join(&self.separator().to_string());
        line.push_str("\r\n");
        line
    }
}

/// How many rows each database read brings.
const CHUNK: usize = 500;

/// The cells of one exported row.
type RowCells<T> = Arc<dyn Fn(&T) -> Vec<Cell> + Send + Sync>;

/// What an export writes: the file's stem, its columns, and a row's cells.
struct Sheet<T> {
    stem: &'static str,
    columns: &'static [&'static str],
    cells: RowCells<T>,
}

impl<T> Sheet<T> {
    fn new(
        stem: &'static str,
        columns: &'static [&'static str],
        cells: impl Fn(&T) -> Vec<Cell> + Send + Sync + 'static,
    ) -> Self {
        Self {
            stem,
            columns,
            cells: Arc::new(cells),
        }
    }

    fn header(&self, style: Style) -> String {
        let header: Vec<Cell> = self.columns.iter().map(|c| Cell::text(*c)).collect();
        let bom = if style.excel { "\u{feff}" } else { "" };
        format!("{bom}{}", style.line(&header))
    }
}

/// The rows matching `filter`, by chunks, from one read.
fn chunks<T: Record + Table + 'static>(db: &Db, filter: &Filter) -> Chunks<T> {
    resource::stream_all(db, filter, CHUNK)
}

/// Chunks of rows as the database reads them.
type Chunks<T> = tokio::sync::mpsc::Receiver<Result<Vec<T>, comptoir_db::DbError>>;

/// Every row matching `filter`, in the requested format.
async fn export_rows<T>(
    db: Db,
    filter: Filter,
    format: Format,
    sheet: Sheet<T>,
) -> ApiResult<Response>
where
    T: Record + Table + Send + 'static,
{
    match format {
        Format::Csv(style) => Ok(csv_response(db, filter, style, sheet)),
        Format::Xlsx => {
            let (mut workbook, _) = workbook(&db, &filter, &sheet).await?;
            let bytes = workbook.save_to_buffer().map_err(ApiError::internal)?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}.xlsx\"", sheet.stem),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
    }
}

/// Writes the rows into a workbook a page at a time; in constant-memory
/// mode each finished row leaves memory for a temporary file.
async fn workbook<T: Record + Table + 'static>(
    db: &Db,
    filter: &Filter,
    sheet: &Sheet<T>,
) -> ApiResult<(rust_xlsxwriter::Workbook, u64)> {
    let failed = |e: rust_xlsxwriter::XlsxError| ApiError::internal(e);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let worksheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(failed)?;
    worksheet.set_name(sheet.stem).map_err(failed)?;
    for (column, name) in sheet.columns.iter().enumerate() {
        worksheet
            .write_string(0, column as u16, *name)
            .map_err(failed)?;
    }
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let mut row_number: u32 = 1;
    let mut rows = chunks::<T>(db, filter);
    while let Some(chunk) = rows.recv().await {
        for row in &chunk? {
            for (column, cell) in (sheet.cells)(row).into_iter().enumerate() {
                let column = column as u16;
                match cell {
                    Cell::Text(text) => {
                        worksheet
                            .write_string(row_number, column, text)
                            .map_err(failed)?;
                    }
                    Cell::Number(number) => match number.parse::<f64>() {
                        Ok(value) => {
                            worksheet
                                .write_number(row_number, column, value)
                                .map_err(failed)?;
                        }
                        Err(_) => {
                            worksheet
                                .write_string(row_number, column, number)
                                .map_err(failed)?;
                        }
                    },
                    Cell::Date(date) => {
                        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            date.year() as u16,
                            date.month() as u8,
                            date.day() as u8,
                        )
                        .map_err(failed)?;
                        worksheet
                            .write_datetime_with_format(row_number, column, &day, &date_format)
                            .map_err(failed)?;
                    }
                    Cell::Empty => {}
                }
            }
            row_number += 1;
        }
    }
    Ok((workbook, u64::from(row_number - 1)))
}

/// Streams every row matching `filter` as CSV.
fn csv_response<T>(db: Db, filter: Filter, style: Style, sheet: Sheet<T>) -> Response
where
    T: Record + Table + Send + 'static,
{
    let first = sheet.header(style);
    let cells = Arc::clone(&sheet.cells);
    let state = (chunks::<T>(&db, &filter), Some(first));
    let stream = futures_util::stream::unfold(state, move |(mut rows, first)| {
        let cells = Arc::clone(&cells);
        async move {
            if let Some(first) = first {
                return Some((Ok(first), (rows, None)));
            }
            let text = match rows.recv().await? {
                Ok(chunk) => Ok(chunk.iter().map(|row| style.line(&cells(row))).collect()),
                Err(error) => Err(std::io::Error::other(error.to_string())),
            };
            Some((text, (rows, None)))
        }
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.csv\"", sheet.stem),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Writes every row matching `filter` to `path`; returns how many.
async fn write_file<T: Record + Table + 'static>(
    db: &Db,
    filter: &Filter,
    format: Format,
    sheet: &Sheet<T>,
    path: &std::path::Path,
) -> ApiResult<u64> {
    let cannot_write =
        |e: std::io::Error| ApiError::BadRequest(format!("cannot write {}: {e}", path.display()));
    let style = match format {
        Format::Xlsx => {
            let (mut workbook, written) = workbook(db, filter, sheet).await?;
            workbook.save(path).map_err(|e| {
                ApiError::BadRequest(format!("cannot write {}: {e}", path.display()))
            })?;
            return Ok(written);
        }
        Format::Csv(style) => style,
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(cannot_write)?);
    out.write_all(sheet.header(style).as_bytes())
        .map_err(cannot_write)?;
    let mut written = 0;
    let mut rows = chunks::<T>(db, filter);
    while let Some(chunk) = rows.recv().await {
        let chunk = chunk?;
        for row in &chunk {
            out.write_all(style.line(&(sheet.cells)(row)).as_bytes())
                .map_err(cannot_write)?;
        }
        written += chunk.len() as u64;
    }
    out.flush().map_err(cannot_write)?;
    Ok(written)
}

/// `comptoir export`: every row of `entity` (products, clients, suppliers,
/// stock, movements, quotes, orders, invoices) of the organization, archived ones included, to
/// `path` as CSV (`excel`: French Excel's flavour) or XLSX; returns how
/// many rows.
pub async fn export_to_file(
    db: &Db,
    organization_id: Uuid,
    entity: &str,
    format: &str,
    excel: bool,
    path: &std::path::Path,
) -> ApiResult<u64> {
    let params = ExportParams {
        format: Some(format.to_owned()),
        excel: Some(excel),
    };
    let format = Format::from(&params)?;
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
        other => Err(ApiError::BadRequest(format!(
            "unknown entity {other}: products, clients, suppliers, stock, movements, quotes, orders or invoices"
        ))),
    }
}

/// Export products (the list's filters apply).
#[utoipa::path(get, path = "/products/export", tag = "catalog", security(("bearer" = ["data.export"])),
    params(ListParams, ProductFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_products(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ProductFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = Format::from(&export)?;
    let filter = product_filter(auth.organization_id, filters, params.q.as_deref())?;
    let sheet = products_sheet(&ctx.db, auth.organization_id).await?;
    export_rows(ctx.db.clone(), filter, format, sheet).await
}

async fn products_sheet(db: &Db, organization_id: Uuid) -> ApiResult<Sheet<Product>> {
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

async fn category_names(db: &Db, organization_id: Uuid) -> ApiResult<HashMap<Uuid, String>> {
    names::<Category>(db, organization_id, |c| (c.id, c.name.clone())).await
}

/// A readable name for every row of `T` in the organization, by id.
pub(crate) async fn names<T: Record + Table + 'static>(
    db: &Db,
    organization_id: Uuid,
    name: impl Fn(&T) -> (Uuid, String),
) -> ApiResult<HashMap<Uuid, String>> {
    let mut names = HashMap::new();
    let mut rows = chunks::<T>(db, &Filter::organization(organization_id));
    while let Some(chunk) = rows.recv().await {
        names.extend(chunk?.iter().map(&name));
    }
    Ok(names)
}

/// Codes of products, variants and locations (`WAREHOUSE/LOCATION`), by id.
struct StockNames {
    products: HashMap<Uuid, String>,
    variants: HashMap<Uuid, String>,
    locations: HashMap<Uuid, String>,
}

impl StockNames {
    async fn load(db: &Db, organization_id: Uuid) -> ApiResult<Self> {
        let warehouses =
            names::<Warehouse>(db, organization_id, |w| (w.id, w.code.clone())).await?;
        let locations = names::<Location>(db, organization_id, |l| {
            let warehouse = warehouses.get(&l.warehouse_id).cloned().unwrap_or_default();
            (l.id, format!("{warehouse}/{}", l.code))
        })
        .await?;
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

/// Export stock levels (the list's filters apply).
#[utoipa::path(get, path = "/stock/export", tag = "stock", security(("bearer" = ["data.export"])),
    params(LevelFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_levels(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(filters): Query<LevelFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = Format::from(&export)?;
    let filter = level_filter(auth.organization_id, filters);
    let sheet = levels_sheet(&ctx.db, auth.organization_id).await?;
    export_rows(ctx.db.clone(), filter, format, sheet).await
}

async fn levels_sheet(db: &Db, organization_id: Uuid) -> ApiResult<Sheet<StockLevel>> {
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

/// Export stock movements (the list's filters apply), oldest first.
#[utoipa::path(get, path = "/stock/movements/export", tag = "stock", security(("bearer" = ["data.export"])),
    params(ListParams, MovementFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_movements(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<MovementFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = Format::from(&export)?;
    let filter = movement_filter(auth.organization_id, filters, params.q.as_deref())?;
    let sheet = movements_sheet(&ctx.db, auth.organization_id).await?;
    export_rows(ctx.db.clone(), filter, format, sheet).await
}

async fn movements_sheet(db: &Db, organization_id: Uuid) -> ApiResult<Sheet<Movement>> {
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
            Cell::text(
                m.created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ),
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

/// Export clients (the list's filters apply).
#[utoipa::path(get, path = "/clients/export", tag = "clients", security(("bearer" = ["data.export"])),
    params(ListParams, ClientFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_clients(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ClientFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = Format::from(&export)?;
    let filter = client_filter(auth.organization_id, filters, params.q.as_deref())?;
    export_rows(ctx.db.clone(), filter, format, clients_sheet()).await
}

fn clients_sheet() -> Sheet<Client> {
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

/// Export suppliers (the list's filters apply).
#[utoipa::path(get, path = "/suppliers/export", tag = "suppliers", security(("bearer" = ["data.export"])),
    params(ListParams, SupplierFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_suppliers(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<SupplierFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = Format::from(&export)?;
    let filter = supplier_filter(auth.organization_id, filters, params.q.as_deref());
    export_rows(ctx.db.clone(), filter, format, suppliers_sheet()).await
}

fn suppliers_sheet() -> Sheet<Supplier> {
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
async fn documents_sheet(
    db: &Db,
    organization_id: Uuid,
    kind: DocumentKind,
) -> ApiResult<Sheet<SalesDocument>> {
    let clients = names::<Client>(db, organization_id, |c| (c.id, c.code.clone())).await?;
    let (stem, columns): (&'static str, &'static [&'static str]) = match kind {
        DocumentKind::Quote => ("quotes", &DOCUMENT_COLUMNS[..DOCUMENT_COLUMNS.len() - 3]),
        DocumentKind::Order => ("orders", &DOCUMENT_COLUMNS[..DOCUMENT_COLUMNS.len() - 3]),
        DocumentKind::Invoice | DocumentKind::CreditNote => ("invoices", DOCUMENT_COLUMNS),
    };
    let invoices = columns.len() == DOCUMENT_COLUMNS.len();
    Ok(Sheet::new(stem, columns, move |d: &SalesDocument| {
        let mut cells = vec![
            Cell::optional(d.number.clone()),
            Cell::text(&d.status),
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
                Cell::number(balance_due(d)),
            ]);
        }
        cells
    }))
}

/// The columns of a document export; quotes and orders stop before the
/// payment columns. The fifth is `valid_until` for quotes, `due_date`
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

async fn export_documents(
    ctx: ApiContext,
    organization_id: Uuid,
    kind: DocumentKind,
    params: ListParams,
    filters: DocumentFilters,
    invoice_filters: InvoiceFilters,
    export: ExportParams,
) -> ApiResult<Response> {
    let format = Format::from(&export)?;
    let filter = document_filter(
        organization_id,
        kind,
        filters,
        invoice_filters,
        params.q.as_deref(),
    )?;
    let sheet = documents_sheet(&ctx.db, organization_id, kind).await?;
    export_rows(ctx.db.clone(), filter, format, sheet).await
}

/// Export quotes (the list's filters apply).
#[utoipa::path(get, path = "/quotes/export", tag = "sales", security(("bearer" = ["data.export"])),
    params(ListParams, DocumentFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_quotes(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    export_documents(
        ctx,
        auth.organization_id,
        DocumentKind::Quote,
        params,
        filters,
        InvoiceFilters::default(),
        export,
    )
    .await
}

/// Export orders (the list's filters apply).
#[utoipa::path(get, path = "/orders/export", tag = "sales", security(("bearer" = ["data.export"])),
    params(ListParams, DocumentFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_orders(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    export_documents(
        ctx,
        auth.organization_id,
        DocumentKind::Order,
        params,
        filters,
        InvoiceFilters::default(),
        export,
    )
    .await
}

/// Export invoices with what was paid and what is due (the list's filters
/// apply).
#[utoipa::path(get, path = "/invoices/export", tag = "invoicing", security(("bearer" = ["data.export"])),
    params(ListParams, DocumentFilters, InvoiceFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_invoices(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
    Query(invoice_filters): Query<InvoiceFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    export_documents(
        ctx,
        auth.organization_id,
        DocumentKind::Invoice,
        params,
        filters,
        invoice_filters,
        export,
    )
    .await
}
