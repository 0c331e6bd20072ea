//! What the client and supplier pages share: the identity part of their
//! forms (read as typed, turned into the services' request or merge
//! patch), how a refused save comes back to its form, and the form's
//! flows — new, create, edit, update with its stale-version answer — over
//! a [`PartyForm`], whose page also shows what it offers to choose from
//! (a client's price lists); `details`: their addresses and contacts, added and
//! removed on their pages.

pub mod details;

use super::{by_field, show, typed};
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::session::Viewer;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use comptoir_db::resource::Table;
use comptoir_db::{Db, Record};
use comptoir_domain::FieldErrors;
use comptoir_services::parties::IdentityFields;
use comptoir_services::{Actor, ServiceError, ServiceResult, records};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// A stored record's field as a form shows it: text, or nothing.
pub fn text(json: &Value, field: &str) -> Option<String> {
    match &json[field] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The identity fields of a client or supplier form, as typed.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct IdentityForm {
    pub code: Option<String>,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub vat_number: Option<String>,
    pub siren: Option<String>,
    pub siret: Option<String>,
    pub payment_terms_days: Option<String>,
    pub notes: Option<String>,
    pub version: Option<String>,
}

impl IdentityForm {
    /// The form of a stored client or supplier, read from its JSON.
    pub fn from_json(json: &Value) -> Self {
        IdentityForm {
            code: text(json, "code"),
            kind: text(json, "kind"),
            name: text(json, "name"),
            email: text(json, "email"),
            phone: text(json, "phone"),
            vat_number: text(json, "vat_number"),
            siren: text(json, "siren"),
            siret: text(json, "siret"),
            payment_terms_days: text(json, "payment_terms_days"),
            notes: text(json, "notes"),
            version: text(json, "version"),
        }
    }

    /// A new record's form: a company paid at 30 days.
    pub fn blank() -> Self {
        IdentityForm {
            kind: Some("company".into()),
            payment_terms_days: Some("30".into()),
            ..Default::default()
        }
    }

    /// The payment terms as a number of days, or the field's error.
    fn payment_terms(&self, errors: &mut FieldErrors) -> Option<i64> {
        let text = typed(self.payment_terms_days.clone())?;
        let days = text.parse::<i64>().ok();
        if days.is_none() {
            errors.add("payment_terms_days", "must be a whole number");
        }
        days
    }

    /// The identity part of the request the API would receive.
    pub fn fields(&self, errors: &mut FieldErrors) -> IdentityFields {
        IdentityFields {
            kind: typed(self.kind.clone()),
            name: typed(self.name.clone()),
            email: typed(self.email.clone()),
            phone: typed(self.phone.clone()),
            vat_number: typed(self.vat_number.clone()),
            siren: typed(self.siren.clone()),
            siret: typed(self.siret.clone()),
            payment_terms_days: self.payment_terms(errors),
            notes: typed(self.notes.clone()),
        }
    }

    /// The identity part of a merge patch: an emptied field is cleared,
    /// the code is kept when left empty.
    pub fn patch(&self, errors: &mut FieldErrors) -> Value {
        let days = self.payment_terms(errors);
        let mut patch = json!({
            "kind": typed(self.kind.clone()),
            "name": typed(self.name.clone()),
            "email": typed(self.email.clone()),
            "phone": typed(self.phone.clone()),
            "vat_number": typed(self.vat_number.clone()),
            "siren": typed(self.siren.clone()),
            "siret": typed(self.siret.clone()),
            "payment_terms_days": days,
            "notes": typed(self.notes.clone()),
        });
        if let Some(code) = typed(self.code.clone()) {
            patch["code"] = code.into();
        }
        patch
    }

    /// The version the form was read at; a form without it was not ours.
    pub fn version(&self) -> PageResult<i64> {
        typed(self.version.clone())
            .and_then(|v| v.parse::<i64>().ok())
            .ok_or(PageError::BadRequest(
                "the form lacks the version it was read at",
            ))
    }
}

/// The form's own errors and the services' findings on the rest, so a
/// refused form shows every mistake at once.
pub(crate) fn every_error(mut errors: FieldErrors, more: FieldErrors) -> FieldErrors {
    for error in more.into_vec() {
        errors.add(error.field, error.message);
    }
    errors
}

/// How a refused save comes back to its form.
pub enum Refused {
    /// Shown again as typed, with these field errors or this notice.
    Form {
        status: StatusCode,
        errors: FieldErrors,
        notice: Option<String>,
    },
    /// Someone else saved first: the form shows what is stored now.
    Stale,
}

impl Refused {
    /// Nothing refused yet: a form as first shown.
    pub fn nothing() -> Self {
        Refused::Form {
            status: StatusCode::OK,
            errors: FieldErrors::new(),
            notice: None,
        }
    }

    /// Refused for these errors in the fields.
    fn invalid(errors: FieldErrors) -> Self {
        Refused::Form {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            notice: None,
        }
    }

    /// The page's status, the errors by field and the message above them.
    pub fn shown(self) -> (StatusCode, FieldErrors, Option<String>) {
        match self {
            Refused::Form {
                status,
                errors,
                notice,
            } => (status, errors, notice),
            Refused::Stale => (
                StatusCode::PRECONDITION_FAILED,
                FieldErrors::new(),
                Some(STALE.to_owned()),
            ),
        }
    }
}

/// What the form shows for a refusal; anything else is an error page.
pub fn refused(error: ServiceError) -> PageResult<Refused> {
    match error {
        ServiceError::Validation(errors) => Ok(Refused::Form {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            notice: None,
        }),
        ServiceError::Conflict { message, .. } => Ok(Refused::Form {
            status: StatusCode::CONFLICT,
            errors: FieldErrors::new(),
            notice: Some(message),
        }),
        ServiceError::PreconditionFailed { .. } => Ok(Refused::Stale),
        other => Err(other.into()),
    }
}

/// The notice of a stale form, in the services' English.
const STALE: &str = "changed by someone else meanwhile";

/// A party's form page: its template and titles.
pub struct FormPage {
    pub template: &'static str,
    pub new: &'static str,
    pub edit: &'static str,
}

/// What every form template reads: the record's id (none when new), the
/// values typed, the errors by field, and a message above them.
pub fn form_values(
    id: Option<Uuid>,
    form: &impl Serialize,
    errors: FieldErrors,
    notice: Option<&str>,
) -> Value {
    json!({
        "id": id,
        "form": form,
        "errors": by_field(errors),
        "notice": notice,
    })
}

impl FormPage {
    pub fn title(&self, id: Option<Uuid>) -> &'static str {
        if id.is_some() { self.edit } else { self.new }
    }

    /// The form page: new when `id` is `None`; with the values typed, the
    /// errors next to their fields, and a message above them.
    pub fn render(
        &self,
        viewer: &Viewer,
        status: StatusCode,
        id: Option<Uuid>,
        form: &impl Serialize,
        errors: FieldErrors,
        notice: Option<&str>,
    ) -> PageResult<Response> {
        let values = form_values(id, form, errors, notice);
        let page = show(viewer, self.template, self.title(id), values)?;
        Ok((status, page).into_response())
    }

    /// A refused save: the form again, as typed, with why. Only an edit
    /// can be stale, and its handler shows the stored values instead.
    pub fn refused(
        &self,
        viewer: &Viewer,
        id: Option<Uuid>,
        form: &impl Serialize,
        refusal: Refused,
    ) -> PageResult<Response> {
        let (status, errors, notice) = refusal.shown();
        self.render(viewer, status, id, form, errors, notice.as_deref())
    }
}

