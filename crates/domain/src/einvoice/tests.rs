use super::*;
use proptest::prelude::*;

fn party(name: &str, country: &str, vat_id: Option<&str>) -> Party {
    Party {
        name: name.into(),
        siren: Some("732829320".into()),
        vat_id: vat_id.map(Into::into),
        address: Address {
            line1: Some("1 rue de la Paix".into()),
            postal_code: Some("75002".into()),
            city: Some("Paris".into()),
            country: Some(country.into()),
            ..Address::default()
        },
        ..Party::default()
    }
}

fn header(discount: &str) -> Header {
    Header {
        document_type: DocumentType::Invoice,
        number: "FAC-2026-00001".into(),
        issue_date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        currency: "EUR".into(),
        due_date: NaiveDate::from_ymd_opt(2026, 12, 31),
        payment_terms: None,
        preceding_invoice: None,
        delivery: Delivery::default(),
        notes: Vec::new(),
        discount_percent: Percent::parse(discount).unwrap(),
        prepaid: Money::ZERO,
    }
}

fn line(price: &str, discount: &str, category: VatCategory, rate: &str) -> LineFacts {
    LineFacts {
        name: "Article".into(),
        seller_code: None,
        quantity: Quantity::parse("3").unwrap(),
        unit: Unit::Unit,
        unit_price: UnitPrice::parse(price).unwrap(),
        discount_percent: Percent::parse(discount).unwrap(),
        vat_category: category,
        vat_rate: Percent::parse(rate).unwrap(),
        exemption_reason: None,
    }
}

fn invoice(header: Header, buyer_vat: Option<&str>, lines: Vec<LineFacts>) -> Invoice {
    Invoice::new(
        header,
        party("Comptoir SAS", "FR", Some("FR44732829320")),
        party("Client GmbH", "DE", buyer_vat),
        None,
        lines,
    )
}

fn fields(invoice: &Invoice) -> Vec<String> {
    match check(invoice) {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_vec().into_iter().map(|e| e.field).collect(),
    }
}

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

#[test]
fn amounts_are_the_stored_totals_with_allowances_per_category_and_rate() {
    let lines = vec![
        line("19.9999", "10", VatCategory::Standard, "20"),
        line("4.125", "0", VatCategory::Standard, "5.5"),
        line("100", "0", VatCategory::Standard, "20"),
    ];
    let invoice = invoice(header("5"), None, lines);
    // 3 × 19.9999 = 59.9997 → 60.00 gross, 54.00 net after 10 %.
    let first = &invoice.lines[0];
    assert_eq!(first.net_amount, money("54.00"));
    let allowance = first.allowance.unwrap();
    assert_eq!(
        (allowance.basis, allowance.amount),
        (money("60.00"), money("6.00"))
    );
    assert!(invoice.lines[1].allowance.is_none());
    assert_eq!(invoice.allowances.len(), 2);
    let twenty = invoice
        .allowances
        .iter()
        .find(|a| a.vat_rate == Percent::parse("20").unwrap())
        .unwrap();
    assert_eq!(
        (twenty.basis, twenty.amount),
        (money("354.00"), money("17.70"))
    );
    let totals = invoice.totals;
    assert_eq!(totals.line_total, money("366.38"));
    assert_eq!(totals.allowance_total, money("18.32"));
    assert_eq!(totals.tax_basis_total, money("348.06"));
    assert_eq!(totals.due_payable, totals.grand_total);
}

#[test]
fn exempt_lines_give_their_reasons_and_other_categories_their_wording() {
    let mut medical = line("10", "0", VatCategory::Exempt, "0");
    medical.exemption_reason = Some("Article 261 4 1° du CGI".into());
    let mut training = line("10", "0", VatCategory::Exempt, "0");
    training.exemption_reason = Some("Article 261 4 4° du CGI".into());
    let export = line("10", "0", VatCategory::Export, "0");
    let invoice = invoice(
        header("0"),
        None,
        vec![medical.clone(), training, medical, export],
    );
    let wording: Vec<_> = invoice
        .vat_breakdown
        .iter()
        .map(|tax| {
            (
                tax.category,
                tax.exemption_reason.clone(),
                tax.exemption_code,
            )
        })
        .collect();
    assert!(wording.contains(&(
        VatCategory::Exempt,
        Some("Article 261 4 1° du CGI; Article 261 4 4° du CGI".into()),
        None
    )));
    assert!(wording.contains(&(
        VatCategory::Export,
        Some("Exonération de TVA, article 262 I du CGI".into()),
        Some("VATEX-EU-G")
    )));
}

#[test]
fn a_complete_invoice_passes() {
    let invoice = invoice(
        header("0"),
        Some("DE123456789"),
        vec![line("10", "0", VatCategory::Standard, "20")],
    );
    assert_eq!(fields(&invoice), Vec::<String>::new());
}

#[test]
fn an_intra_eu_supply_needs_both_vat_numbers_and_the_delivery() {
    let mut without = invoice(
        header("0"),
        None,
        vec![line("10", "0", VatCategory::IntraCommunity, "0")],
    );
    without.seller.vat_id = None;
    assert_eq!(
        fields(&without),
        [
            "seller.vat_id",
            "buyer.vat_id",
            "delivery.country",
            "delivery.date"
        ]
    );
    let mut with = header("0");
    with.delivery = Delivery {
        date: NaiveDate::from_ymd_opt(2026, 11, 30),
        country: Some("DE".into()),
    };
    let with = invoice(
        with,
        Some("DE123456789"),
        vec![line("10", "0", VatCategory::IntraCommunity, "0")],
    );
    assert_eq!(fields(&with), Vec::<String>::new());
}

