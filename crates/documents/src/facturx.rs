//! The Factur-X XML of an invoice or credit note: UN/CEFACT Cross
//! Industry Invoice D16B at the EN 16931 profile, written from the
//! `einvoice` model as it stands (no amount is computed here). Elements
//! come in the order the XSD sequences them. Amounts carry 2 decimals,
//! unit prices up to 4 and quantities up to 3, as stored; dates are
//! format 102 (`YYYYMMDD`).

use chrono::NaiveDate;
use comptoir_domain::catalog::VatCategory;
use comptoir_domain::einvoice::{
    Allowance, Invoice, Line, Party, PaymentMeans, VatBreakdown, unit_code,
};
use comptoir_domain::numbers::{Money, Percent};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;

/// BT-24: the EN 16931 core, which the Factur-X EN 16931 profile is.
pub const GUIDELINE: &str = "urn:cen.eu:en16931:2017";

/// The name the XML carries inside the PDF/A-3.
pub const FILE_NAME: &str = "factur-x.xml";

/// UNTDID 5189: the reason code of a discount.
const DISCOUNT_REASON_CODE: &str = "95";
const DISCOUNT_REASON: &str = "Remise";

type Xml = Writer<Vec<u8>>;

/// The `factur-x.xml` of `invoice`.
pub fn cii_xml(invoice: &Invoice) -> String {
    let mut xml = Writer::new_with_indent(Vec::new(), b' ', 2);
    // A writer into memory has no I/O to fail.
    document(&mut xml, invoice).expect("writing XML into memory");
    String::from_utf8(xml.into_inner()).expect("quick-xml writes UTF-8")
}

fn document(xml: &mut Xml, invoice: &Invoice) -> io::Result<()> {
    let header = &invoice.header;
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    xml.create_element("rsm:CrossIndustryInvoice")
        .with_attributes([
            (
                "xmlns:rsm",
                "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
            ),
            (
                "xmlns:qdt",
                "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
            ),
            (
                "xmlns:ram",
                "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
            ),
            (
                "xmlns:udt",
                "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
            ),
        ])
        .write_inner_content(|xml| {
            group(xml, "rsm:ExchangedDocumentContext", |xml| {
                group(xml, "ram:GuidelineSpecifiedDocumentContextParameter", |xml| {
                    text(xml, "ram:ID", GUIDELINE)
                })
            })?;
            group(xml, "rsm:ExchangedDocument", |xml| {
                text(xml, "ram:ID", &header.number)?;
                text(xml, "ram:TypeCode", header.document_type.code())?;
                date(xml, "ram:IssueDateTime", header.issue_date)?;
                for note in &header.notes {
                    group(xml, "ram:IncludedNote", |xml| {
                        text(xml, "ram:Content", &note.content)?;
                        optional(xml, "ram:SubjectCode", note.subject.as_deref())
                    })?;
                }
                Ok(())
            })?;
            group(xml, "rsm:SupplyChainTradeTransaction", |xml| {
                for line in &invoice.lines {
                    line_item(xml, line)?;
                }
                agreement(xml, invoice)?;
                delivery(xml, invoice)?;
                settlement(xml, invoice)
            })
        })?;
    Ok(())
}

fn line_item(xml: &mut Xml, line: &Line) -> io::Result<()> {
    let facts = &line.facts;
    group(xml, "ram:IncludedSupplyChainTradeLineItem", |xml| {
        group(xml, "ram:AssociatedDocumentLineDocument", |xml| {
            text(xml, "ram:LineID", &line.id)
        })?;
        group(xml, "ram:SpecifiedTradeProduct", |xml| {
            optional(xml, "ram:SellerAssignedID", facts.seller_code.as_deref())?;
            text(xml, "ram:Name", &facts.name)
        })?;
        group(xml, "ram:SpecifiedLineTradeAgreement", |xml| {
            group(xml, "ram:NetPriceProductTradePrice", |xml| {
                text(xml, "ram:ChargeAmount", &facts.unit_price.to_string())
            })
        })?;
        group(xml, "ram:SpecifiedLineTradeDelivery", |xml| {
            xml.create_element("ram:BilledQuantity")
                .with_attribute(("unitCode", unit_code(facts.unit)))
                .write_text_content(BytesText::new(&facts.quantity.to_string()))?;
            Ok(())
        })?;
        group(xml, "ram:SpecifiedLineTradeSettlement", |xml| {
            group(xml, "ram:ApplicableTradeTax", |xml| {
                category(xml, facts.vat_category, facts.vat_rate)
            })?;
            if let Some(allowance) = &line.allowance {
                allowance_charge(xml, allowance, false)?;
            }
            group(
                xml,
                "ram:SpecifiedTradeSettlementLineMonetarySummation",
                |xml| amount(xml, "ram:LineTotalAmount", line.net_amount),
            )
        })
    })
}

