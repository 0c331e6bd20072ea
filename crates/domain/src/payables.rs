//! Supplier invoices: their state machine and how their lines are matched
//! to the purchase order they bill.
//!
//! ```text
//! received ──approve──▶ approved ──pay (part)──▶ partially_paid ──pay (rest)──▶ paid
//!   │  ▲                  │  └───────────pay (all)──────────────────────────────▲
//!   │  └──resolve──┐      │
//!   └──dispute──▶ disputed ◀──dispute──┘
//! ```
//! Only an approved invoice is paid; a disputed one goes back to
//! `received` when the disagreement is settled, to be approved again.

use crate::catalog::vocabulary;
use crate::numbers::{Quantity, UnitPrice};
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;

vocabulary!(
    /// Where a supplier invoice is in its life.
    PayableStatus {
        Received => "received",
        Approved => "approved",
        PartiallyPaid => "partially_paid",
        Paid => "paid",
        Disputed => "disputed",
    }
);

/// What can happen to a supplier invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayableAction {
    Approve,
    Dispute,
    Resolve,
    /// A payment out; `complete` when nothing remains due after it.
    Pay {
        complete: bool,
    },
}

impl PayableAction {
    fn describe(self) -> &'static str {
        match self {
            PayableAction::Approve => "be approved",
            PayableAction::Dispute => "be disputed",
            PayableAction::Resolve => "be resolved, as it is not disputed",
            PayableAction::Pay { .. } => "be paid",
        }
    }
}

/// The status after `action`, or why it is not allowed.
pub fn payable_transition(
    status: PayableStatus,
    action: PayableAction,
) -> Result<PayableStatus, String> {
    use PayableAction::*;
    use PayableStatus::*;
    match (status, action) {
        (Received, Approve) => Ok(Approved),
        (Received | Approved, Dispute) => Ok(Disputed),
        (Disputed, Resolve) => Ok(Received),
        (Approved | PartiallyPaid, Pay { complete: true }) => Ok(Paid),
        (Approved | PartiallyPaid, Pay { complete: false }) => Ok(PartiallyPaid),
        (Received | Disputed, Pay { .. }) => Err(format!(
            "{} cannot be paid before it is approved",
            status.subject()
        )),
        (status, action) => Err(format!("{} cannot {}", status.subject(), action.describe())),
    }
}

impl PayableStatus {
    /// "a received supplier invoice", "an approved supplier invoice"…
    fn subject(self) -> String {
        let name = self.as_str().replace('_', " ");
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {name} supplier invoice")
    }

    /// Still owed to the supplier: what the "due to pay" list shows.
    pub fn is_payable(self) -> bool {
        matches!(self, PayableStatus::Approved | PayableStatus::PartiallyPaid)
    }
}

/// A line of the supplier's invoice, as matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BilledLine<'a> {
    pub seller_item_id: Option<&'a str>,
    pub description: &'a str,
    pub quantity: Quantity,
    pub net_price: UnitPrice,
}

/// A line of the purchase order, as matching sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedLine<'a, Id> {
    pub id: Id,
    /// The supplier's code for the product (`product_suppliers`).
    pub supplier_reference: Option<&'a str>,
    pub product_code: &'a str,
    pub description: &'a str,
    pub received_quantity: Quantity,
    /// The order's price after its line discount.
    pub net_price: UnitPrice,
}

/// How a billed line compares with the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineMatch<Id> {
    /// The order line it bills; `None` when the order has no such line.
    pub order_line: Option<Id>,
    /// It bills another quantity than was received.
    pub quantity_differs: bool,
    /// Its price is not the order's.
    pub price_differs: bool,
}

fn same_text(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split_whitespace()
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    words(a) == words(b)
}

/// The ways a billed line names an order line, the surest first.
#[derive(Clone, Copy)]
enum Key {
    SupplierCode,
    ProductCode,
    Description,
}

impl Key {
    const ALL: [Key; 3] = [Key::SupplierCode, Key::ProductCode, Key::Description];

