//! The agent on the laptop without a server: user decisions across host processes, logs that
//! never hold content, and configuration / policy-override reload while the daemon runs.

mod support;

use serde_json::{json, Value};
use std::path::Path;
use support::*;

const SECRET: &str = "aws_access_key_id = AKIAT4SYWB5WKH7DNSIP";
/// Two e-mail addresses: the default policy warns (customer data), so the user may decide.
const WARNED: &str = "Escalate to alice.lindgren@northwind.io and bruno.keller@northwind.io today";

fn decide(h: &mut HostProc, event_id: &str) -> Value {
    h.ask(json!({"v": 1, "id": "d", "type": "user_decision", "event_id": event_id, "choice": "proceed_with_justification", "justification": "ticket 42"}))
}

fn events_json(d: &Path) -> Vec<Value> {
    let out = cmd(d).args(["events", "--json", "--limit", "1000"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn user_decision_from_another_host_process() {
    // With the daemon: decided on one connection, answered on another.
    let d = dir("local", "decision");
    let daemon = Daemon::start(&d, &[]);
    let mut a = HostProc::start(&d);
    let v = a.inspect(1, WARNED);
    assert_eq!(v["decided_by"], "daemon");
    assert_eq!(v["action"], "warn");
    let id = v["event_id"].as_str().unwrap().to_string();
    let blocked = a.inspect(2, SECRET);
    assert_eq!(blocked["action"], "block");
    let blocked_id = blocked["event_id"].as_str().unwrap().to_string();
    a.finish();
    let mut b = HostProc::start(&d);
    assert_eq!(decide(&mut b, &id)["type"], "ack");
    // The attack: answer the same warning again, and "proceed" past a block. Both refused.
    assert_eq!(decide(&mut b, &id)["code"], "invalid_request", "one decision per warning");
    assert_eq!(decide(&mut b, &blocked_id)["code"], "invalid_request", "a block takes no user decision");
    assert_eq!(decide(&mut b, "0000")["code"], "invalid_request");
    b.finish();
    drop(daemon);

    // Without it: each host decides alone; the second finds the first one's event in the store.
    let _ = std::fs::remove_file(d.join("run/agent.sock"));
    let mut a = HostProc::start(&d);
    let v = a.inspect(3, WARNED);
    assert_eq!(v["decided_by"], "host");
    let id2 = v["event_id"].as_str().unwrap().to_string();
    a.finish();
    let mut b = HostProc::start(&d);
    assert_eq!(decide(&mut b, &id2)["type"], "ack");
    b.finish();
    // A third process cannot answer it again either (the store remembers the answer).
    let mut c = HostProc::start(&d);
    assert_eq!(decide(&mut c, &id2)["code"], "invalid_request");
    c.finish();
    let decisions: Vec<Value> = events_json(&d).into_iter().filter(|e| e["trigger"] == "user_decision").collect();
    assert_eq!(decisions.len(), 2);
    assert!(decisions.iter().all(|e| e["action"] == "warn" && e["choice"] == "proceed_with_justification"));
}

#[test]
fn json_logs_never_hold_pasted_text() {
    let d = dir("local", "logs");
    std::fs::create_dir_all(d.join("data")).unwrap();
    let mut c = cmd(&d);
    let log = std::fs::File::create(d.join("daemon.log")).unwrap();
    let child = c
        .args(["daemon", "--log-format", "json"])
        .env("PROMPTWALL_LOG", "trace")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut daemon = Daemon(child);
    wait_for(20, "socket", || d.join("run/agent.sock").exists());
    let mut h = HostProc::start(&d);
    let v = h.inspect(1, SECRET);
    assert_eq!(v["action"], "block");
    let card = h.ask(
        json!({"v": 1, "id": 2, "type": "inspect", "text": "card 4539 1488 0343 6467", "url": "https://claude.ai/", "trigger": "paste"}),
    );
    assert_eq!(card["action"], "redact");
    // Malformed input on the socket path is logged too, without its bytes.
    let bad = h.ask(json!({"v": 1, "id": 3, "type": "inspect", "text": SECRET}));
    assert_eq!(bad["code"], "invalid_request");
    h.finish();
    assert_eq!(daemon.term(), Some(0));
    let logs = std::fs::read_to_string(d.join("daemon.log")).unwrap();
    assert!(logs.lines().count() >= 2, "{logs}");
    for line in logs.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v.get("level").is_some(), "{line}");
    }
    for needle in ["AKIAT4SYWB5WKH7DNSIP", "AKIA", "4539", "1488 0343"] {
        assert!(!logs.contains(needle), "`{needle}` in the logs:\n{logs}");
    }
}

#[test]
fn daemon_reloads_configuration_and_policy_override() {
    let d = dir("local", "reload");
    let over = d.join("override.json");
    write_config(&d, json!({}));
    let _daemon = Daemon::start(&d, &[]);
    let name = || {
        let mut h = HostProc::start(&d);
        let v = h.inspect(1, SECRET);
        h.finish();
        v["policy_name"].as_str().unwrap().to_string()
    };
    assert_eq!(name(), "Promptwall default");

    // The managed configuration starts pointing at an override file: picked up without restart.
    std::fs::write(&over, policy_named("Local override").to_string()).unwrap();
    write_config(&d, json!({"policy_override": over}));
    wait_for(10, "override from the new configuration", || name() == "Local override");

    // The override file itself changes (written in place).
    std::fs::write(&over, policy_named("Edited override").to_string()).unwrap();
    wait_for(10, "edited override", || name() == "Edited override");

    // A broken edit is refused; the last good one stays in force.
    std::fs::write(&over, "{ not a policy").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert_eq!(name(), "Edited override");
    let log = std::fs::read_to_string(d.join("daemon.log")).unwrap();
    assert!(log.contains("policy override change refused"), "{log}");

    // A broken configuration is refused too; removing the override returns to the built-in policy.
    std::fs::write(d.join("agent.json"), "{\"sync_interval_s\": 0}").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert_eq!(name(), "Edited override");
    std::fs::remove_file(&over).unwrap();
    wait_for(10, "back to the built-in policy", || name() == "Promptwall default");
}

#[test]
fn a_broken_override_never_costs_a_verdict() {
    let d = dir("local", "broken-override");
    std::fs::write(d.join("broken.json"), "{ not a policy").unwrap();
    write_config(&d, json!({"policy_override": d.join("broken.json")}));
    let mut h = HostProc::start(&d);
    let v = h.inspect(1, SECRET);
    assert_eq!(
        (v["action"].clone(), v["policy_name"].clone(), v["decided_by"].clone()),
        (json!("block"), json!("Promptwall default"), json!("host"))
    );
    assert_eq!(h.finish(), Some(0));
}

/// Garbage straight on the daemon's socket (not through a host): clear error codes, the
/// connection or at worst that one connection ends, and the daemon keeps serving others.
#[cfg(unix)]
#[test]
fn the_daemon_survives_bad_frames_on_its_socket() {
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    let d = dir("local", "badframes");
    let _daemon = Daemon::start(&d, &[]);
    let sock = d.join("run/agent.sock");
    let mut s = UnixStream::connect(&sock).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    // Not JSON, then an unknown type, then a body that is not UTF-8: answered one by one.
    let mut bad = (9u32).to_ne_bytes().to_vec();
    bad.extend_from_slice(b"{not json");
    s.write_all(&bad).unwrap();
    assert_eq!(read_frame(&mut s)["code"], "bad_json");
    s.write_all(&frame(json!({"v": 1, "id": 2, "type": "teleport"}))).unwrap();
    assert_eq!(read_frame(&mut s)["code"], "unknown_type");
    let mut raw = 2u32.to_ne_bytes().to_vec();
    raw.extend_from_slice(b"\xff\xfe");
    s.write_all(&raw).unwrap();
    assert_eq!(read_frame(&mut s)["code"], "bad_frame");
    // Oversized: refused with its size and the request's id, the body skipped, the next request
    // read normally.
    let mut big = br#"{"id":"big-1","v":2,"type":"inspect","text":""#.to_vec();
    big.resize(9 * 1024 * 1024, b'x');
    let mut msg = (big.len() as u32).to_ne_bytes().to_vec();
    msg.extend_from_slice(&big);
    s.write_all(&msg).unwrap();
    let too_large = read_frame(&mut s);
    assert_eq!(too_large["code"], "frame_too_large");
    assert_eq!(too_large["id"], "big-1", "the error echoes the request id");
    s.write_all(&frame(json!({"v": 1, "id": 3, "type": "inspect", "text": SECRET, "url": "https://chatgpt.com/", "trigger": "paste"})))
        .unwrap();
    assert_eq!(read_frame(&mut s)["action"], "block");
    // Truncated: a header promising more than ever comes, then the writer goes away.
    let mut cut = 100u32.to_ne_bytes().to_vec();
    cut.extend_from_slice(b"{\"v\":1");
    s.write_all(&cut).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(read_frame(&mut s)["code"], "bad_frame");
    // Another host is served as usual.
    let mut h = HostProc::start(&d);
    let v = h.inspect(4, SECRET);
    assert_eq!((v["decided_by"].clone(), v["action"].clone()), (json!("daemon"), json!("block")));
    h.finish();
}

/// A host that had to decide alone returns to the daemon once it is back.
#[test]
fn a_host_returns_to_a_restarted_daemon() {
    let d = dir("local", "return");
    let mut daemon = Daemon::start(&d, &[]);
    let mut h = HostProc::start(&d);
    assert_eq!(h.inspect(1, SECRET)["decided_by"], "daemon");
    daemon.kill9();
    assert_eq!(h.inspect(2, SECRET)["decided_by"], "host");
    let _again = Daemon::start(&d, &[]);
    let mut i = 3;
    wait_for(15, "the host relays to the restarted daemon", || {
        i += 1;
        h.inspect(i, SECRET)["decided_by"] == "daemon"
    });
    assert_eq!(h.finish(), Some(0));
}

#[cfg(unix)]
#[test]
fn a_flood_of_idle_connections_cannot_starve_a_host() {
    use std::io::Read;
    use std::os::unix::net::UnixStream;
    let d = dir("local", "flood");
    let _daemon = Daemon::start(&d, &[]);
    // The attack: far more idle connections than the daemon serves at once (once, 515 of them
    // pinned a thread each and pushed every host into deciding alone).
    let mut flood = Vec::new();
    for _ in 0..600 {
        flood.push(UnixStream::connect(d.join("run/agent.sock")).unwrap());
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut h = HostProc::start(&d);
    let v = h.inspect(1, SECRET);
    assert_eq!((v["action"].clone(), v["decided_by"].clone()), (json!("block"), json!("daemon")), "{v}");
    // A second request on the same host, after more flooding, still reaches the daemon.
    for _ in 0..300 {
        flood.push(UnixStream::connect(d.join("run/agent.sock")).unwrap());
    }
    let v = h.inspect(2, SECRET);
    assert_eq!(v["decided_by"], "daemon", "{v}");
    h.finish();
    // Most of the flood was closed by the daemon (end of input on read).
    let mut closed = 0;
    for s in flood.iter_mut() {
        s.set_read_timeout(Some(std::time::Duration::from_millis(20))).unwrap();
        if matches!(s.read(&mut [0u8; 1]), Ok(0)) {
            closed += 1;
        }
    }
    assert!(closed >= 900 - 128 - 2, "{closed} of 900 idle connections closed");
}

#[test]
fn requests_over_the_browser_limit_are_relayed_to_the_daemon() {
    let d = dir("local", "relay-big");
    let _daemon = Daemon::start(&d, &[]);
    let mut h = HostProc::start(&d);
    // 2 MiB of text (over the 1 MiB that hosts may send the browser) with a key at the end.
    let mut text = "lorem ipsum dolor sit amet ".repeat(2 * 1024 * 1024 / 27);
    text.push_str(SECRET);
    let v = h.inspect(1, &text);
    assert_eq!((v["action"].clone(), v["decided_by"].clone()), (json!("block"), json!("daemon")));
    h.finish();
}

#[test]
fn touching_the_override_file_does_not_reload_it_and_a_change_reloads_it_once() {
    let d = dir("local", "watch");
    let policy = d.join("override.json");
    assert!(cmd(&d).args(["policy", "init"]).arg(&policy).output().unwrap().status.success());
    let _daemon = Daemon::start(&d, &["--policy", policy.to_str().unwrap()]);
    let reloads = || std::fs::read_to_string(d.join("daemon.log")).unwrap_or_default().matches("policy override reloaded").count();
    std::thread::sleep(std::time::Duration::from_millis(500));
    // `touch`: new times, same bytes. The daemon reads the file, which must not feed itself.
    assert!(std::process::Command::new("touch").arg(&policy).status().unwrap().success());
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(reloads(), 0, "no reload without a content change");
    let mut p: Value = serde_json::from_str(&std::fs::read_to_string(&policy).unwrap()).unwrap();
    p["name"] = json!("Edited");
    std::fs::write(&policy, p.to_string()).unwrap();
    wait_for(10, "one reload", || reloads() >= 1);
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(reloads(), 1, "exactly one reload for one change");
    let mut h = HostProc::start(&d);
    assert_eq!(h.ask(json!({"v": 2, "id": "s", "type": "status"}))["policy_name"], "Edited");
    h.finish();
}

/// A small tmpfs mounted over a folder for one test (root only), unmounted when dropped.
#[cfg(target_os = "linux")]
struct Tmpfs(std::path::PathBuf);

#[cfg(target_os = "linux")]
impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return None;
        }
        std::fs::create_dir_all(at).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(at)
            .status()
            .unwrap()
            .success();
        assert!(ok, "mount tmpfs at {}", at.display());
        Some(Tmpfs(at.to_path_buf()))
    }
}

