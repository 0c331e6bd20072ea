//! File downloads as the OpenAPI document describes them.

/// A file's bytes in a response (a PDF, an image, an XML or a workbook):
/// a `string` of format `binary`, which generated clients hand over as a
/// file.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[expect(
    dead_code,
    reason = "it only describes a response body to the OpenAPI document"
)]
pub struct FileBytes(Vec<u8>);
