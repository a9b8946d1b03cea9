//! The document-category classifier: hashed features computed here ([`crate::features`]) feed a
//! linear layer with one sigmoid per category, scored in pure Rust from `weights.bin` (format
//! PWCL 1, written by `models/categories/train.py` / `export_weights.py`, which document it): no
//! ONNX Runtime is needed. The same weights as an ONNX graph (`model.onnx`) stay in the
//! repository as the reference this scorer is tested against.
//! The taxonomy's hard rules stay on top: a SECRET finding always means `credentials`, FINANCIAL
//! means `financial`, HEALTH means `health`, a text without findings carries only
//! `source_code` or `none`, and a text with findings carries at least one topic (the one the
//! classifier rates closest to its threshold when it picks none).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use promptwall_detect::{Category, CategoryModel, Family, Finding};

use crate::error::MlError;
use crate::features::vectorize_sparse;
use crate::manifest::Manifest;

pub const CATEGORIES_ID: &str = "model.categories";

const MAGIC: &[u8; 4] = b"PWCL";
/// The weight-file format this agent reads.
pub const WEIGHTS_FORMAT: u32 = 1;
const MAX_DIM: usize = 1 << 24;
const MAX_LABELS: usize = 64;

/// The weights of a PWCL file: `dim` hash buckets by `labels` outputs, kept dense in memory
/// (bucket `i`'s weights at `w[i * labels .. (i + 1) * labels]`), one bias and threshold per label.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub dim: usize,
    pub labels: Vec<String>,
    pub thresholds: Vec<f32>,
    pub bias: Vec<f32>,
    pub w: Vec<f32>,
}

/// Reads a little-endian PWCL file front to back; every read is bounds-checked.
struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.b.len())
            .ok_or_else(|| format!("file ends inside {what} (at byte {})", self.at))?;
        let out = &self.b[self.at..end];
        self.at = end;
        Ok(out)
    }
    fn u16(&mut self, what: &str) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.take(2, what)?.try_into().map_err(|_| what.to_string())?))
    }
    fn u32(&mut self, what: &str) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.take(4, what)?.try_into().map_err(|_| what.to_string())?))
    }
    fn f32s(&mut self, n: usize, what: &str) -> Result<Vec<f32>, String> {
        let bytes = self.take(n.checked_mul(4).ok_or("size overflow")?, what)?;
        let v: Vec<f32> = bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        if v.iter().any(|x| !x.is_finite()) {
            return Err(format!("{what}: a value is not finite"));
        }
        Ok(v)
    }
}

