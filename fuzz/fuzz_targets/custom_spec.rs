//! Bytes as a JSON custom-detector spec: parse, compile, and if it compiles, run it alone and
//! through a custom-only engine on a fixed text. Errors are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promptwall_detect::{CustomSpec, Document, Engine};

/// A fixed text with something for each kind of custom detector to match: words, e-mails,
/// digit runs with separators, tokens, non-ASCII letters and digits.
const TEXT: &str = "Project Falcon status: ACCT-4539148803436467, IBAN DE89 3704 0044 0532 0130 00, \
routing 021000021, SSN 536-90-4399, aadhaar 2341 2341 2346. Contact Jane.Doe@Northwind.io or \
+44 20 7946 0958; token tok_9f8e7d6c5b4a, NIGHTJAR-v2. 東京都千代田区 田中太郎 ١٢٣٤٥ Müller straße 🙂\n\
name,dob,ssn\nJane,1990-01-31,536-90-4399\n";

fn check_spans(findings: &[promptwall_detect::Finding]) {
    for f in findings {
        assert!(f.start < f.end && f.end <= TEXT.len(), "span out of range: {f:?}");
        assert!(TEXT.is_char_boundary(f.start) && TEXT.is_char_boundary(f.end), "span off a char boundary: {f:?}");
        assert!((0.0..=1.0).contains(&f.score), "score out of [0, 1]: {f:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = serde_json::from_slice::<CustomSpec>(data) else { return };
    let Ok(detector) = spec.compile() else { return };

    // The detector on its own (no engine filtering of empty or out-of-range spans).
    let mut raw = Vec::new();
    detector.detect(&Document::bare(TEXT), &mut raw);
    check_spans(&raw);

    // Through an engine with this detector only. Building may still fail (an error is fine).
    if let Ok(engine) = Engine::builder().without_builtin().custom([spec]).build() {
        let result = engine.scan(TEXT);
        check_spans(&result.findings);
    }
});
