//! `/stock/movements`: the ledger (product, warehouse, type and dates in
//! the URL) and the entry form. The form's first field takes a barcode: a
//! USB scanner types it then Enter; with the script, `/stock/scan` names
//! the product and the cursor moves on to the quantity; without it, the
//! server resolves the barcode when the form is sent. The reasons the
//! services write (a delivery, a receipt, a return…) are shown in the
//! reader's language; a reason typed by hand is shown as typed.

use super::{Places, products, uuid};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{ListQuery, ListView, by_field, show, typed};
use crate::session::Allowed;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::{NaiveDate, NaiveTime};
use comptoir_db::catalog::{Product, Variant};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::ReturnReason;
use comptoir_domain::stock::MovementType;
use comptoir_services::catalog::products as catalog;
use comptoir_services::stock::{MovementFilters, MovementRequest, movements};
use comptoir_services::{ServiceError, records, require};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/stock/movements", get(ledger).post(create))
        .route("/stock/movements/new", get(new_form))
        .route("/stock/scan", get(scan))
}

#[derive(Deserialize, Default)]
pub(crate) struct LedgerQuery {
    #[serde(flatten)]
    pub(crate) list: ListQuery,
    product: Option<String>,
    warehouse: Option<String>,
    #[serde(rename = "type")]
    movement_type: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

impl LedgerQuery {
    /// The ledger's filters as its URL carries them; a value edited by
    /// hand into something else is ignored, as a bad page is. The days
    /// are whole: `to` runs to its last instant.
    pub(crate) fn filters(&self) -> MovementFilters {
        MovementFilters {
            product_id: uuid(&self.product),
            location_id: None,
            warehouse_id: uuid(&self.warehouse),
            movement_type: typed(self.movement_type.clone())
                .filter(|t| MovementType::parse(t).is_ok()),
            reference: None,
            from: day(&self.from).map(|d| d.and_time(NaiveTime::MIN).and_utc()),
            to: day(&self.to)
                .and_then(|d| d.succ_opt())
                .map(|d| d.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::microseconds(1)),
        }
    }
}

/// The catalog key naming a reason the services write on the movements
/// they make: `delivery`, `purchase receipt`, `inventory`, `import`, or
/// `return: ` and why (its words spaced). A reason typed by hand has none.
fn reference_type(reason: &str) -> Option<String> {
    let kind = match reason {
        "delivery" => "delivery".to_owned(),
        "purchase receipt" => "purchase_receipt".to_owned(),
        "inventory" => "inventory".to_owned(),
        "import" => "import".to_owned(),
        other => {
            let why = other.strip_prefix("return: ")?.replace(' ', "_");
            format!("return.{}", ReturnReason::parse(&why).ok()?.as_str())
        }
    };
    Some(format!("stock.reference_type.{kind}"))
}

fn day(text: &Option<String>) -> Option<NaiveDate> {
    text.as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok())
}