#[test]
fn reverse_charge_takes_the_clients_vat_number_or_siren() {
    let mut reverse = invoice(
        header("0"),
        None,
        vec![line("10", "0", VatCategory::ReverseCharge, "0")],
    );
    assert_eq!(fields(&reverse), Vec::<String>::new());
    reverse.buyer.siren = None;
    assert_eq!(fields(&reverse), ["buyer.vat_id"]);
}

#[test]
fn what_a_user_could_leave_out_is_named() {
    let mut exempt = line("10", "0", VatCategory::Exempt, "0");
    exempt.exemption_reason = Some(" ".into());
    let mut bad = invoice(
        header("0"),
        Some("123"),
        vec![line("1", "0", VatCategory::Standard, "20"), exempt],
    );
    bad.buyer.address.country = None;
    bad.header.due_date = None;
    bad.header.document_type = DocumentType::CreditNote;
    assert_eq!(
        fields(&bad),
        [
            "buyer.address.country",
            "buyer.vat_id",
            "lines[1].vat_exemption_reason",
            "due_date",
            "preceding_invoice"
        ]
    );
}

#[test]
fn outside_scope_stands_alone_and_needs_a_siren() {
    let mut mixed = invoice(
        header("0"),
        None,
        vec![
            line("10", "0", VatCategory::OutsideScope, "0"),
            line("10", "0", VatCategory::Standard, "20"),
        ],
    );
    mixed.seller.siren = None;
    assert_eq!(fields(&mixed), ["lines", "seller.siren"]);
    let alone = invoice(
        header("0"),
        None,
        vec![line("10", "0", VatCategory::OutsideScope, "0")],
    );
    assert!(alone.outside_scope());
    assert_eq!(fields(&alone), Vec::<String>::new());
}

#[test]
fn payment_means_follow_the_account() {
    let account = BankAccount {
        iban: "FR7630006000011234567890189".into(),
        bic: None,
    };
    let paid_by_transfer = Invoice::new(
        header("0"),
        Party::default(),
        Party::default(),
        Some(account),
        vec![line("1", "0", VatCategory::Standard, "20")],
    );
    assert_eq!(paid_by_transfer.payment_means.code(), "58");
    let undefined = invoice(
        header("0"),
        None,
        vec![line("1", "0", VatCategory::Standard, "20")],
    );
    assert_eq!(undefined.payment_means, PaymentMeans::NotDefined);
}

proptest! {
    /// The XML's arithmetic (BR-CO-10, BR-CO-13, BR-S-8…) holds for any
    /// lines and discounts: line nets sum to the line total, allowances to
    /// the allowance total, and each base is its lines less its allowance.
    #[test]
    fn the_en16931_sums_hold(
        lines in proptest::collection::vec((1i64..50_000, 0i64..5_000_000, 0i64..=100, 0usize..4), 1..30),
        discount in 0i64..=100,
        prepaid in 0i64..1_000_000,
    ) {
        let categories = [
            (VatCategory::Standard, "20"),
            (VatCategory::Standard, "5.5"),
            (VatCategory::ZeroRated, "0"),
            (VatCategory::ReverseCharge, "0"),
        ];
        let lines: Vec<LineFacts> = lines
            .into_iter()
            .map(|(q, p, d, c)| LineFacts {
                quantity: Quantity::from_units(q * 10),
                unit_price: UnitPrice::from_units(p),
                discount_percent: Percent::from_units(d * 10_000),
                vat_category: categories[c].0,
                vat_rate: Percent::parse(categories[c].1).unwrap(),
                ..line("1", "0", VatCategory::Standard, "20")
            })
            .collect();
        let mut header = header("0");
        header.discount_percent = Percent::from_units(discount * 10_000);
        header.prepaid = Money::from_units(prepaid * 100);
        let invoice = invoice(header, Some("DE123456789"), lines);
        let sum = |values: Vec<Money>| values.iter().map(|m| m.value()).sum::<rust_decimal::Decimal>();
        let t = invoice.totals;
        prop_assert_eq!(sum(invoice.lines.iter().map(|l| l.net_amount).collect()), t.line_total.value());
        prop_assert_eq!(sum(invoice.allowances.iter().map(|a| a.amount).collect()), t.allowance_total.value());
        prop_assert_eq!(t.line_total.value() - t.allowance_total.value(), t.tax_basis_total.value());
        prop_assert_eq!(t.tax_basis_total.value() + t.tax_total.value(), t.grand_total.value());
        prop_assert_eq!(t.grand_total.value() - t.prepaid.value(), t.due_payable.value());
        for line in &invoice.lines {
            if let Some(allowance) = line.allowance {
                prop_assert_eq!(allowance.basis.value() - allowance.amount.value(), line.net_amount.value());
                prop_assert!(allowance.amount >= Money::ZERO);
            }
        }
        for tax in &invoice.vat_breakdown {
            let of_group = |category: VatCategory, rate: Percent| category == tax.category && rate == tax.rate;
            let lines = sum(invoice.lines.iter().filter(|l| of_group(l.facts.vat_category, l.facts.vat_rate)).map(|l| l.net_amount).collect());
            let allowances = sum(invoice.allowances.iter().filter(|a| of_group(a.vat_category, a.vat_rate)).map(|a| a.amount).collect());
            prop_assert_eq!(lines - allowances, tax.base.value());
        }
    }
}
