//! Any bytes, read as UTF-8 lossily, through `Engine::scan` and `redact`: must never panic, and
//! every finding must be a well-formed, non-overlapping span of the text.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use promptwall_detect::{redact, Engine, EntityType, RedactStyle};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new().expect("the built-in engine builds"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let result = engine().scan(text);
    let findings = &result.findings;

    for f in findings {
        assert!(f.start < f.end && f.end <= text.len(), "span out of range: {f:?} (text is {} bytes)", text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end), "span off a char boundary: {f:?}");
        assert!((0.0..=1.0).contains(&f.score), "score out of [0, 1]: {f:?}");
    }
    for w in findings.windows(2) {
        assert!(w[0].start <= w[1].start, "findings not sorted by start: {:?} before {:?}", w[0], w[1]);
    }
    let builtin: Vec<_> = findings.iter().filter(|f| f.entity != EntityType::Custom).collect();
    for (i, a) in builtin.iter().enumerate() {
        for b in &builtin[i + 1..] {
            assert!(!a.overlaps(b), "built-in findings overlap: {a:?} and {b:?}");
        }
    }

    // With no overlaps and every span on char boundaries, `redact` replaces every finding by
    // `[TYPE]`, so the output's length follows from the findings alone.
    let redacted = redact(text, findings, RedactStyle::Tag, b"k");
    if builtin.len() == findings.len() {
        let expected: usize = text.len() + findings.iter().map(|f| f.entity.as_str().len() + 2).sum::<usize>()
            - findings.iter().map(|f| f.len()).sum::<usize>();
        assert_eq!(redacted.len(), expected, "redact skipped or mangled a finding");
    }
});