    fn pairs<Id>(self, billed: &BilledLine, ordered: &OrderedLine<Id>) -> bool {
        match self {
            Key::SupplierCode => billed
                .seller_item_id
                .zip(ordered.supplier_reference)
                .is_some_and(|(theirs, listed)| same_text(theirs, listed)),
            Key::ProductCode => billed
                .seller_item_id
                .is_some_and(|theirs| same_text(theirs, ordered.product_code)),
            Key::Description => same_text(billed.description, ordered.description),
        }
    }
}

/// Pairs each billed line with an order line not yet paired — by the
/// supplier's product code, else our product code, else the description
/// — and flags the differences. A billed line the order does not have is
/// flagged on both counts.
pub fn match_lines<Id: Copy>(
    billed: &[BilledLine],
    ordered: &[OrderedLine<Id>],
) -> Vec<LineMatch<Id>> {
    let mut taken = vec![false; ordered.len()];
    billed
        .iter()
        .map(|line| {
            let found = Key::ALL.iter().find_map(|key| {
                (0..ordered.len()).find(|&i| !taken[i] && key.pairs(line, &ordered[i]))
            });
            match found {
                Some(index) => {
                    taken[index] = true;
                    let order = &ordered[index];
                    LineMatch {
                        order_line: Some(order.id),
                        quantity_differs: line.quantity != order.received_quantity,
                        price_differs: line.net_price != order.net_price,
                    }
                }
                None => LineMatch {
                    order_line: None,
                    quantity_differs: true,
                    price_differs: true,
                },
            }
        })
        .collect()
}

/// A price after a line discount, at unit-price precision.
pub fn net_price(unit_price: UnitPrice, discount_percent: crate::numbers::Percent) -> UnitPrice {
    UnitPrice::round(
        unit_price.value() * (Decimal::ONE_HUNDRED - discount_percent.value())
            / Decimal::ONE_HUNDRED,
    )
}

