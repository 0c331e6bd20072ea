//! The editor's form as typed: the document's fields and its line rows,
//! read from the body's `lines[KEY].field` pairs in the order the rows
//! stand (a row's key is only a name: rows added in the browser get a
//! fresh one), turned into the service's request, or filled from a draft.

use super::picking::Suggestion;
use crate::pages::typed;
use chrono::NaiveDate;
use comptoir_db::sales::LineInput;
use comptoir_domain::FieldErrors;
use comptoir_services::catalog::sellables::Sellable;
use comptoir_services::sales::{DocumentDetail, DocumentRequest, LineRequest};
use serde::Serialize;
use uuid::Uuid;

/// One line row as typed.
#[derive(Serialize, Default, Clone)]
pub struct LineForm {
    pub key: String,
    pub product_id: String,
    pub variant_id: String,
    /// The product's search box: shows the chosen product, not saved.
    pub product: String,
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub discount_percent: String,
    pub vat_rate: String,
    /// The line's total excl. VAT as the server last computed it.
    pub total: Option<String>,
    /// What the product box matched when the form was sent without a
    /// product picked, for the clerk to pick one.
    pub candidates: Vec<Suggestion>,
}

impl LineForm {
    /// An empty row under a key no other row has.
    pub fn blank() -> Self {
        let key = Uuid::new_v4().simple().to_string()[..12].to_owned();
        LineForm {
            key,
            quantity: "1".into(),
            ..Default::default()
        }
    }

    pub fn set(&mut self, field: &str, value: String) {
        let slot = match field {
            "product_id" => &mut self.product_id,
            "variant_id" => &mut self.variant_id,
            "product" => &mut self.product,
            "description" => &mut self.description,
            "quantity" => &mut self.quantity,
            "unit_price" => &mut self.unit_price,
            "discount_percent" => &mut self.discount_percent,
            "vat_rate" => &mut self.vat_rate,
            _ => return,
        };
        *slot = value;
    }

    /// A row added and never filled is no line.
    pub fn is_blank(&self) -> bool {
        [
            &self.product_id,
            &self.product,
            &self.description,
            &self.unit_price,
        ]
        .iter()
        .all(|text| text.trim().is_empty())
    }

    /// A product searched for in the box and not picked yet (typed
    /// without script, or left half-done); with a description typed too,
    /// the row is a free-text line.
    pub fn searched(&self) -> bool {
        let typed = |text: &str| !text.trim().is_empty();
        !typed(&self.product_id) && typed(&self.product) && !typed(&self.description)
    }

    /// The row naming `sellable`; what else was typed is kept.
    pub fn choose(&mut self, sellable: &Sellable) {
        self.product_id = sellable.product.id.to_string();
        self.variant_id = sellable
            .variant_id()
            .map(|id| id.to_string())
            .unwrap_or_default();
        self.product = sellable.name();
        self.candidates.clear();
    }

    /// The row filled with a line as the service validated it.
    pub fn filled(key: String, product: &str, line: &LineInput) -> Self {
        let amounts = &line.amounts;
        LineForm {
            key,
            product_id: line
                .item
                .map(|i| i.product_id.to_string())
                .unwrap_or_default(),
            variant_id: line
                .item
                .and_then(|i| i.variant_id)
                .map(|v| v.to_string())
                .unwrap_or_default(),
            product: product.to_owned(),
            description: line.description.clone(),
            quantity: amounts.quantity.value().normalize().to_string(),
            unit_price: amounts.unit_price.value().normalize().to_string(),
            discount_percent: amounts.discount_percent.value().normalize().to_string(),
            vat_rate: amounts.vat_rate.value().normalize().to_string(),
            total: Some(amounts.total_excl_tax().to_string()),
            candidates: Vec::new(),
        }
    }

    fn request(&self, prefix: &str, errors: &mut FieldErrors) -> LineRequest {
        // A product searched for and never picked is not silently a
        // free-text line.
        if self.searched() {
            errors.add(format!("{prefix}product_id"), "pick a product in the list");
        }
        LineRequest {
            product_id: id(errors, &format!("{prefix}product_id"), &self.product_id),
            variant_id: id(errors, &format!("{prefix}variant_id"), &self.variant_id),
            description: typed(Some(self.description.clone())),
            quantity: typed(Some(self.quantity.clone())),
            unit_price: typed(Some(self.unit_price.clone())),
            discount_percent: typed(Some(self.discount_percent.clone())),
            vat_rate: typed(Some(self.vat_rate.clone())),
            vat_category: None,
            vat_exemption_reason: None,
        }
    }
}

/// The document as typed.
#[derive(Serialize, Default, Clone)]
pub struct EditorForm {
    pub client_id: String,
    pub issue_date: String,
    pub valid_until: String,
    pub discount_percent: String,
    pub notes: String,
    pub version: String,
    pub lines: Vec<LineForm>,
}

/// What the reader asked of the form; adding and removing rows, and
/// picking a row's product among those its box matched, are buttons
/// that also work without script (the page comes back with the row
/// added, removed or filled).
#[derive(PartialEq)]
pub enum Intent {
    Save,
    AddLine,
    RemoveLine(String),
    Pick {
        key: String,
        product_id: Uuid,
        variant_id: Option<Uuid>,
    },
}

