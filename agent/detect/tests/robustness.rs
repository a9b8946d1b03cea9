//! Hostile and odd input: multi-byte characters next to values, NUL bytes, huge runs, mixed
//! scripts. The engine must never panic and every finding must sit on character boundaries.

use promptwall_detect::sample::{mixed_text, Rng};
use promptwall_detect::Engine;

const PIECES: &[&str] = &[
    "号",
    "楼",
    "é",
    "\u{a0}",
    "\u{2007}",
    "\u{200b}",
    "🙂",
    "\u{301}",
    "\0",
    "\n",
    "\r\n",
    "\t",
    " ",
    ",",
    ";",
    "|",
    "'",
    "\"",
    "-",
    ".",
    ":",
    "@",
    "/",
    "=",
    "(",
    ")",
    "+",
    "〒",
    "0",
    "1",
    "4",
    "7",
    "9",
    "12",
    "192.168.",
    "10.0.",
    "::",
    "ff",
    "4539 1488 0343 6467",
    "DE89 3704 0044 0532 0130 00",
    "536-90-4399",
    "jane.doe@northwind.io",
    "+44 20 7946 0958",
    "AKIA",
    "ghp_",
    "sk-",
    "eyJ",
    "-----BEGIN PRIVATE KEY-----",
    "-----END PRIVATE KEY-----",
    "password: ",
    "SSN: ",
    "DOB: ",
    "Passport No.: ",
    "MRN ",
    "IBAN ",
    "SWIFT ",
    "Dear Ms. ",
    "Müller",
    "Straße 12, 10115 Berlin",
    "Patient: ",
    "diabetes",
    "name,dob,ssn\n",
    "INSERT INTO t (a, ssn) VALUES\n  (1, '",
    "SEQ NAME   DOB   PASSPORT\n",
    "DOCS LA HK1 P/GBR/",
];

fn check(engine: &Engine, text: &str) {
    let r = engine.scan(text);
    for f in &r.findings {
        assert!(f.start < f.end && f.end <= text.len(), "span out of range: {f:?}");
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end), "span off a char boundary: {f:?}");
        assert!((0.0..=1.0).contains(&f.score));
    }
    for w in r.findings.windows(2) {
        assert!(w[0].start <= w[1].start, "findings not sorted");
    }
}

#[test]
fn random_mixtures_never_panic() {
    let engine = Engine::new().unwrap();
    let mut rng = Rng(0x9e3779b97f4a7c15);
    for _ in 0..3000 {
        let mut text = String::new();
        let n = 1 + rng.next() % 40;
        for _ in 0..n {
            text.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
        }
        check(&engine, &text);
    }
}

#[test]
fn degenerate_inputs() {
    let engine = Engine::new().unwrap();
    for text in [
        String::new(),
        "\0".repeat(10_000),
        "9".repeat(200_000),
        "a".repeat(200_000),
        "@".repeat(50_000),
        "-----BEGIN PRIVATE KEY-----".repeat(2_000),
        "号".repeat(50_000),
        "1.".repeat(50_000),
        ",".repeat(50_000) + "\n" + &",".repeat(50_000),
        "password: ".repeat(20_000),
        format!("{}\n{}", "a,b,c,d", "1,2,3,4\n".repeat(20_000)),
    ] {
        check(&engine, &text);
    }
}

#[test]
fn large_mixed_text_is_consistent_with_chunking() {
    // A value straddling the engine's internal chunk boundaries is still found exactly once.
    let engine = Engine::new().unwrap();
    for pad in [2030usize, 2040, 2045, 2047, 2048, 2050, 4090] {
        let text = format!("{}card 4539 1488 0343 6467 end", "x ".repeat(pad / 2));
        let cards: Vec<_> = engine.findings(&text).into_iter().filter(|f| f.entity.as_str() == "CREDIT_CARD").collect();
        assert_eq!(cards.len(), 1, "pad {pad}");
    }
    check(&engine, &mixed_text(300_000, 7, 3));
}