/// What tells a client's form from a supplier's; the flows are the same.
pub trait PartyForm: Serialize + Sized + Send + Sync {
    type Record: Record + Table + Send;
    type Request: Send;
    const PAGE: FormPage;
    /// A record's page is `{BASE}/{id}`.
    const BASE: &'static str;

    /// A new record's form.
    fn blank() -> Self;
    /// A stored record's form.
    fn of(record: &Self::Record) -> Self;
    fn identity(&self) -> &IdentityForm;
    fn id(record: &Self::Record) -> Uuid;
    /// The request the API would receive, and the errors found reading
    /// the form's text.
    fn request(&self) -> (Self::Request, FieldErrors);
    /// What the services find wrong with a request.
    fn validate(request: Self::Request) -> FieldErrors;
    /// The change as a merge patch.
    fn patch(&self) -> (Value, FieldErrors);
    /// What the form offers to choose from, by the name its template
    /// reads; this form's choice stays offered.
    fn choices(
        &self,
        _db: &Db,
        _actor: &Actor,
    ) -> impl Future<Output = ServiceResult<Map<String, Value>>> + Send {
        async { Ok(Map::new()) }
    }
    fn create(
        db: &Db,
        actor: &Actor,
        request: Self::Request,
    ) -> impl Future<Output = ServiceResult<Self::Record>> + Send;
    fn update(
        db: &Db,
        actor: &Actor,
        id: Uuid,
        version: i64,
        patch: Value,
    ) -> impl Future<Output = ServiceResult<Self::Record>> + Send;
}