#[cfg(target_os = "linux")]
impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[cfg(target_os = "linux")]
fn daemon_events_line(d: &Path) -> String {
    let out = cmd(d).arg("status").output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().find(|l| l.starts_with("daemon:")).unwrap_or_default().to_string()
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_costs_no_verdict_loses_nothing_recorded_and_recording_resumes() {
    let d = dir("local", "diskfull");
    let Some(_fs) = Tmpfs::mount(&d.join("data"), "2m") else {
        println!("SKIPPED: mounting a small tmpfs needs root");
        return;
    };
    let _daemon = Daemon::start(&d, &[]);
    let mut h = HostProc::start(&d);
    let mut recorded = Vec::new();
    for i in 0..5 {
        recorded.push(h.inspect(i, SECRET)["event_id"].as_str().unwrap().to_string());
    }
    assert!(daemon_events_line(&d).contains("events recording"), "{}", daemon_events_line(&d));
    // Fill the filesystem while the daemon runs.
    let filler = d.join("data/filler");
    let _ = std::process::Command::new("dd")
        .args(["if=/dev/zero", "bs=4k"])
        .arg(format!("of={}", filler.display()))
        .stderr(std::process::Stdio::null())
        .status();
    // Verdicts keep coming, decided by the daemon, though nothing can be written.
    for i in 5..40 {
        let v = h.inspect(i, SECRET);
        assert_eq!((v["action"].clone(), v["decided_by"].clone()), (json!("block"), json!("daemon")), "{v}");
    }
    let line = daemon_events_line(&d);
    assert!(line.contains("NOT RECORDING") && line.contains("disk is full"), "status says why: {line}");
    // Space returns: recording resumes, and what was recorded before is all still there.
    std::fs::remove_file(&filler).unwrap();
    let after = h.inspect(99, SECRET)["event_id"].as_str().unwrap().to_string();
    assert!(daemon_events_line(&d).contains("events recording"), "{}", daemon_events_line(&d));
    h.finish();
    let ids: Vec<String> = events_json(&d).iter().map(|e| e["event_id"].as_str().unwrap().to_string()).collect();
    for id in recorded.iter().chain([&after]) {
        assert!(ids.contains(id), "event {id} lost");
    }
}

#[cfg(unix)]
#[test]
fn the_event_database_deleted_under_the_daemon_is_recreated() {
    let d = dir("local", "dbgone");
    let _daemon = Daemon::start(&d, &[]);
    let mut h = HostProc::start(&d);
    h.inspect(1, SECRET);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(d.join(format!("data/events.db{suffix}")));
    }
    let id = h.inspect(2, SECRET)["event_id"].as_str().unwrap().to_string();
    h.finish();
    assert!(d.join("data/events.db").exists(), "recreated at its path");
    let ids: Vec<String> = events_json(&d).iter().map(|e| e["event_id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, [id], "the decision after the deletion is in the new file, not in the unlinked one");
}
