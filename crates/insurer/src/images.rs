//! Catalog pictures: what `catalog import` accepts (the formats of
//! [`picture_type`]), and how the server names them.

use sha2::{Digest, Sha256};

pub use kenpo_domain::exchange::MAX_PICTURE_BYTES as MAX_IMAGE_BYTES;
use kenpo_domain::exchange::picture_type;

/// A checked picture of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemImage {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    /// Names this picture in its URL (hex, 16 characters).
    pub digest: String,
}

/// Why a picture was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("the picture is empty")]
    Empty,
    #[error("the picture is larger than {} KiB", MAX_IMAGE_BYTES / 1024)]
    TooLarge,
    #[error("the picture is not a PNG, JPEG or WebP file")]
    UnknownFormat,
}

impl ItemImage {
    /// `bytes` as a picture, when they are one of the accepted formats.
    pub fn check(bytes: Vec<u8>) -> Result<Self, ImageError> {
        if bytes.is_empty() {
            return Err(ImageError::Empty);
        }
        if bytes.len() > MAX_IMAGE_BYTES {
            return Err(ImageError::TooLarge);
        }
        let content_type = picture_type(&bytes).ok_or(ImageError::UnknownFormat)?;
        let digest = hex::encode(&Sha256::digest(&bytes)[..8]);
        Ok(Self {
            content_type,
            bytes,
            digest,
        })
    }
}

/// The path (on this server) a member's app fetches an item's picture at.
pub fn image_url(item_id: &str, digest: &str) -> String {
    format!("/api/v1/catalog/{item_id}/image?v={digest}")
}

/// Whether `name` may name a picture beside a catalog file: a relative
/// path that stays in that folder.
pub fn is_plain_relative(name: &str) -> bool {
    let path = std::path::Path::new(name);
    !name.is_empty()
        && path.is_relative()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_raster_formats_within_the_size_are_taken() {
        let png = ItemImage::check(b"\x89PNG\r\n\x1a\nrest".to_vec()).unwrap();
        assert_eq!(png.content_type, "image/png");
        assert_eq!(png.digest.len(), 16);
        assert_eq!(
            ItemImage::check(vec![0xFF, 0xD8, 0xFF, 0xE0])
                .unwrap()
                .content_type,
            "image/jpeg"
        );
        assert_eq!(
            ItemImage::check(b"RIFF\0\0\0\0WEBPVP8 ".to_vec())
                .unwrap()
                .content_type,
            "image/webp"
        );
        for (bytes, err) in [
            (Vec::new(), ImageError::Empty),
            (b"<svg onload=alert(1)>".to_vec(), ImageError::UnknownFormat),
            (b"<html>".to_vec(), ImageError::UnknownFormat),
            (
                [b"\x89PNG\r\n\x1a\n".as_slice(), &vec![0; MAX_IMAGE_BYTES]].concat(),
                ImageError::TooLarge,
            ),
        ] {
            assert_eq!(ItemImage::check(bytes), Err(err));
        }
    }

    #[test]
    fn picture_names_stay_beside_the_file() {
        assert!(is_plain_relative("coffee.png"));
        assert!(is_plain_relative("images/coffee.png"));
        for bad in ["", "/etc/passwd", "../secret.png", "images/../../x.png"] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
    }
}
