//! What remains to be done on a sales line: delivered, billed, taken
//! back, credited. Each remainder is computed here and nowhere else; the
//! storage layer's conditional updates guard the same bounds when
//! requests race (`db::sales`).

use crate::numbers::Quantity;

/// The quantities an order line has been through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineProgress {
    pub ordered: Quantity,
    pub delivered: Quantity,
    pub invoiced: Quantity,
    pub returned: Quantity,
    /// What credit notes took back of the returned quantity.
    pub credited: Quantity,
}

impl LineProgress {
    /// What is still to be delivered.
    pub fn undelivered(&self) -> Quantity {
        Quantity::from_units(self.ordered.units() - self.delivered.units())
    }

    /// What the client kept and has not been billed for: delivered less
    /// returned, less what invoices bill net of return credits.
    pub fn billable(&self) -> Quantity {
        Quantity::from_units(
            (self.delivered.units() - self.returned.units())
                - (self.invoiced.units() - self.credited.units()),
        )
    }

    /// What can still come back.
    pub fn returnable(&self) -> Quantity {
        Quantity::from_units(self.delivered.units() - self.returned.units())
    }
}

/// What an invoice line can still credit: what it billed, less what
/// issued credit notes already took, less what the credit being planned
/// takes already.
pub fn creditable(invoiced: Quantity, credited: Quantity, planned: Quantity) -> Quantity {
    Quantity::from_units(invoiced.units() - credited.units() - planned.units())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(units: i64) -> Quantity {
        Quantity::from_units(units)
    }

    #[test]
    fn a_partly_delivered_returned_and_billed_line() {
        let line = LineProgress {
            ordered: q(10),
            delivered: q(6),
            invoiced: q(4),
            returned: q(2),
            credited: q(1),
        };
        assert_eq!(line.undelivered(), q(4));
        assert_eq!(line.returnable(), q(4));
        // kept 4, billed 3 net of credits: 1 left to bill
        assert_eq!(line.billable(), q(1));
        assert_eq!(creditable(q(4), q(1), q(2)), q(1));
    }

    proptest! {
        /// Delivering the rest, then billing what is billable, leaves
        /// nothing to deliver or bill, whatever came back before.
        #[test]
        fn delivering_and_billing_everything_leaves_nothing(
            ordered in 1i64..1_000_000,
            delivered_share in 0i64..=100,
            returned_share in 0i64..=100,
        ) {
            let delivered = ordered * delivered_share / 100;
            let returned = delivered * returned_share / 100;
            let mut line = LineProgress {
                ordered: q(ordered),
                delivered: q(delivered),
                invoiced: q(0),
                returned: q(returned),
                credited: q(0),
            };
            line.delivered = q(line.delivered.units() + line.undelivered().units());
            line.invoiced = q(line.invoiced.units() + line.billable().units());
            prop_assert_eq!(line.undelivered(), q(0));
            prop_assert_eq!(line.billable(), q(0));
            prop_assert_eq!(line.returnable(), q(ordered - returned));
        }
    }
}
