//! Code-aware context for keyed values (`password: …`, `token = …`): is the text after the key a
//! literal value, or is it code — an identifier, a type path, a call, an expression, a CLI flag —
//! or a value that is deliberately not the secret (masked, encrypted, a documented example)?
//!
//! Shared by every keyed rule of the SECRET family. On real source code most `token`/`password`
//! words are followed by code (`Pin::new(&mut …)`, `tokens = TokenStream::new()`,
//! `credentials.password`), not by a value, so these tests decide most of the false alarms.

/// Whether the value at `start` opens with a quote (`"…"`, `'…'`): a string literal.
/// A backtick opens a code span (Markdown, doc comments) or a template, so it does not count.
pub fn quoted_at(text: &str, start: usize) -> bool {
    start > 0 && matches!(text.as_bytes().get(start - 1), Some(b'"' | b'\''))
}

fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || matches!(b, b'_' | b'$' | b'#')
}

fn ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'#')
}

/// `foo.bar.baz`, `this.#frame`, `sys.maxsize`: a dotted path of identifiers (at least two).
fn dotted_path(v: &str) -> bool {
    let v = v.strip_suffix("()").unwrap_or(v);
    let mut n = 0;
    for seg in v.split('.') {
        let b = seg.as_bytes();
        // Digits make it look like a value (`S3cr3t.pw`), not an attribute path.
        if b.is_empty() || !ident_start(b[0]) || !b.iter().all(|&x| ident_char(x) && !x.is_ascii_digit()) {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// `PhantomPinned`, `pageFunction`, `UnsupportedOperationError`, `page_function`: words joined in
/// camel or snake case, each hump at least three letters long. Random letters (`hKzPqLmWv`) have
/// short humps and are not taken for identifiers.
pub fn identifier_words(v: &str) -> bool {
    if v.len() < 6 || !v.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') {
        return false;
    }
    let mut parts: Vec<usize> = Vec::new();
    let mut run = 0usize;
    let b = v.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            if run > 0 {
                parts.push(run);
            }
            run = 0;
            continue;
        }
        // A new hump: lower→Upper, or the last capital of an acronym before a lower (`HTTPServer`).
        let hump = i > 0
            && c.is_ascii_uppercase()
            && (b[i - 1].is_ascii_lowercase() || (b[i - 1].is_ascii_uppercase() && b.get(i + 1).is_some_and(u8::is_ascii_lowercase)));
        if hump && run > 0 {
            parts.push(run);
            run = 0;
        }
        run += 1;
    }
    if run > 0 {
        parts.push(run);
    }
    parts.len() >= 2 && parts.iter().all(|&p| p >= 3)
}

/// `DB_PASSWORD`, `MAX_TOKENS`: a constant's name (upper case, digits, at least one underscore).
pub fn constant_name(v: &str) -> bool {
    v.contains('_')
        && v.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && v.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// Code rather than a literal value. `quoted` says whether the value opens a string literal: inside
/// quotes, only shapes that are never secrets count as code.
pub fn is_code(v: &str, quoted: bool) -> bool {
    // Type paths and scope resolution (`Pin::new`, `private::IdentAny`, a match that began at the
    // second colon of `::`), and CLI flags, also groff-escaped (`\-\-user\-output\-enabled`).
    if v.starts_with(':') || v.contains("::") || v.starts_with("--") || v.starts_with("\\-") || v.starts_with("-") && !quoted {
        return true;
    }
    // Calls and indexing: `getToken(`, `accelerator_times[0`, `page()._credentials`, `ENC[AES256_GCM`.
    if let Some(i) = v.find(['(', '[']) {
        // A macro call counts too (`assert_eq!(found`).
        let head = v[..i].strip_suffix('!').unwrap_or(&v[..i]);
        if !head.is_empty() && head.bytes().all(|b| ident_char(b) || b == b'.') && ident_start(v.as_bytes()[0]) {
            return true;
        }
    }
    // A method chain after a closing parenthesis (`account).expect("…")`).
    if v.contains(").") || v.contains(")?.") {
        return true;
    }
    // References and generics: `&mut self`, `&key`, `Vec<u8>`.
    if v.starts_with('&') || v.contains("->") || v.contains("=>") {
        return true;
    }
    if quoted {
        return false;
    }
    // Unquoted: a bracketed expression (`(SEC_ERROR_BASE + 56)`, `[a, b]`), a key of its own
    // (`cumulative_sequence_length: str`), a keyword argument (`stacklevel=3`), groff escapes
    // (`user\-defined\-value`, a line ending `\e`).
    if v.starts_with(['(', '[', '{']) || v.ends_with(':') || v.contains("\\-") || v.ends_with("\\e") || keyword_argument(v) {
        return true;
    }
    dotted_path(v) || identifier_words(v) || constant_name(v)
}

/// `name=value` where the name is a lower-case identifier: an assignment or keyword argument.
fn keyword_argument(v: &str) -> bool {
    match v.find('=') {
        Some(i) if i >= 4 => {
            let name = &v.as_bytes()[..i];
            name.iter().all(|&b| b.is_ascii_lowercase() || b == b'_')
        }
        _ => false,
    }
}

/// A type in an annotation rather than a value: an unquoted capitalised identifier followed by
/// generics, a union or an array (`key: PrivatePkcs1KeyDer<'a>`, `credentials: Credentials | null`).
pub fn type_annotation(v: &str, after: &str) -> bool {
    let b = v.as_bytes();
    if b.is_empty() || !b[0].is_ascii_uppercase() || !b.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'_') {
        return false;
    }
    let after = after.trim_start_matches(' ');
    after.starts_with(['<', '|', '>', '&']) && !after.starts_with("</") || after.starts_with("[]") || after.starts_with('?')
}