async fn ledger(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<LedgerQuery>,
) -> PageResult<Response> {
    let filters = query.filters();
    let (product, warehouse) = (filters.product_id, filters.warehouse_id);
    let movement_type = filters.movement_type.clone();
    let (from, to) = (day(&query.from), day(&query.to));
    let listing = movements::list(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<comptoir_db::stock::Movement>(),
        query.list.page(),
    )
    .await?;
    let places = Places::read(&ctx.db, &viewer.actor).await?;
    let mut ids: Vec<Uuid> = listing.items.iter().map(|m| m.product_id).collect();
    ids.extend(product);
    let products = products(&ctx.db, &viewer.actor, &ids).await;
    let reference_types: BTreeMap<Uuid, String> = listing
        .items
        .iter()
        .filter_map(|m| Some((m.id, reference_type(m.reason.as_deref()?)?)))
        .collect();
    let view = ListView::new(listing, &query.list);
    show(
        &viewer,
        "stock/movements.html",
        "stock.movements",
        json!({
            "list": view,
            "product": product,
            "warehouse": warehouse,
            "type": movement_type.unwrap_or_default(),
            "from": from.map(|d| d.to_string()).unwrap_or_default(),
            "to": to.map(|d| d.to_string()).unwrap_or_default(),
            "types": MovementType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            "products": products,
            "reference_types": reference_types,
            "places": places,
            "locations": places.labels(),
            "may_write": viewer.actor.may(Permission::StockWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The entry form as typed.
#[derive(Deserialize, Serialize, Default, Clone)]
struct MovementForm {
    barcode: Option<String>,
    product_id: Option<String>,
    variant_id: Option<String>,
    #[serde(rename = "type")]
    movement_type: Option<String>,
    quantity: Option<String>,
    from_location_id: Option<String>,
    to_location_id: Option<String>,
    reason: Option<String>,
    reference: Option<String>,
}

/// The form page, with the product the form names (if any), the errors
/// next to their fields and a message above them.
async fn form_page(
    viewer: &Allowed<require::StockWrite>,
    ctx: &WebContext,
    status: StatusCode,
    form: &MovementForm,
    errors: FieldErrors,
    notice: Option<&str>,
) -> PageResult<Response> {
    let places = Places::read(&ctx.db, &viewer.actor).await?;
    let product = match uuid(&form.product_id) {
        Some(id) => records::get::<Product>(&ctx.db, &viewer.actor, id)
            .await
            .ok(),
        None => None,
    };
    let variant = match uuid(&form.variant_id) {
        Some(id) => records::get::<Variant>(&ctx.db, &viewer.actor, id)
            .await
            .ok(),
        None => None,
    };
    let page = show(
        viewer,
        "stock/movement_form.html",
        "stock.movement.new",
        json!({
            "form": form,
            "product": product,
            "variant": variant,
            "barcode": null,
            "errors": by_field(errors),
            "notice": notice,
            "types": MovementType::ALL.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            "places": places,
        }),
    )?;
    Ok((status, page).into_response())
}

async fn new_form(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Query(form): Query<MovementForm>,
) -> PageResult<Response> {
    let form = MovementForm {
        movement_type: form.movement_type.or(Some("receipt".into())),
        ..form
    };
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        &form,
        FieldErrors::new(),
        None,
    )
    .await
}

/// Names the product of a scanned barcode in the form, or says it is
/// unknown (as `barcode`'s error).
async fn resolve(
    ctx: &WebContext,
    viewer: &Allowed<require::StockWrite>,
    form: &mut MovementForm,
    errors: &mut FieldErrors,
) -> PageResult<()> {
    if let Some(barcode) = typed(form.barcode.clone()) {
        match catalog::by_barcode(&ctx.db, &viewer.actor, &barcode).await? {
            Some(scanned) => {
                form.product_id = Some(scanned.product.id.to_string());
                form.variant_id = scanned.variant.map(|v| v.id.to_string());
            }
            None => errors.add("barcode", "no product has this barcode"),
        }
    }
    Ok(())
}

async fn create(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Form(mut form): Form<MovementForm>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    resolve(&ctx, &viewer, &mut form, &mut errors).await?;
    if !errors.is_empty() {
        return form_page(
            &viewer,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            errors,
            None,
        )
        .await;
    }
    // A scanner's Enter without the script sends the form with only the
    // barcode: show the product found and wait for the quantity.
    if typed(form.barcode.clone()).is_some() && typed(form.quantity.clone()).is_none() {
        form.barcode = None;
        return form_page(&viewer, &ctx, StatusCode::OK, &form, errors, None).await;
    }
    let request = MovementRequest {
        movement_type: typed(form.movement_type.clone()),
        product_id: uuid(&form.product_id),
        variant_id: uuid(&form.variant_id),
        quantity: typed(form.quantity.clone()).map(|q| q.replace(',', ".")),
        from_location_id: uuid(&form.from_location_id),
        to_location_id: uuid(&form.to_location_id),
        reason: typed(form.reason.clone()),
        reference: typed(form.reference.clone()),
    };
    match movements::record(&ctx.db, &viewer.actor, request).await {
        Ok(movement) => Ok(Redirect::to(&format!(
            "/stock/movements?product={}",
            movement.product_id
        ))
        .into_response()),
        Err(ServiceError::Validation(errors)) => {
            form_page(
                &viewer,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                errors,
                None,
            )
            .await
        }
        Err(ServiceError::InsufficientStock(_)) => {
            form_page(
                &viewer,
                &ctx,
                StatusCode::CONFLICT,
                &form,
                FieldErrors::new(),
                Some("not enough stock"),
            )
            .await
        }
        Err(ServiceError::Conflict { message, .. } | ServiceError::InvalidTransition(message)) => {
            form_page(
                &viewer,
                &ctx,
                StatusCode::CONFLICT,
                &form,
                FieldErrors::new(),
                Some(&message),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct ScanQuery {
    barcode: Option<String>,
}

/// The product block of the entry form for a scanned barcode: the
/// product's (and variant's) id in hidden fields and its name, or the
/// barcode's error.
async fn scan(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Query(query): Query<ScanQuery>,
) -> PageResult<Response> {
    let barcode = typed(query.barcode).unwrap_or_default();
    let scanned = if barcode.is_empty() {
        None
    } else {
        catalog::by_barcode(&ctx.db, &viewer.actor, &barcode).await?
    };
    let (product, variant) = match scanned {
        Some(scanned) => (Some(scanned.product), scanned.variant),
        None => (None, None),
    };
    show(
        &viewer,
        "stock/scanned.html",
        "stock.movement.new",
        json!({"product": product, "variant": variant, "barcode": barcode}),
    )
    .map(IntoResponse::into_response)
}

#[cfg(test)]
mod tests {
    use super::reference_type;
    use crate::i18n::text;
    use comptoir_domain::language::Language;
    use comptoir_domain::sales::ReturnReason;

    #[test]
    fn every_reason_the_services_write_is_named_in_each_language() {
        let returns = ReturnReason::ALL
            .iter()
            .map(|r| format!("return: {}", r.as_str().replace('_', " ")));
        let written = ["delivery", "purchase receipt", "inventory", "import"]
            .map(str::to_owned)
            .into_iter()
            .chain(returns);
        for reason in written {
            let key = reference_type(&reason).unwrap_or_else(|| panic!("{reason}"));
            for language in [Language::Fr, Language::En] {
                assert_ne!(text(language, &key), key, "{reason}");
            }
        }
        assert_eq!(reference_type("casse en rayon"), None);
        assert_eq!(reference_type("return: lost"), None);
    }
}
