//! What a sales line sells: an active product, or one of its active
//! variants, found from what a clerk types in a line's product box —
//! listed as they type (the editor's suggestions), or resolved at once
//! when the form is sent without script (`pick`).

use super::products::by_barcode;
use crate::records;
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::resource::{Page, Sort, Table};
use comptoir_db::{Db, Filter};
use comptoir_domain::identifiers::Code;
use uuid::Uuid;

/// A product, or one of its variants.
pub struct Sellable {
    pub product: Product,
    pub variant: Option<Variant>,
}

impl Sellable {
    /// The variant's code, or the product's.
    pub fn code(&self) -> &str {
        self.variant
            .as_ref()
            .map_or(&self.product.code, |v| &v.code)
    }

    /// "Chaise bistrot — Rouge": the name a line gets by default.
    pub fn name(&self) -> String {
        match &self.variant {
            Some(variant) => format!("{} — {}", self.product.name, variant.name),
            None => self.product.name.clone(),
        }
    }

    pub fn variant_id(&self) -> Option<Uuid> {
        self.variant.as_ref().map(|v| v.id)
    }
}

/// What a product box names, read without the suggestions.
pub enum Picked {
    One(Box<Sellable>),
    /// Several match; the clerk picks one of these.
    Several(Vec<Sellable>),
    None,
}

/// How many variants of the products found are read at most.
const VARIANTS_READ: i64 = 200;

fn by_name() -> Option<Sort> {
    Some(Sort {
        column: "name",
        descending: false,
    })
}

fn first(count: i64) -> Page {
    Page {
        page: 1,
        page_size: count,
    }
}

/// Up to `limit` products and variants matching `q` (code, name,
/// barcode), by product name: a product that matches, then all its
/// variants; of a product that does not, only the variants that match
/// ("rouge" finds the red chair alone).
pub async fn search(db: &Db, actor: &Actor, q: &str, limit: i64) -> ServiceResult<Vec<Sellable>> {
    let organization = || Filter::organization(actor.organization_id).eq("active", Some(true));
    let mut products: Vec<Product> = records::list(
        db,
        organization().search(Product::SEARCHABLE, Some(q)),
        by_name(),
        first(limit),
    )
    .await?
    .items;
    let matching: Vec<Variant> = records::list(
        db,
        organization().search(Variant::SEARCHABLE, Some(q)),
        by_name(),
        first(limit),
    )
    .await?
    .items;
    let found: Vec<Uuid> = products.iter().map(|p| p.id).collect();
    let theirs: Vec<Uuid> = matching
        .iter()
        .map(|v| v.product_id)
        .filter(|id| !found.contains(id))
        .collect();
    let mut more: Vec<Product> = records::get_many(db, actor, &theirs).await?;
    more.retain(|p| p.active);
    products.extend(more);
    products.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
    let of_found: Vec<Variant> = records::list(
        db,
        organization().one_of("product_id", &found),
        by_name(),
        first(VARIANTS_READ),
    )
    .await?
    .items;
    let mut sellables = Vec::new();
    for product in products {
        let matched = found.contains(&product.id);
        let variants: Vec<Variant> = match matched {
            true => &of_found,
            false => &matching,
        }
        .iter()
        .filter(|v| v.product_id == product.id)
        .cloned()
        .collect();
        if matched {
            sellables.push(Sellable {
                product: product.clone(),
                variant: None,
            });
        }
        sellables.extend(variants.into_iter().map(|variant| Sellable {
            product: product.clone(),
            variant: Some(variant),
        }));
    }
    sellables.truncate(usize::try_from(limit).unwrap_or_default());
    Ok(sellables)
}

/// What `typed` names: the product or variant of that exact code or
/// barcode, else the one match of the search, else up to `limit`
/// candidates, or none.
pub async fn pick(db: &Db, actor: &Actor, typed: &str, limit: i64) -> ServiceResult<Picked> {
    let typed = typed.trim();
    if let Ok(code) = Code::parse(typed) {
        let exact = |filter: Filter| filter.eq("code", Some(code.as_str().to_owned()));
        let organization = || Filter::organization(actor.organization_id).eq("active", Some(true));
        if let Some(product) = records::list::<Product>(db, exact(organization()), None, first(1))
            .await?
            .items
            .pop()
        {
            return Ok(Picked::One(Box::new(Sellable {
                product,
                variant: None,
            })));
        }
        if let Some(variant) = records::list::<Variant>(db, exact(organization()), None, first(1))
            .await?
            .items
            .pop()
        {
            let product: Product = records::get(db, actor, variant.product_id).await?;
            if product.active {
                return Ok(Picked::One(Box::new(Sellable {
                    product,
                    variant: Some(variant),
                })));
            }
        }
    }
    if let Some(scanned) = by_barcode(db, actor, typed).await? {
        return Ok(Picked::One(Box::new(Sellable {
            product: scanned.product,
            variant: scanned.variant,
        })));
    }
    let mut found = search(db, actor, typed, limit).await?;
    Ok(match found.len() {
        0 => Picked::None,
        1 => Picked::One(Box::new(found.remove(0))),
        _ => Picked::Several(found),
    })
}

/// The product, or its variant, a suggestion picked names; 404 for one
/// of another organization or a variant of another product.
pub async fn get(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    variant_id: Option<Uuid>,
) -> ServiceResult<Sellable> {
    let product: Product = records::get(db, actor, product_id).await?;
    let variant = match variant_id {
        Some(id) => {
            let variant: Variant = records::get(db, actor, id).await?;
            if variant.product_id != product.id {
                return Err(ServiceError::NotFound);
            }
            Some(variant)
        }
        None => None,
    };
    Ok(Sellable { product, variant })
}
