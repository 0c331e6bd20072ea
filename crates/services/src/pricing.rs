//! What a client pays: the price lists' rules and the catalog, resolved by
//! `domain::pricing`, and the quote of one product's price; and price list
//! rules as the API receives them and the import reads its rows: a rule
//! request and its validation (one target for its scope, a fixed price or
//! a discount, dates in order).

use crate::validate::{parsed, query_filter, required_parsed};
use crate::{Actor, ServiceError, ServiceResult, records};
use chrono::NaiveDate;
use comptoir_db::Db;
use comptoir_db::catalog::{Product, Variant, category_path};
use comptoir_db::parties::Client;
use comptoir_db::price_lists::PriceRuleInput;
use comptoir_db::price_lists::{self as store, PriceRule};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::PriceScope;
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use comptoir_domain::pricing::{PriceSource, PricedItem, ResolvedPrice, resolve_price};
use comptoir_domain::pricing::{RuleAdjustment, RuleScope};
use serde::{Deserialize, Serialize};
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceQuery {
    /// The client whose price list and discount apply; none gives the base price.
    pub client_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    /// Default 1.
    pub quantity: Option<String>,
    /// `YYYY-MM-DD`; default today.
    pub date: Option<NaiveDate>,
}

/// The unit price one client pays, and where it comes from.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PriceQuote {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    #[schema(value_type = String, example = "1.000")]
    pub quantity: Quantity,
    pub date: NaiveDate,
    /// Sale price plus the variant's delta, excl. VAT.
    #[schema(value_type = String, example = "12.5000")]
    pub base_price: UnitPrice,
    /// What the client pays per unit, excl. VAT.
    #[schema(value_type = String, example = "11.2500")]
    pub unit_price: UnitPrice,
    #[schema(value_type = String, example = "10.00")]
    pub discount_percent: Percent,
    pub source: PriceSource,
    pub price_list_id: Option<Uuid>,
    /// The rule that produced the price, when one did.
    pub rule_id: Option<Uuid>,
}

/// The price of a product of the actor's organization for the client,
/// variant, quantity (default 1) and date (default today) `query` names.
/// A variant or client that cannot be found, or a variant of another
/// product, is a bad query rather than a missing resource.
pub async fn quote(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    query: PriceQuery,
) -> ServiceResult<PriceQuote> {
    let quantity = query_filter(
        "quantity",
        query.quantity.as_deref(),
        Quantity::parse_non_negative,
    )?
    .unwrap_or(Quantity::ONE);
    let date = query.date.unwrap_or_else(|| actor.today());
    let product: Product = records::get(db, actor, product_id).await?;
    let variant = match query.variant_id {
        Some(id) => {
            let variant: Variant = records::get(db, actor, id)
                .await
                .map_err(|_| ServiceError::BadInput("variant_id: no such variant".into()))?;
            if variant.product_id != product_id {
                return Err(ServiceError::BadInput(
                    "variant_id: not a variant of this product".into(),
                ));
            }
            Some(variant)
        }
        None => None,
    };
    let client = match query.client_id {
        Some(id) => Some(
            records::get::<Client>(db, actor, id)
                .await
                .map_err(|_| ServiceError::BadInput("client_id: no such client".into()))?,
        ),
        None => None,
    };
    let price_list_id = client.as_ref().and_then(|c| c.price_list_id);
    let (item, resolved) = price_for(
        db,
        actor.organization_id,
        &product,
        variant.as_ref(),
        client.as_ref(),
        quantity,
        date,
    )
    .await?;
    Ok(PriceQuote {
        product_id,
        variant_id: item.variant_id,
        client_id: query.client_id,
        quantity,
        date,
        base_price: resolved.base_price,
        unit_price: resolved.unit_price,
        discount_percent: resolved.discount_percent,
        source: resolved.source,
        price_list_id,
        rule_id: resolved.rule.map(|rule| rule.id),
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PriceRuleRequest {
    /// `all`, `category`, `product` or `variant`.
    #[schema(required = true, nullable = false)]
    pub scope: Option<String>,
    /// Required with scope `category`; the rule covers its sub-categories.
    pub category_id: Option<Uuid>,
    /// Required with scope `product`.
    pub product_id: Option<Uuid>,
    /// Required with scope `variant`.
    pub variant_id: Option<Uuid>,
    /// The rule applies from this quantity on; default 0.
    pub min_quantity: Option<String>,
    /// Either a fixed unit price (excl. VAT)…
    pub fixed_price: Option<String>,
    /// …or a discount on the base price, in percent.
    pub discount_percent: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl PriceRuleRequest {
    pub fn validate(self) -> Result<PriceRuleInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let scope_kind = required_parsed(&mut errors, "scope", self.scope, PriceScope::parse);
        let targets = [
            ("category_id", self.category_id, PriceScope::Category),
            ("product_id", self.product_id, PriceScope::Product),
            ("variant_id", self.variant_id, PriceScope::Variant),
        ];
        for (field, id, kind) in targets {
            match (scope_kind, id) {
                (Some(scope), None) if scope == kind => {
                    errors.add(field, format!("is required with scope {kind}"));
                }
                (Some(scope), Some(_)) if scope != kind => {
                    errors.add(field, format!("only goes with scope {kind}"));
                }
                _ => {}
            }
        }
        let scope = match scope_kind {
            Some(PriceScope::Category) => self.category_id.map(RuleScope::Category),
            Some(PriceScope::Product) => self.product_id.map(RuleScope::Product),
            Some(PriceScope::Variant) => self.variant_id.map(RuleScope::Variant),
            Some(PriceScope::All) => Some(RuleScope::All),
            None => None,
        };
        let min_quantity = parsed(
            &mut errors,
            "min_quantity",
            self.min_quantity,
            Quantity::parse_non_negative,
        )
        .unwrap_or_default();
        let fixed_price = parsed(
            &mut errors,
            "fixed_price",
            self.fixed_price,
            UnitPrice::parse_non_negative,
        );
        let discount_percent = parsed(
            &mut errors,
            "discount_percent",
            self.discount_percent,
            Percent::parse_percentage,
        );
        let adjustment = match (fixed_price, discount_percent) {
            (Some(price), None) => Some(RuleAdjustment::FixedPrice(price)),
            (None, Some(percent)) => Some(RuleAdjustment::DiscountPercent(percent)),
            (Some(_), Some(_)) => {
                errors.add(
                    "discount_percent",
                    "give a fixed price or a discount, not both",
                );
                None
            }
            (None, None) => {
                if !errors.has("fixed_price") && !errors.has("discount_percent") {
                    errors.add("fixed_price", "give a fixed price or a discount percent");
                }
                None
            }
        };
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to < from
        {
            errors.add("valid_to", "must not be before valid_from");
        }
        errors.finish(|| PriceRuleInput {
            scope: scope.expect("checked"),
            min_quantity,
            adjustment: adjustment.expect("checked"),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        })
    }
}
