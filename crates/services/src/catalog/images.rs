//! A product's images: an upload checked to be a JPEG, PNG or WebP image
//! of at most 5 MiB that decodes, its thumbnail made once, both put in the
//! file store before the row naming them is written.

use crate::catalog::nested::{self, Nested};
use crate::records::{self, audited};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::{self as store, Product, ProductImage, ProductImageInput};
use comptoir_db::resource::{self, Listing, Page, Sort};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::images::{ImageFormat, MAX_IMAGE_BYTES, thumbnail_size};
use serde::Deserialize;
use std::io::Cursor;
use uuid::Uuid;

audited!(ProductImage => "product_image");

impl Nested for ProductImage {
    fn parent_id(&self) -> Uuid {
        self.product_id
    }
}

/// Which of an image's files to read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImageSize {
    /// The image as uploaded.
    #[default]
    Original,
    /// Its thumbnail, a PNG within 256 × 256 pixels.
    Thumbnail,
}

/// An image's bytes and their media type.
pub struct ImageFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Decoding stops past these, whatever the file's size: a small file may
/// describe a huge picture.
const MAX_EDGE: u32 = 12_000;
const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// An upload checked to be an image, with its thumbnail.
struct Checked {
    format: ImageFormat,
    width: u32,
    height: u32,
    thumbnail: Vec<u8>,
}

fn not_an_image() -> ServiceError {
    ServiceError::field("file", "is not a JPEG, PNG or WebP image that can be read")
}

/// Decodes `bytes` as the format their first bytes announce and makes the
/// thumbnail. CPU work: run it off the async threads.
fn check(bytes: &[u8]) -> ServiceResult<Checked> {
    let format = ImageFormat::sniff(bytes).ok_or_else(not_an_image)?;
    let mut reader = image::ImageReader::with_format(
        Cursor::new(bytes),
        match format {
            ImageFormat::Jpeg => image::ImageFormat::Jpeg,
            ImageFormat::Png => image::ImageFormat::Png,
            ImageFormat::WebP => image::ImageFormat::WebP,
        },
    );
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_EDGE);
    limits.max_image_height = Some(MAX_EDGE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|_| not_an_image())?;
    let (width, height) = (decoded.width(), decoded.height());
    let (thumb_width, thumb_height) = thumbnail_size(width, height);
    let small = decoded.resize_exact(
        thumb_width,
        thumb_height,
        image::imageops::FilterType::Triangle,
    );
    let mut thumbnail = Vec::new();
    image::DynamicImage::ImageRgba8(small.to_rgba8())
        .write_to(&mut Cursor::new(&mut thumbnail), image::ImageFormat::Png)
        .map_err(ServiceError::internal)?;
    Ok(Checked {
        format,
        width,
        height,
        thumbnail,
    })
}

/// Adds an image to the product, after its others. 413 over 5 MiB, 422
/// when `file` is missing or not an image that decodes, 404 for a product
/// of another organization.
pub async fn add(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    file: Option<Vec<u8>>,
) -> ServiceResult<ProductImage> {
    records::get::<Product>(db, actor, product_id).await?;
    let bytes = file.ok_or_else(|| ServiceError::field("file", "is required"))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(ServiceError::TooLarge(format!(
            "an image may weigh at most {} MiB",
            MAX_IMAGE_BYTES / (1024 * 1024)
        )));
    }
    let (bytes, checked) = tokio::task::spawn_blocking(move || {
        let checked = check(&bytes);
        (bytes, checked)
    })
    .await
    .map_err(ServiceError::internal)?;
    let checked = checked?;
    let files = db.files();
    let file_sha256 = files.put(&bytes).await.map_err(ServiceError::internal)?;
    let thumbnail_sha256 = files
        .put(&checked.thumbnail)
        .await
        .map_err(ServiceError::internal)?;
    let input = ProductImageInput {
        file_sha256: &file_sha256,
        thumbnail_sha256: &thumbnail_sha256,
        content_type: checked.format.content_type(),
        width: checked.width,
        height: checked.height,
    };
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        resource::get_in::<Product>(tx, organization_id, product_id).await?;
        Ok(store::insert_product_image(tx, organization_id, product_id, &input).await?)
    })
    .await
}

/// The product's images in their order; 404 for a product of another
/// organization.
pub async fn list(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<ProductImage>> {
    records::get::<Product>(db, actor, product_id).await?;
    let filter = Filter::organization(actor.organization_id).eq("product_id", Some(product_id));
    records::list(db, filter, sort, page).await
}

/// The image `id` of the product.
pub async fn get(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    id: Uuid,
) -> ServiceResult<ProductImage> {
    nested::get(db, actor, product_id, id).await
}

/// The bytes of the image `id`, as uploaded or its thumbnail.
pub async fn read(
    db: &Db,
    actor: &Actor,
    product_id: Uuid,
    id: Uuid,
    size: ImageSize,
) -> ServiceResult<ImageFile> {
    let image: ProductImage = nested::get(db, actor, product_id, id).await?;
    let (sha256, content_type) = match size {
        ImageSize::Original => (&image.file_sha256, image.content_type.clone()),
        ImageSize::Thumbnail => (&image.thumbnail_sha256, "image/png".to_owned()),
    };
    let bytes = db
        .files()
        .get(sha256)
        .await
        .map_err(ServiceError::internal)?;
    Ok(ImageFile {
        content_type,
        bytes,
    })
}

/// Removes an image from the product. Its files stay in the store, where
/// other rows (or backups being restored) may name the same bytes.
pub async fn delete(db: &Db, actor: &Actor, product_id: Uuid, id: Uuid) -> ServiceResult<()> {
    nested::delete(
        db,
        actor,
        product_id,
        id,
        async |_: &mut Tx, _: &ProductImage| Ok(()),
    )
    .await
}
