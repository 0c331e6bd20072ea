//! The conditions of a list query: the organization first, then the
//! values a caller filters on, and the named conditions storage modules
//! write in SQL.

use crate::pool::{Arg, Sql};
use uuid::Uuid;

/// Conditions of a list query, always starting with the organization.
#[derive(Debug, Clone)]
pub struct Filter {
    pub(super) conditions: Vec<String>,
    pub(super) sql: Sql,
}

impl Filter {
    pub fn organization(organization_id: Uuid) -> Self {
        let mut sql = Sql::default();
        let placeholder = sql.arg(organization_id);
        Self {
            conditions: vec![format!("organization_id = {placeholder}")],
            sql,
        }
    }

    /// `column = value` when a value is given.
    pub fn eq(mut self, column: &str, value: Option<impl Into<Arg>>) -> Self {
        if let Some(value) = value {
            let placeholder = self.sql.arg(value);
            self.conditions.push(format!("{column} = {placeholder}"));
        }
        self
    }

    /// `column <> value`.
    pub fn not_eq(self, column: &str, value: impl Into<Arg>) -> Self {
        self.condition(&format!("{column} <> {{}}"), value)
    }

    /// `column >= value` when a value is given.
    pub fn since(self, column: &str, value: Option<impl Into<Arg>>) -> Self {
        match value {
            Some(value) => self.condition(&format!("{column} >= {{}}"), value),
            None => self,
        }
    }

    /// `column <= value` when a value is given.
    pub fn until(self, column: &str, value: Option<impl Into<Arg>>) -> Self {
        match value {
            Some(value) => self.condition(&format!("{column} <= {{}}"), value),
            None => self,
        }
    }

    /// A condition with one `{}` standing for the value's placeholder; SQL
    /// text, so only the storage layer writes one.
    pub(crate) fn condition(mut self, template: &str, value: impl Into<Arg>) -> Self {
        let placeholder = self.sql.arg(value);
        self.conditions.push(template.replace("{}", &placeholder));
        self
    }

    /// A fixed condition without values.
    pub(crate) fn clause(mut self, condition: &'static str) -> Self {
        self.conditions.push(condition.to_owned());
        self
    }

    /// `column IN (ids)`; no id matches nothing.
    pub fn one_of(mut self, column: &str, ids: &[Uuid]) -> Self {
        if ids.is_empty() {
            return self.clause("1 = 0");
        }
        let placeholders: Vec<String> = ids.iter().map(|id| self.sql.arg(*id)).collect();
        self.conditions
            .push(format!("{column} IN ({})", placeholders.join(", ")));
        self
    }

    /// `column IS NULL`.
    pub fn is_null(mut self, column: &str) -> Self {
        self.conditions.push(format!("{column} IS NULL"));
        self
    }

    /// Case-insensitive substring search over `columns`.
    pub fn search(mut self, columns: &[&str], q: Option<&str>) -> Self {
        let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
            return self;
        };
        let escaped = q
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let placeholder = self.sql.arg(format!("%{escaped}%"));
        let any: Vec<String> = columns
            .iter()
            .map(|c| format!("LOWER(COALESCE({c}, '')) LIKE {placeholder} ESCAPE '\\'"))
            .collect();
        self.conditions.push(format!("({})", any.join(" OR ")));
        self
    }
}
