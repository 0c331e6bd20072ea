//! Products and services: the request as the API receives it and the
//! import reads its rows, its validation, the filter of a list or export,
//! and the writes, which keep a product while anything refers to it.

use crate::catalog::variants::VARIANT_REFERRERS;
use crate::records::{self, audited};
use crate::validate::{
    MAX_NAME, MAX_TEXT, check_reference, optional, parsed, query_filter, required, required_parsed,
};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::{self as store, Category, Product, ProductInput, Variant};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::{ProductKind, Unit, VatCategory, check_vat};
use comptoir_domain::identifiers::{Barcode, Code};
use comptoir_domain::numbers::{Percent, UnitPrice};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

audited!(Product => "product");

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProductRequest {
    #[schema(required = true, nullable = false)]
    pub code: Option<String>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    pub description: Option<String>,
    /// `goods` or `service`.
    pub kind: Option<String>,
    pub category_id: Option<Uuid>,
    /// `unit`, `kg`, `m`, `h`, `day`, …
    pub unit: Option<String>,
    /// Excluding VAT, up to 4 decimals.
    #[schema(required = true, nullable = false)]
    pub sale_price: Option<String>,
    pub purchase_price: Option<String>,
    /// Percent, e.g. "20.00" or "5.5".
    pub vat_rate: Option<String>,
    /// EN 16931 code: S, Z, E, AE, K, G, O.
    pub vat_category: Option<String>,
    pub vat_exemption_reason: Option<String>,
    /// EAN-13 or EAN-8.
    pub barcode: Option<String>,
    pub active: Option<bool>,
    #[schema(value_type = Option<Object>)]
    pub attributes: Option<Value>,
}

