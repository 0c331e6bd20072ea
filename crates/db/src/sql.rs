//! SQL text and its arguments, written once for both backends: `$n`
//! placeholders in the text, arguments collected as [`Arg`] values and
//! turned into each driver's arguments in one place.

use crate::error::DbError;
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::catalog::{
    AddressKind, ClientStatus, PartyKind, PriceScope, ProductKind, Unit, VatCategory,
};
use comptoir_domain::identifiers::{Barcode, Code, Email, Siren, Siret, VatNumber};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::permissions::Role;
use serde_json::Value;
use sqlx::Arguments;
use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteArguments;
use sqlx::types::Json;
use uuid::Uuid;

/// A value bound to a query.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    Uuid(Option<Uuid>),
    Bool(Option<bool>),
    Json(Option<Value>),
    Timestamp(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    /// Raw bytes: a BLOB on SQLite, BYTEA on PostgreSQL.
    Bytes(Option<Vec<u8>>),
}

/// SQL text with its arguments, in `$n` order. The text is written once
/// for both backends with `$n` placeholders.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
        }
    }

    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Appends text; `$n` placeholders in it continue the numbering.
    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Adds an argument and returns its placeholder (`$n`).
    pub fn arg(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// The text and arguments for SQLite, which gets an anonymous `?` per
    /// placeholder occurrence, in text order: its driver looks each
    /// numbered parameter up by name, a cost that grows with the square of
    /// their number, while `?` binds by position.
    pub(crate) fn into_sqlite(self) -> Result<(String, SqliteArguments), DbError> {
        let (text, order) = positional(&self.text);
        let mut uses = vec![0_usize; self.args.len()];
        for &index in &order {
            if let Some(count) = uses.get_mut(index) {
                *count += 1;
            }
        }
        let mut args: Vec<Option<Arg>> = self.args.into_iter().map(Some).collect();
        let mut out = SqliteArguments::default();
        for index in order {
            let arg = match (uses.get_mut(index), args.get_mut(index)) {
                (Some(count), Some(slot)) => {
                    *count -= 1;
                    if *count == 0 {
                        slot.take()
                    } else {
                        slot.clone()
                    }
                }
                _ => None,
            };
            match arg.unwrap_or(Arg::Text(None)) {
                Arg::I64(v) => out.add(v),
                Arg::Text(v) => out.add(v),
                Arg::Uuid(v) => out.add(v),
                Arg::Bool(v) => out.add(v),
                Arg::Json(v) => out.add(v.map(Json)),
                Arg::Timestamp(v) => out.add(v),
                Arg::Date(v) => out.add(v),
                Arg::Bytes(v) => out.add(v),
            }
            .map_err(DbError::Bind)?;
        }
        Ok((text, out))
    }

    pub(crate) fn into_pg(self) -> Result<(String, PgArguments), DbError> {
        let mut out = PgArguments::default();
        for arg in self.args {
            match arg {
                Arg::I64(v) => out.add(v),
                Arg::Text(v) => out.add(v),
                Arg::Uuid(v) => out.add(v),
                Arg::Bool(v) => out.add(v),
                Arg::Json(v) => out.add(v.map(Json)),
                Arg::Timestamp(v) => out.add(v),
                Arg::Date(v) => out.add(v),
                Arg::Bytes(v) => out.add(v),
            }
            .map_err(DbError::Bind)?;
        }
        Ok((self.text, out))
    }
}

/// `text` with each `$n` outside quotes replaced by `?`, and the argument
/// index (`n - 1`) of each, in order.
fn positional(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut order = Vec::new();
    let mut quote = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '$') if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut number = 0_usize;
                while let Some(digit) = chars.peek().and_then(|d| d.to_digit(10)) {
                    number = number * 10 + digit as usize;
                    chars.next();
                }
                order.push(number.saturating_sub(1));
                out.push('?');
                continue;
            }
            (None, _) => {}
        }
        out.push(c);
    }
    (out, order)
}

macro_rules! arg_from {
    ($variant:ident: $($ty:ty => |$v:ident| $conv:expr),+ $(,)?) => {
        $(
            impl From<$ty> for Arg {
                fn from($v: $ty) -> Self {
                    Arg::$variant(Some($conv))
                }
            }
            impl From<Option<$ty>> for Arg {
                fn from(value: Option<$ty>) -> Self {
                    Arg::$variant(value.map(|$v| $conv))
                }
            }
        )+
    };
}

arg_from!(I64:
    i64 => |v| v,
    i32 => |v| i64::from(v),
    Money => |v| v.units(),
    UnitPrice => |v| v.units(),
    Quantity => |v| v.units(),
    Percent => |v| v.units(),
);
arg_from!(Text:
    String => |v| v,
    &str => |v| v.to_owned(),
    &String => |v| v.clone(),
    Code => |v| v.into_inner(),
    &Code => |v| v.as_str().to_owned(),
    Email => |v| v.into_inner(),
    Barcode => |v| v.into_inner(),
    Siren => |v| v.into_inner(),
    Siret => |v| v.into_inner(),
    VatNumber => |v| v.into_inner(),
    Role => |v| v.as_str().to_owned(),
    ProductKind => |v| v.as_str().to_owned(),
    Unit => |v| v.as_str().to_owned(),
    VatCategory => |v| v.as_str().to_owned(),
    PartyKind => |v| v.as_str().to_owned(),
    ClientStatus => |v| v.as_str().to_owned(),
    AddressKind => |v| v.as_str().to_owned(),
    PriceScope => |v| v.as_str().to_owned(),
);
arg_from!(Uuid: Uuid => |v| v);
arg_from!(Bool: bool => |v| v);
arg_from!(Json: Value => |v| v);
arg_from!(Timestamp: DateTime<Utc> => |v| v);
arg_from!(Date: NaiveDate => |v| v);
arg_from!(Bytes: Vec<u8> => |v| v);

#[cfg(test)]
mod tests {
    use super::positional;

    #[test]
    fn sqlite_placeholders_follow_the_text_and_skip_quotes() {
        let (text, order) =
            positional("SELECT $2, '$1 it''s', \"$3\", $1, $2 FROM t WHERE x = $10 AND y = 'a'");
        assert_eq!(
            text,
            "SELECT ?, '$1 it''s', \"$3\", ?, ? FROM t WHERE x = ? AND y = 'a'"
        );
        assert_eq!(order, [1, 0, 1, 9]);
    }
}
