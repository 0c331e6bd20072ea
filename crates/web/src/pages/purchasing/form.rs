//! Drafting a purchase order: a supplier, the warehouse the goods are
//! expected in, and line rows (product, quantity, unit cost — left empty,
//! the supplier's price or the product's purchase price). Blank rows are
//! left out; a refused draft comes back as typed, each message next to
//! its field.

use super::{Choice, product_choices, supplier_choices, warehouse_choices};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::parties::{Refused, refused};
use crate::pages::{by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use comptoir_domain::FieldErrors;
use comptoir_services::purchasing::{self as service, PurchaseLineRequest, PurchaseOrderRequest};
use comptoir_services::require;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new().route("/purchase-orders/new", get(new_form))
}

/// How many line rows a new form offers.
const ROWS: usize = 5;

/// A line row as typed.
#[derive(Serialize, Default, Clone)]
struct LineForm {
    product_id: String,
    quantity: String,
    unit_price: String,
}

impl LineForm {
    fn is_blank(&self) -> bool {
        self.product_id.trim().is_empty()
            && self.quantity.trim().is_empty()
            && self.unit_price.trim().is_empty()
    }
}

/// The order form as typed.
#[derive(Serialize, Default)]
struct OrderForm {
    supplier_id: String,
    warehouse_id: String,
    expected_date: String,
    notes: String,
    lines: Vec<LineForm>,
}

impl OrderForm {
    /// Reads the posted fields; the rows' fields come in document order.
    fn read(fields: Vec<(String, String)>) -> Self {
        let mut form = OrderForm::default();
        let (mut products, mut quantities, mut prices) = (vec![], vec![], vec![]);
        for (name, value) in fields {
            match name.as_str() {
                "supplier_id" => form.supplier_id = value,
                "warehouse_id" => form.warehouse_id = value,
                "expected_date" => form.expected_date = value,
                "notes" => form.notes = value,
                "product_id" => products.push(value),
                "quantity" => quantities.push(value),
                "unit_price" => prices.push(value),
                _ => {}
            }
        }
        let rows = products.len().max(quantities.len()).max(prices.len());
        let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
        form.lines = (0..rows)
            .map(|i| LineForm {
                product_id: at(&products, i),
                quantity: at(&quantities, i),
                unit_price: at(&prices, i),
            })
            .collect();
        form
    }

    /// The request the API would receive, the rows it holds (by their
    /// place in the form), and what could not be read.
    fn request(&self) -> (PurchaseOrderRequest, Vec<usize>, FieldErrors) {
        let mut errors = FieldErrors::new();
        let mut id = |field: &str, text: &str| -> Option<Uuid> {
            let text = typed(Some(text.to_owned()))?;
            let id = text.parse::<Uuid>().ok();
            if id.is_none() {
                errors.add(field, "no such record");
            }
            id
        };
        let supplier_id = id("supplier_id", &self.supplier_id);
        let warehouse_id = id("warehouse_id", &self.warehouse_id);
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for (row, line) in self.lines.iter().enumerate() {
            if line.is_blank() {
                continue;
            }
            rows.push(row);
            lines.push(PurchaseLineRequest {
                product_id: id(&format!("lines[{row}].product_id"), &line.product_id),
                variant_id: None,
                description: None,
                quantity: typed(Some(line.quantity.replace(',', "."))),
                unit_price: typed(Some(line.unit_price.replace(',', "."))),
                discount_percent: None,
            });
        }
        let expected_date = typed(Some(self.expected_date.clone())).and_then(|text| {
            let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
            if date.is_none() {
                errors.add("expected_date", "not a valid date");
            }
            date
        });
        let request = PurchaseOrderRequest {
            supplier_id,
            warehouse_id,
            currency: None,
            issue_date: None,
            expected_date,
            notes: typed(Some(self.notes.clone())),
            lines: Some(lines),
        };
        (request, rows, errors)
    }
}

/// The services name a line by its place among the lines sent; the form
/// by its row.
fn by_row(errors: FieldErrors, rows: &[usize]) -> FieldErrors {
    let mut renamed = FieldErrors::new();
    for error in errors.into_vec() {
        let row = error
            .field
            .strip_prefix("lines[")
            .and_then(|rest| rest.split_once("]."))
            .and_then(|(index, field)| Some((rows.get(index.parse::<usize>().ok()?)?, field)));
        match row {
            Some((row, field)) => renamed.add(format!("lines[{row}].{field}"), error.message),
            None => renamed.add(error.field, error.message),
        }
    }
    renamed
}

#[derive(Deserialize)]
struct NewQuery {
    supplier_id: Option<String>,
}

async fn new_form(
    viewer: Allowed<require::PurchasesWrite>,
    State(ctx): State<WebContext>,
    Query(query): Query<NewQuery>,
) -> PageResult<Response> {
    let form = OrderForm {
        supplier_id: query.supplier_id.unwrap_or_default(),
        ..Default::default()
    };
    form_page(&viewer, &ctx, StatusCode::OK, form, FieldErrors::new()).await
}

async fn form_page(
    viewer: &Viewer,
    ctx: &WebContext,
    status: StatusCode,
    mut form: OrderForm,
    errors: FieldErrors,
) -> PageResult<Response> {
    let rows = ROWS.max(form.lines.len() + 1);
    form.lines.resize(rows, LineForm::default());
    let (suppliers, products, warehouses): (Vec<Choice>, Vec<Choice>, Vec<Choice>) = (
        supplier_choices(&ctx.db, &viewer.actor).await?,
        product_choices(&ctx.db, &viewer.actor).await?,
        warehouse_choices(&ctx.db, &viewer.actor).await?,
    );
    let page = show(
        viewer,
        "purchasing/form.html",
        "purchasing.new",
        json!({
            "form": form,
            "errors": by_field(errors),
            "suppliers": suppliers,
            "products": products,
            "warehouses": warehouses,
        }),
    )?;
    Ok((status, page).into_response())
}

pub async fn create(
    viewer: Allowed<require::PurchasesWrite>,
    State(ctx): State<WebContext>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let form = OrderForm::read(fields);
    let (request, rows, errors) = form.request();
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return form_page(&viewer, &ctx, status, form, errors).await;
    }
    match service::create_order(&ctx.db, &viewer.actor, request).await {
        Ok(order) => {
            Ok(Redirect::to(&format!("/purchase-orders/{}", order.order.id)).into_response())
        }
        Err(error) => match refused(error)? {
            Refused::Form { status, errors, .. } => {
                form_page(&viewer, &ctx, status, form, by_row(errors, &rows)).await
            }
            Refused::Stale => {
                let status = StatusCode::PRECONDITION_FAILED;
                form_page(&viewer, &ctx, status, form, FieldErrors::new()).await
            }
        },
    }
}
