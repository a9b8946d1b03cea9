//! Where one scan of 1 MB of mixed text spends its time (stages and detectors, slowest first).
use promptwall_detect::{sample::mixed_text, Engine};
use std::time::Duration;

fn main() {
    let engine = Engine::new().expect("engine");
    let file = std::env::args().nth(1).filter(|a| a != "plain");
    let text = if let Some(f) = file {
        std::fs::read_to_string(f).expect("read the text file")
    } else if std::env::args().any(|a| a == "plain") {
        promptwall_detect::sample::plain_text(1 << 20, 42)
    } else {
        mixed_text(1 << 20, 50, 42)
    };
    let mut totals: std::collections::BTreeMap<String, Duration> = Default::default();
    let runs = if std::env::args().nth(1).is_some_and(|a| a != "plain") { 1 } else { 10 };
    for _ in 0..runs {
        for (name, d) in engine.profile(&text) {
            *totals.entry(name).or_default() += d;
        }
    }
    let mut rows: Vec<_> = totals.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    for (name, d) in rows.iter().take(20) {
        println!("{:>9.2} ms  {name}", d.as_secs_f64() * 1e3 / runs as f64);
    }
}
