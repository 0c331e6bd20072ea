//! Reorder rules: the list (by warehouse, pages in the URL), the form that
//! creates or changes one (a second rule for an item and warehouse is
//! refused above the form; a stale edit shows the stored values), and
//! deletion.

use super::{Names, warehouse_choices};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::parties::{FormPage, Refused, form_values, refused, text};
use crate::pages::pickers::Records;
use crate::pages::{ListQuery, ListView, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use comptoir_db::purchasing::ReorderRule;
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_services::purchasing::{self as service, ReorderRuleRequest, RuleFilters};
use comptoir_services::{records, require};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/reorder-rules", get(list).post(create))
        .route("/reorder-rules/new", get(new_form))
        .route("/reorder-rules/{id}", post(update))
        .route("/reorder-rules/{id}/edit", get(edit_form))
        .route("/reorder-rules/{id}/delete", post(delete))
}

#[derive(Deserialize, Default)]
pub(crate) struct RuleListQuery {
    #[serde(flatten)]
    list: ListQuery,
    warehouse_id: Option<String>,
}

impl RuleListQuery {
    /// The list's filters as its URL carries them (and its export reads
    /// them); a warehouse that is no id is ignored.
    pub(crate) fn filters(&self) -> RuleFilters {
        RuleFilters {
            product_id: None,
            warehouse_id: typed(self.warehouse_id.clone()).and_then(|w| w.parse::<Uuid>().ok()),
        }
    }
}

