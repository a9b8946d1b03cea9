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
    /// The cell delimiter; [`ALIGNED`] for space-aligned columns (terminal output, manifests).
    delim: u8,
    cells: Vec<(usize, usize)>,
    /// For aligned tables: the character column where each header cell starts.
    cols: Vec<usize>,
}

/// Marks a header of a space-aligned table.
const ALIGNED: u8 = 0;

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

    /// Of the groups in `among`, the one whose word ends closest before `pos` (within `window`,
    /// across at most one line break): when `SSN:` and `Driver's license:` both precede a number,
    /// the nearer label names it.
    pub fn nearest_before(&self, pos: usize, window: usize, among: &[Ctx]) -> Option<Ctx> {
        let lo = self.lookback_limit(pos, window);
        let idx = self.hits.partition_point(|h| h.start < pos);
        // Hits are sorted by start and words are short, so only a bounded tail can qualify.
        self.hits[..idx]
            .iter()
            .rev()
            .take_while(|h| h.start + 256 >= lo)
            .filter(|h| h.end <= pos && h.end >= lo && among.contains(&h.ctx))
            .max_by_key(|h| h.end)
            .map(|h| h.ctx)
    }

    /// Whether a word of `ctx` is within `window` bytes after `end` on the same line.
    pub fn after(&self, end: usize, ctx: Ctx, window: usize) -> bool {
        let line_end = memchr::memchr(b'\n', &self.text.as_bytes()[end.min(self.text.len())..]).map_or(self.text.len(), |i| end + i);
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
                let Some(cells) = self.row_cells(header, line_start, line_end) else { break };
                for (i, (s, e)) in cells.into_iter().enumerate() {
                    if cols.contains(&i) && s < e {
                        out.push((s, e));
                    }
                }
                line_start = line_end + 1;
            }
        }
        out
    }

    /// The cells of a data row under `header` (trimmed), or `None` when the line is not a row of
    /// that table (the table has ended).
    fn row_cells(&self, header: &TableHeader, line_start: usize, line_end: usize) -> Option<Vec<(usize, usize)>> {
        let line = &self.text[line_start..line_end];
        if header.delim == ALIGNED {
            let tokens = aligned_tokens(line);
            let aligned = tokens.iter().filter(|t| header.cols.contains(&t.0)).count();
            if tokens.len() < 3 || aligned * 2 < tokens.len().min(header.cols.len()) {
                return None;
            }
            let mut cells = vec![(0usize, 0usize); header.cols.len()];
            for (col, bs, be) in tokens {
                // The nearest header column: data is often a little off its title.
                let k = (0..header.cols.len()).min_by_key(|&i| header.cols[i].abs_diff(col)).unwrap_or(0);
                let (s, e) = (line_start + bs, line_start + be);
                cells[k] = if cells[k].0 < cells[k].1 { (cells[k].0, e) } else { (s, e) };
            }
            return Some(cells);
        }
        let bytes = line.as_bytes();
        if !bytes.contains(&header.delim) {
            return None;
        }
        // SQL value tuples quote with single quotes; CSV with double quotes.
        let sql = line.trim_start().starts_with('(');
        let mut cells = Vec::new();
        let mut cs = line_start;
        let mut quote: Option<u8> = None;
        for i in 0..=bytes.len() {
            let b = bytes.get(i).copied();
            match (quote, b) {
                (Some(q), Some(x)) if x == q => quote = None,
                (None, Some(b'"')) => quote = Some(b'"'),
                (None, Some(b'\'')) if sql => quote = Some(b'\''),
                _ => {}
            }
            if b.is_none() || (b == Some(header.delim) && quote.is_none()) {
                cells.push(trim_cell(self.text, cs, line_start + i));
                cs = line_start + i + 1;
            }
        }
        Some(cells)
    }

    fn column_of(&self, pos: usize) -> Option<(&TableHeader, usize)> {
        if self.headers.is_empty() {
            return None;
        }
        let line_start = self.line_start(pos);
        let hi = self.headers.partition_point(|h| h.line_start < line_start);
        let header = self.headers[..hi].last()?;
        let cells = self.row_cells(header, line_start, self.line_end(pos))?;
        let col = cells.iter().position(|&(s, e)| s <= pos && pos < e.max(s + 1))?;
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

/// The largest character boundary of `s` at or below `i` (`s.len()` for any `i` past the end).
pub fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest character boundary of `s` at or above `i` (at most `s.len()`).
pub fn ceil_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Space-separated tokens of a line: (character column, byte start, byte end).
fn aligned_tokens(line: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None;
    for (col, (i, c)) in line.char_indices().enumerate() {
        match (c == ' ' || c == '\t', start) {
            (true, Some((sc, sb))) => {
                out.push((sc, sb, i));
                start = None;
            }
            (false, None) => start = Some((col, i)),
            _ => {}
        }
    }
    if let Some((sc, sb)) = start {
        out.push((sc, sb, line.len()));
    }
    out
}

/// A header of a space-aligned table: four or more word-like titles with no digits, and a next
/// line whose tokens mostly start in the same columns.
fn aligned_header(text: &str, hs: usize, he: usize, rs: usize, re: usize) -> Option<TableHeader> {
    let line = &text[hs..he];
    if !line.contains("  ") || line.bytes().any(|b| b.is_ascii_digit() || matches!(b, b',' | b'\t' | b'|' | b';')) {
        return None;
    }
    let tokens = aligned_tokens(line);
    if tokens.len() < 4
        || !tokens.iter().all(|&(_, s, e)| {
            text[hs + s..hs + e].chars().all(|c| c.is_alphabetic() || matches!(c, '_' | '/' | '#' | '.' | '-' | '(' | ')'))
        })
    {
        return None;
    }
    let cols: Vec<usize> = tokens.iter().map(|t| t.0).collect();
    let row = aligned_tokens(&text[rs..re]);
    let aligned = row.iter().filter(|t| cols.contains(&t.0)).count();
    if row.len() < 3 || aligned < 3 || aligned * 2 < row.len().min(cols.len()) {
        return None;
    }
    let cells = tokens.iter().map(|&(_, s, e)| (hs + s, hs + e)).collect();
    Some(TableHeader { line_start: hs, delim: ALIGNED, cells, cols })
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
    // SQL value tuples: `(71823, 'Ava', '1951-09-18'),`
    while s < e && b[s] == b'(' {
        s += 1;
    }
    while e > s && matches!(b[e - 1], b')' | b';' | b',') {
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
    // The previous line, and whether it is a Markdown rule (`|---|---|`).
    let mut prev: Option<(usize, usize, bool)> = None;
    // Whether the line before `prev` is a rule: then `prev` is a data row (`| Name | string | … |`
    // in a field table), not a header.
    let mut after_rule = false;
    // Only look at lines that could be headers: cheap checks first.
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        if let Some((ps, pe, false)) = prev.filter(|_| !after_rule) {
            if let Some(h) = header_from(text, ps, pe, start, end) {
                if headers.last().is_none_or(|l: &TableHeader| l.line_start != h.line_start) {
                    headers.push(h);
                }
            }
        }
        after_rule = prev.is_some_and(|(_, _, rule)| rule);
        prev = Some((start, end, markdown_rule(&text[start..end])));
        start = end + 1;
        if headers.len() > 64 {
            break;
        }
    }
    headers
}

/// A Markdown table's rule line: `|---|:---:|`, `--- | ---`.
fn markdown_rule(line: &str) -> bool {
    let t = line.trim();
    t.contains("---") && t.contains('|') && t.bytes().all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'))
}

fn header_from(text: &str, hs: usize, he: usize, rs: usize, re: usize) -> Option<TableHeader> {
    let line = &text[hs..he];
    if line.len() > 2000 || line.len() < 3 {
        return None;
    }
    // A line of code is no header (`pub const BY_NAME: &[(&str, Script)] = &[` above a table of
    // `("Adlam", ADLAM),` rows); an SQL column list (`INSERT INTO t (id, name) VALUES`) is.
    if line.contains(['=', '[', '{', '&']) || line.contains("::") || line.contains("->") {
        return None;
    }
    if let Some(h) = aligned_header(text, hs, he, rs, re) {
        return Some(h);
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
        // Rows may have more delimiters than the header (inside quoted cells), hardly fewer.
        if plausible && row_cells + 2 >= n {
            return Some(TableHeader { line_start: hs, delim, cells, cols: Vec::new() });
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
    fn markdown_header_is_above_the_rule_not_below() {
        let text = "| Name | Email |\n|---|---|\n| Ana Lima | a@b.co |\n";
        let doc = Document::new(text, vec![CtxHit { start: 2, end: 6, ctx: Ctx::Name }]);
        assert_eq!(doc.column_header(text.find("Ana").unwrap()).map(str::trim), Some("Name"));
        // A field table: `Name` is a data cell, so `Phone` below it is no name.
        let fields = "| Field | Type |\n|---|---|\n| Name | string |\n| Phone | string |\n";
        let at = fields.find("Name").unwrap();
        let doc = Document::new(fields, vec![CtxHit { start: at, end: at + 4, ctx: Ctx::Name }]);
        assert!(doc.column_cells(Ctx::Name).is_empty());
    }

    #[test]
    fn a_line_of_code_is_no_table_header() {
        let text = "pub const BY_NAME: &'static [(&'static str, &'static [(char, char)])] = &[\n    (\"Adlam\", ADLAM),\n    (\"Ahom\", AHOM),\n];\n";
        let at = text.find("NAME").unwrap();
        let doc = Document::new(text, vec![CtxHit { start: at, end: at + 4, ctx: Ctx::Name }]);
        assert!(doc.column_cells(Ctx::Name).is_empty());
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
