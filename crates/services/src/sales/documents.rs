//! The body of a draft quote, order or invoice, and its validation: every
//! bad field at once, prices and VAT from the catalog where not given.

use crate::pricing::price_for;
use crate::validate::{MAX_NAME, MAX_TEXT, optional, parsed, required_parsed};
use crate::{Actor, ServiceResult};
use chrono::{Days, NaiveDate};
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::parties::Client;
use comptoir_db::resource;
use comptoir_db::sales::{DocumentInput, LineInput};
use comptoir_db::stock::{Item, Warehouse};
use comptoir_db::{Db, DbError};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::{VatCategory, check_vat};
use comptoir_domain::currency::{DEFAULT_CURRENCY, parse_currency};
use comptoir_domain::documents::{LineAmounts, discounted_totals};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::sales::DocumentKind;
use serde::Deserialize;
use uuid::Uuid;

/// How long a quote stays valid when no date is given.
const QUOTE_VALIDITY_DAYS: u64 = 30;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LineRequest {
    /// None for a free-text line (a service described by hand).
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    /// Defaults to the product's name; required on a free-text line.
    pub description: Option<String>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
    /// Defaults to the price the client pays (price list, discount).
    pub unit_price: Option<String>,
    pub discount_percent: Option<String>,
    /// Default: the product's; required on a free-text line.
    pub vat_rate: Option<String>,
    /// Default: the product's, else `S`.
    pub vat_category: Option<String>,
    /// Why the line bears no VAT, printed instead of its category's legal
    /// wording; required for `E`. Default: the product's, when the line
    /// keeps the product's category.
    pub vat_exemption_reason: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DocumentRequest {
    #[schema(required = true, nullable = false)]
    pub client_id: Option<Uuid>,
    /// Orders: the warehouse goods are reserved in; default the first one.
    pub warehouse_id: Option<Uuid>,
    /// ISO 4217; default `EUR`.
    pub currency: Option<String>,
    /// Quotes and orders; default today. An invoice's is set when issued.
    pub issue_date: Option<NaiveDate>,
    /// Quotes; default 30 days after the issue date.
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    /// A discount on the whole document, taken off each VAT base.
    pub discount_percent: Option<String>,
    #[schema(required = true, nullable = false, min_items = 1)]
    pub lines: Option<Vec<LineRequest>>,
}

/// Validates a draft's body: every bad field at once, prices and VAT from
/// the catalog where not given. Reads only, so call it before `begin`.
pub(super) async fn validate_document(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    request: DocumentRequest,
) -> ServiceResult<DocumentInput> {
    let organization_id = actor.organization_id;
    let mut errors = FieldErrors::new();
    let client = match request.client_id {
        None => {
            errors.add("client_id", "is required");
            None
        }
        Some(id) => found(
            &mut errors,
            "client_id",
            resource::get::<Client>(db, organization_id, id).await,
        )?,
    };
    let warehouse_id = match request.warehouse_id {
        Some(id) => {
            found(
                &mut errors,
                "warehouse_id",
                resource::get::<Warehouse>(db, organization_id, id).await,
            )?;
            Some(id)
        }
        // An order without a warehouse reserves and delivers from the
        // organization's default one, and says so.
        None if kind == DocumentKind::Order => {
            comptoir_db::stock::default_warehouse(db, organization_id).await?
        }
        None => None,
    };
    let currency = parsed(&mut errors, "currency", request.currency, parse_currency)
        .unwrap_or_else(|| DEFAULT_CURRENCY.to_owned());
    let notes = optional(&mut errors, "notes", request.notes, MAX_TEXT);
    let discount_percent = parsed(
        &mut errors,
        "discount_percent",
        request.discount_percent,
        Percent::parse_percentage,
    )
    .unwrap_or_default();
    let today = actor.today();
    let issue_date = match kind {
        DocumentKind::Invoice => None,
        _ => Some(request.issue_date.unwrap_or(today)),
    };
    let valid_until = match kind {
        DocumentKind::Quote => {
            let start = issue_date.unwrap_or(today);
            let until = request
                .valid_until
                .unwrap_or_else(|| start + Days::new(QUOTE_VALIDITY_DAYS));
            if until < start {
                errors.add("valid_until", "must not be before the issue date");
            }
            Some(until)
        }
        _ => None,
    };
    let lines = request.lines.unwrap_or_default();
    if lines.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut inputs = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        if let Some(input) = validate_line(
            db,
            organization_id,
            client.as_ref(),
            issue_date.unwrap_or(today),
            &mut errors,
            &prefix,
            line,
        )
        .await?
        {
            inputs.push(input);
        }
    }
    let amounts: Vec<LineAmounts> = inputs.iter().map(|line| line.amounts).collect();
    if Money::from_decimal(
        discounted_totals(&amounts, discount_percent)
            .total_incl_tax
            .value(),
    )
    .is_err()
    {
        errors.add("lines", "the document's total is out of range");
    }
    errors.finish(|| ())?;
    Ok(DocumentInput {
        client_id: request.client_id.expect("checked"),
        warehouse_id,
        currency,
        issue_date,
        valid_until,
        notes,
        discount_percent,
        lines: inputs,
    })
}

