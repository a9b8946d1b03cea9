//! Shared helpers for the agent's integration tests: a real HTTP server implementing the
//! server API the agent calls (enroll, policy, events, heartbeat), processes, frames.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct State {
    /// One-time enrollment tokens still unused.
    pub enroll_tokens: HashSet<String>,
    /// Device tokens issued (and not revoked) → device id.
    pub devices: HashMap<String, String>,
    pub group: String,
    /// The signed bundle served, and its ETag.
    pub bundle: Option<(Vec<u8>, String)>,
    /// Every stored event by id (the server dedupes: storing twice is impossible by design,
    /// so `received_ids` records every id that arrived, duplicates included).
    pub events: HashMap<String, Value>,
    pub received_ids: Vec<String>,
    pub heartbeats: Vec<Value>,
    pub policy_gets: usize,
    pub not_modified: usize,
    /// Reject events whose site is this (as "rejected").
    pub reject_site: Option<String>,
    /// Sleep after storing an upload and before answering (to kill the daemon in between).
    pub ack_delay: Duration,
    /// Answer 413 to batches larger than this (a body-size limit).
    pub max_batch: Option<usize>,
    /// Authorization headers seen, to check the token is sent.
    pub auth_seen: HashSet<String>,
}

pub struct TestServer {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    down: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl TestServer {
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State { group: "engineering".into(), ..State::default() }));
        let (down, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        {
            let (state, down, stop) = (state.clone(), down.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((s, _)) => {
                            if down.load(Ordering::Relaxed) {
                                drop(s); // no answer at all: like a server that is gone
                                continue;
                            }
                            let state = state.clone();
                            std::thread::spawn(move || handle(s, &state));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            });
        }
        TestServer { url, state, down, stop }
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::Relaxed);
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }
}

fn handle(stream: TcpStream, state: &Mutex<State>) {
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut r = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0u8; len];
    if r.read_exact(&mut body).is_err() {
        return;
    }
    let (status, extra, out) = route(&method, &path, &headers, &body, state);
    let reason = match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Other",
    };
    let mut w = stream;
    let mut resp = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n");
    for (k, v) in extra {
        resp.push_str(&format!("{k}: {v}\r\n"));
    }
    if status == 204 || status == 304 {
        resp.push_str("\r\n");
        let _ = w.write_all(resp.as_bytes());
    } else {
        resp.push_str(&format!("Content-Length: {}\r\n\r\n", out.len()));
        let _ = w.write_all(resp.as_bytes());
        let _ = w.write_all(&out);
    }
    let _ = w.flush();
}

fn err(status: u16, code: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    (status, vec![], json!({"error": code, "message": code}).to_string().into_bytes())
}

fn route(
    method: &str,
    path: &str,
    headers: &HashMap<String, String>,
    body: &[u8],
    state: &Mutex<State>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    if method == "POST" && path == "/api/v1/enroll" {
        let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
        let mut s = state.lock().unwrap();
        let token = v["token"].as_str().unwrap_or("").to_string();
        if !s.enroll_tokens.remove(&token) {
            return err(401, "invalid_token");
        }
        let device_id = v["device_id"].as_str().unwrap_or("dev").to_string();
        let device_token = format!("devtok-{}-{}", device_id, s.devices.len());
        s.devices.insert(device_token.clone(), device_id.clone());
        let out = json!({"device_id": device_id, "device_token": device_token, "group": s.group, "redaction_key": TENANT_KEY});
        return (201, vec![], out.to_string().into_bytes());
    }
    let auth = headers.get("authorization").cloned().unwrap_or_default();
    let token = auth.strip_prefix("Bearer ").unwrap_or("").to_string();
    {
        let mut s = state.lock().unwrap();
        s.auth_seen.insert(auth.clone());
        if !s.devices.contains_key(&token) {
            return err(401, "unauthorized");
        }
    }
    match (method, path) {
        ("GET", "/api/v1/policy") => {
            let mut s = state.lock().unwrap();
            s.policy_gets += 1;
            match s.bundle.clone() {
                None => err(404, "no_policy"),
                Some((bytes, tag)) => {
                    if headers.get("if-none-match") == Some(&tag) {
                        s.not_modified += 1;
                        (304, vec![("ETag".into(), tag)], vec![])
                    } else {
                        (200, vec![("ETag".into(), tag)], bytes)
                    }
                }
            }
        }
        ("POST", "/api/v1/events") => {
            let v: Value = match serde_json::from_slice(body) {
                Ok(v) => v,
                Err(_) => return err(400, "bad_json"),
            };
            let events = v["events"].as_array().cloned().unwrap_or_default();
            if events.len() > state.lock().unwrap().max_batch.unwrap_or(500) {
                return err(413, "too_large");
            }
            let (mut accepted, mut duplicates, mut rejected) = (vec![], vec![], vec![]);
            let delay = {
                let mut s = state.lock().unwrap();
                for e in events {
                    let id = e["event_id"].as_str().unwrap_or("").to_string();
                    s.received_ids.push(id.clone());
                    if s.reject_site.as_deref().is_some_and(|site| e["site"] == site) {
                        rejected.push(json!({"event_id": id, "reason": "site not allowed"}));
                    } else if s.events.contains_key(&id) {
                        duplicates.push(id);
                    } else {
                        s.events.insert(id.clone(), e);
                        accepted.push(id);
                    }
                }
                s.ack_delay
            };
            std::thread::sleep(delay);
            (200, vec![], json!({"accepted": accepted, "duplicates": duplicates, "rejected": rejected}).to_string().into_bytes())
        }
        ("POST", "/api/v1/heartbeat") => {
            let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
            state.lock().unwrap().heartbeats.push(v);
            (204, vec![], vec![])
        }
        _ => err(404, "not_found"),
    }
}

