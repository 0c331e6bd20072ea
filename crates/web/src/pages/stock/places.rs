//! `/warehouses`: the list, a warehouse's page with its locations, and the
//! forms that create or change a warehouse or a location (a stale version
//! shows what is stored now).

use super::uuid;
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::{ListQuery, ListView, by_field, show, typed};
use crate::session::Allowed;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use comptoir_db::stock::{Location, Warehouse};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_domain::stock::LocationKind;
use comptoir_services::stock::{LocationFilters, LocationRequest, WarehouseRequest, places};
use comptoir_services::{ServiceError, records, require};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/warehouses", get(list).post(create_warehouse))
        .route("/warehouses/new", get(new_warehouse))
        .route(
            "/warehouses/{id}",
            get(warehouse_page).post(update_warehouse),
        )
        .route("/warehouses/{id}/edit", get(edit_warehouse))
        .route("/warehouses/{id}/locations/new", get(new_location))
        .route("/locations", axum::routing::post(create_location))
        .route("/locations/{id}", axum::routing::post(update_location))
        .route("/locations/{id}/edit", get(edit_location))
}

async fn list(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let listing = places::list_warehouses(
        &ctx.db,
        &viewer.actor,
        query.search(),
        query.sort::<Warehouse>(),
        query.page(),
    )
    .await?;
    show(
        &viewer,
        "stock/warehouses.html",
        "stock.warehouses",
        json!({
            "list": ListView::new(listing, &query),
            "may_write": viewer.actor.may(Permission::StockWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

async fn warehouse_page(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let warehouse: Warehouse = records::get(&ctx.db, &viewer.actor, id).await?;
    let filters = LocationFilters {
        warehouse_id: Some(id),
        parent_id: None,
        kind: None,
    };
    let locations = places::list_locations(&ctx.db, &viewer.actor, filters, None, None, super::ALL)
        .await?
        .items;
    show(
        &viewer,
        "stock/warehouse.html",
        "stock.warehouse",
        json!({
            "warehouse": warehouse,
            "locations": locations,
            "may_write": viewer.actor.may(Permission::StockWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The warehouse or location form as typed (a location has a warehouse,
/// a parent and a kind; a warehouse an address and the default flag).
#[derive(Deserialize, Serialize, Default, Clone)]
struct PlaceForm {
    code: Option<String>,
    name: Option<String>,
    address: Option<String>,
    active: Option<String>,
    is_default: Option<String>,
    warehouse_id: Option<String>,
    parent_id: Option<String>,
    kind: Option<String>,
    version: Option<String>,
}

impl PlaceForm {
    fn of(record: &impl Serialize) -> Self {
        let json = serde_json::to_value(record).unwrap_or_default();
        let text = |field: &str| match &json[field] {
            Value::Null | Value::Bool(false) => None,
            Value::Bool(true) => Some("1".to_owned()),
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        };
        PlaceForm {
            code: text("code"),
            name: text("name"),
            address: text("address"),
            active: text("active"),
            is_default: text("is_default"),
            warehouse_id: text("warehouse_id"),
            parent_id: text("parent_id"),
            kind: text("kind"),
            version: text("version"),
        }
    }

    fn warehouse(&self) -> Value {
        json!({
            "code": typed(self.code.clone()),
            "name": typed(self.name.clone()),
            "address": typed(self.address.clone()),
            "active": self.active.is_some(),
            "is_default": self.is_default.is_some(),
        })
    }

    fn location(&self) -> Value {
        json!({
            "warehouse_id": uuid(&self.warehouse_id),
            "parent_id": uuid(&self.parent_id),
            "code": typed(self.code.clone()),
            "name": typed(self.name.clone()),
            "kind": typed(self.kind.clone()),
            "active": self.active.is_some(),
        })
    }

    fn version(&self) -> PageResult<i64> {
        typed(self.version.clone())
            .and_then(|v| v.parse().ok())
            .ok_or(PageError::BadRequest(
                "the form lacks the version it was read at",
            ))
    }
}

/// Which form: a warehouse, or a location of a warehouse; `id` the record
/// changed, `None` for a new one.
#[derive(Clone, Copy)]
enum Place {
    Warehouse(Option<Uuid>),
    Location(Option<Uuid>),
}

async fn form_page(
    viewer: &Allowed<require::StockWrite>,
    ctx: &WebContext,
    status: StatusCode,
    place: Place,
    form: &PlaceForm,
    errors: FieldErrors,
    notice: Option<&str>,
) -> PageResult<Response> {
    let (title, action, parents) = match place {
        Place::Warehouse(None) => ("stock.warehouse.new", "/warehouses".to_owned(), vec![]),
        Place::Warehouse(Some(id)) => ("stock.warehouse.edit", format!("/warehouses/{id}"), vec![]),
        Place::Location(id) => {
            let filters = LocationFilters {
                warehouse_id: uuid(&form.warehouse_id),
                parent_id: None,
                kind: None,
            };
            let parents: Vec<Location> =
                places::list_locations(&ctx.db, &viewer.actor, filters, None, None, super::ALL)
                    .await?
                    .items
                    .into_iter()
                    .filter(|l| Some(l.id) != id)
                    .collect();
            match id {
                None => ("stock.location.new", "/locations".to_owned(), parents),
                Some(id) => ("stock.location.edit", format!("/locations/{id}"), parents),
            }
        }
    };
    let page = show(
        viewer,
        "stock/place_form.html",
        title,
        json!({
            "location": matches!(place, Place::Location(_)),
            "editing": matches!(place, Place::Warehouse(Some(_)) | Place::Location(Some(_))),
            "action": action,
            "form": form,
            "parents": parents,
            "kinds": LocationKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            "errors": by_field(errors),
            "notice": notice,
        }),
    )?;
    Ok((status, page).into_response())
}

/// A refusal the form shows: field errors next to their fields, a stale
/// version with what is stored now, a conflict above the form.
async fn refused(
    viewer: &Allowed<require::StockWrite>,
    ctx: &WebContext,
    place: Place,
    form: &PlaceForm,
    error: ServiceError,
) -> PageResult<Response> {
    let (status, form, errors, notice) = match (error, place) {
        (ServiceError::Validation(errors), _) => {
            (StatusCode::UNPROCESSABLE_ENTITY, form.clone(), errors, None)
        }
        (ServiceError::PreconditionFailed { .. }, Place::Warehouse(Some(id))) => {
            let current: Warehouse = records::get(&ctx.db, &viewer.actor, id).await?;
            (
                StatusCode::PRECONDITION_FAILED,
                PlaceForm::of(&current),
                FieldErrors::new(),
                Some("changed by someone else meanwhile".to_owned()),
            )
        }
        (ServiceError::PreconditionFailed { .. }, Place::Location(Some(id))) => {
            let current: Location = records::get(&ctx.db, &viewer.actor, id).await?;
            (
                StatusCode::PRECONDITION_FAILED,
                PlaceForm::of(&current),
                FieldErrors::new(),
                Some("changed by someone else meanwhile".to_owned()),
            )
        }
        (ServiceError::Conflict { message, .. }, _) => (
            StatusCode::CONFLICT,
            form.clone(),
            FieldErrors::new(),
            Some(message),
        ),
        (other, _) => return Err(other.into()),
    };
    form_page(viewer, ctx, status, place, &form, errors, notice.as_deref()).await
}

async fn new_warehouse(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
) -> PageResult<Response> {
    let form = PlaceForm {
        active: Some("1".into()),
        ..Default::default()
    };
    let place = Place::Warehouse(None);
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        place,
        &form,
        FieldErrors::new(),
        None,
    )
    .await
}

async fn edit_warehouse(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let warehouse: Warehouse = records::get(&ctx.db, &viewer.actor, id).await?;
    let form = PlaceForm::of(&warehouse);
    let place = Place::Warehouse(Some(id));
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        place,
        &form,
        FieldErrors::new(),
        None,
    )
    .await
}

fn request<T: serde::de::DeserializeOwned>(value: Value) -> PageResult<T> {
    serde_json::from_value(value).map_err(PageError::internal)
}

async fn create_warehouse(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<PlaceForm>,
) -> PageResult<Response> {
    let request: WarehouseRequest = request(form.warehouse())?;
    match places::create_warehouse(&ctx.db, &viewer.actor, request).await {
        Ok(created) => {
            Ok(Redirect::to(&format!("/warehouses/{}", created.warehouse.id)).into_response())
        }
        Err(error) => refused(&viewer, &ctx, Place::Warehouse(None), &form, error).await,
    }
}

async fn update_warehouse(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<PlaceForm>,
) -> PageResult<Response> {
    let version = form.version()?;
    let patch = form.warehouse();
    match places::update_warehouse(&ctx.db, &viewer.actor, id, Some(version), patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/warehouses/{id}")).into_response()),
        Err(error) => refused(&viewer, &ctx, Place::Warehouse(Some(id)), &form, error).await,
    }
}

async fn new_location(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(warehouse_id): Path<Uuid>,
) -> PageResult<Response> {
    let _: Warehouse = records::get(&ctx.db, &viewer.actor, warehouse_id).await?;
    let form = PlaceForm {
        active: Some("1".into()),
        kind: Some("internal".into()),
        warehouse_id: Some(warehouse_id.to_string()),
        ..Default::default()
    };
    let place = Place::Location(None);
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        place,
        &form,
        FieldErrors::new(),
        None,
    )
    .await
}

async fn edit_location(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let location: Location = records::get(&ctx.db, &viewer.actor, id).await?;
    let form = PlaceForm::of(&location);
    let place = Place::Location(Some(id));
    form_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        place,
        &form,
        FieldErrors::new(),
        None,
    )
    .await
}

async fn create_location(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<PlaceForm>,
) -> PageResult<Response> {
    let request: LocationRequest = request(form.location())?;
    match places::create_location(&ctx.db, &viewer.actor, request).await {
        Ok(location) => {
            Ok(Redirect::to(&format!("/warehouses/{}", location.warehouse_id)).into_response())
        }
        Err(error) => refused(&viewer, &ctx, Place::Location(None), &form, error).await,
    }
}

async fn update_location(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<PlaceForm>,
) -> PageResult<Response> {
    let version = form.version()?;
    let patch = form.location();
    match places::update_location(&ctx.db, &viewer.actor, id, Some(version), patch).await {
        Ok(location) => {
            Ok(Redirect::to(&format!("/warehouses/{}", location.warehouse_id)).into_response())
        }
        Err(error) => refused(&viewer, &ctx, Place::Location(Some(id)), &form, error).await,
    }
}
