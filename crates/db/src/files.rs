//! The file store: what users upload or the application must keep (the
//! logo, issued PDFs, received e-invoices…), each file addressed by the
//! SHA-256 of its bytes: a local folder by default, or a bucket of an
//! S3-compatible service (`FileStore::s3`).
//!
//! Invariants:
//! - a file is written before the row that names it, so a committed row
//!   never names a missing file (a rolled-back transaction may leave an
//!   unnamed file behind; it is harmless and the same bytes reuse it);
//! - a file is never half-written: it is written to a temporary name,
//!   flushed to disk, then renamed to its hash (in a bucket, one PUT
//!   makes the object appear whole or not at all);
//! - a file never changes: storing the same bytes again is a no-op, and
//!   reading one back checks its hash, so bytes changed behind the
//!   application's back are reported, never served;
//! - every column naming a file is listed in [`FILE_COLUMNS`], which is
//!   how a backup finds the files it must carry.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Every `(table, column)` whose values name files of the store. A new
/// column that names files is added here, or backups lose its files.
pub const FILE_COLUMNS: &[(&str, &str)] = &[
    ("product_images", "file_sha256"),
    ("product_images", "thumbnail_sha256"),
    ("organizations", "logo_sha256"),
    ("sales_documents", "pdf_sha256"),
    ("sales_documents", "xml_sha256"),
    ("supplier_invoices", "original_sha256"),
    ("supplier_invoices", "attachment_sha256"),
];

/// The lower-case hex SHA-256 of `bytes`: a stored file's name.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("no stored file has the hash {0}")]
    Missing(String),
    /// The stored bytes no longer hash to their name.
    #[error("the stored file {0} was changed: its content no longer matches its hash")]
    Altered(String),
    #[error("not a SHA-256 file name: {0}")]
    BadName(String),
    #[error("file store: {0}")]
    Io(#[from] std::io::Error),
    #[error("file store bucket: {0}")]
    S3(String),
}

impl From<s3::error::S3Error> for FileError {
    fn from(error: s3::error::S3Error) -> Self {
        FileError::S3(error.to_string())
    }
}

/// Where an S3-compatible bucket is and how to sign in to it.
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub bucket: String,
    /// The service's address (`http://127.0.0.1:9000`) for an S3-compatible
    /// server, addressed path-style; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    /// Without keys, the usual AWS sources are read (`AWS_ACCESS_KEY_ID`…,
    /// profiles, instance metadata).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

/// Where files are kept. Cheap to clone.
#[derive(Debug, Clone)]
pub struct FileStore {
    backend: Arc<Backend>,
}

#[derive(Debug)]
enum Backend {
    Local { root: PathBuf },
    S3 { bucket: Box<s3::Bucket> },
}

impl FileStore {
    /// Files in the folder `root`, created when first written.
    pub fn local(root: impl Into<PathBuf>) -> Self {
        Self {
            backend: Arc::new(Backend::Local { root: root.into() }),
        }
    }

    /// Files in an existing bucket. Nothing is asked of the service until
    /// the first file is read or written.
    pub fn s3(settings: &S3Settings) -> Result<Self, FileError> {
        let region = match &settings.endpoint {
            Some(endpoint) => s3::Region::Custom {
                region: settings.region.clone(),
                endpoint: endpoint.clone(),
            },
            None => settings
                .region
                .parse()
                .map_err(|e: std::str::Utf8Error| FileError::S3(e.to_string()))?,
        };
        let credentials = s3::creds::Credentials::new(
            settings.access_key_id.as_deref(),
            settings.secret_access_key.as_deref(),
            None,
            None,
            None,
        )
        .map_err(|e| FileError::S3(e.to_string()))?;
        let mut bucket = s3::Bucket::new(&settings.bucket, region, credentials)?;
        if settings.endpoint.is_some() {
            bucket = bucket.with_path_style();
        }
        Ok(Self {
            backend: Arc::new(Backend::S3 { bucket }),
        })
    }

    /// The default place for a database at `url`: beside a SQLite file
    /// (`shop.db` keeps its files in `shop.db.files/`), else
    /// `comptoir-files/` in the working folder.
    pub fn beside(url: &str) -> Self {
        let sqlite_file = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .map(|rest| rest.split('?').next().unwrap_or(rest))
            .filter(|path| !path.is_empty() && !path.contains(":memory:"));
        match sqlite_file {
            Some(path) => Self::local(format!("{path}.files")),
            None => Self::local("comptoir-files"),
        }
    }

