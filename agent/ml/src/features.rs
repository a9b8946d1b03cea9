//! Hashed bag-of-features for the document-category classifier. Pure, and mirrored exactly by
//! `models/categories/features.py` (the training side); `models/categories/feature_vectors.json`
//! pins both to the same output (checked by a test here and by the training script).
//!
//! Features (each hashed with 64-bit FNV-1a into `dim` buckets, counts log-scaled, the vector
//! L2-normalised):
//! - `w:<word>` and `b:<word> <word>`: lower-cased words (maximal runs of alphanumeric
//!   characters) and adjacent pairs, over the first 16 KiB of text;
//! - `p:<char>`: each ASCII punctuation character (code is punctuation-dense);
//! - `l:<shape>`: line shapes: indented, ends with `;`, `{`, `}`, `:` or `,`, starts with `#`,
//!   `//`, `-` or a digit;
//! - `e:<TYPE>` and `f:<FAMILY>`: the structured findings' types and families. Names and
//!   addresses are left out, so the classifier sees the same features with and without the NER
//!   model.

use promptwall_detect::document::floor_char_boundary;
use promptwall_detect::{EntityType, Finding};

/// How much text the features look at (a paste's topic shows early).
pub const FEATURE_TEXT_BYTES: usize = 16 * 1024;

/// 64-bit FNV-1a.
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The feature strings of a document, in a stable order (with repeats: each occurrence counts).
pub fn feature_strings(text: &str, findings: &[Finding]) -> Vec<String> {
    let text = &text[..floor_char_boundary(text, FEATURE_TEXT_BYTES)];
    let mut out = Vec::new();
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    for w in &words {
        out.push(format!("w:{w}"));
    }
    for pair in words.windows(2) {
        out.push(format!("b:{} {}", pair[0], pair[1]));
    }
    for c in text.chars().filter(char::is_ascii_punctuation) {
        out.push(format!("p:{c}"));
    }
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            out.push("l:indent".into());
        }
        for (end, name) in [(';', "l:end;"), ('{', "l:end{"), ('}', "l:end}"), (':', "l:end:"), (',', "l:end,")] {
            if t.ends_with(end) {
                out.push(name.into());
            }
        }
        for (start, name) in [("#", "l:start#"), ("//", "l:start//"), ("-", "l:start-")] {
            if t.starts_with(start) {
                out.push(name.into());
            }
        }
        if t.starts_with(|c: char| c.is_ascii_digit()) {
            out.push("l:startdigit".into());
        }
    }
    for f in findings {
        if matches!(f.entity, EntityType::Person | EntityType::Address) {
            continue;
        }
        out.push(format!("e:{}", f.entity.as_str()));
        out.push(format!("f:{}", f.family().as_str()));
    }
    out
}

/// The dense, L2-normalised feature vector (`dim` must be a power of two).
pub fn vectorize(text: &str, findings: &[Finding], dim: usize) -> Vec<f32> {
    let mut v = vec![0f32; dim];
    let mask = dim as u64 - 1;
    for f in feature_strings(text, findings) {
        v[(fnv1a(&f) & mask) as usize] += 1.0;
    }
    let mut norm = 0f32;
    for x in v.iter_mut() {
        if *x > 0.0 {
            *x = x.ln_1p();
            norm += *x * *x;
        }
    }
    if norm > 0.0 {
        let n = norm.sqrt();
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn features_cover_words_pairs_punctuation_lines_and_findings() {
        let f = Finding::new(EntityType::Email, 0, 3, 0.9, "x");
        let p = Finding::new(EntityType::Person, 0, 3, 0.9, "x");
        let s = feature_strings("Fix it;\n  return x;", &[f, p]);
        for want in ["w:fix", "b:fix it", "p:;", "l:end;", "l:indent", "e:EMAIL", "f:PII"] {
            assert!(s.iter().any(|x| x == want), "{want} missing from {s:?}");
        }
        assert!(!s.iter().any(|x| x == "e:PERSON"));
    }

    #[test]
    fn vectors_are_unit_length_and_safe_on_odd_text() {
        let v = vectorize("héllo wörld 佐藤 {}", &[], 1024);
        let n: f32 = v.iter().map(|x| x * x).sum();
        assert!((n - 1.0).abs() < 1e-4);
        assert!(vectorize("", &[], 1024).iter().all(|&x| x == 0.0));
        let long = "é".repeat(20_000);
        let _ = vectorize(&long, &[], 1024);
    }
}

#[cfg(test)]
mod parity {
    //! The training side (models/categories/features.py) wrote these vectors; both sides must agree
    //! or the classifier sees different features in production than it was trained on.
    use super::*;
    use serde_json::Value;

    #[test]
    fn rust_features_match_the_training_script() {
        let raw = include_str!("../../../models/categories/feature_vectors.json");
        let doc: Value = serde_json::from_str(raw).expect("feature_vectors.json parses");
        let dim = doc["dim"].as_u64().expect("dim") as usize;
        for sample in doc["samples"].as_array().expect("samples") {
            let text = sample["text"].as_str().expect("text");
            let findings: Vec<Finding> = sample["types"]
                .as_array()
                .expect("types")
                .iter()
                .filter_map(|t| EntityType::from_name(t.as_str()?))
                .map(|t| Finding::new(t, 0, 1, 0.9, "x"))
                .collect();
            let v = vectorize(text, &findings, dim);
            let want = sample["vector"].as_object().expect("vector");
            let got: Vec<(usize, f32)> = v.iter().enumerate().filter(|(_, x)| **x != 0.0).map(|(i, x)| (i, *x)).collect();
            assert_eq!(got.len(), want.len(), "non-zero features differ for {text:?}");
            for (i, x) in got {
                let w = want[&i.to_string()].as_f64().expect("value") as f32;
                assert!((x - w).abs() < 1e-4, "feature {i} of {text:?}: rust {x}, python {w}");
            }
        }
    }
}
