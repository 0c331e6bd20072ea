//! Sales documents: the lists of quotes, orders, invoices and credit notes,
//! a document's page (lines, VAT breakdown, totals, timeline) and its
//! workflow actions as buttons. One module for the four kinds, each
//! described by a [`Kind`]; the rules stay in `services::sales` and the
//! state machines of `domain::sales`.
//!
//! - `lists`: the lists (search, status, sort and page in the URL).
//! - `document`: a document's page and the actions its state and the
//!   reader's role allow.
//! - `actions`: the POST forms the buttons send.
//! - `deliveries`, `payments`: their lists, and on the document's page a
//!   partial delivery (orders) and a refund (invoices).
//! - `returns`, `credits`: goods taken back from an order (and the list of
//!   returns), lines of an issued invoice credited; `forms`: what these
//!   per-line forms share.
//! - `editor`: the draft editor (client picker, line rows, totals the
//!   server recomputes as lines change), creating, changing and deleting
//!   drafts.

mod actions;
mod credits;
pub(crate) mod deliveries;
mod document;
mod editor;
mod forms;
mod lists;
pub(crate) mod payments;
pub(crate) mod returns;

pub(crate) use actions::PaymentForm;
pub use document::Refusal;

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{ListQuery, ListView, show};
use crate::session::Viewer;
use axum::Router;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use comptoir_db::Listing;
use comptoir_db::sales::SalesDocument;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::{DocumentKind, InvoiceStatus, OrderStatus, QuoteStatus};
use comptoir_services::sales::{DeliveryFilters, ReturnFilters};
use comptoir_services::{Actor, records};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What differs between the four kinds of documents in the pages.
pub struct Kind {
    pub kind: DocumentKind,
    /// The list's path; a document's page is `{base}/{id}`.
    pub base: &'static str,
    /// The catalog key of the list's title.
    pub title: &'static str,
    /// The catalog key of one document's title.
    pub one: &'static str,
    /// What its drafts need to be written, as the API's write routes.
    pub write: Permission,
    /// Whether the editor writes its drafts (a credit note is made from
    /// its invoice).
    pub editor: bool,
}

pub const QUOTES: Kind = Kind {
    kind: DocumentKind::Quote,
    base: "/quotes",
    title: "sales.quotes",
    one: "sales.quote",
    write: Permission::SalesWrite,
    editor: true,
};
pub const ORDERS: Kind = Kind {
    kind: DocumentKind::Order,
    base: "/orders",
    title: "sales.orders",
    one: "sales.order",
    write: Permission::SalesWrite,
    editor: true,
};
pub const INVOICES: Kind = Kind {
    kind: DocumentKind::Invoice,
    base: "/invoices",
    title: "sales.invoices",
    one: "sales.invoice",
    write: Permission::InvoicesWrite,
    editor: true,
};
pub const CREDIT_NOTES: Kind = Kind {
    kind: DocumentKind::CreditNote,
    base: "/credit-notes",
    title: "sales.credit_notes",
    one: "sales.credit_note",
    write: Permission::InvoicesWrite,
    editor: false,
};

impl Kind {
    /// The statuses a document of this kind can be in, as stored.
    pub fn statuses(&self) -> Vec<&'static str> {
        match self.kind {
            DocumentKind::Quote => QuoteStatus::ALL.iter().map(|s| s.as_str()).collect(),
            DocumentKind::Order => OrderStatus::ALL.iter().map(|s| s.as_str()).collect(),
            DocumentKind::Invoice | DocumentKind::CreditNote => {
                InvoiceStatus::ALL.iter().map(|s| s.as_str()).collect()
            }
        }
    }
}

pub fn router() -> Router<WebContext> {
    Router::new()
        .merge(lists::router())
        .merge(document::router())
        .merge(actions::router())
        .merge(deliveries::router())
        .merge(payments::router())
        .merge(returns::router())
        .merge(credits::router())
        .merge(editor::router())
}

/// A list's period as its URL carries it (`from`, `to`: `YYYY-MM-DD`);
/// a date edited by hand into something else is ignored, as a bad page
/// is.
#[derive(Deserialize, Default)]
pub struct Period {
    from: Option<String>,
    to: Option<String>,
}

impl Period {
    fn day(text: &Option<String>) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text.as_deref()?.trim(), "%Y-%m-%d").ok()
    }

    pub fn from(&self) -> Option<NaiveDate> {
        Self::day(&self.from)
    }

    pub fn to(&self) -> Option<NaiveDate> {
        Self::day(&self.to)
    }

    /// The period as the list template shows and links it.
    pub fn view(&self) -> serde_json::Value {
        let text = |day: Option<NaiveDate>| day.map(|d| d.to_string()).unwrap_or_default();
        serde_json::json!({"from": text(self.from()), "to": text(self.to())})
    }
}

/// A list of what was done on orders, filtered by search, period and
/// order: deliveries and returns (their pages and exports read the same).
#[derive(Deserialize, Default)]
pub(crate) struct PeriodListQuery {
    #[serde(flatten)]
    pub(crate) list: ListQuery,
    #[serde(flatten)]
    pub(crate) period: Period,
    /// An order's id: its page links to its returns.
    order: Option<String>,
}

impl PeriodListQuery {
    /// The order named, if the URL names one by a valid id.
    fn order(&self) -> Option<Uuid> {
        self.order.as_deref().and_then(|id| id.trim().parse().ok())
    }

