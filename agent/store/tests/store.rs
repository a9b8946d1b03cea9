//! Event store: a real SQLite file, reopened, corrupted, filled, and written by a process that is
//! killed with SIGKILL mid-stream.

use promptwall_store::*;
use std::collections::BTreeMap;
#[cfg(unix)]
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("promptwall-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn event(id: &str) -> Event {
    Event {
        format: EVENT_FORMAT,
        event_id: id.into(),
        time_ms: 1_764_000_000_000,
        device_id: "dev-1".into(),
        user: "u".into(),
        site: "chatgpt.com".into(),
        trigger: promptwall_protocol::EventTrigger::Paste,
        action: promptwall_protocol::Action::Warn,
        rule_ids: vec!["warn-customer-and-health-data".into()],
        entity_counts: BTreeMap::from([("EMAIL".to_string(), 2)]),
        policy_version: 3,
        choice: None,
        justification: None,
        fingerprints: vec![],
        false_alarm: None,
        exceptions_applied: vec![],
    }
}

#[test]
fn append_pending_ack_and_reopen() {
    let d = dir("basic");
    let path = d.join("events.db");
    let mut s = EventStore::open(&path, StoreConfig::default()).unwrap();
    assert_eq!(s.append(&event("a")).unwrap(), Appended::Stored);
    assert_eq!(s.append(&event("b")).unwrap(), Appended::Stored);
    assert_eq!(s.append(&event("a")).unwrap(), Appended::Duplicate, "idempotent by event id");
    assert_eq!(s.pending(10).unwrap().iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    drop(s);
    let mut s = EventStore::open(&path, StoreConfig::default()).unwrap();
    assert_eq!(s.stats().unwrap(), Stats { queued: 2, dropped_total: 0 });
    assert_eq!(s.ack(&["a".into(), "zzz".into()]).unwrap(), 1, "only acknowledged rows are deleted");
    assert_eq!(s.pending(10).unwrap()[0].event_id, "b");
    assert!(s.recovered_from.is_none());
}

#[cfg(unix)]
#[test]
fn a_file_deleted_or_replaced_under_a_running_store_is_followed() {
    let d = dir("follow");
    let path = d.join("events.db");
    let mut s = EventStore::open(&path, StoreConfig::default()).unwrap();
    s.append(&event("before")).unwrap();
    // Deleted while open: the next append recreates the file instead of writing to the unlinked one.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(d.join(format!("events.db{suffix}")));
    }
    assert_eq!(s.append(&event("after-delete")).unwrap(), Appended::Stored);
    let other = EventStore::open(&path, StoreConfig::default()).unwrap();
    assert_eq!(other.pending(10).unwrap().iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["after-delete"]);
    drop(other);
    // Replaced by something that is not a database: moved aside, a fresh store takes the event.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(d.join(format!("events.db{suffix}")));
    }
    std::fs::write(&path, b"not a database, but a file of the same name").unwrap();
    assert_eq!(s.append(&event("after-replace")).unwrap(), Appended::Stored);
    assert!(s.recovered_from.is_some(), "the stranger file was kept aside");
    assert_eq!(s.pending(10).unwrap().iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["after-replace"]);
}

#[test]
fn size_cap_drops_and_counts() {
    let d = dir("cap");
    let mut s = EventStore::open(&d.join("oldest.db"), StoreConfig { max_events: 3, when_full: WhenFull::DropOldest }).unwrap();
    for id in ["1", "2", "3"] {
        s.append(&event(id)).unwrap();
    }
    assert_eq!(s.append(&event("4")).unwrap(), Appended::StoredDroppingOldest);
    assert_eq!(s.pending(10).unwrap().iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["2", "3", "4"]);
    assert_eq!(s.stats().unwrap(), Stats { queued: 3, dropped_total: 1 });

    let mut s = EventStore::open(&d.join("newest.db"), StoreConfig { max_events: 2, when_full: WhenFull::DropNewest }).unwrap();
    s.append(&event("1")).unwrap();
    s.append(&event("2")).unwrap();
    assert_eq!(s.append(&event("3")).unwrap(), Appended::Dropped);
    assert_eq!(s.stats().unwrap(), Stats { queued: 2, dropped_total: 1 });
}

