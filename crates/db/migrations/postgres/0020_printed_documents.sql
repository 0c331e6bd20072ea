-- The PDF of an issued invoice or credit note, rendered once when issued:
-- the SHA-256 of the stored file (and of its Factur-X XML), set in the
-- issuing transaction and never changed after (the hash is part of the
-- sales chain's record).
ALTER TABLE sales_documents ADD COLUMN pdf_sha256 TEXT;
ALTER TABLE sales_documents ADD COLUMN xml_sha256 TEXT;
CREATE FUNCTION printed_document_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.pdf_sha256 IS NOT NULL
       AND (NEW.pdf_sha256, NEW.xml_sha256) IS DISTINCT FROM (OLD.pdf_sha256, OLD.xml_sha256) THEN
        RAISE EXCEPTION 'an issued invoice is immutable: its PDF was rendered once';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sales_documents_printed_frozen BEFORE UPDATE OF pdf_sha256, xml_sha256 ON sales_documents
    FOR EACH ROW EXECUTE FUNCTION printed_document_frozen();

-- An organization's own template of a document type (Typst source),
-- replacing the shipped one.
CREATE TABLE document_templates (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_by UUID REFERENCES users(id),
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (organization_id, kind)
);
