//! The PII token classifier: a 6-layer BERT (WordPiece, uncased) that tags given names, surnames
//! and address parts, run through ONNX Runtime on the lines that need it.
//!
//! Speed comes from doing less, not from a smaller model:
//! - **Only where it can help.** The model finds names and addresses; the structured detectors
//!   already found everything with a format. A line is sent to the model only when it holds a
//!   capitalised word (or CJK/Hangul/Kana text) outside every structured finding; code, secrets,
//!   numbers and lower-case prose are skipped. Consecutive candidate lines form one segment, so an
//!   address spread over lines is seen whole.
//! - **Short windows, batched.** Segments are tokenized once and cut into overlapping windows of
//!   at most `window_tokens`; windows run in text order in small padded batches, one session call
//!   per batch.
//! - **A budget.** At most `max_windows` windows per text, and, for interactive verdicts (daemon,
//!   native host), no new batch once `budget_ms` has passed: beyond that (a very large paste) the
//!   rest of the text relies on the structured detectors, and the verdict is never held up. Both
//!   are counted ([`NerModel::truncated`]). `promptwall scan` sets no time budget, so batch
//!   results are reproducible.
//! - **int8 weights.** The published 4-bit file is converted to 8-bit dynamic quantization at
//!   fetch time (`models/fetch.py`), which ONNX Runtime runs about twice as fast on x86 here.
//!
//! Findings are post-filtered: a name must be a whole word, capitalised (or a known name), not a
//! part of an e-mail address, host or identifier, and not an organisation (`Kessler Bau GmbH`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use ort::environment::Environment;
use ort::session::Session;
use ort::value::Tensor;
use promptwall_detect::detectors::person::NameLexicon;
use promptwall_detect::document::floor_char_boundary;
use promptwall_detect::{ContextModel, EntityType, Finding};
use tokenizers::Tokenizer;

use crate::error::MlError;
use crate::manifest::Manifest;
use crate::spans::{aggregate, group, union_overlapping, Entity, TokenTag};

/// Capitalised words the model tends to take for names in technical text (HTTP auth schemes,
/// Kubernetes secret types) and sentence starters that never begin a name; a line whose only
/// capitalised words are these is not sent to the model.
const NOT_NAMES_IN_MODEL_OUTPUT: &[&str] = &[
    "Bearer",
    "Basic",
    "Digest",
    "Opaque",
    "Token",
    "Negotiate",
    "I",
    "We",
    "You",
    "It",
    "If",
    "In",
    "On",
    "At",
    "For",
    "Our",
    "My",
    "Your",
    "Can",
    "Could",
    "Would",
    "Should",
    "Will",
    "When",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "And",
    "But",
    "Or",
    "So",
    "As",
    "To",
    "From",
    "With",
    "Also",
    "Let",
    "Just",
    "See",
    "Use",
    "Do",
    "Does",
    "Is",
    "Are",
    "Was",
    "Were",
    "Has",
    "Have",
    "Had",
    "After",
    "Before",
    "Since",
    "Until",
    "While",
    "Once",
    "Each",
    "Every",
    "Some",
    "Any",
    "Both",
    "Only",
    "Then",
    "Now",
    "Today",
    "Tomorrow",
    "Yesterday",
    "Sorry",
    "Okay",
    "OK",
    "True",
    "False",
    "Null",
    "Error",
    "Warning",
    "Info",
    "Debug",
    "Returns",
    "Example",
    "Usage",
    "Step",
    "Steps",
];

/// Detector id reported with every model finding.
pub const NER_ID: &str = "model.pii_ner";

/// Tunables, defaulted from the manifest's `settings`.
#[derive(Debug, Clone)]
pub struct NerOptions {
    /// ONNX Runtime intra-op threads for one inference.
    pub threads: usize,
    /// Sessions, i.e. inferences that can run at the same time.
    pub sessions: usize,
    /// Largest window, in WordPiece tokens (without `[CLS]`/`[SEP]`).
    pub window_tokens: usize,
    pub overlap_tokens: usize,
    /// Windows per session call.
    pub batch: usize,
    /// Most windows per scanned text (the rest of a huge text is left to the structured detectors).
    pub max_windows: usize,
    /// No new batch after this many milliseconds of one text (`None`: no time limit).
    pub budget_ms: Option<u64>,
    /// Minimum token confidence, and minimum entity confidence.
    pub token_threshold: f32,
    pub entity_threshold: f32,
}

