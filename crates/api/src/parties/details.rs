//! Addresses and contacts of clients and suppliers:
//! `/clients/{id}/addresses`, `/clients/{id}/contacts`, and the same under
//! `/suppliers/{id}`. The handlers are generated once per party kind; the
//! rules (one default address per kind, one primary contact) live in the
//! service they call (`services::parties::details`).

use crate::error::ApiResult;
use crate::extract::{IfMatch, ListParams, PageOf};
use comptoir_db::parties::{Address, Contact, Party};
use comptoir_services::parties::details::{self, AddressRequest, ContactRequest};
use serde_json::Value;
use uuid::Uuid;

/// The five routes of one kind of detail under one kind of party.
macro_rules! detail_routes {
    (
        $module:ident, $party:ident, $row:ty, $request:ty,
        read = $read:ident ($read_scope:literal), write = $write:ident ($write_scope:literal),
        tag = $tag:literal,
        collection = $collection:literal, item = $item:literal, what = $what:literal
    ) => {
        pub mod $module {
            use super::*;
            use crate::auth::{Authorized, require};
            use crate::context::ApiContext;
            use crate::error::ErrorBody;
            use crate::extract::{Json, Path, Query};
            use axum::extract::State;
            use axum::http::StatusCode;
            use utoipa_axum::router::OpenApiRouter;
            use utoipa_axum::routes;

            pub fn router() -> OpenApiRouter<ApiContext> {
                OpenApiRouter::new()
                    .routes(routes!(list_all, create_one))
                    .routes(routes!(get_one, update_one, delete_one))
            }

            #[doc = concat!("List the ", $what, ".")]
            #[utoipa::path(get, path = $collection, tag = $tag, security(("bearer" = [$read_scope])),
                operation_id = concat!("list_", stringify!($module)),
                params(("id" = Uuid, Path), ListParams),
                responses((status = 200, body = PageOf<$row>), (status = 404, body = ErrorBody)))]
            async fn list_all(
                auth: Authorized<require::$read>,
                State(ctx): State<ApiContext>,
                Path(owner): Path<Uuid>,
                Query(params): Query<ListParams>,
            ) -> ApiResult<axum::Json<PageOf<$row>>> {
                let page = params.page()?;
                let sort = params.sort::<$row>()?;
                let q = params.q.as_deref();
                let party = Party::$party(owner);
                let listing =
                    details::list::<$row>(&ctx.db, &auth.caller(), party, q, sort, page).await?;
                Ok(axum::Json(PageOf::new(listing, page)))
            }

            #[doc = concat!("Add to the ", $what, ".")]
            #[utoipa::path(post, path = $collection, tag = $tag, security(("bearer" = [$write_scope])),
                operation_id = concat!("create_", stringify!($module)),
                params(("id" = Uuid, Path)), request_body = $request,
                responses((status = 201, body = $row), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
            async fn create_one(
                auth: Authorized<require::$write>,
                State(ctx): State<ApiContext>,
                Path(owner): Path<Uuid>,
                Json(request): Json<$request>,
            ) -> ApiResult<(StatusCode, axum::Json<$row>)> {
                let party = Party::$party(owner);
                let row = details::create::<$row>(&ctx.db, &auth.caller(), party, request).await?;
                Ok((StatusCode::CREATED, axum::Json(row)))
            }

            #[doc = concat!("Get one of the ", $what, ".")]
            #[utoipa::path(get, path = $item, tag = $tag, security(("bearer" = [$read_scope])),
                operation_id = concat!("get_", stringify!($module)),
                params(("id" = Uuid, Path), ("item_id" = Uuid, Path)),
                responses((status = 200, body = $row), (status = 404, body = ErrorBody)))]
            async fn get_one(
                auth: Authorized<require::$read>,
                State(ctx): State<ApiContext>,
                Path((owner, id)): Path<(Uuid, Uuid)>,
            ) -> ApiResult<axum::Json<$row>> {
                let party = Party::$party(owner);
                let row = details::get::<$row>(&ctx.db, &auth.caller(), party, id).await?;
                Ok(axum::Json(row))
            }

            #[doc = concat!("Change one of the ", $what, " (JSON merge patch).")]
            #[utoipa::path(patch, path = $item, tag = $tag, security(("bearer" = [$write_scope])),
                operation_id = concat!("update_", stringify!($module)),
                params(("id" = Uuid, Path), ("item_id" = Uuid, Path)), request_body = $request,
                responses((status = 200, body = $row), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
            async fn update_one(
                auth: Authorized<require::$write>,
                State(ctx): State<ApiContext>,
                Path((owner, id)): Path<(Uuid, Uuid)>,
                if_match: IfMatch,
                Json(patch): Json<Value>,
            ) -> ApiResult<axum::Json<$row>> {
                let party = Party::$party(owner);
                let caller = auth.caller();
                let updated =
                    details::update::<$row>(&ctx.db, &caller, party, id, if_match.0, patch).await?;
                Ok(axum::Json(updated))
            }

            #[doc = concat!("Remove one of the ", $what, ".")]
            #[utoipa::path(delete, path = $item, tag = $tag, security(("bearer" = [$write_scope])),
                operation_id = concat!("delete_", stringify!($module)),
                params(("id" = Uuid, Path), ("item_id" = Uuid, Path)),
                responses((status = 204), (status = 404, body = ErrorBody)))]
            async fn delete_one(
                auth: Authorized<require::$write>,
                State(ctx): State<ApiContext>,
                Path((owner, id)): Path<(Uuid, Uuid)>,
            ) -> ApiResult<StatusCode> {
                let party = Party::$party(owner);
                details::delete::<$row>(&ctx.db, &auth.caller(), party, id).await?;
                Ok(StatusCode::NO_CONTENT)
            }
        }
    };
}

detail_routes!(
    client_addresses,
    Client,
    Address,
    AddressRequest,
    read = ClientsRead("clients.read"),
    write = ClientsWrite("clients.write"),
    tag = "clients",
    collection = "/clients/{id}/addresses",
    item = "/clients/{id}/addresses/{item_id}",
    what = "client's addresses"
);
detail_routes!(
    client_contacts,
    Client,
    Contact,
    ContactRequest,
    read = ClientsRead("clients.read"),
    write = ClientsWrite("clients.write"),
    tag = "clients",
    collection = "/clients/{id}/contacts",
    item = "/clients/{id}/contacts/{item_id}",
    what = "client's contacts"
);
detail_routes!(
    supplier_addresses,
    Supplier,
    Address,
    AddressRequest,
    read = SuppliersRead("suppliers.read"),
    write = SuppliersWrite("suppliers.write"),
    tag = "suppliers",
    collection = "/suppliers/{id}/addresses",
    item = "/suppliers/{id}/addresses/{item_id}",
    what = "supplier's addresses"
);
detail_routes!(
    supplier_contacts,
    Supplier,
    Contact,
    ContactRequest,
    read = SuppliersRead("suppliers.read"),
    write = SuppliersWrite("suppliers.write"),
    tag = "suppliers",
    collection = "/suppliers/{id}/contacts",
    item = "/suppliers/{id}/contacts/{item_id}",
    what = "supplier's contacts"
);

pub(super) fn router() -> utoipa_axum::router::OpenApiRouter<crate::context::ApiContext> {
    utoipa_axum::router::OpenApiRouter::new()
        .merge(client_addresses::router())
        .merge(client_contacts::router())
        .merge(supplier_addresses::router())
        .merge(supplier_contacts::router())
}
