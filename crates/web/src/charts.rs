//! Charts drawn on the server as SVG: the geometry of column and bar
//! charts from a series' values, for the templates to draw (`charts.html`).
//! No chart library is shipped to the browser; each chart also carries
//! its values as a table for screen readers.
//!
//! Pixel geometry is `f64`; the values themselves stay decimals and are
//! written by the caller's formatter.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

pub const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 76.0;
/// Intervals between the axis's ticks.
const STEPS: u32 = 5;
const BOTTOM: f64 = 24.0;
const TOP: f64 = 8.0;
const RIGHT: f64 = 16.0;
const ROW: f64 = 26.0;
const LABEL_WIDTH: f64 = 180.0;

/// The smallest 1, 2 or 5 × 10ⁿ at or above `value`: a round top for the
/// axis.
pub fn round_up(value: Decimal) -> Decimal {
    if value <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let mut magnitude = Decimal::ONE;
    while magnitude * Decimal::TEN <= value {
        magnitude *= Decimal::TEN;
    }
    while magnitude > value {
        magnitude /= Decimal::TEN;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|step| magnitude * Decimal::from(step))
        .find(|top| *top >= value)
        .unwrap_or(magnitude * Decimal::TEN)
}

fn fraction(value: Decimal, top: Decimal) -> f64 {
    (value.max(Decimal::ZERO) / top).to_f64().unwrap_or(0.0)
}

#[derive(Serialize, Debug, PartialEq)]
pub struct Column {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub label: String,
    pub value: String,
}

#[derive(Serialize, Debug)]
pub struct Tick {
    pub y: f64,
    pub label: String,
}

#[derive(Serialize, Debug)]
pub struct ColumnChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub baseline: f64,
    pub columns: Vec<Column>,
    /// The same periods a year earlier, drawn behind the columns.
    pub previous: Vec<Column>,
    pub ticks: Vec<Tick>,
    /// Every how many columns a label is written under the axis.
    pub label_every: usize,
}

/// A column per value (`label`, value), with an optional earlier series of
/// the same length drawn beside it; `format` writes values, `tick` the
/// axis.
pub fn columns(
    values: &[(String, Decimal)],
    previous: Option<&[Decimal]>,
    format: impl Fn(Decimal) -> String,
    tick: impl Fn(Decimal) -> String,
) -> ColumnChart {
    let highest = values
        .iter()
        .map(|(_, v)| *v)
        .chain(previous.into_iter().flatten().copied())
        .max()
        .unwrap_or_default();
    let top = round_up(highest);
    let baseline = HEIGHT - BOTTOM;
    let plot = baseline - TOP;
    let slot = (WIDTH - LEFT - RIGHT) / values.len().max(1) as f64;
    let column = |index: usize, value: Decimal, label: &str, offset: f64, share: f64| {
        let height = plot * fraction(value, top);
        Column {
            x: LEFT + slot * index as f64 + slot * offset,
            y: baseline - height,
            width: slot * share,
            height,
            label: label.to_owned(),
            value: format(value),
        }
    };
    let (offset, share) = if previous.is_some() {
        (0.45, 0.4)
    } else {
        (0.15, 0.7)
    };
    let drawn = values
        .iter()
        .enumerate()
        .map(|(i, (label, value))| column(i, *value, label, offset, share))
        .collect();
    let earlier = previous
        .map(|previous| {
            previous
                .iter()
                .zip(values)
                .enumerate()
                .map(|(i, (value, (label, _)))| column(i, *value, label, 0.05, 0.4))
                .collect()
        })
        .unwrap_or_default();
    let ticks = (0..=STEPS)
        .map(|step| {
            let value = top * Decimal::from(step) / Decimal::from(STEPS);
            Tick {
                y: baseline - plot * f64::from(step) / f64::from(STEPS),
                label: tick(value),
            }
        })
        .collect();
    ColumnChart {
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        baseline,
        columns: drawn,
        previous: earlier,
        ticks,
        label_every: values.len().div_ceil(13).max(1),
    }
}