pub struct NerModel {
    /// One session per concurrent caller (`sessions` in the manifest, default 2): ONNX Runtime's
    /// `run` needs the session exclusively, and the daemon serves several hosts at once.
    sessions: Vec<Mutex<Session>>,
    /// Whether the graph takes `token_type_ids` (BERT exports do; others may not).
    wants_token_types: bool,
    tokenizer: Tokenizer,
    labels: Vec<String>,
    taxonomy: HashMap<String, EntityType>,
    cls: i64,
    sep: i64,
    pad: i64,
    opts: NerOptions,
    lexicon: NameLexicon,
    version: String,
    failures: AtomicU64,
    truncated: AtomicU64,
}

impl std::fmt::Debug for NerModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NerModel").field("version", &self.version).field("opts", &self.opts).finish()
    }
}

impl NerModel {
    /// Loads the model described by `dir/manifest.json`, checking every file's hash.
    pub fn load(env: &Environment, dir: &Path, threads: Option<usize>, budget_ms: Option<u64>) -> Result<NerModel, MlError> {
        let manifest = Manifest::load(dir)?;
        let model_path = manifest.verified_file(dir, "model")?;
        let tokenizer_path = manifest.verified_file(dir, "tokenizer")?;
        let shape_err = |reason: String| MlError::Shape { model: manifest.name.clone(), reason };
        if manifest.labels.is_empty() {
            return Err(shape_err("no labels".into()));
        }
        let mut taxonomy = HashMap::new();
        for (label, ty) in &manifest.taxonomy {
            if let Some(ty) = ty {
                let t = EntityType::from_name(ty).ok_or_else(|| shape_err(format!("`{ty}` is not a taxonomy type")))?;
                taxonomy.insert(label.clone(), t);
            }
        }
        let opts = NerOptions {
            threads: threads.unwrap_or_else(|| manifest.setting_usize("threads", 1)).max(1),
            sessions: manifest.setting_usize("sessions", 2).clamp(1, 16),
            window_tokens: manifest.setting_usize("window_tokens", 160).clamp(16, 510),
            overlap_tokens: manifest.setting_usize("overlap_tokens", 32),
            batch: manifest.setting_usize("batch", 4).max(1),
            max_windows: manifest.setting_usize("max_windows", 64).max(1),
            budget_ms: None,
            token_threshold: manifest.setting_f32("token_threshold", 0.5),
            entity_threshold: manifest.setting_f32("entity_threshold", 0.8),
        };
        let mut opts = opts;
        opts.budget_ms = budget_ms;
        let tokenizer = Tokenizer::from_file(&tokenizer_path)
            .map_err(|e| MlError::Tokenizer { path: tokenizer_path.clone(), reason: e.to_string() })?;
        let id = |t: &str| {
            tokenizer
                .token_to_id(t)
                .map(i64::from)
                .ok_or_else(|| MlError::Tokenizer { path: tokenizer_path.clone(), reason: format!("no {t} token") })
        };
        let (cls, sep, pad) = (id("[CLS]")?, id("[SEP]")?, id("[PAD]")?);
        let sessions = (0..opts.sessions)
            .map(|_| crate::runtime::session(env, &model_path, opts.threads).map(Mutex::new))
            .collect::<Result<Vec<_>, _>>()?;
        let session = sessions[0].lock().unwrap_or_else(|p| p.into_inner());
        let inputs: Vec<&str> = session.inputs().iter().map(|i| i.name()).collect();
        let wants_token_types = inputs.contains(&"token_type_ids");
        for needed in ["input_ids", "attention_mask"] {
            if !inputs.contains(&needed) {
                return Err(shape_err(format!("model has no `{needed}` input")));
            }
        }
        drop(session);
        Ok(NerModel {
            sessions,
            wants_token_types,
            tokenizer,
            labels: manifest.labels.clone(),
            taxonomy,
            cls,
            sep,
            pad,
            opts,
            lexicon: NameLexicon::default(),
            version: manifest.version.clone(),
            failures: AtomicU64::new(0),
            truncated: AtomicU64::new(0),
        })
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn options(&self) -> &NerOptions {
        &self.opts
    }

    /// Inference failures since load (each one left that text to the structured detectors).
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Texts whose model pass stopped at the window budget.
    pub fn truncated(&self) -> u64 {
        self.truncated.load(Ordering::Relaxed)
    }

    /// Entities the model finds in `text`, outside the `structured` findings.
    pub fn entities(&self, text: &str, structured: &[Finding]) -> Result<Vec<Entity>, MlError> {
        let segments = candidate_segments(text, structured, &self.lexicon);
        if segments.is_empty() {
            return Ok(Vec::new());
        }
        // Tokenize each segment once; plan windows over its tokens.
        struct Window {
            ids: Vec<i64>,
            offsets: Vec<(usize, usize)>,
        }
        let mut windows: Vec<Window> = Vec::new();
        let budget = self.opts.window_tokens;
        let overlap = self.opts.overlap_tokens.min(budget / 2);
        'segments: for (s, e) in segments {
            let enc = self.tokenizer.encode(&text[s..e], false).map_err(|err| MlError::Inference(err.to_string()))?;
            let ids = enc.get_ids();
            let offs = enc.get_offsets();
            let words = enc.get_word_ids();
            for (ws, we) in plan_windows(words, budget, overlap) {
                if windows.len() >= self.opts.max_windows {
                    self.truncated.fetch_add(1, Ordering::Relaxed);
                    break 'segments;
                }
                windows.push(Window {
                    ids: ids[ws..we].iter().map(|&i| i64::from(i)).collect(),
                    offsets: offs[ws..we].iter().map(|&(a, b)| (a + s, b + s)).collect(),
                });
            }
        }
        // In text order, so a time budget cuts the end of a paste, never its start.
        let order: Vec<usize> = (0..windows.len()).collect();
        let mut tags: Vec<Vec<TokenTag>> = vec![Vec::new(); windows.len()];
        let started = std::time::Instant::now();
        for batch in order.chunks(self.opts.batch) {
            if self.opts.budget_ms.is_some_and(|b| started.elapsed().as_millis() as u64 >= b) {
                self.truncated.fetch_add(1, Ordering::Relaxed);
                break;
            }
            let len = batch.iter().map(|&i| windows[i].ids.len()).max().unwrap_or(0) + 2;
            let mut ids = Vec::with_capacity(batch.len() * len);
            let mut mask = Vec::with_capacity(batch.len() * len);
            for &i in batch {
                let w = &windows[i].ids;
                ids.push(self.cls);
                ids.extend_from_slice(w);
                ids.push(self.sep);
                ids.extend(std::iter::repeat_n(self.pad, len - w.len() - 2));
                mask.extend(std::iter::repeat_n(1i64, w.len() + 2));
                mask.extend(std::iter::repeat_n(0i64, len - w.len() - 2));
            }
            let logits = self.run(batch.len(), len, ids, mask)?;
            let classes = self.labels.len();
            for (row, &i) in batch.iter().enumerate() {
                for (t, &(a, b)) in windows[i].offsets.iter().enumerate() {
                    if b <= a {
                        continue;
                    }
                    let at = (row * len + t + 1) * classes;
                    let Some(scores) = logits.get(at..at + classes) else { continue };
                    let (label, score) = softmax_argmax(scores);
                    tags[i].push(TokenTag { label, score, start: a, end: b });
                }
            }
        }
        let map = |kind: &str| self.taxonomy.get(kind).copied();
        let mut entities = Vec::new();
        for window_tags in &tags {
            let components = aggregate(text, window_tags, &self.labels, self.opts.token_threshold);
            entities.extend(group(text, &components, &map));
        }
        let mut entities = union_overlapping(entities);
        entities.retain_mut(|e| e.score >= self.opts.entity_threshold && self.plausible(text, e));
        Ok(entities)
    }

