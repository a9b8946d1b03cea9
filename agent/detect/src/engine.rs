//! The [`Engine`]: compiled detectors plus one multi-pattern prefilter.
//!
//! A scan is one Aho-Corasick pass over the text that finds every context word and every detector
//! anchor; detectors whose anchors are absent are skipped. The detectors that run append findings;
//! overlaps are resolved deterministically ([`crate::finding::resolve_overlaps`]); findings under
//! the engine's minimum score are dropped; document categories are derived last. Nothing is
//! compiled per call: an `Engine` is built once and shared (`Send + Sync`).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::RegexSet;
use std::collections::{BTreeMap, HashSet};

use crate::category::Categorizer;
use crate::context::{Ctx, CONTEXT_WORDS};
use crate::detectors::{self, custom::CustomSpec, Detector};
use crate::document::{ceil_char_boundary, floor_char_boundary, CtxHit, Document};
use crate::entity::Category;
use crate::error::{ConfigErrors, EngineError};
use crate::finding::{resolve_overlaps, Finding, SpanIndex};

/// The result of scanning one text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub categories: Vec<Category>,
}

/// A learned model that finds context-dependent entities (names, street addresses) after the
/// structured detectors have run. It sees their resolved findings so it can skip what they already
/// cover; its own findings are added only where no structured finding lies, so validated formats
/// always win and nothing is reported twice. Implemented outside this crate (the ONNX model lives
/// in `promptwall-ml`): this crate stays free of I/O.
pub trait ContextModel: Send + Sync {
    /// Stable id, reported with every finding (e.g. `model.pii_ner`).
    fn id(&self) -> &str;
    /// Findings in `text`. Must not panic; a model that fails returns nothing (the structured
    /// findings still stand) and says so through its own counters.
    fn detect(&self, text: &str, structured: &[Finding]) -> Vec<Finding>;
}

/// A model shared by several engines (one per policy in force) is loaded once.
impl<T: ContextModel + ?Sized> ContextModel for std::sync::Arc<T> {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn detect(&self, text: &str, structured: &[Finding]) -> Vec<Finding> {
        (**self).detect(text, structured)
    }
}

impl<T: CategoryModel + ?Sized> CategoryModel for std::sync::Arc<T> {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn categorize(&self, text: &str, findings: &[Finding]) -> Option<Vec<Category>> {
        (**self).categorize(text, findings)
    }
}

/// A learned document classifier; `None` means "no opinion", and the keyword rules decide.
pub trait CategoryModel: Send + Sync {
    fn id(&self) -> &str;
    fn categorize(&self, text: &str, findings: &[Finding]) -> Option<Vec<Category>>;
}

/// What a prefilter pattern means: context words (with boundary rules) and/or detector anchors.
#[derive(Debug, Default, Clone)]
struct PatternMeaning {
    ctx: Vec<(Ctx, bool)>,
    detectors: Vec<usize>,
}

/// Builds an [`Engine`].
pub struct EngineBuilder {
    min_score: f32,
    custom: Vec<CustomSpec>,
    extra: Vec<Box<dyn Detector>>,
    builtin: bool,
    context_model: Option<Box<dyn ContextModel>>,
    category_model: Option<Box<dyn CategoryModel>>,
    tenant_key: Option<Vec<u8>>,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            min_score: 0.5,
            custom: Vec::new(),
            extra: Vec::new(),
            builtin: true,
            context_model: None,
            category_model: None,
            tenant_key: None,
        }
    }
}

impl EngineBuilder {
    /// Findings scoring below this are not reported (default 0.5).
    pub fn min_score(mut self, s: f32) -> Self {
        self.min_score = s.clamp(0.0, 1.0);
        self
    }

    /// Adds policy-defined detectors.
    pub fn custom(mut self, specs: impl IntoIterator<Item = CustomSpec>) -> Self {
        self.custom.extend(specs);
        self
    }