/// When a supplier invoice is due: the date it states, else its issue
/// date plus the supplier's payment terms, when the supplier is known.
pub fn due_date(
    issue_date: NaiveDate,
    stated: Option<NaiveDate>,
    supplier_terms_days: Option<i64>,
) -> Option<NaiveDate> {
    stated.or_else(|| {
        let days = u64::try_from(supplier_terms_days?).ok()?;
        issue_date.checked_add_days(Days::new(days))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::Percent;

    #[test]
    fn an_invoice_stating_no_due_date_is_due_after_the_suppliers_terms() {
        let issued = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let stated = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        assert_eq!(due_date(issued, Some(stated), Some(45)), Some(stated));
        assert_eq!(
            due_date(issued, None, Some(45)),
            NaiveDate::from_ymd_opt(2027, 1, 14)
        );
        assert_eq!(due_date(issued, None, Some(0)), Some(issued));
        assert_eq!(due_date(issued, None, None), None);
        assert_eq!(due_date(issued, None, Some(-3)), None);
    }
    use PayableAction::*;
    use PayableStatus::*;

    const ACTIONS: [PayableAction; 5] = [
        Approve,
        Dispute,
        Resolve,
        Pay { complete: false },
        Pay { complete: true },
    ];

    #[test]
    fn every_allowed_and_every_forbidden_transition() {
        let allowed = [
            (Received, Approve, Approved),
            (Received, Dispute, Disputed),
            (Approved, Dispute, Disputed),
            (Disputed, Resolve, Received),
            (Approved, Pay { complete: false }, PartiallyPaid),
            (Approved, Pay { complete: true }, Paid),
            (PartiallyPaid, Pay { complete: false }, PartiallyPaid),
            (PartiallyPaid, Pay { complete: true }, Paid),
        ];
        for status in PayableStatus::ALL {
            for action in ACTIONS {
                let expected = allowed
                    .iter()
                    .find(|(from, a, _)| from == status && *a == action)
                    .map(|(_, _, to)| *to);
                match (payable_transition(*status, action), expected) {
                    (Ok(to), Some(expected)) => assert_eq!(to, expected),
                    (Err(_), None) => {}
                    (outcome, expected) => {
                        panic!("{status} {action:?}: got {outcome:?}, expected {expected:?}")
                    }
                }
            }
        }
    }

    #[test]
    fn refusals_say_why_and_what_is_due() {
        assert_eq!(
            payable_transition(Received, Pay { complete: true }).unwrap_err(),
            "a received supplier invoice cannot be paid before it is approved"
        );
        assert_eq!(
            payable_transition(PartiallyPaid, Dispute).unwrap_err(),
            "a partially paid supplier invoice cannot be disputed"
        );
        assert_eq!(
            payable_transition(Approved, Resolve).unwrap_err(),
            "an approved supplier invoice cannot be resolved, as it is not disputed"
        );
        let due: Vec<_> = PayableStatus::ALL
            .iter()
            .filter(|s| s.is_payable())
            .collect();
        assert_eq!(due, [&Approved, &PartiallyPaid]);
    }

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    fn p(text: &str) -> UnitPrice {
        UnitPrice::parse(text).unwrap()
    }

    fn order() -> Vec<OrderedLine<'static, u8>> {
        vec![
            OrderedLine {
                id: 1,
                supplier_reference: Some("PM-A4-80"),
                product_code: "RAM-A4",
                description: "Ramette A4",
                received_quantity: q("10"),
                net_price: p("4.5"),
            },
            OrderedLine {
                id: 2,
                supplier_reference: None,
                product_code: "STY-BLEU",
                description: "Stylo bleu",
                received_quantity: q("20"),
                net_price: p("0.75"),
            },
            OrderedLine {
                id: 3,
                supplier_reference: None,
                product_code: "AGR-26",
                description: "Agrafes  n°26",
                received_quantity: q("4"),
                net_price: p("1.20"),
            },
        ]
    }

    #[test]
    fn lines_pair_by_supplier_code_then_product_code_then_description() {
        let billed = [
            BilledLine {
                seller_item_id: Some("sty-bleu"),
                description: "Stylo bille bleu",
                quantity: q("20"),
                net_price: p("0.80"),
            },
            BilledLine {
                seller_item_id: None,
                description: "agrafes n°26",
                quantity: q("5"),
                net_price: p("1.2"),
            },
            BilledLine {
                seller_item_id: Some("PM-A4-80"),
                description: "Ramette papier A4 80 g",
                quantity: q("10"),
                net_price: p("4.50"),
            },
            BilledLine {
                seller_item_id: Some("PORT"),
                description: "Frais de port",
                quantity: q("1"),
                net_price: p("8"),
            },
        ];
        let matched = match_lines(&billed, &order());
        let flags = |m: &LineMatch<u8>| (m.order_line, m.quantity_differs, m.price_differs);
        assert_eq!(flags(&matched[0]), (Some(2), false, true));
        assert_eq!(flags(&matched[1]), (Some(3), true, false));
        assert_eq!(flags(&matched[2]), (Some(1), false, false));
        assert_eq!(flags(&matched[3]), (None, true, true));
    }

    #[test]
    fn an_order_line_is_billed_once() {
        let line = BilledLine {
            seller_item_id: Some("STY-BLEU"),
            description: "Stylo",
            quantity: q("10"),
            net_price: p("0.75"),
        };
        let matched = match_lines(&[line.clone(), line], &order());
        assert_eq!(matched[0].order_line, Some(2));
        assert_eq!(matched[1].order_line, None);
    }

    #[test]
    fn the_order_price_is_taken_after_its_discount() {
        assert_eq!(
            net_price(p("10"), Percent::parse("12.5").unwrap()),
            p("8.75")
        );
        assert_eq!(
            net_price(p("0.7777"), Percent::parse("10").unwrap()),
            p("0.6999")
        );
    }
}
