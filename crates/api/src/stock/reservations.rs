//! Reservations: stock held for document lines, released, or consumed by
//! a delivery into an issue movement.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, ListParams, PageOf, Path, Query, query_filter};
use crate::stock::movements::check_item;
use crate::validate::{optional, required_parsed};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::Filter;
use comptoir_db::resource;
use comptoir_db::stock::{
    self as store, Item, Location, Movement, MovementNote, QuickWrite, Reservation,
    ReservationRequest,
};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::ReservationStatus;
use comptoir_services::validate::check_reference;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_reservations, create_reservations))
        .routes(routes!(release_reservation))
        .routes(routes!(consume_reservation))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReservationLine {
    /// The document line holding the stock (an order line).
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub location_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReservationsRequest {
    /// What the lines belong to; default `order_line`.
    pub document_type: Option<String>,
    #[schema(required = true, nullable = false)]
    pub lines: Option<Vec<ReservationLine>>,
}

/// Reserve stock for document lines: all lines or none. A shortage answers
/// 409 `insufficient_stock` listing every short line.
#[utoipa::path(post, path = "/stock/reservations", tag = "stock", security(("bearer" = ["stock.write"])),
    request_body = ReservationsRequest,
    responses((status = 201, body = Vec<Reservation>), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_reservations(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ReservationsRequest>,
) -> ApiResult<(StatusCode, axum::Json<Vec<Reservation>>)> {
    let mut errors = FieldErrors::new();
    let document_type = optional(&mut errors, "document_type", request.document_type, 40)
        .unwrap_or_else(|| "order_line".to_owned());
    let lines = request.lines.unwrap_or_default();
    if lines.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    if let [line] = lines.as_slice()
        && errors.is_empty()
        && let Some(reservation) = quick_reservation(&ctx, &auth, &document_type, line).await?
    {
        return Ok((StatusCode::CREATED, axum::Json(vec![reservation])));
    }
    let mut tx = ctx.db.begin().await?;
    let mut requests = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let quantity = required_parsed(
            &mut errors,
            &format!("{prefix}quantity"),
            line.quantity,
            Quantity::parse,
        );
        if quantity.is_some_and(|q| q <= Quantity::ZERO) {
            errors.add(format!("{prefix}quantity"), "must be positive");
        }
        for (field, value) in [
            ("line_id", line.line_id),
            ("product_id", line.product_id),
            ("location_id", line.location_id),
        ] {
            if value.is_none() {
                errors.add(format!("{prefix}{field}"), "is required");
            }
        }
        let item = Item {
            product_id: line.product_id.unwrap_or_default(),
            variant_id: line.variant_id,
        };
        if line.product_id.is_some() {
            check_item(&mut tx, auth.organization_id, &mut errors, &prefix, item).await?;
        }
        check_reference::<Location>(
            &mut tx,
            &mut errors,
            auth.organization_id,
            &format!("{prefix}location_id"),
            line.location_id,
        )
        .await?;
        if let (Some(line_id), Some(location_id), Some(quantity)) =
            (line.line_id, line.location_id, quantity)
        {
            requests.push(ReservationRequest {
                document_type: document_type.clone(),
                document_line_id: line_id,
                location_id,
                item,
                quantity,
            });
        }
    }
    errors.finish(|| ())?;
    let reservations = store::insert_reservations(&mut tx, auth.organization_id, &requests).await?;
    for reservation in &reservations {
        log(
            &mut tx,
            &auth,
            "create",
            "reservation",
            reservation.id,
            None,
            Some(reservation),
        )
        .await?;
    }
    // Last, so the level rows are locked only until the commit that follows.
    store::hold(&mut tx, auth.organization_id, &requests).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(reservations)))
}

/// A well-formed one-line reservation in one statement where the database
/// allows it; `None` when the full path has to run (and say what is wrong).
async fn quick_reservation(
    ctx: &ApiContext,
    auth: &Authorized<require::StockWrite>,
    document_type: &str,
    line: &ReservationLine,
) -> ApiResult<Option<Reservation>> {
    let quantity = line.quantity.as_deref().map(Quantity::parse);
    let (Some(line_id), Some(product_id), Some(location_id), Some(Ok(quantity))) =
        (line.line_id, line.product_id, line.location_id, quantity)
    else {
        return Ok(None);
    };
    if quantity <= Quantity::ZERO {
        return Ok(None);
    }
    let write = QuickWrite {
        actor: &auth.actor(),
        item: Item {
            product_id,
            variant_id: line.variant_id,
        },
        location_id,
        quantity,
    };
    Ok(store::quick_reservation(&ctx.db, write, document_type, line_id).await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReservationFilters {
    pub product_id: Option<Uuid>,
    pub line_id: Option<Uuid>,
    /// `active`, `released` or `consumed`.
    #[param(value_type = Option<ReservationStatus>)]
    pub status: Option<String>,
}

/// List reservations.
#[utoipa::path(get, path = "/stock/reservations", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, ReservationFilters), responses((status = 200, body = PageOf<Reservation>)))]
async fn list_reservations(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ReservationFilters>,
) -> ApiResult<axum::Json<PageOf<Reservation>>> {
    let page = params.page()?;
    let filter = Filter::organization(auth.organization_id)
        .eq("product_id", filters.product_id)
        .eq("document_line_id", filters.line_id)
        .eq(
            "status",
            query_filter(
                "status",
                filters.status.as_deref(),
                ReservationStatus::parse,
            )?
            .map(ReservationStatus::as_str),
        );
    let listing = resource::list(&ctx.db, filter, params.sort::<Reservation>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Release a reservation: the stock becomes available again.
#[utoipa::path(post, path = "/stock/reservations/{id}/release", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Reservation), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn release_reservation(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Reservation>> {
    let mut tx = ctx.db.begin().await?;
    let released = store::release(&mut tx, auth.organization_id, id).await?;
    log(
        &mut tx,
        &auth,
        "release",
        "reservation",
        id,
        None,
        Some(&released),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(released))
}

/// The reservation, delivered, and the issue movement that took the goods.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Consumed {
    pub reservation: Reservation,
    pub movement: Movement,
}

/// Deliver reserved stock: the reservation turns into an issue movement.
#[utoipa::path(post, path = "/stock/reservations/{id}/consume", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Consumed), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn consume_reservation(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Consumed>> {
    let mut tx = ctx.db.begin().await?;
    let note = MovementNote {
        user_id: Some(auth.user_id),
        reason: Some("delivery"),
        reference: None,
        reservation_id: None,
        inventory_id: None,
    };
    let (reservation, movement) = store::consume(&mut tx, auth.organization_id, id, &note).await?;
    log(
        &mut tx,
        &auth,
        "consume",
        "reservation",
        id,
        None,
        Some(&reservation),
    )
    .await?;
    log(
        &mut tx,
        &auth,
        "create",
        "stock_movement",
        movement.id,
        None,
        Some(&movement),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(Consumed {
        reservation,
        movement,
    }))
}
