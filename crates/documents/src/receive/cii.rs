//! UN/CEFACT Cross Industry Invoice (D16B), as Factur-X and ZUGFeRD embed
//! it and as it is sent alone.

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

pub fn read(root: Node) -> Result<ReceivedInvoice, ReceiveError> {
    let document = child(root, "ExchangedDocument").ok_or(ReceiveError::Missing("header"))?;
    let transaction = child(root, "SupplyChainTradeTransaction")
        .ok_or(ReceiveError::Missing("trade transaction"))?;
    let agreement = child(transaction, "ApplicableHeaderTradeAgreement")
        .ok_or(ReceiveError::Missing("seller"))?;
    let settlement = child(transaction, "ApplicableHeaderTradeSettlement")
        .ok_or(ReceiveError::Missing("totals"))?;
    let sums = child(
        settlement,
        "SpecifiedTradeSettlementHeaderMonetarySummation",
    )
    .ok_or(ReceiveError::Missing("totals"))?;
    let issue_date = required(document, &["IssueDateTime", "DateTimeString"], "issue date")?;
    let due_date = text(
        settlement,
        &[
            "SpecifiedTradePaymentTerms",
            "DueDateDateTime",
            "DateTimeString",
        ],
    )
    .map(|d| date(&d, "due date"))
    .transpose()?;
    let currency = required(settlement, &["InvoiceCurrencyCode"], "currency")?;
    let lines = children(transaction, "IncludedSupplyChainTradeLineItem")
        .map(line)
        .collect::<Result<Vec<_>, _>>()?;
    let tax_breakdown = children(settlement, "ApplicableTradeTax")
        .map(tax)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ReceivedInvoice {
        format: ReceivedFormat::Cii,
        kind: ReceivedKind::from_type_code(&required(document, &["TypeCode"], "type code")?),
        number: required(document, &["ID"], "number")?,
        seller: seller(agreement)?,
        issue_date: date(&issue_date, "issue date")?,
        due_date,
        buyer_order_reference: text(
            agreement,
            &["BuyerOrderReferencedDocument", "IssuerAssignedID"],
        ),
        lines,
        tax_breakdown,
        totals: totals(
            sums,
            &TotalNames {
                line_total: "LineTotalAmount",
                excl_tax: "TaxBasisTotalAmount",
                incl_tax: "GrandTotalAmount",
                prepaid: "TotalPrepaidAmount",
                rounding: "RoundingAmount",
                amount_due: "DuePayableAmount",
            },
            tax_total(sums, &currency)?,
        )?,
        currency,
    })
}

fn seller(agreement: Node) -> Result<ReceivedSeller, ReceiveError> {
    let party = child(agreement, "SellerTradeParty").ok_or(ReceiveError::Missing("seller"))?;
    let legal = at(party, &["SpecifiedLegalOrganization", "ID"]);
    let siren = legal
        .filter(|id| {
            id.attribute("schemeID")
                .is_none_or(|scheme| scheme == "0002")
        })
        .and_then(|id| id.text())
        .map(|t| t.trim().to_owned());
    let vat_number = children(party, "SpecifiedTaxRegistration")
        .filter_map(|registration| child(registration, "ID"))
        .find(|id| id.attribute("schemeID") == Some("VA"))
        .and_then(|id| id.text())
        .map(|t| t.trim().to_owned());
    Ok(ReceivedSeller {
        name: required(party, &["Name"], "seller name")?,
        siren,
        vat_number,
    })
}

/// The document's VAT total: a second `TaxTotalAmount` may give it in the
/// accounting currency, so the one in `currency` is taken.
fn tax_total(sums: Node, currency: &str) -> Result<Money, ReceiveError> {
    let chosen = children(sums, "TaxTotalAmount")
        .find(|n| n.attribute("currencyID").is_none_or(|c| c == currency))
        .and_then(|n| n.text())
        .map(str::trim)
        .ok_or(ReceiveError::Missing("VAT total"))?;
    number(chosen, "VAT total", Money::from_decimal)
}

fn line(item: Node) -> Result<ReceivedLine, ReceiveError> {
    let product = child(item, "SpecifiedTradeProduct");
    let settlement = child(item, "SpecifiedLineTradeSettlement")
        .ok_or(ReceiveError::Missing("line VAT and amount"))?;
    let quantity_node = at(item, &["SpecifiedLineTradeDelivery", "BilledQuantity"])
        .ok_or(ReceiveError::Missing("line quantity"))?;
    let quantity = quantity_node
        .text()
        .map(str::trim)
        .ok_or(ReceiveError::Missing("line quantity"))?;
    let price = required_number(
        item,
        &[
            "SpecifiedLineTradeAgreement",
            "NetPriceProductTradePrice",
            "ChargeAmount",
        ],
        "line net price",
        UnitPrice::from_decimal,
    )?;
    let category = required(
        settlement,
        &["ApplicableTradeTax", "CategoryCode"],
        "line VAT category",
    )?;
    Ok(ReceivedLine {
        seller_item_id: product.and_then(|p| text(p, &["SellerAssignedID"])),
        name: product
            .and_then(|p| text(p, &["Name"]))
            .ok_or(ReceiveError::Missing("line item name"))?,
        quantity: number(quantity, "line quantity", Quantity::from_decimal)?,
        unit: quantity_node.attribute("unitCode").map(str::to_owned),
        net_price: price,
        vat_category: vat_category(&category)?,
        vat_rate: amount_or_zero(
            settlement,
            &["ApplicableTradeTax", "RateApplicablePercent"],
            "line VAT rate",
            Percent::from_decimal,
        )?,
        net_amount: required_number(
            settlement,
            &[
                "SpecifiedTradeSettlementLineMonetarySummation",
                "LineTotalAmount",
            ],
            "line net amount",
            Money::from_decimal,
        )?,
    })
}

fn tax(node: Node) -> Result<ReceivedTax, ReceiveError> {
    Ok(ReceivedTax {
        vat_category: vat_category(&required(node, &["CategoryCode"], "VAT category")?)?,
        vat_rate: amount_or_zero(
            node,
            &["RateApplicablePercent"],
            "VAT rate",
            Percent::from_decimal,
        )?,
        base: required_number(node, &["BasisAmount"], "VAT base", Money::from_decimal)?,
        amount: required_number(
            node,
            &["CalculatedAmount"],
            "VAT amount",
            Money::from_decimal,
        )?,
    })
}
