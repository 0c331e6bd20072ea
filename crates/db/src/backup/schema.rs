//! What a backup copies: the tables of Comptoir's schema as either
//! backend describes them, their columns' types, and the order that
//! puts each table after the tables it references.

use crate::error::DbError;
use crate::pool::{Backend, Sql, Tx};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// What a column holds; PostgreSQL's schema tells it exactly, SQLite's only
/// as a storage class (see [`ColumnType::from_sqlite`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ColumnType {
    Uuid,
    Text,
    Integer,
    Boolean,
    Timestamp,
    Date,
    Json,
}

impl ColumnType {
    pub(super) fn from_postgres(
        table: &str,
        column: &str,
        data_type: &str,
    ) -> Result<Self, DbError> {
        Ok(match data_type {
            "uuid" => Self::Uuid,
            "text" => Self::Text,
            "bigint" => Self::Integer,
            "boolean" => Self::Boolean,
            "timestamp with time zone" => Self::Timestamp,
            "date" => Self::Date,
            "jsonb" => Self::Json,
            other => {
                return Err(DbError::Backup(format!(
                    "column {table}.{column} has type {other}, which backups do not carry"
                )));
            }
        })
    }

    /// The SQLite migrations store identifiers as BLOB, numbers and flags
    /// as INTEGER and everything else as TEXT; between two SQLite databases
    /// the values are copied as stored.
    pub(super) fn from_sqlite(table: &str, column: &str, declared: &str) -> Result<Self, DbError> {
        Ok(match declared {
            "BLOB" => Self::Uuid,
            "INTEGER" => Self::Integer,
            "TEXT" => Self::Text,
            other => {
                return Err(DbError::Backup(format!(
                    "column {table}.{column} is declared {other}, which backups do not carry"
                )));
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Table {
    pub(super) name: String,
    pub(super) columns: Vec<(String, ColumnType)>,
    /// A column referencing the table itself (a tree): rows are written
    /// parents first.
    pub(super) parent_column: Option<String>,
}

impl Table {
    pub(super) fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(name, _)| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn types(&self) -> Vec<ColumnType> {
        self.columns.iter().map(|(_, kind)| *kind).collect()
    }

    pub(super) fn select(&self) -> String {
        format!("SELECT {} FROM \"{}\"", self.column_list(), self.name)
    }
}

/// The tables of a database, each after the tables it references.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Schema {
    pub(super) backend: Backend,
    pub(super) tables: Vec<Table>,
}

/// Tables that hold no business data: the migration history belongs to the
/// target's own migrations, and a backup's files go to the file store.
pub(super) fn is_copied(table: &str) -> bool {
    table != "_sqlx_migrations"
        && table != super::files::FILES_TABLE
        && !table.starts_with("sqlite_")
}

/// Settings a fresh database may already hold (a generated JWT secret): the
/// backup's replace them, so tokens issued before a move stay valid.
pub(super) const SETTINGS_TABLE: &str = "app_settings";

/// Three names read from a database's catalog: (table, column, type) or
/// (table, referenced table, column).
type CatalogRow = (String, String, String);

impl Schema {
    pub(super) async fn read(tx: &mut Tx) -> Result<Self, DbError> {
        let backend = tx.backend();
        let (columns, references): (Vec<CatalogRow>, Vec<CatalogRow>) =
            match backend {
                Backend::Postgres => (
                    tx.fetch_all(Sql::new(
                        "SELECT table_name::text, column_name::text, data_type::text \
                         FROM information_schema.columns \
                         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
                    ))
                    .await?,
                    tx.fetch_all(Sql::new(
                        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, a.attname::text \
                         FROM pg_constraint c JOIN pg_attribute a \
                         ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                         WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace",
                    ))
                    .await?,
                ),
                Backend::Sqlite => (
                    tx.fetch_all(Sql::new(
                        "SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p \
                         WHERE m.type = 'table' ORDER BY m.name, p.cid",
                    ))
                    .await?,
                    tx.fetch_all(Sql::new(
                        "SELECT m.name, f.\"table\", f.\"from\" \
                         FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
                    ))
                    .await?,
                ),
            };
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        for (table, column, declared) in columns {
            if !is_copied(&table) {
                continue;
            }
            let kind = match backend {
                Backend::Postgres => ColumnType::from_postgres(&table, &column, &declared)?,
                Backend::Sqlite => ColumnType::from_sqlite(&table, &column, &declared)?,
            };
            tables
                .entry(table.clone())
                .or_insert_with(|| Table {
                    name: table,
                    columns: Vec::new(),
                    parent_column: None,
                })
                .columns
                .push((column, kind));
        }
        let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (table, referenced, column) in references {
            if table == referenced {
                if let Some(entry) = tables.get_mut(&table) {
                    entry.parent_column = Some(column);
                }
            } else {
                parents.entry(table).or_default().insert(referenced);
            }
        }
        Ok(Self {
            backend,
            tables: referenced_first(tables, &parents)?,
        })
    }

    /// The schema that says what the values are: PostgreSQL's when one side
    /// is PostgreSQL. Both sides must have the same tables and columns.
    pub(super) fn reconcile(a: Schema, b: Schema) -> Result<Schema, DbError> {
        let shape = |schema: &Schema| -> BTreeMap<String, BTreeSet<String>> {
            schema
                .tables
                .iter()
                .map(|t| {
                    let columns = t.columns.iter().map(|(c, _)| c.clone()).collect();
                    (t.name.clone(), columns)
                })
                .collect()
        };
        let (shape_a, shape_b) = (shape(&a), shape(&b));
        if let Some((table, _)) = shape_a
            .iter()
            .find(|(table, columns)| shape_b.get(*table) != Some(columns))
            .or_else(|| {
                shape_b
                    .iter()
                    .find(|(table, _)| !shape_a.contains_key(*table))
            })
        {
            return Err(DbError::Backup(format!(
                "table {table} differs between the backup and the database: \
                 are both at the same Comptoir version?"
            )));
        }
        Ok(if b.backend == Backend::Postgres { b } else { a })
    }
}

/// Orders tables so that each comes after the tables it references.
pub(super) fn referenced_first(
    mut tables: BTreeMap<String, Table>,
    parents: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Vec<Table>, DbError> {
    let mut ordered = Vec::with_capacity(tables.len());
    let mut placed = HashSet::new();
    while !tables.is_empty() {
        let ready: Vec<String> = tables
            .keys()
            .filter(|name| {
                parents
                    .get(*name)
                    .is_none_or(|p| p.iter().all(|p| placed.contains(p)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(DbError::Backup(format!(
                "tables reference each other in a cycle: {}",
                tables.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        for name in ready {
            placed.insert(name.clone());
            ordered.extend(tables.remove(&name));
        }
    }
    Ok(ordered)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        Table {
            name: name.to_owned(),
            columns: vec![("id".to_owned(), ColumnType::Uuid)],
            parent_column: None,
        }
    }

    #[test]
    fn tables_come_after_the_tables_they_reference() {
        let tables = ["lines", "orders", "clients", "organizations"]
            .map(|name| (name.to_owned(), table(name)))
            .into();
        let parents = BTreeMap::from([
            ("lines".to_owned(), BTreeSet::from(["orders".to_owned()])),
            (
                "orders".to_owned(),
                BTreeSet::from(["clients".to_owned(), "organizations".to_owned()]),
            ),
            (
                "clients".to_owned(),
                BTreeSet::from(["organizations".to_owned()]),
            ),
        ]);
        let order: Vec<String> = referenced_first(tables, &parents)
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(order, ["organizations", "clients", "orders", "lines"]);
    }

    #[test]
    fn a_reference_cycle_is_refused() {
        let tables = ["a", "b"].map(|name| (name.to_owned(), table(name))).into();
        let parents = BTreeMap::from([
            ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
            ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
        ]);
        assert!(matches!(
            referenced_first(tables, &parents),
            Err(DbError::Backup(_))
        ));
    }
}
