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

use std::collections::HashMap;
use std::sync::OnceLock;

use promptwall_detect::document::floor_char_boundary;
use promptwall_detect::{EntityType, Finding};

/// Topic words of the `k:` features, shared verbatim with the training side.
const LEXICON_JSON: &str = include_str!("../../../models/categories/lexicon.json");

/// Whole-word and prefix entries of the lexicon, each with a bit per category it signals (bit `i`
/// is `categories[i]`, sorted by name).
struct Lexicon {
    categories: Vec<String>,
    exact: HashMap<String, u32>,
    prefix: HashMap<String, u32>,
    /// The longest stem, in characters: longer prefixes need no look-up.
    longest_stem: usize,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        // Embedded at build time and checked by the tests below; an unreadable file would leave
        // the `k:` features out rather than fail a scan.
        let raw: serde_json::Map<String, serde_json::Value> = serde_json::from_str(LEXICON_JSON).unwrap_or_default();
        let mut categories: Vec<String> = raw.keys().filter(|k| !k.starts_with('_')).cloned().collect();
        categories.sort();
        categories.truncate(32);
        let mut lex = Lexicon { categories, exact: HashMap::new(), prefix: HashMap::new(), longest_stem: 0 };
        for (bit, cat) in lex.categories.iter().enumerate() {
            for e in raw[cat].as_array().into_iter().flatten().filter_map(|e| e.as_str()) {
                let (table, key) = match e.strip_suffix('*') {
                    Some(stem) => {
                        lex.longest_stem = lex.longest_stem.max(stem.chars().count());
                        (&mut lex.prefix, stem)
                    }
                    None => (&mut lex.exact, e),
                };
                *table.entry(key.to_string()).or_default() |= 1 << bit;
            }
        }
        lex
    })
}

/// The categories (bit set, see [`Lexicon`]) whose topic words match `word`: the whole word, or
/// any prefix of at least three characters that the lexicon lists as a stem.
fn lexicon_mask(word: &str) -> u32 {
    let lex = lexicon();
    let mut mask = lex.exact.get(word).copied().unwrap_or(0);
    let ends = word.char_indices().map(|(i, _)| i).skip(3).chain(std::iter::once(word.len()));
    for (n, end) in ends.enumerate() {
        if n + 3 > lex.longest_stem {
            break;
        }
        mask |= lex.prefix.get(&word[..end]).copied().unwrap_or(0);
    }
    mask
}

/// Names of the categories whose topic words match `word` (see [`lexicon_mask`]).
pub fn lexicon_categories(word: &str) -> Vec<&'static str> {
    let lex = lexicon();
    let mask = lexicon_mask(word);
    lex.categories.iter().enumerate().filter(|(bit, _)| mask & (1 << bit) != 0).map(|(_, c)| c.as_str()).collect()
}

/// How much text the features look at (a paste's topic shows early).
pub const FEATURE_TEXT_BYTES: usize = 16 * 1024;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// 64-bit FNV-1a.
pub fn fnv1a(s: &str) -> u64 {
    fnv1a_parts(&[s])
}

/// FNV-1a of the concatenation of `parts` (no string is built).
fn fnv1a_parts(parts: &[&str]) -> u64 {
    let mut h = FNV_OFFSET;
    for p in parts {
        for b in p.as_bytes() {
            h ^= u64::from(*b);
            h = h.wrapping_mul(FNV_PRIME);
        }
    }
    h
}

/// Kana, CJK ideographs (and extension A), Hangul syllables.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

/// Calls `emit` once per feature occurrence with the feature's parts (their concatenation is the
/// feature string), in a stable order. Shared by [`feature_strings`] and [`vectorize`], so what
/// the tests read is what the classifier gets.
fn visit_features(text: &str, findings: &[Finding], emit: &mut dyn FnMut(&[&str])) {
    let text = &text[..floor_char_boundary(text, FEATURE_TEXT_BYTES)];
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    for w in &words {
        emit(&["w:", w]);
    }
    for pair in words.windows(2) {
        emit(&["b:", pair[0], " ", pair[1]]);
    }
    // Chinese and Japanese are written without spaces, so a "word" is a whole clause: character
    // pairs carry their vocabulary (Korean too, where words are long compounds).
    // `k:<category>`: the word (or, in CJK, one of its character pairs) is a topic word.
    let lex = lexicon();
    for w in &words {
        let mut mask = lexicon_mask(w);
        let mut chars = w.char_indices().peekable();
        while let Some((i, a)) = chars.next() {
            let Some(&(j, b)) = chars.peek() else { break };
            if is_cjk(a) && is_cjk(b) {
                let pair = &w[i..j + b.len_utf8()];
                emit(&["c:", pair]);
                mask |= lex.exact.get(pair).copied().unwrap_or(0);
            }
        }
        for (bit, cat) in lex.categories.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                emit(&["k:", cat]);
            }
        }
    }
    let mut buf = [0u8; 4];
    for c in text.chars().filter(char::is_ascii_punctuation) {
        emit(&["p:", c.encode_utf8(&mut buf)]);
    }
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            emit(&["l:indent"]);
        }
        for (end, name) in [(';', "l:end;"), ('{', "l:end{"), ('}', "l:end}"), (':', "l:end:"), (',', "l:end,")] {
            if t.ends_with(end) {
                emit(&[name]);
            }
        }
        for (start, name) in [("#", "l:start#"), ("//", "l:start//"), ("-", "l:start-")] {
            if t.starts_with(start) {
                emit(&[name]);
            }
        }
        if t.starts_with(|c: char| c.is_ascii_digit()) {
            emit(&["l:startdigit"]);
        }
    }
    for f in findings {
        if matches!(f.entity, EntityType::Person | EntityType::Address) {
            continue;
        }
        emit(&["e:", f.entity.as_str()]);
        emit(&["f:", f.family().as_str()]);
    }
}

/// The feature strings of a document, in a stable order (with repeats: each occurrence counts).
pub fn feature_strings(text: &str, findings: &[Finding]) -> Vec<String> {
    let mut out = Vec::new();
    visit_features(text, findings, &mut |parts| out.push(parts.concat()));
    out
}

/// The non-zero entries of the L2-normalised feature vector, by index (`dim` must be a power of
/// two): what the category model reads.
pub fn vectorize_sparse(text: &str, findings: &[Finding], dim: usize) -> Vec<(usize, f32)> {
    let mut counts: HashMap<usize, f32> = HashMap::new();
    let mask = dim as u64 - 1;
    visit_features(text, findings, &mut |parts| {
        *counts.entry((fnv1a_parts(parts) & mask) as usize).or_default() += 1.0;
    });
    let mut v: Vec<(usize, f32)> = counts.into_iter().map(|(i, c)| (i, c.ln_1p())).collect();
    v.sort_unstable_by_key(|(i, _)| *i);
    let norm = v.iter().map(|(_, x)| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|(_, x)| *x /= norm);
    }
    v
}

/// The dense, L2-normalised feature vector (`dim` must be a power of two).
pub fn vectorize(text: &str, findings: &[Finding], dim: usize) -> Vec<f32> {
    let mut v = vec![0f32; dim];
    for (i, x) in vectorize_sparse(text, findings, dim) {
        v[i] = x;
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
        assert_eq!(lexicon().categories.len(), 7);
        assert!(lexicon_categories("salaries").contains(&"hr"));
        assert!(lexicon_categories("employment").contains(&"hr"));
        assert!(lexicon_categories("plaintiffs").contains(&"legal"));
        assert!(lexicon_categories("card").contains(&"financial"));
        assert!(!lexicon_categories("cardamom").contains(&"financial"));
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
