//! Rows of an imported file: reading them (CSV or XLSX, on a blocking
//! thread, the header first), turning each into the JSON object the API
//! would receive (spreadsheet numbers, dates and yes/no cells), and into
//! the API's own request type, merged over the record its code names;
//! `Cells` names a problem after the file's own column.

use crate::patch::merge_patch;
use chrono::NaiveDate;
use comptoir_db::imports::RowProblem;
use comptoir_domain::FieldErrors;
use comptoir_transfer::columns::ColumnMap;
use comptoir_transfer::csv_reader::CsvRows;
use comptoir_transfer::numbers::{normalize_date, normalize_decimal};
use comptoir_transfer::xlsx_reader;
use serde_json::{Map, Value, json};

/// A row turned into the API's JSON, with the problems its cells had.
pub(super) struct ParsedRow<'a> {
    pub(super) cells: Cells<'a>,
    pub(super) object: Map<String, Value>,
    pub(super) problems: Vec<RowProblem>,
}

/// A text cell of a row, trimmed and upper-cased as codes are stored.
pub(super) fn upper_text(object: &Map<String, Value>, field: &str) -> Option<String> {
    object
        .get(field)
        .and_then(Value::as_str)
        .map(|text| text.trim().to_uppercase())
        .filter(|text| !text.is_empty())
}

/// The code a row names, as stored (upper case).
pub(super) fn object_code(object: &Map<String, Value>) -> Option<String> {
    object
        .get("code")
        .and_then(Value::as_str)
        .map(str::to_uppercase)
}

/// The code cell of a raw row, as stored.
pub(super) fn row_code(map: &ColumnMap, fields: &[String]) -> Option<String> {
    let (_, index) = map.fields.iter().find(|(field, _)| *field == "code")?;
    let cell = fields.get(*index)?.trim();
    (!cell.is_empty()).then(|| cell.to_uppercase())
}

/// The row turned into the storage input exactly as the API validates it,
/// merged over the record its code names when there is one; `problems`
/// are those the row's cells already had.
pub(super) fn validated<T, R, I>(
    existing: Option<T>,
    object: Map<String, Value>,
    mut problems: Vec<RowProblem>,
    validate: impl FnOnce(R) -> Result<I, FieldErrors>,
    cells: &Cells<'_>,
) -> Result<(Option<T>, I), Vec<RowProblem>>
where
    T: serde::Serialize,
    R: serde::de::DeserializeOwned,
{
    let request: R = request_from(existing.as_ref(), object)
        .map_err(|message| vec![cells.problem("code", message)])?;
    match validate(request) {
        Ok(input) if problems.is_empty() => Ok((existing, input)),
        Ok(_) => Err(problems),
        Err(errors) => {
            problems.extend(
                errors
                    .into_vec()
                    .into_iter()
                    .map(|e| cells.problem(&e.field, e.message)),
            );
            Err(problems)
        }
    }
}

/// The request a row stands for: the row's fields merged over the current
/// record when the code exists (like a PATCH), or the row alone.
pub(super) fn request_from<T: serde::Serialize, R: serde::de::DeserializeOwned>(
    existing: Option<&T>,
    object: Map<String, Value>,
) -> Result<R, String> {
    match existing {
        Some(current) => merge_patch(current, Value::Object(object)).map_err(|e| e.to_string()),
        None => serde_json::from_value(Value::Object(object)).map_err(|e| e.to_string()),
    }
}

/// One data row and where its cells go.
#[derive(Clone, Copy)]
pub(super) struct Cells<'a> {
    pub(super) map: &'a ColumnMap,
    pub(super) headers: &'a [String],
    pub(super) fields: &'a [String],
    pub(super) number: i64,
}

impl Cells<'_> {
    /// A problem with `field` in this row, naming the file's own column.
    pub(super) fn problem(&self, field: &str, message: String) -> RowProblem {
        let index = self
            .map
            .fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, index)| *index);
        RowProblem {
            row_number: self.number,
            column_name: index
                .and_then(|i| self.headers.get(i).cloned())
                .unwrap_or_else(|| field.to_owned()),
            value: index.and_then(|i| self.fields.get(i).cloned()),
            message,
        }
    }
}

