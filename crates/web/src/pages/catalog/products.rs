//! The products list (search, category, kind, sort and page in the URL)
//! and a product's page, with its images and the price a chosen client
//! pays for a quantity.

use super::chosen;
use super::form::decimal_text;
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{ListQuery, ListView, show};
use crate::session::Allowed;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use comptoir_db::Page;
use comptoir_db::catalog::Product;
use comptoir_db::parties::Client;
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::permissions::Permission;
use comptoir_services::catalog::{ProductFilters, images, products, views};
use comptoir_services::parties::{self as parties, ClientFilters};
use comptoir_services::pricing::{self, PriceQuery};
use comptoir_services::{ServiceError, require};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Deserialize, Default)]
pub(super) struct ProductListQuery {
    #[serde(flatten)]
    list: ListQuery,
    category: Option<String>,
    kind: Option<String>,
}

pub(super) async fn list(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<ProductListQuery>,
) -> PageResult<Response> {
    let category = chosen(query.category.clone(), |t| Uuid::parse_str(t).ok());
    let kind = chosen(query.kind.clone(), |t| ProductKind::parse(t).ok());
    let filters = ProductFilters {
        category_id: category,
        kind: kind.map(|k| k.as_str().to_owned()),
        active: None,
        barcode: None,
        include_archived: None,
    };
    let listing = products::list(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<Product>(),
        query.list.page(),
    )
    .await?;
    let tree = views::category_tree(&ctx.db, &viewer.actor).await?;
    let names: HashMap<Uuid, &str> = tree
        .iter()
        .map(|node| (node.category.id, node.path.as_str()))
        .collect();
    let rows: Vec<_> = listing
        .items
        .iter()
        .map(|product| {
            json!({
                "product": product,
                "category": product.category_id.and_then(|id| names.get(&id).copied()),
            })
        })
        .collect();
    let view = ListView::new(
        comptoir_db::Listing {
            items: rows,
            total: listing.total,
        },
        &query.list,
    );
    let category = category.map(|id| id.to_string()).unwrap_or_default();
    let kind = kind.map(|k| k.as_str()).unwrap_or_default();
    // Every link of the list keeps the filters.
    let extra = format!("&category={}&kind={}", url_safe(&category), url_safe(kind));
    show(
        &viewer,
        "products/list.html",
        "products.title",
        json!({
            "list": view,
            "categories": tree,
            "category": category,
            "kind": kind,
            "extra": extra,
            "may_write": viewer.actor.may(Permission::CatalogWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// A filter's value in a link: ids and vocabulary words, whose characters
/// need no escaping; anything else is dropped.
fn url_safe(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[derive(Deserialize, Default)]
pub(super) struct ProductPageQuery {
    client: Option<String>,
    /// The quantity priced (a rule may start at a minimum); 1 when empty
    /// or not a quantity.
    quantity: Option<String>,
}

/// The clients a picker offers, by name, and the images shown: the first
/// page.
const PICKER: Page = Page {
    page: 1,
    page_size: 200,
};

pub(super) async fn product_page(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Query(query): Query<ProductPageQuery>,
) -> PageResult<Response> {
    let detail = views::product_detail(&ctx.db, &viewer.actor, id).await?;
    let images = images::list(&ctx.db, &viewer.actor, id, None, PICKER)
        .await?
        .items;
    // Clients are shown only to roles that may read them.
    let may_pick = viewer.actor.may(Permission::ClientsRead);
    let client = chosen(query.client, |t| Uuid::parse_str(t).ok()).filter(|_| may_pick);
    let quantity = chosen(decimal_text(query.quantity), |t| {
        Quantity::parse_non_negative(t).ok()
    });
    let clients = if may_pick {
        let sort = ListQuery {
            sort: Some("name".into()),
            ..Default::default()
        };
        let filters = ClientFilters {
            status: None,
            kind: None,
            include_archived: None,
        };
        parties::list_clients(
            &ctx.db,
            &viewer.actor,
            filters,
            None,
            sort.sort::<Client>(),
            PICKER,
        )
        .await?
        .items
    } else {
        Vec::new()
    };
    let quote = match client {
        Some(client_id) => {
            let query = PriceQuery {
                client_id: Some(client_id),
                variant_id: None,
                quantity: quantity.map(|q| q.to_string()),
                date: None,
            };
            match pricing::quote(&ctx.db, &viewer.actor, id, query).await {
                Ok(quote) => Some(quote),
                // A client of another organization, or gone: no price.
                Err(ServiceError::BadInput(_)) => None,
                Err(error) => return Err(error.into()),
            }
        }
        None => None,
    };
    let client_name =
        client.and_then(|id| clients.iter().find(|c| c.id == id).map(|c| c.name.clone()));
    show(
        &viewer,
        "products/show.html",
        "products.product",
        json!({
            "detail": detail,
            "images": images,
            "clients": clients,
            "may_pick": may_pick,
            "client": client.map(|id| id.to_string()).unwrap_or_default(),
            "client_name": client_name,
            "quantity": quantity.map(|q| q.value().normalize().to_string()).unwrap_or_default(),
            "quote": quote,
            "may_write": viewer.actor.may(Permission::CatalogWrite),
        }),
    )
    .map(IntoResponse::into_response)
}