// ---- processes ----

/// The tenant redaction key the test server issues at enrollment (64 hex characters).
pub const TENANT_KEY: &str = "5a1e0f3c9b7d24e68a0c1f2e3d4b5a69788796a5b4c3d2e1f00112233445566f";

pub fn dir(prefix: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("promptwall-{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A command with this test's data dir, runtime dir and configuration file.
pub fn cmd(d: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_promptwall"));
    c.env("PROMPTWALL_DATA_DIR", d.join("data"))
        .env("PROMPTWALL_RUNTIME_DIR", d.join("run"))
        .env("PROMPTWALL_CONFIG", d.join("agent.json"))
        .env_remove("PROMPTWALL_POLICY")
        .env_remove("RUST_LOG")
        .env_remove("PROMPTWALL_LOG");
    c
}

pub fn write_config(d: &Path, v: Value) {
    let tmp = d.join("agent.json.tmp");
    std::fs::write(&tmp, v.to_string()).unwrap();
    std::fs::rename(tmp, d.join("agent.json")).unwrap();
}

/// A daemon killed when the test ends, pass or fail. Its stderr goes to `log`.
pub struct Daemon(pub Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Daemon {
    pub fn start(d: &Path, extra_args: &[&str]) -> Daemon {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(d.join("daemon.log")).unwrap();
        let _ = std::fs::remove_file(d.join("run/agent.sock"));
        let child = cmd(d).arg("daemon").args(extra_args).stdout(Stdio::null()).stderr(log).spawn().unwrap();
        let daemon = Daemon(child);
        let t = Instant::now();
        while !d.join("run/agent.sock").exists() {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "daemon did not start: {}",
                std::fs::read_to_string(d.join("daemon.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        daemon
    }

    pub fn kill9(&mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }

    pub fn term(&mut self) -> Option<i32> {
        assert!(Command::new("kill").args(["-TERM", &self.0.id().to_string()]).status().unwrap().success());
        self.0.wait().unwrap().code()
    }
}

pub fn frame(v: Value) -> Vec<u8> {
    let b = v.to_string().into_bytes();
    let mut out = (b.len() as u32).to_ne_bytes().to_vec();
    out.extend(b);
    out
}

pub fn read_frame(r: &mut impl Read) -> Value {
    let mut len = [0u8; 4];
    r.read_exact(&mut len).unwrap();
    let mut body = vec![0u8; u32::from_ne_bytes(len) as usize];
    r.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

pub struct HostProc {
    pub child: Child,
}

impl HostProc {
    pub fn start(d: &Path) -> HostProc {
        HostProc { child: cmd(d).arg("native-host").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap() }
    }
    pub fn ask(&mut self, v: Value) -> Value {
        self.child.stdin.as_mut().unwrap().write_all(&frame(v)).unwrap();
        read_frame(self.child.stdout.as_mut().unwrap())
    }
    pub fn inspect(&mut self, id: usize, text: &str) -> Value {
        self.ask(json!({"v": 1, "id": id, "type": "inspect", "text": text, "url": "https://chatgpt.com/c/1", "trigger": "paste"}))
    }
    pub fn finish(mut self) -> Option<i32> {
        drop(self.child.stdin.take());
        self.child.wait().unwrap().code()
    }
}

/// Polls `f` until it is true or `secs` pass.
pub fn wait_for(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(t.elapsed() < Duration::from_secs(secs), "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Number of events queued locally (via `promptwall events --json`).
pub fn queued(d: &Path) -> usize {
    let out = cmd(d).args(["events", "--json", "--limit", "100000"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().count()
}

/// Signing key pair made with `promptwall policy keygen`: returns (private key path, public key base64).
pub fn keygen(d: &Path, key_id: &str) -> (PathBuf, String) {
    let keys = d.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    assert!(cmd(d).args(["policy", "keygen", key_id, "--dir"]).arg(&keys).status().unwrap().success());
    (keys.join(format!("{key_id}.key")), std::fs::read_to_string(keys.join(format!("{key_id}.pub"))).unwrap().trim().to_string())
}

/// Signs `policy` (JSON) as bundle `version` for every group with `promptwall policy sign`;
/// returns its bytes.
pub fn sign(d: &Path, policy: &Value, key: &Path, key_id: &str, version: u64) -> Vec<u8> {
    sign_for(d, policy, key, key_id, version, None)
}

/// As [`sign`], for one group only (`None`: every group).
pub fn sign_for(d: &Path, policy: &Value, key: &Path, key_id: &str, version: u64, group: Option<&str>) -> Vec<u8> {
    let p = d.join(format!("policy-{version}.json"));
    std::fs::write(&p, policy.to_string()).unwrap();
    let out = d.join(format!("bundle-{version}.json"));
    let audience: Vec<&str> = match group {
        Some(g) => vec!["--group", g],
        None => vec!["--all-groups"],
    };
    let st = cmd(d)
        .args(["policy", "sign"])
        .arg(&p)
        .arg("--key")
        .arg(key)
        .args(["--key-id", key_id, "--version", &version.to_string()])
        .args(audience)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    std::fs::read(out).unwrap()
}

/// The built-in policy (from `promptwall policy init`) with its name changed.
pub fn policy_named(name: &str) -> Value {
    let tmp = std::env::temp_dir().join(format!("pw-default-{}-{name}.json", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    assert!(Command::new(env!("CARGO_BIN_EXE_promptwall")).arg("policy").arg("init").arg(&tmp).output().unwrap().status.success());
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&tmp).unwrap()).unwrap();
    v["name"] = json!(name);
    v
}