    fn run(&self, batch: usize, len: usize, ids: Vec<i64>, mask: Vec<i64>) -> Result<Vec<f32>, MlError> {
        let inf = |e: ort::Error| MlError::Inference(e.to_string());
        let shape = vec![batch as i64, len as i64];
        let types = vec![0i64; ids.len()];
        let ids = Tensor::from_array((shape.clone(), ids)).map_err(inf)?;
        let mask = Tensor::from_array((shape.clone(), mask)).map_err(inf)?;
        let types = Tensor::from_array((shape, types)).map_err(inf)?;
        // A free session if there is one, else wait for the first. A panic while a lock was held
        // cannot leave a session half-changed, so a poisoned lock is taken over.
        let mut session = self
            .sessions
            .iter()
            .find_map(|m| m.try_lock().ok())
            .unwrap_or_else(|| self.sessions[0].lock().unwrap_or_else(|p| p.into_inner()));
        let outputs = if self.wants_token_types {
            session.run(ort::inputs!["input_ids" => ids, "attention_mask" => mask, "token_type_ids" => types])
        } else {
            session.run(ort::inputs!["input_ids" => ids, "attention_mask" => mask])
        }
        .map_err(inf)?;
        let (out_shape, data) = outputs[0].try_extract_tensor::<f32>().map_err(inf)?;
        let expected = batch * len * self.labels.len();
        if data.len() != expected {
            return Err(MlError::Inference(format!("logits shape {out_shape:?} does not match {batch}x{len}x{}", self.labels.len())));
        }
        Ok(data.to_vec())
    }

