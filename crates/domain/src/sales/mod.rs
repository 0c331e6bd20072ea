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
pub use machines::{
    InvoiceAction, OrderAction, QuoteAction, invoice_transition, order_transition, quote_transition,
};

mod machines;
pub mod progress;

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

vocabulary!(
    /// A sales document's status as stored, whatever its kind: the union
    /// of the quote's, the order's and the invoice's statuses (a credit
    /// note has an invoice's). Each state machine works on its kind's own
    /// status, converted from this one.
    DocumentStatus {
        Draft => "draft",
        Sent => "sent",
        Accepted => "accepted",
        Refused => "refused",
        Expired => "expired",
        Converted => "converted",
        Superseded => "superseded",
        Confirmed => "confirmed",
        PartiallyDelivered => "partially_delivered",
        Delivered => "delivered",
        Invoiced => "invoiced",
        Cancelled => "cancelled",
        Issued => "issued",
        PartiallyPaid => "partially_paid",
        Paid => "paid",
        Credited => "credited",
    }
);

/// Converts a kind's status to and from [`DocumentStatus`]; the match on
/// the kind's status is exhaustive, so a status added to a kind must be
/// added to the union too.
macro_rules! kind_status {
    ($kind:ident, $name:literal: $($variant:ident),+) => {
        impl From<$kind> for DocumentStatus {
            fn from(status: $kind) -> Self {
                match status {
                    $($kind::$variant => DocumentStatus::$variant,)+
                }
            }
        }

        impl TryFrom<DocumentStatus> for $kind {
            type Error = String;

            fn try_from(status: DocumentStatus) -> Result<Self, String> {
                match status {
                    $(DocumentStatus::$variant => Ok($kind::$variant),)+
                    other => Err(format!("{other} is not the status of {}", $name)),
                }
            }
        }

        impl PartialEq<$kind> for DocumentStatus {
            fn eq(&self, other: &$kind) -> bool {
                *self == DocumentStatus::from(*other)
            }
        }
    };
}

kind_status!(QuoteStatus, "a quote": Draft, Sent, Accepted, Refused, Expired, Converted, Superseded);
kind_status!(OrderStatus, "an order": Draft, Confirmed, PartiallyDelivered, Delivered, Invoiced, Cancelled);
kind_status!(InvoiceStatus, "an invoice": Draft, Issued, PartiallyPaid, Paid, Credited);

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

/// Whether a document may be deleted: only a draft, never a document that
/// was sent, confirmed or issued (that is part of the record).
pub fn may_delete(kind: DocumentKind, status: DocumentStatus) -> Result<(), String> {
    if status == DocumentStatus::Draft {
        Ok(())
    } else {
        Err(format!(
            "only a draft can be deleted; this {} is {}",
            kind.as_str().replace('_', " "),
            status.as_str().replace('_', " ")
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

    #[test]
    fn every_kind_status_is_a_document_status_and_back() {
        for status in QuoteStatus::ALL {
            assert_eq!(
                QuoteStatus::try_from(DocumentStatus::from(*status)),
                Ok(*status)
            );
        }
        for status in OrderStatus::ALL {
            assert_eq!(
                OrderStatus::try_from(DocumentStatus::from(*status)),
                Ok(*status)
            );
        }
        for status in InvoiceStatus::ALL {
            assert_eq!(
                InvoiceStatus::try_from(DocumentStatus::from(*status)),
                Ok(*status)
            );
        }
        assert_eq!(
            QuoteStatus::try_from(DocumentStatus::Paid),
            Err("paid is not the status of a quote".to_owned())
        );
        assert_eq!(DocumentStatus::ALL.len(), 16);
    }

    #[test]
    fn only_drafts_are_deleted() {
        assert_eq!(
            may_delete(DocumentKind::Quote, DocumentStatus::Draft),
            Ok(())
        );
        assert_eq!(
            may_delete(DocumentKind::Invoice, DocumentStatus::Draft),
            Ok(())
        );
        assert_eq!(
            may_delete(DocumentKind::Invoice, DocumentStatus::Issued).unwrap_err(),
            "only a draft can be deleted; this invoice is issued"
        );
        assert!(may_delete(DocumentKind::Order, DocumentStatus::Confirmed).is_err());
        assert!(may_delete(DocumentKind::Quote, DocumentStatus::Sent).is_err());
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
