//! How exported rows are written: typed cells, the CSV flavours (French
//! Excel's: `;` separators, decimal commas and a BOM) and the XLSX
//! workbook, streamed as an answer or written to a file.

use crate::error::{ServiceError, ServiceResult};
use crate::transfer::chunks;
use chrono::{Datelike, NaiveDate};
use comptoir_db::resource::Table;
use comptoir_db::{Db, Filter, Record};
use comptoir_transfer::formula;
use futures_util::Stream;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;

/// One cell, typed so the Excel flavour knows what a number is.
pub(super) enum Cell {
    Text(String),
    Number(String),
    /// `YYYY-MM-DD` in CSV, a date cell in XLSX.
    Date(NaiveDate),
    Empty,
}

impl Cell {
    pub(super) fn text(value: impl Into<String>) -> Self {
        Cell::Text(value.into())
    }

    pub(super) fn optional(value: Option<impl Into<String>>) -> Self {
        value.map_or(Cell::Empty, |v| Cell::Text(v.into()))
    }

    pub(super) fn number(value: impl ToString) -> Self {
        Cell::Number(value.to_string())
    }
}

/// What an export is written as.
#[derive(Clone, Copy)]
pub enum Format {
    Csv(Style),
    /// Typed cells: numbers as numbers.
    Xlsx,
}

impl Format {
    /// `csv` (the default) or `xlsx`; `excel`: CSV in French Excel's
    /// flavour.
    pub fn parse(format: Option<&str>, excel: Option<bool>) -> ServiceResult<Self> {
        match format {
            None | Some("csv") => Ok(Format::Csv(Style {
                excel: excel == Some(true),
            })),
            Some("xlsx") => Ok(Format::Xlsx),
            Some(other) => Err(ServiceError::BadInput(format!(
                "format: {other} is not supported; use csv or xlsx"
            ))),
        }
    }
}

/// A CSV flavour.
#[derive(Clone, Copy)]
pub struct Style {
    excel: bool,
}

impl Style {
    fn separator(self) -> char {
        if self.excel { ';' } else { ',' }
    }

    fn field(self, text: &str) -> String {
        if text.contains([self.separator(), '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_owned()
        }
    }

    fn line(self, cells: &[Cell]) -> String {
        let fields: Vec<String> = cells
            .iter()
            .map(|cell| match cell {
                Cell::Text(text) => self.field(&formula::neutralize(text)),
                Cell::Number(number) if self.excel => number.replace('.', ","),
                Cell::Number(number) => number.clone(),
                Cell::Date(date) => date.to_string(),
                Cell::Empty => String::new(),
            })
            .collect();
        let mut line = fields.join(&self.separator().to_string());
        line.push_str("\r\n");
        line
    }
}

/// The cells of one exported row.
type RowCells<T> = Arc<dyn Fn(&T) -> Vec<Cell> + Send + Sync>;

/// What an export writes: the file's stem, its columns, and a row's cells.
pub(super) struct Sheet<T> {
    pub(super) stem: &'static str,
    columns: &'static [&'static str],
    cells: RowCells<T>,
}

impl<T> Sheet<T> {
    pub(super) fn new(
        stem: &'static str,
        columns: &'static [&'static str],
        cells: impl Fn(&T) -> Vec<Cell> + Send + Sync + 'static,
    ) -> Self {
        Self {
            stem,
            columns,
            cells: Arc::new(cells),
        }
    }

    fn header(&self, style: Style) -> String {
        let header: Vec<Cell> = self.columns.iter().map(|c| Cell::text(*c)).collect();
        let bom = if style.excel { "\u{feff}" } else { "" };
        format!("{bom}{}", style.line(&header))
    }
}

/// CSV text as the rows are read: the header, then the lines of each
/// chunk of rows.
pub type CsvText = Pin<Box<dyn Stream<Item = Result<String, std::io::Error>> + Send>>;