impl Weights {
    /// Parses a PWCL file; a short, long or inconsistent file is an error, never a panic.
    pub fn from_bytes(b: &[u8]) -> Result<Weights, String> {
        let mut r = Reader { b, at: 0 };
        if r.take(4, "the magic")? != MAGIC.as_slice() {
            return Err("not a PWCL file (bad magic)".into());
        }
        let format = r.u32("the header")?;
        if format != WEIGHTS_FORMAT {
            return Err(format!("format {format}, this agent reads {WEIGHTS_FORMAT}"));
        }
        let dim = r.u32("the header")? as usize;
        let n_labels = r.u32("the header")? as usize;
        let rows = r.u32("the header")? as usize;
        if !dim.is_power_of_two() || dim > MAX_DIM {
            return Err(format!("dim {dim} is not a power of two up to {MAX_DIM}"));
        }
        if n_labels == 0 || n_labels > MAX_LABELS {
            return Err(format!("{n_labels} labels (1 to {MAX_LABELS})"));
        }
        if rows > dim {
            return Err(format!("{rows} rows for {dim} buckets"));
        }
        let mut labels = Vec::with_capacity(n_labels);
        for _ in 0..n_labels {
            let len = r.u16("a label")? as usize;
            let name = std::str::from_utf8(r.take(len, "a label")?).map_err(|_| "a label is not UTF-8".to_string())?;
            labels.push(name.to_string());
        }
        let thresholds = r.f32s(n_labels, "the thresholds")?;
        let bias = r.f32s(n_labels, "the biases")?;
        // Exact length before any allocation sized by the header.
        let expected = rows.checked_mul(4 + 4 * n_labels).and_then(|n| n.checked_add(r.at)).ok_or("size overflow")?;
        if b.len() != expected {
            return Err(format!("{} bytes, the header implies {expected}", b.len()));
        }
        let indices: Vec<usize> =
            r.take(rows * 4, "the row indices")?.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]) as usize).collect();
        if indices.windows(2).any(|p| p[0] >= p[1]) || indices.last().is_some_and(|i| *i >= dim) {
            return Err("row indices are not strictly ascending below dim".into());
        }
        let stored = r.f32s(rows * n_labels, "the weights")?;
        let mut w = vec![0f32; dim * n_labels];
        for (k, i) in indices.iter().enumerate() {
            w[i * n_labels..(i + 1) * n_labels].copy_from_slice(&stored[k * n_labels..(k + 1) * n_labels]);
        }
        Ok(Weights { dim, labels, thresholds, bias, w })
    }

    /// The PWCL bytes of these weights (only buckets with a non-zero weight are stored).
    pub fn to_bytes(&self) -> Vec<u8> {
        let l = self.labels.len();
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC);
        for n in [WEIGHTS_FORMAT, self.dim as u32, l as u32] {
            b.extend_from_slice(&n.to_le_bytes());
        }
        let rows: Vec<usize> = (0..self.dim).filter(|i| self.w[i * l..(i + 1) * l].iter().any(|x| *x != 0.0)).collect();
        b.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        for name in &self.labels {
            b.extend_from_slice(&(name.len() as u16).to_le_bytes());
            b.extend_from_slice(name.as_bytes());
        }
        self.thresholds.iter().chain(&self.bias).for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
        rows.iter().for_each(|i| b.extend_from_slice(&(*i as u32).to_le_bytes()));
        rows.iter().flat_map(|i| &self.w[i * l..(i + 1) * l]).for_each(|x| b.extend_from_slice(&x.to_le_bytes()));
        b
    }

    /// sigmoid(b + sum of W[i] * x over the non-zero features): the ONNX graph's arithmetic
    /// (weighted rows summed first, then the bias).
    pub fn probabilities(&self, x: &[(usize, f32)]) -> Vec<f32> {
        let l = self.labels.len();
        let mut z = vec![0f32; l];
        for &(i, v) in x {
            if let Some(row) = self.w.get(i * l..(i + 1) * l) {
                z.iter_mut().zip(row).for_each(|(z, w)| *z += w * v);
            }
        }
        z.iter().zip(&self.bias).map(|(z, b)| 1.0 / (1.0 + (-(z + b)).exp())).collect()
    }
}

pub struct CategoryClassifier {
    weights: Weights,
    labels: Vec<Category>,
    version: String,
    failures: AtomicU64,
}

impl std::fmt::Debug for CategoryClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CategoryClassifier").field("version", &self.version).field("dim", &self.weights.dim).finish()
    }
}

