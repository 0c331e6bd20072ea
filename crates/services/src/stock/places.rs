//! Warehouses and the location trees inside them. An organization's
//! warehouse comes with its `STOCK` location; exactly one warehouse is the
//! default, which moves to another warehouse but is never removed; a
//! location stays in its warehouse and never sits under itself or one of
//! its descendants.

use crate::audit::log;
use crate::records::{self, Audited, audited};
use crate::validate::{
    MAX_NAME, check_reference, optional, parsed, query_filter, required, required_parsed,
};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::stock::{self as store, Location, LocationInput, Warehouse, WarehouseInput};
use comptoir_db::{Db, DbError, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::identifiers::Code;
use comptoir_domain::stock::LocationKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

audited!(Warehouse => "warehouse", Location => "location");

#[derive(Deserialize, utoipa::ToSchema)]
pub struct WarehouseRequest {
    #[schema(required = true, nullable = false)]
    pub code: Option<String>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    pub address: Option<String>,
    pub active: Option<bool>,
    /// `true` makes it the organization's default warehouse (the first
    /// one created is); the default is moved, never removed.
    pub is_default: Option<bool>,
}

impl WarehouseRequest {
    /// The warehouse's fields, and whether it is to be the default.
    fn validate(self) -> Result<(WarehouseInput, Option<bool>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = required_parsed(&mut errors, "code", self.code, Code::parse);
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let address = optional(&mut errors, "address", self.address, 1000);
        errors.finish(|| {
            (
                WarehouseInput {
                    code: code.expect("checked").into_inner(),
                    name: name.unwrap_or_default(),
                    address,
                    active: self.active.unwrap_or(true),
                },
                self.is_default,
            )
        })
    }
}

/// A new warehouse and the default internal location it comes with.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedWarehouse {
    #[serde(flatten)]
    pub warehouse: Warehouse,
    pub default_location_id: Uuid,
}

