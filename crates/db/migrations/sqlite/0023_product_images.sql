-- Product images: the file and its thumbnail live in the file store, named
-- by their SHA-256 (written before this row); `position` orders a
-- product's images, the first one is its main picture.
CREATE TABLE product_images (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    product_id BLOB NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    file_sha256 TEXT NOT NULL,
    thumbnail_sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ix_product_images_product ON product_images(product_id, position);
