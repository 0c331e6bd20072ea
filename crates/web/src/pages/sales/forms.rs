//! What the per-line forms of a document's page share (a partial
//! delivery, a return, a credit note): the quantities typed per line,
//! named `quantity.{line id}`, and, when the service refuses them, the
//! values kept and each message put back next to its line's field.

use super::document::Refusal;
use crate::error::PageError;
use comptoir_services::ServiceError;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use uuid::Uuid;

/// A form of the document's page as it was typed, with its fields'
/// messages; the page shows it again instead of the defaults.
pub struct Retyped {
    /// Which form: `deliver`, `return`, `credit` or `refund`.
    pub form: &'static str,
    pub values: BTreeMap<String, String>,
    pub errors: BTreeMap<String, Vec<String>>,
}

impl Retyped {
    /// The value typed in `field` of `form`, if this is that form.
    pub fn value(this: Option<&Self>, form: &str, field: &str) -> Option<String> {
        this.filter(|r| r.form == form)
            .and_then(|r| r.values.get(field).cloned())
    }

    /// The messages of `field` of `form`.
    pub fn errors(this: Option<&Self>, form: &str, field: &str) -> Vec<String> {
        this.filter(|r| r.form == form)
            .and_then(|r| r.errors.get(field).cloned())
            .unwrap_or_default()
    }
}

/// A number as a reader types it ("1,5", "1 234.50"), as the services
/// read numbers.
pub fn decimal_text(text: &str) -> String {
    text.trim()
        .replace(',', ".")
        .replace([' ', '\u{a0}', '\u{202f}'], "")
}

/// The lines given a quantity (the fields `quantity.{line id}`), in the
/// order of their ids: an empty or zero quantity leaves its line out; a
/// quantity that is not a number, or a line that is not the document's,
/// goes to the service, whose message then shows next to it.
pub fn chosen_lines(form: &HashMap<String, String>) -> Vec<(Uuid, String)> {
    let mut chosen: Vec<(Uuid, String)> = form
        .iter()
        .filter_map(|(name, value)| {
            let id = Uuid::parse_str(name.strip_prefix("quantity.")?).ok()?;
            let text = decimal_text(value);
            let zero = Decimal::from_str(&text).is_ok_and(|d| d.is_zero());
            (!text.is_empty() && !zero).then_some((id, text))
        })
        .collect();
    chosen.sort();
    chosen
}

/// The refusal of the form `form`: a validation error is kept with the
/// form (a `lines[i].…` message next to the line `chosen[i]` names);
/// another refusal is said above the document.
pub fn refused(
    form: &'static str,
    typed: &HashMap<String, String>,
    chosen: &[(Uuid, String)],
    error: ServiceError,
) -> Result<(Option<Refusal>, Option<Retyped>), PageError> {
    let ServiceError::Validation(errors) = error else {
        return Ok((Some(Refusal::of(error)?), None));
    };
    let mut retyped = Retyped {
        form,
        values: typed
            .iter()
            .filter(|(name, _)| name.as_str() != "_csrf")
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect(),
        errors: BTreeMap::new(),
    };
    for error in errors.into_vec() {
        let field = line_field(&error.field, chosen).unwrap_or(error.field);
        retyped.errors.entry(field).or_default().push(error.message);
    }
    Ok((None, Some(retyped)))
}

/// `lines[i].quantity` (or `.line_id`) as the field of the line `i`.
fn line_field(field: &str, chosen: &[(Uuid, String)]) -> Option<String> {
    let rest = field.strip_prefix("lines[")?;
    let (index, _) = rest.split_once(']')?;
    let (id, _) = chosen.get(index.parse::<usize>().ok()?)?;
    Some(format!("quantity.{id}"))
}

/// A line of a per-line form: what the line says, what is left to do on
/// it, and its field's value and messages.
pub fn line_row(
    retyped: Option<&Retyped>,
    form: &str,
    id: Uuid,
    description: &str,
    done: impl Serialize,
    left: impl Serialize + ToString,
    default: Option<String>,
) -> Value {
    let field = format!("quantity.{id}");
    json!({
        "id": id,
        "field": field,
        "description": description,
        "done": done,
        "left": left,
        "value": Retyped::value(retyped, form, &field).or(default).unwrap_or_default(),
        "errors": Retyped::errors(retyped, form, &field),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use comptoir_domain::FieldErrors;

    #[test]
    fn only_lines_given_a_quantity_are_chosen_and_their_messages_come_back_to_them() {
        let mut ids = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
        ids.sort();
        let [a, b, c] = ids;
        let form: HashMap<String, String> = [
            (format!("quantity.{a}"), "0".to_owned()),
            (format!("quantity.{b}"), "1,5".to_owned()),
            (format!("quantity.{c}"), "x".to_owned()),
            ("quantity.other".to_owned(), "1".to_owned()),
        ]
        .into();
        let chosen = chosen_lines(&form);
        assert_eq!(chosen, [(b, "1.5".to_owned()), (c, "x".to_owned())]);
        let mut errors = FieldErrors::new();
        errors.add("lines[1].quantity", "must be a number");
        errors.add("reason", "is required");
        let (refusal, retyped) =
            refused("return", &form, &chosen, ServiceError::Validation(errors)).unwrap();
        let retyped = retyped.unwrap();
        assert!(refusal.is_none());
        assert_eq!(
            Retyped::errors(Some(&retyped), "return", &format!("quantity.{c}")),
            ["must be a number"]
        );
        assert_eq!(
            Retyped::errors(Some(&retyped), "return", "reason"),
            ["is required"]
        );
        assert!(Retyped::errors(Some(&retyped), "deliver", "reason").is_empty());
    }
}
