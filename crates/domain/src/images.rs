//! Product images: which files are accepted, how large, and the size of
//! the thumbnail made of each.

/// The largest image accepted, in bytes (5 MiB).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// A thumbnail fits in a square of this many pixels.
pub const THUMBNAIL_EDGE: u32 = 256;

/// The formats a product image may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Jpeg,
    Png,
    WebP,
}

impl ImageFormat {
    /// The format the file's first bytes announce, whatever its name or
    /// declared type say; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::WebP)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
        }
    }
}

/// The size of the thumbnail of a `width` × `height` image: the largest
/// that fits in `THUMBNAIL_EDGE` squared with the same proportions, never
/// larger than the image itself nor smaller than one pixel.
pub fn thumbnail_size(width: u32, height: u32) -> (u32, u32) {
    let (width, height) = (width.max(1), height.max(1));
    let longest = width.max(height);
    if longest <= THUMBNAIL_EDGE {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(THUMBNAIL_EDGE) + u64::from(longest) / 2)
            / u64::from(longest);
        u32::try_from(scaled).unwrap_or(THUMBNAIL_EDGE).max(1)
    };
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_are_told_by_their_first_bytes() {
        assert_eq!(
            ImageFormat::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageFormat::Jpeg)
        );
        assert_eq!(
            ImageFormat::sniff(b"\x89PNG\r\n\x1a\n...."),
            Some(ImageFormat::Png)
        );
        assert_eq!(
            ImageFormat::sniff(b"RIFF\x10\0\0\0WEBPVP8 "),
            Some(ImageFormat::WebP)
        );
        assert_eq!(ImageFormat::sniff(b"GIF89a"), None);
        assert_eq!(ImageFormat::sniff(b"RIFF\x10\0\0\0WAVE"), None);
        assert_eq!(ImageFormat::sniff(b""), None);
    }

    #[test]
    fn a_thumbnail_keeps_proportions_and_never_enlarges() {
        assert_eq!(thumbnail_size(1024, 512), (256, 128));
        assert_eq!(thumbnail_size(300, 1200), (64, 256));
        assert_eq!(thumbnail_size(100, 40), (100, 40));
        assert_eq!(thumbnail_size(10_000, 1), (256, 1));
    }

    proptest! {
        #[test]
        fn a_thumbnail_fits_its_square(width in 1_u32..20_000, height in 1_u32..20_000) {
            let (w, h) = thumbnail_size(width, height);
            prop_assert!(w >= 1 && h >= 1);
            prop_assert!(w <= THUMBNAIL_EDGE && h <= THUMBNAIL_EDGE);
            prop_assert!(w <= width && h <= height);
            prop_assert!(w == THUMBNAIL_EDGE || h == THUMBNAIL_EDGE || (w, h) == (width, height));
        }
    }
}
