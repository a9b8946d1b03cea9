//! Prints the findings for each argument: `cargo run -p promptwall-detect --example debug_scan -- "text"`.
fn main() {
    let engine = promptwall_detect::Engine::new().expect("engine");
    for text in std::env::args().skip(1) {
        for f in engine.findings(&text) {
            println!("{:<18} {:>5}..{:<5} {:.2} {:<28} {:?}", f.entity.as_str(), f.start, f.end, f.score, f.detector, f.value(&text));
        }
        println!("--");
    }
}
