//! What the catalog's pages show at once: a product with its category,
//! variants, barcodes and suppliers, and the category tree in reading
//! order (each category after its parent, siblings by name).

use crate::{Actor, ServiceResult, records};
use comptoir_db::Db;
use comptoir_db::catalog::{Category, Product, ProductSupplier, Variant};
use comptoir_db::parties::Supplier;
use comptoir_db::{Filter, Listing, Page};
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// More rows than a page would ever show at once: a product's variants
/// and suppliers, an organization's categories.
const ALL: Page = Page {
    page: 1,
    page_size: 1000,
};

/// A category and how deep it sits in the tree (0 for a top category).
#[derive(Debug, Clone, Serialize)]
pub struct CategoryNode {
    #[serde(flatten)]
    pub category: Category,
    pub depth: usize,
    /// Its names from the top, joined by " › ".
    pub path: String,
}

/// A category still to write, with its depth and path.
type Pending = (Category, usize, String);

/// Puts the children of `parent` on the stack, so that they come back
/// first name first.
fn push_children(
    stack: &mut Vec<Pending>,
    children: &mut HashMap<Option<Uuid>, Vec<Category>>,
    parent: Option<Uuid>,
    depth: usize,
    path: &str,
) {
    let Some(mut list) = children.remove(&parent) else {
        return;
    };
    list.sort_by_key(|c| std::cmp::Reverse(c.name.to_lowercase()));
    for category in list {
        let full = if path.is_empty() {
            category.name.clone()
        } else {
            format!("{path} › {}", category.name)
        };
        stack.push((category, depth, full));
    }
}

/// The organization's categories as a tree read from top to bottom.
pub async fn category_tree(db: &Db, actor: &Actor) -> ServiceResult<Vec<CategoryNode>> {
    let listing: Listing<Category> =
        records::list(db, Filter::organization(actor.organization_id), None, ALL).await?;
    let known: std::collections::HashSet<Uuid> = listing.items.iter().map(|c| c.id).collect();
    let mut children: HashMap<Option<Uuid>, Vec<Category>> = HashMap::new();
    for category in listing.items {
        // A parent out of reach (never, but kept readable) makes a top category.
        let parent = category.parent_id.filter(|p| known.contains(p));
        children.entry(parent).or_default().push(category);
    }
    let mut tree = Vec::new();
    let mut stack: Vec<Pending> = Vec::new();
    push_children(&mut stack, &mut children, None, 0, "");
    while let Some((category, depth, path)) = stack.pop() {
        push_children(
            &mut stack,
            &mut children,
            Some(category.id),
            depth + 1,
            &path,
        );
        tree.push(CategoryNode {
            category,
            depth,
            path,
        });
    }
    Ok(tree)
}

/// What one supplier offers for the product, with the supplier's name.
#[derive(Debug, Clone, Serialize)]
pub struct SupplierOffer {
    #[serde(flatten)]
    pub offer: ProductSupplier,
    pub supplier_code: String,
    pub supplier_name: String,
}

/// A product and what hangs under it.
#[derive(Debug, Clone, Serialize)]
pub struct ProductDetail {
    pub product: Product,
    /// The category's path from the top ("Mobilier › Chaises").
    pub category: Option<String>,
    pub variants: Vec<Variant>,
    pub suppliers: Vec<SupplierOffer>,
}

/// The product `id` of the actor's organization with its category path,
/// variants and suppliers.
pub async fn product_detail(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<ProductDetail> {
    let product: Product = records::get(db, actor, id).await?;
    let category = match product.category_id {
        Some(category_id) => category_tree(db, actor)
            .await?
            .into_iter()
            .find(|node| node.category.id == category_id)
            .map(|node| node.path),
        None => None,
    };
    let variants: Listing<Variant> = records::list(
        db,
        Filter::organization(actor.organization_id).eq("product_id", Some(id)),
        None,
        ALL,
    )
    .await?;
    let offers: Listing<ProductSupplier> = records::list(
        db,
        Filter::organization(actor.organization_id).eq("product_id", Some(id)),
        None,
        ALL,
    )
    .await?;
    let mut suppliers = Vec::with_capacity(offers.items.len());
    for offer in offers.items {
        let supplier: Supplier = records::get(db, actor, offer.supplier_id).await?;
        suppliers.push(SupplierOffer {
            offer,
            supplier_code: supplier.code,
            supplier_name: supplier.name,
        });
    }
    Ok(ProductDetail {
        product,
        category,
        variants: variants.items,
        suppliers,
    })
}
