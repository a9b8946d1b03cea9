//! Engine build time, and what takes it: `cargo run --release -p promptwall-detect --example build_time`.
use std::time::Instant;
fn main() {
    for _ in 0..2 {
        let t = Instant::now();
        let e = promptwall_detect::Engine::new().unwrap();
        let built = t.elapsed();
        let t = Instant::now();
        let _ = e.scan("warm-up: card 4539 1488 0343 6467, jane.doe@northwind.io");
        println!("build {:.1} ms, first scan {:.2} ms", built.as_secs_f64() * 1e3, t.elapsed().as_secs_f64() * 1e3);
    }
    for spec in promptwall_detect::detectors::secret::RULES
        .iter()
        .chain(promptwall_detect::detectors::pii::RULES)
        .chain(promptwall_detect::detectors::financial::RULES)
    {
        let t = Instant::now();
        let _ = regex::Regex::new(spec.pattern).unwrap();
        let ms = t.elapsed().as_secs_f64() * 1e3;
        if ms > 1.0 {
            println!("{:>7.1} ms  {}", ms, spec.id);
        }
    }
    let t = Instant::now();
    let _ = promptwall_detect::detectors::person::PersonDetector::new().unwrap();
    println!("{:>7.1} ms  person", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let _ = promptwall_detect::detectors::address::AddressDetector::new().unwrap();
    println!("{:>7.1} ms  address", t.elapsed().as_secs_f64() * 1e3);
}
