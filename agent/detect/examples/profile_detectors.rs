//! Time spent per detector on 1 MB of mixed text: finds the slow ones.
use promptwall_detect::{sample::mixed_text, Document, Engine};
use std::time::Instant;

fn main() {
    let engine = Engine::new().expect("engine");
    let text = mixed_text(1 << 20, 50, 42);
    let doc = Document::bare(&text);
    let mut rows = Vec::new();
    for d in engine.detectors() {
        let t = Instant::now();
        let mut out = Vec::new();
        d.detect(&doc, &mut out);
        rows.push((t.elapsed().as_secs_f64() * 1e3, d.id().to_string(), out.len()));
    }
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, id, n) in rows.iter().take(15) {
        println!("{ms:>9.2} ms  {id:<32} {n} raw");
    }
    let t = Instant::now();
    let _ = engine.scan(&text);
    println!("full scan {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
}
