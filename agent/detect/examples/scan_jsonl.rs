//! The scan contract (`promptwall scan --jsonl --no-models`) from the engine crate alone, for quick
//! runs of the evaluation scripts while tuning detectors:
//! `cargo run --release -p promptwall-detect --example scan_jsonl < in.jsonl`.
use std::io::{BufRead, Write};

fn main() {
    let engine = promptwall_detect::Engine::new().expect("engine");
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().split(b'\n') {
        let line = line.expect("stdin");
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let v = promptwall_detect::contract::answer_line(&engine, &line, 1 << 28);
        writeln!(out, "{v}").expect("stdout");
    }
}
