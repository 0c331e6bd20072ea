//! A client's page: who they are and their commercial conditions; their
//! addresses and contacts, each with a remove button and an add form
//! (the services of `parties::details`, as the API's routes); what they
//! owe on issued invoices, and the timeline of their documents and
//! events (`sales::client_account`), for who may read sales and invoices.

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use comptoir_db::parties::{Address, Client, Contact, Party};
use comptoir_db::resource::Page;
use comptoir_domain::catalog::AddressKind;
use comptoir_domain::permissions::Permission;
use comptoir_services::parties::details::{self, AddressRequest, ContactRequest};
use comptoir_services::sales::client_account;
use comptoir_services::{ServiceError, records, require};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/clients/{id}/addresses", post(add_address))
        .route(
            "/clients/{id}/addresses/{detail}/delete",
            post(remove_address),
        )
        .route("/clients/{id}/contacts", post(add_contact))
        .route(
            "/clients/{id}/contacts/{detail}/delete",
            post(remove_contact),
        )
}

/// An add form as typed, with its fields' messages.
struct Typed {
    /// `address` or `contact`.
    form: &'static str,
    values: HashMap<String, String>,
    errors: BTreeMap<String, Vec<String>>,
}

const ADDRESS_FIELDS: &[&str] = &[
    "kind",
    "label",
    "line1",
    "line2",
    "postal_code",
    "city",
    "country",
    "is_default",
];
const CONTACT_FIELDS: &[&str] = &["name", "role", "email", "phone", "is_primary"];

/// Every address and contact a client has, on one page.
const ALL: Page = Page {
    page: 1,
    page_size: 200,
};

pub(super) async fn client_page(
    viewer: Allowed<require::ClientsRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    render(&viewer, &ctx, id, None).await
}

async fn render(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    typed: Option<Typed>,
) -> PageResult<Response> {
    let actor = &viewer.actor;
    let client: Client = records::get(&ctx.db, actor, id).await?;
    let party = Party::Client(id);
    let addresses = details::list::<Address>(&ctx.db, actor, party, None, None, ALL).await?;
    let contacts = details::list::<Contact>(&ctx.db, actor, party, None, None, ALL).await?;
    // The account shows invoices and every other document: only to who
    // may read both.
    let account = if actor.may(Permission::SalesRead) && actor.may(Permission::InvoicesRead) {
        Some(client_account(&ctx.db, actor, id).await?)
    } else {
        None
    };
    // Every field has a value, typed or empty, as the templates read them.
    let form = |name: &str, fields: &[&str]| {
        let typed = typed.as_ref().filter(|typed| typed.form == name);
        let values: BTreeMap<&str, String> = fields
            .iter()
            .map(|&field| {
                let value = typed.and_then(|t| t.values.get(field).cloned());
                (field, value.unwrap_or_default())
            })
            .collect();
        let errors = typed.map(|t| json!(t.errors)).unwrap_or_else(|| json!({}));
        json!({"values": values, "errors": errors})
    };
    let status = if typed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = show(
        viewer,
        "clients/show.html",
        "clients.client",
        json!({
            "client": client,
            "may_write": actor.may(Permission::ClientsWrite),
            "addresses": addresses.items,
            "contacts": contacts.items,
            "address_form": form("address", ADDRESS_FIELDS),
            "contact_form": form("contact", CONTACT_FIELDS),
            "address_kinds": AddressKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
            "account": account,
            "bases": {
                "quote": "/quotes",
                "order": "/orders",
                "invoice": "/invoices",
                "credit_note": "/credit-notes",
            },
        }),
    )?;
    Ok((status, page).into_response())
}

/// Back to the client's page, or the page again with the add form as
/// typed and its messages next to its fields.
async fn done<T>(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    form: &'static str,
    values: HashMap<String, String>,
    outcome: Result<T, ServiceError>,
) -> PageResult<Response> {
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/clients/{id}")).into_response()),
        Err(ServiceError::Validation(errors)) => {
            let values = values.into_iter().filter(|(k, _)| k != "_csrf").collect();
            let typed = Typed {
                form,
                values,
                errors: by_field(errors),
            };
            render(viewer, ctx, id, Some(typed)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn add_address(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult<Response> {
    let text = |name: &str| typed(form.get(name).cloned());
    let request = AddressRequest {
        kind: text("kind"),
        label: text("label"),
        line1: text("line1"),
        line2: text("line2"),
        postal_code: text("postal_code"),
        city: text("city"),
        country: text("country"),
        is_default: Some(form.contains_key("is_default")),
    };
    let outcome =
        details::create::<Address>(&ctx.db, &viewer.actor, Party::Client(id), request).await;
    done(&viewer, &ctx, id, "address", form, outcome).await
}

async fn add_contact(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult<Response> {
    let text = |name: &str| typed(form.get(name).cloned());
    let request = ContactRequest {
        name: text("name"),
        role: text("role"),
        email: text("email"),
        phone: text("phone"),
        is_primary: Some(form.contains_key("is_primary")),
    };
    let outcome =
        details::create::<Contact>(&ctx.db, &viewer.actor, Party::Client(id), request).await;
    done(&viewer, &ctx, id, "contact", form, outcome).await
}

async fn remove_address(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path((id, detail)): Path<(Uuid, Uuid)>,
) -> PageResult<Response> {
    details::delete::<Address>(&ctx.db, &viewer.actor, Party::Client(id), detail).await?;
    Ok(Redirect::to(&format!("/clients/{id}")).into_response())
}

async fn remove_contact(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path((id, detail)): Path<(Uuid, Uuid)>,
) -> PageResult<Response> {
    details::delete::<Contact>(&ctx.db, &viewer.actor, Party::Client(id), detail).await?;
    Ok(Redirect::to(&format!("/clients/{id}")).into_response())
}
