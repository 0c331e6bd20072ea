//! Price lists and their rules: a price list is kept while a client uses
//! it, and a rule always targets a record of the organization (see
//! `pricing` for what a rule request may say and how rules set a price).

use crate::catalog::nested::{self, Nested};
use crate::pricing::PriceRuleRequest;
use crate::records::{self, audited};
use crate::validate::{MAX_NAME, MAX_TEXT, check_reference, optional, query_filter, required};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::{Category, Product, Variant};
use comptoir_db::price_lists::{self as store, PriceList, PriceListInput, PriceRule};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::PriceScope;
use comptoir_domain::pricing::RuleScope;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

audited!(PriceList => "price_list", PriceRule => "price_rule");

impl Nested for PriceRule {
    fn parent_id(&self) -> Uuid {
        self.price_list_id
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PriceListRequest {
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

impl PriceListRequest {
    fn validate(self) -> Result<PriceListInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let description = optional(&mut errors, "description", self.description, MAX_TEXT);
        errors.finish(|| PriceListInput {
            name: name.unwrap_or_default(),
            description,
            active: self.active.unwrap_or(true),
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceListFilters {
    pub active: Option<bool>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RuleFilters {
    /// `all`, `category`, `product` or `variant`.
    #[param(value_type = Option<PriceScope>)]
    pub scope: Option<String>,
    pub product_id: Option<Uuid>,
}

/// One page of the organization's price lists.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filters: PriceListFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<PriceList>> {
    let filter = price_list_filter(actor.organization_id, filters, q);
    records::list(db, filter, sort, page).await
}

/// The price lists a list (or its export) shows.
pub fn price_list_filter(
    organization_id: Uuid,
    filters: PriceListFilters,
    q: Option<&str>,
) -> Filter {
    Filter::organization(organization_id)
        .eq("active", filters.active)
        .search(PriceList::SEARCHABLE, q)
}

pub async fn create(db: &Db, actor: &Actor, request: PriceListRequest) -> ServiceResult<PriceList> {
    let input = request.validate()?;
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        Ok(store::insert_price_list(tx, organization_id, &input).await?)
    })
    .await
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<PriceList> {
    let organization_id = actor.organization_id;
    records::update(
        db,
        actor,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &PriceList, request: PriceListRequest| {
            let input = request.validate()?;
            Ok(store::update_price_list(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await
}

/// Deletes a price list no client uses; its rules go with it.
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    let organization_id = actor.organization_id;
    records::delete(db, actor, id, async |tx: &mut Tx, _: &PriceList| {
        let references =
            resource::references(tx, organization_id, id, &[("clients", "price_list_id")]).await?;
        ServiceError::unless_referenced(&references)
    })
    .await
}

/// Refuses a rule whose target is not one of the organization's records.
async fn check_rule_target(
    tx: &mut Tx,
    organization_id: Uuid,
    scope: RuleScope,
) -> ServiceResult<()> {
    let mut errors = FieldErrors::new();
    match scope {
        RuleScope::All => {}
        RuleScope::Category(id) => {
            check_reference::<Category>(tx, &mut errors, organization_id, "category_id", Some(id))
                .await?
        }
        RuleScope::Product(id) => {
            check_reference::<Product>(tx, &mut errors, organization_id, "product_id", Some(id))
                .await?
        }
        RuleScope::Variant(id) => {
            check_reference::<Variant>(tx, &mut errors, organization_id, "variant_id", Some(id))
                .await?
        }
    }
    Ok(errors.finish(|| ())?)
}

/// One page of a price list's rules; 404 for a price list of another
/// organization.
pub async fn list_rules(
    db: &Db,
    actor: &Actor,
    list_id: Uuid,
    filters: RuleFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<PriceRule>> {
    records::get::<PriceList>(db, actor, list_id).await?;
    let scope = query_filter("scope", filters.scope.as_deref(), PriceScope::parse)?;
    let filter = Filter::organization(actor.organization_id)
        .eq("price_list_id", Some(list_id))
        .eq("scope", scope)
        .eq("product_id", filters.product_id)
        .search(PriceRule::SEARCHABLE, q);
    records::list(db, filter, sort, page).await
}

/// The rule `id` of the price list.
pub async fn get_rule(db: &Db, actor: &Actor, list_id: Uuid, id: Uuid) -> ServiceResult<PriceRule> {
    nested::get(db, actor, list_id, id).await
}

/// Adds a rule to a price list, whose row stays locked meanwhile.
pub async fn create_rule(
    db: &Db,
    actor: &Actor,
    list_id: Uuid,
    request: PriceRuleRequest,
) -> ServiceResult<PriceRule> {
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        resource::get_in::<PriceList>(tx, organization_id, list_id).await?;
        let input = request.validate()?;
        check_rule_target(tx, organization_id, input.scope).await?;
        Ok(store::insert_price_rule(tx, organization_id, list_id, &input).await?)
    })
    .await
}

pub async fn update_rule(
    db: &Db,
    actor: &Actor,
    list_id: Uuid,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<PriceRule> {
    let organization_id = actor.organization_id;
    nested::update(
        db,
        actor,
        list_id,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &PriceRule, request: PriceRuleRequest| {
            let input = request.validate()?;
            check_rule_target(tx, organization_id, input.scope).await?;
            Ok(store::update_price_rule(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await
}

pub async fn delete_rule(db: &Db, actor: &Actor, list_id: Uuid, id: Uuid) -> ServiceResult<()> {
    nested::delete(db, actor, list_id, id, async |_: &mut Tx, _: &PriceRule| {
        Ok(())
    })
    .await
}
