//! Categories: a tree in which no category may sit under itself or one of
//! its descendants, and which keeps a category while products or
//! sub-categories use it.

use crate::records::{self, audited};
use crate::validate::{MAX_NAME, MAX_TEXT, check_reference, optional, required};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::{self as store, Category, CategoryInput};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

audited!(Category => "category");

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CategoryRequest {
    pub parent_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    pub description: Option<String>,
}

impl CategoryRequest {
    fn validate(self) -> Result<CategoryInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let description = optional(&mut errors, "description", self.description, MAX_TEXT);
        errors.finish(|| CategoryInput {
            parent_id: self.parent_id,
            name: name.unwrap_or_default(),
            description,
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryFilters {
    /// Only the children of this category.
    pub parent_id: Option<Uuid>,
    /// `true`: only top-level categories.
    pub root: Option<bool>,
}

/// One page of the organization's categories.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filters: CategoryFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Category>> {
    let mut filter = Filter::organization(actor.organization_id)
        .eq("parent_id", filters.parent_id)
        .search(Category::SEARCHABLE, q);
    if filters.root == Some(true) {
        filter = filter.is_null("parent_id");
    }
    records::list(db, filter, sort, page).await
}

/// Refuses a parent that does not exist or that would make a cycle.
async fn check_parent(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Option<Uuid>,
    parent_id: Option<Uuid>,
) -> ServiceResult<()> {
    let Some(parent_id) = parent_id else {
        return Ok(());
    };
    let mut errors = FieldErrors::new();
    check_reference::<Category>(
        tx,
        &mut errors,
        organization_id,
        "parent_id",
        Some(parent_id),
    )
    .await?;
    errors.finish(|| ())?;
    if let Some(id) = id {
        let ancestors = store::category_ancestors(tx, organization_id, parent_id).await?;
        if parent_id == id || ancestors.contains(&id) {
            return Err(ServiceError::field(
                "parent_id",
                "a category cannot be moved under itself or its descendants",
            ));
        }
    }
    Ok(())
}

pub async fn create(db: &Db, actor: &Actor, request: CategoryRequest) -> ServiceResult<Category> {
    let input = request.validate()?;
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        check_parent(tx, organization_id, None, input.parent_id).await?;
        Ok(store::insert_category(tx, organization_id, &input).await?)
    })
    .await
}

pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<Category> {
    let organization_id = actor.organization_id;
    records::update(
        db,
        actor,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &Category, request: CategoryRequest| {
            let input = request.validate()?;
            check_parent(tx, organization_id, Some(id), input.parent_id).await?;
            Ok(store::update_category(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await
}

/// Deletes a category that has no products and no sub-categories.
pub async fn delete(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    let organization_id = actor.organization_id;
    records::delete(db, actor, id, async |tx: &mut Tx, _: &Category| {
        let products =
            resource::count_where(tx, "products", organization_id, "category_id", id).await?;
        let children =
            resource::count_where(tx, "categories", organization_id, "parent_id", id).await?;
        if products > 0 || children > 0 {
            return Err(ServiceError::Conflict {
                message: format!(
                    "the category is still used by {products} product(s) and {children} sub-categor(ies)"
                ),
                details: json!({ "products": products, "categories": children }),
            });
        }
        Ok(())
    })
    .await
}
