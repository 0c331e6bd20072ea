//! The invoice XML a Factur-X or ZUGFeRD PDF carries: an attachment of the
//! document's `EmbeddedFiles` name tree (PDF 32000 §7.11.4) under one of
//! the names the standards give it.

use super::ReceiveError;
use lopdf::{Dictionary, Document, Object};

/// The attachment names of Factur-X and ZUGFeRD 2.1+, ZUGFeRD 1.0 and 2.0
/// (`ZUGFeRD-invoice.xml`), and XRechnung, compared without case.
const INVOICE_NAMES: [&str; 3] = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"];

/// A name tree deeper than this is malformed or hostile.
const MAX_DEPTH: usize = 16;
/// An invoice XML larger than this once inflated is refused, so a small
/// compressed bomb cannot exhaust memory.
const MAX_XML_BYTES: usize = 20 * 1024 * 1024;

pub fn invoice_xml(bytes: &[u8]) -> Result<Vec<u8>, ReceiveError> {
    let document = Document::load_mem(bytes).map_err(|e| ReceiveError::BadPdf(e.to_string()))?;
    let catalog = document
        .catalog()
        .map_err(|e| ReceiveError::BadPdf(e.to_string()))?;
    let Some(tree) = resolve_dict(&document, catalog, b"Names")
        .and_then(|names| resolve_dict(&document, names, b"EmbeddedFiles"))
    else {
        return Err(ReceiveError::PlainPdf);
    };
    let mut files = Vec::new();
    collect(&document, tree, 0, &mut files);
    let chosen = files.iter().find_map(|(name, spec)| {
        let name = name.to_ascii_lowercase();
        INVOICE_NAMES.contains(&name.as_str()).then_some(*spec)
    });
    let Some(spec) = chosen else {
        return Err(ReceiveError::PlainPdf);
    };
    let stream = resolve_dict(&document, spec, b"EF")
        .and_then(|ef| ef.get(b"F").or_else(|_| ef.get(b"UF")).ok())
        .and_then(|f| document.dereference(f).ok())
        .and_then(|(_, object)| object.as_stream().ok())
        .ok_or_else(|| ReceiveError::BadPdf("the embedded invoice has no content".into()))?;
    let content = if stream.filters().map(|f| f.is_empty()).unwrap_or(true) {
        stream.content.clone()
    } else {
        stream
            .decompressed_content_with_limit(MAX_XML_BYTES)
            .map_err(|e| {
                ReceiveError::BadPdf(format!("the embedded invoice cannot be inflated: {e}"))
            })?
    };
    Ok(content)
}

/// The dictionary at `key` of `dictionary`, through references.
fn resolve_dict<'a>(
    document: &'a Document,
    dictionary: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Dictionary> {
    let object = dictionary.get(key).ok()?;
    let (_, object) = document.dereference(object).ok()?;
    object.as_dict().ok()
}

/// Every `(name, file specification)` of a name tree node and its kids.
fn collect<'a>(
    document: &'a Document,
    node: &'a Dictionary,
    depth: usize,
    files: &mut Vec<(String, &'a Dictionary)>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(names) = array(document, node, b"Names") {
        for pair in names.chunks(2) {
            let [name, spec] = pair else { continue };
            let name = document
                .dereference(name)
                .ok()
                .and_then(|(_, n)| n.as_str().ok())
                .map(text_string);
            let spec = document
                .dereference(spec)
                .ok()
                .and_then(|(_, s)| s.as_dict().ok());
            if let (Some(name), Some(spec)) = (name, spec) {
                files.push((name, spec));
            }
        }
    }
    for kid in array(document, node, b"Kids").into_iter().flatten() {
        if let Some(kid) = document
            .dereference(kid)
            .ok()
            .and_then(|(_, k)| k.as_dict().ok())
        {
            collect(document, kid, depth + 1, files);
        }
    }
}

/// A PDF text string: UTF-16BE after its byte order mark, else taken as
/// PDFDocEncoding, which matches ASCII for the names looked for.
fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(b"\xFE\xFF") {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn array<'a>(document: &'a Document, node: &'a Dictionary, key: &[u8]) -> Option<&'a Vec<Object>> {
    let object = node.get(key).ok()?;
    document.dereference(object).ok()?.1.as_array().ok()
}
