//! How much of a corpus the PII model actually reads: the share of bytes in candidate segments
//! (lines with a capitalised word or CJK text outside the structured findings).
//!
//!     cargo run --release -p promptwall-ml --example gating_stats -- target/corpus/test.jsonl
use promptwall_detect::detectors::person::NameLexicon;
use promptwall_detect::Engine;
use promptwall_ml::ner::candidate_segments;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "target/corpus/test.jsonl".into());
    let raw = std::fs::read_to_string(&path).expect("corpus");
    let engine = Engine::new().expect("engine");
    let lexicon = NameLexicon::default();
    let (mut total, mut sent, mut docs, mut skipped) = (0usize, 0usize, 0usize, 0usize);
    for line in raw.lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let Some(text) = v["text"].as_str() else { continue };
        let structured = engine.findings(text);
        let segs = candidate_segments(text, &structured, &lexicon);
        let n: usize = segs.iter().map(|(s, e)| e - s).sum();
        total += text.len();
        sent += n;
        docs += 1;
        skipped += usize::from(segs.is_empty());
    }
    println!(
        "{docs} documents, {total} bytes: {sent} bytes ({:.1}%) go to the model; {skipped} documents skip it entirely",
        100.0 * sent as f64 / total.max(1) as f64
    );
}
