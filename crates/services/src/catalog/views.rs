//! What the catalog's pages show at once: a product with its category,
//! variants, barcodes and suppliers, the category tree in reading
//! order (each category after its parent, siblings by name), a price
//! list with its rules named and the clients on it, and what a rule may
//! apply to.

use crate::{Actor, ServiceResult, records};
use comptoir_db::catalog::{Category, Product, ProductSupplier, Variant};
use comptoir_db::parties::{Client, Supplier};
use comptoir_db::price_lists::{PriceList, PriceRule};
use comptoir_db::{Db, Filter, Listing, Page, Sort};
use comptoir_domain::catalog::PriceScope;
use comptoir_domain::permissions::Permission;
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

/// A price rule with what it applies to, named.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    #[serde(flatten)]
    pub rule: PriceRule,
    /// The category's path, or the product's or variant's code and name;
    /// none for a rule on the whole catalog (or a target gone meanwhile).
    pub target: Option<String>,
}

/// A price list, a page of its rules, and the clients it prices.
#[derive(Debug, Clone, Serialize)]
pub struct PriceListDetail {
    pub list: PriceList,
    pub rules: Listing<RuleRow>,
    /// The first clients on the list by name, for a reader who may read
    /// clients; `None` otherwise.
    pub clients: Option<Listing<Client>>,
}

/// How many clients of a price list its page names.
const CLIENTS_SHOWN: Page = Page {
    page: 1,
    page_size: 50,
};

/// "code · name", as pickers and tables name a product or variant.
fn labelled(code: &str, name: &str) -> String {
    format!("{code} · {name}")
}

/// The price list `id` with one page of its rules, each with its target
/// named, and (for who may read clients) the clients it prices.
pub async fn price_list_detail(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<PriceListDetail> {
    let list: PriceList = records::get(db, actor, id).await?;
    let organization = || Filter::organization(actor.organization_id);
    let rules: Listing<PriceRule> =
        records::list(db, organization().eq("price_list_id", Some(id)), sort, page).await?;
    let mut names: HashMap<Uuid, String> = HashMap::new();
    if rules.items.iter().any(|r| r.scope == PriceScope::Category) {
        for node in category_tree(db, actor).await? {
            names.insert(node.category.id, node.path);
        }
    }
    let product_ids: Vec<Uuid> = rules.items.iter().filter_map(|r| r.product_id).collect();
    let variant_ids: Vec<Uuid> = rules.items.iter().filter_map(|r| r.variant_id).collect();
    for product in records::get_many::<Product>(db, actor, &product_ids).await? {
        names.insert(product.id, labelled(&product.code, &product.name));
    }
    for variant in records::get_many::<Variant>(db, actor, &variant_ids).await? {
        names.insert(variant.id, labelled(&variant.code, &variant.name));
    }
    let rules = Listing {
        total: rules.total,
        items: rules
            .items
            .into_iter()
            .map(|rule| {
                let target = [rule.category_id, rule.product_id, rule.variant_id]
                    .into_iter()
                    .flatten()
                    .find_map(|target| names.get(&target).cloned());
                RuleRow { rule, target }
            })
            .collect(),
    };
    let clients = if actor.may(Permission::ClientsRead) {
        let by_name = Sort {
            column: "name",
            descending: false,
        };
        let on_list = organization().eq("price_list_id", Some(id));
        Some(records::list(db, on_list, Some(by_name), CLIENTS_SHOWN).await?)
    } else {
        None
    };
    Ok(PriceListDetail {
        list,
        rules,
        clients,
    })
}

/// A product or variant a rule may apply to.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub id: Uuid,
    /// Its code and name.
    pub label: String,
}

impl Target {
    fn new(id: Uuid, code: &str, name: &str) -> Self {
        Target {
            id,
            label: labelled(code, name),
        }
    }
}

/// What a price rule may apply to, besides the whole catalog.
#[derive(Debug, Clone, Serialize)]
pub struct RuleTargets {
    pub categories: Vec<CategoryNode>,
    pub products: Vec<Target>,
    pub variants: Vec<Target>,
}

/// The organization's categories (as a tree), products and variants (by
/// code), as a rule's form offers them.
pub async fn rule_targets(db: &Db, actor: &Actor) -> ServiceResult<RuleTargets> {
    let by_code = || {
        Some(Sort {
            column: "code",
            descending: false,
        })
    };
    let organization = || Filter::organization(actor.organization_id);
    let products: Listing<Product> = records::list(db, organization(), by_code(), ALL).await?;
    let variants: Listing<Variant> = records::list(db, organization(), by_code(), ALL).await?;
    Ok(RuleTargets {
        categories: category_tree(db, actor).await?,
        products: products
            .items
            .iter()
            .map(|p| Target::new(p.id, &p.code, &p.name))
            .collect(),
        variants: variants
            .items
            .iter()
            .map(|v| Target::new(v.id, &v.code, &v.name))
            .collect(),
    })
}
