//! Static files, embedded in the binary: each is served under a name that
//! carries a hash of its content (`app.3f9c2a1b07.css`), so browsers may
//! keep it for a year, and gzip-compressed once at start.

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::sync::LazyLock;

/// The files as the source names them, and their bytes.
const FILES: &[(&str, &[u8])] = &[
    ("app.css", include_bytes!("../assets/app.css")),
    ("app.js", include_bytes!("../assets/app.js")),
    (
        "htmx.min.js",
        include_bytes!("../assets/vendor/htmx/htmx.min.js"),
    ),
];

struct Asset {
    content_type: &'static str,
    plain: &'static [u8],
    gzipped: Vec<u8>,
}

struct Assets {
    /// Source name → the fingerprinted URL path.
    urls: HashMap<&'static str, String>,
    /// Fingerprinted file name → the file.
    files: HashMap<String, Asset>,
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|_| encoder.finish())
        .expect("compressing into memory cannot fail")
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| {
    let mut urls = HashMap::new();
    let mut files = HashMap::new();
    for (name, bytes) in FILES {
        let hash = hex::encode(&Sha256::digest(bytes)[..5]);
        let fingerprinted = match name.split_once('.') {
            Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
            None => format!("{name}.{hash}"),
        };
        urls.insert(*name, format!("/assets/{fingerprinted}"));
        files.insert(
            fingerprinted,
            Asset {
                content_type: content_type(name),
                plain: bytes,
                gzipped: gzip(bytes),
            },
        );
    }
    Assets { urls, files }
});

/// The URL of a static file by its source name (`app.css`).
pub fn url(name: &str) -> Option<&'static str> {
    ASSETS.urls.get(name).map(String::as_str)
}

/// The bytes shipped to a browser that accepts gzip, per file: what the
/// pages cost to load.
pub fn compressed_sizes() -> Vec<(&'static str, usize)> {
    FILES
        .iter()
        .map(|(name, _)| {
            let path = url(name).expect("every file has a URL");
            let file = path.rsplit('/').next().expect("a path has a file name");
            (*name, ASSETS.files[file].gzipped.len())
        })
        .collect()
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.trim().split(';');
            parts.next() == Some("gzip") && !parts.any(|p| p.trim() == "q=0")
        })
}

pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let Some(asset) = ASSETS.files.get(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response_headers = HeaderMap::new();
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if accepts_gzip(&headers) {
        response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        (response_headers, asset.gzipped.clone()).into_response()
    } else {
        (response_headers, asset.plain).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_has_a_fingerprinted_url_that_serves_it() {
        for (name, bytes) in FILES {
            let path = url(name).unwrap();
            assert_ne!(path, format!("/assets/{name}"));
            let file = path.strip_prefix("/assets/").unwrap();
            assert_eq!(ASSETS.files[file].plain, *bytes);
        }
    }

    #[test]
    fn gzip_is_sent_only_to_who_accepts_it() {
        let mut headers = HeaderMap::new();
        assert!(!accepts_gzip(&headers));
        headers.insert(header::ACCEPT_ENCODING, "br, gzip;q=0".parse().unwrap());
        assert!(!accepts_gzip(&headers));
        headers.insert(
            header::ACCEPT_ENCODING,
            "gzip, deflate, br".parse().unwrap(),
        );
        assert!(accepts_gzip(&headers));
    }
}
