//! What the uploader needs from the store: lookups by id, rejected events counted and removed,
//! small persistent state, and the migration from a schema-1 file that already holds events.

use promptwall_store::*;
use std::collections::BTreeMap;

fn event(id: &str) -> Event {
    Event {
        format: EVENT_FORMAT,
        event_id: id.into(),
        time_ms: 1_764_000_000_000,
        device_id: "dev-1".into(),
        user: "u".into(),
        site: "chatgpt.com".into(),
        trigger: promptwall_protocol::EventTrigger::Paste,
        action: promptwall_protocol::Action::Block,
        rule_ids: vec!["r".into()],
        entity_counts: BTreeMap::from([("AWS_ACCESS_KEY".to_string(), 1)]),
        policy_version: 2,
        choice: None,
        justification: None,
        fingerprints: vec![],
        false_alarm: None,
        exceptions_applied: vec![],
    }
}

#[test]
fn reject_get_and_state_survive_reopen() {
    let d = std::env::temp_dir().join(format!("promptwall-store-up-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let path = d.join("events.db");

    // A schema-1 store with an event in it, as the previous agent left it.
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE, time_ms INTEGER NOT NULL, body TEXT NOT NULL);
             CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
             INSERT INTO meta (key, value) VALUES ('dropped_total', 4);
             PRAGMA user_version = 1;",
        )
        .unwrap();
        let body = serde_json::to_string(&event("old")).unwrap();
        c.execute("INSERT INTO events (event_id, time_ms, body) VALUES ('old', 1, ?1)", [body]).unwrap();
    }
    let mut s = EventStore::open(&path, StoreConfig::default()).unwrap();
    assert_eq!(s.stats().unwrap(), Stats { queued: 1, dropped_total: 4 }, "migration keeps rows and counters");
    assert_eq!(s.rejected_total().unwrap(), 0);
    assert_eq!(s.get("old").unwrap().unwrap().event_id, "old");
    assert!(s.get("nope").unwrap().is_none());

    s.append(&event("a")).unwrap();
    s.append(&event("b")).unwrap();
    assert_eq!(s.reject(&["a".into(), "unknown".into()]).unwrap(), 1, "unknown ids are not counted");
    assert_eq!(s.rejected_total().unwrap(), 1);
    assert_eq!(s.ack(&["old".into()]).unwrap(), 1);
    s.set_state("policy_etag", "\"e1\"").unwrap();
    s.set_state("policy_etag", "\"e2\"").unwrap();
    drop(s);

    let s = EventStore::open(&path, StoreConfig::default()).unwrap();
    assert_eq!(s.pending(10).unwrap().iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(), ["b"]);
    assert_eq!(s.rejected_total().unwrap(), 1);
    assert_eq!(s.state("policy_etag").unwrap().as_deref(), Some("\"e2\""));
    assert_eq!(s.state("missing").unwrap(), None);
}

/// Several connections (daemon, uploader, hosts deciding alone) write one file at once: no write
/// may fail with "database is locked", and a new file is migrated once.
#[test]
fn concurrent_writers_lose_nothing() {
    let d = std::env::temp_dir().join(format!("promptwall-store-conc-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let path = d.join("events.db");
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut s = EventStore::open(&path, StoreConfig::default()).unwrap();
                for i in 0..150 {
                    s.append(&event(&format!("w{w}-{i}"))).unwrap();
                    if i % 10 == 0 {
                        s.set_state("k", &i.to_string()).unwrap();
                        s.ack(&[format!("w{w}-{}", i + 1000)]).unwrap();
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let s = EventStore::open(&path, StoreConfig::default()).unwrap();
    assert_eq!(s.stats().unwrap().queued, 600);
}
