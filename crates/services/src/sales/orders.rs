//! Orders (commandes), numbered `CMD-YYYY-NNNNN`: confirming checks the
//! client's credit and reserves every goods line, all or nothing;
//! cancelling releases the reservations.

use super::views::{DocumentDetail, detail, detail_of};
use super::{load, move_to, next_order, read};
use crate::audit::log;
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::parties::Client;
use comptoir_db::sales::{self as store, Delivery, LineToConfirm, SalesDocument, SalesLine};
use comptoir_db::stock::{self as stock_store, ReservationRequest};
use comptoir_db::{Db, Tx, resource};
use comptoir_domain::numbers::Money;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::{DocumentKind, OrderAction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const KIND: DocumentKind = DocumentKind::Order;
/// What order lines are to the stock reservations holding their goods.
const RESERVATION_DOCUMENT: &str = "order_line";

/// An order with its lines and delivery notes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: DocumentDetail,
    pub deliveries: Vec<Delivery>,
}

pub(super) async fn order_detail(
    db: &Db,
    actor: &Actor,
    order: SalesDocument,
) -> ServiceResult<OrderDetail> {
    let deliveries = store::deliveries_of(db, actor.organization_id, order.id).await?;
    Ok(OrderDetail {
        order: detail(db, actor, order).await?,
        deliveries,
    })
}

/// An order with its lines and deliveries.
pub async fn get_order(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<OrderDetail> {
    let order = read(db, actor.organization_id, id, KIND).await?;
    order_detail(db, actor, order).await
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ConfirmRequest {
    /// A manager may confirm beyond the client's credit limit.
    #[serde(default)]
    pub override_credit: bool,
}

/// Confirms a draft order: the client's open receivables plus this order
/// must stay within its credit limit (unless the actor may override it
/// and asks to), then every goods line is reserved, all or nothing. The
/// order is locked and read with whether its client has a credit limit,
/// the credit is checked — the client row locked — only then, every line
/// is read with its kind in one query (a product line still without a
/// location gets its warehouse's default one here), the reservations are
/// inserted in one statement, then the transition with its one audit entry,
/// and the level updates come last, in one statement, so the hot level rows
/// stay locked only until the commit. The answer is built from what the
/// transaction read, with no read after it.
pub async fn confirm_order(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    request: ConfirmRequest,
) -> ServiceResult<OrderDetail> {
    let mut tx = db.begin().await?;
    let locked = store::lock_with_credit_limit(&mut tx, actor.organization_id, id).await?;
    let order = locked.document;
    if order.kind != KIND {
        return Err(ServiceError::NotFound);
    }
    let to = next_order(&order, OrderAction::Confirm)?;
    if locked.client_has_credit_limit {
        check_credit(&mut tx, actor, &order, request.override_credit).await?;
    }
    let mut lines =
        store::lines_to_confirm(&mut tx, actor.organization_id, id, order.warehouse_id).await?;
    // What place_lines places: every product line without a location.
    let unplaced =
        |line: &LineToConfirm| line.line.location_id.is_none() && line.line.product_id.is_some();
    if lines.iter().any(|line| line.goods && unplaced(line)) {
        let location_id = lines
            .first()
            .and_then(|line| line.default_location_id)
            .ok_or_else(|| {
                ServiceError::conflict("no warehouse to reserve the goods in: create one first")
            })?;
        store::place_lines(&mut tx, actor.organization_id, id, location_id).await?;
        for line in lines.iter_mut().filter(|line| unplaced(line)) {
            line.line.location_id = Some(location_id);
        }
    }
    let requests: Vec<ReservationRequest> = lines
        .iter()
        .filter(|line| line.goods)
        .filter_map(|line| reservation_of(&line.line, line.line.location_id?))
        .collect();
    // One audit entry, the order's: its reservations follow from its
    // lines, which no longer change once it is confirmed.
    stock_store::insert_reservations(&mut tx, actor.organization_id, &requests).await?;
    let confirmed = move_to(&mut tx, actor, &order, to.into(), "order_confirmed").await?;
    // Last, so the level rows stay locked only until the commit that follows.
    stock_store::hold(&mut tx, actor.organization_id, &requests).await?;
    tx.commit().await?;
    // A draft has no deliveries yet, and its lines are at hand.
    let lines = lines.into_iter().map(|line| line.line).collect();
    Ok(OrderDetail {
        order: detail_of(confirmed, lines, actor.today())?,
        deliveries: Vec::new(),
    })
}

/// What reserving a goods line at `location_id` asks for.
fn reservation_of(line: &SalesLine, location_id: Uuid) -> Option<ReservationRequest> {
    Some(ReservationRequest {
        document_type: RESERVATION_DOCUMENT.to_owned(),
        document_line_id: line.id,
        location_id,
        item: line.item()?,
        quantity: line.quantity.0,
    })
}

/// Refuses an order that would take the client's debt over its limit,
/// unless `override_credit` is asked by an actor who may override it.
/// Called only when the client has one: its row is then locked, so two
/// confirmations of one client check it one after the other.
async fn check_credit(
    tx: &mut Tx,
    actor: &Actor,
    order: &SalesDocument,
    override_credit: bool,
) -> ServiceResult<()> {
    let client: Client = resource::get_in(tx, actor.organization_id, order.client_id).await?;
    let Some(limit) = client.credit_limit.map(|limit| limit.0) else {
        return Ok(());
    };
    let receivables = store::open_receivables(tx, actor.organization_id, client.id).await?;
    let exposure = Money::from_units(
        receivables
            .units()
            .saturating_add(order.total_incl_tax.0.units()),
    );
    if exposure <= limit {
        return Ok(());
    }
    if override_credit && actor.may(Permission::CreditOverride) {
        return Ok(());
    }
    Err(ServiceError::CreditLimitExceeded {
        message: format!(
            "the client's credit limit of {limit} would be exceeded: {receivables} open and {} in this order",
            order.total_incl_tax.0
        ),
        details: json!({
            "credit_limit": limit,
            "open_receivables": receivables,
            "order_total": order.total_incl_tax.0,
            "override": "a user with the credit.override permission (a manager) may confirm with override_credit: true",
        }),
    })
}

/// Cancels an order not delivered yet; its reservations are released,
/// each with its audit entry.
pub async fn cancel_order(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<OrderDetail> {
    let mut tx = db.begin().await?;
    let order = load(&mut tx, actor.organization_id, id, KIND).await?;
    let to = next_order(&order, OrderAction::Cancel)?;
    for reservation in store::active_reservations(&mut tx, actor.organization_id, id).await? {
        let released = stock_store::release(&mut tx, actor.organization_id, reservation.id).await?;
        log(
            &mut tx,
            actor,
            "release",
            "reservation",
            released.id,
            Some(&reservation),
            Some(&released),
        )
        .await?;
    }
    let cancelled = move_to(&mut tx, actor, &order, to.into(), "order_cancelled").await?;
    tx.commit().await?;
    order_detail(db, actor, cancelled).await
}