impl ProductRequest {
    pub fn validate(self) -> Result<ProductInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = required_parsed(&mut errors, "code", self.code, Code::parse);
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let description = optional(&mut errors, "description", self.description, MAX_TEXT);
        let kind = parsed(&mut errors, "kind", self.kind, ProductKind::parse)
            .unwrap_or(ProductKind::Goods);
        let unit = parsed(&mut errors, "unit", self.unit, Unit::parse).unwrap_or(Unit::Unit);
        let sale_price = required_parsed(
            &mut errors,
            "sale_price",
            self.sale_price,
            UnitPrice::parse_non_negative,
        );
        let purchase_price = parsed(
            &mut errors,
            "purchase_price",
            self.purchase_price,
            UnitPrice::parse_non_negative,
        );
        let vat_rate = parsed(
            &mut errors,
            "vat_rate",
            self.vat_rate,
            Percent::parse_percentage,
        )
        .unwrap_or_else(|| Percent::parse("20").unwrap_or(Percent::ZERO));
        let vat_category = parsed(
            &mut errors,
            "vat_category",
            self.vat_category,
            VatCategory::parse,
        )
        .unwrap_or(VatCategory::Standard);
        let vat_exemption_reason = optional(
            &mut errors,
            "vat_exemption_reason",
            self.vat_exemption_reason,
            MAX_NAME,
        );
        if errors.is_empty()
            && let Err((field, message)) =
                check_vat(vat_category, vat_rate, vat_exemption_reason.as_deref())
        {
            errors.add(field, message);
        }
        let barcode = parsed(&mut errors, "barcode", self.barcode, Barcode::parse);
        let attributes = self.attributes.unwrap_or_else(|| json!({}));
        if !attributes.is_object() {
            errors.add("attributes", "must be a JSON object");
        }
        errors.finish(|| ProductInput {
            code: code.expect("checked"),
            name: name.unwrap_or_default(),
            description,
            kind,
            category_id: self.category_id,
            unit,
            sale_price: sale_price.unwrap_or_default(),
            purchase_price,
            vat_rate,
            vat_category,
            vat_exemption_reason,
            barcode,
            active: self.active.unwrap_or(true),
            attributes,
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductFilters {
    pub category_id: Option<Uuid>,
    /// `goods` or `service`.
    #[param(value_type = Option<ProductKind>)]
    pub kind: Option<String>,
    pub active: Option<bool>,
    pub barcode: Option<String>,
    /// Inactive (archived) products are left out unless this is `true` or `active` asks for them.
    pub include_archived: Option<bool>,
}

/// The products a list or an export shows.
pub fn product_filter(
    organization_id: Uuid,
    filters: ProductFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let kind = query_filter("kind", filters.kind.as_deref(), ProductKind::parse)?;
    let active = filters
        .active
        .or((filters.include_archived != Some(true)).then_some(true));
    Ok(Filter::organization(organization_id)
        .eq("category_id", filters.category_id)
        .eq("kind", kind)
        .eq("active", active)
        .eq("barcode", filters.barcode)
        .search(Product::SEARCHABLE, q))
}

/// One page of the products `filters` select.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filters: ProductFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Product>> {
    let filter = product_filter(actor.organization_id, filters, q)?;
    records::list(db, filter, sort, page).await
}

/// What a scanned barcode names: a product, or one of its variants.
#[derive(Serialize)]
pub struct Scanned {
    pub product: Product,
    pub variant: Option<Variant>,
}

/// The product or variant a scanned barcode names, if any: what a
/// scanner types into the stock pages. Archived products are left out.
pub async fn by_barcode(db: &Db, actor: &Actor, barcode: &str) -> ServiceResult<Option<Scanned>> {
    let barcode = barcode.trim().to_owned();
    let one = Page {
        page: 1,
        page_size: 1,
    };
    let filters = ProductFilters {
        category_id: None,
        kind: None,
        active: None,
        barcode: Some(barcode.clone()),
        include_archived: None,
    };
    let filter = product_filter(actor.organization_id, filters, None)?;
    if let Some(product) = records::list::<Product>(db, filter, None, one)
        .await?
        .items
        .pop()
    {
        return Ok(Some(Scanned {
            product,
            variant: None,
        }));
    }
    let filter = Filter::organization(actor.organization_id)
        .eq("barcode", Some(barcode))
        .eq("active", Some(true));
    let Some(variant) = records::list::<Variant>(db, filter, None, one)
        .await?
        .items
        .pop()
    else {
        return Ok(None);
    };
    let product: Product = records::get(db, actor, variant.product_id).await?;
    Ok(product.active.then_some(Scanned {
        product,
        variant: Some(variant),
    }))
}

async fn check_references(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &ProductInput,
) -> ServiceResult<()> {
    let mut errors = FieldErrors::new();
    check_reference::<Category>(
        tx,
        &mut errors,
        organization_id,
        "category_id",
        input.category_id,
    )
    .await?;
    Ok(errors.finish(|| ())?)
}

pub async fn create(db: &Db, actor: &Actor, request: ProductRequest) -> ServiceResult<Product> {
    let input = request.validate()?;
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        check_references(tx, organization_id, &input).await?;
        Ok(store::insert_product(tx, organization_id, &input).await?)
    })
    .await
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<Product> {
    let organization_id = actor.organization_id;
    records::update(
        db,
        actor,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &Product, request: ProductRequest| {
            let input = request.validate()?;
            check_references(tx, organization_id, &input).await?;
            Ok(store::update_product(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await
}

/// Where a product may be referred to; deleting it is refused while any of
/// these rows exist. Its variants and supplier entries go with it.
const PRODUCT_REFERRERS: &[(&str, &str)] = &[
    ("price_rules", "product_id"),
    ("stock_movements", "product_id"),
    ("stock_reservations", "product_id"),
];

/// Deletes a product that nothing refers to, with its variants.
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    let organization_id = actor.organization_id;
    records::delete(db, actor, id, async |tx: &mut Tx, _: &Product| {
        let mut references =
            resource::references(tx, organization_id, id, PRODUCT_REFERRERS).await?;
        references.extend(
            resource::references_through(
                tx,
                organization_id,
                id,
                ("product_variants", "product_id"),
                VARIANT_REFERRERS,
            )
            .await?,
        );
        ServiceError::unless_referenced(&references)
    })
    .await
}
