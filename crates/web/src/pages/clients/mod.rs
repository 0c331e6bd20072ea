//! Clients: the list (search, sort, pages in the URL) and the form that
//! creates or changes one, its price list chosen among the active ones;
//! `detail`: a client's page.

mod detail;

use super::parties::{self, FormPage, IdentityForm, PartyForm, text};
use super::{ListQuery, ListView, show, typed};
use crate::WebContext;
use crate::error::PageResult;
use crate::session::Allowed;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_db::parties::Client;
use comptoir_db::{Db, Page};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_services::catalog::price_lists::{self, PriceListFilters};
use comptoir_services::parties::{self as service, ClientFilters, ClientRequest};
use comptoir_services::{Actor, ServiceResult, require};
use detail::client_page;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .merge(detail::router())
        .route("/clients", get(list).post(create))
        .route("/clients/new", get(new_form))
        .route("/clients/{id}", get(client_page).post(update))
        .route("/clients/{id}/edit", get(edit_form))
}

#[derive(Deserialize, Default)]
struct ClientListQuery {
    #[serde(flatten)]
    list: ListQuery,
    status: Option<String>,
}

async fn list(
    viewer: Allowed<require::ClientsRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<ClientListQuery>,
) -> PageResult<Response> {
    let status = typed(query.status.clone());
    let filters = ClientFilters {
        status: status.clone(),
        kind: None,
        include_archived: None,
    };
    let listing = service::list_clients(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<Client>(),
        query.list.page(),
    )
    .await?;
    let view = ListView::new(listing, &query.list);
    show(
        &viewer,
        "clients/list.html",
        "clients.title",
        json!({
            "list": view,
            "status": status.unwrap_or_default(),
            "may_write": viewer.actor.may(Permission::ClientsWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The client form as typed: every field text, kept as is to show again.
#[derive(Deserialize, Serialize, Default, Clone)]
struct ClientForm {
    #[serde(flatten)]
    identity: IdentityForm,
    status: Option<String>,
    discount_percent: Option<String>,
    credit_limit: Option<String>,
    price_list_id: Option<String>,
}

/// Every price list the form offers.
const PRICE_LISTS: Page = Page {
    page: 1,
    page_size: 200,
};

impl ClientForm {
    /// The price list as an id (none when left empty), or the field's
    /// error: an id the form did not offer is no record.
    fn price_list(&self, errors: &mut FieldErrors) -> Option<Uuid> {
        let text = typed(self.price_list_id.clone())?;
        let id = Uuid::parse_str(&text).ok();
        if id.is_none() {
            errors.add("price_list_id", "no such record");
        }
        id
    }
}

impl PartyForm for ClientForm {
    type Record = Client;
    type Request = ClientRequest;
    const PAGE: FormPage = FormPage {
        template: "clients/form.html",
        new: "clients.new",
        edit: "clients.edit",
    };
    const BASE: &'static str = "/clients";

    fn blank() -> Self {
        ClientForm {
            identity: IdentityForm::blank(),
            status: Some("active".into()),
            ..Default::default()
        }
    }

    fn of(client: &Client) -> Self {
        let json = serde_json::to_value(client).unwrap_or_default();
        ClientForm {
            identity: IdentityForm::from_json(&json),
            status: text(&json, "status"),
            discount_percent: text(&json, "discount_percent"),
            credit_limit: text(&json, "credit_limit"),
            price_list_id: text(&json, "price_list_id"),
        }
    }

    fn identity(&self) -> &IdentityForm {
        &self.identity
    }

    fn id(client: &Client) -> Uuid {
        client.id
    }

    fn request(&self) -> (ClientRequest, FieldErrors) {
        let mut errors = FieldErrors::new();
        let request = ClientRequest {
            code: typed(self.identity.code.clone()),
            identity: self.identity.fields(&mut errors),
            status: typed(self.status.clone()),
            discount_percent: typed(self.discount_percent.clone()),
            credit_limit: typed(self.credit_limit.clone()),
            price_list_id: self.price_list(&mut errors),
        };
        (request, errors)
    }

    fn validate(request: ClientRequest) -> FieldErrors {
        request.validate().err().unwrap_or_default()
    }

    fn patch(&self) -> (Value, FieldErrors) {
        let mut errors = FieldErrors::new();
        let mut patch = self.identity.patch(&mut errors);
        patch["status"] = typed(self.status.clone()).into();
        patch["discount_percent"] = typed(self.discount_percent.clone()).into();
        patch["credit_limit"] = typed(self.credit_limit.clone()).into();
        // A form without the field (not ours) leaves the list as it is.
        if self.price_list_id.is_some() {
            patch["price_list_id"] = json!(self.price_list(&mut errors));
        }
        (patch, errors)
    }

    /// The active price lists, and the client's own even if inactive, so
    /// that saving the form unchanged keeps it.
    fn choices(
        &self,
        db: &Db,
        actor: &Actor,
    ) -> impl Future<Output = ServiceResult<Map<String, Value>>> + Send {
        let chosen = typed(self.price_list_id.clone());
        async move {
            let filters = PriceListFilters { active: None };
            let lists = price_lists::list(db, actor, filters, None, None, PRICE_LISTS).await?;
            let offered: Vec<Value> = lists
                .items
                .into_iter()
                .filter(|list| list.active || chosen.as_deref() == Some(&list.id.to_string()))
                .map(|list| json!({"id": list.id, "name": list.name, "active": list.active}))
                .collect();
            Ok(Map::from_iter([("price_lists".to_owned(), json!(offered))]))
        }
    }

    fn create(
        db: &Db,
        actor: &Actor,
        request: ClientRequest,
    ) -> impl Future<Output = ServiceResult<Client>> + Send {
        service::create_client(db, actor, request)
    }

    fn update(
        db: &Db,
        actor: &Actor,
        id: Uuid,
        version: i64,
        patch: Value,
    ) -> impl Future<Output = ServiceResult<Client>> + Send {
        service::update_client(db, actor, id, Some(version), patch)
    }
}

async fn new_form(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
) -> PageResult<Response> {
    parties::new_form::<ClientForm>(&viewer, &ctx).await
}

async fn create(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<ClientForm>,
) -> PageResult<Response> {
    parties::create(&viewer, &ctx, form).await
}

async fn edit_form(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    parties::edit_form::<ClientForm>(&viewer, &ctx, id).await
}

async fn update(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<ClientForm>,
) -> PageResult<Response> {
    parties::update(&viewer, &ctx, id, form).await
}