    /// Whether a model entity survives the post-filter; widens a name to whole words.
    fn plausible(&self, text: &str, e: &mut Entity) -> bool {
        let bytes = text.as_bytes();
        // Trim whitespace and punctuation at the edges.
        while e.end > e.start && matches!(bytes[e.end - 1], b' ' | b'\t' | b'\r' | b'\n' | b',' | b'.' | b';' | b':') {
            e.end -= 1;
        }
        if e.end <= e.start {
            return false;
        }
        match e.entity {
            EntityType::Address => text[e.start..e.end].bytes().any(|b| b.is_ascii_digit()),
            EntityType::Person => self.plausible_name(text, e),
            _ => true,
        }
    }

    fn plausible_name(&self, text: &str, e: &mut Entity) -> bool {
        // Whole words only: widen over letters that the word pieces left out.
        let is_word = |c: char| c.is_alphabetic() && !is_cjk(c);
        while let Some(c) = text[..e.start].chars().next_back().filter(|&c| is_word(c)) {
            e.start -= c.len_utf8();
        }
        while let Some(c) = text[e.end..].chars().next().filter(|&c| is_word(c)) {
            e.end += c.len_utf8();
        }
        let span = &text[e.start..e.end];
        if span.chars().count() < 2 {
            return false;
        }
        // Part of an e-mail, host, path, handle or identifier.
        let before = text[..e.start].chars().next_back();
        let mut after = text[e.end..].chars();
        let next = after.next();
        let next2 = after.next();
        if before.is_some_and(|c| c.is_ascii_digit() || "@._/\\#$-=<".contains(c)) {
            return false;
        }
        if next.is_some_and(|c| c.is_ascii_digit() || "@_/\\(=".contains(c))
            || matches!((next, next2), (Some('.' | '-'), Some(c)) if c.is_alphanumeric())
        {
            return false;
        }
        // An organisation: a company word inside or right after the span (`Kessler Bau GmbH`,
        // `McKinsey & Company`).
        let rest = text[e.end..].trim_start_matches([' ', '\t']);
        let following: &str = rest.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '&')).next().unwrap_or("");
        let following = following.trim_end_matches('.');
        if following == "&" || self.lexicon.is_company_word(following) || self.lexicon.is_company_word(&format!("{following}.")) {
            return false;
        }
        let words: Vec<&str> = span.split_whitespace().collect();
        if words.iter().any(|w| self.lexicon.is_not_name(w) || self.lexicon.is_company_word(w) || NOT_NAMES_IN_MODEL_OUTPUT.contains(w)) {
            return false;
        }
        let cjk = span.chars().any(is_cjk);
        if cjk {
            return true;
        }
        // Latin, Greek, Cyrillic: capitalised words, or upper-case ones on ID-style lines when the
        // lexicon knows them or there are at least two.
        let capitalised = |w: &str| {
            let mut cs = w.chars();
            cs.next().is_some_and(char::is_uppercase) && cs.any(char::is_lowercase)
        };
        let upper = |w: &str| w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
        let known = |w: &str| {
            let mut cs = w.chars();
            let cap: String = cs.next().into_iter().flat_map(char::to_uppercase).chain(cs.flat_map(char::to_lowercase)).collect();
            self.lexicon.is_known_name(&cap)
        };
        words.iter().all(|w| capitalised(w) || known(w)) || (words.len() >= 2 && words.iter().all(|w| upper(w) && w.len() >= 2))
    }
}

