//! Enrollment, policy sync and event upload against a real local HTTP server, with real agent
//! processes (daemon, native hosts, CLI) and the real SQLite queue.

mod support;

use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use support::*;

const SECRET: &str = "key AKIAT4SYWB5WKH7DNSIP";

fn config(d: &Path, server: &TestServer, keys: &[(&str, &str)], store: &str) {
    let trusted: Vec<Value> = keys.iter().map(|(id, pk)| json!({"key_id": id, "public_key": pk})).collect();
    write_config(
        d,
        json!({"server_url": server.url, "trusted_keys": trusted, "sync_interval_s": 1, "upload_interval_s": 1,
               "backoff_max_s": 2, "credential_store": store}),
    );
}

fn enroll(d: &Path, server: &TestServer, token: &str) -> std::process::Output {
    server.with(|s| s.enroll_tokens.insert(token.to_string()));
    cmd(d).args(["enroll", "--server", &server.url, "--token", token]).output().unwrap()
}

fn status(d: &Path) -> String {
    String::from_utf8_lossy(&cmd(d).arg("status").output().unwrap().stdout).into_owned()
}

fn log(d: &Path) -> String {
    std::fs::read_to_string(d.join("daemon.log")).unwrap_or_default()
}

/// Asks a fresh host for a verdict; returns (policy_version, decided_by).
fn verdict(d: &Path) -> (u64, String) {
    let mut h = HostProc::start(d);
    let v = h.inspect(1, SECRET);
    h.finish();
    (v["policy_version"].as_u64().unwrap(), v["decided_by"].as_str().unwrap().to_string())
}

