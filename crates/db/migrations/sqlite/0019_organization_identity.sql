-- The organization's identity, as its documents print it and the law asks
-- of a seller: legal name and form, share capital (ten-thousandths, like
-- every amount), address, registration numbers, contact, bank account,
-- logo (a file of the file store, named by its SHA-256), default payment
-- terms, late-payment penalty rate (ten-thousandths of a percent), the
-- early-payment discount terms, the footer and a free text per document
-- type. Everything may be left empty but the country and the terms.
ALTER TABLE organizations ADD COLUMN legal_name TEXT;
ALTER TABLE organizations ADD COLUMN legal_form TEXT;
ALTER TABLE organizations ADD COLUMN share_capital INTEGER;
ALTER TABLE organizations ADD COLUMN address_line1 TEXT;
ALTER TABLE organizations ADD COLUMN address_line2 TEXT;
ALTER TABLE organizations ADD COLUMN postal_code TEXT;
ALTER TABLE organizations ADD COLUMN city TEXT;
ALTER TABLE organizations ADD COLUMN country TEXT NOT NULL DEFAULT 'FR';
ALTER TABLE organizations ADD COLUMN siren TEXT;
ALTER TABLE organizations ADD COLUMN siret TEXT;
ALTER TABLE organizations ADD COLUMN rcs_city TEXT;
ALTER TABLE organizations ADD COLUMN vat_number TEXT;
ALTER TABLE organizations ADD COLUMN naf_code TEXT;
ALTER TABLE organizations ADD COLUMN email TEXT;
ALTER TABLE organizations ADD COLUMN phone TEXT;
ALTER TABLE organizations ADD COLUMN website TEXT;
ALTER TABLE organizations ADD COLUMN iban TEXT;
ALTER TABLE organizations ADD COLUMN bic TEXT;
ALTER TABLE organizations ADD COLUMN logo_sha256 TEXT;
ALTER TABLE organizations ADD COLUMN logo_content_type TEXT;
ALTER TABLE organizations ADD COLUMN payment_terms_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE organizations ADD COLUMN late_penalty_rate INTEGER;
ALTER TABLE organizations ADD COLUMN early_payment_discount TEXT;
ALTER TABLE organizations ADD COLUMN footer TEXT;
ALTER TABLE organizations ADD COLUMN quote_text TEXT;
ALTER TABLE organizations ADD COLUMN order_text TEXT;
ALTER TABLE organizations ADD COLUMN delivery_text TEXT;
ALTER TABLE organizations ADD COLUMN invoice_text TEXT;
ALTER TABLE organizations ADD COLUMN credit_note_text TEXT;
ALTER TABLE organizations ADD COLUMN purchase_order_text TEXT;
