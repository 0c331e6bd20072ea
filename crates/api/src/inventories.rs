//! Physical inventories: `/inventories`, counts, close and cancel.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, ListParams, PageOf, Path, Query, query_filter};
use crate::stock::check_item;
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::catalog::Category;
use comptoir_db::inventories::{self as store, Inventory, InventoryLine, InventoryScope};
use comptoir_db::resource::{self, Table};
use comptoir_db::stock::{Item, Location, Warehouse};
use comptoir_db::{Db, Filter};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::InventoryStatus;
use comptoir_services::validate::check_reference;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_inventories, open_inventory))
        .routes(routes!(get_inventory))
        .routes(routes!(record_counts))
        .routes(routes!(close_inventory))
        .routes(routes!(cancel_inventory))
}

/// An inventory with its lines: expected, counted and difference.
#[derive(Serialize, utoipa::ToSchema)]
pub struct InventoryDetail {
    #[serde(flatten)]
    pub inventory: Inventory,
    pub lines: Vec<InventoryLine>,
}

async fn detail(
    db: &Db,
    organization_id: Uuid,
    inventory: Inventory,
) -> ApiResult<InventoryDetail> {
    let lines = store::lines(db, organization_id, inventory.id).await?;
    Ok(InventoryDetail { inventory, lines })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct OpenInventoryRequest {
    #[schema(required = true, nullable = false)]
    pub warehouse_id: Option<Uuid>,
    /// Only these locations of the warehouse; all of them when absent.
    pub location_ids: Option<Vec<Uuid>>,
    /// Only the products of this category and its sub-categories.
    pub category_id: Option<Uuid>,
}

/// Open an inventory. Until it is closed or cancelled, movements of the
/// products in its scope are refused (409 naming the inventory).
#[utoipa::path(post, path = "/inventories", tag = "stock", security(("bearer" = ["stock.write"])),
    request_body = OpenInventoryRequest,
    responses((status = 201, body = InventoryDetail), (status = 422, body = ErrorBody)))]