fn to_page<F: PartyForm>(id: Uuid) -> Response {
    Redirect::to(&format!("{}/{id}", F::BASE)).into_response()
}

/// The form page (new when `id` is `None`) with what it offers to choose
/// from; a refusal shows why it is shown again.
async fn form_page<F: PartyForm>(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Option<Uuid>,
    form: &F,
    refusal: Refused,
) -> PageResult<Response> {
    let (status, errors, notice) = refusal.shown();
    let mut values = form_values(id, form, errors, notice.as_deref());
    if let Value::Object(values) = &mut values {
        values.extend(form.choices(&ctx.db, &viewer.actor).await?);
    }
    let page = show(viewer, F::PAGE.template, F::PAGE.title(id), values)?;
    Ok((status, page).into_response())
}

pub async fn new_form<F: PartyForm>(viewer: &Viewer, ctx: &WebContext) -> PageResult<Response> {
    form_page(viewer, ctx, None, &F::blank(), Refused::nothing()).await
}

/// Creates the record and goes to its page, or shows the form again.
pub async fn create<F: PartyForm>(
    viewer: &Viewer,
    ctx: &WebContext,
    form: F,
) -> PageResult<Response> {
    let (request, errors) = form.request();
    if !errors.is_empty() {
        let errors = every_error(errors, F::validate(request));
        return form_page(viewer, ctx, None, &form, Refused::invalid(errors)).await;
    }
    match F::create(&ctx.db, &viewer.actor, request).await {
        Ok(record) => Ok(to_page::<F>(F::id(&record))),
        Err(error) => form_page(viewer, ctx, None, &form, refused(error)?).await,
    }
}

pub async fn edit_form<F: PartyForm>(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
) -> PageResult<Response> {
    let record: F::Record = records::get(&ctx.db, &viewer.actor, id).await?;
    form_page(viewer, ctx, Some(id), &F::of(&record), Refused::nothing()).await
}

/// Saves the change at the version the form was read at; over someone
/// else's change, the form shows what is stored now: the reader's edit is
/// lost, as they are told, rather than written over someone else's.
pub async fn update<F: PartyForm>(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    form: F,
) -> PageResult<Response> {
    let (patch, errors) = form.patch();
    if !errors.is_empty() {
        return form_page(viewer, ctx, Some(id), &form, Refused::invalid(errors)).await;
    }
    let version = form.identity().version()?;
    match F::update(&ctx.db, &viewer.actor, id, version, patch).await {
        Ok(_) => Ok(to_page::<F>(id)),
        Err(error) => match refused(error)? {
            Refused::Stale => {
                let current: F::Record = records::get(&ctx.db, &viewer.actor, id).await?;
                form_page(viewer, ctx, Some(id), &F::of(&current), Refused::Stale).await
            }
            refusal => form_page(viewer, ctx, Some(id), &form, refusal).await,
        },
    }
}
