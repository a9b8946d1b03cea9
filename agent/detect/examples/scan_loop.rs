//! Scans 1 MB of mixed text repeatedly (for profilers: `perf record`).
fn main() {
    let engine = promptwall_detect::Engine::new().expect("engine");
    let text = promptwall_detect::sample::mixed_text(1 << 20, 50, 42);
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let mut total = 0;
    for _ in 0..n {
        total += engine.scan(&text).findings.len();
    }
    println!("{total}");
}
