//! The product form: new (`/products/new`, POST `/products`) or a change
//! (`/products/{id}/edit`, POST `/products/{id}` with the version read).
//! What was typed is kept; each refused field shows the services' message
//! next to it; a stale version shows the values stored now.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::{by_field, show, typed};
use crate::session::Allowed;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use comptoir_db::catalog::Product;
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::{ProductKind, Unit, VatCategory};
use comptoir_services::catalog::{ProductRequest, products, views};
use comptoir_services::{ServiceError, records, require};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::str::FromStr;
use uuid::Uuid;

/// The product form as typed: every field as text, kept to show again.
#[derive(Deserialize, Serialize, Default, Clone)]
pub(super) struct ProductForm {
    code: Option<String>,
    name: Option<String>,
    kind: Option<String>,
    category_id: Option<String>,
    unit: Option<String>,
    sale_price: Option<String>,
    purchase_price: Option<String>,
    vat_category: Option<String>,
    vat_rate: Option<String>,
    vat_exemption_reason: Option<String>,
    barcode: Option<String>,
    description: Option<String>,
    /// A checkbox: present ("true") when ticked.
    active: Option<String>,
    version: Option<String>,
}

/// A decimal as a French reader may type it ("12,50", "1 200"), written
/// as the services read it ("12.50"); anything else is left for them to
/// refuse with their message.
pub(super) fn decimal_text(value: Option<String>) -> Option<String> {
    let text = typed(value)?;
    let plain: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    Some(plain)
}

/// A stored decimal as a form shows it: without trailing zeros, but with
/// two decimals for amounts ("12.50", "5.5").
fn shown(value: &Value, amount: bool) -> Option<String> {
    let text = value.as_str()?;
    let number = Decimal::from_str(text).ok()?.normalize();
    Some(if amount && number.scale() < 2 {
        format!("{number:.2}")
    } else {
        number.to_string()
    })
}

impl ProductForm {
    fn from_product(product: &Product) -> Self {
        let json = serde_json::to_value(product).unwrap_or_default();
        let text = |field: &str| match &json[field] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        };
        ProductForm {
            code: text("code"),
            name: text("name"),
            kind: text("kind"),
            category_id: text("category_id"),
            unit: text("unit"),
            sale_price: shown(&json["sale_price"], true),
            purchase_price: shown(&json["purchase_price"], true),
            vat_category: text("vat_category"),
            vat_rate: shown(&json["vat_rate"], false),
            vat_exemption_reason: text("vat_exemption_reason"),
            barcode: text("barcode"),
            description: text("description"),
            active: product.active.then(|| "true".to_owned()),
            version: text("version"),
        }
    }

    /// The category as an id, or the field's error.
    fn category(&self, errors: &mut FieldErrors) -> Option<Uuid> {
        let text = typed(self.category_id.clone())?;
        let id = Uuid::parse_str(&text).ok();
        if id.is_none() {
            errors.add("category_id", "no such record");
        }
        id
    }

    fn active(&self) -> bool {
        typed(self.active.clone()).is_some()
    }

    /// The request the API would receive, and the errors found reading
    /// the form's text.
    fn request(&self) -> (ProductRequest, FieldErrors) {
        let mut errors = FieldErrors::new();
        let request = ProductRequest {
            code: typed(self.code.clone()),
            name: typed(self.name.clone()),
            description: typed(self.description.clone()),
            kind: typed(self.kind.clone()),
            category_id: self.category(&mut errors),
            unit: typed(self.unit.clone()),
            sale_price: decimal_text(self.sale_price.clone()),
            purchase_price: decimal_text(self.purchase_price.clone()),
            vat_rate: decimal_text(self.vat_rate.clone()),
            vat_category: typed(self.vat_category.clone()),
            vat_exemption_reason: typed(self.vat_exemption_reason.clone()),
            barcode: typed(self.barcode.clone()),
            active: Some(self.active()),
            attributes: None,
        };
        (request, errors)
    }

    /// The change as a merge patch: an emptied field is cleared (and a
    /// required one refused); the product's attributes are kept.
    fn patch(&self) -> (Value, FieldErrors) {
        let mut errors = FieldErrors::new();
        let category = self.category(&mut errors);
        let patch = json!({
            "code": typed(self.code.clone()),
            "name": typed(self.name.clone()),
            "description": typed(self.description.clone()),
            "kind": typed(self.kind.clone()),
            "category_id": category,
            "unit": typed(self.unit.clone()),
            "sale_price": decimal_text(self.sale_price.clone()),
            "purchase_price": decimal_text(self.purchase_price.clone()),
            "vat_rate": decimal_text(self.vat_rate.clone()),
            "vat_category": typed(self.vat_category.clone()),
            "vat_exemption_reason": typed(self.vat_exemption_reason.clone()),
            "barcode": typed(self.barcode.clone()),
            "active": self.active(),
        });
        (patch, errors)
    }
}