impl ContextModel for NerModel {
    fn id(&self) -> &str {
        NER_ID
    }

    fn detect(&self, text: &str, structured: &[Finding]) -> Vec<Finding> {
        match self.entities(text, structured) {
            Ok(entities) => entities.into_iter().map(|e| Finding::new(e.entity, e.start, e.end, e.score, NER_ID)).collect(),
            Err(_) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                Vec::new()
            }
        }
    }
}

fn softmax_argmax(scores: &[f32]) -> (usize, f32) {
    let (best, max) = scores.iter().enumerate().fold((0, f32::NEG_INFINITY), |acc, (i, &v)| if v > acc.1 { (i, v) } else { acc });
    let sum: f32 = scores.iter().map(|&v| (v - max).exp()).sum();
    (best, if sum > 0.0 && sum.is_finite() { 1.0 / sum } else { 0.0 })
}

/// CJK ideographs, kana and Hangul: scripts without capitals, where any run may hold a name.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// Byte ranges of the text worth a model pass: runs of consecutive lines that hold a capitalised
/// word (upper-case letter then lower-case letter) or CJK text outside every structured finding.
pub fn candidate_segments(text: &str, structured: &[Finding], lexicon: &NameLexicon) -> Vec<(usize, usize)> {
    let mut covered: Vec<(usize, usize)> = structured.iter().map(|f| (f.start, f.end)).collect();
    covered.sort_unstable();
    let mut segments: Vec<(usize, usize)> = Vec::new();
    let mut push = |s: usize, e: usize| match segments.last_mut() {
        Some(last) if last.1 >= s => last.1 = last.1.max(e),
        _ => segments.push((s, e)),
    };
    let mut next_cover = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let mut hits = Vec::new();
        let mut prev: Option<char> = None;
        for (i, c) in line.char_indices() {
            let at = line_start + i;
            let hit = is_cjk(c) || (prev.is_some_and(char::is_uppercase) && c.is_lowercase() && !stop_word_at(line, i, lexicon));
            prev = Some(c);
            if !hit {
                continue;
            }
            while next_cover < covered.len() && covered[next_cover].1 <= at {
                next_cover += 1;
            }
            let inside = covered[next_cover..].iter().take_while(|(s, _)| *s <= at).any(|&(s, e)| s <= at && at < e);
            if !inside {
                hits.push(i);
                if line.len() <= LONG_LINE {
                    break;
                }
            }
        }
        if hits.is_empty() {
        } else if line.len() <= LONG_LINE {
            push(line_start, line_end);
        } else {
            // A long line (a paragraph, a wide CSV row): only the neighbourhood of each hit, cut
            // at spaces, so the model reads a dozen words of context either side.
            for &i in &hits {
                let lo = floor_char_boundary(line, i.saturating_sub(CONTEXT_BEFORE));
                let s = if lo == 0 { 0 } else { line[lo..i].find(' ').map_or(lo, |k| lo + k + 1) };
                let e = line[i..].char_indices().nth(CONTEXT_AFTER).map_or(line.len(), |(k, _)| i + k);
                let e = line[e..].find(' ').map_or(line.len(), |k| e + k);
                push(line_start + s, line_start + e);
            }
        }
        line_start = line_end;
    }
    segments
}

/// Lines up to this many bytes go to the model whole.
const LONG_LINE: usize = 240;
/// Context around a hit in a longer line, in bytes before and characters after.
const CONTEXT_BEFORE: usize = 80;
const CONTEXT_AFTER: usize = 120;

/// Whether the capitalised word whose second letter is at `i` of `line` is one that never starts
/// a name (`The`, `Please`, `Bearer`).
fn stop_word_at(line: &str, i: usize, lexicon: &NameLexicon) -> bool {
    let start = line[..i].char_indices().next_back().map_or(0, |(j, _)| j);
    if line[..start].chars().next_back().is_some_and(char::is_alphanumeric) {
        return false;
    }
    let end = line[i..].find(|c: char| !c.is_alphabetic()).map_or(line.len(), |k| i + k);
    let word = &line[start..end];
    lexicon.is_not_name(word) || NOT_NAMES_IN_MODEL_OUTPUT.contains(&word)
}

