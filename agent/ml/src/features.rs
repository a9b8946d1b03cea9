//! Hashed bag-of-features for the document-category classifier. Pure, and mirrored exactly by
//! `models/categories/features.py` (the training side); `models/categories/feature_vectors.json`
//! pins both to the same output (checked by a test here and by the training script).
//!
//! Features (each hashed with 64-bit FNV-1a into `dim` buckets, counts log-scaled, the vector
//! L2-normalised):
//! - `w:<word>` and `b:<word> <word>`: lower-cased words (maximal runs of alphanumeric
//!   characters) and adjacent pairs, over the first 16 KiB of text;
//! - `c:<char><char>`: adjacent kana, CJK ideograph or Hangul characters inside a word (Chinese
//!   and Japanese have no spaces between words);
//! - `k:<category>`: a topic word of that category (`models/categories/lexicon.json`: whole words,
//!   stems, and CJK character pairs), once per word and category, so that documents of a topic
//!   share features whatever their template or layout;
//! - `p:<char>`: each ASCII punctuation character (code is punctuation-dense);
//! - `l:<shape>`: line shapes: indented, ends with `;`, `{`, `}`, `:` or `,`, starts with `#`,
//!   `//`, `-` or a digit;
//! - `e:<TYPE>` and `f:<FAMILY>`: the structured findings' types and families. Names and
//!   addresses are left out, so the classifier sees the same features with and without the NER
//!   model.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use promptwall_detect::document::floor_char_boundary;
use promptwall_detect::{EntityType, Finding};

/// Topic words of the `k:` features, shared verbatim with the training side.
const LEXICON_JSON: &str = include_str!("../../../models/categories/lexicon.json");

/// Whole-word and prefix entries of the lexicon, each with the categories it signals.
struct Lexicon {
    exact: HashMap<String, BTreeSet<String>>,
    prefix: HashMap<String, BTreeSet<String>>,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut lex = Lexicon { exact: HashMap::new(), prefix: HashMap::new() };
        // Embedded at build time and checked by the tests below; an unreadable file would leave
        // the `k:` features out rather than fail a scan.
        let raw: serde_json::Map<String, serde_json::Value> = serde_json::from_str(LEXICON_JSON).unwrap_or_default();
        for (cat, entries) in raw.iter().filter(|(k, _)| !k.starts_with('_')) {
            for e in entries.as_array().into_iter().flatten().filter_map(|e| e.as_str()) {
                let (table, key) = match e.strip_suffix('*') {
                    Some(stem) => (&mut lex.prefix, stem),
                    None => (&mut lex.exact, e),
                };
                table.entry(key.to_string()).or_default().insert(cat.clone());
            }
        }
        lex
    })
}

/// Categories whose topic words match `word`: the whole word, or any prefix of at least three
/// characters that the lexicon lists as a stem.
pub fn lexicon_categories(word: &str) -> BTreeSet<String> {
    let lex = lexicon();
    let mut cats = lex.exact.get(word).cloned().unwrap_or_default();
    let ends = word.char_indices().map(|(i, _)| i).skip(3).chain(std::iter::once(word.len()));
    for end in ends {
        if let Some(c) = lex.prefix.get(&word[..end]) {
            cats.extend(c.iter().cloned());
        }
    }
    cats
}

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

/// Kana, CJK ideographs (and extension A), Hangul syllables.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
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
    // Chinese and Japanese are written without spaces, so a "word" is a whole clause: character
    // pairs carry their vocabulary (Korean too, where words are long compounds).
    // `k:<category>`: the word (or, in CJK, one of its character pairs) is a topic word.
    for w in &words {
        let chars: Vec<char> = w.chars().collect();
        let pairs: Vec<String> = chars.windows(2).filter(|p| is_cjk(p[0]) && is_cjk(p[1])).map(|p| format!("{}{}", p[0], p[1])).collect();
        let mut cats = lexicon_categories(w);
        for p in &pairs {
            out.push(format!("c:{p}"));
            if let Some(c) = lexicon().exact.get(p) {
                cats.extend(c.iter().cloned());
            }
        }
        out.extend(cats.iter().map(|c| format!("k:{c}")));
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
        let cjk = feature_strings("給与明細 abc", &[]);
        for want in ["w:給与明細", "c:給与", "c:与明", "c:明細"] {
            assert!(cjk.iter().any(|x| x == want), "{want} missing from {cjk:?}");
        }
        assert!(!cjk.iter().any(|x| x.starts_with("c:") && x.contains('a')));
        assert!(cjk.iter().any(|x| x == "k:hr"), "給与 is an HR word: {cjk:?}");
    }

    #[test]
    fn lexicon_loads_and_matches_words_and_stems() {
        assert!(lexicon().exact.len() + lexicon().prefix.len() > 300);
        assert!(lexicon_categories("salaries").contains("hr"));
        assert!(lexicon_categories("employment").contains("hr"));
        assert!(lexicon_categories("plaintiffs").contains("legal"));
        assert!(lexicon_categories("card").contains("financial"));
        assert!(!lexicon_categories("cardamom").contains("financial"));
        assert!(lexicon_categories("sa").is_empty());
        let s = feature_strings("The employee's salary", &[]);
        assert_eq!(s.iter().filter(|x| *x == "k:hr").count(), 2);
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
