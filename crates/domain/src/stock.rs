//! Stock rules: what each kind of movement does to the levels it touches.
//!
//! A level is kept per (product, variant, location) as `physical` and
//! `reserved`; `available = physical - reserved`. The ledger of movements
//! is the truth: a level always equals the sum of its movements, each
//! movement adding its quantity to its destination and taking it from its
//! source. The rules below decide which locations a movement needs and
//! which level changes must hold for it to be written.

use crate::catalog::vocabulary;
use crate::numbers::Quantity;
use uuid::Uuid;

vocabulary!(
    /// What a movement does.
    MovementType {
        Receipt => "receipt",
        Issue => "issue",
        Transfer => "transfer",
        Adjustment => "adjustment",
    }
);

vocabulary!(
    /// What a location is for.
    LocationKind {
        Internal => "internal",
        Receiving => "receiving",
        Shipping => "shipping",
        Returns => "returns",
        Scrap => "scrap",
    }
);

/// A change to one level. A decrease must leave at least the reserved
/// quantity in place (`available` never goes negative); an increase always
/// succeeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelChange {
    Increase {
        location_id: Uuid,
        quantity: Quantity,
    },
    Decrease {
        location_id: Uuid,
        quantity: Quantity,
    },
}

/// A movement whose shape has been checked: its quantity is positive and
/// it has exactly the locations its type needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MovementPlan {
    pub movement_type: MovementType,
    pub quantity: Quantity,
    pub from_location_id: Option<Uuid>,
    pub to_location_id: Option<Uuid>,
}

/// Why a movement's shape is wrong, as (field, message).
pub type ShapeError = (&'static str, &'static str);

