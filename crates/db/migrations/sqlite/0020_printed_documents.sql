-- The PDF of an issued invoice or credit note, rendered once when issued:
-- the SHA-256 of the stored file (and of its Factur-X XML), set in the
-- issuing transaction and never changed after (the hash is part of the
-- sales chain's record).
ALTER TABLE sales_documents ADD COLUMN pdf_sha256 TEXT;
ALTER TABLE sales_documents ADD COLUMN xml_sha256 TEXT;
CREATE TRIGGER sales_documents_printed_frozen
BEFORE UPDATE OF pdf_sha256, xml_sha256 ON sales_documents
WHEN OLD.pdf_sha256 IS NOT NULL
    AND (NEW.pdf_sha256 IS NOT OLD.pdf_sha256 OR NEW.xml_sha256 IS NOT OLD.xml_sha256)
BEGIN
    SELECT RAISE(ABORT, 'an issued invoice is immutable: its PDF was rendered once');
END;

-- An organization's own template of a document type (Typst source),
-- replacing the shipped one.
CREATE TABLE document_templates (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_by BLOB REFERENCES users(id),
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, kind)
);
