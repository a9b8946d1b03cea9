//! [`Document`]: one text being scanned, with what the prefilter learnt about it.
//!
//! The engine builds a `Document` once per scan: the text, the positions of every context word
//! (sorted by position), and the header rows of any delimited tables (CSV, TSV, Markdown), so that
//! a value in a `dob` column knows it is a birth date. Detectors only read it.

use crate::context::{Ctx, CONTEXT_WINDOW};

/// A context word found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CtxHit {
    pub start: usize,
    pub end: usize,
    pub ctx: Ctx,
}

/// A header row of a delimited table: its delimiter and the byte ranges of its cells.
#[derive(Debug, Clone)]
struct TableHeader {
    line_start: usize,
    delim: u8,
    cells: Vec<(usize, usize)>,
}

/// A text under scan plus the context the prefilter found in it.
#[derive(Debug)]
pub struct Document<'a> {
    pub text: &'a str,
    hits: Vec<CtxHit>,
    headers: Vec<TableHeader>,
}

impl<'a> Document<'a> {
    pub(crate) fn new(text: &'a str, mut hits: Vec<CtxHit>) -> Self {
        hits.sort_by_key(|h| (h.start, h.end));
        let headers = find_table_headers(text);
        Document { text, hits, headers }
    }

    /// A document with no context at all (for tests of single detectors).
    pub fn bare(text: &'a str) -> Self {
        Document::new(text, Vec::new())
    }

    pub fn hits(&self) -> &[CtxHit] {
        &self.hits
    }

