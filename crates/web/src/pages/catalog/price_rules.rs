//! A price list's rules: the form that adds one
//! (`/price-lists/{id}/rules/new`, POST `/price-lists/{id}/rules`) or
//! changes one (`…/rules/{rule}/edit`, POST `…/rules/{rule}` with the
//! version read), and deletion. What a rule applies to is one choice,
//! `target`: `all`, `category:{id}`, `product:{id}` or `variant:{id}`;
//! the services' errors on the scope and its ids are shown next to it.

use super::form::decimal_text;
use super::read_version;
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::parties::{Refused, form_values, refused, text};
use crate::pages::{show, typed};
use crate::session::{Allowed, Viewer};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use comptoir_db::price_lists::{PriceList, PriceRule};
use comptoir_domain::FieldErrors;
use comptoir_services::catalog::price_lists;
use comptoir_services::catalog::views;
use comptoir_services::pricing::PriceRuleRequest;
use comptoir_services::{records, require};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

/// The rule form as typed.
#[derive(Deserialize, Serialize, Default)]
pub(super) struct RuleForm {
    target: Option<String>,
    min_quantity: Option<String>,
    fixed_price: Option<String>,
    discount_percent: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    version: Option<String>,
}

/// The scope and its ids, as a rule request says them.
#[derive(Default)]
struct Target {
    scope: Option<String>,
    category_id: Option<Uuid>,
    product_id: Option<Uuid>,
    variant_id: Option<Uuid>,
}

/// The form's fields that the services name otherwise.
fn field_of(service_field: &str) -> &str {
    match service_field {
        "scope" | "category_id" | "product_id" | "variant_id" => "target",
        other => other,
    }
}

/// A date as the date picker sends it (`2026-12-31`) or as a French
/// reader types it (`31/12/2026`), or the field's error.
fn date(errors: &mut FieldErrors, field: &str, value: &Option<String>) -> Option<NaiveDate> {
    let text = typed(value.clone())?;
    let day = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&text, "%d/%m/%Y"))
        .ok();
    if day.is_none() {
        errors.add(field, "not a valid date");
    }
    day
}

impl RuleForm {
    fn of(rule: &PriceRule) -> Self {
        let json = serde_json::to_value(rule).unwrap_or_default();
        let target = match (rule.category_id, rule.product_id, rule.variant_id) {
            (Some(id), _, _) => format!("category:{id}"),
            (_, Some(id), _) => format!("product:{id}"),
            (_, _, Some(id)) => format!("variant:{id}"),
            _ => "all".to_owned(),
        };
        // Stored decimals without their trailing zeros ("10", "9.9").
        let number = |field: &str| {
            text(&json, field).map(|t| {
                t.parse::<rust_decimal::Decimal>()
                    .map(|d| d.normalize().to_string())
                    .unwrap_or(t)
            })
        };
        RuleForm {
            target: Some(target),
            min_quantity: number("min_quantity"),
            fixed_price: number("fixed_price"),
            discount_percent: number("discount_percent"),
            valid_from: text(&json, "valid_from"),
            valid_to: text(&json, "valid_to"),
            version: text(&json, "version"),
        }
    }

    /// The target chosen, or the field's error for one the form did not
    /// offer.
    fn target(&self, errors: &mut FieldErrors) -> Target {
        let Some(text) = typed(self.target.clone()) else {
            return Target::default();
        };
        if text == "all" {
            return Target {
                scope: Some(text),
                ..Default::default()
            };
        }
        let parsed = text
            .split_once(':')
            .and_then(|(scope, id)| Some((scope, Uuid::parse_str(id).ok()?)));
        let target = match parsed {
            Some(("category", id)) => Target {
                category_id: Some(id),
                ..Default::default()
            },
            Some(("product", id)) => Target {
                product_id: Some(id),
                ..Default::default()
            },
            Some(("variant", id)) => Target {
                variant_id: Some(id),
                ..Default::default()
            },
            _ => {
                errors.add("target", "no such record");
                return Target::default();
            }
        };
        Target {
            scope: parsed.map(|(scope, _)| scope.to_owned()),
            ..target
        }
    }

    /// The request the API would receive, and the errors found reading
    /// the form's text.
    fn request(&self) -> (PriceRuleRequest, FieldErrors) {
        let mut errors = FieldErrors::new();
        let target = self.target(&mut errors);
        let request = PriceRuleRequest {
            scope: target.scope,
            category_id: target.category_id,
            product_id: target.product_id,
            variant_id: target.variant_id,
            min_quantity: decimal_text(self.min_quantity.clone()),
            fixed_price: decimal_text(self.fixed_price.clone()),
            discount_percent: decimal_text(self.discount_percent.clone()),
            valid_from: date(&mut errors, "valid_from", &self.valid_from),
            valid_to: date(&mut errors, "valid_to", &self.valid_to),
        };
        (request, errors)
    }

