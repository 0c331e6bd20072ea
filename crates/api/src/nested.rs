//! Records that live under a parent in the URL (`/products/{id}/variants/{variant_id}`):
//! one belonging to another parent answers 404, like one of another
//! organization.

use crate::error::{ApiError, ApiResult};
use comptoir_db::catalog::{ProductSupplier, Variant};
use comptoir_db::price_lists::PriceRule;
use comptoir_db::resource::{self, Table};
use comptoir_db::{Db, Record, Tx};
use uuid::Uuid;

pub(crate) trait Nested: Record + Table {
    fn parent_id(&self) -> Uuid;
}

impl Nested for Variant {
    fn parent_id(&self) -> Uuid {
        self.product_id
    }
}

impl Nested for ProductSupplier {
    fn parent_id(&self) -> Uuid {
        self.product_id
    }
}

impl Nested for PriceRule {
    fn parent_id(&self) -> Uuid {
        self.price_list_id
    }
}

fn under<T: Nested>(row: T, parent_id: Uuid) -> ApiResult<T> {
    if row.parent_id() == parent_id {
        Ok(row)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The record `id` under `parent_id`, read outside a transaction.
pub(crate) async fn get<T: Nested>(
    db: &Db,
    organization_id: Uuid,
    parent_id: Uuid,
    id: Uuid,
) -> ApiResult<T> {
    under(resource::get(db, organization_id, id).await?, parent_id)
}

/// The record `id` under `parent_id`, locked for the transaction.
pub(crate) async fn get_in<T: Nested>(
    tx: &mut Tx,
    organization_id: Uuid,
    parent_id: Uuid,
    id: Uuid,
) -> ApiResult<T> {
    under(resource::get_in(tx, organization_id, id).await?, parent_id)
}
