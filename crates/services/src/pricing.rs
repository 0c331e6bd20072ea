//! What a client pays: the price lists' rules and the catalog, resolved by
//! `domain::pricing`.

use crate::ServiceResult;
use chrono::NaiveDate;
use comptoir_db::Db;
use comptoir_db::catalog::{Product, Variant, category_path};
use comptoir_db::parties::Client;
use comptoir_db::price_lists::{self as store, PriceRule};
use comptoir_domain::numbers::Quantity;
use comptoir_domain::pricing::{PricedItem, ResolvedPrice, resolve_price};
use uuid::Uuid;

/// What `client` pays per unit for `quantity` of a product or variant on
/// `date` (see `domain::pricing` for the precedence).
pub async fn price_for(
    db: &Db,
    organization_id: Uuid,
    product: &Product,
    variant: Option<&Variant>,
    client: Option<&Client>,
    quantity: Quantity,
    date: NaiveDate,
) -> ServiceResult<(PricedItem, ResolvedPrice)> {
    let rules = match client.and_then(|c| c.price_list_id) {
        Some(list_id) => store::rules_of(db, organization_id, list_id)
            .await?
            .iter()
            .map(PriceRule::for_pricing)
            .collect(),
        None => Vec::new(),
    };
    let category_path = match product.category_id {
        Some(category_id) => category_path(db, organization_id, category_id).await?,
        None => Vec::new(),
    };
    let item = PricedItem {
        product_id: product.id,
        variant_id: variant.map(|v| v.id),
        category_path,
        sale_price: product.sale_price.0,
        variant_price_delta: variant.map(|v| v.price_delta.0).unwrap_or_default(),
    };
    let client_discount = client
        .map(|c| c.discount_percent.0)
        .filter(|d| !d.is_zero());
    let resolved = resolve_price(&item, &rules, quantity, date, client_discount);
    Ok((item, resolved))
}
