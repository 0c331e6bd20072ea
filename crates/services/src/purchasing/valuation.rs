//! Stock valuation: the value of the stock now, per warehouse and per
//! category, at each product's weighted average cost; each sum is rounded
//! once, from the unrounded values, so rounding never accumulates.

use crate::{Actor, ServiceResult};
use comptoir_db::Db;
use comptoir_db::purchasing as store;
use comptoir_domain::numbers::{Money, Quantity, UnitPrice};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Stock value at weighted average cost.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Valuation {
    #[schema(value_type = String)]
    pub total: Money,
    pub by_warehouse: Vec<ValueOf>,
    pub by_category: Vec<ValueOf>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ValueOf {
    /// The warehouse or category; `null` for products without a category.
    pub id: Option<Uuid>,
    #[schema(value_type = String)]
    pub value: Money,
}

/// The value of the organization's stock now.
pub async fn valuation(db: &Db, actor: &Actor) -> ServiceResult<Valuation> {
    let rows = store::stock_value_rows(db, actor.organization_id).await?;
    let mut by_warehouse: BTreeMap<Option<Uuid>, Decimal> = BTreeMap::new();
    let mut by_category: BTreeMap<Option<Uuid>, Decimal> = BTreeMap::new();
    let mut total = Decimal::ZERO;
    for row in rows {
        let value = Quantity::from_units(row.physical).value()
            * UnitPrice::from_units(row.average_cost).value();
        *by_warehouse.entry(Some(row.warehouse_id)).or_default() += value;
        *by_category.entry(row.category_id).or_default() += value;
        total += value;
    }
    let values = |map: BTreeMap<Option<Uuid>, Decimal>| {
        map.into_iter()
            .map(|(id, value)| ValueOf {
                id,
                value: Money::round(value),
            })
            .collect()
    };
    Ok(Valuation {
        total: Money::round(total),
        by_warehouse: values(by_warehouse),
        by_category: values(by_category),
    })
}
