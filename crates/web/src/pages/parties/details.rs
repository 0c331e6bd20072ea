//! A client's or supplier's addresses and contacts on its page: each with
//! a remove button, and an add form (the services of `parties::details`,
//! as the API's routes) whose refusal comes back on the page as typed,
//! each message next to its field. One flow for both parties over a
//! [`PartyPage`]; the template is `parties.html`'s `details`.

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use comptoir_db::parties::{Address, Contact, Party};
use comptoir_db::resource::Page;
use comptoir_domain::catalog::AddressKind;
use comptoir_services::parties::details::{self, AddressRequest, ContactRequest};
use comptoir_services::require::Requirement;
use comptoir_services::{ServiceError, ServiceResult};
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// What tells a client's page from a supplier's; the page around the
/// details and the details' flows are the same.
pub trait PartyPage: Send + Sync + 'static {
    /// The party's page is `{BASE}/{id}`.
    const BASE: &'static str;
    /// Who may add and remove the party's details.
    type Write: Requirement + Send + Sync + 'static;
    /// The party of id `id`.
    const PARTY: fn(Uuid) -> Party;
    const TEMPLATE: &'static str;
    const TITLE: &'static str;

    /// What the page shows besides the addresses and contacts: the
    /// record (an unknown id is a 404), and what the reader may do.
    fn about(
        viewer: &Viewer,
        ctx: &WebContext,
        id: Uuid,
    ) -> impl Future<Output = PageResult<Map<String, Value>>> + Send;
}

/// The party's page; after a refused add form (422), with it as typed.
pub async fn page<P: PartyPage>(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    typed: Option<Typed>,
) -> PageResult<Response> {
    let mut values = P::about(viewer, ctx, id).await?;
    let (status, details) = listed_all(ctx, viewer, (P::PARTY)(id), typed.as_ref()).await?;
    values.extend(details);
    let page = show(viewer, P::TEMPLATE, P::TITLE, values)?;
    Ok((status, page).into_response())
}

/// An add form as typed, with its fields' messages.
pub struct Typed {
    /// `address` or `contact`.
    form: &'static str,
    values: HashMap<String, String>,
    errors: BTreeMap<String, Vec<String>>,
}

/// An address or a contact as its add form reads it.
trait AddForm:
    details::Detail<Request: Send, Input: Send + Sync> + Serialize + Send + Sync + 'static
{
    /// The form's name, as `Typed` and the template say it.
    const FORM: &'static str;
    /// Under `{BASE}/{id}`: where the form posts, and `/{detail}/delete`.
    const PATH: &'static str;
    const FIELDS: &'static [&'static str];

    /// The request the API would receive.
    fn request(form: &HashMap<String, String>) -> Self::Request;
}

/// A posted field's text, or nothing.
fn text(form: &HashMap<String, String>, name: &str) -> Option<String> {
    typed(form.get(name).cloned())
}

impl AddForm for Address {
    const FORM: &'static str = "address";
    const PATH: &'static str = "addresses";
    const FIELDS: &'static [&'static str] = &[
        "kind",
        "label",
        "line1",
        "line2",
        "postal_code",
        "city",
        "country",
        "is_default",
    ];

    fn request(form: &HashMap<String, String>) -> AddressRequest {
        AddressRequest {
            kind: text(form, "kind"),
            label: text(form, "label"),
            line1: text(form, "line1"),
            line2: text(form, "line2"),
            postal_code: text(form, "postal_code"),
            city: text(form, "city"),
            country: text(form, "country"),
            is_default: Some(form.contains_key("is_default")),
        }
    }
}

impl AddForm for Contact {
    const FORM: &'static str = "contact";
    const PATH: &'static str = "contacts";
    const FIELDS: &'static [&'static str] = &["name", "role", "email", "phone", "is_primary"];

    fn request(form: &HashMap<String, String>) -> ContactRequest {
        ContactRequest {
            name: text(form, "name"),
            role: text(form, "role"),
            email: text(form, "email"),
            phone: text(form, "phone"),
            is_primary: Some(form.contains_key("is_primary")),
        }
    }
}