/// One page of the organization's warehouses.
pub async fn list_warehouses(
    db: &Db,
    actor: &Actor,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Warehouse>> {
    let filter = warehouse_filter(actor.organization_id, q);
    records::list(db, filter, sort, page).await
}

/// The warehouses a list (or its export) shows.
pub fn warehouse_filter(organization_id: Uuid, q: Option<&str>) -> Filter {
    Filter::organization(organization_id).search(Warehouse::SEARCHABLE, q)
}

/// Creates a warehouse with its `STOCK` location. Two records are created
/// and logged in one transaction, the warehouse first, so this is not
/// `records::create` (which logs the one record it writes).
pub async fn create_warehouse(
    db: &Db,
    actor: &Actor,
    request: WarehouseRequest,
) -> ServiceResult<CreatedWarehouse> {
    let (input, is_default) = request.validate()?;
    let organization_id = actor.organization_id;
    let mut tx = db.begin().await?;
    let (mut warehouse, location) =
        store::insert_warehouse(&mut tx, organization_id, &input).await?;
    if is_default == Some(true) && !warehouse.is_default {
        warehouse = store::make_default_warehouse(&mut tx, organization_id, warehouse.id).await?;
    }
    log(
        &mut tx,
        actor,
        "create",
        Warehouse::RESOURCE,
        warehouse.id,
        None,
        Some(&warehouse),
    )
    .await?;
    log(
        &mut tx,
        actor,
        "create",
        Location::RESOURCE,
        location.id,
        None,
        Some(&location),
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedWarehouse {
        warehouse,
        default_location_id: location.id,
    })
}

/// Changes a warehouse by a JSON merge patch; `is_default: true` makes it
/// the default, `is_default: false` on the default is refused.
pub async fn update_warehouse(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<Warehouse> {
    let organization_id = actor.organization_id;
    records::update(
        db,
        actor,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &Warehouse, request: WarehouseRequest| {
            let (input, is_default) = request.validate()?;
            if current.is_default && is_default == Some(false) {
                return Err(ServiceError::field(
                    "is_default",
                    "the default warehouse changes by making another warehouse the default",
                ));
            }
            let mut updated =
                store::update_warehouse(tx, organization_id, id, current.version, &input).await?;
            if is_default == Some(true) && !current.is_default {
                updated = store::make_default_warehouse(tx, organization_id, id).await?;
            }
            Ok(updated)
        },
    )
    .await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LocationRequest {
    #[schema(required = true, nullable = false)]
    pub warehouse_id: Option<Uuid>,
    /// A location of the same warehouse this one sits in.
    pub parent_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub code: Option<String>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    /// `internal`, `receiving`, `shipping`, `returns` or `scrap`.
    pub kind: Option<String>,
    pub active: Option<bool>,
}

impl LocationRequest {
    fn validate(self) -> Result<LocationInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.warehouse_id.is_none() {
            errors.add("warehouse_id", "is required");
        }
        let code = required_parsed(&mut errors, "code", self.code, Code::parse);
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let kind = parsed(&mut errors, "kind", self.kind, LocationKind::parse)
            .unwrap_or(LocationKind::Internal);
        errors.finish(|| LocationInput {
            warehouse_id: self.warehouse_id.expect("checked"),
            parent_id: self.parent_id,
            code: code.expect("checked").into_inner(),
            name: name.unwrap_or_default(),
            kind,
            active: self.active.unwrap_or(true),
        })
    }
}

/// Refuses a warehouse or parent that is not the organization's, a parent
/// in another warehouse, and a move under the location's own descendants.
async fn check_location(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Option<Uuid>,
    input: &LocationInput,
) -> ServiceResult<()> {
    let mut errors = FieldErrors::new();
    check_reference::<Warehouse>(
        tx,
        &mut errors,
        organization_id,
        "warehouse_id",
        Some(input.warehouse_id),
    )
    .await?;
    if let Some(parent_id) = input.parent_id {
        match resource::get_in::<Location>(tx, organization_id, parent_id).await {
            Ok(parent) if parent.warehouse_id != input.warehouse_id => {
                errors.add("parent_id", "must be a location of the same warehouse")
            }
            Ok(_) => {
                let ancestors = store::location_ancestors(tx, organization_id, parent_id).await?;
                if id.is_some_and(|id| id == parent_id || ancestors.contains(&id)) {
                    errors.add(
                        "parent_id",
                        "a location cannot be moved under itself or its descendants",
                    );
                }
            }
            Err(DbError::NotFound) => errors.add("parent_id", "no such record"),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(errors.finish(|| ())?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocationFilters {
    pub warehouse_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    /// `internal`, `receiving`, `shipping`, `returns` or `scrap`.
    #[param(value_type = Option<LocationKind>)]
    pub kind: Option<String>,
}

/// One page of the locations `filters` select.
pub async fn list_locations(
    db: &Db,
    actor: &Actor,
    filters: LocationFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Location>> {
    let filter = location_filter(actor.organization_id, filters, q)?;
    records::list(db, filter, sort, page).await
}

/// The locations a list (or its export) shows.
pub fn location_filter(
    organization_id: Uuid,
    filters: LocationFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let kind = query_filter("kind", filters.kind.as_deref(), LocationKind::parse)?;
    Ok(Filter::organization(organization_id)
        .eq("warehouse_id", filters.warehouse_id)
        .eq("parent_id", filters.parent_id)
        .eq("kind", kind.map(LocationKind::as_str))
        .search(Location::SEARCHABLE, q))
}

pub async fn create_location(
    db: &Db,
    actor: &Actor,
    request: LocationRequest,
) -> ServiceResult<Location> {
    let input = request.validate()?;
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        check_location(tx, organization_id, None, &input).await?;
        Ok(store::insert_location(tx, organization_id, &input).await?)
    })
    .await
}

/// Changes a location by a JSON merge patch; it stays in its warehouse.
pub async fn update_location(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<Location> {
    let organization_id = actor.organization_id;
    records::update(
        db,
        actor,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &Location, request: LocationRequest| {
            let input = request.validate()?;
            if input.warehouse_id != current.warehouse_id {
                return Err(ServiceError::field(
                    "warehouse_id",
                    "a location cannot change warehouse; create one in the other warehouse",
                ));
            }
            check_location(tx, organization_id, Some(id), &input).await?;
            Ok(store::update_location(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await
}
