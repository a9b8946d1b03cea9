//! Trains the `pii-tagger` model (averaged structured perceptron, `agent/ml/src/tagger.rs`) from
//! labelled JSONL files, or scores a weight file on one. The one pinned command is
//! `models/pii-tagger/build.sh`; by hand:
//!
//! ```text
//! cargo run --release -p promptwall-ml --example train_tagger -- train --out tagger.bin \
//!     --buckets 131072 --epochs 8 --seed 16 a.jsonl b.jsonl
//! cargo run --release -p promptwall-ml --example train_tagger -- eval tagger.bin test.jsonl
//! ```
//!
//! JSONL lines: `{"text": …, "spans": [{"type": "PERSON"|"ADDRESS"|"ORGANIZATION"|…, "start", "end"}]}`,
//! byte offsets; other span types count as outside.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use promptwall_ml::tagger::{train, Example, PiiTagger, TrainSettings, Weights, LABELS};
use sha2::{Digest, Sha256};

fn read(path: &str) -> Result<Vec<Example>> {
    let f = std::fs::File::open(path).with_context(|| format!("open {path}"))?;
    let mut out = Vec::new();
    for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).with_context(|| format!("{path}:{}", n + 1))?;
        let text = v["text"].as_str().unwrap_or_default().to_string();
        let mut spans = Vec::new();
        for s in v["spans"].as_array().into_iter().flatten() {
            let class = match s["type"].as_str() {
                Some("PERSON") => 1,
                Some("ADDRESS") => 2,
                Some("ORGANIZATION") => 3,
                _ => continue,
            };
            let (a, b) = (s["start"].as_u64().unwrap_or(0) as usize, s["end"].as_u64().unwrap_or(0) as usize);
            if a < b && b <= text.len() {
                spans.push((a, b, class));
            }
        }
        out.push(Example { text, spans });
    }
    Ok(out)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("train") => {
            let mut out = None;
            let (mut buckets, mut epochs, mut seed, mut lexicon_holdout) = (1u32 << 17, 8usize, 16u64, 0u64);
            let mut files = Vec::new();
            let mut it = args[1..].iter();
            while let Some(a) = it.next() {
                let mut val = || it.next().cloned().context("missing value");
                match a.as_str() {
                    "--out" => out = Some(val()?),
                    "--buckets" => buckets = val()?.parse()?,
                    "--epochs" => epochs = val()?.parse()?,
                    "--seed" => seed = val()?.parse()?,
                    "--lexicon-holdout" => lexicon_holdout = val()?.parse()?,
                    f => files.push(f.to_string()),
                }
            }
            let out = out.context("--out is required")?;
            let mut examples = Vec::new();
            for f in &files {
                examples.extend(read(f)?);
            }
            eprintln!("train_tagger: {} documents from {} files", examples.len(), files.len());
            let t = Instant::now();
            let settings = TrainSettings { buckets, epochs, seed, lexicon_holdout };
            let w = train(&examples, settings, &mut |m| eprintln!("train_tagger: {m}"));
            let bytes = w.to_bytes();
            std::fs::write(&out, &bytes).with_context(|| format!("write {out}"))?;
            let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            eprintln!("train_tagger: trained in {:.1} s", t.elapsed().as_secs_f64());
            println!("{sha}  {out}");
        }
        Some("eval") => {
            let (Some(model), Some(corpus)) = (args.get(1), args.get(2)) else { bail!("eval MODEL CORPUS") };
            let w = Weights::from_bytes(&std::fs::read(model)?).map_err(anyhow::Error::msg)?;
            let m = PiiTagger::from_weights(w, "eval".into());
            let docs = read(corpus)?;
            // Exact and IoU >= 0.5 span matching per class.
            let mut counts: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
            let mut clean = (0, 0);
            let t = Instant::now();
            let mut bytes = 0;
            let mut found_all = Vec::new();
            for d in &docs {
                bytes += d.text.len();
                found_all.push(m.findings(&d.text));
            }
            let secs = t.elapsed().as_secs_f64();
            for (d, found) in docs.iter().zip(&found_all) {
                if d.spans.iter().all(|s| s.2 == 3) {
                    clean.1 += 1;
                    if found.is_empty() {
                        clean.0 += 1;
                    }
                }
                for (class, name) in [(1usize, "PERSON"), (2, "ADDRESS")] {
                    let gold: Vec<(usize, usize)> = d.spans.iter().filter(|s| s.2 == class).map(|s| (s.0, s.1)).collect();
                    let pred: Vec<(usize, usize)> = found.iter().filter(|f| f.entity.as_str() == name).map(|f| (f.start, f.end)).collect();
                    let iou = |a: (usize, usize), b: (usize, usize)| {
                        let i = a.1.min(b.1).saturating_sub(a.0.max(b.0)) as f64;
                        let u = (a.1.max(b.1) - a.0.min(b.0)) as f64;
                        i / u
                    };
                    let tp = gold.iter().filter(|&&g| pred.iter().any(|&p| iou(g, p) >= 0.5)).count();
                    if std::env::var_os("TAGGER_DUMP").is_some() {
                        let ctx = |(a, b): (usize, usize)| {
                            let t = &d.text;
                            let lo = t[..a].char_indices().rev().take(30).last().map_or(a, |x| x.0);
                            let hi = t[b..].char_indices().take(30).last().map_or(b, |x| b + x.0);
                            format!("{}[[{}]]{}", &t[lo..a], &t[a..b], &t[b..hi]).replace('\n', "⏎")
                        };
                        for &g in gold.iter().filter(|&&g| !pred.iter().any(|&p| iou(g, p) >= 0.5)) {
                            println!("FN {name} {}", ctx(g));
                        }
                        for &p in pred.iter().filter(|&&p| !gold.iter().any(|&g| iou(g, p) >= 0.5)) {
                            println!("FP {name} {}", ctx(p));
                        }
                    }
                    let fp = pred.iter().filter(|&&p| !gold.iter().any(|&g| iou(g, p) >= 0.5)).count();
                    let c = counts.entry(name).or_default();
                    c[0] += tp;
                    c[1] += fp;
                    c[2] += gold.len() - tp;
                }
            }
            for (name, [_, fp, _]) in &counts {
                println!("{name:<8} false positives per MB: {:.1}", *fp as f64 / (bytes as f64 / 1e6));
            }
            for (name, [tp, fp, fn_]) in counts {
                let p = tp as f64 / (tp + fp).max(1) as f64;
                let r = tp as f64 / (tp + fn_).max(1) as f64;
                println!("{name:<8} P {p:.3} R {r:.3} F1 {:.3}  (tp {tp} fp {fp} fn {fn_})", 2.0 * p * r / (p + r).max(1e-9));
            }
            println!("documents without PERSON/ADDRESS gold: {} of {} have no finding", clean.0, clean.1);
            println!("tagger alone: {:.2} MB/s ({:.1} us/KB)", bytes as f64 / secs / 1e6, secs * 1e6 / (bytes as f64 / 1024.0));
        }
        Some("tag") => {
            // Raw spans of each stdin line, before and after the post-filter, for error analysis.
            let Some(model) = args.get(1) else { bail!("tag MODEL < lines") };
            let w = Weights::from_bytes(&std::fs::read(model)?).map_err(anyhow::Error::msg)?;
            let m = PiiTagger::from_weights(w, "tag".into());
            for line in std::io::stdin().lock().lines() {
                let text = line?.replace("\\n", "\n");
                let kept: Vec<(usize, usize)> = m.findings(&text).iter().map(|f| (f.start, f.end)).collect();
                println!("{}", text.replace('\n', "⏎"));
                let code = promptwall_ml::tagger::mostly_code(&text);
                for (class, a, b, margin) in m.tag(&text) {
                    let verdict = match m.rejection(&text, code, (class, a, b, margin)) {
                        None if kept.iter().any(|&(s, e)| s <= a && b <= e) => "kept".to_string(),
                        None => "joined or lost".to_string(),
                        Some(why) => format!("dropped: {why}"),
                    };
                    println!("  {} {:?} margin {margin:.2} {verdict}", LABELS[class * 2 - 1], &text[a..b]);
                }
            }
        }
        _ => bail!("usage: train_tagger train --out FILE [--buckets N] [--epochs N] [--seed N] [--lexicon-holdout N] FILES… | eval MODEL CORPUS | tag MODEL < LINES"),
    }
    Ok(())
}