/// The record behind a reference, or `None` with the field's error.
fn found<T>(
    errors: &mut FieldErrors,
    field: &str,
    outcome: Result<T, DbError>,
) -> ServiceResult<Option<T>> {
    match outcome {
        Ok(record) => Ok(Some(record)),
        Err(DbError::NotFound) => {
            errors.add(field, "no such record");
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

async fn validate_line(
    db: &Db,
    organization_id: Uuid,
    client: Option<&Client>,
    date: NaiveDate,
    errors: &mut FieldErrors,
    prefix: &str,
    line: LineRequest,
) -> ServiceResult<Option<LineInput>> {
    let field = |name: &str| format!("{prefix}{name}");
    let quantity = required_parsed(errors, &field("quantity"), line.quantity, Quantity::parse);
    if quantity.is_some_and(|q| q <= Quantity::ZERO) {
        errors.add(field("quantity"), "must be positive");
    }
    let unit_price = parsed(
        errors,
        &field("unit_price"),
        line.unit_price,
        UnitPrice::parse_non_negative,
    );
    let discount_percent = parsed(
        errors,
        &field("discount_percent"),
        line.discount_percent,
        Percent::parse_percentage,
    )
    .unwrap_or_default();
    let vat_rate = parsed(
        errors,
        &field("vat_rate"),
        line.vat_rate,
        Percent::parse_percentage,
    );
    let vat_category = parsed(
        errors,
        &field("vat_category"),
        line.vat_category,
        VatCategory::parse,
    );
    let description = optional(errors, &field("description"), line.description, MAX_NAME);
    let vat_exemption_reason = optional(
        errors,
        &field("vat_exemption_reason"),
        line.vat_exemption_reason,
        MAX_NAME,
    );
    let product = match line.product_id {
        Some(id) => found(
            errors,
            &field("product_id"),
            resource::get::<Product>(db, organization_id, id).await,
        )?,
        None => None,
    };
    let variant = match (line.variant_id, &product) {
        (Some(id), Some(product)) => {
            match found(
                errors,
                &field("variant_id"),
                resource::get::<Variant>(db, organization_id, id).await,
            )? {
                Some(variant) if variant.product_id == product.id => Some(variant),
                Some(_) => {
                    errors.add(field("variant_id"), "is not a variant of this product");
                    None
                }
                None => None,
            }
        }
        (Some(_), None) if line.product_id.is_none() => {
            errors.add(field("variant_id"), "needs a product_id");
            None
        }
        _ => None,
    };
    let Some(quantity) = quantity.filter(|q| *q > Quantity::ZERO) else {
        return Ok(None);
    };
    let (description, unit_price, vat_rate, vat_category, vat_exemption_reason) = match &product {
        Some(product) => {
            let resolved = match unit_price {
                Some(price) => price,
                None => {
                    price_for(
                        db,
                        organization_id,
                        product,
                        variant.as_ref(),
                        client,
                        quantity,
                        date,
                    )
                    .await?
                    .1
                    .unit_price
                }
            };
            let name = match &variant {
                Some(variant) => format!("{} — {}", product.name, variant.name),
                None => product.name.clone(),
            };
            let category = vat_category.unwrap_or(product.vat_category);
            // The product's reason speaks for the product's category only.
            let reason = vat_exemption_reason.or_else(|| {
                (category == product.vat_category)
                    .then(|| product.vat_exemption_reason.clone())
                    .flatten()
            });
            (
                description.unwrap_or(name),
                resolved,
                vat_rate.unwrap_or(product.vat_rate.0),
                category,
                reason,
            )
        }
        None if line.product_id.is_some() => return Ok(None),
        None => {
            let Some(description) = description else {
                errors.add(
                    field("description"),
                    "is required on a line without product",
                );
                return Ok(None);
            };
            let Some(unit_price) = unit_price else {
                errors.add(field("unit_price"), "is required on a line without product");
                return Ok(None);
            };
            let Some(vat_rate) = vat_rate else {
                errors.add(field("vat_rate"), "is required on a line without product");
                return Ok(None);
            };
            let category = vat_category.unwrap_or(if vat_rate.is_zero() {
                VatCategory::ZeroRated
            } else {
                VatCategory::Standard
            });
            (
                description,
                unit_price,
                vat_rate,
                category,
                vat_exemption_reason,
            )
        }
    };
    if let Err((vat_field, message)) =
        check_vat(vat_category, vat_rate, vat_exemption_reason.as_deref())
    {
        errors.add(field(vat_field), message);
        return Ok(None);
    }
    let amounts = LineAmounts {
        quantity,
        unit_price,
        discount_percent,
        vat_category,
        vat_rate,
    };
    if Money::from_decimal(amounts.total_excl_tax().value()).is_err() {
        errors.add(field("quantity"), "the line's total is out of range");
        return Ok(None);
    }
    Ok(Some(LineInput {
        item: product.map(|product| Item {
            product_id: product.id,
            variant_id: variant.map(|v| v.id),
        }),
        description,
        amounts,
        vat_exemption_reason,
        location_id: None,
        source_line_id: None,
    }))
}
