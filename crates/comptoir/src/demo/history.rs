//! The demo's sales history, planned: eighteen months of quotes, orders,
//! deliveries, invoices, credit notes and payments, drawn from a fixed
//! pseudo-random sequence, so every run gives the same figures relative
//! to today. Busier in summer and in December, and growing a little month
//! after month, so this year's curve stands above last year's. `ledger`
//! writes the plan, oldest step first.

use chrono::{Datelike, Days, Months, NaiveDate};
use comptoir_db::catalog::Product;
use comptoir_db::parties::Client;
use comptoir_domain::catalog::{ClientStatus, ProductKind};
use std::collections::HashMap;
use uuid::Uuid;

/// How many months of history, the current one included: enough for a
/// year of sales and most of the year before.
pub(super) const MONTHS: u32 = 18;
/// How long a quote stays valid, in days.
pub(super) const QUOTE_VALIDITY: u64 = 30;
/// Activity per calendar month, in percent: events fill the summer and
/// December.
const SEASON: [u64; 12] = [60, 65, 85, 100, 130, 160, 170, 120, 135, 105, 90, 140];
/// Invoices issued within this many days may still be unpaid.
const RECENT_DAYS: u64 = 150;
/// At most about this much, in euros, on one line.
const LINE_CAP_EUROS: i64 = 1_500;

/// A sale: a client and what they buy (product index, whole quantity).
pub(super) struct Sale {
    pub client: usize,
    pub lines: Vec<(usize, i64)>,
}

/// One step of a sale's life, written as the workflow of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// A quote drafted and sent.
    Quote,
    /// The client refused the quote.
    Refuse,
    /// The quote job expired the quote, unanswered past its validity.
    Expire,
    /// An order, from the accepted quote if there is one, drafted and
    /// confirmed (its goods reserved).
    Order,
    /// Everything delivered.
    Deliver,
    /// The delivered goods invoiced and the invoice issued.
    Invoice,
    /// A credit note for one unit of the invoice's first line.
    Credit,
    /// A payment: this percentage of the balance due, or all of it.
    Pay(Option<i64>),
}

/// The whole history: the sales and their steps in date order.
pub(super) struct Plan {
    pub sales: Vec<Sale>,
    /// Every step up to today, oldest first; one sale's steps keep their
    /// order (the sort is stable).
    pub steps: Vec<(NaiveDate, usize, Step)>,
}

impl Plan {
    /// The whole units of each goods product the history's orders take:
    /// what the warehouse must have received before.
    pub fn stock_needed(&self, products: &[Product]) -> HashMap<Uuid, i64> {
        let mut needed = HashMap::new();
        for (_, index, step) in &self.steps {
            if *step != Step::Order {
                continue;
            }
            for (product, quantity) in &self.sales[*index].lines {
                let product = &products[*product];
                if product.kind == ProductKind::Goods {
                    *needed.entry(product.id).or_insert(0) += quantity;
                }
            }
        }
        needed
    }
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn days(&mut self, low: u64, high: u64) -> Days {
        Days::new(self.between(low, high))
    }

    /// An index below `n`, the small ones more often: a few favourites
    /// and a long tail, for top-10 lists with a shape.
    fn skewed(&mut self, n: usize) -> usize {
        let n = n.max(1) as u64;
        (self.below(n) * (self.below(n) + 1) / n) as usize
    }
}

