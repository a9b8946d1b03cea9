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
    // The decider's exception pass (issue 18) over the same findings, with 1,000 approved value
    // exceptions and 10 pattern exceptions, none matching: the cost every paste pays when a
    // fleet has many.
    let key = [7u8; 32];
    let mut p: serde_json::Value = serde_json::from_str(promptwall_policy::default_policy_json()).unwrap();
    let mut findings: Vec<serde_json::Value> = (0..1000)
        .map(|i| serde_json::json!({"id": format!("fa-{i}"), "detector": "pii.email", "value_hash": promptwall_policy::false_alarm_hash(&key, &format!("user{i}@example.org"))}))
        .collect();
    findings.extend(
        (0..10).map(|i| serde_json::json!({"id": format!("fa-p{i}"), "detector": "pii.phone", "pattern": format!("\\+1 555 01{i:02}")})),
    );
    p["exceptions"] = serde_json::json!({"findings": findings});
    let with_exceptions = promptwall_policy::parse_policy(&p.to_string()).unwrap();
    c.bench_function("apply_exceptions_1010_exceptions_20_findings", |b| {
        b.iter(|| {
            promptwall_policy::apply_exceptions(
                black_box(&with_exceptions),
                &text,
                black_box(&scan),
                &key,
                &Context { host: "chatgpt.com", user: "u", groups: &[] },
                1_780_000_000,
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
