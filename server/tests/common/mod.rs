//! Test harness: a real server on 127.0.0.1:0 over a real SQLite file, or over a fresh database
//! in the PostgreSQL named by PROMPTWALL_TEST_POSTGRES_URL.
#![allow(dead_code)]

use promptwall_server::http_client::{HttpClient, HttpResponse};
use promptwall_server::{RateLimit, RunningServer, ServerConfig};
use serde_json::{json, Value};
use std::path::PathBuf;

pub const PG_ENV: &str = "PROMPTWALL_TEST_POSTGRES_URL";

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// The PostgreSQL backend with a fresh database, or `None` (with a loud SKIPPED line) when
    /// PROMPTWALL_TEST_POSTGRES_URL is unset (as in the workspace-wide `cargo test`, before
    /// scripts/test-server.sh has started one). With PROMPTWALL_REQUIRE_POSTGRES=1, which that
    /// script sets, an unset URL fails the test instead.
    pub async fn postgres(test: &str) -> Option<Backend> {
        let Ok(base) = std::env::var(PG_ENV) else {
            if std::env::var("PROMPTWALL_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("{test}: {PG_ENV} is not set but PROMPTWALL_REQUIRE_POSTGRES=1");
            }
            // Written past the test harness's output capture, so it shows in a passing run too.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED (postgres) {test}: {PG_ENV} is not set; run scripts/test-server.sh to start a PostgreSQL and run these"
            );
            return None;
        };
        let db = format!("pw_test_{}", random_hex(6));
        let (client, conn) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await.expect("connecting to the test PostgreSQL");
        tokio::spawn(conn);
        client.batch_execute(&format!("CREATE DATABASE {db}")).await.expect("CREATE DATABASE");
        let url = match base.rfind('/') {
            Some(i) if base[..i].contains('@') || base[..i].matches('/').count() >= 2 => {
                let (head, tail) = base.split_at(i);
                let query = tail.find('?').map(|q| &tail[q..]).unwrap_or("");
                format!("{head}/{db}{query}")
            }
            _ => panic!("{PG_ENV} must look like postgres://user@host:port/db"),
        };
        Some(Backend::Postgres(url))
    }
}

pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).expect("randomness");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let p = std::env::temp_dir().join(format!("pw-server-{tag}-{}", random_hex(6)));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub struct Signer {
    pub key_id: String,
    pub private_key: String,
    pub public_key: String,
}

impl Signer {
    pub fn new(key_id: &str) -> Signer {
        let (private_key, public_key) = promptwall_policy::generate_key().expect("keygen");
        Signer { key_id: key_id.into(), private_key, public_key }
    }

    pub fn trusted(&self) -> promptwall_policy::TrustedKey {
        promptwall_policy::TrustedKey { key_id: self.key_id.clone(), public_key: self.public_key.clone() }
    }

    /// The default policy signed as `version` for every group, pretty-printed like
    /// `promptwall policy sign`.
    pub fn bundle(&self, version: u64) -> Vec<u8> {
        self.bundle_for(version, "*")
    }

    /// As [`Signer::bundle`], for one group (`*`: every group).
    pub fn bundle_for(&self, version: u64, group: &str) -> Vec<u8> {
        let policy: Value = serde_json::from_str(promptwall_policy::default_policy_json()).expect("default policy");
        let now = promptwall_server::now_ms() as u64 / 1000;
        let b = promptwall_policy::sign(&policy, version, now - 60, now + 86_400, &self.key_id, &[group.to_string()], &self.private_key)
            .expect("sign");
        serde_json::to_vec_pretty(&b).expect("json")
    }
}

pub struct TestServer {
    pub server: Option<RunningServer>,
    pub url: String,
    pub admin: String,
    pub http: HttpClient,
    pub signer: Signer,
    pub backend: Backend,
    _dir: TempDir,
}

pub fn config(backend: &Backend, dir: &TempDir, signer: &Signer) -> ServerConfig {
    let mut cfg = ServerConfig::new("127.0.0.1:0".parse().expect("addr"), dir.0.clone());
    if let Backend::Postgres(url) = backend {
        cfg.database_url = Some(url.clone());
        cfg.pg_pool = 8;
    }
    cfg.trusted_keys = vec![signer.trusted()];
    cfg.device_rate = RateLimit { per_s: 1000.0, burst: 1000.0 };
    cfg.enroll_rate = RateLimit { per_s: 1000.0, burst: 1000.0 };
    cfg
}

impl TestServer {
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, tweak: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let dir = TempDir::new("it");
        let signer = Signer::new("test-key");
        let mut cfg = config(&backend, &dir, &signer);
        tweak(&mut cfg);
        let server = promptwall_server::start(cfg).await.expect("server starts");
        let admin = server.initial_admin_token.clone().expect("first start prints an admin token");
        let url = server.base_url();
        TestServer { server: Some(server), url, admin, http: HttpClient::default(), signer, backend, _dir: dir }
    }

    pub async fn stop(mut self) {
        if let Some(s) = self.server.take() {
            s.shutdown().await.expect("clean shutdown");
        }
    }

    /// The SQLite database file (SQLite backend).
    pub fn db_path(&self) -> PathBuf {
        self._dir.0.join("promptwall.db")
    }

    pub fn u(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> HttpResponse {
        self.http.get(&self.u(path), token).await.expect("request")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> HttpResponse {
        self.http.post_json(&self.u(path), token, body).await.expect("request")
    }

    pub async fn post_raw(&self, path: &str, token: Option<&str>, body: Vec<u8>) -> HttpResponse {
        self.http.post_bytes(&self.u(path), token, body).await.expect("request")
    }

    pub async fn enrollment_token(&self, group: &str, uses: i64) -> String {
        let r = self.post("/api/v1/admin/enrollment-tokens", Some(&self.admin), &json!({"group": group, "uses": uses})).await;
        assert_eq!(r.status, 201, "{}", r.text());
        r.json()["token"].as_str().expect("token").to_string()
    }

    /// Enrolls `device_id` into `group`; returns the device token.
    pub async fn enroll(&self, group: &str, device_id: &str) -> String {
        let t = self.enrollment_token(group, 1).await;
        let r = self
            .post(
                "/api/v1/enroll",
                None,
                &json!({"token": t, "device_id": device_id, "hostname": format!("{device_id}.example"), "agent_version": "0.1.0"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let v = r.json();
        assert_eq!(v["group"], group);
        assert_eq!(v["device_id"], device_id);
        v["device_token"].as_str().expect("device token").to_string()
    }
}

pub fn event(id: &str, time_ms: i64, action: &str, site: &str, entities: &[(&str, u32)]) -> Value {
    let counts: serde_json::Map<String, Value> = entities.iter().map(|(k, n)| (k.to_string(), json!(n))).collect();
    json!({"format": 1, "event_id": id, "time_ms": time_ms, "device_id": "whatever", "user": "alice", "site": site,
           "trigger": "paste", "action": action, "rule_ids": ["rule-secrets"], "entity_counts": counts, "policy_version": 1})
}

/// Runs an async test body against SQLite and PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(b) = $crate::common::Backend::postgres(stringify!($name)).await {
                    super::$name(b).await
                }
            }
        }
    };
}