impl MovementPlan {
    /// Checks a movement's shape. `quantity` is what the caller asked for;
    /// an adjustment may be negative (stock found missing), which makes it
    /// a decrease of `from_location_id`; a positive one increases
    /// `to_location_id`.
    pub fn new(
        movement_type: MovementType,
        quantity: Quantity,
        from_location_id: Option<Uuid>,
        to_location_id: Option<Uuid>,
    ) -> Result<Self, Vec<ShapeError>> {
        let mut errors = Vec::new();
        let negative = quantity.value().is_sign_negative() && !quantity.is_zero();
        if quantity.is_zero() {
            errors.push(("quantity", "must not be zero"));
        } else if negative && movement_type != MovementType::Adjustment {
            errors.push(("quantity", "must be positive"));
        }
        let (needs_from, needs_to) = match movement_type {
            MovementType::Receipt => (false, true),
            MovementType::Issue => (true, false),
            MovementType::Transfer => (true, true),
            MovementType::Adjustment => (negative, !negative),
        };
        for (field, given, needed) in [
            ("from_location_id", from_location_id.is_some(), needs_from),
            ("to_location_id", to_location_id.is_some(), needs_to),
        ] {
            match (given, needed) {
                (false, true) => errors.push((field, "is required for this movement")),
                (true, false) => errors.push((field, "does not apply to this movement")),
                _ => {}
            }
        }
        if movement_type == MovementType::Transfer
            && from_location_id.is_some()
            && from_location_id == to_location_id
        {
            errors.push(("to_location_id", "must differ from from_location_id"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Self {
            movement_type,
            quantity: if negative {
                Quantity::from_units(-quantity.units())
            } else {
                quantity
            },
            from_location_id,
            to_location_id,
        })
    }

    /// The level changes the movement makes, decreases first so a shortage
    /// is found before anything is added.
    pub fn changes(&self) -> Vec<LevelChange> {
        let mut changes = Vec::new();
        if let Some(location_id) = self.from_location_id {
            changes.push(LevelChange::Decrease {
                location_id,
                quantity: self.quantity,
            });
        }
        if let Some(location_id) = self.to_location_id {
            changes.push(LevelChange::Increase {
                location_id,
                quantity: self.quantity,
            });
        }
        changes
    }
}

/// The weighted average unit cost after receiving `received` units at
/// `unit_cost` on top of `on_hand` units valued at `average`.
pub fn weighted_average_cost(
    on_hand: Quantity,
    average: crate::numbers::UnitPrice,
    received: Quantity,
    unit_cost: crate::numbers::UnitPrice,
) -> crate::numbers::UnitPrice {
    let on_hand = on_hand.value().max(rust_decimal::Decimal::ZERO);
    let total = on_hand + received.value();
    if total.is_zero() {
        return unit_cost;
    }
    crate::numbers::UnitPrice::round(
        (on_hand * average.value() + received.value() * unit_cost.value()) / total,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::UnitPrice;
    use proptest::prelude::*;

    fn q(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }

    fn place(n: u128) -> Option<Uuid> {
        Some(Uuid::from_u128(n))
    }

    #[test]
    fn each_type_needs_its_own_locations() {
        use MovementType::*;
        assert!(MovementPlan::new(Receipt, q("5"), None, place(1)).is_ok());
        assert!(MovementPlan::new(Issue, q("5"), place(1), None).is_ok());
        assert!(MovementPlan::new(Transfer, q("5"), place(1), place(2)).is_ok());
        assert_eq!(
            MovementPlan::new(Receipt, q("5"), place(1), None).unwrap_err(),
            [
                ("from_location_id", "does not apply to this movement"),
                ("to_location_id", "is required for this movement")
            ]
        );
        assert_eq!(
            MovementPlan::new(Transfer, q("5"), place(1), place(1)).unwrap_err(),
            [("to_location_id", "must differ from from_location_id")]
        );
        assert_eq!(
            MovementPlan::new(Issue, q("-5"), place(1), None).unwrap_err(),
            [("quantity", "must be positive")]
        );
        assert_eq!(
            MovementPlan::new(Issue, q("0"), place(1), None).unwrap_err(),
            [("quantity", "must not be zero")]
        );
    }

    #[test]
    fn an_adjustment_goes_up_or_down_by_its_sign() {
        let up = MovementPlan::new(MovementType::Adjustment, q("2.5"), None, place(1)).unwrap();
        assert_eq!(
            up.changes(),
            [LevelChange::Increase {
                location_id: Uuid::from_u128(1),
                quantity: q("2.5")
            }]
        );
        let down = MovementPlan::new(MovementType::Adjustment, q("-3"), place(1), None).unwrap();
        assert_eq!(down.quantity, q("3"));
        assert_eq!(
            down.changes(),
            [LevelChange::Decrease {
                location_id: Uuid::from_u128(1),
                quantity: q("3")
            }]
        );
        assert!(MovementPlan::new(MovementType::Adjustment, q("-3"), None, place(1)).is_err());
    }

    #[test]
    fn a_transfer_takes_before_it_gives() {
        let plan = MovementPlan::new(MovementType::Transfer, q("1"), place(1), place(2)).unwrap();
        assert!(matches!(plan.changes()[0], LevelChange::Decrease { .. }));
        assert!(matches!(plan.changes()[1], LevelChange::Increase { .. }));
    }

    #[test]
    fn weighted_average_cost_examples() {
        let price = |t: &str| UnitPrice::parse(t).unwrap();
        assert_eq!(
            weighted_average_cost(q("10"), price("5"), q("10"), price("7")),
            price("6")
        );
        assert_eq!(
            weighted_average_cost(q("0"), price("5"), q("3"), price("7.1234")),
            price("7.1234")
        );
        assert_eq!(
            weighted_average_cost(q("1"), price("1"), q("2"), price("2")),
            price("1.6667")
        );
    }

    proptest! {
        #[test]
        fn the_average_lies_between_the_two_costs(
            on_hand in 0i64..1_000_000, received in 1i64..1_000_000,
            old in 0i64..10_000_000, new in 0i64..10_000_000,
        ) {
            let average = weighted_average_cost(
                Quantity::from_units(on_hand * 10), UnitPrice::from_units(old),
                Quantity::from_units(received * 10), UnitPrice::from_units(new),
            );
            prop_assert!(average >= UnitPrice::from_units(old.min(new)));
            prop_assert!(average <= UnitPrice::from_units(old.max(new)));
        }

        #[test]
        fn a_movement_changes_the_total_only_by_receipts_issues_and_adjustments(
            kind in 0usize..4, units in 1i64..1_000_000,
        ) {
            let movement_type = MovementType::ALL[kind];
            let quantity = Quantity::from_units(units * 10);
            let (from, to) = match movement_type {
                MovementType::Receipt => (None, place(2)),
                MovementType::Issue => (place(1), None),
                MovementType::Transfer => (place(1), place(2)),
                MovementType::Adjustment => (None, place(2)),
            };
            let plan = MovementPlan::new(movement_type, quantity, from, to).unwrap();
            let net: i64 = plan.changes().iter().map(|change| match change {
                LevelChange::Increase { quantity, .. } => quantity.units(),
                LevelChange::Decrease { quantity, .. } => -quantity.units(),
            }).sum();
            let expected = match movement_type {
                MovementType::Transfer => 0,
                MovementType::Issue => -quantity.units(),
                _ => quantity.units(),
            };
            prop_assert_eq!(net, expected);
        }
    }
}

vocabulary!(
    /// Where a reservation is: holding stock, given back, or turned into
    /// an issue by a delivery.
    ReservationStatus { Active => "active", Released => "released", Consumed => "consumed" }
);

vocabulary!(
    /// Where a physical inventory is in its life.
    InventoryStatus { Open => "open", Closed => "closed", Cancelled => "cancelled" }
);

vocabulary!(
    /// What can be done to an open inventory.
    InventoryAction { Close => "close", Cancel => "cancel" }
);

/// The inventory state machine: only an open inventory can be closed
/// (adjusting the stock) or cancelled (leaving it as it is).
pub fn inventory_transition(
    status: InventoryStatus,
    action: InventoryAction,
) -> Result<InventoryStatus, String> {
    match (status, action) {
        (InventoryStatus::Open, InventoryAction::Close) => Ok(InventoryStatus::Closed),
        (InventoryStatus::Open, InventoryAction::Cancel) => Ok(InventoryStatus::Cancelled),
        (status, action) => Err(format!("a {status} inventory cannot {action}")),
    }
}

#[cfg(test)]
mod inventory_tests {
    use super::*;

    #[test]
    fn only_an_open_inventory_moves_on() {
        for status in InventoryStatus::ALL {
            for action in InventoryAction::ALL {
                let outcome = inventory_transition(*status, *action);
                match (status, action) {
                    (InventoryStatus::Open, InventoryAction::Close) => {
                        assert_eq!(outcome, Ok(InventoryStatus::Closed))
                    }
                    (InventoryStatus::Open, InventoryAction::Cancel) => {
                        assert_eq!(outcome, Ok(InventoryStatus::Cancelled))
                    }
                    _ => assert!(outcome.is_err(), "{status} {action}"),
                }
            }
        }
    }
}
