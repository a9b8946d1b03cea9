//! Engine throughput and paste latency on mixed text.
//!
//! `cargo bench -p promptwall-detect --bench scan` — inputs of 1 KB, 10 KB and 1 MB with few
//! findings (one sentence in 50), and 10 KB dense with findings (one in 4).

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use promptwall_detect::{
    sample::{mixed_text, plain_text},
    Engine,
};

fn bench_scan(c: &mut Criterion) {
    let engine = Engine::new().expect("engine builds");
    let mut group = c.benchmark_group("scan");
    for (name, len, every) in [("1KB", 1024, 50), ("10KB", 10 * 1024, 50), ("1MB", 1024 * 1024, 50), ("10KB_dense", 10 * 1024, 4)] {
        let text = mixed_text(len, every, 42);
        group.throughput(Throughput::Bytes(text.len() as u64));
        if len >= 1024 * 1024 {
            group.sample_size(20);
        } else {
            group.sample_size(100);
        }
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, t| b.iter(|| engine.scan(black_box(t))));
    }
    for (name, len) in [("plain_10KB", 10 * 1024), ("plain_1MB", 1024 * 1024)] {
        let text = plain_text(len, 42);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(if len > 100_000 { 20 } else { 100 });
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, t| b.iter(|| engine.scan(black_box(t))));
    }
    group.finish();
}

fn bench_build(c: &mut Criterion) {
    c.bench_function("engine_build", |b| b.iter(|| Engine::new().expect("engine builds")));
}

criterion_group!(benches, bench_scan, bench_build);
criterion_main!(benches);
