//! Physical inventories: opened on a warehouse (some of its locations, a
//! category), counted, then closed into one adjustment movement per counted
//! difference or cancelled. While one is open, the stock in its scope does
//! not move; counts are taken only while it is open and only inside it.

use super::check_item;
use crate::audit::log;
use crate::records;
use crate::validate::{check_reference, query_filter};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::Category;
use comptoir_db::inventories::{self as store, Inventory, InventoryLine, InventoryScope};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::stock::{Item, Location, Warehouse};
use comptoir_db::{Db, DbError, Filter};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::InventoryStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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
) -> ServiceResult<InventoryDetail> {
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

/// Opens an inventory on the scope asked; until it is closed or cancelled,
/// movements of the stock in its scope are refused.
pub async fn open(
    db: &Db,
    actor: &Actor,
    request: OpenInventoryRequest,
) -> ServiceResult<InventoryDetail> {
    let organization_id = actor.organization_id;
    let mut errors = FieldErrors::new();
    let mut tx = db.begin().await?;
    let Some(warehouse_id) = request.warehouse_id else {
        return Err(ServiceError::field("warehouse_id", "is required"));
    };
    check_reference::<Warehouse>(
        &mut tx,
        &mut errors,
        organization_id,
        "warehouse_id",
        Some(warehouse_id),
    )
    .await?;
    let location_ids = request.location_ids.unwrap_or_default();
    for (index, location_id) in location_ids.iter().enumerate() {
        let field = format!("location_ids[{index}]");
        match resource::get_in::<Location>(&mut tx, organization_id, *location_id).await {
            Ok(location) if location.warehouse_id == warehouse_id => {}
            Ok(_) => errors.add(field, "is not a location of this warehouse"),
            Err(DbError::NotFound) => errors.add(field, "no such record"),
            Err(other) => return Err(other.into()),
        }
    }
    check_reference::<Category>(
        &mut tx,
        &mut errors,
        organization_id,
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
    let inventory = store::open(&mut tx, organization_id, actor.user_id, &scope).await?;
    log(
        &mut tx,
        actor,
        "open",
        "inventory",
        inventory.id,
        None,
        Some(&inventory),
    )
    .await?;
    tx.commit().await?;
    detail(db, organization_id, inventory).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryFilters {
    pub warehouse_id: Option<Uuid>,
    /// `open`, `closed` or `cancelled`.
    #[param(value_type = Option<InventoryStatus>)]
    pub status: Option<String>,
}

/// One page of the inventories `filters` select.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filters: InventoryFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Inventory>> {
    let filter = inventory_filter(actor.organization_id, filters, q)?;
    records::list(db, filter, sort, page).await
}

/// The inventories a list (or its export) shows.
pub fn inventory_filter(
    organization_id: Uuid,
    filters: InventoryFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let status = query_filter("status", filters.status.as_deref(), InventoryStatus::parse)?;
    Ok(Filter::organization(organization_id)
        .eq("warehouse_id", filters.warehouse_id)
        .eq("status", status.map(InventoryStatus::as_str))
        .search(Inventory::SEARCHABLE, q))
}

/// An inventory with expected, counted and difference per line.
pub async fn get(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<InventoryDetail> {
    let inventory = records::get(db, actor, id).await?;
    detail(db, actor.organization_id, inventory).await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CountRequest {
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub counted_quantity: Option<String>,
}

/// Records a round of counts on an open inventory, each inside its scope;
/// a line counted again keeps the last count and who made it.
pub async fn record_counts(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    counts: Vec<CountRequest>,
) -> ServiceResult<InventoryDetail> {
    let organization_id = actor.organization_id;
    let mut tx = db.begin().await?;
    let inventory: Inventory = resource::get_in(&mut tx, organization_id, id).await?;
    if inventory.status != InventoryStatus::Open {
        return Err(ServiceError::InvalidTransition(format!(
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
        check_item(&mut tx, organization_id, &mut errors, &prefix, item).await?;
        if errors.len() == before {
            let covering =
                store::open_covering(&mut tx, organization_id, product_id, location_id).await?;
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
            organization_id,
            id,
            actor.user_id,
            item,
            location_id,
            counted,
        )
        .await?;
    }
    log(
        &mut tx,
        actor,
        "count",
        "inventory",
        id,
        None,
        Some(&inventory),
    )
    .await?;
    tx.commit().await?;
    detail(db, organization_id, inventory).await
}

/// Closes an inventory: one adjustment movement per counted difference,
/// all in one transaction; the stock moves again.
pub async fn close(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<InventoryDetail> {
    let organization_id = actor.organization_id;
    let mut tx = db.begin().await?;
    let (inventory, movements) = store::close(&mut tx, organization_id, id, actor.user_id).await?;
    for movement in &movements {
        log(
            &mut tx,
            actor,
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
        actor,
        "close",
        "inventory",
        id,
        None,
        Some(&inventory),
    )
    .await?;
    tx.commit().await?;
    detail(db, organization_id, inventory).await
}

/// Cancels an inventory without adjusting the stock.
pub async fn cancel(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<InventoryDetail> {
    let organization_id = actor.organization_id;
    let mut tx = db.begin().await?;
    let inventory = store::cancel(&mut tx, organization_id, id).await?;
    log(
        &mut tx,
        actor,
        "cancel",
        "inventory",
        id,
        None,
        Some(&inventory),
    )
    .await?;
    tx.commit().await?;
    detail(db, organization_id, inventory).await
}