fn agreement(xml: &mut Xml, invoice: &Invoice) -> io::Result<()> {
    // Not subject to VAT: no VAT identifier may appear (BR-O-2).
    let with_vat = !invoice.outside_scope();
    group(xml, "ram:ApplicableHeaderTradeAgreement", |xml| {
        party(xml, "ram:SellerTradeParty", &invoice.seller, with_vat)?;
        party(xml, "ram:BuyerTradeParty", &invoice.buyer, with_vat)
    })
}

fn party(xml: &mut Xml, element: &str, party: &Party, with_vat: bool) -> io::Result<()> {
    group(xml, element, |xml| {
        optional(xml, "ram:ID", party.id.as_deref())?;
        text(xml, "ram:Name", &party.name)?;
        if let Some(siren) = &party.siren {
            group(xml, "ram:SpecifiedLegalOrganization", |xml| {
                identifier(xml, "ram:ID", "0002", siren)
            })?;
        }
        let address = &party.address;
        if let Some(country) = &address.country {
            group(xml, "ram:PostalTradeAddress", |xml| {
                optional(xml, "ram:PostcodeCode", address.postal_code.as_deref())?;
                optional(xml, "ram:LineOne", address.line1.as_deref())?;
                optional(xml, "ram:LineTwo", address.line2.as_deref())?;
                optional(xml, "ram:CityName", address.city.as_deref())?;
                text(xml, "ram:CountryID", country)
            })?;
        }
        if let Some(email) = &party.email {
            group(xml, "ram:URIUniversalCommunication", |xml| {
                identifier(xml, "ram:URIID", "EM", email)
            })?;
        }
        match &party.vat_id {
            Some(vat_id) if with_vat => group(xml, "ram:SpecifiedTaxRegistration", |xml| {
                identifier(xml, "ram:ID", "VA", vat_id)
            }),
            _ => Ok(()),
        }
    })
}

fn delivery(xml: &mut Xml, invoice: &Invoice) -> io::Result<()> {
    let delivery = &invoice.header.delivery;
    group(xml, "ram:ApplicableHeaderTradeDelivery", |xml| {
        if let Some(country) = &delivery.country {
            group(xml, "ram:ShipToTradeParty", |xml| {
                group(xml, "ram:PostalTradeAddress", |xml| {
                    text(xml, "ram:CountryID", country)
                })
            })?;
        }
        match delivery.date {
            Some(day) => group(xml, "ram:ActualDeliverySupplyChainEvent", |xml| {
                date(xml, "ram:OccurrenceDateTime", day)
            }),
            None => Ok(()),
        }
    })
}

fn settlement(xml: &mut Xml, invoice: &Invoice) -> io::Result<()> {
    let header = &invoice.header;
    let totals = &invoice.totals;
    group(xml, "ram:ApplicableHeaderTradeSettlement", |xml| {
        text(xml, "ram:PaymentReference", &header.number)?;
        text(xml, "ram:InvoiceCurrencyCode", &header.currency)?;
        group(xml, "ram:SpecifiedTradeSettlementPaymentMeans", |xml| {
            text(xml, "ram:TypeCode", invoice.payment_means.code())?;
            match &invoice.payment_means {
                PaymentMeans::CreditTransfer(account) => {
                    group(xml, "ram:PayeePartyCreditorFinancialAccount", |xml| {
                        text(xml, "ram:IBANID", &account.iban)
                    })?;
                    match &account.bic {
                        Some(bic) => group(
                            xml,
                            "ram:PayeeSpecifiedCreditorFinancialInstitution",
                            |xml| text(xml, "ram:BICID", bic),
                        ),
                        None => Ok(()),
                    }
                }
                PaymentMeans::NotDefined => Ok(()),
            }
        })?;
        for tax in &invoice.vat_breakdown {
            breakdown(xml, tax)?;
        }
        for allowance in &invoice.allowances {
            allowance_charge(xml, allowance, true)?;
        }
        if header.payment_terms.is_some() || header.due_date.is_some() {
            group(xml, "ram:SpecifiedTradePaymentTerms", |xml| {
                optional(xml, "ram:Description", header.payment_terms.as_deref())?;
                match header.due_date {
                    Some(day) => date(xml, "ram:DueDateDateTime", day),
                    None => Ok(()),
                }
            })?;
        }
        group(
            xml,
            "ram:SpecifiedTradeSettlementHeaderMonetarySummation",
            |xml| {
                amount(xml, "ram:LineTotalAmount", totals.line_total)?;
                if !invoice.allowances.is_empty() {
                    amount(xml, "ram:AllowanceTotalAmount", totals.allowance_total)?;
                }
                amount(xml, "ram:TaxBasisTotalAmount", totals.tax_basis_total)?;
                // The one amount CII ties to a currency: the VAT total
                // in the invoice's currency (BT-110).
                xml.create_element("ram:TaxTotalAmount")
                    .with_attribute(("currencyID", header.currency.as_str()))
                    .write_text_content(BytesText::new(&totals.tax_total.to_string()))?;
                amount(xml, "ram:GrandTotalAmount", totals.grand_total)?;
                if !totals.prepaid.is_zero() {
                    amount(xml, "ram:TotalPrepaidAmount", totals.prepaid)?;
                }
                amount(xml, "ram:DuePayableAmount", totals.due_payable)
            },
        )?;
        match &header.preceding_invoice {
            Some(preceding) => group(xml, "ram:InvoiceReferencedDocument", |xml| {
                text(xml, "ram:IssuerAssignedID", &preceding.number)?;
                match preceding.issue_date {
                    Some(day) => group(xml, "ram:FormattedIssueDateTime", |xml| {
                        date_string(xml, "qdt:DateTimeString", day)
                    }),
                    None => Ok(()),
                }
            }),
            None => Ok(()),
        }
    })
}