    /// The tenant's secret key, for exact-match sets that carry no salt of their own.
    pub fn tenant_key(mut self, key: Option<Vec<u8>>) -> Self {
        self.tenant_key = key;
        self
    }

    /// Adds a detector of another crate (e.g. the ONNX model) behind the same trait.
    pub fn detector(mut self, d: Box<dyn Detector>) -> Self {
        self.extra.push(d);
        self
    }

    /// Adds a learned model for names and addresses (see [`ContextModel`]).
    pub fn context_model(mut self, m: Box<dyn ContextModel>) -> Self {
        self.context_model = Some(m);
        self
    }

    /// Adds a learned document classifier (see [`CategoryModel`]).
    pub fn category_model(mut self, m: Box<dyn CategoryModel>) -> Self {
        self.category_model = Some(m);
        self
    }

    /// Leaves out the built-in detectors (custom detectors only).
    pub fn without_builtin(mut self) -> Self {
        self.builtin = false;
        self
    }

    pub fn build(self) -> Result<Engine, EngineError> {
        let mut dets: Vec<Box<dyn Detector>> = if self.builtin { detectors::builtin()? } else { Vec::new() };
        let mut errors = ConfigErrors::default();
        let mut ids = HashSet::new();
        for spec in &self.custom {
            if !ids.insert(spec.id().to_string()) {
                return Err(EngineError::DuplicateId(spec.id().to_string()));
            }
            match spec.compile_keyed(self.tenant_key.as_deref()) {
                Ok(d) => dets.push(d),
                Err(e) => errors.0.extend(e.0),
            }
        }
        if !errors.is_empty() {
            return Err(EngineError::Custom(errors));
        }
        dets.extend(self.extra);

        // One pattern table for context words and anchors; short anchors go to memchr instead.
        let mut table: BTreeMap<String, PatternMeaning> = BTreeMap::new();
        for (ctx, words) in CONTEXT_WORDS {
            for w in *words {
                let right = w.ends_with('$');
                let key = w.trim_end_matches('$').to_ascii_lowercase();
                table.entry(key).or_default().ctx.push((*ctx, right));
            }
        }
        let mut always = Vec::new();
        let mut gated = Vec::new();
        let mut gate_patterns = Vec::new();
        let mut short: Vec<(Vec<u8>, usize)> = Vec::new();
        for (i, d) in dets.iter().enumerate() {
            if d.anchors().is_empty() {
                match d.as_regex_rule() {
                    Some(rule) => {
                        gated.push(i);
                        gate_patterns.push(rule.pattern().to_string());
                    }
                    None => always.push(i),
                }
            }
            for a in d.anchors() {
                if a.len() <= 2 {
                    short.push((a.to_ascii_lowercase().into_bytes(), i));
                } else {
                    table.entry(a.to_ascii_lowercase()).or_default().detectors.push(i);
                }
            }
        }
        let patterns: Vec<&String> = table.keys().collect();
        let prefilter = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| EngineError::Prefilter(e.to_string()))?;
        let meanings = table.into_values().collect();
        let gate = RegexSet::new(&gate_patterns)?;
        Ok(Engine {
            detectors: dets,
            prefilter,
            meanings,
            always,
            gated,
            gate,
            short,
            min_score: self.min_score,
            categorizer: Categorizer::new().map_err(|e| EngineError::Prefilter(e.to_string()))?,
            context_model: self.context_model,
            category_model: self.category_model,
        })
    }
}

/// The detection engine. Build once, scan many texts, share across threads.
pub struct Engine {
    detectors: Vec<Box<dyn Detector>>,
    prefilter: AhoCorasick,
    meanings: Vec<PatternMeaning>,
    always: Vec<usize>,
    /// Anchorless regex rules, run only on chunks where the multi-pattern `gate` says they match.
    gated: Vec<usize>,
    gate: RegexSet,
    short: Vec<(Vec<u8>, usize)>,
    min_score: f32,
    categorizer: Categorizer,
    context_model: Option<Box<dyn ContextModel>>,
    category_model: Option<Box<dyn CategoryModel>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("detectors", &self.detector_ids())
            .field("models", &self.model_ids())
            .field("min_score", &self.min_score)
            .finish()
    }
}