    /// Every mistake at once: the form's own, and what the services find
    /// in the rest.
    fn mistakes(&self) -> FieldErrors {
        let (request, mut errors) = self.request();
        if let Err(more) = request.validate() {
            for error in more.into_vec() {
                if !errors.has(field_of(&error.field)) {
                    errors.add(error.field, error.message);
                }
            }
        }
        errors
    }

    /// The change as a merge patch: every field, an emptied one cleared.
    fn patch(&self) -> (Value, FieldErrors) {
        let (request, errors) = self.request();
        let patch = json!({
            "scope": request.scope,
            "category_id": request.category_id,
            "product_id": request.product_id,
            "variant_id": request.variant_id,
            "min_quantity": request.min_quantity,
            "fixed_price": request.fixed_price,
            "discount_percent": request.discount_percent,
            "valid_from": request.valid_from,
            "valid_to": request.valid_to,
        });
        (patch, errors)
    }
}

/// The services' field errors, each on the form's field.
fn on_form_fields(errors: FieldErrors) -> FieldErrors {
    let mut mapped = FieldErrors::new();
    for error in errors.into_vec() {
        mapped.add(field_of(&error.field).to_owned(), error.message);
    }
    mapped
}

/// The form page: a new rule when `rule` is `None`.
async fn form_page(
    viewer: &Viewer,
    ctx: &WebContext,
    list_id: Uuid,
    rule: Option<Uuid>,
    form: &RuleForm,
    refusal: Refused,
) -> PageResult<Response> {
    let (status, errors, notice) = refusal.shown();
    let list: PriceList = records::get(&ctx.db, &viewer.actor, list_id).await?;
    let targets = views::rule_targets(&ctx.db, &viewer.actor).await?;
    let mut values = form_values(rule, form, on_form_fields(errors), notice.as_deref());
    values["list"] = json!(list);
    values["targets"] = json!(targets);
    let title = if rule.is_some() {
        "price_rules.edit"
    } else {
        "price_rules.new"
    };
    let page = show(viewer, "catalog/rule_form.html", title, values)?;
    Ok((status, page).into_response())
}

/// The form refused for its own mistakes.
fn mistaken(errors: FieldErrors) -> Refused {
    Refused::Form {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        errors,
        notice: None,
    }
}

fn to_list(list_id: Uuid) -> Response {
    Redirect::to(&format!("/price-lists/{list_id}")).into_response()
}

pub(super) async fn new_form(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path(list_id): Path<Uuid>,
) -> PageResult<Response> {
    let form = RuleForm {
        target: Some("all".into()),
        ..Default::default()
    };
    form_page(&viewer, &ctx, list_id, None, &form, Refused::nothing()).await
}

pub(super) async fn create(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path(list_id): Path<Uuid>,
    Form(form): Form<RuleForm>,
) -> PageResult<Response> {
    let (request, errors) = form.request();
    if !errors.is_empty() {
        let refusal = mistaken(form.mistakes());
        return form_page(&viewer, &ctx, list_id, None, &form, refusal).await;
    }
    match price_lists::create_rule(&ctx.db, &viewer.actor, list_id, request).await {
        Ok(_) => Ok(to_list(list_id)),
        Err(error) => form_page(&viewer, &ctx, list_id, None, &form, refused(error)?).await,
    }
}

pub(super) async fn edit_form(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path((list_id, id)): Path<(Uuid, Uuid)>,
) -> PageResult<Response> {
    let rule = price_lists::get_rule(&ctx.db, &viewer.actor, list_id, id).await?;
    let form = RuleForm::of(&rule);
    form_page(&viewer, &ctx, list_id, Some(id), &form, Refused::nothing()).await
}

pub(super) async fn update(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path((list_id, id)): Path<(Uuid, Uuid)>,
    Form(form): Form<RuleForm>,
) -> PageResult<Response> {
    let (patch, errors) = form.patch();
    if !errors.is_empty() {
        let refusal = mistaken(form.mistakes());
        return form_page(&viewer, &ctx, list_id, Some(id), &form, refusal).await;
    }
    let version = read_version(&form.version)?;
    let changed =
        price_lists::update_rule(&ctx.db, &viewer.actor, list_id, id, Some(version), patch).await;
    match changed {
        Ok(_) => Ok(to_list(list_id)),
        Err(error) => match refused(error)? {
            Refused::Stale => {
                // What is stored now, as on the other forms.
                let current = price_lists::get_rule(&ctx.db, &viewer.actor, list_id, id).await?;
                let current = RuleForm::of(&current);
                form_page(&viewer, &ctx, list_id, Some(id), &current, Refused::Stale).await
            }
            refusal => form_page(&viewer, &ctx, list_id, Some(id), &form, refusal).await,
        },
    }
}

pub(super) async fn delete(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path((list_id, id)): Path<(Uuid, Uuid)>,
) -> PageResult<Response> {
    price_lists::delete_rule(&ctx.db, &viewer.actor, list_id, id).await?;
    Ok(to_list(list_id))
}