/// Values that are not the secret itself: masked (`****`, `•••`, `xoxp-…-####`), encrypted
/// in place (SOPS `ENC[AES256_GCM,…]`, Ansible Vault, `vault:v1:`, age), or a reference to a
/// secret store.
pub fn masked_or_encrypted(v: &str) -> bool {
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("enc[") || lower.starts_with("$ansible_vault") || lower.starts_with("!vault")
        || lower.starts_with("vault:v") || lower.starts_with("age1") || lower.starts_with("-----begin age")
        || lower.starts_with("aqica") && v.len() > 100 // AWS KMS ciphertext blobs
        || lower.starts_with("arn:aws:secretsmanager") || lower.starts_with("projects/") && lower.contains("/secrets/")
        || lower.starts_with("op://") || lower.starts_with("akv:") || lower.starts_with("@microsoft.keyvault")
    {
        return true;
    }
    // A run of three mask characters, or a mask character in a value otherwise short of entropy.
    let b = v.as_bytes();
    let masked_run = b.windows(3).any(|w| w.iter().all(|&c| c == b'*') || w.iter().all(|&c| c == b'#'))
        || v.contains('•')
        || v.contains('…')
        || v.contains("●")
        || v.contains("█");
    masked_run
}

/// Whether the bare digit run at `start..end` sits in a list of other long numbers (`[n1, n2, n3]`,
/// limbs of a field element, test vectors): data, not a card or an ID someone pasted.
pub fn in_number_list(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let sep = |c: u8| c.is_ascii_whitespace() || matches!(c, b',' | b';' | b'[' | b']' | b'{' | b'}' | b'(' | b')');
    let long_run = |digits: usize| digits >= 8;
    // Left: skip separators, then count digits.
    let mut i = start;
    let mut skipped = 0;
    while i > 0 && sep(b[i - 1]) && skipped < 24 {
        i -= 1;
        skipped += 1;
    }
    let mut n = 0;
    while i > 0 && b[i - 1].is_ascii_digit() {
        i -= 1;
        n += 1;
    }
    if skipped > 0 && long_run(n) && b[start.saturating_sub(skipped)..start].iter().any(|&c| c == b',' || c == b'\n') {
        return true;
    }
    let mut j = end;
    let mut skipped = 0;
    while j < b.len() && sep(b[j]) && skipped < 24 {
        j += 1;
        skipped += 1;
    }
    let mut n = 0;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
        n += 1;
    }
    skipped > 0 && long_run(n) && b[end..end + skipped].iter().any(|&c| c == b',' || c == b'\n')
}

/// Published example keys from vendors' documentation: real shapes, never real credentials.
pub const PUBLISHED_EXAMPLES: &[&str] = &[
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    "pk_test_TYooMQauvdEDq54NiTphI7jx",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "xoxb-not-a-real-token-this-will-not-work",
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    "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",
    // RFC 6750's bearer token and RFC 7617's `Aladdin:open sesame`.
    "mF_9.B5f-4.1JqM",
    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    // OpenSSL's FIPS module integrity key, published in its headers.
    "f4556650ac31d35461610bac4ed81b1a181b2d8a43ea2854cbae22ca74560813",
];

pub fn published_example(v: &str) -> bool {
    // A value cut short by the keyed rules' window is still the published one.
    PUBLISHED_EXAMPLES.iter().any(|e| v.contains(e) || v.len() >= 24 && e.starts_with(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_shapes() {
        for v in [
            ":new(&mut",
            "tokenizers::tokenizer::{Result",
            "windows_sys::core::PCWSTR",
            "TokenStream::new(",
            "private::IdentAny",
            "accelerator_times[0",
            "credentials.password",
            "this.#frame.page()._credentials",
            "sys.maxsize",
            "PhantomPinned",
            "pageFunction",
            "UnsupportedOperationError",
            "BitsAndBytesConfig",
            "\\-\\-user\\-output\\-enabled",
            "--root-password-file=PATH",
            "DB_PASSWORD",
            "&mut",
            "getToken()",
        ] {
            assert!(is_code(v, false), "{v}");
        }
        for v in [
            "Summer2024!",
            "Xk9#pq2Lm",
            "k9#x2!fq8z@w1m$e7r^t5y&u3i*o0p(l",
            "7f770d9106fd287db7f1adbc60926f69e3c1a2b4",
            "hKzPqLmWvTrB",
            "S3cr3t.pw",
            "Wint3r!2024",
        ] {
            assert!(!is_code(v, false), "{v}");
        }
        assert!(!is_code("PhantomPinned", true));
        assert!(is_code("Pin::new(", true));
    }

    #[test]
    fn masked_and_encrypted() {
        for v in [
            "ENC[AES256_GCM,data:Tr7o=,iv:1=]",
            "$ANSIBLE_VAULT;1.1;AES256",
            "vault:v1:8SDd3WHDOjf7mq69Cy",
            "xoxp-…-####",
            "ab12****cd",
            "••••••••",
        ] {
            assert!(masked_or_encrypted(v), "{v}");
        }
        assert!(!masked_or_encrypted("Summer2024!"));
        let t = "[\n    574391322974006,\n    365590438845504,\n]";
        let s = t.find("3655").unwrap();
        assert!(in_number_list(t, s, s + 15));
        let t = "card 4539148803436467 exp 12/27";
        assert!(!in_number_list(t, 5, 21));
        assert!(published_example("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    }
}
