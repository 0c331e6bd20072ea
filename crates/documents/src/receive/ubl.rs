//! UBL 2.1 Invoice and CreditNote (the EN 16931 UBL syntax, Peppol BIS 3).

use super::xml::{
    TotalNames, amount_or_zero, at, child, children, date, number, required, required_number, text,
    totals, vat_category,
};
use super::{
    ReceiveError, ReceivedFormat, ReceivedInvoice, ReceivedKind, ReceivedLine, ReceivedSeller,
    ReceivedTax,
};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use roxmltree::Node;

pub const INVOICE_NAMESPACE: &str = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2";
pub const CREDIT_NOTE_NAMESPACE: &str = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2";

/// The element names that differ between the two documents.
struct Names {
    type_code: &'static str,
    line: &'static str,
    quantity: &'static str,
}

pub fn read(root: Node, kind: ReceivedKind) -> Result<ReceivedInvoice, ReceiveError> {
    let names = match kind {
        ReceivedKind::Invoice => Names {
            type_code: "InvoiceTypeCode",
            line: "InvoiceLine",
            quantity: "InvoicedQuantity",
        },
        ReceivedKind::CreditNote => Names {
            type_code: "CreditNoteTypeCode",
            line: "CreditNoteLine",
            quantity: "CreditedQuantity",
        },
    };
    let sums = child(root, "LegalMonetaryTotal").ok_or(ReceiveError::Missing("totals"))?;
    let currency = required(root, &["DocumentCurrencyCode"], "currency")?;
    // A second TaxTotal may give the VAT in the accounting currency: the
    // one with the breakdown is in the document's.
    let tax_total = children(root, "TaxTotal")
        .find(|t| child(*t, "TaxSubtotal").is_some())
        .or_else(|| child(root, "TaxTotal"))
        .ok_or(ReceiveError::Missing("VAT total"))?;
    let due_date = text(root, &["DueDate"])
        .or_else(|| text(root, &["PaymentMeans", "PaymentDueDate"]))
        .map(|d| date(&d, "due date"))
        .transpose()?;
    let lines = children(root, names.line)
        .map(|l| line(l, names.quantity))
        .collect::<Result<Vec<_>, _>>()?;
    let tax_breakdown = children(tax_total, "TaxSubtotal")
        .map(tax)
        .collect::<Result<Vec<_>, _>>()?;
    let type_code = text(root, &[names.type_code]);
    Ok(ReceivedInvoice {
        format: ReceivedFormat::Ubl,
        kind: type_code
            .as_deref()
            .map_or(kind, ReceivedKind::from_type_code),
        number: required(root, &["ID"], "number")?,
        seller: seller(root)?,
        issue_date: date(&required(root, &["IssueDate"], "issue date")?, "issue date")?,
        due_date,
        currency,
        buyer_order_reference: text(root, &["OrderReference", "ID"]),
        lines,
        tax_breakdown,
        totals: totals(
            sums,
            &TotalNames {
                line_total: "LineExtensionAmount",
                excl_tax: "TaxExclusiveAmount",
                incl_tax: "TaxInclusiveAmount",
                prepaid: "PrepaidAmount",
                rounding: "PayableRoundingAmount",
                amount_due: "PayableAmount",
            },
            required_number(tax_total, &["TaxAmount"], "VAT total", Money::from_decimal)?,
        )?,
    })
}

fn seller(root: Node) -> Result<ReceivedSeller, ReceiveError> {
    let party =
        at(root, &["AccountingSupplierParty", "Party"]).ok_or(ReceiveError::Missing("seller"))?;
    let legal = child(party, "PartyLegalEntity");
    let name = legal
        .and_then(|l| text(l, &["RegistrationName"]))
        .or_else(|| text(party, &["PartyName", "Name"]))
        .ok_or(ReceiveError::Missing("seller name"))?;
    let siren = legal
        .and_then(|l| child(l, "CompanyID"))
        .filter(|id| {
            id.attribute("schemeID")
                .is_none_or(|scheme| scheme == "0002")
        })
        .and_then(|id| id.text())
        .map(|t| t.trim().to_owned());
    let vat_number = children(party, "PartyTaxScheme")
        .find(|scheme| text(*scheme, &["TaxScheme", "ID"]).as_deref() == Some("VAT"))
        .and_then(|scheme| text(scheme, &["CompanyID"]));
    Ok(ReceivedSeller {
        name,
        siren,
        vat_number,
    })
}

fn line(node: Node, quantity_name: &str) -> Result<ReceivedLine, ReceiveError> {
    let item = child(node, "Item").ok_or(ReceiveError::Missing("line item"))?;
    let quantity_node = child(node, quantity_name).ok_or(ReceiveError::Missing("line quantity"))?;
    let quantity = quantity_node
        .text()
        .map(str::trim)
        .ok_or(ReceiveError::Missing("line quantity"))?;
    let category =
        child(item, "ClassifiedTaxCategory").ok_or(ReceiveError::Missing("line VAT category"))?;
    Ok(ReceivedLine {
        seller_item_id: text(item, &["SellersItemIdentification", "ID"]),
        name: required(item, &["Name"], "line item name")?,
        quantity: number(quantity, "line quantity", Quantity::from_decimal)?,
        unit: quantity_node.attribute("unitCode").map(str::to_owned),
        net_price: required_number(
            node,
            &["Price", "PriceAmount"],
            "line net price",
            UnitPrice::from_decimal,
        )?,
        vat_category: vat_category(&required(category, &["ID"], "line VAT category")?)?,
        vat_rate: amount_or_zero(
            category,
            &["Percent"],
            "line VAT rate",
            Percent::from_decimal,
        )?,
        net_amount: required_number(
            node,
            &["LineExtensionAmount"],
            "line net amount",
            Money::from_decimal,
        )?,
    })
}

fn tax(subtotal: Node) -> Result<ReceivedTax, ReceiveError> {
    let category = child(subtotal, "TaxCategory").ok_or(ReceiveError::Missing("VAT category"))?;
    Ok(ReceivedTax {
        vat_category: vat_category(&required(category, &["ID"], "VAT category")?)?,
        vat_rate: amount_or_zero(category, &["Percent"], "VAT rate", Percent::from_decimal)?,
        base: required_number(
            subtotal,
            &["TaxableAmount"],
            "VAT base",
            Money::from_decimal,
        )?,
        amount: required_number(subtotal, &["TaxAmount"], "VAT amount", Money::from_decimal)?,
    })
}
