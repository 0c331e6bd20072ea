//! A client's account as their page shows it: what they owe on issued
//! invoices (summed exactly in SQL), their documents and what happened to
//! them, newest first. The caller shows it to who may read both sales
//! documents and invoices.

use super::lists::{Paging, rows};
use super::views::DocumentRow;
use crate::{Actor, ServiceResult, records};
use comptoir_db::parties::Client;
use comptoir_db::sales::{self as store, BusinessEvent};
use comptoir_db::{Count, Db, Filter, Page, Sort, resource};
use comptoir_domain::numbers::Money;
use serde::Serialize;
use uuid::Uuid;

/// How many documents and events the account shows at most.
const RECENT: i64 = 50;

#[derive(Serialize)]
pub struct ClientAccount {
    /// What the client still owes on issued invoices.
    pub open_balance: Money,
    /// How many issued invoices are not fully paid.
    pub open_invoices: i64,
    /// Their latest documents of every kind.
    pub documents: Vec<DocumentRow>,
    /// Their latest business events.
    pub events: Vec<BusinessEvent>,
}

/// The account of the client `client_id`; another organization's client
/// is not found.
pub async fn client_account(
    db: &Db,
    actor: &Actor,
    client_id: Uuid,
) -> ServiceResult<ClientAccount> {
    let client: Client = records::get(db, actor, client_id).await?;
    let (open_balance, open_invoices) =
        store::open_balance(db, actor.organization_id, client.id).await?;
    let page = Page {
        page: 1,
        page_size: RECENT,
    };
    let theirs = || Filter::organization(actor.organization_id).eq("client_id", Some(client.id));
    let paging = Paging {
        sort: Some(Sort {
            column: "created_at",
            descending: true,
        }),
        page,
        count: Count::Exact,
    };
    let documents = rows(db, theirs(), paging, actor.today()).await?;
    let events = resource::list::<BusinessEvent>(
        db,
        theirs(),
        Some(Sort {
            column: "occurred_at",
            descending: true,
        }),
        page,
    )
    .await?;
    Ok(ClientAccount {
        open_balance,
        open_invoices,
        documents: documents.items,
        events: events.items,
    })
}
