//! A product's variants: each names at least one option value, its price
//! (the product's sale price plus its delta) is never negative, and it is
//! kept while a price rule refers to it.

use crate::catalog::nested::{self, Nested};
use crate::records::{self, audited};
use crate::validate::{MAX_NAME, parsed, required, required_parsed};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::{self as store, Product, Variant, VariantInput};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::identifiers::{Barcode, Code};
use comptoir_domain::numbers::UnitPrice;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

audited!(Variant => "variant");

impl Nested for Variant {
    fn parent_id(&self) -> Uuid {
        self.product_id
    }
}

/// Where a variant may be referred to; deleting it (or its product) is
/// refused while any of these rows exist.
pub const VARIANT_REFERRERS: &[(&str, &str)] = &[("price_rules", "variant_id")];

#[derive(Deserialize, utoipa::ToSchema)]
pub struct VariantRequest {
    #[schema(required = true, nullable = false)]
    pub code: Option<String>,
    /// Defaults to the option values in option-name order, e.g. "rouge / L".
    pub name: Option<String>,
    /// Option values as text, e.g. `{"size": "L", "color": "red"}`.
    #[schema(required = true, nullable = false, value_type = Object)]
    pub options: Option<Value>,
    /// Added to the product's sale price; may be negative.
    pub price_delta: Option<String>,
    /// EAN-13 or EAN-8, unique among products and variants.
    pub barcode: Option<String>,
    pub active: Option<bool>,
}

impl VariantRequest {
    fn validate(self, product: &Product) -> Result<VariantInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = required_parsed(&mut errors, "code", self.code, Code::parse);
        let options = match self.options {
            Some(Value::Object(options))
                if !options.is_empty() && options.values().all(Value::is_string) =>
            {
                options
            }
            Some(Value::Object(options)) if options.is_empty() => {
                errors.add("options", "a variant needs at least one option value");
                Default::default()
            }
            None => {
                errors.add("options", "is required");
                Default::default()
            }
            Some(_) => {
                errors.add("options", "must be an object of text values");
                Default::default()
            }
        };
        let name = match self.name {
            Some(name) => required(&mut errors, "name", Some(name), MAX_NAME),
            None => Some(
                options
                    .values()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" / "),
            ),
        };
        let price_delta = parsed(
            &mut errors,
            "price_delta",
            self.price_delta,
            UnitPrice::parse,
        )
        .unwrap_or_default();
        if (product.sale_price.0.value() + price_delta.value()).is_sign_negative() {
            errors.add(
                "price_delta",
                "the variant's price (sale price plus delta) cannot be negative",
            );
        }
        let barcode = parsed(&mut errors, "barcode", self.barcode, Barcode::parse);
        errors.finish(|| VariantInput {
            code: code.expect("checked"),
            name: name.unwrap_or_default(),
            options,
            price_delta,
            barcode,
            active: self.active.unwrap_or(true),
        })
    }
}

/// One page of a product's variants; 404 for a product of another
/// organization.
pub async fn list(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Variant>> {
    records::get::<Product>(db, actor, product_id).await?;
    let filter = Filter::organization(actor.organization_id)
        .eq("product_id", Some(product_id))
        .search(Variant::SEARCHABLE, q);
    records::list(db, filter, sort, page).await
}

/// The variant `id` of the product.
pub async fn get(db: &Db, actor: &Actor, product_id: Uuid, id: Uuid) -> ServiceResult<Variant> {
    nested::get(db, actor, product_id, id).await
}

/// Adds a variant to a product, whose row stays locked while the variant's
/// price is checked against its sale price.
pub async fn create(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    request: VariantRequest,
) -> ServiceResult<Variant> {
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        let product: Product = resource::get_in(tx, organization_id, product_id).await?;
        let input = request.validate(&product)?;
        Ok(store::insert_variant(tx, organization_id, product_id, &input).await?)
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
) -> ServiceResult<Variant> {
    let organization_id = actor.organization_id;
    nested::update_under(
        db,
        actor,
        [product_id, id],
        expected_version,
        patch,
        async |tx: &mut Tx| -> ServiceResult<Product> {
            Ok(resource::get_in(tx, organization_id, product_id).await?)
        },
        async |tx: &mut Tx, product: Product, current: &Variant, request: VariantRequest| {
            let input = request.validate(&product)?;
            Ok(store::update_variant(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await
}

/// Deletes a variant no price rule refers to.
pub async fn delete(db: &Db, actor: &Actor, product_id: Uuid, id: Uuid) -> ServiceResult<()> {
    let organization_id = actor.organization_id;
    nested::delete(
        db,
        actor,
        product_id,
        id,
        async |tx: &mut Tx, _: &Variant| {
            let references =
                resource::references(tx, organization_id, id, VARIANT_REFERRERS).await?;
            ServiceError::unless_referenced(&references)
        },
    )
    .await
}
