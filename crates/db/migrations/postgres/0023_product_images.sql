-- Product images: the file and its thumbnail live in the file store, named
-- by their SHA-256 (written before this row); `position` orders a
-- product's images, the first one is its main picture.
CREATE TABLE product_images (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    product_id UUID NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    file_sha256 TEXT NOT NULL,
    thumbnail_sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    position BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ix_product_images_product ON product_images(product_id, position);
