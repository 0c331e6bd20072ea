//! CSV input, streamed. The encoding (UTF-8 with or without BOM, else
//! Windows-1252) and the separator (`;`, `,` or tab) are guessed from the
//! start of the file, then the rest is decoded as it is read, so memory
//! stays bounded whatever the file size.

use encoding_rs::WINDOWS_1252;
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::io::{self, Cursor, Read};

/// How much of the file is looked at to guess encoding and separator.
const SNIFF_BYTES: usize = 64 * 1024;

/// A CSV file's rows, after its header, as text fields.
pub struct CsvRows {
    reader: csv::Reader<Box<dyn Read + Send>>,
    headers: Vec<String>,
    record: csv::StringRecord,
}

#[derive(Debug, thiserror::Error)]
pub enum CsvError {
    #[error("could not read the file: {0}")]
    Io(#[from] io::Error),
    #[error("malformed CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("the file is empty: a header row is needed")]
    Empty,
}

/// Whether `bytes` is UTF-8, allowing a character cut at the end.
fn looks_like_utf8(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none() && bytes.len() - error.valid_up_to() < 4,
    }
}

/// The separator used most in the first line, outside quotes.
fn guess_delimiter(start: &str) -> u8 {
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in start.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                for (delimiter, count) in counts.iter_mut() {
                    if c as u32 == u32::from(*delimiter) {
                        *count += 1;
                    }
                }
            }
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, count)| *count)
        .filter(|(_, count)| *count > 0)
        .map_or(b',', |(delimiter, _)| *delimiter)
}

impl CsvRows {
    pub fn open<R: Read + Send + 'static>(mut source: R) -> Result<Self, CsvError> {
        let mut start = Vec::with_capacity(SNIFF_BYTES);
        (&mut source)
            .take(SNIFF_BYTES as u64)
            .read_to_end(&mut start)?;
        let utf8 = looks_like_utf8(&start);
        let preview = if utf8 {
            String::from_utf8_lossy(start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&start))
                .into_owned()
        } else {
            WINDOWS_1252
                .decode_without_bom_handling(&start)
                .0
                .into_owned()
        };
        let delimiter = guess_delimiter(&preview);
        let whole = Cursor::new(start).chain(source);
        let decoded = DecodeReaderBytesBuilder::new()
            .encoding(if utf8 { None } else { Some(WINDOWS_1252) })
            .bom_override(true)
            .build(whole);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .has_headers(true)
            .from_reader(Box::new(decoded) as Box<dyn Read + Send>);
        let headers: Vec<String> = reader
            .headers()?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(CsvError::Empty);
        }
        Ok(Self {
            reader,
            headers,
            record: csv::StringRecord::new(),
        })
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// The next row's fields, or `None` at the end. Blank lines are
    /// skipped; fields are trimmed, and a `'` an export put in front of a
    /// would-be formula is taken off (`formula::restore`).
    pub fn next_row(&mut self) -> Result<Option<Vec<String>>, CsvError> {
        loop {
            if !self.reader.read_record(&mut self.record)? {
                return Ok(None);
            }
            if self.record.iter().all(|field| field.trim().is_empty()) {
                continue;
            }
            return Ok(Some(
                self.record
                    .iter()
                    .map(|f| crate::formula::restore(f.trim()).to_owned())
                    .collect(),
            ));
        }
    }

    /// The spreadsheet row number of the last row read: the header is
    /// row 1, and rows left blank still count, as in Excel.
    pub fn row_number(&self) -> u64 {
        self.record.position().map_or(0, |p| p.record() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(bytes: &'static [u8]) -> (Vec<String>, Vec<Vec<String>>) {
        let mut csv = CsvRows::open(bytes).unwrap();
        let headers = csv.headers().to_vec();
        let mut rows = Vec::new();
        while let Some(row) = csv.next_row().unwrap() {
            rows.push(row);
        }
        (headers, rows)
    }

    #[test]
    fn french_excel_windows_1252_with_semicolons() {
        // "Désignation;Prix HT\r\nCafé crème;2,50\r\n" in Windows-1252.
        let (headers, rows) = rows(b"D\xe9signation;Prix HT\r\nCaf\xe9 cr\xe8me;2,50\r\n\r\n");
        assert_eq!(headers, ["Désignation", "Prix HT"]);
        assert_eq!(rows, [["Café crème", "2,50"]]);
    }

    #[test]
    fn utf8_with_bom_commas_and_quotes() {
        let (headers, rows) =
            rows("\u{feff}code,name\nA1,\"Table, chêne\"\nA2,\"Dit \"\"bistrot\"\"\"\n".as_bytes());
        assert_eq!(headers, ["code", "name"]);
        assert_eq!(rows, [["A1", "Table, chêne"], ["A2", "Dit \"bistrot\""]]);
    }

    #[test]
    fn a_semicolon_inside_quotes_does_not_decide_the_separator() {
        assert_eq!(guess_delimiter("\"a;b;c\",d,e\n1;2"), b',');
        assert_eq!(guess_delimiter("a\tb\tc"), b'\t');
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert!(matches!(CsvRows::open(&b""[..]), Err(CsvError::Empty)));
    }

    #[test]
    fn rows_are_numbered_as_in_the_spreadsheet() {
        let mut csv = CsvRows::open(&b"code;name\nA;a\n;\nB;b\n"[..]).unwrap();
        csv.next_row().unwrap();
        assert_eq!(csv.row_number(), 2);
        assert_eq!(csv.next_row().unwrap().unwrap(), ["B", "b"]);
        assert_eq!(csv.row_number(), 4);
    }
}