impl CategoryClassifier {
    /// Loads `dir/manifest.json` and the weight file it names (role `weights`), after checking
    /// its sha256; labels and `dim` must agree with the manifest.
    pub fn load(dir: &Path) -> Result<CategoryClassifier, MlError> {
        let manifest = Manifest::load(dir)?;
        let path = manifest.verified_file(dir, "weights")?;
        let bytes = std::fs::read(&path).map_err(|source| MlError::Read { path: path.clone(), source })?;
        let weights = Weights::from_bytes(&bytes).map_err(|reason| MlError::WeightFile { path: path.clone(), reason })?;
        let shape_err = |reason: String| MlError::Shape { model: manifest.name.clone(), reason };
        if weights.labels != manifest.labels {
            return Err(shape_err(format!("weight file labels {:?} differ from the manifest's {:?}", weights.labels, manifest.labels)));
        }
        let dim = manifest.setting_usize("dim", weights.dim);
        if dim != weights.dim {
            return Err(shape_err(format!("weight file dim {} differs from the manifest's {dim}", weights.dim)));
        }
        let labels = weights
            .labels
            .iter()
            .map(|l| Category::from_name(l).ok_or_else(|| shape_err(format!("`{l}` is not a category"))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CategoryClassifier::from_weights(weights, labels, manifest.version.clone()))
    }

    fn from_weights(weights: Weights, labels: Vec<Category>, version: String) -> CategoryClassifier {
        CategoryClassifier { weights, labels, version, failures: AtomicU64::new(0) }
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Per-category probabilities, in the manifest's label order.
    pub fn probabilities(&self, text: &str, findings: &[Finding]) -> Result<Vec<(Category, f32)>, MlError> {
        let x = vectorize_sparse(text, findings, self.weights.dim);
        Ok(self.labels.iter().copied().zip(self.weights.probabilities(&x)).collect())
    }
}

impl CategoryModel for CategoryClassifier {
    fn id(&self) -> &str {
        CATEGORIES_ID
    }

    fn categorize(&self, text: &str, findings: &[Finding]) -> Option<Vec<Category>> {
        let probs = match self.probabilities(text, findings) {
            Ok(p) => p,
            Err(_) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        let margins = |c: Category| {
            probs.iter().zip(&self.weights.thresholds).find(|((l, _), _)| *l == c).map_or(f32::NEG_INFINITY, |((_, p), t)| margin(*p, *t))
        };
        Some(apply_rules(findings, margins))
    }
}

/// How far probability `p` is above threshold `t`, in logits: >= 0 exactly when `p >= t`, and
/// comparable across labels whose thresholds differ.
pub fn margin(p: f32, t: f32) -> f32 {
    let logit = |v: f32| v.clamp(1e-6, 1.0 - 1e-6).ln() - (1.0 - v.clamp(1e-6, 1.0 - 1e-6)).ln();
    logit(p) - logit(t)
}

/// The taxonomy's rules over the classifier's margins ([`margin`]; a label is picked when its
/// margin is >= 0).
pub fn apply_rules(findings: &[Finding], margin: impl Fn(Category) -> f32) -> Vec<Category> {
    let picked = |c: Category| margin(c) >= 0.0;
    let mut cats = Vec::new();
    if picked(Category::SourceCode) {
        cats.push(Category::SourceCode);
    }
    if findings.is_empty() {
        if cats.is_empty() {
            cats.push(Category::None);
        }
        return cats;
    }
    let has = |f: Family| findings.iter().any(|x| x.family() == f);
    for (cat, family) in TOPICS {
        if family.is_some_and(has) || picked(cat) {
            cats.push(cat);
        }
    }
    // A sensitive text always has a topic (docs/taxonomy.md), and the taxonomy names no default
    // one: when the classifier picks none and no finding forces one, the topic it rates closest to
    // its threshold. (Always adding customer_data made every missed hr or legal text customer data.)
    if !cats.iter().any(|c| *c != Category::SourceCode) {
        let best = TOPICS.iter().map(|(c, _)| *c).fold(Category::CustomerData, |best, c| if margin(c) > margin(best) { c } else { best });
        cats.push(best);
    }
    cats
}

/// The topic categories in output order, with the finding family that forces each.
const TOPICS: [(Category, Option<Family>); 6] = [
    (Category::Credentials, Some(Family::Secret)),
    (Category::CustomerData, None),
    (Category::Health, Some(Family::Health)),
    (Category::Financial, Some(Family::Financial)),
    (Category::Hr, None),
    (Category::Legal, None),
];

#[cfg(test)]
mod tests {
    use super::*;
    use promptwall_detect::EntityType;

    fn sample() -> Weights {
        let (dim, l) = (16, 2);
        let mut w = vec![0f32; dim * l];
        w[3 * l] = 1.5;
        w[3 * l + 1] = -0.25;
        w[9 * l + 1] = 2.0;
        Weights { dim, labels: vec!["hr".into(), "legal".into()], thresholds: vec![0.5, 0.3], bias: vec![-0.5, 0.1], w }
    }

    #[test]
    fn weight_files_round_trip_and_score() {
        let w = sample();
        let bytes = w.to_bytes();
        // header 20, labels 2+2 + 2+5, thresholds and biases 16, two rows of 4 + 8 bytes.
        assert_eq!(bytes.len(), 20 + 11 + 16 + 2 * 12);
        assert_eq!(Weights::from_bytes(&bytes).expect("parse"), w);
        let p = w.probabilities(&[(3, 0.5), (9, 1.0), (7, 1.0)]);
        let sig = |z: f32| 1.0 / (1.0 + (-z).exp());
        assert!((p[0] - sig(0.75 - 0.5)).abs() < 1e-7 && (p[1] - sig(-0.125 + 2.0 + 0.1)).abs() < 1e-7, "{p:?}");
        // A feature index beyond dim (cannot come from vectorize_sparse) is ignored, not a panic.
        assert_eq!(w.probabilities(&[(1 << 20, 1.0)]), w.probabilities(&[]));
    }

    #[test]
    fn corrupt_weight_files_are_errors_not_panics() {
        let good = sample().to_bytes();
        for cut in 0..good.len() {
            assert!(Weights::from_bytes(&good[..cut]).is_err(), "accepted a file cut at {cut}");
        }
        let mut long = good.clone();
        long.push(0);
        assert!(Weights::from_bytes(&long).unwrap_err().contains("header implies"));
        let patch = |at: usize, bytes: &[u8]| {
            let mut b = good.clone();
            b[at..at + bytes.len()].copy_from_slice(bytes);
            Weights::from_bytes(&b).unwrap_err()
        };
        assert!(patch(0, b"PWTG").contains("magic"));
        assert!(patch(4, &2u32.to_le_bytes()).contains("format 2"));
        assert!(patch(8, &15u32.to_le_bytes()).contains("power of two"));
        assert!(patch(12, &0u32.to_le_bytes()).contains("labels"));
        assert!(patch(12, &u32::MAX.to_le_bytes()).contains("labels"));
        assert!(patch(16, &u32::MAX.to_le_bytes()).contains("rows"));
        assert!(patch(16, &16u32.to_le_bytes()).contains("header implies"));
        assert!(patch(22, &[0xff, 0xfe]).contains("UTF-8"));
        let rows_at = 20 + 11 + 16;
        assert!(patch(rows_at, &9u32.to_le_bytes()).contains("ascending"));
        assert!(patch(rows_at + 4, &16u32.to_le_bytes()).contains("ascending"));
        assert!(patch(rows_at + 8, &f32::NAN.to_le_bytes()).contains("finite"));
        for seed in 0..200u64 {
            // Random garbage of random lengths: parse or refuse, never panic.
            let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            let junk: Vec<u8> = (0..(seed as usize * 7) % 300)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let mut framed = MAGIC.to_vec();
            framed.extend_from_slice(&1u32.to_le_bytes());
            framed.extend_from_slice(&junk);
            let _ = Weights::from_bytes(&junk);
            let _ = Weights::from_bytes(&framed);
        }
    }

    /// Margins from a set of picked labels: +1 picked, -1 not.
    fn picks(picked: &[Category]) -> impl Fn(Category) -> f32 + '_ {
        move |c| if picked.contains(&c) { 1.0 } else { -1.0 }
    }

    #[test]
    fn rules_override_the_classifier() {
        let secret = Finding::new(EntityType::AwsAccessKey, 0, 20, 0.9, "x");
        assert_eq!(apply_rules(&[secret], picks(&[])), vec![Category::Credentials]);
        assert_eq!(apply_rules(&[], picks(&[Category::Hr])), vec![Category::None]);
        assert_eq!(apply_rules(&[], picks(&[Category::SourceCode])), vec![Category::SourceCode]);
        let email = Finding::new(EntityType::Email, 0, 5, 0.9, "x");
        assert_eq!(apply_rules(std::slice::from_ref(&email), picks(&[])), vec![Category::CustomerData]);
        assert_eq!(apply_rules(&[email], picks(&[Category::Hr])), vec![Category::Hr]);
    }

    #[test]
    fn a_sensitive_text_without_a_picked_topic_gets_the_nearest_one_not_always_customer_data() {
        let name = Finding::new(EntityType::Person, 0, 5, 0.9, "x");
        // hr just under its threshold, customer_data far under: hr, not customer_data.
        let near_hr = |c: Category| match c {
            Category::Hr => -0.2,
            Category::Legal => -1.0,
            _ => -3.0,
        };
        assert_eq!(apply_rules(std::slice::from_ref(&name), near_hr), vec![Category::Hr]);
        let near_legal_code = |c: Category| match c {
            Category::SourceCode => 0.5,
            Category::Legal => -0.1,
            _ => -2.0,
        };
        assert_eq!(apply_rules(std::slice::from_ref(&name), near_legal_code), vec![Category::SourceCode, Category::Legal]);
        // Ties and a classifier with no topic labels at all fall back to customer_data.
        assert_eq!(apply_rules(std::slice::from_ref(&name), |_| f32::NEG_INFINITY), vec![Category::CustomerData]);
        // A forced topic (a SECRET finding) leaves the others to the classifier: no fallback added.
        let key = Finding::new(EntityType::AwsAccessKey, 10, 30, 0.9, "x");
        assert_eq!(apply_rules(&[name, key], near_hr), vec![Category::Credentials]);
    }

    #[test]
    fn margins_are_logit_distances_to_the_threshold() {
        assert_eq!(margin(0.3, 0.3), 0.0);
        assert!(margin(0.31, 0.3) > 0.0 && margin(0.29, 0.3) < 0.0);
        // 0.45 under a 0.5 threshold is nearer than 0.1 under a 0.2 one.
        assert!(margin(0.45, 0.5) > margin(0.1, 0.2));
        assert!(margin(0.0, 0.5).is_finite() && margin(1.0, 0.5).is_finite());
    }
}
