//! Spreadsheet files in and out, with no database: reading CSV the way
//! French Excel writes it (Windows-1252, `;`, decimal comma) as well as
//! plain UTF-8 CSV, and matching column headers to the fields of each
//! importable entity, French aliases included.

pub mod columns;
pub mod csv_reader;
pub mod formula;
pub mod numbers;
pub mod xlsx_reader;
