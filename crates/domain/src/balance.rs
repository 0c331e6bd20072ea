//! Where an invoice's money stands once payments, credit notes and refunds
//! have moved it: what is due and what is owed back, never a negative
//! balance. Re-exported by `sales`.

use crate::numbers::Money;

/// Where an invoice's money stands: what the client still owes, and what
/// is owed back to them when payments and credit notes together went past
/// the total (a paid invoice credited, say). Refunds are counted out of
/// `paid`, so at most one of the two is above zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvoiceBalance {
    pub due: Money,
    pub refund_due: Money,
}

pub fn invoice_balance(total: Money, paid: Money, credited: Money) -> InvoiceBalance {
    let left = total.units() - paid.units() - credited.units();
    InvoiceBalance {
        due: Money::from_units(left.max(0)),
        refund_due: Money::from_units((-left).max(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credited_payment_is_owed_back_never_a_negative_balance() {
        let money = |text| Money::parse(text).unwrap();
        let part_paid_then_credited = invoice_balance(money("1200"), money("200"), money("1200"));
        assert_eq!(part_paid_then_credited.due, Money::ZERO);
        assert_eq!(part_paid_then_credited.refund_due, money("200"));
        let refunded = invoice_balance(money("1200"), money("0"), money("1200"));
        assert_eq!(
            (refunded.due, refunded.refund_due),
            (Money::ZERO, Money::ZERO)
        );
        let open = invoice_balance(money("1200"), money("200"), money("300"));
        assert_eq!((open.due, open.refund_due), (money("700"), Money::ZERO));
    }
}