/// Splits a token sequence into overlapping `[start, end)` windows of at most `budget` tokens; each
/// window after the first starts `overlap` tokens before the previous end, moved back to a word's
/// first piece, and always after the previous start.
pub fn plan_windows(word_ids: &[Option<u32>], budget: usize, overlap: usize) -> Vec<(usize, usize)> {
    let count = word_ids.len();
    let budget = budget.max(1);
    let mut windows = Vec::new();
    let mut start = 0;
    while start < count {
        let end = (start + budget).min(count);
        windows.push((start, end));
        if end == count {
            break;
        }
        let mut next = end.saturating_sub(overlap).max(start + 1);
        while next - 1 > start && word_ids[next].is_some() && word_ids[next] == word_ids[next - 1] {
            next -= 1;
        }
        start = next;
    }
    windows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_everything_and_respect_words() {
        let words: Vec<Option<u32>> = (0..100).map(|i| Some(i / 3)).collect();
        let w = plan_windows(&words, 20, 5);
        assert_eq!(w.first().map(|x| x.0), Some(0));
        assert_eq!(w.last().map(|x| x.1), Some(100));
        for pair in w.windows(2) {
            assert!(pair[1].0 > pair[0].0 && pair[1].0 <= pair[0].1);
            assert_eq!(pair[1].0 % 3, 0, "window starts on a word's first piece");
        }
        assert!(plan_windows(&[], 20, 5).is_empty());
        // One word longer than the overlap still makes progress.
        let long: Vec<Option<u32>> = vec![Some(0); 50];
        assert_eq!(plan_windows(&long, 10, 5).last().map(|x| x.1), Some(50));
    }

    #[test]
    fn only_lines_with_names_outside_findings_are_candidates() {
        let text = "ghp_abc = 123\nPlease call Anna Berg\nfoo(bar)\n佐藤 花子\nkey: 9f86d081884c\n";
        let lex = NameLexicon::default();
        let segs = candidate_segments(text, &[], &lex);
        let pieces: Vec<&str> = segs.iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(pieces, vec!["Please call Anna Berg\n", "佐藤 花子\n"]);
        // A capitalised word inside a structured finding does not make its line a candidate.
        let line2 = "x\nToken Zm9vYmFy here";
        let f = Finding::new(EntityType::GenericSecret, 2, line2.len(), 0.9, "t");
        assert_eq!(candidate_segments(line2, &[f], &lex), vec![]);
        // Capitalised words that never start a name do not make a line a candidate either.
        assert_eq!(candidate_segments("Please see the attached file. Thanks", &[], &lex), vec![]);
    }

    #[test]
    fn consecutive_candidate_lines_form_one_segment() {
        let text = "Ship to:\nMaria Rossi\nVia Roma 12\n00100 Roma\n\nthanks";
        let segs = candidate_segments(text, &[], &NameLexicon::default());
        assert_eq!(segs.len(), 1);
        assert_eq!(&text[segs[0].0..segs[0].1], "Ship to:\nMaria Rossi\nVia Roma 12\n00100 Roma\n");
    }

    #[test]
    fn long_lines_send_only_the_neighbourhood_of_names() {
        let filler = "lorem ipsum dolor sit amet ".repeat(20);
        let text = format!("{filler}then Maria Rossi signed {filler}四川省成都市 {filler}");
        let segs = candidate_segments(&text, &[], &NameLexicon::default());
        assert_eq!(segs.len(), 2, "{segs:?}");
        let sent: usize = segs.iter().map(|(s, e)| e - s).sum();
        assert!(sent < text.len() / 2);
        assert!(text[segs[0].0..segs[0].1].contains("Maria Rossi"));
        assert!(text[segs[1].0..segs[1].1].contains("四川省"));
    }

    #[test]
    fn softmax_is_sane() {
        let (i, p) = softmax_argmax(&[0.0, 5.0, 1.0]);
        assert_eq!(i, 1);
        assert!(p > 0.9 && p <= 1.0);
        let (_, p) = softmax_argmax(&[f32::NAN, f32::NAN]);
        assert!(p.is_finite());
    }
}
