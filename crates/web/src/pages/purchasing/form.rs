//! Drafting a purchase order and rewriting a draft: a supplier, the
//! warehouse the goods are expected in, and line rows (product, quantity,
//! unit cost — left empty, the supplier's price or the product's purchase
//! price —, discount). The supplier and each row's product are picked by
//! search-as-you-type (`pickers`). Blank rows are left out; a refused
//! draft comes back as typed, each message next to its field. A draft is
//! rewritten (`/purchase-orders/{id}/edit`) by `update_order`, the API's
//! `PUT`, at the version it was read at: over someone else's change the
//! form shows what is stored now.

use super::orders::{may_edit, render};
use super::warehouse_choices;
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::parties::{Refused, refused};
use crate::pages::pickers::Records;
use crate::pages::sales::Refusal;
use crate::pages::{by_field, show, split_rows, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::NaiveDate;
use comptoir_domain::FieldErrors;
use comptoir_services::purchasing::{
    self as service, PurchaseLineRequest, PurchaseOrderDetail, PurchaseOrderRequest,
};
use comptoir_services::{ServiceError, require};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/purchase-orders/new", get(new_form))
        .route("/purchase-orders/{id}/edit", get(edit_form).post(update))
}

/// How many line rows a new form offers.
const ROWS: usize = 5;

/// The notice of a stale form, in the services' English.
const STALE: &str = "changed by someone else meanwhile";

/// A line row as typed. A stored line's row also carries the product it
/// was saved with, its variant and its description: kept while the row's
/// product stays the same.
#[derive(Serialize, Default, Clone)]
struct LineForm {
    product_id: String,
    quantity: String,
    unit_price: String,
    discount_percent: String,
    saved_product_id: String,
    variant_id: String,
    description: String,
}

impl LineForm {
    fn is_blank(&self) -> bool {
        [
            &self.product_id,
            &self.quantity,
            &self.unit_price,
            &self.discount_percent,
        ]
        .iter()
        .all(|text| text.trim().is_empty())
    }

    /// The variant and description saved with the row's product, while
    /// it is still the one chosen.
    fn kept(&self) -> Option<(&str, &str)> {
        let same = !self.saved_product_id.is_empty() && self.saved_product_id == self.product_id;
        same.then_some((self.variant_id.as_str(), self.description.as_str()))
    }
}

/// A row's fields, in the order `OrderForm::read` numbers them.
const LINE_FIELDS: [&str; 7] = [
    "product_id",
    "quantity",
    "unit_price",
    "discount_percent",
    "saved_product_id",
    "variant_id",
    "description",
];

/// The order form as typed.
#[derive(Serialize, Default)]
struct OrderForm {
    supplier_id: String,
    warehouse_id: String,
    expected_date: String,
    notes: String,
    /// The version a draft was read at; empty for a new order.
    version: String,
    lines: Vec<LineForm>,
}

impl OrderForm {
    /// Reads the posted fields; the rows' fields come in document order,
    /// every row with each of them.
    fn read(fields: Vec<(String, String)>) -> Self {
        let (head, rows) = split_rows(fields, LINE_FIELDS);
        let mut form = OrderForm::default();
        for (name, value) in head {
            let slot = match name.as_str() {
                "supplier_id" => &mut form.supplier_id,
                "warehouse_id" => &mut form.warehouse_id,
                "expected_date" => &mut form.expected_date,
                "notes" => &mut form.notes,
                "version" => &mut form.version,
                _ => continue,
            };
            *slot = value;
        }
        form.lines = rows
            .into_iter()
            .map(
                |[
                    product_id,
                    quantity,
                    unit_price,
                    discount_percent,
                    saved_product_id,
                    variant_id,
                    description,
                ]| LineForm {
                    product_id,
                    quantity,
                    unit_price,
                    discount_percent,
                    saved_product_id,
                    variant_id,
                    description,
                },
            )
            .collect();
        form
    }

