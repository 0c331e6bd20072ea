//! The state machines of sales documents: quotes, orders and invoices.
//!
//! ```text
//! quote:   draft ──send──▶ sent ──accept──▶ accepted ──convert──▶ converted
//!            │               ├──refuse──▶ refused
//!            │               └──expire──▶ expired
//!            └─(draft, sent, refused, expired) ──version──▶ superseded
//!
//! order:   draft ──confirm──▶ confirmed ──deliver (part)──▶ partially_delivered
//!            │                   │  └──deliver (all)──▶ delivered ◀──deliver (rest)──┘
//!            └──cancel──▶ cancelled ◀──cancel──┘     delivered ──invoice (all)──▶ invoiced
//!          (invoicing part of what is delivered, or taking goods back, leaves the status as it is)
//!
//! invoice: draft ──issue──▶ issued ──pay (part)──▶ partially_paid ──pay (rest)──▶ paid
//!                              └──────pay (all)────────────────────────────────────▲
//!          issued | partially_paid ──credit (nothing left due)──▶ credited
//!          (a smaller credit note leaves the status as it is; so does one on a paid invoice)
//! ```
//! A credit note goes `draft ──issue──▶ issued` by the same rules, and is
//! never paid. Only drafts can be edited; a draft invoice or credit note
//! has no number. `overdue` is
//! not a state: it is derived from the due date ([`is_overdue`]).

use crate::catalog::vocabulary;
use crate::numbering::Series;
use chrono::NaiveDate;

pub use crate::balance::{InvoiceBalance, invoice_balance};

vocabulary!(
    /// Which kind of sales document a row is.
    DocumentKind {
        Quote => "quote",
        Order => "order",
        Invoice => "invoice",
        CreditNote => "credit_note",
    }
);

vocabulary!(
    /// Where a quote is in its life.
    QuoteStatus {
        Draft => "draft",
        Sent => "sent",
        Accepted => "accepted",
        Refused => "refused",
        Expired => "expired",
        Converted => "converted",
        Superseded => "superseded",
    }
);

vocabulary!(
    /// Where an order is in its life.
    OrderStatus {
        Draft => "draft",
        Confirmed => "confirmed",
        PartiallyDelivered => "partially_delivered",
        Delivered => "delivered",
        Invoiced => "invoiced",
        Cancelled => "cancelled",
    }
);

vocabulary!(
    /// Where an invoice is in its life.
    InvoiceStatus {
        Draft => "draft",
        Issued => "issued",
        PartiallyPaid => "partially_paid",
        Paid => "paid",
        Credited => "credited",
    }
);

vocabulary!(
    /// Why goods came back.
    ReturnReason {
        Defect => "defect",
        Dissatisfaction => "dissatisfaction",
        WrongItem => "wrong_item",
        Other => "other",
    }
);

vocabulary!(
    /// Money received from the client, or paid back to them.
    PaymentKind { Payment => "payment", Refund => "refund" }
);

vocabulary!(
    /// How a payment was made.
    PaymentMethod {
        Transfer => "transfer",
        Card => "card",
        Cash => "cash",
        Check => "check",
        Other => "other",
    }
);

impl DocumentKind {
    /// The kind's number series: `DEV-2026-00001` by default.
    pub fn series(self) -> Series {
        match self {
            DocumentKind::Quote => Series::Quote,
            DocumentKind::Order => Series::Order,
            DocumentKind::Invoice => Series::Invoice,
            DocumentKind::CreditNote => Series::CreditNote,
        }
    }

    /// Quotes and orders are numbered as they are drafted; invoices and
    /// credit notes only when issued, so their series has no gap.
    pub fn numbered_as_draft(self) -> bool {
        matches!(self, DocumentKind::Quote | DocumentKind::Order)
    }
}

/// Days after sending when an unanswered quote gets a reminder.
pub const QUOTE_REMINDER_DAYS: [i64; 2] = [7, 15];

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

/// Whether a document may be deleted: only a draft, never a document that
/// was sent, confirmed or issued (that is part of the record). `status`
/// is read as the kind's own status.
pub fn may_delete(kind: DocumentKind, status: &str) -> Result<(), String> {
    let draft = match kind {
        DocumentKind::Quote => QuoteStatus::parse(status)? == QuoteStatus::Draft,
        DocumentKind::Order => OrderStatus::parse(status)? == OrderStatus::Draft,
        DocumentKind::Invoice | DocumentKind::CreditNote => {
            InvoiceStatus::parse(status)? == InvoiceStatus::Draft
        }
    };
    if draft {
        Ok(())
    } else {
        Err(format!(
            "only a draft can be deleted; this {} is {}",
            kind.as_str().replace('_', " "),
            status.replace('_', " ")
        ))
    }
}

/// An issued invoice still owing money after its due date.
pub fn is_overdue(status: InvoiceStatus, due_date: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!(status, InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid)
        && due_date.is_some_and(|due| due < today)
}

/// The version and number of the next version of a quote numbered
/// `number`: the original number with `-v2`, `-v3`…
pub fn next_version(number: &str) -> (u32, String) {
    let (original, version) = match number.rsplit_once("-v") {
        Some((original, suffix)) => match suffix.parse::<u32>() {
            Ok(version) => (original, version),
            Err(_) => (number, 1),
        },
        None => (number, 1),
    };
    (version + 1, format!("{original}-v{}", version + 1))
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
    fn only_drafts_are_deleted() {
        assert_eq!(may_delete(DocumentKind::Quote, "draft"), Ok(()));
        assert_eq!(may_delete(DocumentKind::Invoice, "draft"), Ok(()));
        assert_eq!(
            may_delete(DocumentKind::Invoice, "issued").unwrap_err(),
            "only a draft can be deleted; this invoice is issued"
        );
        assert!(may_delete(DocumentKind::Order, "confirmed").is_err());
        assert!(may_delete(DocumentKind::Quote, "sent").is_err());
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

    #[test]
    fn overdue_is_derived_from_the_due_date() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert!(is_overdue(InvoiceStatus::Issued, Some(day(10)), day(11)));
        assert!(!is_overdue(InvoiceStatus::Issued, Some(day(11)), day(11)));
        assert!(!is_overdue(InvoiceStatus::Paid, Some(day(1)), day(11)));
        assert!(!is_overdue(InvoiceStatus::Draft, None, day(11)));
    }

    #[test]
    fn every_kind_has_its_own_series() {
        let series: Vec<&str> = DocumentKind::ALL
            .iter()
            .map(|k| k.series().as_str())
            .collect();
        assert_eq!(series, ["DEV", "CMD", "FAC", "AV"]);
        assert!(
            !DocumentKind::Invoice.numbered_as_draft() && DocumentKind::Order.numbered_as_draft()
        );
    }

    #[test]
    fn versions_keep_the_original_number() {
        assert_eq!(
            next_version("DEV-2026-00007"),
            (2, "DEV-2026-00007-v2".to_owned())
        );
        assert_eq!(
            next_version("DEV-2026-00007-v2"),
            (3, "DEV-2026-00007-v3".to_owned())
        );
    }
}