#[test]
fn corrupt_file_is_moved_aside_and_a_fresh_store_starts() {
    let d = dir("corrupt");
    let path = d.join("events.db");
    std::fs::write(&path, b"this is not a database, just garbage bytes that fill a page or so.".repeat(100)).unwrap();
    let mut s = EventStore::open(&path, StoreConfig::default()).unwrap();
    let aside = s.recovered_from.clone().expect("recovery reported");
    assert!(aside.exists() && aside.to_string_lossy().contains(".corrupt-"));
    assert_eq!(s.append(&event("x")).unwrap(), Appended::Stored);
}

#[test]
fn a_store_from_a_newer_agent_is_refused_not_clobbered() {
    let d = dir("newer");
    let path = d.join("events.db");
    drop(EventStore::open(&path, StoreConfig::default()).unwrap());
    set_user_version(&path, 99);
    assert!(matches!(EventStore::open(&path, StoreConfig::default()), Err(StoreError::TooNew { found: 99, .. })));
}

fn set_user_version(path: &std::path::Path, v: i64) {
    let c = std::process::Command::new("python3")
        .args([
            "-c",
            &format!("import sqlite3; c=sqlite3.connect({:?}); c.execute('PRAGMA user_version={v}'); c.commit()", path.to_string_lossy()),
        ])
        .status();
    assert!(c.is_ok_and(|s| s.success()), "python3 with sqlite3 is needed for this test");
}

#[test]
fn invalid_events_are_refused() {
    let d = dir("invalid");
    let mut s = EventStore::open(&d.join("e.db"), StoreConfig::default()).unwrap();
    assert!(matches!(s.append(&event("")), Err(StoreError::InvalidEvent(_))));
    let mut long = event("j");
    long.justification = Some("x".repeat(1001));
    assert!(matches!(s.append(&long), Err(StoreError::InvalidEvent(_))));
}

/// Child mode for `kill_9_loses_no_committed_event`: appends forever, printing each id once
/// `append` has returned.
#[test]
fn child_writer() {
    let Ok(path) = std::env::var("PW_STORE_CHILD_DB") else { return };
    let mut s = EventStore::open(std::path::Path::new(&path), StoreConfig::default()).unwrap();
    for i in 0.. {
        let id = format!("ev-{i}");
        s.append(&event(&id)).unwrap();
        println!("committed {id}");
    }
}

#[cfg(unix)]
#[test]
fn kill_9_loses_no_committed_event() {
    let d = dir("kill");
    let db = d.join("events.db");
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_writer", "--nocapture", "--test-threads", "1"])
        .env("PW_STORE_CHILD_DB", &db)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut committed = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("committed ") {
            committed.push(id.to_string());
            if committed.len() == 200 {
                // SIGKILL: no destructors, no flush, mid-transaction for the next event.
                sigkill(child.id());
                break;
            }
        }
    }
    let _ = child.wait();
    let s = EventStore::open(&db, StoreConfig::default()).unwrap();
    let stored: std::collections::HashSet<String> = s.pending(100_000).unwrap().into_iter().map(|e| e.event_id).collect();
    for id in &committed {
        assert!(stored.contains(id), "committed event {id} was lost");
    }
    assert!(s.recovered_from.is_none());
}

#[cfg(unix)]
fn sigkill(pid: u32) {
    let status = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap();
    assert!(status.success());
}

#[test]
fn event_schema_lists_every_field() {
    let schema: serde_json::Value = serde_json::from_str(include_str!("../../../docs/schemas/event.schema.json")).unwrap();
    let mut e = event("s");
    e.choice = Some(promptwall_protocol::messages::Choice::Proceed);
    e.justification = Some("ticket".into());
    e.fingerprints = vec!["f".into()];
    let v = serde_json::to_value(&e).unwrap();
    for k in v.as_object().unwrap().keys() {
        assert!(schema["properties"].get(k).is_some(), "schema lacks `{k}`");
    }
}