impl Engine {
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// The engine with every built-in detector and default settings.
    pub fn new() -> Result<Engine, EngineError> {
        EngineBuilder::default().build()
    }

    pub fn detector_ids(&self) -> Vec<&str> {
        self.detectors.iter().map(|d| d.id()).collect()
    }

    pub fn detectors(&self) -> &[Box<dyn Detector>] {
        &self.detectors
    }

    /// Ids of the learned models this engine uses (empty: structured detectors only).
    pub fn model_ids(&self) -> Vec<&str> {
        self.context_model.iter().map(|m| m.id()).chain(self.category_model.iter().map(|m| m.id())).collect()
    }

    /// Scans `text`: findings sorted by position, overlaps resolved, plus document categories.
    pub fn scan(&self, text: &str) -> ScanResult {
        let findings = self.findings(text);
        let categories = self.categories(text, &findings);
        ScanResult { findings, categories }
    }

    /// What the structured detectors and the keyword categories find, without asking any learned
    /// model: a cheap first look (a paste that this already blocks needs no model).
    pub fn scan_structured(&self, text: &str) -> ScanResult {
        let findings = self.structured_findings(text);
        let categories = self.categorizer.categorize(text, &findings);
        ScanResult { findings, categories }
    }

    /// Document categories for `text` and its findings: the learned classifier when there is one
    /// and it has an opinion, the keyword rules otherwise.
    pub fn categories(&self, text: &str, findings: &[Finding]) -> Vec<Category> {
        self.category_model
            .as_ref()
            .and_then(|m| m.categorize(text, findings))
            .unwrap_or_else(|| self.categorizer.categorize(text, findings))
    }

    /// Findings only (no categories): structured detectors, then the context model (if any) where
    /// they found nothing.
    pub fn findings(&self, text: &str) -> Vec<Finding> {
        let structured = self.structured_findings(text);
        match &self.context_model {
            None => structured,
            Some(model) => {
                let mut learned = model.detect(text, &structured);
                let taken = SpanIndex::new(&structured);
                learned.retain(|f| {
                    f.score >= self.min_score
                        && f.start < f.end
                        && f.end <= text.len()
                        && text.is_char_boundary(f.start)
                        && text.is_char_boundary(f.end)
                        && !taken.overlaps(f.start, f.end)
                        && !code_attribution(text, f)
                });
                if learned.is_empty() {
                    return structured;
                }
                learned.extend(structured);
                resolve_overlaps(learned)
            }
        }
    }

    /// Findings of the structured (rule) detectors alone.
    pub fn structured_findings(&self, text: &str) -> Vec<Finding> {
        let (doc, run) = self.prefilter_pass(text);
        let mut raw = Vec::new();
        for (i, d) in self.detectors.iter().enumerate() {
            if run[i] {
                d.detect(&doc, &mut raw);
            }
        }
        self.run_gated(&doc, &mut raw);
        raw.retain(|f| f.score >= self.min_score && f.end <= text.len() && f.start < f.end && !code_attribution(text, f));
        resolve_overlaps(raw)
    }

    /// Time spent in each stage of one scan (prefilter, each detector that ran, the gated rules,
    /// overlap resolution, categories): for performance work, not for production use.
    #[doc(hidden)]
    pub fn profile(&self, text: &str) -> Vec<(String, std::time::Duration)> {
        use std::time::Instant;
        let mut rows = Vec::new();
        let t = Instant::now();
        let (doc, run) = self.prefilter_pass(text);
        rows.push(("prefilter+document".to_string(), t.elapsed()));
        let mut raw = Vec::new();
        for (i, d) in self.detectors.iter().enumerate() {
            if run[i] {
                let t = Instant::now();
                d.detect(&doc, &mut raw);
                rows.push((d.id().to_string(), t.elapsed()));
            }
        }
        let t = Instant::now();
        self.run_gated(&doc, &mut raw);
        rows.push(("gated rules".to_string(), t.elapsed()));
        let t = Instant::now();
        let findings = resolve_overlaps(raw);
        rows.push(("resolve".to_string(), t.elapsed()));
        if let Some(model) = &self.context_model {
            let t = Instant::now();
            let _ = model.detect(text, &findings);
            rows.push((model.id().to_string(), t.elapsed()));
        }
        let t = Instant::now();
        let _ = self.categories(text, &findings);
        rows.push(("categories".to_string(), t.elapsed()));
        rows
    }

