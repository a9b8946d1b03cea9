//! Host ↔ daemon over the real socket: relay, fallback when the daemon is down or killed, many
//! concurrent hosts, clean shutdown on SIGTERM.

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("promptwall-daemon-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn cmd(d: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_promptwall"));
    c.env("PROMPTWALL_DATA_DIR", d).env("PROMPTWALL_RUNTIME_DIR", d.join("run"));
    c
}

/// A daemon process that is killed when the test ends, pass or fail.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Deref for Daemon {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Daemon {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

fn start_daemon(d: &Path) -> Daemon {
    let child = Daemon(cmd(d).arg("daemon").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());
    let sock = d.join("run/agent.sock");
    let t = Instant::now();
    while !sock.exists() {
        assert!(t.elapsed() < Duration::from_secs(10), "daemon did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn frame(v: Value) -> Vec<u8> {
    let b = v.to_string().into_bytes();
    let mut out = (b.len() as u32).to_ne_bytes().to_vec();
    out.extend(b);
    out
}

fn read(r: &mut impl Read) -> Value {
    let mut len = [0u8; 4];
    r.read_exact(&mut len).unwrap();
    let mut body = vec![0u8; u32::from_ne_bytes(len) as usize];
    r.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn inspect(id: usize) -> Vec<u8> {
    frame(
        json!({"v": 1, "id": id, "type": "inspect", "text": "key AKIAT4SYWB5WKH7DNSIP", "url": "https://chatgpt.com/", "trigger": "paste"}),
    )
}

struct HostProc {
    child: Child,
}

impl HostProc {
    fn start(d: &Path) -> HostProc {
        HostProc { child: cmd(d).arg("native-host").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap() }
    }
    fn ask(&mut self, msg: &[u8]) -> Value {
        self.child.stdin.as_mut().unwrap().write_all(msg).unwrap();
        read(self.child.stdout.as_mut().unwrap())
    }
    fn finish(mut self) -> Option<i32> {
        drop(self.child.stdin.take());
        self.child.wait().unwrap().code()
    }
}

fn sigterm(child: &Daemon) {
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
}

fn sigkill(child: &mut Daemon) {
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn host_relays_to_the_daemon_and_falls_back_when_it_dies() {
    let d = dir("relay");
    // No daemon yet: the host decides alone.
    let mut h = HostProc::start(&d);
    assert_eq!(h.ask(&inspect(1))["decided_by"], "host");
    assert_eq!(h.finish(), Some(0));

    let mut daemon = start_daemon(&d);
    let mut h = HostProc::start(&d);
    let v = h.ask(&inspect(2));
    assert_eq!((v["decided_by"].clone(), v["action"].clone(), v["id"].clone()), (json!("daemon"), json!("block"), json!(2)));
    let bad = h.ask(&frame(json!({"v": 1, "id": 3, "type": "nope"})));
    assert_eq!(bad["code"], "unknown_type", "errors come back through the relay");
    // The daemon dies mid-session: the next verdict still arrives, decided by the host.
    sigkill(&mut daemon);
    let v = h.ask(&inspect(4));
    assert_eq!((v["decided_by"].clone(), v["action"].clone()), (json!("host"), json!("block")));
    assert_eq!(h.finish(), Some(0));
}

#[test]
fn a_hundred_concurrent_hosts() {
    let d = dir("many");
    let mut daemon = start_daemon(&d);
    let handles: Vec<_> = (0..100)
        .map(|i| {
            let d = d.clone();
            std::thread::spawn(move || {
                let mut h = HostProc::start(&d);
                let mut by = Vec::new();
                for k in 0..3 {
                    let v = h.ask(&inspect(i * 10 + k));
                    assert_eq!(v["action"], "block");
                    assert_eq!(v["id"], i * 10 + k);
                    by.push(v["decided_by"].as_str().unwrap().to_string());
                }
                assert_eq!(h.finish(), Some(0));
                by
            })
        })
        .collect();
    let all: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    assert_eq!(all.len(), 300, "every request got its verdict");
    // Under heavy load a host may stop waiting for the daemon (2 s) and decide alone: allowed,
    // but it must stay the exception.
    let by_daemon = all.iter().filter(|b| *b == "daemon").count();
    assert!(by_daemon >= 270, "only {by_daemon} of 300 verdicts came from the daemon");
    // Every block verdict was recorded; none lost.
    let out = cmd(&d).args(["events", "--json", "--limit", "1000"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).lines().count() >= 300);
    sigkill(&mut daemon);
}

#[test]
fn sigterm_stops_cleanly_and_removes_the_socket() {
    let d = dir("term");
    let mut daemon = start_daemon(&d);
    let mut h = HostProc::start(&d);
    assert_eq!(h.ask(&inspect(1))["decided_by"], "daemon");
    assert_eq!(h.finish(), Some(0));
    sigterm(&daemon);
    let status = daemon.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(!d.join("run/agent.sock").exists());
    // A second daemon refuses to start while one serves; after a kill -9 the stale socket is reused.
    let mut first = start_daemon(&d);
    let second = cmd(&d).arg("daemon").stdout(Stdio::null()).stderr(Stdio::piped()).output().unwrap();
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("already serving"));
    sigkill(&mut first);
    assert!(d.join("run/agent.sock").exists(), "kill -9 leaves the socket behind");
    let mut again = Daemon(cmd(&d).arg("daemon").stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap());
    let t = Instant::now();
    loop {
        let mut h = HostProc::start(&d);
        let by = h.ask(&inspect(9))["decided_by"].clone();
        h.finish();
        if by == "daemon" {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "restarted daemon never served");
        std::thread::sleep(Duration::from_millis(50));
    }
    sigkill(&mut again);
}
