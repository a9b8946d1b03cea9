//! `promptwall scan`: human table, `--json` for one document, `--jsonl` for the batch contract of
//! `docs/taxonomy.md`, `--redact` for the text with findings replaced.
//!
//! Input handling: files and folders (walked recursively, symlinks not followed) or standard
//! input. Invalid UTF-8 is decoded lossily with a warning (offsets then refer to the decoded
//! text); inputs over `--max-bytes` are refused with a message, never truncated silently.

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use promptwall_detect::{mask_for_display, redact, Engine, EntityType, Family, RedactStyle, ScanResult};
use serde_json::{json, Value};
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

#[derive(Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` or nothing reads standard input.
    pub paths: Vec<PathBuf>,
    /// One JSON document for the whole input (an array when several files are given).
    #[arg(long, conflicts_with_all = ["jsonl", "redact"])]
    pub json: bool,
    /// Batch mode: JSON lines `{"id", "text"}` on stdin, one result line each (see docs/taxonomy.md).
    #[arg(long, conflicts_with = "redact")]
    pub jsonl: bool,
    /// Print the input with every finding replaced.
    #[arg(long)]
    pub redact: bool,
    /// Redaction style: `tag` ([EMAIL]), `mask` (keep last 4), `hash` (keyed hash, see --hash-key-env).
    #[arg(long, value_enum, default_value_t = Style::Tag)]
    pub style: Style,
    /// Environment variable holding the key for `--style hash` (default PROMPTWALL_REDACT_KEY).
    #[arg(long, default_value = "PROMPTWALL_REDACT_KEY")]
    pub hash_key_env: String,
    /// Report only findings scoring at least this much (0–1).
    #[arg(long, default_value_t = 0.5)]
    pub min_score: f32,
    /// Largest input accepted per document, in bytes.
    #[arg(long, default_value_t = 256 * 1024 * 1024)]
    pub max_bytes: u64,
    /// Colour: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Exit with status 1 when anything was found (for CI and hooks).
    #[arg(long)]
    pub exit_code: bool,
    /// Say which detectors and models are in use.
    #[arg(short, long)]
    pub verbose: bool,
    /// Structured detectors only, even when the models are installed (also: PROMPTWALL_MODELS=off).
    #[arg(long)]
    pub no_models: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Style {
    Tag,
    Mask,
    Hash,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// One input: a display name and its text.
struct Input {
    name: String,
    text: String,
}

pub fn run(args: ScanArgs) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.min_score) {
        anyhow::bail!("--min-score must be between 0 and 1 (got {})", args.min_score);
    }
    let (builder, status) = crate::models::engine_builder(!args.no_models);
    let engine = builder.min_score(args.min_score).build().context("building the detection engine")?;
    if args.verbose {
        // Written, not eprintln!: a closed stderr (`… 2>&1 | grep -q`) is not worth a panic.
        let mut err = io::stderr().lock();
        let _ =
            writeln!(err, "promptwall: {} structured detectors; {}", engine.detector_ids().len(), promptwall_ml::Models::summary(&status));
        for s in &status {
            let _ = writeln!(err, "promptwall:   model {}", s.line());
        }
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.jsonl {
        jsonl(&engine, &mut out, args.max_bytes)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let inputs = collect_inputs(&args)?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut any = false;
    let mut docs = Vec::new();
    for input in &inputs {
        let result = engine.scan(&input.text);
        any |= !result.findings.is_empty();
        if args.json {
            docs.push(document_json(Some(&input.name), &result, &input.text));
        } else if args.redact {
            let key = std::env::var(&args.hash_key_env).unwrap_or_default();
            if matches!(args.style, Style::Hash) && key.is_empty() {
                anyhow::bail!("--style hash needs a key in ${} (so hashes cannot be reversed by guessing values)", args.hash_key_env);
            }
            let style = match args.style {
                Style::Tag => RedactStyle::Tag,
                Style::Mask => RedactStyle::Mask,
                Style::Hash => RedactStyle::Hash,
            };
            out.write_all(redact(&input.text, &result.findings, style, key.as_bytes()).as_bytes())?;
        } else {
            table(&mut out, &input.name, &input.text, &result, color, inputs.len() > 1)?;
        }
    }
    if args.json {
        let v = if docs.len() == 1 { docs.pop().unwrap_or(Value::Null) } else { Value::Array(docs) };
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    }
    out.flush()?;
    Ok(if args.exit_code && any { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// A paste an employee might send to an AI chat: a support ticket with customer data and a
/// config snippet with credentials (all values synthetic).
const DEMO: &str = "Hi, can you summarise this ticket and fix the config below?\n\n\
Customer: Maria Rossi <maria.rossi@libero.it>, phone +39 06 4991 2745\n\
Card on file 4539 1488 0343 6467, refund to IBAN DE89 3704 0044 0532 0130 00.\n\
She asked us not to mention her type 2 diabetes to the courier. Patient ID MRN 00482913.\n\n\
```\nDATABASE_URL=postgres://app:S3cr3t!pw@db.internal:5432/orders\n\
aws_access_key_id = AKIAT4SYWB5WKH7DNSIP\n\
aws_secret_access_key = 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\n```\n\n\
Docs say the test card 4242 4242 4242 4242 and AKIAIOSFODNN7EXAMPLE are fine to share.\n";

/// `promptwall demo`: the built-in sample, its findings, and its redacted form.
pub fn demo() -> Result<ExitCode> {
    let engine = crate::models::engine_builder(true).0.build().context("building the detection engine")?;
    let result = engine.scan(DEMO);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    writeln!(out, "Sample paste:\n\n{DEMO}")?;
    table(&mut out, "", DEMO, &result, color, false)?;
    writeln!(out, "\nRedacted (type tags):\n\n{}", redact(DEMO, &result.findings, RedactStyle::Tag, b""))?;
    writeln!(out, "Try it on your own text: promptwall scan FILE, or pipe text into promptwall scan.")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn collect_inputs(args: &ScanArgs) -> Result<Vec<Input>> {
    let mut inputs = Vec::new();
    if args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-") {
        let mut buf = Vec::new();
        io::stdin().lock().take(args.max_bytes + 1).read_to_end(&mut buf).context("reading standard input")?;
        inputs.push(Input { name: "<stdin>".into(), text: decode("<stdin>", buf, args.max_bytes)? });
    }
    for p in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        walk(p, args.max_bytes, &mut inputs)?;
    }
    Ok(inputs)
}

/// A file found while walking a folder: binary files (a NUL byte in the first 8 KiB and not valid
/// UTF-8) are skipped with a note, as a text scanner should; named files are always scanned.
fn walk_entry(path: &Path, max: u64, inputs: &mut Vec<Input>) -> Result<()> {
    if path.is_file() {
        let head = {
            let mut f = std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
            let mut buf = vec![0u8; 8192];
            let n = f.read(&mut buf).unwrap_or(0);
            buf.truncate(n);
            buf
        };
        if head.contains(&0) && std::str::from_utf8(&head).is_err() {
            eprintln!("promptwall: {}: binary file skipped", path.display());
            return Ok(());
        }
    }
    walk(path, max, inputs)
}

fn walk(path: &Path, max: u64, inputs: &mut Vec<Input>) -> Result<()> {
    let meta = std::fs::symlink_metadata(path).with_context(|| format!("{}: cannot read", path.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("{}: cannot list folder", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name == ".git" {
                continue;
            }
            walk_entry(&e, max, inputs)?;
        }
        return Ok(());
    }
    if meta.file_type().is_symlink() {
        eprintln!("promptwall: {}: symbolic link not followed", path.display());
        return Ok(());
    }
    if !meta.is_file() {
        eprintln!("promptwall: {}: not a regular file, skipped", path.display());
        return Ok(());
    }
    if meta.len() > max {
        anyhow::bail!("{}: {} bytes is over the --max-bytes limit of {max}", path.display(), meta.len());
    }
    let buf = std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let name = path.display().to_string();
    let text = decode(&name, buf, max)?;
    inputs.push(Input { name, text });
    Ok(())
}

fn decode(name: &str, buf: Vec<u8>, max: u64) -> Result<String> {
    if buf.len() as u64 > max {
        anyhow::bail!("{name}: input is over the --max-bytes limit of {max} bytes");
    }
    match String::from_utf8(buf) {
        Ok(s) => Ok(s),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            eprintln!("promptwall: {name}: not valid UTF-8 (first bad byte at offset {at}); scanning with invalid bytes replaced by U+FFFD, so offsets refer to the decoded text");
            Ok(String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
    }
}

fn document_json(name: Option<&str>, r: &ScanResult, text: &str) -> Value {
    let lines = LineIndex::new(text);
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let mut v = promptwall_detect::contract::finding_json(f);
            let (line, col) = lines.line_col(f.start);
            v["line"] = json!(line);
            v["column"] = json!(col);
            v["masked"] = json!(mask_for_display(f.value(text)));
            v
        })
        .collect();
    let mut v = json!({ "findings": findings, "categories": r.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>() });
    if let Some(n) = name {
        v["source"] = json!(n);
    }
    v
}

/// The `--jsonl` contract: one output line per input line, same order, flushed as it goes.
///
/// Lines are scanned on every core: a reader thread hands them out, workers scan, and this
/// thread writes the answers back in input order. At most [`AHEAD`] lines are in flight, so a
/// long document never lets the finished answers behind it pile up; an interactive caller that
/// writes one line and waits still gets its answer at once.
fn jsonl(engine: &Engine, out: &mut impl Write, max: u64) -> Result<()> {
    const AHEAD: usize = 64;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, Vec<u8>)>(AHEAD);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(u64, Vec<u8>)>();
    // One token per line in flight: the reader takes one before handing a line out, the writer
    // gives it back once that line's answer is written.
    let (token_tx, token_rx) = mpsc::sync_channel::<()>(AHEAD);
    for _ in 0..AHEAD {
        token_tx.send(()).ok();
    }
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| -> Result<()> {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || loop {
                let job = job_rx.lock().map_err(|_| ()).and_then(|rx| rx.recv().map_err(|_| ()));
                let Ok((seq, line)) = job else { break };
                let mut reply = serde_json::to_vec(&promptwall_detect::contract::answer_line(engine, &line, max)).unwrap_or_default();
                reply.push(b'\n');
                if done_tx.send((seq, reply)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let stop = &stop;
        let reader = scope.spawn(move || -> Result<()> {
            let stdin = io::stdin();
            let mut reader = stdin.lock();
            let mut seq = 0u64;
            loop {
                let mut line = Vec::new();
                let n = reader.read_until(b'\n', &mut line).context("reading standard input")?;
                if n == 0 || stop.load(Ordering::Relaxed) {
                    return Ok(());
                }
                while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                    line.pop();
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                if token_rx.recv().is_err() || job_tx.send((seq, line)).is_err() {
                    return Ok(());
                }
                seq += 1;
            }
        });
        let mut next = 0u64;
        let mut pending = std::collections::BTreeMap::new();
        let mut failed = None;
        for (seq, reply) in done_rx {
            pending.insert(seq, reply);
            while let Some(reply) = pending.remove(&next) {
                next += 1;
                if failed.is_none() {
                    if let Err(e) = out.write_all(&reply).and_then(|()| out.flush()) {
                        // A closed pipe: stop reading; the workers finish what is queued.
                        stop.store(true, Ordering::Relaxed);
                        failed = Some(e);
                    }
                }
                token_tx.send(()).ok();
            }
        }
        let read = reader.join().map_err(|_| anyhow::anyhow!("the input reader panicked"))?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        read
    })
}

/// Where each line starts, so that a finding's line and column cost a binary search and its own
/// line, not a walk from the start of the text (a large file has thousands of findings).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of byte offset `pos`.
    fn line_col(&self, pos: usize) -> (usize, usize) {
        let pos = promptwall_detect::document::floor_char_boundary(self.text, pos.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= pos);
        let line_start = self.starts[line - 1];
        (line, self.text[line_start..pos].chars().count() + 1)
    }
}

#[cfg(test)]
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(pos)
}

fn family_color(t: EntityType) -> &'static str {
    match t.family() {
        Family::Secret => "\x1b[1;31m",
        Family::Financial => "\x1b[1;33m",
        Family::Pii => "\x1b[1;36m",
        Family::Health => "\x1b[1;35m",
        Family::Custom => "\x1b[1;34m",
    }
}

