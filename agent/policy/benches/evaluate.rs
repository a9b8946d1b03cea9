//! Policy evaluation cost (findings + context → decision), excluding the scan.
//! `cargo bench -p promptwall-policy --bench evaluate`
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use promptwall_detect::Engine;
use promptwall_policy::{default_policy, evaluate, Context};

fn bench(c: &mut Criterion) {
    let engine = Engine::new().unwrap();
    let policy = default_policy();
    let text = "Customer Maria Rossi <maria.rossi@libero.it>, +39 06 4991 2745, card 4539 1488 0343 6467, \
                IBAN DE89 3704 0044 0532 0130 00, key AKIAT4SYWB5WKH7DNSIP\n"
        .repeat(4);
    let scan = engine.scan(&text);
    c.bench_function("evaluate_default_policy_20_findings", |b| {
        b.iter(|| evaluate(black_box(&policy), &text, black_box(&scan), &Context { host: "chatgpt.com", user: "u", groups: &[] }))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