#[derive(Serialize, Debug)]
pub struct Bar {
    pub y: f64,
    pub width: f64,
    pub label: String,
    /// The label cut to fit beside the bar.
    pub short_label: String,
    pub value: String,
}

#[derive(Serialize, Debug)]
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    pub label_width: f64,
    pub row: f64,
    pub bars: Vec<Bar>,
}

/// A horizontal bar per value, longest first as given: for rankings.
pub fn bars(values: &[(String, Decimal)], format: impl Fn(Decimal) -> String) -> BarChart {
    let top = values.iter().map(|(_, v)| *v).max().unwrap_or_default();
    let room = WIDTH - LABEL_WIDTH - 110.0;
    let bars = values
        .iter()
        .enumerate()
        .map(|(i, (label, value))| Bar {
            y: ROW * i as f64,
            width: if top > Decimal::ZERO {
                (room * fraction(*value, top)).max(1.0)
            } else {
                1.0
            },
            label: label.clone(),
            short_label: shortened(label, 26),
            value: format(*value),
        })
        .collect();
    BarChart {
        width: WIDTH,
        height: ROW * values.len().max(1) as f64,
        label_width: LABEL_WIDTH,
        row: ROW,
        bars,
    }
}

/// `text` cut to `max` characters, an ellipsis marking the cut.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max - 1).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        assert_eq!(shortened("Garage Martin", 26), "Garage Martin");
        assert_eq!(
            shortened("Établissements Dupont et Fils", 12),
            "Établisseme…"
        );
    }

    #[test]
    fn axes_end_on_a_round_value() {
        assert_eq!(round_up(d(0)), d(1));
        assert_eq!(round_up(d(7)), d(10));
        assert_eq!(round_up(d(10)), d(10));
        assert_eq!(round_up(d(11)), d(20));
        assert_eq!(round_up(d(26_900)), d(50_000));
        assert_eq!(round_up(Decimal::new(35, 2)), Decimal::new(5, 1));
    }

    #[test]
    fn the_highest_column_fills_the_plot_to_its_share_of_the_axis() {
        let values = vec![("a".to_owned(), d(50)), ("b".to_owned(), d(100))];
        let chart = columns(&values, None, |v| v.to_string(), |v| v.to_string());
        assert_eq!(chart.columns.len(), 2);
        let full = chart.baseline - TOP;
        assert!((chart.columns[1].height - full).abs() < 1e-9);
        assert!((chart.columns[0].height - full / 2.0).abs() < 1e-9);
        assert_eq!(chart.ticks.last().unwrap().label, "100");
        assert!(chart.columns[0].x + chart.columns[0].width <= chart.columns[1].x);
    }

    #[test]
    fn the_previous_year_sits_beside_each_column() {
        let values = vec![("a".to_owned(), d(10)), ("b".to_owned(), d(20))];
        let chart = columns(
            &values,
            Some(&[d(40), d(0)]),
            |v| v.to_string(),
            |v| v.to_string(),
        );
        assert_eq!(chart.previous.len(), 2);
        assert_eq!(chart.ticks.last().unwrap().label, "50");
        assert!(chart.previous[0].x + chart.previous[0].width <= chart.columns[0].x + 1e-9);
    }

    proptest! {
        #[test]
        fn columns_stay_inside_the_chart(values in proptest::collection::vec(-1_000_000i64..10_000_000, 0..60)) {
            let values: Vec<_> = values.into_iter().map(|v| (String::new(), Decimal::new(v, 2))).collect();
            let chart = columns(&values, None, |v| v.to_string(), |v| v.to_string());
            for column in &chart.columns {
                prop_assert!(column.height >= 0.0 && column.y >= TOP - 1e-9);
                prop_assert!(column.x >= LEFT && column.x + column.width <= WIDTH + 1e-9);
            }
            let ranked = bars(&values, |v| v.to_string());
            for bar in &ranked.bars {
                prop_assert!(bar.width >= 1.0 && bar.width <= WIDTH - LABEL_WIDTH);
            }
        }
    }
}