/// Every address and contact a party has, on one page.
const ALL: Page = Page {
    page: 1,
    page_size: 200,
};

/// The party's rows of `T` and its add form, every field with a value,
/// typed or empty.
async fn listed<T: AddForm>(
    ctx: &WebContext,
    viewer: &Viewer,
    party: Party,
    typed: Option<&Typed>,
) -> ServiceResult<(Vec<T>, Value)> {
    let rows = details::list::<T>(&ctx.db, &viewer.actor, party, None, None, ALL).await?;
    let typed = typed.filter(|typed| typed.form == T::FORM);
    let values: BTreeMap<&str, String> = T::FIELDS
        .iter()
        .map(|&field| {
            let value = typed.and_then(|t| t.values.get(field).cloned());
            (field, value.unwrap_or_default())
        })
        .collect();
    let errors = typed.map(|t| json!(t.errors)).unwrap_or_else(|| json!({}));
    Ok((rows.items, json!({"values": values, "errors": errors})))
}

/// The page's status — a refused add form is a 422 — and the party's
/// addresses, contacts and add forms, as `parties.html`'s `details` reads
/// them.
async fn listed_all(
    ctx: &WebContext,
    viewer: &Viewer,
    party: Party,
    typed: Option<&Typed>,
) -> ServiceResult<(StatusCode, Map<String, Value>)> {
    let (addresses, address) = listed::<Address>(ctx, viewer, party, typed).await?;
    let (contacts, contact) = listed::<Contact>(ctx, viewer, party, typed).await?;
    let status = match typed {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let mut values = Map::new();
    values.insert("addresses".into(), json!(addresses));
    values.insert("contacts".into(), json!(contacts));
    values.insert(
        "forms".into(),
        json!({
            "address": address,
            "contact": contact,
            "address_kinds": AddressKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
        }),
    );
    Ok((status, values))
}

/// The add and remove routes under `{BASE}/{id}`, authorized by the
/// party's write requirement.
pub fn router<P: PartyPage>() -> Router<WebContext> {
    routes::<P, Address>().merge(routes::<P, Contact>())
}

fn routes<P: PartyPage, T: AddForm>() -> Router<WebContext> {
    let at = format!("{}/{{id}}/{}", P::BASE, T::PATH);
    Router::new()
        .route(
            &at,
            post(
                |v: Allowed<P::Write>,
                 s: State<WebContext>,
                 id: Path<Uuid>,
                 f: Form<HashMap<String, String>>| add::<P, T>(v.0, s, id, f),
            ),
        )
        .route(
            &format!("{at}/{{detail}}/delete"),
            post(
                |v: Allowed<P::Write>, s: State<WebContext>, ids: Path<(Uuid, Uuid)>| {
                    remove::<P, T>(v.0, s, ids)
                },
            ),
        )
}

fn to_page<P: PartyPage>(id: Uuid) -> Response {
    Redirect::to(&format!("{}/{id}", P::BASE)).into_response()
}

/// Adds the row and goes back to the party's page, or shows the page
/// again with the add form as typed and its messages next to its fields.
async fn add<P: PartyPage, T: AddForm>(
    viewer: Viewer,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult<Response> {
    let request = T::request(&form);
    match details::create::<T>(&ctx.db, &viewer.actor, (P::PARTY)(id), request).await {
        Ok(_) => Ok(to_page::<P>(id)),
        Err(ServiceError::Validation(errors)) => {
            let values = form.into_iter().filter(|(k, _)| k != "_csrf").collect();
            let typed = Typed {
                form: T::FORM,
                values,
                errors: by_field(errors),
            };
            page::<P>(&viewer, &ctx, id, Some(typed)).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn remove<P: PartyPage, T: AddForm>(
    viewer: Viewer,
    State(ctx): State<WebContext>,
    Path((id, detail)): Path<(Uuid, Uuid)>,
) -> PageResult<Response> {
    details::delete::<T>(&ctx.db, &viewer.actor, (P::PARTY)(id), detail).await?;
    Ok(to_page::<P>(id))
}
