//! Deterministic sample text for benchmarks and fuzz seeds: prose, code, logs and config with a
//! few findings, built from a fixed-seed generator so every run measures the same bytes.

/// A small xorshift generator: deterministic, no dependencies (also used by tests that need
/// reproducible random input).
pub struct Rng(pub u64);

impl Rng {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

const PROSE: &[&str] = &[
    "Can you help me rewrite this paragraph so it sounds more professional and concise?",
    "The quarterly roadmap focuses on reliability, onboarding speed and the new billing flow.",
    "Summarise the meeting notes below and list the action items with owners and due dates.",
    "We migrated the service to the new cluster last week; latency dropped by about 20 percent.",
    "Please translate the following customer feedback into German and keep the tone friendly.",
    "Version 2.3.1 fixes the crash on startup; see build 10.0.22631.2861 for the Windows notes.",
    "Order 4539 1488 0343 6468 shipped on 2024-05-01 with tracking number 1Z999AA10123456784.",
    "Our support team (support@acme-corp.com) answers within one business day.",
];
const CODE: &[&str] = &[
    "def handler(event, context):\n    items = [normalize(x) for x in event['records']]\n    return {'count': len(items)}\n",
    "export function retry<T>(fn: () => Promise<T>, n = 3): Promise<T> {\n  return fn().catch(e => n ? retry(fn, n - 1) : Promise.reject(e));\n}\n",
    "2024-05-01T10:22:31Z INFO request_id=7f3a9c2e-1b4d-4e8f-9a0b-3c5d7e9f1a2b path=/api/v1/orders status=200 dur_ms=41\n",
    "SELECT id, created_at, status FROM orders WHERE status = 'open' ORDER BY created_at DESC LIMIT 50;\n",
    "image: registry.internal/app@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
];
const FINDINGS: &[&str] = &[
    "Contact Jane Doe at jane.doe@northwind-traders.com or +44 20 7946 0958.",
    "Card on file: 4539 1488 0343 6467, exp 09/27.",
    "aws_access_key_id = AKIAT4SYWB5WKH7DNSIP",
    "IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX",
    "DATABASE_URL=postgres://app:S3cr3t!pw@db.internal:5432/orders",
    "SSN: 536-90-4399, DOB: 03/12/1984",
];

/// About `len` bytes of mixed text; roughly one sentence in `finding_every` carries a finding
/// (0 for none).
pub fn mixed_text(len: usize, finding_every: u64, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut out = String::with_capacity(len + 256);
    while out.len() < len {
        let r = rng.next();
        if finding_every > 0 && r % finding_every == 0 {
            out.push_str(rng.pick(FINDINGS));
            out.push('\n');
        } else if r % 3 == 0 {
            out.push_str(rng.pick(CODE));
        } else {
            out.push_str(rng.pick(PROSE));
            out.push(' ');
        }
    }
    out
}

const PLAIN: &[&str] = &[
    "Can you help me rewrite this paragraph so it sounds more professional and concise?",
    "The quarterly roadmap focuses on reliability, onboarding speed and the new billing flow.",
    "Summarise the meeting notes below and list the action items with owners and due dates.",
    "Please translate the following customer feedback into German and keep the tone friendly.",
    "We want the onboarding emails to feel warmer without sounding like marketing copy.",
    "Explain the difference between optimistic and pessimistic locking with a short example.",
    "    for item in items:\n        if item.is_ready():\n            queue.put(item)\n",
    "const total = orders.filter(o => o.paid).reduce((sum, o) => sum + o.amount, 0);\n",
];

/// About `len` bytes of everyday chat prose and code with no sensitive values and few digits:
/// the common case of a paste that passes untouched.
pub fn plain_text(len: usize, seed: u64) -> String {
    let mut rng = Rng(seed | 1);
    let mut out = String::with_capacity(len + 128);
    while out.len() < len {
        out.push_str(rng.pick(PLAIN));
        out.push(' ');
    }
    out
}
