//! Price lists: the list (search, status, sort and page in the URL), a
//! price list's page (its fields, a page of its rules with what each
//! applies to, the clients it prices), its form (new, or a change with
//! the version read) and its deletion, refused on its page while a
//! client uses it.

use super::{chosen, read_version};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::parties::{FormPage, Refused, refused, text};
use crate::pages::{ListQuery, ListView, show, typed};
use crate::session::{Allowed, Viewer};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use comptoir_db::price_lists::{PriceList, PriceRule};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_services::catalog::price_lists::{self, PriceListFilters, PriceListRequest};
use comptoir_services::catalog::views;
use comptoir_services::{ServiceError, records, require};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Deserialize, Default)]
pub(crate) struct PriceListQuery {
    #[serde(flatten)]
    pub(crate) list: ListQuery,
    /// `active` or `inactive`; anything else is every list.
    status: Option<String>,
}

impl PriceListQuery {
    /// The list's filters as its URL carries them (and its export reads
    /// them).
    pub(crate) fn filters(&self) -> PriceListFilters {
        let active = chosen(self.status.clone(), |status| match status {
            "active" => Some(true),
            "inactive" => Some(false),
            _ => None,
        });
        PriceListFilters { active }
    }
}

pub(super) async fn list(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<PriceListQuery>,
) -> PageResult<Response> {
    let filters = query.filters();
    let active = filters.active;
    let listing = price_lists::list(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<PriceList>(),
        query.list.page(),
    )
    .await?;
    let status = match active {
        Some(true) => "active",
        Some(false) => "inactive",
        None => "",
    };
    show(
        &viewer,
        "catalog/price_lists.html",
        "price_lists.title",
        json!({
            "list": ListView::new(listing, &query.list),
            "status": status,
            "extra": format!("&status={status}"),
            "may_write": viewer.actor.may(Permission::CatalogWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The price list's page with a page of its rules, and a message above
/// (a refused deletion).
async fn detail_page(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    query: &ListQuery,
    status: StatusCode,
    notice: Option<&str>,
) -> PageResult<Response> {
    let detail = views::price_list_detail(
        &ctx.db,
        &viewer.actor,
        id,
        query.sort::<PriceRule>(),
        query.page(),
    )
    .await?;
    let rules = ListView::new(detail.rules, query);
    let page = show(
        viewer,
        "catalog/price_list.html",
        "price_lists.list",
        json!({
            "list": detail.list,
            "rules": rules,
            "clients": detail.clients,
            "notice": notice,
            "may_write": viewer.actor.may(Permission::CatalogWrite),
        }),
    )?;
    Ok((status, page).into_response())
}

pub(super) async fn price_list_page(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    detail_page(&viewer, &ctx, id, &query, StatusCode::OK, None).await
}

/// The price list form as typed.
#[derive(Deserialize, Serialize, Default)]
pub(super) struct PriceListForm {
    name: Option<String>,
    description: Option<String>,
    /// A checkbox: present ("true") when ticked.
    active: Option<String>,
    version: Option<String>,
}

impl PriceListForm {
    fn of(list: &PriceList) -> Self {
        let json = serde_json::to_value(list).unwrap_or_default();
        PriceListForm {
            name: text(&json, "name"),
            description: text(&json, "description"),
            active: list.active.then(|| "true".to_owned()),
            version: text(&json, "version"),
        }
    }

    fn active(&self) -> bool {
        typed(self.active.clone()).is_some()
    }

    fn request(&self) -> PriceListRequest {
        PriceListRequest {
            name: typed(self.name.clone()),
            description: typed(self.description.clone()),
            active: Some(self.active()),
        }
    }

    /// The change as a merge patch: an emptied description is cleared.
    fn patch(&self) -> Value {
        json!({
            "name": typed(self.name.clone()),
            "description": typed(self.description.clone()),
            "active": self.active(),
        })
    }
}

const FORM: FormPage = FormPage {
    template: "catalog/price_list_form.html",
    new: "price_lists.new",
    edit: "price_lists.edit",
};

pub(super) async fn new_form(viewer: Allowed<require::CatalogWrite>) -> PageResult<Response> {
    let form = PriceListForm {
        active: Some("true".into()),
        ..Default::default()
    };
    FORM.render(
        &viewer,
        StatusCode::OK,
        None,
        &form,
        FieldErrors::new(),
        None,
    )
}

pub(super) async fn create(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<PriceListForm>,
) -> PageResult<Response> {
    match price_lists::create(&ctx.db, &viewer.actor, form.request()).await {
        Ok(list) => Ok(Redirect::to(&format!("/price-lists/{}", list.id)).into_response()),
        Err(error) => FORM.refused(&viewer, None, &form, refused(error)?),
    }
}

pub(super) async fn edit_form(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let list: PriceList = records::get(&ctx.db, &viewer.actor, id).await?;
    FORM.render(
        &viewer,
        StatusCode::OK,
        Some(id),
        &PriceListForm::of(&list),
        FieldErrors::new(),
        None,
    )
}

pub(super) async fn update(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<PriceListForm>,
) -> PageResult<Response> {
    let version = read_version(&form.version)?;
    match price_lists::update(&ctx.db, &viewer.actor, id, Some(version), form.patch()).await {
        Ok(list) => Ok(Redirect::to(&format!("/price-lists/{}", list.id)).into_response()),
        Err(error) => match refused(error)? {
            Refused::Stale => {
                // What is stored now, as on the other forms.
                let current: PriceList = records::get(&ctx.db, &viewer.actor, id).await?;
                let current = PriceListForm::of(&current);
                FORM.refused(&viewer, Some(id), &current, Refused::Stale)
            }
            refusal => FORM.refused(&viewer, Some(id), &form, refusal),
        },
    }
}

/// Deletes the price list and its rules, or says on its page which
/// clients still use it.
pub(super) async fn delete(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    match price_lists::delete(&ctx.db, &viewer.actor, id).await {
        Ok(()) => Ok(Redirect::to("/price-lists").into_response()),
        Err(ServiceError::Conflict { message, .. }) => {
            let query = ListQuery::default();
            detail_page(
                &viewer,
                &ctx,
                id,
                &query,
                StatusCode::CONFLICT,
                Some(&message),
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
