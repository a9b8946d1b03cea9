//! Secret validators: GitHub token CRC32, JWT header, PEM private-key structure, placeholders and
//! the entropy test that generic secrets must pass.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use super::{char_classes, shannon_entropy};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Base62 encoding of `n`, left-padded with `0` to `width` characters.
fn base62(mut n: u32, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Classic GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`): 30 random base62 characters and a
/// 6-character base62 CRC32 of them.
pub fn github_token_checksum(token: &str) -> bool {
    let Some(body) = token.get(4..) else { return false };
    if body.len() != 36 || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62(crc32fast::hash(random.as_bytes()), 6) == check
}

/// Builds a valid classic GitHub token from a 30-character body (used by tests and examples).
pub fn github_token_with_checksum(prefix: &str, random30: &str) -> String {
    format!("{prefix}{random30}{}", base62(crc32fast::hash(random30.as_bytes()), 6))
}

/// Decodes base64url with or without padding.
fn b64url(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    URL_SAFE_NO_PAD.decode(s).ok()
}

/// A JWT's header must decode to a JSON object with an `alg`, and its payload to a JSON object.
pub fn jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(sig)) = (parts.next(), parts.next(), parts.next()) else { return false };
    if parts.next().is_some() || sig.is_empty() {
        return false;
    }
    let header_ok = b64url(h)
        .and_then(|raw| serde_json::from_slice::<serde_json::Value>(&raw).ok())
        .is_some_and(|v| v.get("alg").is_some_and(|a| a.is_string()));
    let payload_ok = b64url(p).and_then(|raw| serde_json::from_slice::<serde_json::Value>(&raw).ok()).is_some_and(|v| v.is_object());
    header_ok && payload_ok
}

const LENIENT_STANDARD: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));

/// Checks that a PEM private-key body (the lines between BEGIN and END, possibly with literal `\n`
/// escapes and RFC 1421 headers) is base64 of a DER SEQUENCE or an OpenSSH key.
pub fn pem_private_key_body(body: &str) -> bool {
    let cleaned: String = body
        .replace("\\r", "\n")
        .replace("\\n", "\n")
        .lines()
        .filter(|l| !l.contains(':')) // Proc-Type / DEK-Info headers of encrypted PKCS#1 keys
        .flat_map(|l| l.chars())
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    if cleaned.len() < 64 {
        return false;
    }
    let raw = LENIENT_STANDARD.decode(&cleaned).or_else(|_| STANDARD_NO_PAD.decode(cleaned.trim_end_matches('=')));
    match raw {
        Ok(der) => der.first() == Some(&0x30) || der.starts_with(b"openssh-key-v1\0"),
        Err(_) => false,
    }
}

/// Values that are templates, placeholders or documentation examples rather than real secrets.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim_matches(|c: char| c == '"' || c == '\'' || c == '`');
    if v.is_empty() {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "example",
        "your",
        "xxxx",
        "placeholder",
        "redacted",
        "changeme",
        "change_me",
        "change-me",
        "dummy",
        "<",
        ">",
        "${",
        "{{",
        "%(",
        "insert",
        "replace",
        "todo",
        "fixme",
        "sample",
        "secret_here",
        "key_here",
        "token_here",
        "_here",
        "-here",
        "...",
        "…",
        "****",
        "####",
        "fake",
        "notreal",
        "not-real",
        "not_real",
    ];
    if MARKERS.iter().any(|m| lower.contains(m)) {
        return true;
    }
    if v.starts_with('$')
        || lower.starts_with("env:")
        || lower.starts_with("process.env")
        || lower.starts_with("os.environ")
        || lower.starts_with("os.getenv")
        || lower.starts_with("vault:")
        || lower.starts_with("ref+")
        || lower.starts_with("secretkeyref")
        || lower.starts_with("valuefrom")
    {
        return true;
    }
    // A value made of one repeated character (`aaaaaaaa`, `00000000`) is a template.
    let first = v.chars().next().unwrap_or(' ');
    v.chars().all(|c| c == first)
}

/// The entropy test for generic secrets: long enough, varied enough, and not a plain word.
pub fn looks_random(value: &str, min_len: usize) -> bool {
    value.len() >= min_len && shannon_entropy(value) >= 3.0 && char_classes(value) >= 2
}

/// True for a string of hex digits only (digests, git SHAs, UUID bodies).
pub fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_crc() {
        let t = github_token_with_checksum("ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123");
        assert_eq!(t.len(), 40);
        assert!(github_token_checksum(&t));
        let mut bad = t.clone();
        bad.replace_range(39..40, if t.ends_with('A') { "B" } else { "A" });
        assert!(!github_token_checksum(&bad));
        assert!(!github_token_checksum("ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"));
    }

    #[test]
    fn jwt_header() {
        let t = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert!(jwt(t));
        assert!(!jwt("eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig"));
        assert!(!jwt("a.b"));
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("<YOUR_API_KEY>"));
        assert!(is_placeholder("${DB_PASSWORD}"));
        assert!(is_placeholder("changeme"));
        assert!(is_placeholder("********"));
        assert!(!is_placeholder("Summer2024!"));
    }
}
