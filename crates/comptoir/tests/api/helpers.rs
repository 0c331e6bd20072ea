//! The test harness: each test gets the real server on a random port and a
//! fresh database — a new SQLite file, or a new PostgreSQL database when
//! `COMPTOIR_TEST_DATABASE_URL` names a server.

use comptoir::{init_organization, open_database, start};
use comptoir_api::Config;
use comptoir_db::files::FileStore;
use comptoir_db::{Db, Sql};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub address: String,
    pub db: Db,
    pub database_url: String,
    pub client: reqwest::Client,
    pub admin_token: String,
    pub organization_id: Uuid,
}

pub fn postgres_server() -> Option<String> {
    std::env::var("COMPTOIR_TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

/// The name of a new test database or file. It carries the test
/// process's id, so that a later run can tell what a finished run left.
fn test_database_name() -> String {
    format!(
        "{TEST_PREFIX}{}_{}",
        std::process::id(),
        Uuid::new_v4().simple()
    )
}

const TEST_PREFIX: &str = "comptoir_test_";

/// Whether `name` is a test database or file of a process that has ended
/// (or of a run before names carried one). `None` where there is no
/// `/proc` to ask.
fn left_by_an_ended_run(name: &str) -> Option<bool> {
    if !std::path::Path::new("/proc/self").exists() {
        return None;
    }
    let rest = name.strip_prefix(TEST_PREFIX)?;
    Some(match rest.split_once('_') {
        Some((pid, _)) => pid.parse::<u32>().map_or(true, |pid| {
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
        }),
        None => true,
    })
}

/// Removes, once per test process, the SQLite files and file stores that
/// ended runs left in the temporary folder.
fn sweep_sqlite_files() {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(|| {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if left_by_an_ended_run(&name) == Some(true) {
                let path = entry.path();
                let _ = if path.is_dir() {
                    std::fs::remove_dir_all(path)
                } else {
                    std::fs::remove_file(path)
                };
            }
        }
    });
}

/// Drops, once per test process and before its first test database, the
/// PostgreSQL databases that ended runs left on `server` (on a thread of
/// its own: the callers' runtimes wait on it).
fn sweep_postgres_databases(server: &str) {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    let server = server.to_owned();
    SWEPT.call_once(move || {
        let sweep = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                let Ok(admin) = Db::connect(&server, 1).await else {
                    return;
                };
                let names: Vec<(String,)> = admin
                    .fetch_all(comptoir_db::Sql::new(format!(
                        "SELECT datname FROM pg_database WHERE datname LIKE '{TEST_PREFIX}%'"
                    )))
                    .await
                    .unwrap_or_default();
                for (name,) in names {
                    if left_by_an_ended_run(&name) == Some(true) {
                        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = admin.execute(comptoir_db::Sql::new(drop)).await;
                    }
                }
            });
        });
        let _ = sweep.join();
    });
}

/// A URL to a brand-new, empty database.
pub async fn fresh_database_url() -> String {
    match postgres_server() {
        Some(server) => {
            sweep_postgres_databases(&server);
            let name = test_database_name();
            let admin = Db::connect(&server, 1).await.expect("PostgreSQL reachable");
            admin
                .execute(comptoir_db::Sql::new(format!("CREATE DATABASE {name}")))
                .await
                .expect("create test database");
            admin.close().await;
            let base = server
                .rsplit_once('/')
                .map_or(server.as_str(), |(base, _)| base)
                .to_owned();
            format!("{base}/{name}")
        }
        None => fresh_sqlite_url(),
    }
}

/// A URL to a new SQLite file, whichever backend the suite runs on.
pub fn fresh_sqlite_url() -> String {
    sweep_sqlite_files();
    let path = std::env::temp_dir().join(format!("{}.db", test_database_name()));
    format!("sqlite://{}?mode=rwc", path.display())
}

/// The file store of the test database at `database_url`, in the
/// temporary folder whatever the backend: beside a SQLite file as in
/// production, named after a PostgreSQL database.
pub fn test_files_dir(database_url: &str) -> std::path::PathBuf {
    let name = database_url
        .split('?')
        .next()
        .and_then(|url| url.rsplit('/').next())
        .unwrap_or(database_url);
    let name = name.strip_suffix(".db").unwrap_or(name);
    std::env::temp_dir().join(format!("{name}.db.files"))
}

/// The test database at `database_url`, migrated, with its file store.
pub async fn open_test_database(database_url: &str) -> Db {
    open_database(database_url)
        .await
        .expect("open database")
        .with_files(FileStore::local(test_files_dir(database_url)))
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Config::default()).await
}

pub async fn spawn_app_with(config: Config) -> TestApp {
    spawn_app_on(fresh_database_url().await, config).await
}

/// The server on a new database at `database_url`, with an organization
/// and its admin logged in.
pub async fn spawn_app_on(database_url: String, config: Config) -> TestApp {
    let db = open_test_database(&database_url).await;
    spawn_app_with_db(db, database_url, config).await
}

