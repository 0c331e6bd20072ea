-- A barcode identifies exactly one product or one variant of the
-- organization: the primary key enforces it across both tables.
CREATE TABLE barcodes (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    barcode TEXT NOT NULL,
    product_id UUID REFERENCES products(id) ON DELETE CASCADE,
    variant_id UUID REFERENCES product_variants(id) ON DELETE CASCADE,
    PRIMARY KEY (organization_id, barcode),
    CONSTRAINT ck_barcodes_owner CHECK ((product_id IS NULL) <> (variant_id IS NULL))
);
CREATE INDEX ix_barcodes_product ON barcodes(product_id);
CREATE INDEX ix_barcodes_variant ON barcodes(variant_id);

INSERT INTO barcodes (organization_id, barcode, product_id)
    SELECT organization_id, barcode, id FROM products WHERE barcode IS NOT NULL;
INSERT INTO barcodes (organization_id, barcode, variant_id)
    SELECT organization_id, barcode, id FROM product_variants WHERE barcode IS NOT NULL;

CREATE INDEX ix_price_rules_product ON price_rules(product_id);
CREATE INDEX ix_price_rules_variant ON price_rules(variant_id);
CREATE INDEX ix_price_rules_category ON price_rules(category_id);
CREATE INDEX ix_clients_price_list ON clients(price_list_id);
