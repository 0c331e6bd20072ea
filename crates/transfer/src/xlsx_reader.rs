//! XLSX input, read cell by cell from the sheet's XML so a large sheet is
//! never held whole in memory.

use calamine::{DataRef, Reader, Xlsx, open_workbook};
use std::path::Path;

/// Whether the file starts like a ZIP archive, as every XLSX does.
pub fn looks_like_xlsx(start: &[u8]) -> bool {
    start.starts_with(b"PK\x03\x04")
}

/// Text of a cell as a spreadsheet user typed it: numbers in their
/// shortest exact form, booleans as `true`/`false`, dates as
/// `YYYY-MM-DD` (with the time when there is one).
fn text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(text) | DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => {
            text.trim().to_owned()
        }
        DataRef::SharedString(text) => text.trim().to_owned(),
        DataRef::Int(n) => n.to_string(),
        DataRef::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", *x as i64),
        DataRef::Float(x) => x.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(date) => match date.as_datetime() {
            Some(moment) if moment.time() == chrono::NaiveTime::MIN => moment.date().to_string(),
            Some(moment) => moment.format("%Y-%m-%dT%H:%M:%S").to_string(),
            None => date.as_f64().to_string(),
        },
        DataRef::Error(error) => format!("#{error:?}"),
    }
}

/// Calls `on_row` with each non-blank row of the sheet (the first one, or
/// the one named), numbered as in the spreadsheet; stops when it returns
/// `false`.
pub fn read_rows(
    path: &Path,
    sheet: Option<&str>,
    mut on_row: impl FnMut(u64, Vec<String>) -> bool,
) -> Result<(), String> {
    let mut workbook: Xlsx<_> =
        open_workbook(path).map_err(|e| format!("not a readable XLSX file: {e}"))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "no sheet named {wanted}; the file has: {}",
                    names.join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| "the workbook has no sheet".to_owned())?,
    };
    let mut cells = workbook
        .worksheet_cells_reader(&name)
        .map_err(|e| format!("cannot read sheet {name}: {e}"))?;
    let mut current: Option<(u32, Vec<String>)> = None;
    let mut emit = |row: u32, fields: Vec<String>| {
        if fields.iter().all(String::is_empty) {
            return true;
        }
        on_row(u64::from(row) + 1, fields)
    };
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| format!("cannot read sheet {name}: {e}"))?
    {
        let (row, column) = cell.get_position();
        if current.as_ref().is_some_and(|(r, _)| *r != row)
            && let Some((r, fields)) = current.take()
            && !emit(r, fields)
        {
            return Ok(());
        }
        let (_, fields) = current.get_or_insert_with(|| (row, Vec::new()));
        let column = column as usize;
        if fields.len() <= column {
            fields.resize(column + 1, String::new());
        }
        fields[column] = text(cell.get_value());
    }
    if let Some((row, fields)) = current {
        emit(row, fields);
    }
    Ok(())
}
