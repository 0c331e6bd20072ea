//! The purchase-order state machine.
//!
//! ```text
//! draft ──send──▶ sent ──receive (part)──▶ partially_received ──receive (rest)──▶ received
//!   │              │  └──────receive (all)─────────────────────────────────────────▲
//!   └──cancel──▶ cancelled ◀──cancel──┘      (no cancel once anything is received)
//! ```
//! Lines can be changed only in `draft`.

use crate::catalog::vocabulary;

vocabulary!(
    /// Where a purchase order is in its life.
    PurchaseStatus {
        Draft => "draft",
        Sent => "sent",
        PartiallyReceived => "partially_received",
        Received => "received",
        Cancelled => "cancelled",
    }
);

/// What can happen to a purchase order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurchaseAction {
    Send,
    /// A receipt; `complete` when every line is now fully received.
    Receive {
        complete: bool,
    },
    Cancel,
    EditLines,
}

impl PurchaseAction {
    fn describe(self) -> &'static str {
        match self {
            PurchaseAction::Send => "be sent",
            PurchaseAction::Receive { .. } => "receive goods",
            PurchaseAction::Cancel => "be cancelled",
            PurchaseAction::EditLines => "have its lines changed",
        }
    }
}

/// The status after `action`, or why it is not allowed.
pub fn purchase_transition(
    status: PurchaseStatus,
    action: PurchaseAction,
) -> Result<PurchaseStatus, String> {
    use PurchaseAction::*;
    use PurchaseStatus::*;
    match (status, action) {
        (Draft, Send) => Ok(Sent),
        (Draft, EditLines) => Ok(Draft),
        (Sent | PartiallyReceived, Receive { complete: true }) => Ok(Received),
        (Sent | PartiallyReceived, Receive { complete: false }) => Ok(PartiallyReceived),
        (Draft | Sent, Cancel) => Ok(Cancelled),
        (status, action) => Err(format!(
            "a {} purchase order cannot {}",
            status.as_str().replace('_', " "),
            action.describe()
        )),
    }
}

impl PurchaseStatus {
    /// Still expecting goods: counted as "on order" by replenishment.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            PurchaseStatus::Draft | PurchaseStatus::Sent | PurchaseStatus::PartiallyReceived
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PurchaseAction::*;
    use PurchaseStatus::*;

    const ACTIONS: [PurchaseAction; 5] = [
        Send,
        Receive { complete: false },
        Receive { complete: true },
        Cancel,
        EditLines,
    ];

    #[test]
    fn every_allowed_and_every_forbidden_transition() {
        let allowed = [
            (Draft, Send, Sent),
            (Draft, EditLines, Draft),
            (Draft, Cancel, Cancelled),
            (Sent, Receive { complete: false }, PartiallyReceived),
            (Sent, Receive { complete: true }, Received),
            (Sent, Cancel, Cancelled),
            (
                PartiallyReceived,
                Receive { complete: false },
                PartiallyReceived,
            ),
            (PartiallyReceived, Receive { complete: true }, Received),
        ];
        for status in PurchaseStatus::ALL {
            for action in ACTIONS {
                let expected = allowed
                    .iter()
                    .find(|(from, a, _)| from == status && *a == action)
                    .map(|(_, _, to)| *to);
                match (purchase_transition(*status, action), expected) {
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
    fn refusals_say_why() {
        assert_eq!(
            purchase_transition(PartiallyReceived, Cancel).unwrap_err(),
            "a partially received purchase order cannot be cancelled"
        );
        assert!(!Received.is_open() && !Cancelled.is_open() && Sent.is_open());
    }
}
