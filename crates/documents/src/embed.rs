//! Turns a PDF/A-3b into a Factur-X invoice: the CII XML embedded as
//! `factur-x.xml` (associated file, relationship `Alternative`: the XML is
//! the same invoice as the page), and the Factur-X XMP properties with the
//! PDF/A extension schema that declares them. Done here, after the
//! template, so no template can leave the XML out.

use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat};

pub const FACTURX_FILE_NAME: &str = "factur-x.xml";
const FACTURX_NAMESPACE: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

#[derive(Debug, thiserror::Error)]
#[error("could not embed the Factur-X XML: {0}")]
pub struct EmbedError(String);

impl From<lopdf::Error> for EmbedError {
    fn from(error: lopdf::Error) -> Self {
        EmbedError(error.to_string())
    }
}

fn text(value: &str) -> Object {
    Object::String(value.as_bytes().to_vec(), StringFormat::Literal)
}

/// The XMP properties of a Factur-X EN 16931 invoice.
fn facturx_description() -> String {
    format!(
        "<rdf:Description rdf:about=\"\" xmlns:fx=\"{FACTURX_NAMESPACE}\">\
         <fx:DocumentType>INVOICE</fx:DocumentType>\
         <fx:DocumentFileName>{FACTURX_FILE_NAME}</fx:DocumentFileName>\
         <fx:Version>1.0</fx:Version>\
         <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>\
         </rdf:Description>"
    )
}

/// The PDF/A extension schema declaring the four `fx` properties.
fn facturx_schema() -> String {
    let property = |name: &str, description: &str| {
        format!(
            "<rdf:li rdf:parseType=\"Resource\">\
             <pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>external</pdfaProperty:category>\
             <pdfaProperty:description>{description}</pdfaProperty:description>\
             </rdf:li>"
        )
    };
    format!(
        "<rdf:li rdf:parseType=\"Resource\">\
         <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>{FACTURX_NAMESPACE}</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>fx</pdfaSchema:prefix>\
         <pdfaSchema:property><rdf:Seq>{}{}{}{}</rdf:Seq></pdfaSchema:property>\
         </rdf:li>",
        property("DocumentFileName", "The name of the embedded XML document"),
        property(
            "DocumentType",
            "The type of the hybrid document in capital letters"
        ),
        property(
            "Version",
            "The actual version of the standard applying to the embedded XML document"
        ),
        property(
            "ConformanceLevel",
            "The conformance level of the embedded XML document"
        ),
    )
}

/// Adds the Factur-X properties to an XMP packet, inside its existing
/// extension schemas when it has some (PDF/A allows one such property).
fn with_facturx(xmp: &str) -> Result<String, EmbedError> {
    const BAG_END: &str = "</rdf:Bag></pdfaExtension:schemas>";
    const RDF_END: &str = "</rdf:RDF>";
    let mut xmp = xmp.to_owned();
    let schema = facturx_schema();
    match xmp.find(BAG_END) {
        Some(at) => xmp.insert_str(at, &schema),
        None => {
            let at = xmp
                .find(RDF_END)
                .ok_or_else(|| EmbedError("the XMP metadata has no rdf:RDF".into()))?;
            xmp.insert_str(
                at,
                &format!(
                    "<rdf:Description rdf:about=\"\" \
                     xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
                     xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
                     xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
                     <pdfaExtension:schemas><rdf:Bag>{schema}</rdf:Bag></pdfaExtension:schemas>\
                     </rdf:Description>"
                ),
            );
        }
    }
    let at = xmp
        .find(RDF_END)
        .ok_or_else(|| EmbedError("the XMP metadata has no rdf:RDF".into()))?;
    xmp.insert_str(at, &facturx_description());
    Ok(xmp)
}

/// The PDF with `xml` embedded as its Factur-X invoice.
pub fn embed_facturx(
    pdf: &[u8],
    xml: &[u8],
    modified: DateTime<Utc>,
) -> Result<Vec<u8>, EmbedError> {
    let mut document = Document::load_mem(pdf)?;
    let pdf_date = text(&modified.format("D:%Y%m%d%H%M%SZ").to_string());

    let mut params = Dictionary::new();
    params.set(
        "Size",
        Object::Integer(i64::try_from(xml.len()).unwrap_or(i64::MAX)),
    );
    params.set("ModDate", pdf_date);
    let mut file = Dictionary::new();
    file.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    file.set("Subtype", Object::Name(b"text/xml".to_vec()));
    file.set("Params", Object::Dictionary(params));
    let mut stream = Stream::new(file, xml.to_vec());
    stream.compress()?;
    let file_id = document.add_object(stream);

    let mut embedded = Dictionary::new();
    embedded.set("F", Object::Reference(file_id));
    embedded.set("UF", Object::Reference(file_id));
    let mut spec = Dictionary::new();
    spec.set("Type", Object::Name(b"Filespec".to_vec()));
    spec.set("F", text(FACTURX_FILE_NAME));
    spec.set("UF", text(FACTURX_FILE_NAME));
    spec.set("Desc", text("Factur-X invoice (CII, EN 16931)"));
    spec.set("AFRelationship", Object::Name(b"Alternative".to_vec()));
    spec.set("EF", Object::Dictionary(embedded));
    let spec_id = document.add_object(spec);

    let metadata_id = document
        .catalog()?
        .get(b"Metadata")
        .and_then(Object::as_reference)?;
    let metadata = document.get_object_mut(metadata_id)?.as_stream_mut()?;
    let xmp = String::from_utf8(
        metadata
            .decompressed_content()
            .unwrap_or(metadata.content.clone()),
    )
    .map_err(|_| EmbedError("the XMP metadata is not UTF-8".into()))?;
    metadata.dict.remove(b"Filter");
    metadata.set_content(with_facturx(&xmp)?.into_bytes());

    let mut names = Dictionary::new();
    names.set(
        "Names",
        Object::Array(vec![text(FACTURX_FILE_NAME), Object::Reference(spec_id)]),
    );
    let catalog = document.catalog_mut()?;
    catalog.set("AF", Object::Array(vec![Object::Reference(spec_id)]));
    match catalog.get_mut(b"Names").and_then(Object::as_dict_mut) {
        Ok(existing) => existing.set("EmbeddedFiles", Object::Dictionary(names)),
        Err(_) => {
            let mut tree = Dictionary::new();
            tree.set("EmbeddedFiles", Object::Dictionary(names));
            catalog.set("Names", Object::Dictionary(tree));
        }
    }
    // Object and cross-reference streams (allowed from PDF/A-2 on) pack
    // the many small dictionaries of the tagged structure, a third of an
    // invoice's bytes written one by one.
    let mut out = Vec::with_capacity(pdf.len() + xml.len());
    document
        .save_modern(&mut out)
        .map_err(|error| EmbedError(error.to_string()))?;
    Ok(out)
}
