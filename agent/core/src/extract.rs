//! Text out of files the extension cannot read as text: Office Open XML (`.docx`, `.xlsx`,
//! `.pptx`) and OpenDocument (`.odt`, `.ods`, `.odp`) are zip archives of XML, whose text is
//! recovered here (paragraphs, cells and slides become lines). Anything else that is not UTF-8
//! text is reported as not extractable, and the policy's `uninspectable` action decides.
//!
//! Bounded against hostile archives: at most [`MAX_ENTRIES`] entries are looked at, each entry is
//! read through a cap, and the total inflated size is capped at [`MAX_INFLATED`] (a zip bomb
//! stops there and is reported as too large), so a file never costs more than that much memory.

use std::io::Read;

/// At most this many archive entries are examined.
pub const MAX_ENTRIES: usize = 4096;
/// At most this many inflated bytes are read from one archive in all.
pub const MAX_INFLATED: u64 = 64 * 1024 * 1024;

/// What a file holds, as far as the agent can tell.
#[derive(Debug, PartialEq)]
pub enum FileText {
    /// UTF-8 text (a text file of any name: `.env`, `id_rsa`, CSV, code).
    Text(String),
    /// Text recovered from an office document of this kind (`docx`, `xlsx`, `pptx`, `odf`).
    Document { kind: &'static str, text: String },
    /// A file whose text the agent cannot read (PDF, image, archive, unknown binary), or an
    /// office document over the limits.
    NotExtractable(&'static str),
}

/// Reads the text of a file from its bytes (never from its name).
pub fn file_text(bytes: &[u8]) -> FileText {
    if bytes.starts_with(b"PK\x03\x04") {
        return match office_text(bytes) {
            Ok(Some((kind, text))) => FileText::Document { kind, text },
            Ok(None) => FileText::NotExtractable("an archive that is not an office document"),
            Err(why) => FileText::NotExtractable(why),
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(s) if !looks_binary(s) => FileText::Text(s.to_string()),
        _ => FileText::NotExtractable("binary content"),
    }
}

/// NUL bytes or many control characters: not text, even if it happens to be valid UTF-8.
fn looks_binary(s: &str) -> bool {
    let sample = &s.as_bytes()[..s.len().min(8192)];
    let controls = sample.iter().filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))).count();
    sample.contains(&0) || controls * 100 > sample.len().max(1)
}

/// Which entries of an office archive hold its text, by document kind.
fn text_entries(names: &[String]) -> Option<(&'static str, Vec<String>)> {
    let has = |n: &str| names.iter().any(|x| x == n);
    let sorted = |prefix: &str, suffix: &str| {
        let mut v: Vec<String> = names.iter().filter(|n| n.starts_with(prefix) && n.ends_with(suffix)).cloned().collect();
        // slide2 before slide10: by the number in the name.
        v.sort_by_key(|n| (n.len(), n.clone()));
        v
    };
    if has("word/document.xml") {
        let mut v = vec!["word/document.xml".to_string()];
        v.extend(sorted("word/header", ".xml"));
        v.extend(sorted("word/footer", ".xml"));
        v.extend(sorted("word/footnotes", ".xml"));
        v.extend(sorted("word/comments", ".xml"));
        return Some(("docx", v));
    }
    if has("xl/workbook.xml") {
        let mut v = vec![];
        if has("xl/sharedStrings.xml") {
            v.push("xl/sharedStrings.xml".to_string());
        }
        v.extend(sorted("xl/worksheets/sheet", ".xml"));
        return Some(("xlsx", v));
    }
    if has("ppt/presentation.xml") {
        let mut v = sorted("ppt/slides/slide", ".xml");
        v.extend(sorted("ppt/notesSlides/notesSlide", ".xml"));
        return Some(("pptx", v));
    }
    if has("content.xml") && has("mimetype") {
        return Some(("odf", vec!["content.xml".to_string()]));
    }
    None
}

/// The text of an office document: `Ok(None)` when the archive is not one.
pub fn office_text(bytes: &[u8]) -> Result<Option<(&'static str, String)>, &'static str> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| "a damaged zip archive")?;
    if zip.len() > MAX_ENTRIES {
        return Err("an archive with too many entries");
    }
    let names: Vec<String> = zip.file_names().map(String::from).collect();
    let Some((kind, entries)) = text_entries(&names) else { return Ok(None) };
    let mut budget = MAX_INFLATED;
    let mut out = String::new();
    for name in entries {
        let Ok(entry) = zip.by_name(&name) else { continue };
        let mut xml = Vec::new();
        let read = entry.take(budget + 1).read_to_end(&mut xml).map_err(|_| "a damaged archive entry")? as u64;
        if read > budget {
            return Err("an office document larger than can be inspected");
        }
        budget -= read;
        xml_text(&String::from_utf8_lossy(&xml), &mut out);
        out.push('\n');
    }
    Ok(Some((kind, out)))
}

