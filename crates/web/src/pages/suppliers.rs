//! Suppliers: the list (search, status, sort, pages in the URL), a
//! supplier's page (identity, addresses and contacts with their add and
//! remove forms, purchase orders), and the form that creates or changes
//! one — the client pages' twin, sharing their identity fields, refusals
//! and details (`parties`).

use super::parties::details::{self, PartyPage};
use super::parties::{self, FormPage, IdentityForm, PartyForm};
use super::purchasing::supplier_orders;
use super::{ListQuery, ListView, show, typed};
use crate::WebContext;
use crate::error::PageResult;
use crate::session::{Allowed, Viewer};
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_db::Db;
use comptoir_db::parties::{Party, Supplier};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_services::parties::{self as service, SupplierFilters, SupplierRequest};
use comptoir_services::{Actor, ServiceResult, records, require};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/suppliers", get(list).post(create))
        .route("/suppliers/new", get(new_form))
        .route("/suppliers/{id}", get(supplier_page).post(update))
        .route("/suppliers/{id}/edit", get(edit_form))
        .merge(details::router::<SupplierPage>())
}

#[derive(Deserialize, Default)]
struct SupplierListQuery {
    #[serde(flatten)]
    list: ListQuery,
    /// Empty for the active ones, `inactive`, or `all`.
    status: Option<String>,
}

async fn list(
    viewer: Allowed<require::SuppliersRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<SupplierListQuery>,
) -> PageResult<Response> {
    let status = typed(query.status.clone()).unwrap_or_default();
    let filters = SupplierFilters {
        active: (status == "inactive").then_some(false),
        include_archived: (status == "all").then_some(true),
    };
    let listing = service::list_suppliers(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<Supplier>(),
        query.list.page(),
    )
    .await?;
    show(
        &viewer,
        "suppliers/list.html",
        "suppliers.title",
        json!({
            "list": ListView::new(listing, &query.list),
            "status": status,
            "may_write": viewer.actor.may(Permission::SuppliersWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The supplier form as typed.
#[derive(Deserialize, Serialize, Default, Clone)]
struct SupplierForm {
    #[serde(flatten)]
    identity: IdentityForm,
    /// `true` or `false`.
    active: Option<String>,
}

impl SupplierForm {
    fn active(&self) -> bool {
        self.active.as_deref() != Some("false")
    }
}

impl PartyForm for SupplierForm {
    type Record = Supplier;
    type Request = SupplierRequest;
    const PAGE: FormPage = FormPage {
        template: "suppliers/form.html",
        new: "suppliers.new",
        edit: "suppliers.edit",
    };
    const BASE: &'static str = "/suppliers";

    fn blank() -> Self {
        SupplierForm {
            identity: IdentityForm::blank(),
            active: Some("true".into()),
        }
    }

    fn of(supplier: &Supplier) -> Self {
        let json = serde_json::to_value(supplier).unwrap_or_default();
        SupplierForm {
            identity: IdentityForm::from_json(&json),
            active: Some(supplier.active.to_string()),
        }
    }

    fn identity(&self) -> &IdentityForm {
        &self.identity
    }

    fn id(supplier: &Supplier) -> Uuid {
        supplier.id
    }

    fn request(&self) -> (SupplierRequest, FieldErrors) {
        let mut errors = FieldErrors::new();
        let request = SupplierRequest {
            code: typed(self.identity.code.clone()),
            identity: self.identity.fields(&mut errors),
            active: Some(self.active()),
        };
        (request, errors)
    }

    fn validate(request: SupplierRequest) -> FieldErrors {
        request.validate().err().unwrap_or_default()
    }

    fn patch(&self) -> (Value, FieldErrors) {
        let mut errors = FieldErrors::new();
        let mut patch = self.identity.patch(&mut errors);
        patch["active"] = self.active().into();
        (patch, errors)
    }

    fn create(
        db: &Db,
        actor: &Actor,
        request: SupplierRequest,
    ) -> impl Future<Output = ServiceResult<Supplier>> + Send {
        service::create_supplier(db, actor, request)
    }

    fn update(
        db: &Db,
        actor: &Actor,
        id: Uuid,
        version: i64,
        patch: Value,
    ) -> impl Future<Output = ServiceResult<Supplier>> + Send {
        service::update_supplier(db, actor, id, Some(version), patch)
    }
}

async fn new_form(
    viewer: Allowed<require::SuppliersWrite>,
    State(ctx): State<WebContext>,
) -> PageResult<Response> {
    parties::new_form::<SupplierForm>(&viewer, &ctx).await
}

async fn create(
    viewer: Allowed<require::SuppliersWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<SupplierForm>,
) -> PageResult<Response> {
    parties::create(&viewer, &ctx, form).await
}

/// The supplier's page, around its addresses and contacts.
struct SupplierPage;

impl PartyPage for SupplierPage {
    const BASE: &'static str = "/suppliers";
    type Write = require::SuppliersWrite;
    const PARTY: fn(Uuid) -> Party = Party::Supplier;
    const TEMPLATE: &'static str = "suppliers/show.html";
    const TITLE: &'static str = "suppliers.supplier";

    async fn about(viewer: &Viewer, ctx: &WebContext, id: Uuid) -> PageResult<Map<String, Value>> {
        let actor = &viewer.actor;
        let supplier: Supplier = records::get(&ctx.db, actor, id).await?;
        // Their orders only to who may read purchases, as the API's route.
        let orders = if actor.may(Permission::PurchasesRead) {
            Some(supplier_orders(&ctx.db, actor, id).await?)
        } else {
            None
        };
        let mut values = Map::new();
        values.insert("supplier".into(), json!(supplier));
        values.insert("orders".into(), json!(orders));
        values.insert(
            "may_write".into(),
            actor.may(Permission::SuppliersWrite).into(),
        );
        Ok(values)
    }
}

async fn supplier_page(
    viewer: Allowed<require::SuppliersRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    details::page::<SupplierPage>(&viewer, &ctx, id, None).await
}

async fn edit_form(
    viewer: Allowed<require::SuppliersWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    parties::edit_form::<SupplierForm>(&viewer, &ctx, id).await
}

async fn update(
    viewer: Allowed<require::SuppliersWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<SupplierForm>,
) -> PageResult<Response> {
    parties::update(&viewer, &ctx, id, form).await
}