fn breakdown(xml: &mut Xml, tax: &VatBreakdown) -> io::Result<()> {
    group(xml, "ram:ApplicableTradeTax", |xml| {
        amount(xml, "ram:CalculatedAmount", tax.amount)?;
        text(xml, "ram:TypeCode", "VAT")?;
        optional(xml, "ram:ExemptionReason", tax.exemption_reason.as_deref())?;
        amount(xml, "ram:BasisAmount", tax.base)?;
        text(xml, "ram:CategoryCode", tax.category.as_str())?;
        optional(xml, "ram:ExemptionReasonCode", tax.exemption_code)?;
        rate(xml, tax.category, tax.rate)
    })
}

/// A discount; the document's carry their VAT category and rate.
fn allowance_charge(xml: &mut Xml, allowance: &Allowance, document: bool) -> io::Result<()> {
    group(xml, "ram:SpecifiedTradeAllowanceCharge", |xml| {
        group(xml, "ram:ChargeIndicator", |xml| {
            text(xml, "udt:Indicator", "false")
        })?;
        text(
            xml,
            "ram:CalculationPercent",
            &allowance.percent.to_string(),
        )?;
        amount(xml, "ram:BasisAmount", allowance.basis)?;
        amount(xml, "ram:ActualAmount", allowance.amount)?;
        text(xml, "ram:ReasonCode", DISCOUNT_REASON_CODE)?;
        text(xml, "ram:Reason", DISCOUNT_REASON)?;
        match document {
            true => group(xml, "ram:CategoryTradeTax", |xml| {
                category(xml, allowance.vat_category, allowance.vat_rate)
            }),
            false => Ok(()),
        }
    })
}

/// A VAT category and rate, as a line or an allowance states them.
fn category(xml: &mut Xml, category: VatCategory, vat_rate: Percent) -> io::Result<()> {
    text(xml, "ram:TypeCode", "VAT")?;
    text(xml, "ram:CategoryCode", category.as_str())?;
    rate(xml, category, vat_rate)
}

/// The rate, which what is not subject to VAT does not have (BR-O-5…).
fn rate(xml: &mut Xml, category: VatCategory, vat_rate: Percent) -> io::Result<()> {
    match category {
        VatCategory::OutsideScope => Ok(()),
        _ => text(xml, "ram:RateApplicablePercent", &vat_rate.to_string()),
    }
}

fn group(
    xml: &mut Xml,
    name: &str,
    inner: impl FnOnce(&mut Xml) -> io::Result<()>,
) -> io::Result<()> {
    xml.create_element(name).write_inner_content(inner)?;
    Ok(())
}

fn text(xml: &mut Xml, name: &str, value: &str) -> io::Result<()> {
    xml.create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

fn optional(xml: &mut Xml, name: &str, value: Option<&str>) -> io::Result<()> {
    match value {
        Some(value) => text(xml, name, value),
        None => Ok(()),
    }
}

fn identifier(xml: &mut Xml, name: &str, scheme: &str, value: &str) -> io::Result<()> {
    xml.create_element(name)
        .with_attribute(("schemeID", scheme))
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

fn amount(xml: &mut Xml, name: &str, value: Money) -> io::Result<()> {
    text(xml, name, &value.to_string())
}

fn date(xml: &mut Xml, name: &str, day: NaiveDate) -> io::Result<()> {
    group(xml, name, |xml| date_string(xml, "udt:DateTimeString", day))
}

fn date_string(xml: &mut Xml, name: &str, day: NaiveDate) -> io::Result<()> {
    xml.create_element(name)
        .with_attribute(("format", "102"))
        .write_text_content(BytesText::new(&day.format("%Y%m%d").to_string()))?;
    Ok(())
}