    /// The form showing a stored draft.
    fn of(detail: &PurchaseOrderDetail) -> Self {
        let order = &detail.order;
        let text = |value: Option<String>| value.unwrap_or_default();
        OrderForm {
            supplier_id: order.supplier_id.to_string(),
            warehouse_id: text(order.warehouse_id.map(|w| w.to_string())),
            expected_date: text(order.expected_date.map(|d| d.to_string())),
            notes: text(order.notes.clone()),
            version: order.version.to_string(),
            lines: detail
                .lines
                .iter()
                .map(|line| LineForm {
                    product_id: line.product_id.to_string(),
                    quantity: line.quantity.0.value().normalize().to_string(),
                    unit_price: line.unit_price.0.value().normalize().to_string(),
                    discount_percent: line.discount_percent.0.value().normalize().to_string(),
                    saved_product_id: line.product_id.to_string(),
                    variant_id: text(line.variant_id.map(|v| v.to_string())),
                    description: line.description.clone(),
                })
                .collect(),
        }
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
        let decimal = |text: &str| typed(Some(text.replace(',', ".")));
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for (row, line) in self.lines.iter().enumerate() {
            if line.is_blank() {
                continue;
            }
            rows.push(row);
            let (variant, description) = line.kept().unwrap_or_default();
            lines.push(PurchaseLineRequest {
                product_id: id(&format!("lines[{row}].product_id"), &line.product_id),
                variant_id: id(&format!("lines[{row}].variant_id"), variant),
                description: typed(Some(description.to_owned())),
                quantity: decimal(&line.quantity),
                unit_price: decimal(&line.unit_price),
                discount_percent: decimal(&line.discount_percent),
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
/// by its row. A variant's message goes next to the row's product, the
/// variant being kept with it.
pub(crate) fn by_row(errors: FieldErrors, rows: &[usize]) -> FieldErrors {
    let mut renamed = FieldErrors::new();
    for error in errors.into_vec() {
        let row = error
            .field
            .strip_prefix("lines[")
            .and_then(|rest| rest.split_once("]."))
            .and_then(|(index, field)| Some((rows.get(index.parse::<usize>().ok()?)?, field)))
            .map(|(row, field)| match field {
                "variant_id" => (row, "product_id"),
                field => (row, field),
            });
        match row {
            Some((row, field)) => renamed.add(format!("lines[{row}].{field}"), error.message),
            None => renamed.add(error.field, error.message),
        }
    }
    renamed
}

/// What the form page shows besides the form: the draft rewritten (none
/// for a new order), the answer's status, the errors and a notice.
struct Shown {
    id: Option<Uuid>,
    status: StatusCode,
    errors: FieldErrors,
    notice: Option<String>,
}

impl Shown {
    fn fresh(id: Option<Uuid>) -> Self {
        Shown {
            id,
            status: StatusCode::OK,
            errors: FieldErrors::new(),
            notice: None,
        }
    }
}

/// A form with text that could not be read, named by its rows.
fn unread(id: Option<Uuid>, errors: FieldErrors) -> Shown {
    Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        ..Shown::fresh(id)
    }
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
    form_page(&viewer, &ctx, form, Shown::fresh(None)).await
}

async fn form_page(
    viewer: &Viewer,
    ctx: &WebContext,
    mut form: OrderForm,
    shown: Shown,
) -> PageResult<Response> {
    let rows = ROWS.max(form.lines.len() + 1);
    form.lines.resize(rows, LineForm::default());
    let (db, actor) = (&ctx.db, &viewer.actor);
    let supplier = Records::Suppliers
        .options(db, actor, None, &form.supplier_id)
        .await?;
    let chosen: Vec<&str> = form.lines.iter().map(|l| l.product_id.as_str()).collect();
    let products = Records::Products.options_each(db, actor, &chosen).await?;
    let warehouses = warehouse_choices(db, actor).await?;
    let (title, action) = match shown.id {
        Some(id) => ("purchasing.edit", format!("/purchase-orders/{id}/edit")),
        None => ("purchasing.new", "/purchase-orders".to_owned()),
    };
    let page = show(
        viewer,
        "purchasing/form.html",
        title,
        json!({
            "id": shown.id,
            "heading": title,
            "action": action,
            "form": form,
            "errors": by_field(shown.errors),
            "notice": shown.notice,
            "supplier": supplier,
            "products": products,
            "warehouses": warehouses,
        }),
    )?;
    Ok((shown.status, page).into_response())
}

/// The form again after a refusal: field errors next to their fields
/// (renamed to their rows), a conflict above them.
async fn refused_form(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Option<Uuid>,
    form: OrderForm,
    rows: &[usize],
    refusal: Refused,
) -> PageResult<Response> {
    let shown = match refusal {
        Refused::Form {
            status,
            errors,
            notice,
        } => Shown {
            id,
            status,
            errors: by_row(errors, rows),
            notice,
        },
        Refused::Stale => Shown {
            status: StatusCode::PRECONDITION_FAILED,
            notice: Some(STALE.into()),
            ..Shown::fresh(id)
        },
    };
    form_page(viewer, ctx, form, shown).await
}

pub async fn create(
    viewer: Allowed<require::PurchasesWrite>,
    State(ctx): State<WebContext>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let form = OrderForm::read(fields);
    let (request, rows, errors) = form.request();
    if !errors.is_empty() {
        return form_page(&viewer, &ctx, form, unread(None, errors)).await;
    }
    match service::create_order(&ctx.db, &viewer.actor, request).await {
        Ok(order) => {
            Ok(Redirect::to(&format!("/purchase-orders/{}", order.order.id)).into_response())
        }
        Err(error) => refused_form(&viewer, &ctx, None, form, &rows, refused(error)?).await,
    }
}

async fn edit_form(
    viewer: Allowed<require::PurchasesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let detail = service::get_order(&ctx.db, &viewer.actor, id).await?;
    if !may_edit(detail.order.status, &viewer.actor) {
        // Past the draft, the order's page shows it read-only.
        return Ok(Redirect::to(&format!("/purchase-orders/{id}")).into_response());
    }
    form_page(
        &viewer,
        &ctx,
        OrderForm::of(&detail),
        Shown::fresh(Some(id)),
    )
    .await
}

/// Saves the draft at the version the form was read at. Over someone
/// else's change the form shows what is stored now — the reader's edit is
/// lost, as they are told, rather than written over theirs — or, the
/// order sent meanwhile, its page says so.
async fn update(
    viewer: Allowed<require::PurchasesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let form = OrderForm::read(fields);
    let Some(version) = form.version.trim().parse::<i64>().ok() else {
        return Err(PageError::BadRequest(
            "the form lacks the version it was read at",
        ));
    };
    let (request, rows, errors) = form.request();
    if !errors.is_empty() {
        return form_page(&viewer, &ctx, form, unread(Some(id), errors)).await;
    }
    let outcome = service::update_order(&ctx.db, &viewer.actor, id, Some(version), request).await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/purchase-orders/{id}")).into_response()),
        Err(ServiceError::PreconditionFailed { .. }) => {
            let current = service::get_order(&ctx.db, &viewer.actor, id).await?;
            if !may_edit(current.order.status, &viewer.actor) {
                let refusal = Refusal {
                    status: StatusCode::CONFLICT,
                    messages: vec![(None, STALE.into())],
                };
                return render(&viewer, &ctx, id, Some(refusal), Default::default()).await;
            }
            let current = OrderForm::of(&current);
            refused_form(&viewer, &ctx, Some(id), current, &[], Refused::Stale).await
        }
        Err(error @ ServiceError::InvalidTransition(_)) => {
            render(
                &viewer,
                &ctx,
                id,
                Some(Refusal::of(error)?),
                Default::default(),
            )
            .await
        }
        Err(error) => refused_form(&viewer, &ctx, Some(id), form, &rows, refused(error)?).await,
    }
}
