-- Sales lines carry their VAT exemption reason, copied from the product or
-- given on the line (free-text lines included): it overrides the legal
-- wording of the line's VAT category on the PDF and in the Factur-X XML.
ALTER TABLE sales_lines ADD COLUMN vat_exemption_reason TEXT;