    /// Context hits of one group, in text order.
    pub fn hits_of(&self, ctx: Ctx) -> impl Iterator<Item = &CtxHit> + '_ {
        self.hits.iter().filter(move |h| h.ctx == ctx)
    }

    /// Whether `ctx` occurs anywhere in the document.
    pub fn has(&self, ctx: Ctx) -> bool {
        self.hits.iter().any(|h| h.ctx == ctx)
    }

    /// Whether a word of `ctx` ends within `window` bytes before `pos`, looking back at most over
    /// one line break (so `SSN:\n123-45-6789` still counts).
    pub fn before(&self, pos: usize, ctx: Ctx, window: usize) -> bool {
        let lo = self.lookback_limit(pos, window);
        let idx = self.hits.partition_point(|h| h.start < pos);
        self.hits[..idx].iter().rev().take_while(|h| h.end + 256 >= lo).any(|h| h.ctx == ctx && h.end <= pos && h.end >= lo)
    }

    /// Whether a word of `ctx` is within `window` bytes after `end` on the same line.
    pub fn after(&self, end: usize, ctx: Ctx, window: usize) -> bool {
        let line_end = memchr::memchr(b'\n', &self.text.as_bytes()[end.min(self.text.len())..])
            .map_or(self.text.len(), |i| end + i);
        let hi = (end + window).min(line_end);
        let idx = self.hits.partition_point(|h| h.start < end);
        self.hits[idx..].iter().take_while(|h| h.start <= hi).any(|h| h.ctx == ctx)
    }

    /// `before` with the default window, or the value's table column is headed by `ctx`.
    pub fn context(&self, start: usize, ctx: Ctx) -> bool {
        self.before(start, ctx, CONTEXT_WINDOW) || self.column_is(start, ctx)
    }

    /// `context`, or a word of `ctx` follows the value closely on its line (`4111… (Visa)`).
    pub fn near(&self, start: usize, end: usize, ctx: Ctx) -> bool {
        self.context(start, ctx) || self.after(end, ctx, 24)
    }

    /// Whether the value at `pos` sits in a table column whose header contains a word of `ctx`.
    pub fn column_is(&self, pos: usize, ctx: Ctx) -> bool {
        let Some((header, col)) = self.column_of(pos) else { return false };
        let Some(&(cs, ce)) = header.cells.get(col) else { return false };
        let idx = self.hits.partition_point(|h| h.start < cs);
        self.hits[idx..].iter().take_while(|h| h.start < ce).any(|h| h.ctx == ctx && h.end <= ce)
    }

    /// The header text of the table column that `pos` sits in, if any.
    pub fn column_header(&self, pos: usize) -> Option<&'a str> {
        let (header, col) = self.column_of(pos)?;
        let &(cs, ce) = header.cells.get(col)?;
        self.text.get(cs..ce)
    }

    /// Every data cell (trimmed, without surrounding quotes) of every table column whose header
    /// contains a word of `ctx`.
    pub fn column_cells(&self, ctx: Ctx) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for header in &self.headers {
            let cols: Vec<usize> = header
                .cells
                .iter()
                .enumerate()
                .filter(|(_, &(cs, ce))| {
                    let idx = self.hits.partition_point(|h| h.start < cs);
                    self.hits[idx..].iter().take_while(|h| h.start < ce).any(|h| h.ctx == ctx && h.end <= ce)
                })
                .map(|(i, _)| i)
                .collect();
            if cols.is_empty() {
                continue;
            }
            let mut line_start = self.line_end(header.line_start) + 1;
            while line_start < self.text.len() {
                let line_end = self.line_end(line_start);
                let line = &self.text.as_bytes()[line_start..line_end];
                if !line.contains(&header.delim) {
                    break;
                }
                let mut col = 0;
                let mut cs = line_start;
                let mut quoted = false;
                for i in 0..=line.len() {
                    let b = line.get(i).copied();
                    if b == Some(b'"') {
                        quoted = !quoted;
                    }
                    if b.is_none() || (b == Some(header.delim) && !quoted) {
                        if cols.contains(&col) {
                            let (s, e) = trim_cell(self.text, cs, line_start + i);
                            if s < e {
                                out.push((s, e));
                            }
                        }
                        col += 1;
                        cs = line_start + i + 1;
                    }
                }
                line_start = line_end + 1;
            }
        }
        out
    }

    fn column_of(&self, pos: usize) -> Option<(&TableHeader, usize)> {
        if self.headers.is_empty() {
            return None;
        }
        let line_start = self.line_start(pos);
        let hi = self.headers.partition_point(|h| h.line_start < line_start);
        let header = self.headers[..hi].last()?;
        let bytes = &self.text.as_bytes()[line_start..pos];
        // Count delimiters outside double quotes to find the column.
        let mut quoted = false;
        let mut col = 0;
        for &b in bytes {
            if b == b'"' {
                quoted = !quoted;
            } else if b == header.delim && !quoted {
                col += 1;
            }
        }
        // The row must have the header's shape: same delimiter somewhere on it.
        let line = self.line_at(pos);
        if !line.as_bytes().contains(&header.delim) {
            return None;
        }
        if header.delim == b'|' {
            // Markdown rows start with a pipe: the first cell is empty on both rows.
            return Some((header, col));
        }
        Some((header, col))
    }

    /// Byte offset of the start of the line containing `pos`.
    pub fn line_start(&self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        memchr::memrchr(b'\n', &self.text.as_bytes()[..pos]).map_or(0, |i| i + 1)
    }

    /// Byte offset of the end of the line containing `pos` (the `\n` or the end of text).
    pub fn line_end(&self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        memchr::memchr(b'\n', &self.text.as_bytes()[pos..]).map_or(self.text.len(), |i| pos + i)
    }

    /// The line containing `pos`, without its line break.
    pub fn line_at(&self, pos: usize) -> &'a str {
        &self.text[self.line_start(pos)..self.line_end(pos)]
    }

    fn lookback_limit(&self, pos: usize, window: usize) -> usize {
        let pos = pos.min(self.text.len());
        let lo = pos.saturating_sub(window);
        let bytes = &self.text.as_bytes()[lo..pos];
        // Allow at most one line break between the word and the value.
        match memchr::memrchr(b'\n', bytes) {
            Some(i) => match memchr::memrchr(b'\n', &bytes[..i]) {
                Some(j) => lo + j + 1,
                None => lo,
            },
            None => lo,
        }
    }

    /// The byte before `pos`, if any.
    pub fn byte_before(&self, pos: usize) -> Option<u8> {
        pos.checked_sub(1).and_then(|i| self.text.as_bytes().get(i).copied())
    }

    /// The byte at `pos`, if any.
    pub fn byte_at(&self, pos: usize) -> Option<u8> {
        self.text.as_bytes().get(pos).copied()
    }

    /// True when the span is not glued to more word characters on either side.
    pub fn word_bounded(&self, start: usize, end: usize) -> bool {
        let is_word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        !is_word(self.byte_before(start)) && !is_word(self.byte_at(end))
    }
}

