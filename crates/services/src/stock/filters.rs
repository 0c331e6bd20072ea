//! The filters of the stock lists and exports: levels and movements, so
//! a list and its export select the same rows.

use crate::error::ServiceResult;
use crate::validate::query_filter;
use chrono::{DateTime, Utc};
use comptoir_db::Filter;
use comptoir_db::resource::Table;
use comptoir_db::stock::{self as store, Movement, StockLevel};
use comptoir_domain::stock::MovementType;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LevelFilters {
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    pub warehouse_id: Option<Uuid>,
    pub location_id: Option<Uuid>,
    /// `true`: only items under their reorder minimum in the warehouse.
    pub below_min: Option<bool>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MovementFilters {
    pub product_id: Option<Uuid>,
    /// Movements into or out of this location.
    pub location_id: Option<Uuid>,
    /// Movements into or out of any location of this warehouse.
    pub warehouse_id: Option<Uuid>,
    /// `receipt`, `issue`, `transfer` or `adjustment`.
    #[serde(rename = "type")]
    #[param(value_type = Option<MovementType>)]
    pub movement_type: Option<String>,
    pub reference: Option<String>,
    /// RFC 3339, inclusive.
    pub from: Option<DateTime<Utc>>,
    /// RFC 3339, inclusive.
    pub to: Option<DateTime<Utc>>,
}

/// The movements a list or an export shows.
pub fn movement_filter(
    organization_id: Uuid,
    filters: MovementFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let movement_type = query_filter(
        "type",
        filters.movement_type.as_deref(),
        MovementType::parse,
    )?;
    let mut filter = Filter::organization(organization_id)
        .eq("product_id", filters.product_id)
        .eq("movement_type", movement_type.map(MovementType::as_str))
        .eq("reference", filters.reference)
        .search(Movement::SEARCHABLE, q);
    if let Some(location_id) = filters.location_id {
        filter = store::touching_location(filter, location_id);
    }
    if let Some(warehouse_id) = filters.warehouse_id {
        filter = store::touching_warehouse(filter, warehouse_id);
    }
    Ok(filter
        .since("created_at", filters.from)
        .until("created_at", filters.to))
}

/// The levels a list or an export shows; `q` searches the product's code
/// and name.
pub fn level_filter(organization_id: Uuid, filters: LevelFilters, q: Option<&str>) -> Filter {
    let mut filter = Filter::organization(organization_id)
        .eq("product_id", filters.product_id)
        .eq("variant_id", filters.variant_id)
        .eq("warehouse_id", filters.warehouse_id)
        .eq("location_id", filters.location_id)
        .search(StockLevel::SEARCHABLE, q);
    if filters.below_min == Some(true) {
        filter = store::below_minimum(filter);
    }
    filter
}
