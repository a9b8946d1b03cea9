//! Bytes as a signed policy bundle, verified against a fixed trusted key at a fixed time with a
//! rollback floor; and, when the bytes are JSON with a `policy`, that policy parsed, validated
//! and (when valid) evaluated on a fixed scan. Refusals are fine; panics are not. A bundle that
//! verifies must carry a non-empty audience and a version at or above the floor.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promptwall_detect::Engine;
use promptwall_policy::{evaluate, parse_policy, public_key_of, verify, Context, TrustedKey};
use std::sync::OnceLock;

/// The private key the seeds are signed with (base64 of 32 bytes of 7): fuzz/seeds.sh.
const SEED_KEY: &str = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
const TEXT: &str = "mail jane.doe@acme-corp.com, card 4539 1488 0343 6467, key AKIAT4SYWB5WKH7DNSIP";

struct Fixture {
    trusted: Vec<TrustedKey>,
    engine: Engine,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| Fixture {
        trusted: vec![TrustedKey { key_id: "fuzz".into(), public_key: public_key_of(SEED_KEY).expect("seed key") }],
        engine: Engine::new().expect("engine"),
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    if let Ok(b) = verify(data, &f.trusted, Some(5), 1_800_000_000) {
        assert!(b.version >= 5, "rollback floor ignored: {}", b.version);
        assert!(!b.audience.is_empty(), "a verified bundle has an audience");
        let _ = b.admits(Some("engineering"));
    }
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    let Some(policy) = v.get("policy") else { return };
    if let Ok(p) = parse_policy(&policy.to_string()) {
        let scan = f.engine.scan(TEXT);
        let groups = vec!["engineering".to_string()];
        let d = evaluate(&p, TEXT, &scan, &Context { host: "chatgpt.com", user: "alice", groups: &groups });
        for r in &d.redactions {
            assert!(r.start < r.end && r.end <= TEXT.len(), "redaction span out of range");
        }
    }
});