/// Plans the history up to `today` for the demo's products and clients.
pub(super) fn plan(today: NaiveDate, products: &[Product], clients: &[Client]) -> Plan {
    let mut rng = Rng(0xC0_4E70_1A2D_2026);
    // Fixed shuffles, so the favourites are not simply the first created.
    let mut shelf: Vec<usize> = (0..products.len()).collect();
    shelf.sort_by_key(|&i| ((i * 37 + 11) % 101, i));
    let mut buyers: Vec<usize> = (0..clients.len())
        .filter(|&i| clients[i].status == ClientStatus::Active)
        .collect();
    buyers.sort_by_key(|&i| ((i * 29 + 3) % 53, i));
    let first = today.with_day(1).unwrap_or(today) - Months::new(MONTHS - 1);
    let mut sales = Vec::new();
    let mut steps = Vec::new();
    let mut direct_orders = 0;
    for month in 0..MONTHS {
        let start = first + Months::new(month);
        let weight = SEASON[start.month0() as usize] * (100 + 2 * u64::from(month));
        let quoted = 9 * weight / 10_000 + rng.below(3);
        let direct = 4 * weight / 10_000 + rng.below(2);
        for k in 0..quoted + direct {
            let day = start + rng.days(0, 27);
            let client = buyers[rng.skewed(buyers.len())];
            let mut lines: Vec<(usize, i64)> = Vec::new();
            for _ in 0..rng.between(1, 3) {
                let product = shelf[rng.skewed(shelf.len())];
                if lines.iter().all(|(p, _)| *p != product) {
                    lines.push((product, quantity(&mut rng, &products[product])));
                }
            }
            let index = sales.len();
            let terms = u64::try_from(clients[client].payment_terms_days).unwrap_or(0);
            // One direct order in twelve gets a credit note: direct
            // orders are all invoiced, so there are always a few.
            if k >= quoted {
                direct_orders += 1;
            }
            let life = Life {
                today,
                terms,
                quoted: k < quoted,
                credit: k >= quoted && direct_orders % 12 == 5 && lines[0].1 >= 2,
            };
            if day <= today {
                let planned = life.steps(&mut rng, day);
                steps.extend(
                    planned
                        .into_iter()
                        .take_while(|(date, _)| *date <= today)
                        .map(|(date, step)| (date, index, step)),
                );
            }
            sales.push(Sale { client, lines });
        }
    }
    steps.sort_by_key(|(date, _, _)| *date);
    Plan { sales, steps }
}

/// How much of a product one line takes: bulk for cheap items, never
/// much more than [`LINE_CAP_EUROS`].
fn quantity(rng: &mut Rng, product: &Product) -> i64 {
    let price = product.sale_price.0.units().max(1);
    let wanted = if price < 15 * 10_000 {
        rng.between(6, 60)
    } else if product.kind == ProductKind::Service {
        rng.between(1, 12)
    } else {
        rng.between(2, 24)
    } as i64;
    wanted.min((LINE_CAP_EUROS * 10_000 / price).max(1))
}

/// What shapes one sale's life.
struct Life {
    today: NaiveDate,
    /// The client's payment terms, in days (0: paid at once).
    terms: u64,
    quoted: bool,
    credit: bool,
}

impl Life {
    /// Every step of the sale from `day`, including those after today
    /// (the caller keeps those up to today).
    fn steps(&self, rng: &mut Rng, mut day: NaiveDate) -> Vec<(NaiveDate, Step)> {
        let mut steps = Vec::new();
        if self.quoted {
            steps.push((day, Step::Quote));
            match rng.below(100) {
                0..60 => day = day + rng.days(2, 20),
                60..80 => {
                    steps.push((day + rng.days(3, 20), Step::Refuse));
                    return steps;
                }
                _ => {
                    steps.push((day + Days::new(QUOTE_VALIDITY + 1), Step::Expire));
                    return steps;
                }
            }
        }
        steps.push((day, Step::Order));
        day = day + rng.days(2, 14);
        steps.push((day, Step::Deliver));
        day = day + rng.days(0, 3);
        steps.push((day, Step::Invoice));
        let invoiced = day;
        let due = invoiced + Days::new(self.terms);
        if self.credit {
            day = day + rng.days(3, 10);
            steps.push((day, Step::Credit));
        }
        let company = self.terms > 0;
        let recent = self.today - Days::new(RECENT_DAYS) < invoiced;
        match rng.below(100) {
            // Not paid (yet): overdue once the due date is past.
            0..10 if company && recent => {}
            10..20 if company && recent => {
                let paid = (invoiced + rng.days(5, 25)).max(day);
                steps.push((paid, Step::Pay(Some(rng.between(30, 60) as i64))));
            }
            90.. => {
                day = day.max(invoiced + rng.days(7, 20));
                steps.push((day, Step::Pay(Some(50))));
                steps.push((day + rng.days(20, 40), Step::Pay(None)));
            }
            _ if company => {
                let paid = (due - Days::new(20) + rng.days(0, 35)).max(day);
                steps.push((paid, Step::Pay(None)));
            }
            _ => steps.push((day, Step::Pay(None))),
        }
        steps
    }
}