/// Trims whitespace and one pair of surrounding quotes from a cell's span.
fn trim_cell(text: &str, mut s: usize, mut e: usize) -> (usize, usize) {
    let b = text.as_bytes();
    while s < e && b[s].is_ascii_whitespace() {
        s += 1;
    }
    while e > s && b[e - 1].is_ascii_whitespace() {
        e -= 1;
    }
    if e >= s + 2 && (b[s] == b'"' || b[s] == b'\'') && b[e - 1] == b[s] {
        s += 1;
        e -= 1;
    }
    (s, e)
}

/// Finds header rows of delimited tables: a line with at least two delimiters (`,` `;` tab `|`)
/// whose cells are short and contain no digits-only values, followed by a line with the same
/// delimiter.
fn find_table_headers(text: &str) -> Vec<TableHeader> {
    let mut headers = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut prev: Option<(usize, usize)> = None;
    // Only look at lines that could be headers: cheap checks first.
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        if let Some((ps, pe)) = prev {
            if let Some(h) = header_from(text, ps, pe, start, end) {
                if headers.last().is_none_or(|l: &TableHeader| l.line_start != h.line_start) {
                    headers.push(h);
                }
            }
        }
        prev = Some((start, end));
        start = end + 1;
        if headers.len() > 64 {
            break;
        }
    }
    headers
}

fn header_from(text: &str, hs: usize, he: usize, rs: usize, re: usize) -> Option<TableHeader> {
    let line = &text[hs..he];
    if line.len() > 2000 || line.len() < 3 {
        return None;
    }
    // Cheap reject: a header has at least two delimiters of one kind.
    let mut counts = [0u8; 4];
    for b in line.bytes() {
        let k = match b {
            b',' => 0,
            b'\t' => 1,
            b';' => 2,
            b'|' => 3,
            _ => continue,
        };
        counts[k] = counts[k].saturating_add(1);
    }
    if counts.iter().all(|&c| c < 2) {
        return None;
    }
    let row = &text.as_bytes()[rs..re];
    for delim in [b',', b'\t', b';', b'|'] {
        let n = line.bytes().filter(|&b| b == delim).count();
        if n < 2 || !row.contains(&delim) {
            continue;
        }
        let mut cells = Vec::with_capacity(n + 1);
        let mut cs = hs;
        for (i, b) in line.bytes().enumerate() {
            if b == delim {
                cells.push((cs, hs + i));
                cs = hs + i + 1;
            }
        }
        cells.push((cs, he));
        let plausible = cells.iter().all(|&(s, e)| {
            let cell = text[s..e].trim().trim_matches('"');
            cell.len() <= 48 && !cell.contains('@') && cell.bytes().filter(u8::is_ascii_digit).count() <= 2
        });
        let row_cells = row.iter().filter(|&&b| b == delim).count();
        if plausible && row_cells + 2 >= n && row_cells <= n + 2 {
            return Some(TableHeader { line_start: hs, delim, cells });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_column_header() {
        let text = "name,dob,city\nJane Doe,1984-03-12,Berlin\n";
        let doc = Document::new(text, vec![CtxHit { start: 5, end: 8, ctx: Ctx::Dob }]);
        let pos = text.find("1984").unwrap();
        assert!(doc.column_is(pos, Ctx::Dob));
        assert_eq!(doc.column_header(pos), Some("dob"));
        assert!(!doc.column_is(text.find("Berlin").unwrap(), Ctx::Dob));
    }

    #[test]
    fn before_crosses_one_line_break_only() {
        let text = "SSN:\n536-90-4399";
        let doc = Document::new(text, vec![CtxHit { start: 0, end: 3, ctx: Ctx::Ssn }]);
        assert!(doc.before(5, Ctx::Ssn, 48));
        let text2 = "SSN:\n\n\n536-90-4399";
        let doc2 = Document::new(text2, vec![CtxHit { start: 0, end: 3, ctx: Ctx::Ssn }]);
        assert!(!doc2.before(7, Ctx::Ssn, 48));
    }
}
