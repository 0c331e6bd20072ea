//! The keys access tokens are signed and checked with, derived from the
//! server secret once at start: `ApiContext` holds them, `auth` signs and
//! decodes tokens with them.

use jsonwebtoken::{DecodingKey, EncodingKey};

/// Signing keys derived from the server secret.
pub struct Keys {
    pub(crate) encoding: EncodingKey,
    pub(crate) decoding: DecodingKey,
}

impl Keys {
    pub fn new(secret: &[u8]) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }
}
