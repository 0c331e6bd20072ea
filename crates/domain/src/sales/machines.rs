//! The transitions of the three state machines drawn in the parent
//! module: each takes a kind's status and an action and answers the next
//! status, or why the action is refused.

use super::{InvoiceStatus, OrderStatus, QuoteStatus};

/// What can happen to a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAction {
    Edit,
    Send,
    Accept,
    Refuse,
    Expire,
    Convert,
    /// A new version replaces this one.
    Supersede,
}

/// What can happen to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderAction {
    Edit,
    Confirm,
    Cancel,
    /// A delivery; `complete` when every line is now fully delivered.
    Deliver {
        complete: bool,
    },
    /// An invoice; `complete` when every line is now fully invoiced.
    Invoice {
        complete: bool,
    },
    /// Goods coming back from the client.
    Return,
    /// A draft invoice of the order deleted: what it billed is billable
    /// again.
    DropInvoice,
}

/// What can happen to an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceAction {
    Edit,
    Issue,
    /// A payment; `complete` when nothing remains due.
    Pay {
        complete: bool,
    },
    /// An issued credit note; `settled` when nothing remains due.
    Credit {
        settled: bool,
    },
    /// Money paid back to the client, of what payments and credit notes
    /// together took past the invoice's total.
    Refund,
}

fn refusal(document: &str, status: &str, action: &str) -> String {
    let status = status.replace('_', " ");
    let article = if status.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {status} {document} cannot {action}")
}

pub fn quote_transition(status: QuoteStatus, action: QuoteAction) -> Result<QuoteStatus, String> {
    use QuoteAction::*;
    use QuoteStatus::*;
    match (status, action) {
        (Draft, Edit) => Ok(Draft),
        (Draft, Send) => Ok(Sent),
        (Sent, Accept) => Ok(Accepted),
        (Sent, Refuse) => Ok(Refused),
        (Sent, Expire) => Ok(Expired),
        (Accepted, Convert) => Ok(Converted),
        (Draft | Sent | Refused | Expired, Supersede) => Ok(Superseded),
        (status, action) => Err(refusal(
            "quote",
            status.as_str(),
            match action {
                Edit => "be changed",
                Send => "be sent",
                Accept => "be accepted",
                Refuse => "be refused",
                Expire => "expire",
                Convert => "become an order",
                Supersede => "get a new version",
            },
        )),
    }
}

pub fn order_transition(status: OrderStatus, action: OrderAction) -> Result<OrderStatus, String> {
    use OrderAction::*;
    use OrderStatus::*;
    match (status, action) {
        (Draft, Edit) => Ok(Draft),
        (Draft, Confirm) => Ok(Confirmed),
        (Draft | Confirmed, Cancel) => Ok(Cancelled),
        (Confirmed | PartiallyDelivered, Deliver { complete: true }) => Ok(Delivered),
        (Confirmed | PartiallyDelivered, Deliver { complete: false }) => Ok(PartiallyDelivered),
        (PartiallyDelivered, Invoice { complete: false }) => Ok(PartiallyDelivered),
        (Delivered, Invoice { complete: false }) => Ok(Delivered),
        (Delivered, Invoice { complete: true }) => Ok(Invoiced),
        (PartiallyDelivered, Return) => Ok(PartiallyDelivered),
        (Delivered, Return) => Ok(Delivered),
        (Invoiced, Return) => Ok(Invoiced),
        (Invoiced | Delivered, DropInvoice) => Ok(Delivered),
        (PartiallyDelivered, DropInvoice) => Ok(PartiallyDelivered),
        (status, action) => Err(refusal(
            "order",
            status.as_str(),
            match action {
                Edit => "be changed",
                Confirm => "be confirmed",
                Cancel => "be cancelled",
                Deliver { .. } => "be delivered",
                Invoice { .. } => "be invoiced",
                Return => "take goods back",
                DropInvoice => "lose an invoice",
            },
        )),
    }
}