fn table(out: &mut impl Write, name: &str, text: &str, r: &ScanResult, color: bool, show_name: bool) -> io::Result<()> {
    let (bold, dim, reset) = if color { ("\x1b[1m", "\x1b[2m", "\x1b[0m") } else { ("", "", "") };
    if show_name {
        writeln!(out, "{bold}{name}{reset}")?;
    }
    if r.findings.is_empty() {
        writeln!(out, "{dim}no sensitive data found{reset}")?;
    } else {
        writeln!(out, "{bold}{:<22} {:>9}  {:<28} {:>5}{reset}", "TYPE", "LINE:COL", "VALUE (masked)", "SCORE")?;
        let lines = LineIndex::new(text);
        for f in &r.findings {
            let (line, col) = lines.line_col(f.start);
            let ty = f.rule_id.as_deref().map_or_else(|| f.entity.as_str().to_string(), |id| format!("CUSTOM:{id}"));
            let (c, e) = if color { (family_color(f.entity), reset) } else { ("", "") };
            let masked: String = mask_for_display(f.value(text)).chars().take(28).collect();
            writeln!(out, "{c}{ty:<22}{e} {:>9}  {masked:<28} {:>5.2}", format!("{line}:{col}"), f.score)?;
        }
    }
    let cats: Vec<&str> = r.categories.iter().map(|c| c.as_str()).collect();
    writeln!(out, "{dim}{} finding(s); categories: {}{reset}", r.findings.len(), cats.join(", "))?;
    if show_name {
        writeln!(out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("", 0), (1, 1));
        assert_eq!(line_col("a\nb\n", 2), (2, 1));
        assert_eq!(line_col("a\nb\n", 4), (3, 1));
        assert_eq!(line_col("a\n", 1), (1, 2));
    }
}
