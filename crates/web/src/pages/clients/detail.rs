//! A client's page: who they are and their commercial conditions (their
//! price list linked to its page); their
//! addresses and contacts with their add and remove forms (shared with
//! suppliers: `parties::details`); what they owe on issued invoices, and
//! the timeline of their documents and events (`sales::client_account`),
//! for who may read sales and invoices.

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::parties::details::{self, PartyPage};
use crate::session::{Allowed, Viewer};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use comptoir_db::parties::{Client, Party};
use comptoir_db::price_lists::PriceList;
use comptoir_domain::permissions::Permission;
use comptoir_services::sales::client_account;
use comptoir_services::{records, require};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// The client's page, around its addresses and contacts.
struct ClientPage;

impl PartyPage for ClientPage {
    const BASE: &'static str = "/clients";
    type Write = require::ClientsWrite;
    const PARTY: fn(Uuid) -> Party = Party::Client;
    const TEMPLATE: &'static str = "clients/show.html";
    const TITLE: &'static str = "clients.client";

    async fn about(viewer: &Viewer, ctx: &WebContext, id: Uuid) -> PageResult<Map<String, Value>> {
        let actor = &viewer.actor;
        let client: Client = records::get(&ctx.db, actor, id).await?;
        let price_list: Option<PriceList> = match client.price_list_id {
            Some(list) => Some(records::get(&ctx.db, actor, list).await?),
            None => None,
        };
        // The account shows invoices and every other document: only to
        // who may read both.
        let account = if actor.may(Permission::SalesRead) && actor.may(Permission::InvoicesRead) {
            Some(client_account(&ctx.db, actor, id).await?)
        } else {
            None
        };
        let mut values = Map::new();
        values.insert("client".into(), json!(client));
        values.insert("price_list".into(), json!(price_list));
        values.insert(
            "may_write".into(),
            actor.may(Permission::ClientsWrite).into(),
        );
        values.insert("account".into(), json!(account));
        let bases = json!({
            "quote": "/quotes",
            "order": "/orders",
            "invoice": "/invoices",
            "credit_note": "/credit-notes",
        });
        values.insert("bases".into(), bases);
        Ok(values)
    }
}

pub fn router() -> Router<WebContext> {
    details::router::<ClientPage>()
}

pub(super) async fn client_page(
    viewer: Allowed<require::ClientsRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    details::page::<ClientPage>(&viewer, &ctx, id, None).await
}