async fn list(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<RuleListQuery>,
) -> PageResult<Response> {
    let filters = query.filters();
    let warehouse_id = filters.warehouse_id;
    let listing = service::list_rules(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.sort::<ReorderRule>(),
        query.list.page(),
    )
    .await?;
    let names = Names::read(
        &ctx.db,
        &viewer.actor,
        listing.items.iter().filter_map(|r| r.supplier_id).collect(),
        listing.items.iter().map(|r| r.product_id).collect(),
        listing.items.iter().map(|r| r.warehouse_id).collect(),
    )
    .await;
    show(
        &viewer,
        "purchasing/rules.html",
        "rules.title",
        json!({
            "list": ListView::new(listing, &query.list),
            "warehouse_id": warehouse_id,
            "warehouses": warehouse_choices(&ctx.db, &viewer.actor).await?,
            "names": names,
            "may_write": viewer.actor.may(Permission::StockWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The rule form as typed.
#[derive(Deserialize, Serialize, Default)]
struct RuleForm {
    product_id: Option<String>,
    warehouse_id: Option<String>,
    min_quantity: Option<String>,
    max_quantity: Option<String>,
    supplier_id: Option<String>,
    version: Option<String>,
}

impl RuleForm {
    fn from_rule(rule: &ReorderRule) -> Self {
        let json = serde_json::to_value(rule).unwrap_or_default();
        RuleForm {
            product_id: text(&json, "product_id"),
            warehouse_id: text(&json, "warehouse_id"),
            min_quantity: text(&json, "min_quantity"),
            max_quantity: text(&json, "max_quantity"),
            supplier_id: text(&json, "supplier_id"),
            version: text(&json, "version"),
        }
    }

    fn quantity(value: &Option<String>) -> Option<String> {
        typed(value.clone()).map(|q| q.replace(',', "."))
    }

    /// The request the API would receive; an id the pickers did not offer
    /// is no record.
    fn request(&self) -> (ReorderRuleRequest, FieldErrors) {
        let mut errors = FieldErrors::new();
        let mut id = |field: &str, value: &Option<String>| {
            let text = typed(value.clone())?;
            let id = text.parse::<Uuid>().ok();
            if id.is_none() {
                errors.add(field, "no such record");
            }
            id
        };
        let request = ReorderRuleRequest {
            product_id: id("product_id", &self.product_id),
            variant_id: None,
            warehouse_id: id("warehouse_id", &self.warehouse_id),
            min_quantity: Self::quantity(&self.min_quantity),
            max_quantity: Self::quantity(&self.max_quantity),
            supplier_id: id("supplier_id", &self.supplier_id),
        };
        (request, errors)
    }

    fn patch(&self) -> Value {
        json!({
            "product_id": typed(self.product_id.clone()),
            "warehouse_id": typed(self.warehouse_id.clone()),
            "min_quantity": Self::quantity(&self.min_quantity),
            "max_quantity": Self::quantity(&self.max_quantity),
            "supplier_id": typed(self.supplier_id.clone()),
        })
    }
}

const FORM: FormPage = FormPage {
    template: "purchasing/rule_form.html",
    new: "rules.new",
    edit: "rules.edit",
};

async fn form_page(
    viewer: &Viewer,
    ctx: &WebContext,
    status: StatusCode,
    id: Option<Uuid>,
    form: &RuleForm,
    refusal: Refused,
) -> PageResult<Response> {
    let (_, errors, notice) = refusal.shown();
    let (db, actor) = (&ctx.db, &viewer.actor);
    let chosen = |id: &Option<String>| id.clone().unwrap_or_default();
    let products = Records::Products
        .options(db, actor, None, &chosen(&form.product_id))
        .await?;
    let suppliers = Records::Suppliers
        .options(db, actor, None, &chosen(&form.supplier_id))
        .await?
        .choosing(Records::Suppliers, "rules.cheapest");
    let warehouses = warehouse_choices(db, actor).await?;
    let mut values = form_values(id, form, errors, notice.as_deref());
    values["products"] = json!(products);
    values["warehouses"] = json!(warehouses);
    values["suppliers"] = json!(suppliers);
    let page = show(viewer, FORM.template, FORM.title(id), values)?;
    Ok((status, page).into_response())
}

async fn new_form(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
) -> PageResult<Response> {
    let form = RuleForm::default();
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        None,
        &form,
        Refused::nothing(),
    )
    .await
}

async fn edit_form(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let rule: ReorderRule = records::get(&ctx.db, &viewer.actor, id).await?;
    let form = RuleForm::from_rule(&rule);
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        Some(id),
        &form,
        Refused::nothing(),
    )
    .await
}

/// The form again after a refusal, with the refusal's status.
async fn refused_page(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Option<Uuid>,
    form: &RuleForm,
    refusal: Refused,
) -> PageResult<Response> {
    let status = match &refusal {
        Refused::Form { status, .. } => *status,
        Refused::Stale => StatusCode::PRECONDITION_FAILED,
    };
    form_page(viewer, ctx, status, id, form, refusal).await
}

async fn create(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<RuleForm>,
) -> PageResult<Response> {
    let (request, errors) = form.request();
    if !errors.is_empty() {
        let refusal = Refused::Form {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            notice: None,
        };
        return refused_page(&viewer, &ctx, None, &form, refusal).await;
    }
    match service::create_rule(&ctx.db, &viewer.actor, request).await {
        Ok(_) => Ok(Redirect::to("/reorder-rules").into_response()),
        Err(error) => refused_page(&viewer, &ctx, None, &form, refused(error)?).await,
    }
}

async fn update(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<RuleForm>,
) -> PageResult<Response> {
    let version = typed(form.version.clone()).and_then(|v| v.parse::<i64>().ok());
    match service::update_rule(&ctx.db, &viewer.actor, id, version, form.patch()).await {
        Ok(_) => Ok(Redirect::to("/reorder-rules").into_response()),
        Err(error) => match refused(error)? {
            Refused::Stale => {
                // What is stored now, as on the other forms.
                let current: ReorderRule = records::get(&ctx.db, &viewer.actor, id).await?;
                let current = RuleForm::from_rule(&current);
                refused_page(&viewer, &ctx, Some(id), &current, Refused::Stale).await
            }
            refusal => refused_page(&viewer, &ctx, Some(id), &form, refusal).await,
        },
    }
}

async fn delete(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    service::delete_rule(&ctx.db, &viewer.actor, id).await?;
    Ok(Redirect::to("/reorder-rules").into_response())
}