    /// Stores `bytes` and returns their SHA-256, their name from now on.
    /// Storing bytes already there does nothing.
    pub async fn put(&self, bytes: &[u8]) -> Result<String, FileError> {
        let sha256 = sha256_hex(bytes);
        match &*self.backend {
            Backend::Local { root } => {
                let path = local_path(root, &sha256)?;
                if tokio::fs::try_exists(&path).await? {
                    return Ok(sha256);
                }
                write_atomically(root, &path, bytes).await?;
            }
            Backend::S3 { bucket } => {
                let key = object_key(&sha256)?;
                if !bucket.object_exists(&key).await? {
                    bucket.put_object(&key, bytes).await?;
                }
            }
        }
        Ok(sha256)
    }

    /// The bytes named `sha256`, checked against their name.
    pub async fn get(&self, sha256: &str) -> Result<Vec<u8>, FileError> {
        let bytes = match &*self.backend {
            Backend::Local { root } => {
                let path = local_path(root, sha256)?;
                match tokio::fs::read(&path).await {
                    Ok(bytes) => bytes,
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                        return Err(FileError::Missing(sha256.to_owned()));
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            Backend::S3 { bucket } => match bucket.get_object(object_key(sha256)?).await {
                Ok(response) => response.to_vec(),
                Err(s3::error::S3Error::HttpFailWithBody(404, _)) => {
                    return Err(FileError::Missing(sha256.to_owned()));
                }
                Err(error) => return Err(error.into()),
            },
        };
        if sha256_hex(&bytes) != sha256 {
            return Err(FileError::Altered(sha256.to_owned()));
        }
        Ok(bytes)
    }
}

impl FileStore {
    /// Where the file named `sha256` lies on disk, for a local store: what
    /// an operator inspects (and what the tests tamper with).
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        match &*self.backend {
            Backend::Local { root } => local_path(root, sha256).ok(),
            Backend::S3 { .. } => None,
        }
    }
}

/// `root/ab/abcdef…`: a two-character fan-out keeps folders small.
fn local_path(root: &Path, sha256: &str) -> Result<PathBuf, FileError> {
    let key = object_key(sha256)?;
    Ok(root.join(key))
}

/// `ab/abcdef…`, the file's place in a folder or a bucket, once `sha256`
/// is checked to be a hash (never a path of its own).
fn object_key(sha256: &str) -> Result<String, FileError> {
    let valid = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid {
        return Err(FileError::BadName(sha256.to_owned()));
    }
    Ok(format!("{}/{sha256}", &sha256[..2]))
}

async fn write_atomically(root: &Path, path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let folder = path.parent().unwrap_or(root).to_owned();
    tokio::fs::create_dir_all(&folder).await?;
    let temporary = folder.join(format!(".{}.partial", uuid::Uuid::new_v4().simple()));
    let bytes = bytes.to_vec();
    let final_path = path.to_owned();
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        use std::io::Write;
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, &final_path)?;
        // The rename is durable once the folder itself is flushed.
        std::fs::File::open(&folder)?.sync_all()
    })
    .await
    .map_err(std::io::Error::other)??;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        std::env::temp_dir().join(format!("comptoir-files-{}", uuid::Uuid::new_v4().simple()))
    }

    #[tokio::test]
    async fn stores_by_hash_once_and_reads_back() {
        let root = scratch();
        let store = FileStore::local(&root);
        let name = store.put(b"facture").await.unwrap();
        assert_eq!(name, sha256_hex(b"facture"));
        assert_eq!(store.put(b"facture").await.unwrap(), name);
        assert_eq!(store.get(&name).await.unwrap(), b"facture");
        std::fs::remove_dir_all(root).unwrap();
    }

    #[tokio::test]
    async fn a_changed_or_missing_file_is_reported() {
        let root = scratch();
        let store = FileStore::local(&root);
        let name = store.put(b"original").await.unwrap();
        std::fs::write(local_path(&root, &name).unwrap(), b"forged").unwrap();
        assert!(matches!(store.get(&name).await, Err(FileError::Altered(_))));
        let absent = sha256_hex(b"absent");
        assert!(matches!(
            store.get(&absent).await,
            Err(FileError::Missing(_))
        ));
        assert!(matches!(
            store.get("../etc/passwd").await,
            Err(FileError::BadName(_))
        ));
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn the_default_place_is_beside_a_sqlite_file() {
        let root = |store: FileStore| match &*store.backend {
            Backend::Local { root } => root.clone(),
            Backend::S3 { .. } => unreachable!("a local store"),
        };
        assert_eq!(
            root(FileStore::beside("sqlite:///var/lib/shop.db?mode=rwc")),
            Path::new("/var/lib/shop.db.files")
        );
        assert_eq!(
            root(FileStore::beside("postgres://db/comptoir")),
            Path::new("comptoir-files")
        );
    }
}