/// Appends the character data of `xml` to `out`: tags dropped, entities decoded, a line break at
/// the end of each paragraph, row, shared string or table cell boundary and a tab between cells.
fn xml_text(xml: &str, out: &mut String) {
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        push_decoded(&rest[..lt], out);
        let Some(gt) = rest[lt..].find('>') else { return };
        let tag = &rest[lt + 1..lt + gt];
        let name = tag.trim_start_matches('/').split([' ', '/', '\t', '\n']).next().unwrap_or("");
        let local = name.rsplit(':').next().unwrap_or(name);
        let closing = tag.starts_with('/');
        match local {
            // paragraphs (docx w:p, pptx a:p, odf text:p / text:h), rows, shared strings
            "p" | "h" | "row" | "si" | "table-row" if closing => out.push('\n'),
            "br" | "cr" | "line-break" => out.push('\n'),
            "tab" | "tab-stop" => out.push('\t'),
            // cells: a tab after each (docx w:tc, xlsx c, odf table:table-cell)
            "tc" | "c" | "table-cell" if closing => out.push('\t'),
            _ => {}
        }
        rest = &rest[lt + gt + 1..];
    }
    push_decoded(rest, out);
}

fn push_decoded(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let Some(semi) = tail[..tail.len().min(12)].find(';') else {
            out.push('&');
            rest = &tail[1..];
            continue;
        };
        let ent = &tail[1..semi];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") || ent.starts_with("#X") => u32::from_str_radix(&ent[2..], 16).ok().and_then(char::from_u32),
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &tail[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn archive(files: &[(&str, &str)]) -> Vec<u8> {
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut z = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            for (name, body) in files {
                z.start_file(*name, opts).unwrap();
                z.write_all(body.as_bytes()).unwrap();
            }
            z.finish().unwrap();
        }
        buf.into_inner()
    }

    #[test]
    fn docx_text_with_paragraphs_tables_and_entities() {
        let doc = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Customer: Jane &amp; Co</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>card</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t xml:space="preserve">4539 1488 0343 6467</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body></w:document>"#;
        let bytes = archive(&[("[Content_Types].xml", "<Types/>"), ("word/document.xml", doc)]);
        let FileText::Document { kind, text } = file_text(&bytes) else { panic!() };
        assert_eq!(kind, "docx");
        assert!(text.contains("Customer: Jane & Co\n"), "{text:?}");
        assert!(text.contains("4539 1488 0343 6467"), "{text:?}");
    }

    #[test]
    fn xlsx_shared_strings_and_inline_cells() {
        let shared = r#"<sst><si><t>email</t></si><si><t>jane.doe@northwind.io</t></si></sst>"#;
        let sheet =
            r#"<worksheet><sheetData><row><c t="s"><v>0</v></c><c><is><t>AKIAT4SYWB5WKH7DNSIP</t></is></c></row></sheetData></worksheet>"#;
        let bytes = archive(&[("xl/workbook.xml", "<workbook/>"), ("xl/sharedStrings.xml", shared), ("xl/worksheets/sheet1.xml", sheet)]);
        let FileText::Document { kind, text } = file_text(&bytes) else { panic!() };
        assert_eq!(kind, "xlsx");
        assert!(text.contains("jane.doe@northwind.io") && text.contains("AKIAT4SYWB5WKH7DNSIP"), "{text:?}");
    }

    #[test]
    fn text_binary_and_other_archives() {
        assert_eq!(file_text(b"AWS_SECRET=abc\n"), FileText::Text("AWS_SECRET=abc\n".into()));
        assert!(matches!(file_text(b"%PDF-1.7\n\x00\x01\x02binary"), FileText::NotExtractable(_)));
        assert!(matches!(file_text(&archive(&[("a.txt", "hello")])), FileText::NotExtractable(_)));
        assert!(matches!(file_text(b"PK\x03\x04garbage"), FileText::NotExtractable(_)));
    }

    #[test]
    fn a_zip_bomb_stops_at_the_cap() {
        // 80 MiB of zeros inflate from a few tens of KiB.
        let zeros = "0".repeat(80 * 1024 * 1024);
        let bytes = archive(&[("word/document.xml", &zeros)]);
        assert!(bytes.len() < 1024 * 1024);
        assert_eq!(file_text(&bytes), FileText::NotExtractable("an office document larger than can be inspected"));
    }
}
