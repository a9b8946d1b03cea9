//! Paste-size latency with the models on: p50/p99 of a full `Engine::scan` (structured detectors,
//! the PII model where it is needed, the category classifier) for 1 KB and 10 KB texts, with one
//! caller and with two callers at once, and the same without models for comparison.
//!
//!     python3 models/fetch.py
//!     cargo run --release -p promptwall-ml --example model_latency -- target/corpus/test.jsonl
//!
//! Texts are cut from the generated corpus (realistic pastes: tickets, code, records, notes) when
//! a corpus file is given, else from the engine's synthetic sample text. `PROMPTWALL_MODEL_THREADS`
//! sets ONNX Runtime's threads per inference (default 1).
use promptwall_detect::{sample::mixed_text, Engine};
use std::sync::Arc;
use std::time::Instant;

fn texts(corpus: Option<&str>, size: usize, count: usize) -> Vec<String> {
    let docs: Vec<String> = corpus
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|raw| {
            raw.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter_map(|v| v["text"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (0..count)
        .map(|i| {
            if docs.is_empty() {
                return mixed_text(size, 50, 1 + i as u64);
            }
            // Consecutive documents from a rotating start until the size is reached.
            let mut t = String::new();
            let mut j = (i * 7) % docs.len();
            while t.len() < size {
                t.push_str(&docs[j]);
                t.push('\n');
                j = (j + 1) % docs.len();
            }
            let mut end = size;
            while !t.is_char_boundary(end) {
                end -= 1;
            }
            t.truncate(end);
            t
        })
        .collect()
}

fn percentiles(mut ms: Vec<f64>) -> (f64, f64, f64) {
    ms.sort_by(f64::total_cmp);
    let at = |p: f64| ms[((ms.len() as f64 - 1.0) * p).round() as usize];
    (at(0.5), at(0.99), ms[ms.len() - 1])
}

fn measure(engine: &Arc<Engine>, texts: &Arc<Vec<String>>, callers: usize) -> (f64, f64, f64) {
    let handles: Vec<_> = (0..callers)
        .map(|_| {
            let (engine, texts) = (engine.clone(), texts.clone());
            // Every caller scans every text: `callers` pastes are inspected at the same time.
            std::thread::spawn(move || {
                let mut ms = Vec::new();
                for t in texts.iter() {
                    let start = Instant::now();
                    std::hint::black_box(engine.scan(t));
                    ms.push(start.elapsed().as_secs_f64() * 1e3);
                }
                ms
            })
        })
        .collect();
    percentiles(handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect())
}

fn main() {
    let corpus = std::env::args().nth(1);
    let models = promptwall_ml::load(None);
    for s in &models.status {
        println!("model {}", s.line());
    }
    let (builder, _) = models.attach(Engine::builder());
    let with = Arc::new(builder.build().expect("engine"));
    let without = Arc::new(Engine::new().expect("engine"));
    for (label, size, count) in [("1 KB", 1024, 200), ("10 KB", 10 * 1024, 100)] {
        let texts = Arc::new(texts(corpus.as_deref(), size, count));
        // Warm up (first inference allocates).
        for t in texts.iter().take(3) {
            with.scan(t);
        }
        let mut cat_ms: Vec<f64> = texts
            .iter()
            .map(|t| {
                let start = Instant::now();
                std::hint::black_box(with.categories(t, &[]));
                start.elapsed().as_secs_f64() * 1e3
            })
            .collect();
        cat_ms.sort_by(f64::total_cmp);
        let (p50, p99, _) = percentiles(cat_ms);
        println!("{label:>6} category classifier alone: p50 {p50:.3} ms  p99 {p99:.3} ms");
        for (name, engine) in [("models on ", &with), ("models off", &without)] {
            for callers in [1, 2] {
                let (p50, p99, max) = measure(engine, &texts, callers);
                println!("{label:>6} {name} {callers} caller(s): p50 {p50:7.2} ms  p99 {p99:7.2} ms  max {max:7.2} ms");
            }
        }
    }
}
