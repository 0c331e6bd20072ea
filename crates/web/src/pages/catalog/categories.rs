//! The category tree, indented, and the small form that adds a category
//! under a parent (or at the top).

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_services::catalog::{CategoryRequest, categories, views};
use comptoir_services::{ServiceError, require};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// The category form as typed.
#[derive(Deserialize, Serialize, Default)]
pub(super) struct CategoryForm {
    name: Option<String>,
    parent_id: Option<String>,
}

async fn tree_page(
    viewer: &Viewer,
    ctx: &WebContext,
    status: StatusCode,
    form: &CategoryForm,
    errors: FieldErrors,
) -> PageResult<Response> {
    let tree = views::category_tree(&ctx.db, &viewer.actor).await?;
    let page = show(
        viewer,
        "products/categories.html",
        "categories.title",
        json!({
            "tree": tree,
            "form": form,
            "errors": by_field(errors),
            "may_write": viewer.actor.may(Permission::CatalogWrite),
        }),
    )?;
    Ok((status, page).into_response())
}

pub(super) async fn tree(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
) -> PageResult<Response> {
    tree_page(
        &viewer,
        &ctx,
        StatusCode::OK,
        &CategoryForm::default(),
        FieldErrors::new(),
    )
    .await
}

pub(super) async fn create(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<CategoryForm>,
) -> PageResult<Response> {
    let mut errors = FieldErrors::new();
    let parent_id = typed(form.parent_id.clone()).and_then(|text| {
        let id = Uuid::parse_str(&text).ok();
        if id.is_none() {
            errors.add("parent_id", "no such record");
        }
        id
    });
    if !errors.is_empty() {
        return tree_page(
            &viewer,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            errors,
        )
        .await;
    }
    let request = CategoryRequest {
        parent_id,
        name: typed(form.name.clone()),
        description: None,
    };
    match categories::create(&ctx.db, &viewer.actor, request).await {
        Ok(_) => Ok(Redirect::to("/categories").into_response()),
        Err(ServiceError::Validation(errors)) => {
            tree_page(
                &viewer,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                errors,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}
