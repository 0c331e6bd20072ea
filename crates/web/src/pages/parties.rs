//! What the client and supplier pages share: the identity part of their
//! forms (read as typed, turned into the services' request or merge
//! patch), and how a refused save comes back to its form.

use super::{by_field, show, typed};
use crate::error::{PageError, PageResult};
use crate::session::Viewer;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use comptoir_domain::FieldErrors;
use comptoir_services::ServiceError;
use comptoir_services::parties::IdentityFields;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
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
pub fn every_error<T>(mut errors: FieldErrors, validated: Result<T, FieldErrors>) -> FieldErrors {
    if let Err(more) = validated {
        for error in more.into_vec() {
            errors.add(error.field, error.message);
        }
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

impl FormPage {
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
        let title = if id.is_some() { self.edit } else { self.new };
        let page = show(
            viewer,
            self.template,
            title,
            json!({
                "id": id,
                "form": form,
                "errors": by_field(errors),
                "notice": notice,
            }),
        )?;
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
        match refusal {
            Refused::Form {
                status,
                errors,
                notice,
            } => self.render(viewer, status, id, form, errors, notice.as_deref()),
            Refused::Stale => self.render(
                viewer,
                StatusCode::PRECONDITION_FAILED,
                id,
                form,
                FieldErrors::new(),
                Some(STALE),
            ),
        }
    }
}
