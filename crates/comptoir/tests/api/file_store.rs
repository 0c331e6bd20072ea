//! The file store on a real S3 implementation: moto in server mode (from
//! PyPI, `moto[server]`), started on a free port for the test and stopped
//! after it. `.ci/run` installs it into `target/moto-venv`; without it
//! there, the test installs it first.

use crate::helpers::{fresh_database_url, open_test_database, spawn_app_with_db};
use crate::product_images::{picture, upload};
use comptoir_api::Config;
use comptoir_db::files::{FileError, FileStore, S3Settings, sha256_hex};
use image::ImageFormat;
use reqwest::StatusCode;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const MOTO: &str = "moto[server]==5.2.5";

/// `moto_server`: `COMPTOIR_TEST_MOTO_SERVER`, else the venv of
/// `target/moto-venv`, made once if absent.
fn moto_server() -> PathBuf {
    if let Ok(path) = std::env::var("COMPTOIR_TEST_MOTO_SERVER") {
        return PathBuf::from(path);
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/moto-venv");
    let server = venv.join("bin/moto_server");
    static INSTALLED: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _once = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if !server.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .expect("python3 -m venv");
        assert!(made.success(), "python3 -m venv {}", venv.display());
        let installed = Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", MOTO])
            .status()
            .expect("pip install moto");
        assert!(installed.success(), "pip install {MOTO}");
    }
    server
}

/// A moto server on a free port of the loopback, killed when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    async fn start() -> Self {
        let server = tokio::task::spawn_blocking(moto_server).await.unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        for _ in 0..150 {
            if client.get(&moto.endpoint).send().await.is_ok() {
                return moto;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("moto_server did not answer at {}", moto.endpoint);
    }

    /// A new empty bucket and the settings of a store in it.
    async fn bucket(&self, name: &str) -> S3Settings {
        let created = reqwest::Client::new()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .unwrap();
        assert!(created.status().is_success(), "{:?}", created.status());
        S3Settings {
            bucket: name.to_owned(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".to_owned(),
            access_key_id: Some("testing".to_owned()),
            secret_access_key: Some("testing".to_owned()),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn an_s3_bucket_keeps_files_by_hash() {
    let moto = Moto::start().await;
    let store = FileStore::s3(&moto.bucket("comptoir-store").await).unwrap();
    let name = store.put(b"facture").await.unwrap();
    assert_eq!(name, sha256_hex(b"facture"));
    assert_eq!(store.put(b"facture").await.unwrap(), name, "idempotent");
    assert_eq!(store.get(&name).await.unwrap(), b"facture");
    let absent = sha256_hex(b"absent");
    assert!(matches!(
        store.get(&absent).await,
        Err(FileError::Missing(_))
    ));
    assert!(matches!(
        store.get("../secret").await,
        Err(FileError::BadName(_))
    ));
    // A bucket that is not there is an error, never a file taken as stored.
    let mut nowhere = moto.bucket("comptoir-other").await;
    nowhere.bucket = "comptoir-absent".to_owned();
    let nowhere = FileStore::s3(&nowhere).unwrap();
    assert!(matches!(nowhere.put(b"devis").await, Err(FileError::S3(_))));
}

#[tokio::test]
async fn product_images_live_in_the_bucket_when_one_is_configured() {
    let moto = Moto::start().await;
    let settings = moto.bucket("comptoir-images").await;
    let url = fresh_database_url().await;
    let db = open_test_database(&url)
        .await
        .with_files(FileStore::s3(&settings).unwrap());
    let app = spawn_app_with_db(db, url, Config::default()).await;
    let product = crate::helpers::id(&app.create_product("AFFICHE").await);
    let original = picture(500, 400, ImageFormat::Jpeg);
    let reply = upload(&app, &app.admin_token, &product, original.clone()).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let file = reply.body["file_sha256"].as_str().unwrap().to_owned();
    assert_eq!(file, sha256_hex(&original));

    let listing = reqwest::Client::new()
        .get(format!("{}/comptoir-images?list-type=2", moto.endpoint))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listing.contains(&format!("{}/{file}", &file[..2])),
        "{listing}"
    );
    let thumbnail = reply.body["thumbnail_sha256"].as_str().unwrap();
    assert!(listing.contains(thumbnail), "{listing}");

    let image = crate::helpers::id(&reply.body);
    let (status, bytes) = app
        .download_with_status(&format!("/api/v1/products/{product}/images/{image}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, original);
}
