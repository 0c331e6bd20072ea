//! The organization's logo: a PNG or JPEG of at most [`MAX_LOGO_BYTES`],
//! decoded whole before it is kept (a file merely named `.png`, or
//! truncated, is refused), stored in the file store before the settings
//! row names it.

use crate::validate::check_version;
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::Db;
use comptoir_db::organization::{self as store, Logo, OrganizationSettings};
use futures_util::{Stream, StreamExt};
use image::{ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The largest logo kept. The entry points read an upload with
/// [`read_logo`], which stops past it, and answer that it is too large.
pub const MAX_LOGO_BYTES: usize = 1024 * 1024;

/// The widest and tallest logo decoded: far beyond print, and a bound on
/// what a small file that inflates enormously may cost.
const MAX_SIDE: u32 = 10_000;
const MAX_DECODED_BYTES: u64 = 128 * 1024 * 1024;

/// Reads an upload's chunks as they come, no further than
/// [`MAX_LOGO_BYTES`]: `None` when the logo is larger.
pub async fn read_logo<B: AsRef<[u8]>, E>(
    chunks: impl Stream<Item = Result<B, E>>,
) -> Result<Option<Vec<u8>>, E> {
    let mut chunks = std::pin::pin!(chunks);
    let mut bytes = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        if bytes.len() + chunk.as_ref().len() > MAX_LOGO_BYTES {
            return Ok(None);
        }
        bytes.extend_from_slice(chunk.as_ref());
    }
    Ok(Some(bytes))
}

/// The content type of `bytes` when they decode as a PNG or a JPEG image.
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    let format = image::guess_format(bytes).ok()?;
    let content_type = match format {
        ImageFormat::Png => "image/png",
        ImageFormat::Jpeg => "image/jpeg",
        _ => return None,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    reader.decode().ok().map(|_| content_type)
}

/// Keeps `bytes` as the organization's logo, in place of any other, if
/// the settings are still at `expected_version` when one is given.
pub async fn set_logo(
    db: &Db,
    actor: &Actor,
    expected_version: Option<i64>,
    bytes: &[u8],
) -> ServiceResult<OrganizationSettings> {
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(ServiceError::field("file", "at most 1 MB"));
    }
    let Some(content_type) = image_type(bytes) else {
        return Err(ServiceError::field("file", "must be a PNG or JPEG image"));
    };
    let sha256 = db
        .files()
        .put(bytes)
        .await
        .map_err(ServiceError::internal)?;
    let logo = Logo {
        sha256: &sha256,
        content_type,
    };
    change(db, actor, expected_version, Some(logo)).await
}

/// Removes the organization's logo, if the settings are still at
/// `expected_version` when one is given; none to remove is not found.
pub async fn remove_logo(
    db: &Db,
    actor: &Actor,
    expected_version: Option<i64>,
) -> ServiceResult<OrganizationSettings> {
    change(db, actor, expected_version, None).await
}

async fn change(
    db: &Db,
    actor: &Actor,
    expected_version: Option<i64>,
    logo: Option<Logo<'_>>,
) -> ServiceResult<OrganizationSettings> {
    let mut tx = db.begin().await?;
    let current = store::lock_settings(&mut tx, actor.organization_id).await?;
    check_version(expected_version, current.version)?;
    if logo.is_none() && current.identity.logo_sha256.is_none() {
        return Err(ServiceError::NotFound);
    }
    let updated = store::set_logo(&mut tx, actor.organization_id, logo).await?;
    super::commit_change(tx, actor, &current, updated).await
}

/// The logo's bytes and content type.
pub struct LogoImage {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// The organization's logo; none is not found.
pub async fn logo(db: &Db, actor: &Actor) -> ServiceResult<LogoImage> {
    let identity = store::get_settings(db, actor.organization_id)
        .await?
        .identity;
    let (Some(sha256), Some(content_type)) = (identity.logo_sha256, identity.logo_content_type)
    else {
        return Err(ServiceError::NotFound);
    };
    let bytes = db
        .files()
        .get(&sha256)
        .await
        .map_err(ServiceError::internal)?;
    Ok(LogoImage {
        bytes,
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    fn encoded(format: ImageFormat) -> Vec<u8> {
        let image = ImageBuffer::from_pixel(8, 4, Rgb([200u8, 30, 30]));
        let mut bytes = Cursor::new(Vec::new());
        image.write_to(&mut bytes, format).expect("encoded");
        bytes.into_inner()
    }

    #[test]
    fn png_and_jpeg_are_recognised_by_their_content() {
        assert_eq!(image_type(&encoded(ImageFormat::Png)), Some("image/png"));
        assert_eq!(image_type(&encoded(ImageFormat::Jpeg)), Some("image/jpeg"));
    }

    #[test]
    fn text_and_truncated_images_are_refused() {
        assert_eq!(image_type(b"not an image at all"), None);
        let png = encoded(ImageFormat::Png);
        assert_eq!(image_type(&png[..png.len() / 2]), None);
    }
}