/// The server on `db` (a new database at `database_url`, with the file
/// store of the test's choosing), with an organization and its admin
/// logged in.
pub async fn spawn_app_with_db(db: Db, database_url: String, config: Config) -> TestApp {
    let (organization_id, _) = init_organization(&db, "Test SARL", "admin@test.example", PASSWORD)
        .await
        .expect("init");
    give_vat_number(&db, organization_id).await;
    serve_database(db, database_url, config, organization_id).await
}

/// The VAT number every test organization has, so its invoices can be
/// issued: an e-invoice names the seller's (EN 16931, BR-S-2).
pub const TEST_VAT_NUMBER: &str = "FR44732829320";

/// Gives `organization_id` the test VAT number, straight in the database
/// (no audit entry, no version change a test would see).
pub async fn give_vat_number(db: &Db, organization_id: Uuid) {
    db.execute(
        Sql::new("UPDATE organizations SET vat_number = $1 WHERE id = $2")
            .bind(TEST_VAT_NUMBER)
            .bind(organization_id),
    )
    .await
    .expect("set the VAT number");
}

/// The server on a database that already holds `organization_id`, whose
/// admin is logged in.
pub async fn serve_database(
    db: Db,
    database_url: String,
    config: Config,
    organization_id: Uuid,
) -> TestApp {
    let address = start(db.clone(), config, "127.0.0.1:0")
        .await
        .expect("start");
    let mut app = TestApp {
        address: format!("http://{address}"),
        db,
        database_url,
        client: reqwest::Client::new(),
        admin_token: String::new(),
        organization_id,
    };
    app.admin_token = app.login("admin@test.example", PASSWORD).await;
    app
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    /// A response's status, headers and body (JSON, else its text).
    pub async fn read(response: reqwest::Response) -> Self {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            headers,
            body,
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::read(request.send().await.expect("request sent")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, Some(&self.admin_token), None, &[])
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(&self.admin_token), Some(body), &[])
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(
            Method::PATCH,
            path,
            Some(&self.admin_token),
            Some(body),
            &[],
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, Some(&self.admin_token), None, &[])
            .await
    }

    pub async fn try_login(&self, email: &str, password: &str) -> Reply {
        self.send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
            &[],
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Reply {
        self.send(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": refresh_token})),
            &[],
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let reply = self.try_login(email, password).await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "login {email}: {:?}",
            reply.body
        );
        reply.body["access_token"]
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// Creates a user with `role` and returns its access token.
    pub async fn user_token(&self, email: &str, role: &str) -> String {
        let reply = self
            .post(
                "/api/v1/users",
                json!({"email": email, "name": role, "role": role, "password": PASSWORD}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        self.login(email, PASSWORD).await
    }

    /// POSTs `body` to `path`, asserts 201 and returns the created record.
    pub async fn create(&self, path: &str, body: Value) -> Value {
        let reply = self.post(path, body).await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "POST {path}: {:?}",
            reply.body
        );
        reply.body
    }

    /// GETs `path` as the admin; returns the status and the raw body.
    pub async fn download_with_status(&self, path: &str) -> (StatusCode, Vec<u8>) {
        let reply = self
            .client
            .get(self.url(path))
            .bearer_auth(&self.admin_token)
            .send()
            .await
            .expect("request sent");
        let status = reply.status();
        (status, reply.bytes().await.expect("body").to_vec())
    }

    /// GETs `path` as the admin; returns the raw body.
    pub async fn download(&self, path: &str) -> Vec<u8> {
        self.download_with_status(path).await.1
    }

    pub async fn create_product(&self, code: &str) -> Value {
        let reply = self
            .post(
                "/api/v1/products",
                json!({"code": code, "name": format!("Produit {code}"), "sale_price": "10.00"}),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        reply.body
    }
}

pub fn field_names(body: &Value) -> Vec<String> {
    body["details"]["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `comptoir --database-url URL ARGS…`; returns whether it succeeded
/// and what it printed (standard output, then errors).
pub fn comptoir(database_url: &str, args: &[&str]) -> (bool, String) {
    let files_dir = test_files_dir(database_url);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
        .args(["--database-url", database_url])
        .arg("--files-dir")
        .arg(&files_dir)
        .args(args)
        .env("COMPTOIR_LOG", "warn")
        .output()
        .expect("run comptoir");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

/// The `id` of a record as returned by the API.
pub fn id(record: &Value) -> String {
    record["id"].as_str().expect("record id").to_owned()
}

/// A second `comptoir serve` process on the test app's database, killed
/// when dropped.
pub struct ServerProcess {
    child: std::process::Child,
    pub address: String,
}

impl ServerProcess {
    /// Kills the process at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

impl TestApp {
    /// Starts another server process on the same database and waits until
    /// it answers `/ready`.
    pub async fn second_process(&self) -> ServerProcess {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("free port")
            .port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .args(["--database-url", &self.database_url, "serve"])
            .arg("--files-dir")
            .arg(test_files_dir(&self.database_url))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("COMPTOIR_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn comptoir serve");
        let process = ServerProcess {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            if let Ok(reply) = self
                .client
                .get(format!("{}/ready", process.address))
                .send()
                .await
                && reply.status().is_success()
            {
                return process;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the second server process did not become ready");
    }
}