impl Intent {
    /// `pick:KEY:PRODUCT:VARIANT`, the variant possibly empty.
    fn pick(value: &str) -> Option<Self> {
        let mut parts = value.strip_prefix("pick:")?.split(':');
        let key = parts.next()?.to_owned();
        let product_id = Uuid::parse_str(parts.next()?).ok()?;
        let variant_id = match parts.next()? {
            "" => None,
            text => Some(Uuid::parse_str(text).ok()?),
        };
        Some(Intent::Pick {
            key,
            product_id,
            variant_id,
        })
    }
}

/// `lines[KEY].field` → (KEY, field).
pub fn line_field(name: &str) -> Option<(&str, &str)> {
    name.strip_prefix("lines[")?.split_once("].")
}

impl EditorForm {
    pub fn parse(pairs: Vec<(String, String)>) -> (Self, Intent) {
        let mut form = EditorForm::default();
        let mut intent = Intent::Save;
        for (name, value) in pairs {
            if let Some((key, field)) = line_field(&name) {
                let at = match form.lines.iter().position(|l| l.key == key) {
                    Some(at) => at,
                    None => {
                        form.lines.push(LineForm {
                            key: key.to_owned(),
                            ..Default::default()
                        });
                        form.lines.len() - 1
                    }
                };
                form.lines[at].set(field, value);
                continue;
            }
            match name.as_str() {
                "client_id" => form.client_id = value,
                "issue_date" => form.issue_date = value,
                "valid_until" => form.valid_until = value,
                "discount_percent" => form.discount_percent = value,
                "notes" => form.notes = value,
                "version" => form.version = value,
                "intent" if value == "add" => intent = Intent::AddLine,
                "intent" => {
                    if let Some(key) = value.strip_prefix("remove:") {
                        intent = Intent::RemoveLine(key.to_owned());
                    } else if let Some(pick) = Intent::pick(&value) {
                        intent = pick;
                    }
                }
                _ => {}
            }
        }
        (form, intent)
    }

    /// The rows that are lines, keyed by their position, as the service
    /// names their fields (`lines[0].quantity`).
    pub fn renumbered(mut self) -> Self {
        self.lines.retain(|line| !line.is_blank());
        for (at, line) in self.lines.iter_mut().enumerate() {
            line.key = at.to_string();
        }
        self
    }

    /// The keys of the rows that are lines, in order.
    pub fn line_keys(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter(|line| !line.is_blank())
            .map(|line| line.key.clone())
            .collect()
    }

    /// The request the API would receive from the rows that are lines,
    /// and the errors found reading ids and dates.
    pub fn request(&self) -> (DocumentRequest, FieldErrors) {
        let mut errors = FieldErrors::new();
        let lines = self
            .lines
            .iter()
            .filter(|line| !line.is_blank())
            .enumerate()
            .map(|(at, line)| line.request(&format!("lines[{at}]."), &mut errors))
            .collect();
        let request = DocumentRequest {
            client_id: id(&mut errors, "client_id", &self.client_id),
            warehouse_id: None,
            currency: None,
            issue_date: date(&mut errors, "issue_date", &self.issue_date),
            valid_until: date(&mut errors, "valid_until", &self.valid_until),
            notes: typed(Some(self.notes.clone())),
            discount_percent: typed(Some(self.discount_percent.clone())),
            lines: Some(lines),
        };
        (request, errors)
    }

    /// The form showing a stored draft.
    pub fn of(detail: &DocumentDetail) -> Self {
        let document = &detail.document;
        let text = |value: Option<NaiveDate>| value.map(|d| d.to_string()).unwrap_or_default();
        EditorForm {
            client_id: document.client_id.to_string(),
            issue_date: text(document.issue_date),
            valid_until: text(document.valid_until),
            discount_percent: document.discount_percent.0.value().normalize().to_string(),
            notes: document.notes.clone().unwrap_or_default(),
            version: document.version.to_string(),
            lines: detail
                .lines
                .iter()
                .enumerate()
                .map(|(at, line)| {
                    let input = LineInput {
                        item: line.item(),
                        description: line.description.clone(),
                        amounts: line.amounts(),
                        vat_exemption_reason: line.vat_exemption_reason.clone(),
                        location_id: None,
                        source_line_id: None,
                    };
                    LineForm::filled(at.to_string(), &line.description, &input)
                })
                .collect(),
        }
    }
}

fn id(errors: &mut FieldErrors, field: &str, text: &str) -> Option<Uuid> {
    let text = typed(Some(text.to_owned()))?;
    let parsed = Uuid::parse_str(&text).ok();
    if parsed.is_none() {
        errors.add(field, "no such record");
    }
    parsed
}

fn date(errors: &mut FieldErrors, field: &str, text: &str) -> Option<NaiveDate> {
    let text = typed(Some(text.to_owned()))?;
    let parsed = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.add(field, "not a valid date");
    }
    parsed
}
