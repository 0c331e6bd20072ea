//! A supplier invoice typed in from paper: its supplier (searched as in
//! the purchasing forms), number, dates, our purchase order's number and
//! line rows (description, the supplier's code, quantity, unit price, VAT
//! rate). Blank rows are left out; a refused form comes back as typed,
//! each message next to its field. The same service as the API's typed
//! invoice (`payables::create_invoice`); its PDF is attached on its page.

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::pickers::Records;
use crate::pages::purchasing::by_row;
use crate::pages::{by_field, show, split_rows, typed};
use crate::session::{Allowed, Viewer};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use comptoir_domain::FieldErrors;
use comptoir_services::payables::{self as service, PayableLineRequest, SupplierInvoiceRequest};
use comptoir_services::{ServiceError, require};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

/// How many line rows a new form offers.
const ROWS: usize = 5;

/// A row's fields, in the order `TypedForm::read` numbers them.
const LINE_FIELDS: [&str; 5] = [
    "description",
    "seller_item_id",
    "quantity",
    "unit_price",
    "vat_rate",
];

/// A line row as typed, its fields in the order of `LINE_FIELDS`.
#[derive(Serialize, Default, Clone)]
struct LineForm {
    description: String,
    seller_item_id: String,
    quantity: String,
    unit_price: String,
    vat_rate: String,
}

impl LineForm {
    fn is_blank(&self) -> bool {
        [
            &self.description,
            &self.seller_item_id,
            &self.quantity,
            &self.unit_price,
            &self.vat_rate,
        ]
        .iter()
        .all(|text| text.trim().is_empty())
    }
}

/// The form as typed.
#[derive(Serialize, Default)]
struct TypedForm {
    supplier_id: String,
    number: String,
    issue_date: String,
    due_date: String,
    purchase_order_number: String,
    lines: Vec<LineForm>,
}

impl TypedForm {
    /// Reads the posted fields; the rows' fields come in document order,
    /// every row with each of them.
    fn read(fields: Vec<(String, String)>) -> Self {
        let (head, rows) = split_rows(fields, LINE_FIELDS);
        let mut form = TypedForm::default();
        for (name, value) in head {
            let slot = match name.as_str() {
                "supplier_id" => &mut form.supplier_id,
                "number" => &mut form.number,
                "issue_date" => &mut form.issue_date,
                "due_date" => &mut form.due_date,
                "purchase_order_number" => &mut form.purchase_order_number,
                _ => continue,
            };
            *slot = value;
        }
        form.lines = rows
            .into_iter()
            .map(
                |[description, seller_item_id, quantity, unit_price, vat_rate]| LineForm {
                    description,
                    seller_item_id,
                    quantity,
                    unit_price,
                    vat_rate,
                },
            )
            .collect();
        form
    }

    /// The request the API would receive, the rows it holds (by their
    /// place in the form), and what could not be read.
    fn request(&self) -> (SupplierInvoiceRequest, Vec<usize>, FieldErrors) {
        let mut errors = FieldErrors::new();
        let supplier_id = typed(Some(self.supplier_id.clone())).and_then(|text| {
            let id = text.parse::<Uuid>().ok();
            if id.is_none() {
                errors.add("supplier_id", "no such record");
            }
            id
        });
        let mut date = |field: &str, text: &str| {
            let text = typed(Some(text.to_owned()))?;
            let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
            if date.is_none() {
                errors.add(field, "not a valid date");
            }
            date
        };
        let issue_date = date("issue_date", &self.issue_date);
        let due_date = date("due_date", &self.due_date);
        let text = |value: &str| typed(Some(value.to_owned()));
        let decimal = |value: &str| typed(Some(value.replace(',', ".")));
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for (row, line) in self.lines.iter().enumerate() {
            if line.is_blank() {
                continue;
            }
            rows.push(row);
            lines.push(PayableLineRequest {
                description: text(&line.description),
                seller_item_id: text(&line.seller_item_id),
                quantity: decimal(&line.quantity),
                unit_price: decimal(&line.unit_price),
                vat_rate: decimal(&line.vat_rate),
                vat_category: None,
            });
        }
        let request = SupplierInvoiceRequest {
            supplier_id,
            number: text(&self.number),
            issue_date,
            due_date,
            currency: None,
            purchase_order_number: text(&self.purchase_order_number),
            lines: Some(lines),
        };
        (request, rows, errors)
    }
}

async fn form_page(
    viewer: &Viewer,
    ctx: &WebContext,
    mut form: TypedForm,
    status: StatusCode,
    errors: FieldErrors,
) -> PageResult<Response> {
    let rows = ROWS.max(form.lines.len());
    form.lines.resize(rows, LineForm::default());
    let supplier = Records::Suppliers
        .options(&ctx.db, &viewer.actor, None, &form.supplier_id)
        .await?;
    let page = show(
        viewer,
        "payables/typed.html",
        "payables.typed",
        json!({
            "form": form,
            "supplier": supplier,
            "errors": by_field(errors),
        }),
    )?;
    Ok((status, page).into_response())
}

pub(super) async fn new_form(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
) -> PageResult<Response> {
    let form = TypedForm::default();
    form_page(&viewer, &ctx, form, StatusCode::OK, FieldErrors::new()).await
}

/// Records the invoice; to its page, or the form again with why.
pub(super) async fn create(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let form = TypedForm::read(fields);
    let (request, rows, unread) = form.request();
    if !unread.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return form_page(&viewer, &ctx, form, status, by_row(unread, &rows)).await;
    }
    match service::create_invoice(&ctx.db, &viewer.actor, request).await {
        Ok(invoice) => {
            let page = format!("/supplier-invoices/{}", invoice.invoice.id);
            Ok(Redirect::to(&page).into_response())
        }
        Err(ServiceError::Validation(errors)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            form_page(&viewer, &ctx, form, status, by_row(errors, &rows)).await
        }
        Err(error) => Err(error.into()),
    }
}