/// The form page: new when `id` is `None`; with the values typed, the
/// errors next to their fields, and a message above them.
async fn form_page(
    viewer: &Allowed<require::CatalogWrite>,
    ctx: &WebContext,
    status: StatusCode,
    id: Option<Uuid>,
    form: &ProductForm,
    errors: FieldErrors,
    notice: Option<&str>,
) -> PageResult<Response> {
    let title = if id.is_some() {
        "products.edit"
    } else {
        "products.new"
    };
    let categories = views::category_tree(&ctx.db, &viewer.actor).await?;
    let page = show(
        viewer,
        "products/form.html",
        title,
        json!({
            "id": id,
            "form": form,
            "errors": by_field(errors),
            "notice": notice,
            "categories": categories,
            "kinds": ProductKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            "units": Unit::ALL.iter().map(|u| u.as_str()).collect::<Vec<_>>(),
            "vat_categories": VatCategory::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        }),
    )?;
    Ok((status, page).into_response())
}

pub(super) async fn new_form(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
) -> PageResult<Response> {
    let form = ProductForm {
        kind: Some("goods".into()),
        unit: Some("unit".into()),
        vat_category: Some("S".into()),
        vat_rate: Some("20".into()),
        active: Some("true".into()),
        ..Default::default()
    };
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        None,
        &form,
        FieldErrors::new(),
        None,
    )
    .await
}

pub(super) async fn create(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<ProductForm>,
) -> PageResult<Response> {
    let (request, mut errors) = form.request();
    if !errors.is_empty() {
        if let Err(more) = request.validate() {
            for error in more.into_vec() {
                errors.add(error.field, error.message);
            }
        }
        return form_page(
            &viewer,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            &form,
            errors,
            None,
        )
        .await;
    }
    match products::create(&ctx.db, &viewer.actor, request).await {
        Ok(product) => Ok(Redirect::to(&format!("/products/{}", product.id)).into_response()),
        Err(error) => refused_form(&viewer, &ctx, None, &form, error).await,
    }
}

/// A refusal the form can show: field errors next to their fields, a
/// conflict (a code or barcode already used) above them; anything else is
/// an error page.
async fn refused_form(
    viewer: &Allowed<require::CatalogWrite>,
    ctx: &WebContext,
    id: Option<Uuid>,
    form: &ProductForm,
    error: ServiceError,
) -> PageResult<Response> {
    match error {
        ServiceError::Validation(errors) => {
            form_page(
                viewer,
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                id,
                form,
                errors,
                None,
            )
            .await
        }
        ServiceError::Conflict { message, details } => {
            // A taken code or barcode is also marked on its field.
            let mut errors = FieldErrors::new();
            if let Some(field) = details["field"].as_str() {
                errors.add(field.to_owned(), message.clone());
            }
            form_page(
                viewer,
                ctx,
                StatusCode::CONFLICT,
                id,
                form,
                errors,
                Some(&message),
            )
            .await
        }
        other => Err(other.into()),
    }
}

pub(super) async fn edit_form(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let product: Product = records::get(&ctx.db, &viewer.actor, id).await?;
    let form = ProductForm::from_product(&product);
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        Some(id),
        &form,
        FieldErrors::new(),
        None,
    )
    .await
}

pub(super) async fn update(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<ProductForm>,
) -> PageResult<Response> {
    let (patch, errors) = form.patch();
    if !errors.is_empty() {
        return form_page(
            &viewer,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(id),
            &form,
            errors,
            None,
        )
        .await;
    }
    let version = typed(form.version.clone()).and_then(|v| v.parse::<i64>().ok());
    let Some(version) = version else {
        return Err(PageError::BadRequest(
            "the form lacks the version it was read at",
        ));
    };
    match products::update(&ctx.db, &viewer.actor, id, Some(version), patch).await {
        Ok(product) => Ok(Redirect::to(&format!("/products/{}", product.id)).into_response()),
        Err(ServiceError::PreconditionFailed { .. }) => {
            // Show what is stored now; the reader's edit is lost, as they
            // are told, rather than written over someone else's.
            let current: Product = records::get(&ctx.db, &viewer.actor, id).await?;
            form_page(
                &viewer,
                &ctx,
                StatusCode::PRECONDITION_FAILED,
                Some(id),
                &ProductForm::from_product(&current),
                FieldErrors::new(),
                Some("changed by someone else meanwhile"),
            )
            .await
        }
        Err(error) => refused_form(&viewer, &ctx, Some(id), &form, error).await,
    }
}