    pub(crate) fn deliveries(&self) -> DeliveryFilters {
        DeliveryFilters {
            order_id: self.order(),
            client_id: None,
            from: self.period.from(),
            to: self.period.to(),
        }
    }

    pub(crate) fn returns(&self) -> ReturnFilters {
        ReturnFilters {
            order_id: self.order(),
            client_id: None,
            from: self.period.from(),
            to: self.period.to(),
        }
    }

    /// The filters as the list template shows and links them.
    pub(crate) fn view(&self) -> Value {
        let mut view = self.period.view();
        view["order"] = self
            .order()
            .map(|id| id.to_string())
            .unwrap_or_default()
            .into();
        view
    }
}

/// How a list of what was done on orders (deliveries, returns) is
/// shown: its template and title, and the key of each row's record.
struct OnOrders {
    template: &'static str,
    title: &'static str,
    key: &'static str,
}

/// A page of what was done on orders as its list shows it: each record
/// beside its order's number and client, the filters as the template
/// links them.
async fn on_orders_page<T: Serialize>(
    viewer: &Viewer,
    ctx: &WebContext,
    listing: Listing<T>,
    query: &PeriodListQuery,
    shown: OnOrders,
    order_of: impl Fn(&T) -> Uuid,
) -> PageResult<Response> {
    let (db, actor) = (&ctx.db, &viewer.actor);
    let orders: Vec<Uuid> = listing.items.iter().map(&order_of).collect();
    let orders = documents(db, actor, &orders).await?;
    let clients: Vec<Uuid> = orders.values().map(|o| o.client_id).collect();
    let names = client_names(db, actor, &clients).await?;
    let list = ListView::new(listing, &query.list).map(|record| {
        let order = orders.get(&order_of(&record));
        let mut row = json!({
            "order_number": order.and_then(|o| o.number.clone()),
            "client_id": order.map(|o| o.client_id),
            "client_name": order.and_then(|o| names.get(&o.client_id)),
        });
        row[shown.key] = serde_json::to_value(record).unwrap_or_default();
        row
    });
    let context = json!({"list": list, "period": query.view()});
    show(viewer, shown.template, shown.title, context).map(IntoResponse::into_response)
}

/// The documents `ids` name, read at once; an unknown id is left out.
async fn documents(
    db: &comptoir_db::Db,
    actor: &Actor,
    ids: &[Uuid],
) -> PageResult<BTreeMap<Uuid, SalesDocument>> {
    let documents = records::get_many::<SalesDocument>(db, actor, ids).await?;
    Ok(documents.into_iter().map(|d| (d.id, d)).collect())
}

/// The names of the clients `ids` name, read at once; an unknown id has
/// no name.
async fn client_names(
    db: &comptoir_db::Db,
    actor: &Actor,
    ids: &[Uuid],
) -> PageResult<BTreeMap<Uuid, String>> {
    Ok(comptoir_services::parties::client_names(db, actor, ids).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n;
    use comptoir_domain::language::Language;

    /// The keys the sales templates build (`"status." ~ kind ~ …`) are in
    /// both catalogs.
    #[test]
    fn every_status_and_kind_is_translated() {
        for kind in [&QUOTES, &ORDERS, &INVOICES, &CREDIT_NOTES] {
            let mut keys = vec![kind.title.to_owned(), kind.one.to_owned()];
            for status in kind.statuses() {
                keys.push(format!("status.{}.{status}", kind.kind.as_str()));
            }
            for language in Language::ALL {
                for key in &keys {
                    assert_ne!(i18n::text(language, key), *key, "{key} in {language:?}");
                }
            }
        }
        for method in ["transfer", "card", "cash", "check", "other"] {
            let key = format!("payment.method.{method}");
            assert_ne!(i18n::text(Language::Fr, &key), key);
            assert_ne!(i18n::text(Language::En, &key), key);
        }
    }

    /// Every refusal of the state machines reads in French.
    #[test]
    fn the_state_machines_refusals_are_in_french() {
        use comptoir_domain::sales::*;
        let quote = [
            QuoteAction::Edit,
            QuoteAction::Send,
            QuoteAction::Accept,
            QuoteAction::Refuse,
            QuoteAction::Expire,
            QuoteAction::Convert,
            QuoteAction::Supersede,
        ];
        let order = [
            OrderAction::Edit,
            OrderAction::Confirm,
            OrderAction::Cancel,
            OrderAction::Deliver { complete: true },
            OrderAction::Invoice { complete: true },
            OrderAction::Return,
            OrderAction::DropInvoice,
        ];
        let invoice = [
            InvoiceAction::Edit,
            InvoiceAction::Issue,
            InvoiceAction::Pay { complete: true },
            InvoiceAction::Credit { settled: true },
            InvoiceAction::Refund,
        ];
        let mut refusals = Vec::new();
        for &status in QuoteStatus::ALL {
            refusals.extend(
                quote
                    .iter()
                    .filter_map(|&a| quote_transition(status, a).err()),
            );
        }
        for &status in OrderStatus::ALL {
            refusals.extend(
                order
                    .iter()
                    .filter_map(|&a| order_transition(status, a).err()),
            );
        }
        for &status in InvoiceStatus::ALL {
            refusals.extend(
                invoice
                    .iter()
                    .filter_map(|&a| invoice_transition(status, a).err()),
            );
        }
        assert!(refusals.len() > 50);
        for english in refusals {
            assert_ne!(i18n::message(Language::Fr, &english), english);
        }
    }
}