/// Every row matching `filter` as CSV, read as the text is consumed.
pub(super) fn csv_text<T>(db: &Db, filter: &Filter, style: Style, sheet: Sheet<T>) -> CsvText
where
    T: Record + Table + Send + 'static,
{
    let first = sheet.header(style);
    let cells = sheet.cells;
    let state = (chunks::<T>(db, filter), Some(first));
    Box::pin(futures_util::stream::unfold(
        state,
        move |(mut rows, first)| {
            let cells = Arc::clone(&cells);
            async move {
                if let Some(first) = first {
                    return Some((Ok(first), (rows, None)));
                }
                let text = match rows.recv().await? {
                    Ok(chunk) => Ok(chunk.iter().map(|row| style.line(&cells(row))).collect()),
                    Err(error) => Err(std::io::Error::other(error.to_string())),
                };
                Some((text, (rows, None)))
            }
        },
    ))
}

/// Writes the rows into a workbook a chunk at a time; in constant-memory
/// mode each finished row leaves memory for a temporary file. Returns the
/// workbook and how many rows it holds.
pub(super) async fn workbook<T: Record + Table + 'static>(
    db: &Db,
    filter: &Filter,
    sheet: &Sheet<T>,
) -> ServiceResult<(rust_xlsxwriter::Workbook, u64)> {
    let failed = |e: rust_xlsxwriter::XlsxError| ServiceError::internal(e);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let worksheet = workbook
        .add_worksheet_with_constant_memory()
        .map_err(failed)?;
    worksheet.set_name(sheet.stem).map_err(failed)?;
    for (column, name) in sheet.columns.iter().enumerate() {
        worksheet
            .write_string(0, column as u16, *name)
            .map_err(failed)?;
    }
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let mut row_number: u32 = 1;
    let mut rows = chunks::<T>(db, filter);
    while let Some(chunk) = rows.recv().await {
        for row in &chunk? {
            for (column, cell) in (sheet.cells)(row).into_iter().enumerate() {
                let column = column as u16;
                match cell {
                    Cell::Text(text) => {
                        worksheet
                            .write_string(row_number, column, text)
                            .map_err(failed)?;
                    }
                    Cell::Number(number) => match number.parse::<f64>() {
                        Ok(value) => {
                            worksheet
                                .write_number(row_number, column, value)
                                .map_err(failed)?;
                        }
                        Err(_) => {
                            worksheet
                                .write_string(row_number, column, number)
                                .map_err(failed)?;
                        }
                    },
                    Cell::Date(date) => {
                        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(
                            date.year() as u16,
                            date.month() as u8,
                            date.day() as u8,
                        )
                        .map_err(failed)?;
                        worksheet
                            .write_datetime_with_format(row_number, column, &day, &date_format)
                            .map_err(failed)?;
                    }
                    Cell::Empty => {}
                }
            }
            row_number += 1;
        }
    }
    Ok((workbook, u64::from(row_number - 1)))
}

/// Writes every row matching `filter` to `path`; returns how many.
pub(super) async fn write_file<T: Record + Table + 'static>(
    db: &Db,
    filter: &Filter,
    format: Format,
    sheet: &Sheet<T>,
    path: &std::path::Path,
) -> ServiceResult<u64> {
    let cannot_write =
        |e: std::io::Error| ServiceError::BadInput(format!("cannot write {}: {e}", path.display()));
    let style = match format {
        Format::Xlsx => {
            let (mut workbook, written) = workbook(db, filter, sheet).await?;
            workbook.save(path).map_err(|e| {
                ServiceError::BadInput(format!("cannot write {}: {e}", path.display()))
            })?;
            return Ok(written);
        }
        Format::Csv(style) => style,
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(cannot_write)?);
    out.write_all(sheet.header(style).as_bytes())
        .map_err(cannot_write)?;
    let mut written = 0;
    let mut rows = chunks::<T>(db, filter);
    while let Some(chunk) = rows.recv().await {
        let chunk = chunk?;
        for row in &chunk {
            out.write_all(style.line(&(sheet.cells)(row)).as_bytes())
                .map_err(cannot_write)?;
        }
        written += chunk.len() as u64;
    }
    out.flush().map_err(cannot_write)?;
    Ok(written)
}