/// Fields whose cells are numbers written the spreadsheet way.
const DECIMAL_FIELDS: &[&str] = &[
    "sale_price",
    "fixed_price",
    "min_quantity",
    "purchase_price",
    "vat_rate",
    "discount_percent",
    "credit_limit",
    "physical",
];

/// The JSON object of a row: blank cells are left out (a blank does not
/// erase), numbers get a decimal point, yes/no cells become booleans.
pub(super) fn row_object(
    map: &ColumnMap,
    fields: &[String],
    problem: &impl Fn(&str, String) -> RowProblem,
) -> (Map<String, Value>, Vec<RowProblem>) {
    let mut object = Map::new();
    let mut problems = Vec::new();
    for (field, index) in &map.fields {
        let Some(cell) = fields.get(*index).filter(|cell| !cell.is_empty()) else {
            continue;
        };
        let value = match *field {
            "active" => match cell.to_lowercase().as_str() {
                "1" | "oui" | "o" | "yes" | "y" | "true" | "vrai" | "x" => json!(true),
                "0" | "non" | "n" | "no" | "false" | "faux" => json!(false),
                _ => {
                    problems.push(problem(
                        field,
                        "must be oui/non, yes/no, true/false or 1/0".into(),
                    ));
                    continue;
                }
            },
            "payment_terms_days" => match cell.parse::<i64>() {
                Ok(days) => json!(days),
                Err(_) => {
                    problems.push(problem(field, "must be a whole number of days".into()));
                    continue;
                }
            },
            field if DECIMAL_FIELDS.contains(&field) => json!(normalize_decimal(cell)),
            "valid_from" | "valid_to" => {
                match NaiveDate::parse_from_str(&normalize_date(cell), "%Y-%m-%d") {
                    Ok(date) => json!(date),
                    Err(_) => {
                        problems.push(problem(
                            field,
                            "must be a date: DD/MM/YYYY or YYYY-MM-DD".into(),
                        ));
                        continue;
                    }
                }
            }
            _ => json!(cell),
        };
        object.insert((*field).to_owned(), value);
    }
    (object, problems)
}

pub(super) struct Row {
    pub(super) number: u64,
    pub(super) fields: Vec<String>,
}

/// The header travels as the first message, then every row. XLSX files
/// are recognized by their ZIP signature; anything else is read as CSV.
pub(super) fn read_rows(
    path: &std::path::Path,
    sheet: Option<&str>,
    sender: tokio::sync::mpsc::Sender<Result<Row, String>>,
) -> Result<(), String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut signature = [0_u8; 4];
    let read = std::io::Read::read(&mut file, &mut signature).map_err(|e| e.to_string())?;
    if xlsx_reader::looks_like_xlsx(&signature[..read]) {
        return xlsx_reader::read_rows(path, sheet, |number, fields| {
            sender.blocking_send(Ok(Row { number, fields })).is_ok()
        })
        .inspect_err(|message| {
            let _ = sender.blocking_send(Err(message.clone()));
        });
    }
    std::io::Seek::rewind(&mut file).map_err(|e| e.to_string())?;
    let mut csv = CsvRows::open(std::io::BufReader::new(file)).map_err(|e| e.to_string())?;
    let header = Row {
        number: 1,
        fields: csv.headers().to_vec(),
    };
    if sender.blocking_send(Ok(header)).is_err() {
        return Ok(());
    }
    loop {
        match csv.next_row() {
            Ok(Some(fields)) => {
                let row = Row {
                    number: csv.row_number(),
                    fields,
                };
                if sender.blocking_send(Ok(row)).is_err() {
                    return Ok(());
                }
            }
            Ok(None) => return Ok(()),
            Err(error) => {
                let message = format!("row {}: {error}", csv.row_number() + 1);
                let _ = sender.blocking_send(Err(message.clone()));
                return Err(message);
            }
        }
    }
}
