//! Reading fields out of an invoice's XML tree by element local names
//! (CII and UBL prefixes vary between senders; their local names do not).

use super::{ReceiveError, ReceivedTotals};
use chrono::NaiveDate;
use comptoir_domain::catalog::VatCategory;
use comptoir_domain::numbers::{Money, NumberError};
use roxmltree::Node;
use rust_decimal::Decimal;
use std::str::FromStr;

/// The first child element of `node` named `name`.
pub fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Every child element of `node` named `name`.
pub fn children<'a, 'input>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// The element at `path` below `node`, each step the first match.
pub fn at<'a, 'input>(node: Node<'a, 'input>, path: &[&str]) -> Option<Node<'a, 'input>> {
    path.iter().try_fold(node, |node, name| child(node, name))
}

/// The trimmed text at `path`, absent when empty.
pub fn text(node: Node, path: &[&str]) -> Option<String> {
    at(node, path)
        .and_then(|n| n.text())
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

pub fn required(node: Node, path: &[&str], what: &'static str) -> Result<String, ReceiveError> {
    text(node, path).ok_or(ReceiveError::Missing(what))
}

/// A decimal of the invoice converted to one of our fixed-point numbers.
pub fn number<T>(
    value: &str,
    field: &'static str,
    convert: fn(Decimal) -> Result<T, NumberError>,
) -> Result<T, ReceiveError> {
    let invalid = |reason: String| ReceiveError::Invalid {
        field,
        value: value.to_owned(),
        reason,
    };
    let decimal =
        Decimal::from_str(value).map_err(|_| invalid("it is not a decimal number".into()))?;
    convert(decimal).map_err(|e| invalid(e.to_string()))
}

/// An optional amount, zero when absent.
pub fn amount_or_zero<T: Default>(
    node: Node,
    path: &[&str],
    field: &'static str,
    convert: fn(Decimal) -> Result<T, NumberError>,
) -> Result<T, ReceiveError> {
    match text(node, path) {
        Some(value) => number(&value, field, convert),
        None => Ok(T::default()),
    }
}

pub fn required_number<T>(
    node: Node,
    path: &[&str],
    field: &'static str,
    convert: fn(Decimal) -> Result<T, NumberError>,
) -> Result<T, ReceiveError> {
    number(&required(node, path, field)?, field, convert)
}

pub fn vat_category(code: &str) -> Result<VatCategory, ReceiveError> {
    VatCategory::parse(code).map_err(|reason| ReceiveError::Invalid {
        field: "VAT category",
        value: code.to_owned(),
        reason,
    })
}

/// A date written `YYYYMMDD` (CII format 102) or `YYYY-MM-DD` (UBL).
pub fn date(value: &str, field: &'static str) -> Result<NaiveDate, ReceiveError> {
    NaiveDate::parse_from_str(value, "%Y%m%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y-%m-%d"))
        .map_err(|_| ReceiveError::Invalid {
            field,
            value: value.to_owned(),
            reason: "not a date".into(),
        })
}

/// The element names one syntax gives the document totals; allowances
/// and charges are named alike in both.
pub struct TotalNames {
    pub line_total: &'static str,
    pub excl_tax: &'static str,
    pub incl_tax: &'static str,
    pub prepaid: &'static str,
    pub rounding: &'static str,
    pub amount_due: &'static str,
}

/// The totals below `node`, with the VAT total read apart.
pub fn totals(
    node: Node,
    names: &TotalNames,
    total_tax: Money,
) -> Result<ReceivedTotals, ReceiveError> {
    let money = Money::from_decimal;
    Ok(ReceivedTotals {
        line_total: required_number(node, &[names.line_total], "sum of lines", money)?,
        allowances: amount_or_zero(node, &["AllowanceTotalAmount"], "allowances", money)?,
        charges: amount_or_zero(node, &["ChargeTotalAmount"], "charges", money)?,
        total_excl_tax: required_number(node, &[names.excl_tax], "total excluding VAT", money)?,
        total_tax,
        total_incl_tax: required_number(node, &[names.incl_tax], "total including VAT", money)?,
        prepaid: amount_or_zero(node, &[names.prepaid], "amount prepaid", money)?,
        rounding: amount_or_zero(node, &[names.rounding], "rounding", money)?,
        amount_due: required_number(node, &[names.amount_due], "amount due", money)?,
    })
}