#[test]
fn enroll_then_policy_sync_refuses_bad_bundles_and_events_upload() {
    let d = dir("sync", "main");
    let server = TestServer::start();
    let (k1, pk1) = keygen(&d, "k1");
    let (k2, _) = keygen(&d, "k2");
    config(&d, &server, &[("k1", &pk1)], "file");

    // Enrollment: a wrong token is refused with a clear message; a good one works once.
    let bad = cmd(&d).args(["enroll", "--server", &server.url, "--token", "nope"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("refused the enrollment token"), "{}", String::from_utf8_lossy(&bad.stderr));
    let ok = enroll(&d, &server, "tok-1");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(!String::from_utf8_lossy(&ok.stdout).contains("devtok-"), "the credential is never printed");
    let again = cmd(&d).args(["enroll", "--server", &server.url, "--token", "tok-1"]).output().unwrap();
    assert_eq!(again.status.code(), Some(2), "a used token is refused");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.join("data/device-credential")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let st = status(&d);
    assert!(st.contains("file fallback (0600)") && st.contains("present") && st.contains("group engineering"), "{st}");

    // A signed bundle on the server: the daemon fetches, verifies and swaps it in.
    let v2 = sign(&d, &policy_named("Pushed"), &k1, "k1", 2);
    server.with(|s| s.bundle = Some((v2.clone(), "\"e2\"".into())));
    let mut daemon = Daemon::start(&d, &[]);
    wait_for(20, "bundle v2 in force", || verdict(&d) == (2, "daemon".into()));
    assert_eq!(std::fs::read(d.join("data/policy/bundle.json")).unwrap(), v2, "last good bundle kept on disk");
    wait_for(10, "conditional GETs answered 304", || server.with(|s| s.not_modified) > 0);

    // Refused, each in turn, while v2 stays in force: tampered, rolled back, same version with
    // other content, signed by an untrusted key.
    let mut tampered: Value = serde_json::from_slice(&sign(&d, &policy_named("Tampered"), &k1, "k1", 3)).unwrap();
    tampered["policy"]["name"] = json!("Evil");
    let rolled_back = sign(&d, &policy_named("Old"), &k1, "k1", 1);
    let same_version = sign(&d, &policy_named("Other content"), &k1, "k1", 2);
    let untrusted = sign(&d, &policy_named("Stranger"), &k2, "k2", 4);
    for (i, (bytes, why)) in [
        (tampered.to_string().into_bytes(), "signature does not verify"),
        (rolled_back, "refusing a rollback"),
        (same_version, "other content"),
        (untrusted, "not a trusted key"),
    ]
    .into_iter()
    .enumerate()
    {
        let gets = server.with(|s| {
            s.bundle = Some((bytes, format!("\"bad{i}\"")));
            s.policy_gets
        });
        wait_for(10, why, || log(&d).contains(why));
        wait_for(10, "another policy GET", || server.with(|s| s.policy_gets) > gets + 1);
        assert_eq!(verdict(&d), (2, "daemon".into()), "old bundle stays in force after: {why}");
        assert_eq!(std::fs::read(d.join("data/policy/bundle.json")).unwrap(), v2, "disk copy untouched after: {why}");
    }
    assert!(status(&d).contains("last bundle refused"));

    // A newer good bundle is taken.
    let v5 = sign(&d, &policy_named("Pushed again"), &k1, "k1", 5);
    server.with(|s| s.bundle = Some((v5, "\"e5\"".into())));
    wait_for(20, "bundle v5 in force", || verdict(&d).0 == 5);

    // Events: every verdict above was a block, so recorded; they reach the server and leave the
    // queue; heartbeats report the policy version.
    wait_for(20, "queue drained", || queued(&d) == 0);
    let (stored, received, hb, auth) = server.with(|s| (s.events.len(), s.received_ids.len(), s.heartbeats.clone(), s.auth_seen.clone()));
    assert!(stored >= 6, "{stored} events on the server");
    assert_eq!(stored, received, "nothing uploaded twice when nothing failed");
    assert!(hb.iter().any(|h| h["policy_version"] == 5 || h["policy_version"] == 2), "{hb:?}");
    assert!(hb.iter().all(|h| h["queue_depth"].is_u64() && h["dropped_total"] == 0 && h["hostname"].is_string()), "{hb:?}");
    assert!(auth.iter().all(|a| a.starts_with("Bearer devtok-")), "device calls carry the credential: {auth:?}");
    let server_events: Vec<Value> = server.with(|s| s.events.values().cloned().collect());
    assert!(!serde_json::to_string(&server_events).unwrap().contains("AKIA"), "no content uploaded");

    // Daemon gone: a host started now decides alone, from the last good bundle.
    assert_eq!(daemon.term(), Some(0));
    assert_eq!(verdict(&d), (5, "host".into()));
    let l = log(&d);
    assert!(!l.contains("AKIAT4SYWB5WKH7DNSIP") && !l.contains("devtok-"), "logs never hold pasted text or the credential");
}

#[test]
fn server_down_events_wait_then_drain_and_rejected_ones_are_counted() {
    let d = dir("sync", "down");
    let server = TestServer::start();
    config(&d, &server, &[], "file");
    assert!(enroll(&d, &server, "tok-down").status.success());
    server.set_down(true);
    let _daemon = Daemon::start(&d, &[]);
    let mut h = HostProc::start(&d);
    for i in 0..20 {
        assert_eq!(h.inspect(i, SECRET)["action"], "block");
    }
    let r = h.ask(json!({"v": 1, "id": "x", "type": "inspect", "text": SECRET, "url": "https://claude.ai/chat/9", "trigger": "paste"}));
    assert_eq!(r["action"], "block");
    h.finish();
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(queued(&d), 21, "events wait while the server is down");
    assert!(status(&d).contains("last contact failed"));
    assert_eq!(server.with(|s| s.received_ids.len()), 0);

    // The server also limits bodies: batches over 4 events get 413, so the agent sends smaller ones.
    server.with(|s| {
        s.reject_site = Some("claude.ai".into());
        s.max_batch = Some(4);
    });
    server.set_down(false);
    wait_for(30, "queue drained after the server came back", || queued(&d) == 0);
    let (stored, received) = server.with(|s| (s.events.len(), s.received_ids.len()));
    assert_eq!(stored, 20);
    assert!(received <= 21 + 21, "retries stay bounded");
    let st = status(&d);
    assert!(st.contains("0 waiting for upload") && st.contains("1 rejected by the server"), "{st}");
}

#[test]
fn kill_9_during_upload_loses_nothing_and_stores_nothing_twice() {
    let d = dir("sync", "kill9");
    let server = TestServer::start();
    config(&d, &server, &[], "file");
    assert!(enroll(&d, &server, "tok-kill").status.success());
    // The server stores each upload, then waits before answering: the daemon dies in between.
    server.with(|s| s.ack_delay = Duration::from_secs(3));
    let mut daemon = Daemon::start(&d, &[]);
    let mut ids = Vec::new();
    let mut h = HostProc::start(&d);
    for i in 0..30 {
        ids.push(h.inspect(i, SECRET)["event_id"].as_str().unwrap().to_string());
    }
    wait_for(20, "an upload in flight", || !server.with(|s| s.received_ids.is_empty()));
    daemon.kill9();
    // Events keep coming while the daemon is dead: the host decides and records them itself.
    for i in 30..40 {
        let v = h.inspect(i, SECRET);
        assert_eq!(v["decided_by"], "host");
        ids.push(v["event_id"].as_str().unwrap().to_string());
    }
    h.finish();
    assert!(queued(&d) >= 30, "unacknowledged events are still queued after kill -9");
    server.with(|s| s.ack_delay = Duration::ZERO);
    let _daemon = Daemon::start(&d, &[]);
    wait_for(30, "queue drained after restart", || queued(&d) == 0);
    let (stored, received): (std::collections::HashMap<String, Value>, Vec<String>) =
        server.with(|s| (s.events.clone(), s.received_ids.clone()));
    for id in &ids {
        assert!(stored.contains_key(id), "event {id} lost");
    }
    assert_eq!(stored.len(), ids.len(), "count distinct == count stored");
    assert!(received.len() > stored.len(), "the batch cut by kill -9 was sent again (and deduped): {} received", received.len());
}

#[test]
fn enrollment_in_the_os_keyring() {
    let d = dir("sync", "keyring");
    let server = TestServer::start();
    config(&d, &server, &[], "auto");
    let out = enroll(&d, &server, "tok-kr");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let record: Value = serde_json::from_str(&std::fs::read_to_string(d.join("data/enrollment.json")).unwrap()).unwrap();
    let st = status(&d);
    match record["credential_store"].as_str().unwrap() {
        "keyring" => {
            assert!(st.contains("OS keyring") && st.contains("present"), "{st}");
            assert!(!d.join("data/device-credential").exists(), "no file copy when the keyring holds it");
        }
        other => {
            // A kernel or container without keyutils: the documented fallback.
            assert_eq!(other, "file");
            eprintln!("note: no usable OS keyring here; the file fallback was used");
        }
    }
    assert!(!st.contains("devtok-"));
    // The daemon reads the credential from where enrollment put it and calls the server with it.
    let _daemon = Daemon::start(&d, &[]);
    wait_for(20, "an authenticated policy request", || server.with(|s| s.policy_gets) > 0);
}

/// The default policy plus a rule for the `engineering` group only: e-mail addresses blocked.
fn engineering_policy(name: &str) -> Value {
    let mut p = policy_named(name);
    let rule = json!({"id": "eng-no-email", "match": {"types": ["EMAIL"]}, "groups": ["engineering"], "action": "block", "message": "No addresses from engineering."});
    p["rules"].as_array_mut().unwrap().insert(0, rule);
    p
}

fn inspect_email(d: &Path) -> Value {
    let mut h = HostProc::start(d);
    let v = h.inspect(1, "please write to alice.lindgren@northwind.io");
    h.finish();
    v
}

/// Signs with explicit validity (Unix seconds) for every group.
fn sign_window(d: &Path, policy: &Value, key: &Path, key_id: &str, version: u64, not_before: u64, days: u64) -> Vec<u8> {
    let p = d.join(format!("policy-w{version}.json"));
    std::fs::write(&p, policy.to_string()).unwrap();
    let out = d.join(format!("bundle-w{version}.json"));
    let st = cmd(d)
        .args(["policy", "sign"])
        .arg(&p)
        .arg("--key")
        .arg(key)
        .args([
            "--key-id",
            key_id,
            "--version",
            &version.to_string(),
            "--all-groups",
            "--not-before",
            &not_before.to_string(),
            "--valid-days",
            &days.to_string(),
            "-o",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(st.status.success(), "{}", String::from_utf8_lossy(&st.stderr));
    std::fs::read(out).unwrap()
}

#[test]
fn group_rules_apply_bundles_keep_to_their_group_and_the_rollback_floor_survives_restarts() {
    let d = dir("sync", "group");
    let server = TestServer::start();
    let (k1, pk1) = keygen(&d, "k1");
    let (k2, pk2) = keygen(&d, "k2");
    config(&d, &server, &[("k1", &pk1), ("k2", &pk2)], "file");
    assert!(enroll(&d, &server, "tok-group").status.success());

    // Attack 1 (group rules ignored on devices): a rule scoped to the device's group applies.
    let v3 = sign_for(&d, &engineering_policy("Engineering"), &k1, "k1", 3, Some("engineering"));
    server.with(|s| s.bundle = Some((v3.clone(), "\"g3\"".into())));
    let mut daemon = Daemon::start(&d, &[]);
    wait_for(20, "bundle v3 in force", || verdict(&d) == (3, "daemon".into()));
    let v = inspect_email(&d);
    assert_eq!(v["action"], "block", "{v}");
    assert!(v["reasons"][0].as_str().unwrap().starts_with("eng-no-email"), "{v}");

    // Attack 2 (bundles not bound to a group): another group's bundle, newer, is refused.
    let sales = sign_for(&d, &policy_named("Sales"), &k1, "k1", 4, Some("sales"));
    server.with(|s| s.bundle = Some((sales, "\"s4\"".into())));
    wait_for(10, "audience refusal", || log(&d).contains("not for this device's group"));
    assert_eq!(verdict(&d), (3, "daemon".into()));
    assert_eq!(daemon.term(), Some(0));
    let floor: Value = serde_json::from_slice(&std::fs::read(d.join("data/policy/floor.json")).unwrap()).unwrap();
    assert_eq!(floor["version"], 3);

    // Attack 3 (rollback after restart): k1 is retired, so the bundle on disk no longer loads
    // and the device decides with the built-in policy; an older bundle signed with the new key
    // is still refused, because the floor outlived the bundle.
    config(&d, &server, &[("k2", &pk2)], "file");
    let old = sign(&d, &policy_named("Old but validly signed"), &k2, "k2", 2);
    server.with(|s| s.bundle = Some((old, "\"o2\"".into())));
    let mut daemon = Daemon::start(&d, &[]);
    wait_for(10, "rollback refused after restart", || log(&d).contains("refusing a rollback"));
    assert_eq!(verdict(&d).0, 0, "built-in policy while nothing newer than the floor is offered");
    let v6 = sign(&d, &engineering_policy("Rotated"), &k2, "k2", 6);
    server.with(|s| s.bundle = Some((v6, "\"g6\"".into())));
    wait_for(20, "bundle v6 in force", || verdict(&d) == (6, "daemon".into()));
    assert_eq!(daemon.term(), Some(0));

    // Clock jumps: a last good bundle outside its validity window (expired: the clock ran past
    // it; not yet valid: the clock went back) stays in force after a restart, instead of the
    // more lenient built-in policy, and still refuses older ones.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    for (version, nb, what) in [(7, now - 3 * 86_400, "expired"), (8, now + 3 * 86_400, "validity")] {
        let b = sign_window(&d, &engineering_policy(what), &k2, "k2", version, nb, 1);
        std::fs::write(d.join("data/policy/bundle.json"), &b).unwrap();
        server.with(|s| s.bundle = Some((sign(&d, &policy_named("Older"), &k2, "k2", 5), format!("\"c{version}\""))));
        let before = log(&d).matches("refusing a rollback").count();
        let mut daemon = Daemon::start(&d, &[]);
        assert_eq!(verdict(&d), (version, "daemon".into()), "{what}");
        assert_eq!(inspect_email(&d)["action"], "block", "the group rule of the kept bundle still applies");
        wait_for(10, "older bundle refused", || log(&d).matches("refusing a rollback").count() > before);
        assert_eq!(daemon.term(), Some(0));
        assert!(log(&d).contains(what), "the log says why the bundle is kept");
    }
}

#[test]
fn exact_match_sets_and_hash_tags_are_keyed_by_the_tenant_key() {
    let d = dir("sync", "tenant");
    let server = TestServer::start();
    config(&d, &server, &[], "file");
    // Before enrollment: hash tags are keyed by a key of this device's own (96-bit tags).
    let mut policy = policy_named("Tenant keyed");
    policy["redaction"] = json!({"default_style": "hash"});
    let key_file = d.join("tenant.key");
    std::fs::write(&key_file, TENANT_KEY).unwrap();
    let mut edm = cmd(&d)
        .args(["policy", "edm-hash", "--normalize", "email", "--key-file"])
        .arg(&key_file)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    edm.stdin.take().unwrap().write_all(b"Vip.Customer@Northwind.io\n").unwrap();
    let hashes: Vec<String> = String::from_utf8(edm.wait_with_output().unwrap().stdout).unwrap().lines().map(String::from).collect();
    assert_eq!(hashes.len(), 1);
    policy["custom_detectors"] = json!([{"kind": "exact_match", "id": "vip-customers", "normalize": "email", "hashes": hashes}]);
    policy["rules"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!({"id": "vip", "match": {"custom": ["vip-customers"]}, "action": "block", "message": "VIP customer data."}));
    let over = d.join("override.json");
    std::fs::write(&over, policy.to_string()).unwrap();
    let ask = |text: &str| {
        let mut c = cmd(&d);
        c.env("PROMPTWALL_POLICY", &over);
        let mut h = HostProc {
            child: c
                .arg("native-host")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        };
        let v = h.ask(json!({"v": 2, "id": 1, "type": "inspect", "text": text, "url": "https://chatgpt.com/", "trigger": "paste"}));
        h.finish();
        v
    };
    assert_eq!(ask("write to vip.customer@northwind.io")["action"], "allow", "without the tenant key the set cannot match");
    let tagged = ask("card 4539 1488 0343 6467")["redacted_text"].as_str().unwrap().to_string();
    let tag = tagged.trim_start_matches("card [CREDIT_CARD:").trim_end_matches(']');
    assert_eq!(tag.len(), 24, "96-bit tags: {tagged}");

    // Enrolled: the tenant key arrives with the credential; the set matches, and tags change key.
    assert!(enroll(&d, &server, "tok-tenant").status.success());
    assert!(
        !std::fs::read_to_string(d.join("data/enrollment.json")).unwrap().contains(TENANT_KEY),
        "the key is not in the enrollment record"
    );
    let v = ask("write to vip.customer@northwind.io");
    assert_eq!(v["action"], "block", "{v}");
    let tagged_enrolled = ask("card 4539 1488 0343 6467")["redacted_text"].as_str().unwrap().to_string();
    assert_ne!(tagged, tagged_enrolled, "tags are keyed by the tenant key once enrolled");
    assert!(!tagged_enrolled.contains("Tenant keyed"));
}