pub fn invoice_transition(
    status: InvoiceStatus,
    action: InvoiceAction,
) -> Result<InvoiceStatus, String> {
    use InvoiceAction::*;
    use InvoiceStatus::*;
    match (status, action) {
        (Draft, Edit) => Ok(Draft),
        (Draft, Issue) => Ok(Issued),
        (Issued | PartiallyPaid, Pay { complete: true }) => Ok(Paid),
        (Issued | PartiallyPaid, Pay { complete: false }) => Ok(PartiallyPaid),
        (Issued, Credit { settled: false }) => Ok(Issued),
        (PartiallyPaid, Credit { settled: false }) => Ok(PartiallyPaid),
        (Issued | PartiallyPaid, Credit { settled: true }) => Ok(Credited),
        // Credited after payment in full: the client is owed a refund.
        (Paid, Credit { .. }) => Ok(Paid),
        (Paid, Refund) => Ok(Paid),
        (Credited, Refund) => Ok(Credited),
        (status, action) => Err(refusal(
            "invoice",
            status.as_str(),
            match action {
                Edit => "be changed",
                Issue => "be issued",
                Pay { .. } => "receive a payment",
                Credit { .. } => "be credited",
                Refund => "be refunded",
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks every (status, action) pair against the allowed list.
    fn check_all<S, A>(
        statuses: &[S],
        actions: &[A],
        allowed: &[(S, A, S)],
        transition: impl Fn(S, A) -> Result<S, String>,
    ) where
        S: Copy + PartialEq + std::fmt::Debug,
        A: Copy + PartialEq + std::fmt::Debug,
    {
        for &status in statuses {
            for &action in actions {
                let expected = allowed
                    .iter()
                    .find(|(from, a, _)| *from == status && *a == action)
                    .map(|(_, _, to)| *to);
                match (transition(status, action), expected) {
                    (Ok(to), Some(expected)) => assert_eq!(to, expected, "{status:?} {action:?}"),
                    (Err(message), None) => assert!(message.contains("cannot"), "{message}"),
                    (outcome, expected) => {
                        panic!("{status:?} {action:?}: got {outcome:?}, expected {expected:?}")
                    }
                }
            }
        }
    }

    #[test]
    fn every_quote_transition() {
        use QuoteAction::*;
        use QuoteStatus::*;
        check_all(
            QuoteStatus::ALL,
            &[Edit, Send, Accept, Refuse, Expire, Convert, Supersede],
            &[
                (Draft, Edit, Draft),
                (Draft, Send, Sent),
                (Sent, Accept, Accepted),
                (Sent, Refuse, Refused),
                (Sent, Expire, Expired),
                (Accepted, Convert, Converted),
                (Draft, Supersede, Superseded),
                (Sent, Supersede, Superseded),
                (Refused, Supersede, Superseded),
                (Expired, Supersede, Superseded),
            ],
            quote_transition,
        );
    }

    #[test]
    fn every_order_transition() {
        use OrderAction::*;
        use OrderStatus::*;
        check_all(
            OrderStatus::ALL,
            &[
                Edit,
                Confirm,
                Cancel,
                Deliver { complete: false },
                Deliver { complete: true },
                Invoice { complete: false },
                Invoice { complete: true },
                Return,
                DropInvoice,
            ],
            &[
                (Draft, Edit, Draft),
                (Draft, Confirm, Confirmed),
                (Draft, Cancel, Cancelled),
                (Confirmed, Cancel, Cancelled),
                (Confirmed, Deliver { complete: false }, PartiallyDelivered),
                (Confirmed, Deliver { complete: true }, Delivered),
                (
                    PartiallyDelivered,
                    Deliver { complete: false },
                    PartiallyDelivered,
                ),
                (PartiallyDelivered, Deliver { complete: true }, Delivered),
                (
                    PartiallyDelivered,
                    Invoice { complete: false },
                    PartiallyDelivered,
                ),
                (Delivered, Invoice { complete: false }, Delivered),
                (Delivered, Invoice { complete: true }, Invoiced),
                (PartiallyDelivered, Return, PartiallyDelivered),
                (Delivered, Return, Delivered),
                (Invoiced, Return, Invoiced),
                (PartiallyDelivered, DropInvoice, PartiallyDelivered),
                (Delivered, DropInvoice, Delivered),
                (Invoiced, DropInvoice, Delivered),
            ],
            order_transition,
        );
    }

    #[test]
    fn every_invoice_transition() {
        use InvoiceAction::*;
        use InvoiceStatus::*;
        check_all(
            InvoiceStatus::ALL,
            &[
                Edit,
                Issue,
                Pay { complete: false },
                Pay { complete: true },
                Credit { settled: false },
                Credit { settled: true },
                Refund,
            ],
            &[
                (Draft, Edit, Draft),
                (Draft, Issue, Issued),
                (Issued, Pay { complete: false }, PartiallyPaid),
                (Issued, Pay { complete: true }, Paid),
                (PartiallyPaid, Pay { complete: false }, PartiallyPaid),
                (PartiallyPaid, Pay { complete: true }, Paid),
                (Issued, Credit { settled: false }, Issued),
                (Issued, Credit { settled: true }, Credited),
                (PartiallyPaid, Credit { settled: false }, PartiallyPaid),
                (PartiallyPaid, Credit { settled: true }, Credited),
                (Paid, Credit { settled: false }, Paid),
                (Paid, Credit { settled: true }, Paid),
                (Paid, Refund, Paid),
                (Credited, Refund, Credited),
            ],
            invoice_transition,
        );
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(
            order_transition(OrderStatus::PartiallyDelivered, OrderAction::Cancel).unwrap_err(),
            "a partially delivered order cannot be cancelled"
        );
        assert_eq!(
            invoice_transition(InvoiceStatus::Issued, InvoiceAction::Edit).unwrap_err(),
            "an issued invoice cannot be changed"
        );
    }
}
