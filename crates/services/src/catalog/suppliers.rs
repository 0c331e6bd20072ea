//! Who supplies a product, at what price and delay: one entry per supplier
//! of the organization for each product.

use crate::catalog::nested::{self, Nested};
use crate::records::{self, audited};
use crate::validate::{MAX_NAME, check_reference, days, optional, parsed, required_parsed};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::{self as store, Product, ProductSupplier, ProductSupplierInput};
use comptoir_db::parties::Supplier;
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, DbError, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::{Quantity, UnitPrice};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

audited!(ProductSupplier => "product_supplier");

impl Nested for ProductSupplier {
    fn parent_id(&self) -> Uuid {
        self.product_id
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProductSupplierRequest {
    #[schema(required = true, nullable = false)]
    pub supplier_id: Option<Uuid>,
    /// The supplier's own reference for the product.
    pub supplier_reference: Option<String>,
    /// Excluding VAT, up to 4 decimals.
    #[schema(required = true, nullable = false)]
    pub purchase_price: Option<String>,
    /// Days between ordering and receiving; default 0.
    pub lead_time_days: Option<i64>,
    /// Smallest quantity the supplier accepts; default 0.
    pub min_order_quantity: Option<String>,
}

impl ProductSupplierRequest {
    fn validate(self) -> Result<ProductSupplierInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.supplier_id.is_none() {
            errors.add("supplier_id", "is required");
        }
        let supplier_reference = optional(
            &mut errors,
            "supplier_reference",
            self.supplier_reference,
            MAX_NAME,
        );
        let purchase_price = required_parsed(
            &mut errors,
            "purchase_price",
            self.purchase_price,
            UnitPrice::parse_non_negative,
        );
        let lead_time_days = days(&mut errors, "lead_time_days", self.lead_time_days, 0);
        let min_order_quantity = parsed(
            &mut errors,
            "min_order_quantity",
            self.min_order_quantity,
            Quantity::parse_non_negative,
        )
        .unwrap_or_default();
        errors.finish(|| ProductSupplierInput {
            supplier_id: self.supplier_id.expect("checked"),
            supplier_reference,
            purchase_price: purchase_price.expect("checked"),
            lead_time_days,
            min_order_quantity,
        })
    }
}

async fn check_supplier(
    tx: &mut Tx,
    organization_id: Uuid,
    supplier_id: Uuid,
) -> ServiceResult<()> {
    let mut errors = FieldErrors::new();
    check_reference::<Supplier>(
        tx,
        &mut errors,
        organization_id,
        "supplier_id",
        Some(supplier_id),
    )
    .await?;
    Ok(errors.finish(|| ())?)
}

/// A product has one entry per supplier.
fn already_linked(error: DbError) -> ServiceError {
    match error {
        DbError::Unique(_) => ServiceError::Conflict {
            message: "this supplier is already listed for the product".into(),
            details: json!({ "field": "supplier_id" }),
        },
        other => other.into(),
    }
}

/// One page of a product's suppliers; 404 for a product of another
/// organization.
pub async fn list(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<ProductSupplier>> {
    records::get::<Product>(db, actor, product_id).await?;
    let filter = Filter::organization(actor.organization_id)
        .eq("product_id", Some(product_id))
        .search(ProductSupplier::SEARCHABLE, q);
    records::list(db, filter, sort, page).await
}

/// The supplier entry `id` of the product.
pub async fn get(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    id: Uuid,
) -> ServiceResult<ProductSupplier> {
    nested::get(db, actor, product_id, id).await
}

/// Records that a supplier offers the product.
pub async fn create(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    request: ProductSupplierRequest,
) -> ServiceResult<ProductSupplier> {
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        resource::get_in::<Product>(tx, organization_id, product_id).await?;
        let input = request.validate()?;
        check_supplier(tx, organization_id, input.supplier_id).await?;
        store::insert_product_supplier(tx, organization_id, product_id, &input)
            .await
            .map_err(already_linked)
    })
    .await
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<ProductSupplier> {
    let organization_id = actor.organization_id;
    nested::update(
        db,
        actor,
        product_id,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &ProductSupplier, request: ProductSupplierRequest| {
            let input = request.validate()?;
            check_supplier(tx, organization_id, input.supplier_id).await?;
            store::update_product_supplier(tx, organization_id, id, current.version, &input)
                .await
                .map_err(already_linked)
        },
    )
    .await
}

/// Removes a supplier from a product.
pub async fn delete(db: &Db, actor: &Actor, product_id: Uuid, id: Uuid) -> ServiceResult<()> {
    nested::delete(
        db,
        actor,
        product_id,
        id,
        async |_: &mut Tx, _: &ProductSupplier| Ok(()),
    )
    .await
}
