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

/// Decodes standard base64, padding optional.
pub fn base64_bytes(s: &str) -> Option<Vec<u8>> {
    LENIENT_STANDARD.decode(s.trim()).ok()
}

/// Decodes standard base64 (padding optional) to printable ASCII text, or `None`.
pub fn base64_text(s: &str) -> Option<String> {
    let raw = LENIENT_STANDARD.decode(s.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let text = text.trim_end_matches(['\n', '\r']).to_string();
    (!text.is_empty() && text.bytes().all(|b| (0x20..0x7f).contains(&b))).then_some(text)
}

/// `user:password` encoded in base64 (HTTP Basic, docker `auths`, npm `_auth`): the password part,
/// when the value decodes to one.
pub fn basic_credentials(s: &str) -> Option<(String, String)> {
    let text = base64_text(s)?;
    let (user, pw) = text.split_once(':')?;
    (!user.is_empty() && !pw.is_empty()).then(|| (user.to_string(), pw.to_string()))
}

/// A Discord bot token's first segment is the bot's user id (a 17–20 digit snowflake) in base64.
pub fn discord_snowflake(first_segment: &str) -> bool {
    b64url(first_segment).is_some_and(|raw| (17..=20).contains(&raw.len()) && raw.iter().all(u8::is_ascii_digit) && raw[0] != b'0')
}

/// OpenPGP CRC-24 (RFC 4880 §6.1), the armor checksum.
fn crc24(data: &[u8]) -> u32 {
    let mut crc: u32 = 0xB7_04CE;
    for &b in data {
        crc ^= (b as u32) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x186_4CFB;
            }
        }
    }
    crc & 0xFF_FFFF
}

/// How sure we are that an ASCII-armored `PGP PRIVATE KEY BLOCK` body is a secret key: `Some(true)`
/// when it decodes to a secret-key packet (tag 5 or 7) and the `=XXXX` CRC-24 line, if any, matches;
/// `Some(false)` when it is only a long base64 body; `None` for placeholders and short bodies.
pub fn pgp_private_key_body(body: &str) -> Option<bool> {
    let body = body.replace("\\r", "\n").replace("\\n", "\n");
    let mut b64 = String::new();
    let mut crc_line = None;
    for line in body.lines().map(str::trim) {
        if line.contains(':') || line.is_empty() {
            continue; // armor headers (`Version:`, `Comment:`)
        }
        if let Some(c) = line.strip_prefix('=') {
            if c.len() == 4 {
                crc_line = Some(c.to_string());
                continue;
            }
        }
        b64.extend(line.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')));
    }
    if b64.len() < 64 || is_placeholder(&b64) {
        return None;
    }
    let Ok(raw) = LENIENT_STANDARD.decode(&b64) else { return Some(false) };
    let first = raw.first().copied().unwrap_or(0);
    let tag = match first & 0xC0 {
        0xC0 => first & 0x3F,
        0x80 => (first >> 2) & 0x0F,
        _ => 0,
    };
    let crc_ok = crc_line
        .and_then(|c| LENIENT_STANDARD.decode(c).ok())
        .is_none_or(|c| c.len() == 3 && crc24(&raw) == (c[0] as u32) << 16 | (c[1] as u32) << 8 | c[2] as u32);
    Some(matches!(tag, 5 | 7) && crc_ok)
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
    // `[PASSWORD]`, `%DB_PASSWORD%`: a bracketed name or a Windows environment reference.
    if let Some(open) = v.find('[') {
        if let Some(len) = v[open + 1..].find(']') {
            let inner = &v[open + 1..open + 1 + len];
            if inner.len() >= 3 && inner.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
                return true;
            }
        }
    }
    if v.len() > 2 && v.starts_with('%') && v.ends_with('%') {
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

/// A bech32 string (BIP 173) whose checksum holds, either case throughout: age secret keys
/// (`AGE-SECRET-KEY-1…`) are bech32 with the human-readable part `age-secret-key-`.
pub fn bech32_checksum(s: &str) -> bool {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GEN: [u32; 5] = [0x3B6A_57B2, 0x2650_8E6D, 0x1EA1_19FA, 0x3D42_33DD, 0x2A14_62B3];
    if s.bytes().any(|b| b.is_ascii_lowercase()) && s.bytes().any(|b| b.is_ascii_uppercase()) {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    let Some(sep) = lower.rfind('1') else { return false };
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if hrp.is_empty() || data.len() < 6 {
        return false;
    }
    let mut values: Vec<u32> = hrp.bytes().map(|b| u32::from(b >> 5)).collect();
    values.push(0);
    values.extend(hrp.bytes().map(|b| u32::from(b & 31)));
    for b in data.bytes() {
        match CHARSET.iter().position(|&c| c == b) {
            Some(i) => values.push(i as u32),
            None => return false,
        }
    }
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01FF_FFFF) << 5) ^ v;
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk == 1
}

/// True for a string of hex digits only (digests, git SHAs, UUID bodies).
pub fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bech32_age_key() {
        // Drawn by agent/detect/scripts/vendor_examples.py (seed 12); not a real key.
        let k = "AGE-SECRET-KEY-1D9N99H5A8P9D2HZCCL5VJSH4FYR6QRJXRXLK3XWDUD2GTXE8J5MS2KWW0J";
        assert!(bech32_checksum(k));
        assert!(bech32_checksum(&k.to_ascii_lowercase()));
        assert!(!bech32_checksum(&k.replace("D9N", "D9P")));
        assert!(!bech32_checksum("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"));
        assert!(!bech32_checksum("age-SECRET-key-1D9N99H5A8P9D2HZCCL5VJSH4FYR6QRJXRXLK3XWDUD2GTXE8J5MS2KWW0J"));
    }

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