    /// Runs the anchorless regex rules chunk by chunk: one multi-pattern pass per chunk says which
    /// rules match there at all; only those run, and only on that chunk (plus an overlap so that
    /// values crossing the chunk's end are seen whole).
    fn run_gated(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        let mut start = 0;
        while start < text.len() {
            let mut end = floor_char_boundary(text, (start + CHUNK).min(text.len()));
            if end <= start {
                end = ceil_char_boundary(text, start + 1);
            }
            let ext_end = floor_char_boundary(text, (end + OVERLAP).min(text.len())).max(end);
            let matched = self.gate.matches(&text[start..ext_end]);
            for k in matched.iter() {
                if let Some(rule) = self.detectors[self.gated[k]].as_regex_rule() {
                    rule.detect_in(doc, start, end, ext_end, out);
                }
            }
            start = end;
        }
    }

    /// The single multi-pattern pass: context hits and which detectors to run.
    fn prefilter_pass<'t>(&self, text: &'t str) -> (Document<'t>, Vec<bool>) {
        let bytes = text.as_bytes();
        let mut run = vec![false; self.detectors.len()];
        for &i in &self.always {
            run[i] = true;
        }
        let mut hits = Vec::new();
        for m in self.prefilter.find_overlapping_iter(text) {
            let meaning = &self.meanings[m.pattern().as_usize()];
            for &d in &meaning.detectors {
                run[d] = true;
            }
            if meaning.ctx.is_empty() {
                continue;
            }
            // A word starts after a non-letter, or at a camelCase hump (`webhookSecret`, `ddApiKey`),
            // also after an acronym (`ETSYToken`, `AWSSecretKey`: upper, Upper, lower).
            let left_ok = m.start() == 0
                || !bytes[m.start() - 1].is_ascii_alphabetic()
                || !bytes[m.start()].is_ascii_alphabetic()
                || (bytes[m.start() - 1].is_ascii_lowercase() && bytes[m.start()].is_ascii_uppercase())
                || (bytes[m.start() - 1].is_ascii_uppercase()
                    && bytes[m.start()].is_ascii_uppercase()
                    && bytes.get(m.start() + 1).is_some_and(|b| b.is_ascii_lowercase()));
            if !left_ok {
                continue;
            }
            let right_free = bytes.get(m.end()).is_none_or(|b| !b.is_ascii_alphabetic());
            for &(ctx, needs_right) in &meaning.ctx {
                if !needs_right || right_free {
                    hits.push(CtxHit { start: m.start(), end: m.end(), ctx });
                }
            }
        }
        for (needle, d) in &self.short {
            if !run[*d]
                && (memchr::memmem::find(bytes, needle).is_some() || memchr::memmem::find(bytes, &needle.to_ascii_uppercase()).is_some())
            {
                run[*d] = true;
            }
        }
        (Document::new(text, hits), run)
    }
}

/// Chunk size for the gated rules: small enough that a chunk rarely holds many kinds of values,
/// large enough that per-chunk overhead stays negligible.
const CHUNK: usize = 2048;
/// How far past its chunk a gated rule may look: longer than any anchorless value.
const OVERLAP: usize = 128;

/// A name in a source file's author or copyright comment (see
/// [`crate::detectors::person::in_code_attribution`]).
fn code_attribution(text: &str, f: &Finding) -> bool {
    f.entity == crate::entity::EntityType::Person && crate::detectors::person::in_code_attribution(text, f.start)
}
