//! The document-category classifier: hashed features computed here ([`crate::features`]) feed a
//! linear layer with one sigmoid per category, exported to ONNX by `models/categories/train.py`.
//! The taxonomy's hard rules stay on top: a SECRET finding always means `credentials`, FINANCIAL
//! means `financial`, HEALTH means `health`, and a text without findings carries only
//! `source_code` or `none`.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use ort::environment::Environment;
use ort::session::Session;
use ort::value::Tensor;
use promptwall_detect::{Category, CategoryModel, Family, Finding};

use crate::error::MlError;
use crate::features::{vectorize, vectorize_sparse};
use crate::manifest::Manifest;

pub const CATEGORIES_ID: &str = "model.categories";

pub struct CategoryClassifier {
    session: Mutex<Session>,
    labels: Vec<Category>,
    thresholds: Vec<f32>,
    dim: usize,
    /// The graph takes the non-zero features (`indices`, `values`) instead of a dense vector.
    sparse: bool,
    version: String,
    failures: AtomicU64,
}

impl std::fmt::Debug for CategoryClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CategoryClassifier").field("version", &self.version).field("dim", &self.dim).finish()
    }
}

impl CategoryClassifier {
    pub fn load(env: &Environment, dir: &Path) -> Result<CategoryClassifier, MlError> {
        let manifest = Manifest::load(dir)?;
        let model_path = manifest.verified_file(dir, "model")?;
        let shape_err = |reason: String| MlError::Shape { model: manifest.name.clone(), reason };
        let labels = manifest
            .labels
            .iter()
            .map(|l| Category::from_name(l).ok_or_else(|| shape_err(format!("`{l}` is not a category"))))
            .collect::<Result<Vec<_>, _>>()?;
        let dim = manifest.setting_usize("dim", 0);
        if labels.is_empty() || !dim.is_power_of_two() {
            return Err(shape_err("needs labels and a power-of-two `dim`".into()));
        }
        let thresholds = match manifest.settings.get("thresholds").and_then(|t| t.as_array()) {
            Some(t) if t.len() == labels.len() => t.iter().map(|x| x.as_f64().unwrap_or(0.5) as f32).collect(),
            _ => vec![0.5; labels.len()],
        };
        let session = crate::runtime::session(env, &model_path, 1)?;
        let inputs: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        let sparse = match inputs.as_slice() {
            ["indices", "values"] => true,
            [_] => false,
            other => return Err(shape_err(format!("unexpected inputs {other:?}"))),
        };
        Ok(CategoryClassifier {
            session: Mutex::new(session),
            labels,
            thresholds,
            dim,
            sparse,
            version: manifest.version.clone(),
            failures: AtomicU64::new(0),
        })
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Per-category probabilities, in the manifest's label order.
    pub fn probabilities(&self, text: &str, findings: &[Finding]) -> Result<Vec<(Category, f32)>, MlError> {
        let inf = |e: ort::Error| MlError::Inference(e.to_string());
        let mut session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let outputs = if self.sparse {
            let mut x = vectorize_sparse(text, findings, self.dim);
            if x.is_empty() {
                x.push((0, 0.0)); // no features: one zero entry rather than an empty tensor
            }
            let n = x.len() as i64;
            let indices = Tensor::from_array((vec![n], x.iter().map(|(i, _)| *i as i64).collect::<Vec<i64>>())).map_err(inf)?;
            let values = Tensor::from_array((vec![n], x.iter().map(|(_, v)| *v).collect::<Vec<f32>>())).map_err(inf)?;
            session.run(ort::inputs!["indices" => indices, "values" => values]).map_err(inf)?
        } else {
            let x = vectorize(text, findings, self.dim);
            let input = Tensor::from_array((vec![1i64, self.dim as i64], x)).map_err(inf)?;
            session.run(ort::inputs![input]).map_err(inf)?
        };
        let (_, probs) = outputs[0].try_extract_tensor::<f32>().map_err(inf)?;
        if probs.len() != self.labels.len() {
            return Err(MlError::Inference(format!("{} outputs for {} labels", probs.len(), self.labels.len())));
        }
        Ok(self.labels.iter().copied().zip(probs.iter().copied()).collect())
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
        let picked = |c: Category| probs.iter().zip(&self.thresholds).any(|((l, p), t)| *l == c && p >= t);
        Some(apply_rules(findings, picked))
    }
}

/// The taxonomy's rules over the classifier's picks.
pub fn apply_rules(findings: &[Finding], picked: impl Fn(Category) -> bool) -> Vec<Category> {
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
    for (cat, family) in [
        (Category::Credentials, Some(Family::Secret)),
        (Category::CustomerData, None),
        (Category::Health, Some(Family::Health)),
        (Category::Financial, Some(Family::Financial)),
        (Category::Hr, None),
        (Category::Legal, None),
    ] {
        if family.is_some_and(has) || picked(cat) {
            cats.push(cat);
        }
    }
    // A sensitive text always has a topic: customer data is the broadest one.
    if !cats.iter().any(|c| *c != Category::SourceCode) {
        cats.push(Category::CustomerData);
    }
    cats
}

#[cfg(test)]
mod tests {
    use super::*;
    use promptwall_detect::EntityType;

    #[test]
    fn rules_override_the_classifier() {
        let secret = Finding::new(EntityType::AwsAccessKey, 0, 20, 0.9, "x");
        assert_eq!(apply_rules(&[secret], |_| false), vec![Category::Credentials]);
        assert_eq!(apply_rules(&[], |c| c == Category::Hr), vec![Category::None]);
        assert_eq!(apply_rules(&[], |c| c == Category::SourceCode), vec![Category::SourceCode]);
        let email = Finding::new(EntityType::Email, 0, 5, 0.9, "x");
        assert_eq!(apply_rules(std::slice::from_ref(&email), |_| false), vec![Category::CustomerData]);
        assert_eq!(apply_rules(&[email], |c| c == Category::Hr), vec![Category::Hr]);
    }
}