async fn open_inventory(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<OpenInventoryRequest>,
) -> ApiResult<(StatusCode, axum::Json<InventoryDetail>)> {
    let mut errors = FieldErrors::new();
    let mut tx = ctx.db.begin().await?;
    let Some(warehouse_id) = request.warehouse_id else {
        return Err(ApiError::field("warehouse_id", "is required"));
    };
    check_reference::<Warehouse>(
        &mut tx,
        &mut errors,
        auth.organization_id,
        "warehouse_id",
        Some(warehouse_id),
    )
    .await?;
    let location_ids = request.location_ids.unwrap_or_default();
    for (index, location_id) in location_ids.iter().enumerate() {
        let field = format!("location_ids[{index}]");
        match resource::get_in::<Location>(&mut tx, auth.organization_id, *location_id).await {
            Ok(location) if location.warehouse_id == warehouse_id => {}
            Ok(_) => errors.add(field, "is not a location of this warehouse"),
            Err(comptoir_db::DbError::NotFound) => errors.add(field, "no such record"),
            Err(other) => return Err(other.into()),
        }
    }
    check_reference::<Category>(
        &mut tx,
        &mut errors,
        auth.organization_id,
        "category_id",
        request.category_id,
    )
    .await?;
    errors.finish(|| ())?;
    let scope = InventoryScope {
        warehouse_id,
        location_ids,
        category_id: request.category_id,
    };
    let inventory = store::open(&mut tx, auth.organization_id, auth.user_id, &scope).await?;
    log(
        &mut tx,
        &auth,
        "open",
        "inventory",
        inventory.id,
        None,
        Some(&inventory),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(detail(&ctx.db, auth.organization_id, inventory).await?),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryFilters {
    pub warehouse_id: Option<Uuid>,
    /// `open`, `closed` or `cancelled`.
    #[param(value_type = Option<InventoryStatus>)]
    pub status: Option<String>,
}

/// List inventories.
#[utoipa::path(get, path = "/inventories", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, InventoryFilters), responses((status = 200, body = PageOf<Inventory>)))]
async fn list_inventories(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<InventoryFilters>,
) -> ApiResult<axum::Json<PageOf<Inventory>>> {
    let page = params.page()?;
    let status = query_filter("status", filters.status.as_deref(), InventoryStatus::parse)?;
    let filter = Filter::organization(auth.organization_id)
        .eq("warehouse_id", filters.warehouse_id)
        .eq("status", status.map(InventoryStatus::as_str))
        .search(Inventory::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<Inventory>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// An inventory with expected, counted and difference per line.
#[utoipa::path(get, path = "/inventories/{id}", tag = "stock", security(("bearer" = ["stock.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InventoryDetail), (status = 404, body = ErrorBody)))]
async fn get_inventory(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<InventoryDetail>> {
    let inventory = resource::get(&ctx.db, auth.organization_id, id).await?;
    Ok(axum::Json(
        detail(&ctx.db, auth.organization_id, inventory).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CountRequest {
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub counted_quantity: Option<String>,
}

/// Record a round of counts; a line counted again keeps the last count
/// and who made it.
#[utoipa::path(post, path = "/inventories/{id}/counts", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = Vec<CountRequest>,
    responses((status = 200, body = InventoryDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_counts(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(counts): Json<Vec<CountRequest>>,
) -> ApiResult<axum::Json<InventoryDetail>> {
    let mut tx = ctx.db.begin().await?;
    let inventory: Inventory = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if inventory.status != InventoryStatus::Open {
        return Err(ApiError::InvalidTransition(format!(
            "a {} inventory takes no more counts",
            inventory.status
        )));
    }
    let mut errors = FieldErrors::new();
    if counts.is_empty() {
        errors.add("counts", "at least one count is required");
    }
    let mut valid = Vec::new();
    for (index, count) in counts.into_iter().enumerate() {
        let prefix = format!("[{index}].");
        let counted = match count.counted_quantity {
            Some(text) => errors.check(
                &format!("{prefix}counted_quantity"),
                Quantity::parse_non_negative(&text),
            ),
            None => {
                errors.add(format!("{prefix}counted_quantity"), "is required");
                None
            }
        };
        let (Some(product_id), Some(location_id)) = (count.product_id, count.location_id) else {
            errors.add(
                format!("{prefix}product_id"),
                "product_id and location_id are required",
            );
            continue;
        };
        let item = Item {
            product_id,
            variant_id: count.variant_id,
        };
        let before = errors.len();
        check_item(&mut tx, auth.organization_id, &mut errors, &prefix, item).await?;
        if errors.len() == before {
            let covering = comptoir_db::inventories::open_covering(
                &mut tx,
                auth.organization_id,
                product_id,
                location_id,
            )
            .await?;
            if !covering.iter().any(|(covering_id, _)| *covering_id == id) {
                errors.add(
                    format!("{prefix}location_id"),
                    "this product and location are outside the inventory",
                );
            }
        }
        if let Some(counted) = counted {
            valid.push((item, location_id, counted));
        }
    }
    errors.finish(|| ())?;
    for (item, location_id, counted) in valid {
        store::record_count(
            &mut tx,
            auth.organization_id,
            id,
            auth.user_id,
            item,
            location_id,
            counted,
        )
        .await?;
    }
    log(
        &mut tx,
        &auth,
        "count",
        "inventory",
        id,
        None,
        Some(&inventory),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(
        detail(&ctx.db, auth.organization_id, inventory).await?,
    ))
}

/// Close an inventory: one adjustment movement per counted difference,
/// all in one transaction; the stock moves again.
#[utoipa::path(post, path = "/inventories/{id}/close", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InventoryDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn close_inventory(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<InventoryDetail>> {
    let mut tx = ctx.db.begin().await?;
    let (inventory, movements) =
        store::close(&mut tx, auth.organization_id, id, auth.user_id).await?;
    for movement in &movements {
        log(
            &mut tx,
            &auth,
            "create",
            "stock_movement",
            movement.id,
            None,
            Some(movement),
        )
        .await?;
    }
    log(
        &mut tx,
        &auth,
        "close",
        "inventory",
        id,
        None,
        Some(&inventory),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(
        detail(&ctx.db, auth.organization_id, inventory).await?,
    ))
}

/// Cancel an inventory without adjusting the stock.
#[utoipa::path(post, path = "/inventories/{id}/cancel", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InventoryDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_inventory(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<InventoryDetail>> {
    let mut tx = ctx.db.begin().await?;
    let inventory = store::cancel(&mut tx, auth.organization_id, id).await?;
    log(
        &mut tx,
        &auth,
        "cancel",
        "inventory",
        id,
        None,
        Some(&inventory),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(
        detail(&ctx.db, auth.organization_id, inventory).await?,
    ))
}
