//! The sheets of what was done: purchase orders, delivery notes,
//! payments, returns, inventories and the audit log. They are exported,
//! never imported; the columns name what the row refers to by the codes
//! and numbers people read.

use super::instant;
use crate::error::ServiceResult;
use crate::transfer::exports::writing::{Cell, Sheet};
use crate::transfer::{names, names_where};
use comptoir_db::audit::AuditEntry;
use comptoir_db::auth::User;
use comptoir_db::catalog::Category;
use comptoir_db::inventories::Inventory;
use comptoir_db::parties::{Client, Supplier};
use comptoir_db::purchasing::PurchaseOrder;
use comptoir_db::sales::{Delivery, Payment, SalesDocument, SalesReturn};
use comptoir_db::stock::Warehouse;
use comptoir_db::{Db, Filter};
use comptoir_domain::sales::DocumentKind;
use std::collections::HashMap;
use uuid::Uuid;

/// The number and client code of every document of `kind`, by id.
struct Documents {
    numbers: HashMap<Uuid, (Option<String>, Uuid)>,
    clients: HashMap<Uuid, String>,
}

impl Documents {
    async fn load(db: &Db, organization_id: Uuid, kind: DocumentKind) -> ServiceResult<Self> {
        let filter = Filter::organization(organization_id).eq("kind", Some(kind.as_str()));
        Ok(Self {
            numbers: names_where::<SalesDocument, _>(db, &filter, |d| {
                (d.id, (d.number.clone(), d.client_id))
            })
            .await?,
            clients: names::<Client>(db, organization_id, |c| (c.id, c.code.clone())).await?,
        })
    }

    /// The document's number and its client's code.
    fn cells(&self, id: Uuid) -> [Cell; 2] {
        let document = self.numbers.get(&id);
        [
            Cell::optional(document.and_then(|(number, _)| number.clone())),
            Cell::optional(document.and_then(|(_, client)| self.clients.get(client).cloned())),
        ]
    }
}

pub(in crate::transfer::exports) async fn purchase_orders_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<PurchaseOrder>> {
    let suppliers = names::<Supplier>(db, organization_id, |s| (s.id, s.code.clone())).await?;
    let warehouses = names::<Warehouse>(db, organization_id, |w| (w.id, w.code.clone())).await?;
    let columns = &[
        "number",
        "status",
        "supplier",
        "warehouse",
        "issue_date",
        "expected_date",
        "currency",
        "total_excl_tax",
        "total_tax",
        "total_incl_tax",
        "notes",
    ];
    Ok(Sheet::new(
        "purchase-orders",
        columns,
        move |o: &PurchaseOrder| {
            vec![
                Cell::text(&o.number),
                Cell::text(o.status.as_str()),
                Cell::optional(suppliers.get(&o.supplier_id).cloned()),
                Cell::optional(o.warehouse_id.and_then(|id| warehouses.get(&id).cloned())),
                Cell::Date(o.issue_date),
                o.expected_date.map_or(Cell::Empty, Cell::Date),
                Cell::text(&o.currency),
                Cell::number(o.total_excl_tax.0),
                Cell::number(o.total_tax.0),
                Cell::number(o.total_incl_tax.0),
                Cell::optional(o.notes.clone()),
            ]
        },
    ))
}

pub(in crate::transfer::exports) async fn deliveries_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<Delivery>> {
    let orders = Documents::load(db, organization_id, DocumentKind::Order).await?;
    let columns = &["number", "delivery_date", "order", "client"];
    Ok(Sheet::new("deliveries", columns, move |d: &Delivery| {
        let [order, client] = orders.cells(d.order_id);
        vec![
            Cell::text(&d.number),
            Cell::Date(d.delivery_date),
            order,
            client,
        ]
    }))
}

pub(in crate::transfer::exports) async fn payments_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<Payment>> {
    let invoices = Documents::load(db, organization_id, DocumentKind::Invoice).await?;
    let columns = &[
        "date",
        "kind",
        "method",
        "amount",
        "reference",
        "invoice",
        "client",
    ];
    Ok(Sheet::new("payments", columns, move |p: &Payment| {
        let [invoice, client] = invoices.cells(p.invoice_id);
        vec![
            Cell::Date(p.payment_date),
            Cell::text(p.kind.as_str()),
            Cell::text(p.method.as_str()),
            Cell::number(p.amount.0),
            Cell::optional(p.reference.clone()),
            invoice,
            client,
        ]
    }))
}

pub(in crate::transfer::exports) async fn returns_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<SalesReturn>> {
    let orders = Documents::load(db, organization_id, DocumentKind::Order).await?;
    let columns = &["created_at", "order", "client", "reason", "restock"];
    Ok(Sheet::new("returns", columns, move |r: &SalesReturn| {
        let [order, client] = orders.cells(r.order_id);
        vec![
            instant(r.created_at),
            order,
            client,
            Cell::text(&r.reason),
            Cell::text(r.restock.to_string()),
        ]
    }))
}

pub(in crate::transfer::exports) async fn inventories_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<Inventory>> {
    let warehouses = names::<Warehouse>(db, organization_id, |w| (w.id, w.code.clone())).await?;
    let categories = names::<Category>(db, organization_id, |c| (c.id, c.name.clone())).await?;
    let columns = &[
        "number",
        "status",
        "warehouse",
        "category",
        "created_at",
        "closed_at",
    ];
    Ok(Sheet::new("inventories", columns, move |i: &Inventory| {
        vec![
            Cell::text(&i.number),
            Cell::text(i.status.as_str()),
            Cell::optional(warehouses.get(&i.warehouse_id).cloned()),
            Cell::optional(i.category_id.and_then(|id| categories.get(&id).cloned())),
            instant(i.created_at),
            i.closed_at.map_or(Cell::Empty, instant),
        ]
    }))
}

/// The log as an auditor reads it: who (by e-mail), what, on which
/// record, the states before and after as JSON, and each entry's hash.
pub(in crate::transfer::exports) async fn audit_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<AuditEntry>> {
    let users = names::<User>(db, organization_id, |u| (u.id, u.email.clone())).await?;
    let columns = &[
        "seq",
        "at",
        "user",
        "action",
        "resource_type",
        "resource_id",
        "before",
        "after",
        "request_id",
        "ip",
        "hash",
    ];
    let json = |state: Option<&serde_json::Value>| Cell::optional(state.map(|s| s.to_string()));
    Ok(Sheet::new("audit", columns, move |e: &AuditEntry| {
        vec![
            Cell::number(e.seq),
            instant(e.at),
            Cell::optional(e.user_id.and_then(|id| users.get(&id).cloned())),
            Cell::text(&e.action),
            Cell::text(&e.resource_type),
            Cell::optional(e.resource_id.map(|id| id.to_string())),
            json(e.before.as_ref().map(|state| &state.0)),
            json(e.after.as_ref().map(|state| &state.0)),
            Cell::optional(e.request_id.clone()),
            Cell::optional(e.ip.clone()),
            Cell::text(&e.hash),
        ]
    }))
}
