//! Paste-latency percentiles (p50/p99/max) of `Engine::scan`, measured over many runs:
//! `cargo run --release -p promptwall-detect --example latency`.
use promptwall_detect::{
    sample::{mixed_text, plain_text},
    Engine,
};
use std::time::Instant;

fn main() {
    let engine = Engine::new().expect("engine");
    for (name, len, every, runs) in [
        ("1KB", 1024, 50, 5000),
        ("10KB", 10 * 1024, 50, 2000),
        ("10KB dense", 10 * 1024, 4, 2000),
        ("1MB", 1 << 20, 50, 30),
        ("plain 10KB", 10 * 1024, 0, 2000),
        ("plain 1MB", 1 << 20, 0, 30),
    ] {
        let mut times = Vec::with_capacity(runs);
        for i in 0..runs {
            let text = if every == 0 { plain_text(len, 1 + i as u64 % 17) } else { mixed_text(len, every, 1 + i as u64 % 17) };
            let t = Instant::now();
            std::hint::black_box(engine.scan(&text));
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize];
        let mbps = len as f64 / (pct(0.5) / 1e3) / 1e6;
        println!(
            "{name:>10}: p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms  ({mbps:.0} MB/s at p50)",
            pct(0.5),
            pct(0.99),
            times[times.len() - 1]
        );
    }
}
