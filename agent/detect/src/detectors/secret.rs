//! SECRET family: vendor credentials with recognisable formats, PEM private keys, JWTs, connection
//! strings, and the keyed detectors for passwords and generic secrets.

use super::keyed::KeyedSpec;
use super::{damp_negative, Candidate, RuleSpec};
use crate::context::Ctx;
use crate::document::Document;
use crate::entity::EntityType;
use crate::validate::code;
use crate::validate::secret::{
    base64_bytes, base64_text, basic_credentials, bech32_checksum, discord_snowflake, github_token_checksum, is_hex, is_placeholder, jwt,
    looks_random, pem_private_key_body, pgp_private_key_body,
};
use crate::validate::{char_classes, shannon_entropy};

/// A token is bounded when no token character touches it on either side.
fn token_bounded(doc: &Document<'_>, c: &Candidate) -> bool {
    let tok = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    !tok(doc.byte_before(c.start)) && !tok(doc.byte_at(c.end))
}

/// Shared check for vendor tokens: bounded, not a placeholder, random-looking body.
fn vendor(doc: &Document<'_>, c: &mut Candidate, score: f32) -> Option<f32> {
    let v = c.value(doc);
    if !token_bounded(doc, c) || is_placeholder(v) || shannon_entropy(v) < 3.0 || counting_run(v) {
        return None;
    }
    Some(damp_negative(doc, c.start, score))
}

/// A run of six counting characters (`123456`, `abcdef`, `klmnop`): typed by a person writing an
/// example, not drawn by a key generator (a random 40-character token holds one about once in ten
/// million).
fn counting_run(v: &str) -> bool {
    v.as_bytes().windows(6).any(|w| w.windows(2).all(|p| p[1] == p[0] + 1))
}

fn check_vendor(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    vendor(doc, c, 0.95)
}

fn check_aws_access_key(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if v.contains("EXAMPLE") {
        return None;
    }
    vendor(doc, c, 0.97)
}

fn check_github(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if v.starts_with("github_pat_") {
        return vendor(doc, c, 0.97);
    }
    if !token_bounded(doc, c) || !github_token_checksum(v) {
        return None;
    }
    Some(0.99)
}

fn check_jwt(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    if !token_bounded(doc, c) || !jwt(c.value(doc)) {
        return None;
    }
    Some(0.97)
}

fn check_pem(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let body_start = v.get(5..)?.find("-----").map(|i| i + 10)?;
    let body_end = v.rfind("-----END").unwrap_or(v.len());
    let body = v.get(body_start..body_end)?;
    // OpenPGP armor: a secret-key packet with its CRC-24, or at least a long base64 body.
    if v.starts_with("-----BEGIN PGP ") {
        let sure = pgp_private_key_body(body)?;
        return Some(if sure { 0.99 } else { 0.85 });
    }
    if !pem_private_key_body(body) {
        return None;
    }
    // A block without END (a truncated paste) is still a key, but say we are less sure.
    Some(if v.contains("-----END") { 0.99 } else { 0.9 })
}

/// Slack tokens: the numeric team/user segments may repeat digits (`xoxa-2-511111111-…`); the
/// last segment is the random part and carries the entropy.
fn check_slack(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let last = v.rsplit('-').next().unwrap_or(v);
    if !token_bounded(doc, c) || is_placeholder(v) || last.len() < 8 || shannon_entropy(last) < 2.8 {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.95))
}

fn check_slack_webhook(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if is_placeholder(v) || v.matches('/').count() < 6 {
        return None;
    }
    Some(0.98)
}

fn check_azure_storage(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let tok = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if tok(doc.byte_before(c.start)) || tok(doc.byte_at(c.end)) || !looks_random(v, 80) || char_classes(v) < 3 {
        return None;
    }
    // A SHA-512 digest is 88 base64 characters too: subresource-integrity strings, lockfiles.
    let before = &doc.text[doc.line_start(c.start)..c.start].to_ascii_lowercase();
    if before.ends_with("sha512-")
        || before.ends_with("sha512:")
        || before.contains("integrity")
        || before.contains("checksum")
        || before.contains("digest")
        || before.contains("hash")
        || before.contains("csrf")
        || before.contains("xsrf")
    {
        return None;
    }
    let azure = doc.before(c.start, Ctx::Azure, 120) || doc.before(c.start, Ctx::SecretKey, 48);
    Some(damp_negative(doc, c.start, if azure { 0.97 } else { 0.8 }))
}

fn check_generic_vendor(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    vendor(doc, c, 0.92)
}

/// Vendor tokens of the long tail; age keys must also hold their bech32 checksum.
fn check_vendor_prefixed(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if v.starts_with("AGE-SECRET-KEY-1") {
        return (token_bounded(doc, c) && bech32_checksum(v)).then_some(0.99);
    }
    // A file name is not a token (`video_box.ico-7a38….png`).
    if doc.byte_before(c.start) == Some(b'.') || doc.text[c.end..].starts_with(".png") || doc.text[c.end..].starts_with(".js") {
        return None;
    }
    // A run of `A`s opens every Twitter bearer token: judge the random part.
    let body = v.trim_start_matches('A');
    if body.len() < 20 || shannon_entropy(body) < 3.0 || char_classes(body) < 2 && !is_hex(body) {
        return None;
    }
    vendor(doc, c, 0.9)
}

/// Signed URLs and webhooks: an Azure SAS needs its service version (`sv=`) too.
fn check_signed_url(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let sas = v.contains("core.windows.net") || v.contains("&sig=");
    if is_placeholder(v) || sas && !(v.contains("sv=20") && (v.contains("sp=") || v.contains("sr=") || v.contains("ss="))) {
        return None;
    }
    let secret = v.rsplit(['/', '=']).find(|s| !s.is_empty()).unwrap_or("");
    if shannon_entropy(v) < 3.0 || secret.bytes().all(|b| b == b'x' || b == b'0') {
        return None;
    }
    Some(0.95)
}

fn check_sidekiq(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    (!is_placeholder(v) && shannon_entropy(v) >= 2.5).then_some(0.9)
}

/// Telegram bot tokens: `<bot id>:<35 chars>`; the id must not be a time or a port.
fn check_telegram(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let (_, secret) = v.split_once(':')?;
    if !looks_random(secret, 30) || char_classes(secret) < 3 || is_placeholder(secret) {
        return None;
    }
    // The Bot API puts the token right after `/bot` in its URLs.
    if doc.text[..c.start].ends_with("/bot") && !doc.byte_at(c.end).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        return Some(0.9);
    }
    vendor(doc, c, 0.85)
}

/// Connection strings must carry a credential that is not a placeholder.
fn check_uri_dsn(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let mut v = c.value(doc);
    // Trailing punctuation that ends a sentence or a quoted string is not part of the DSN.
    while let Some(last) = v.chars().last() {
        if matches!(last, '.' | ',' | ')' | ']' | '}' | '>' | ';' | '\\') {
            c.end -= last.len_utf8();
            v = &v[..v.len() - last.len_utf8()];
        } else {
            break;
        }
    }
    let scheme_end = v.find("://")?;
    let rest = &v[scheme_end + 3..];
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let password = if let Some(at) = authority.rfind('@') {
        let userinfo = &authority[..at];
        userinfo.split_once(':').map(|(_, p)| p)
    } else {
        None
    };
    let query_pw = v.to_ascii_lowercase().find("password=").map(|i| {
        let tail = &v[i + 9..];
        tail.split(['&', ';', ' ']).next().unwrap_or("")
    });
    let pw = password.or(query_pw)?;
    if pw.is_empty() || is_placeholder(pw) || matches!(pw.to_ascii_lowercase().as_str(), "password" | "pass" | "pwd" | "secret") {
        return None;
    }
    let host = authority.rsplit('@').next().unwrap_or("");
    if host.eq_ignore_ascii_case("HOST") || host.starts_with("HOST:") {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.96))
}

fn check_kv_dsn(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let lower = v.to_ascii_lowercase();
    let i = lower.find("password=").map(|i| i + 9).or_else(|| lower.find("pwd=").map(|i| i + 4))?;
    let pw = v[i..].split(';').next().unwrap_or("").trim();
    if pw.is_empty() || is_placeholder(pw) {
        return None;
    }
    // Trim a trailing `;` that only closes the string.
    let trimmed = v.trim_end_matches([';', ' ']);
    c.end = c.start + trimmed.len();
    Some(0.95)
}

pub static RULES: &[RuleSpec] = &[
    RuleSpec {
        id: "secret.private_key",
        entity: EntityType::PrivateKey,
        pattern: r#"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s\\:,."'-]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s\\:,-]{64,})"#,
        anchors: &["-----begin"],
        check: check_pem,
        tp: &["-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+LQmlQ\nYx2eqzDV+xeG8kx/sQFV18S5JhzGeIJNA72wSeukEPojtqUyX2J0CciPBh7eqclQ\n-----END PRIVATE KEY-----",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlFgEaxPhzBYJKwYBBAHaRw8BAQdAkcE9TzueiNMeMnSU/MTDE4uCkOe7CQUrtUQ2\nOHO09gUAAPkBqsmwblVc7X6xWQ/0zuuK1X5kvec5OGnquEnEFOxlvRL9tBhUZXN0\nIEtleSA8dEBleGFtcGxlLm9yZz6IkAQTFggAOBYhBG48uga2XeBUfJbl2HKWo7Yc\n8o8pBQJrE+HMAhsDBQsJCAcCBhUKCQgLAgQWAgMBAh4BAheAAAoJEHKWo7Yc8o8p\nlrEBAKPudS/ziQTz0ULmJ804r+yLWNazJxcdguywTeCqtID6AP4xG3Rp0h0gDZtt\nxO9thib4SSTXmbYvAxaNDGAuWzEsCw==\n=6qAi\n-----END PGP PRIVATE KEY BLOCK-----"],
        fp: &["-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEaxPhzBYJKwYBBAHaRw8BAQdAkcE9TzueiNMeMnSU/MTDE4uCkOe7CQUrtUQ2OHO09gU=\n-----END PGP PUBLIC KEY BLOCK-----",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\n...\n-----END PGP PRIVATE KEY BLOCK-----",
            "-----BEGIN PRIVATE KEY-----\n...your key here...\n-----END PRIVATE KEY-----"],
    },
    RuleSpec {
        id: "secret.aws_access_key",
        entity: EntityType::AwsAccessKey,
        pattern: r"(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}",
        anchors: &["akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "anpa", "anva", "aipa"],
        check: check_aws_access_key,
        tp: &["aws_access_key_id = AKIAT4SYWB5WKH7DNSIP"],
        fp: &["AKIAIOSFODNN7EXAMPLE", "AKIAXXXXXXXXXXXXXXXX"],
    },
    RuleSpec {
        id: "secret.github_token",
        entity: EntityType::GithubToken,
        pattern: r"gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        anchors: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        check: check_github,
        tp: &["token: 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", "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",
            "GH_TOKEN=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"],
        fp: &["ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", "ghp_Ky9Pf34qY6Nb3wWD25RQ4F5ZR3qa7y3gm1IM"],
    },
    RuleSpec {
        id: "secret.gitlab_token",
        entity: EntityType::GitlabToken,
        pattern: r"(?:glpat|glrt)-[A-Za-z0-9_-]{27,300}\.[0-9a-z]{9}|(?:glpat|gldt|glrt|glcbt|glffct|glsoat|glft)-[A-Za-z0-9_-]{20,40}|glimt-[A-Za-z0-9_-]{25}|glagent-[A-Za-z0-9_-]{50}|GR1348941[A-Za-z0-9_-]{20}|glptt-[0-9a-f]{40}|gloas-[A-Za-z0-9_-]{64}",
        anchors: &["glpat-", "gldt-", "glrt-", "glptt-", "gloas-", "glcbt-", "glffct-", "glsoat-", "glft-", "glimt-", "glagent-", "gr1348941"],
        check: check_vendor,
        tp: &["GITLAB_TOKEN=glpat-6j5IXAAjlsHUqJoUD-_Y",
            "glpat-Qm7x2Lk9pR4tW8zB3nC6yH1jD5fG0aEvY.01.0j3kq8z2m",
            "feed token glft-Xk9pQ2mL7vR4tW8zB3nC",
            "incoming email glimt-Xk9pQ2mL7vR4tW8zB3nC6yH1j",
            "glagent-Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aEvY7uI3oP9aS2dF6gHj",
            "runner registration GR1348941Xk9pQ2mL7vR4tW8zB3nC"],
        fp: &["glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-<your-token-here>"],
    },
    RuleSpec {
        id: "secret.slack_token",
        entity: EntityType::SlackToken,
        pattern: r"xox[baprse]-[0-9]{6,14}-[0-9A-Za-z-]{8,200}|xox[ar]-2-[0-9A-Za-z-]{20,200}|xapp-[0-9]-[A-Z0-9]{6,14}-[0-9]{6,14}-[a-z0-9]{20,80}|xoxe\.xox[bp]-[0-9]-[A-Za-z0-9-]{40,200}|xoxe-[0-9]-[A-Za-z0-9-]{40,200}",
        anchors: &["xox", "xapp-"],
        check: check_slack,
        tp: &["SLACK_BOT_TOKEN=xoxb-020776426565-1505561304451-zy3Lex7BWr2drgd1QsO7jprB",
            "SLACK_TOKEN=xoxa-2-511111111-31111111111-3111111111111-e039d02840a0b9379c1b6f2e6c7d3a91"],
        fp: &["xoxb-your-token-here", "xoxb-000000000000-0000000000000-xxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    RuleSpec {
        id: "secret.slack_webhook",
        entity: EntityType::SlackWebhook,
        pattern: r"https?://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,120}",
        anchors: &["hooks.slack.com"],
        check: check_slack_webhook,
        tp: &["url: https://hooks.slack.com/services/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",
            "http://hooks.slack.com/services/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"],
        fp: &["https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"],
    },
    RuleSpec {
        id: "secret.stripe_key",
        entity: EntityType::StripeKey,
        pattern: r"(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{20,247}",
        anchors: &["sk_live_", "rk_live_", "sk_test_", "rk_test_", "sk_prod_", "rk_prod_"],
        check: check_vendor,
        tp: &["Stripe.api_key = 'sk_live_OzdmenCkhvMdgaKjIg8xNbe3'", "STRIPE_KEY=rk_prod_51HqLmP2kR9vT4nW8zB3cY6hJ"],
        fp: &["pk_live_OzdmenCkhvMdgaKjIg8xNbe3", "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx", "cus_OzdmenCkhvMdga"],
    },
    RuleSpec {
        id: "secret.openai_api_key",
        entity: EntityType::OpenaiApiKey,
        pattern: r"sk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{16,160}T3BlbkFJ[A-Za-z0-9_-]{16,160}|sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,200}",
        anchors: &["sk-"],
        check: check_vendor,
        tp: &["OPENAI_API_KEY=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",
            "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"],
        fp: &["sk-...your-key-here", "sk-proj-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    RuleSpec {
        id: "secret.anthropic_api_key",
        entity: EntityType::AnthropicApiKey,
        pattern: r"sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_-]{80,120}",
        anchors: &["sk-ant-"],
        check: check_vendor,
        tp: &["ANTHROPIC_API_KEY=sk-ant-api03-J59FHz5r1pY4OjE2jBMptUsGr7CmY_uCu3ZR1zTOlUcR64cXQLioDnkHIfxIq2HZt-PlJhx2jIclHkCiHp6bR1IqfEouHAA"],
        fp: &["sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxAA"],
    },
    RuleSpec {
        id: "secret.google_api_key",
        entity: EntityType::GoogleApiKey,
        pattern: r"AIza[0-9A-Za-z_-]{35}",
        anchors: &["aiza"],
        check: check_vendor,
        tp: &["const key = \"AIzagxzNNAL5wIScGebcy8F5n3-YNBDRzrZSgqb\";"],
        fp: &["AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
    },
    RuleSpec {
        id: "secret.azure_storage_key",
        entity: EntityType::AzureKey,
        pattern: r"[A-Za-z0-9+/]{86}==",
        anchors: &["=="],
        check: check_azure_storage,
        tp: &["DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=jG3uhkWKFLf6xuI5aHUQPFeNBTxaQWk8JzFalHlsZfYcMMDktXP/tKsf2rcDkdfrUnW5gcF+Ha6ili8GjHEAD6==;EndpointSuffix=core.windows.net"],
        fp: &["AccountKey=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="],
    },
    RuleSpec {
        id: "secret.azure_entra_secret",
        entity: EntityType::AzureKey,
        pattern: r"[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}",
        anchors: &["q~"],
        check: check_vendor,
        tp: &["client_secret: F2y8Q~j9KfzjsQGMrb9h_ImB_LK777pzNk8cL"],
        fp: &["abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    RuleSpec {
        id: "secret.jwt",
        entity: EntityType::Jwt,
        pattern: r"ey[A-Za-z0-9_-]{8,}\.ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        anchors: &["eyj", "eyi", "ewog"],
        check: check_jwt,
        tp: &["Authorization: Bearer eyJhbGciOiAiUlMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAidS0xMDI5IiwgImVtYWlsIjogIm1hcmlhLnJvc3NpQGxpYmVyby5pdCIsICJpYXQiOiAxNzE2MDAwMDAwfQ.yD7CHLn-xC_1hsYgBds1ghxY5OokvQyx7eNWVQ4vnak"],
        fp: &["eyJmb28iOiJiYXIifQ.eyJzdWIiOiIxMjM0NTY3ODkwIn0.notasignaturebutlong"],
    },
    RuleSpec {
        id: "secret.connection_uri",
        entity: EntityType::ConnectionString,
        pattern: r#"(?i)(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|clickhouse|cockroachdb|couchbases?|neo4j(?:\+s)?|bolt|nats|kafka|ldaps?|smtps?|ftps?|sftp|jdbc:[a-z0-9]+(?::[a-z0-9]+)?|postgresql\+[a-z0-9]+|mysql\+[a-z0-9]+)://[^\s'"`<>]{4,512}"#,
        anchors: &["://"],
        check: check_uri_dsn,
        tp: &["DATABASE_URL=postgres://app:S3cr3t!pw@db.internal:5432/orders",
            "mongodb+srv://svc:Qx7hPz2kLm@cluster0.ab1cd.mongodb.net/prod?retryWrites=true",
            "jdbc:postgresql://db01:5432/sales?user=etl&password=Tr0ub4dor3"],
        fp: &["postgres://USER:PASSWORD@HOST:5432/DBNAME", "mysql://root@127.0.0.1/test", "redis://localhost:6379/0",
            "postgres://user:${DB_PASSWORD}@db:5432/app"],
    },
    RuleSpec {
        id: "secret.connection_kv",
        entity: EntityType::ConnectionString,
        pattern: r#"(?i)(?:(?:Server|Data Source|Host|Address|Addr|Network Address|Driver|Provider|DSN|Database|Initial Catalog|User ID|UID|User Id|Username|User|Port|Encrypt|TrustServerCertificate|Integrated Security|Persist Security Info|MultipleActiveResultSets|Connection Timeout|SslMode|Trusted_Connection|Dbq|DefaultEndpointsProtocol|AccountName)\s*=\s*(?:\{[^}\r\n]*\}|[^;"'\r\n]*);\s*)+(?:[A-Za-z_ ]{1,40}=\s*(?:\{[^}\r\n]*\}|[^;"'\r\n]*);\s*)*?(?:Password|Pwd)\s*=\s*(?:\{[^}\r\n]*\}|[^;"'\r\n]+)(?:;\s*[A-Za-z_ ]{1,40}=\s*(?:\{[^}\r\n]*\}|[^;"'\r\n]*))*;?"#,
        anchors: &["password=", "pwd=", "password =", "pwd ="],
        check: check_kv_dsn,
        tp: &["Server=tcp:sql01.corp.local,1433;Database=Payroll;User ID=svc_payroll;Password=Wint3r!2024;Encrypt=True;",
            "Driver={ODBC Driver 18 for SQL Server};Server=10.2.3.4;Uid=report;Pwd=K8s#pq11;"],
        fp: &["Server=myServerAddress;Database=myDataBase;User Id=myUsername;Password=<password>;"],
    },
    RuleSpec {
        id: "secret.vendor_token",
        entity: EntityType::GenericSecret,
        pattern: r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}|key-[0-9a-f]{32}|npm_[A-Za-z0-9]{36}|pypi-AgE[A-Za-z0-9_-]{50,}|hv[sb]\.[A-Za-z0-9_-]{24,}|shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}|dckr_pat_[A-Za-z0-9_-]{27}|sntr[ysu]s?_[A-Za-z0-9+/=_-]{40,}|whsec_[A-Za-z0-9+/=]{24,}|SK[0-9a-f]{32}|dop_v1_[a-f0-9]{64}|xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}|lin_api_[A-Za-z0-9]{40}|NRAK-[A-Z0-9]{27}|glc_[A-Za-z0-9+/]{32,}=*|FLWSECK-[a-f0-9]{32}-X|pscale_tkn_[A-Za-z0-9_.-]{32,}|tfp_[A-Za-z0-9_.-]{40,}|EAA[A-Za-z0-9]{100,}|ya29\.[A-Za-z0-9_-]{30,}|AC[0-9a-f]{32}:[0-9a-f]{32}|hf_[A-Za-z]{34}|api_org_[A-Za-z]{34}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}|ntn_[0-9]{11}[A-Za-z0-9]{35}|fo1_[A-Za-z0-9_-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}|sha256~[A-Za-z0-9_-]{43}|ATATT3[A-Za-z0-9_=-]{186}|v1\.0-[a-f0-9]{24}-[a-f0-9]{146}",
        anchors: &["sg.", "key-", "npm_", "pypi-", "hvs.", "hvb.", "shpat_", "shpca_", "shppa_", "shpss_", "dckr_pat_", "sntr",
            "whsec_", "sk", "dop_v1_", "xkeysib-", "lin_api_", "nrak-", "glc_", "flwseck-", "pscale_tkn_", "tfp_", "eaa", "ya29.",
            "hf_", "api_org_", "glsa_", "sgp_", "ntn_", "fo1_", "fm1", "fm2_", "sha256~", "atatt3", "v1.0-"],
        check: check_generic_vendor,
        tp: &["SENDGRID_API_KEY=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",
            "//registry.npmjs.org/:_authToken=npm_PTt9iOqHOBSWhgetH8LmyqoYMaaItDr9uP14",
            "huggingface-cli login --token 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",
            "Authorization: Bearer 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",
            "GRAFANA_TOKEN=glsa_Y7kPq2RmX9vL4nB8wZ3cT6hJ1sD5fG0a_3fa8c91e",
            "SRC_ACCESS_TOKEN=sgp_a1b2c3d4e5f60718_9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5",
            "NOTION_TOKEN=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",
            "FLY_API_TOKEN=fo1_eg8Psh4487Q7j58M1cIaHZcUEqPbENqTyH5xJ8tpqXJ",
            "oc login --token=sha256~Q4I9dOv8GZ4fKq1OKtbgZVaMWUFuXBVjdctBYVhnSg9",
            "CF_ORIGIN_CA_KEY=v1.0-a4c123b1612dd272d1371c17-149d439536b3216fdaeeb975729fae923d5a4fd12aabfe228f219e9cb0eb53f16947ccf25ec84d8dbc74254770f58904dba41ecccc3fc1626e53a13043b026c48bbf33feff9243a8f5",
            "ATLASSIAN_API_TOKEN=ATATT3hBN88hXJsi6BwhTp3Fs2QhX6KWxOiixgVoOnzyw2MzP0ZvzOMhfWuBByReQMsm9Wcz7uW9XFOGOeMVNen5n1Ae6pWzpF1qH6YytwMe4LbyoVFz8uZdZv8FuKKIBJl5dzpJn0meq7WJjjIBAzupGhv7Ib3M03NBQNSgPwlUQia1ID6vW5dq=D440E50"],
        fp: &["key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "npm_install_dependencies_for_the_project_now", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sha256~XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
    },
    RuleSpec {
        // The long tail of vendor formats: each a fixed prefix with its alphabet and length
        // (DigitalOcean, Dynatrace, Doppler, Postman, Prefect, Pulumi, ReadMe, RubyGems, New Relic,
        // Heroku v2, Databricks, Clojars, Flutterwave, Frame.io, Infracost, Shippo, Square,
        // SettleMint, Perplexity, Duffel, EasyPost, PlanetScale, Twitter bearer, Yandex Cloud,
        // 1Password service-account and secret keys, age (bech32 checksum), Airtable, Harness,
        // Sentry user tokens, Grafana API keys, Scalingo, Plaid, Lob, Adobe, Alibaba, Artifactory,
        // 42 intra, Bedrock, Mailchimp, Bitbucket Data Center, Rootly, CircleCI). Examples drawn by
        // agent/detect/scripts/vendor_examples.py with a fixed seed.
        id: "secret.vendor_prefixed",
        entity: EntityType::GenericSecret,
        pattern: r"doo_v1_[a-f0-9]{64}|dor_v1_[a-f0-9]{64}|dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}|dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_-]{1,40}\.)?[A-Za-z0-9]{40,44}|PMAK-[a-f0-9]{24}-[a-f0-9]{34}|pnu_[A-Za-z0-9]{36}|pul-[a-f0-9]{40}|rdme_[a-z0-9]{70}|rubygems_[a-f0-9]{48}|NRII-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19}|HRKU-AA[A-Za-z0-9_-]{58}|dapi[a-f0-9]{32}(?:-[0-9])?|CLOJARS_[a-z0-9]{60}|FLWSECK_TEST-[a-fA-F0-9]{12}(?:[a-fA-F0-9]{20}-X)?|fio-u-[A-Za-z0-9_=-]{64}|ico-[A-Za-z0-9]{32}|shippo_(?:live|test)_[a-f0-9]{40}|sq0(?:atp|csp)-[A-Za-z0-9_-]{22,60}|sm_(?:pat|aat|sat)_[A-Za-z0-9]{16}|pplx-[A-Za-z0-9]{48}|duffel_(?:test|live)_[A-Za-z0-9_=-]{43}|EZ[AT]K[A-Za-z0-9]{54}|pscale_(?:pw|oauth)_[A-Za-z0-9_.=-]{32,64}|A{22}[A-Za-z0-9%]{60,120}|t1\.[A-Za-z0-9_-]+={0,2}\.[A-Za-z0-9_-]{86}={0,2}|AQVN[A-Za-z0-9_-]{35,38}|ops_eyJ[A-Za-z0-9+/]{250,}={0,3}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}|AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}|pat[A-Za-z0-9]{14}\.[a-f0-9]{64}|(?:pat|sat)\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}|sntryu_[a-f0-9]{64}|eyJrIjoi[A-Za-z0-9]{70,400}={0,3}|tk-us-[A-Za-z0-9_-]{48}|access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?:live|test)_[a-f0-9]{35}|p8e-[A-Za-z0-9]{32}|LTAI[A-Za-z0-9]{20}|AKCp[A-Za-z0-9]{69}|s-s4t2(?:ud|af)-[a-f0-9]{64}|ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{100,270}={0,2}|[a-f0-9]{32}-us[0-9]{1,2}|BBDC-[A-Za-z0-9+/]{40,48}={0,2}|rootly_[a-f0-9]{64}|CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}",
        anchors: &["doo_v1_", "dor_v1_", "dt0c01.", "dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit.", "pmak-", "pnu_", "pul-", "rdme_", "rubygems_", "nrii-", "nrjs-", "hrku-aa", "dapi", "clojars_", "flwseck_test-", "fio-u-", "ico-", "shippo_", "sq0atp-", "sq0csp-", "sm_pat_", "sm_aat_", "sm_sat_", "pplx-", "duffel_", "ezak", "eztk", "pscale_pw_", "pscale_oauth_", "aaaaaaaaaaaaaaaaaaaaaa", "t1.", "aqvn", "ops_eyj", "a3-", "age-secret-key-1", "pat", "sat.", "sntryu_", "eyjrijoi", "tk-us-", "access-", "live_", "test_", "p8e-", "ltai", "akcp", "s-s4t2", "abskqmvkcm9ja0fqsutles", "-us", "bbdc-", "rootly_", "ccipat_"],
        check: check_vendor_prefixed,
        tp: &["doo_v1_f8b4c0bf8e704eb5a6162ac20172de3d4a5152cdffc0268bbc9387abb50cd107",
            "dt0c01.1CYNG9OLERC1R5WD63XNVS34.4PK39XLMOARVLPA6CPHX86JBURHO7645WQ2K2SCRV62NS7QBABI9R0IPM14D9QC0",
            "dp.st.prd.BLf5zYmLJwxOVyKkbSTj5bZc5e6AImY7yYgTwmtr7YS",
            "PMAK-f36c72dba2a42995db506fef-51ae7a370bb86d974a5ec7ee17dce139b0",
            "pnu_uXF5xOtkiEoZIiqFcBZxsA7OMsy03Y5Mujiq",
            "pul-1cdd8adcfcc5568381b949609105656965903bf6",
            "rdme_2g7aiz65s3wy07brbj5xg19zxeiwdog1fdapbhbo4n3v18upzfvdxjth5iramoh41vzuvy",
            "rubygems_fa6b27ac84e88ad33f5b48ca9bbae25c6abb49aac1a2385f",
            "NRII-lNv4DKiDyzJpBx9N6q9Y47XUIzE_RTZN",
            "HRKU-AArdjLXL9t1OwH20gsg5oNFuApW_NlysDWGUyqAnEHe4n_xh3Mc-XTZkj6Zb",
            "dapibd40a28979d8c219b9b2313424455b7c",
            "CLOJARS_bjs33ukqas11nkbwwsg5x0wuct879at9uidup8nhfel1vrc1oxuvdu4noeg4",
            "FLWSECK_TEST-f56eca645fe436d6582afe2dc655425a-X",
            "fio-u-vfD8_rul6Dt-sJFHGkYuId2f5qz3xhcbpsZMAl4lwLiuZdQbtnkbIVHMTpv4m30V",
            "ico-8r6xgguroSu48qXXEEvahfzakoC7FRI3",
            "shippo_live_cc225e5e997106afca542d42ac0ae8b29aa03ad7",
            "sq0atp-Iyh1rAbDLngscVlVAw3plk",
            "sq0csp-T9xrw-R2mxtN4ohd8hgEObNv11jQpf_mh82N9-2F8Zq",
            "sm_pat_OmLa8DXvkUoZErHM",
            "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",
            "duffel_live_G0K5R63iappeszhdp3X4d5XfwShzZnIJWyYAOFnuA_6",
            "EZAK4X2mWkOhIdfXKjBYWXyxhGyM1JFNQBdRojrZEChR8ZvsanpSGANN0i",
            "pscale_pw_leZdJNDtfb59fSmbwJ_wr_Ven6UOYC1OoCL8rYMsiDi",
            "AAAAAAAAAAAAAAAAAAAAAAYmVjX3LAht27hSL19grBEJRj%3DPpu9Am58TBlRRl2IMV5pqts53DqFirj3430HmHVomMNuaaK3WM",
            "t1.p66wV8pNr2Z1_VPU7NSb7wJ5dSq1UusOl3CrMJ0a.lC2-GnBW9J4TCnPku5p39er8-2XCED7M0HpZXReAkbHlvDnf9DJcIa2UybROfdS16-c63GXtd4VY0qURqbVBhH",
            "AQVNMCnJubPgirGWcj0UGmCG7j2UvPXg-e3LobTm",
            "ops_eyJzaWduSW5BZGRyZXNzIjoibXkuMXBhc3N3b3JkLmNvbSIsInVzZXJBdXRoIjp7Im1ldGhvZCI6IlNSUGctNDA5NiJ9LCJzZWNyZXQiOiJRMHd0MXFWVDRkczVRb0pUdkp0QWZ6MVByUHdncWZKSEZnM1RmYXZEMVFZY2VHQ1dhSnVQVm12S2UzNVdpRWtDMnZFWjV5VnZsQmJLazRNVGhvZXh5U2RmdERPQ283WWhxRHhxejQyMmRsWnNnVG1KTFdxR1VRdFI3ak1tUTZ3b0tweGRBVEhZZ2NRM2hqRkdFcUt1NkZHWVpxMm9IMXFwZ1k3ZTdRbjdIbDNJdXd2QmF5aUwifQ",
            "A3-C5XM2R-ZII43L-LUTGH-G8S49-HWG6B-LVWSS",
            "AGE-SECRET-KEY-1D9N99H5A8P9D2HZCCL5VJSH4FYR6QRJXRXLK3XWDUD2GTXE8J5MS2KWW0J",
            "patXWkZhdIZkpFiRd.2e6e5c354ba6025bbd854077e482b10af2c4288be395399e408352ded510668c",
            "pat.KWHgwcfN9ksqiQVGQJYXoK.nBQsvLOp6xZSHEjzdleQ0iX7.SWUNieLHaQcXNZa8A4w3",
            "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",
            "eyJrIjoiqHJmBoyPGuFcIpTAgNGeQ4Ffk8nbHtqvJRSfanM0p6ZdFguvGxrR08COjviozeSeM3K3Dxxo",
            "tk-us-vDZdFTz05WorUCtyYxxVEos_G8mhUpyKgzyAIfeuUVhi84H9",
            "access-production-830d5dad-2dde-4c19-a783-3503347cb378",
            "live_c231b7fc0524d64fd54d260608429c64ffc",
            "p8e-E3lRIAL0kphgOo2ve2tqBeMgCZqGc8hv",
            "LTAIPjGlzWuG91s8HFvfV2g4",
            "AKCpJKYIUYsw3bu9RDhvp465UCZVo1HNGW8disSnZuJYFet6Ty7g2WMkzAge6nXru3sE9EvAk",
            "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",
            "ABSKQmVkcm9ja0FQSUtleS15d282VVFGRmpBcmktYXQtNjQxMjA4MTA3MTMyOi85Ykx6UWxkTmF0SmtCYm1KbGlNUm5kUXl2Z3FpekVkdlBVZUFJTER5MmdIOFlxeTVWK2psenBwbHdJdg==",
            "1882d85c648298652ae713dc4fc20aad-us2",
            "BBDC-OTkxMjIzMzM2OTQ5OjBENEF1RDBvS05seFNNOEIzcFFO",
            "rootly_7e926279169228afa0bf77abedcac5d79b550aa719d37256e1468dba3a6a07df",
            "CCIPAT_uSa0tovONtbeCfhJvhrBjP_c6961e05e61e1a4dd1dd7ee946346b4f25cf81cf"],
        fp: &["doo_v1_0000000000000000000000000000000000000000000000000000000000000000",
            "PMAK-xxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ",
            "AGE-SECRET-KEY-1D9N99H5A8P9D2HZCCL5VJSH4FYR6QRJXRXLK3XWDUD2GTXE8J5MS2KWW0Q",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "my_test_function_name_for_the_parser_x",
            "release notes: compare/v1.2.3...v1.2.4-us1",
            "sha: 0123456789abcdef0123456789abcdef-us1",
            "access-production-00000000-0000-0000-0000-000000000000",
            "patch.txt and pathological cases",
            "A3-XXXXXX-XXXXXXXXXXX-XXXXX-XXXXX-XXXXX"],
    },
    RuleSpec {
        // Webhook and signed URLs that carry their own secret: Microsoft Teams incoming webhooks,
        // Discord webhooks, Azure Storage shared-access signatures (`sv=` version and `sig=`).
        id: "secret.signed_url",
        entity: EntityType::GenericSecret,
        pattern: r#"https://[a-z0-9-]+\.webhook\.office\.com/webhookb2/[0-9a-f-]{36}@[0-9a-f-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}(?:/[A-Za-z0-9_-]{20,})?|https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68}|https://[a-z0-9]{3,24}\.(?:blob|file|queue|table|dfs)\.core\.windows\.net/[^\s"'<>]*?[?&]sig=[A-Za-z0-9%+/]{40,}(?:%3D|=){0,2}|\bs[pvtr]=[^\s"'<>?]{1,300}?&sig=[A-Za-z0-9%+/]{40,}(?:%3D|=){0,2}"#,
        anchors: &["webhook.office.com", "/api/webhooks/", "core.windows.net", "&sig="],
        check: check_signed_url,
        tp: &["https://acme.webhook.office.com/webhookb2/a8d3c873-8079-4c47-acc5-a79da2ac9943@732b6048-8e0e-4b42-a69a-86db6532cc29/IncomingWebhook/ea1fada5b23b9641bbb08c999b39e295/319afd74-9a57-4a58-a876-9fe7371828ad",
            "https://discord.com/api/webhooks/4122504232536601969/iyTTTRNufKJD7cb1LyxVLnoRG1Mn4g8n5oHJyCndBQlr5fs1ZsS9fHnLG5hiWIreJvCF",
            "https://acct.blob.core.windows.net/c?sv=2023-01-03&se=2025-06-19T08%3A45%3A11Z&sr=c&sp=r&sig=nOnsC2yXt6M8CPnWfFOmjjOdhXzXu226jP4bubnh%2BFv4%3D",
            "AZURE_SAS=sp=r&st=2025-03-04T07:24:52Z&se=2025-04-04T15:24:52Z&spr=https&sv=2022-11-02&sr=c&sig=nOnsC2yXt6M8CPnWfFOmjjOdhXzXu226jP4bubnh%2BFv4%3D"],
        fp: &["https://example.org/download?sp=file&sig=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefgh",
            "https://discord.com/api/webhooks/000000000000000000/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "https://acct.blob.core.windows.net/c/file.txt",
            "https://acct.blob.core.windows.net/c?sig=<signature>"],
    },
    RuleSpec {
        // Sidekiq Enterprise/Pro credentials: `user:password` of 8 hex digits each, after the Bundler
        // key that names contribsys' gem server, or in the gem source URL.
        id: "secret.sidekiq",
        entity: EntityType::GenericSecret,
        pattern: r#"(?i)BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM\w{0,8}["']?\s*(?:[:?]*=|=>|:|,)\s*["'`]?([a-f0-9]{8}:[a-f0-9]{8})\b|https?://([a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com"#,
        anchors: &["contribsys"],
        check: check_sidekiq,
        tp: &["export BUNDLE_GEMS__CONTRIBSYS__COM := \"4be5c1a8:9d07e2f3\"",
            "BUNDLE_ENTERPRISE__CONTRIBSYS__COM=095393fc:9482985e",
            "source 'https://50a376f4:b41f837c@gems.contribsys.com/'"],
        fp: &["BUNDLE_ENTERPRISE__CONTRIBSYS__COM=00000000:00000000", "https://gems.contribsys.com/", "BUNDLE_GEMS__CONTRIBSYS__COM=${SIDEKIQ_CREDS}"],
    },
    RuleSpec {
        id: "secret.cli_password",
        entity: EntityType::Password,
        pattern: r#"(?:mysql|mysqldump|mysqladmin|mariadb)[^\n]*?\s-p(?:'([^'\n]{4,128})'|"([^"\n]{4,128})"|([^\s'"-][^\s'"]{3,127}))|(?:sshpass\s+-p|redis-cli[^\n]*?\s-a|sqlcmd[^\n]*?\s-P|ldapsearch[^\n]*?\s-w|mongosh?[^\n]*?\s(?:-p|--password))\s+(?:'([^'\n]{4,128})'|"([^"\n]{4,128})"|([^\s'"-][^\s'"]{3,127}))"#,
        anchors: &["mysql", "mariadb", "sshpass", "redis-cli", "smbclient", "mongo", "sqlcmd", "ldapsearch"],
        check: check_cli_password,
        tp: &["mysql -h 10.0.0.5 -u app -p'Summer@35!!' crm", "sshpass -p Xk9#pq2Lm ssh deploy@host"],
        fp: &["mysql -h db -u app -p crm", "mysql -u root -p$MYSQL_ROOT_PASSWORD"],
    },
    RuleSpec {
        id: "secret.bot_token",
        entity: EntityType::GenericSecret,
        pattern: r"[0-9]{5,16}:[A-Za-z0-9_-]{35}|[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}",
        anchors: &["bot", "token", "telegram", "discord", ":aa"],
        check: check_telegram_or_discord,
        tp: &["TELEGRAM_BOT_TOKEN=5834710392:AAHk3x_Pq9LmZr2TvW8yNb4Cd6Ef1Gh7Ij0",
            "https://api.telegram.org/bot735819245:AAGx7Kq2PzR9mLw4vT8nB3cY6hJ1sD5fG0a/getMe",
            "curl https://api.example.org/hook?id=735819245:AAGx7Kq2PzR9mLw4vT8nB3cY6hJ1sD5fG0a",
            "discord bot token: NzkyNzE1NDU0MTk2MDg4ODQy.X-hvzA.Ovy4MCQywSkoMRRclStW4xAYK7I"],
        fp: &["bot started at 12345678:abcdefghijabcdefghijabcdefghijabcde", "channel 12345678:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    },
    RuleSpec {
        // Without a keyword, only a token whose first segment decodes to a Discord user id.
        id: "secret.discord_bot_token",
        entity: EntityType::GenericSecret,
        pattern: r"\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}\b",
        anchors: &[],
        check: check_discord_snowflake,
        tp: &["MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.ZnCjm1XVW7vRze4b7Cq4se7kKWs"],
        fp: &["MTk4NjIyNDgzNDcxOTI1MjQ4.Cl2FMQ.XXXXXXXXXXXXXXXXXXXXXXXXXXX", "Nabcdefghijklmnopqrstuvwx.abcdef.ghijklmnopqrstuvwxyzABCDEFGHI"],
    },
    RuleSpec {
        id: "secret.npm_auth",
        entity: EntityType::GenericSecret,
        pattern: r#"(?i)_authToken\s*=\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_.+/=-]{20,200})|:_auth\s*=\s*["']?([A-Za-z0-9+/]{8,}={0,2})"#,
        anchors: &["_authtoken", ":_auth"],
        check: check_npm_auth,
        tp: &["//registry.npmjs.org/:_authToken=4f1c2b9e-7d3a-4e5f-9a8b-1c2d3e4f5a6b",
            "//npm.pkg.github.com/:_authToken=Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE",
            "//nexus.corp/repository/npm/:_auth=ZGVwbG95OldpbnQzciEyMDI0eHE="],
        fp: &["//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "//registry.npmjs.org/:_authToken=00000000-0000-0000-0000-000000000000"],
    },
    RuleSpec {
        id: "secret.http_auth_header",
        entity: EntityType::GenericSecret,
        pattern: r#"(?i)\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:bearer|basic|token|api-token|apikey|api-key|ssws|splunk|geniekey|sso-key|bot|key)\s+([A-Za-z0-9._~+/=:-]{8,512})|\b(?:x-auth-token|x-access-token|private-token|x-api-token|x-vault-token|x-auth-key|x-figma-token|x-shopify-access-token|x-goog-api-key|x-algolia-api-key|x-octopus-apikey|x-rundeck-auth-token|x-postmark-server-token|api-token)["']?\s*[:=]\s*["']?([A-Za-z0-9._~+/=:-]{8,512})"#,
        anchors: &["authorization", "-token", "x-auth-key", "x-goog-api-key", "x-algolia-api-key", "x-octopus-apikey"],
        check: check_auth_header,
        tp: &["curl -H \"Authorization: Bearer Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\" https://api.example.org",
            "curl -H 'Authorization: Api-Token dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM' https://x",
            "Authorization: Basic ZGVwbG95OldpbnQzciEyMDI0eHE=",
            "Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
            "PRIVATE-TOKEN: Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE"],
        fp: &["Authorization: Bearer <token>", "Authorization: Bearer ACCESS_TOKEN", "Authorization: Bearer $TOKEN",
            "Authorization: Bearer mF_9.B5f-4.1JqM", "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
            "Authorization: Basic dXNlcm5hbWU6cGFzc3dvcmQ=", "'Authorization': 'Bearer ' + accessToken", "Authorization: Bearer yourAccessToken"],
    },
    RuleSpec {
        id: "secret.cli_credentials",
        entity: EntityType::Password,
        pattern: r#"\b(?:curl|wget|https?|httpie|xh)\b[^\n]*?\s(?:-u|--user|-a|--auth|--proxy-user|-U)(?:\s+|=)["']?([^\s:'"]{1,64}:[^\s'"]{1,128})|\b(?:curl|wget)\b[^\n]*?\s--(?:http-|ftp-|proxy-)?password(?:\s+|=)["']?([^\s'"]{3,128})"#,
        anchors: &["curl", "wget", "http", "xh "],
        check: check_cli_credentials,
        tp: &["curl -u deploy:Wint3r!2024xq https://api.example.org", "curl --user 'ops:Tr0ub4dor&3' -X POST https://x",
            "http -a deploy:Wint3r!2024xq https://x", "wget --http-password Wint3r!2024xq https://x"],
        fp: &["curl -u $USER:$PASS https://x", "curl -u user:password https://x", "curl -u \"${USERNAME}:${PASSWORD}\" https://x",
            "curl -u admin https://x", "curl -u username:password"],
    },
    RuleSpec {
        id: "secret.url_userinfo",
        entity: EntityType::Password,
        pattern: r#"\b(?:https?|wss?|git|svn|ssh|s3|webdav|dav)://([^\s/@:'"<>`]{1,64}:[^\s/@'"<>`]{3,128})@[A-Za-z0-9\[]"#,
        anchors: &["://"],
        check: check_url_userinfo,
        tp: &["https://deploy:Wint3r!2024xq@api.corp-internal.io/v1", "git clone https://ci-bot:Qx7hPz2kLm9w@git.corp.local/app.git"],
        fp: &["https://user:password@host/path", "https://user:${TOKEN}@github.com/org/repo", "http://foo:bar@localhost/",
            "https://USERNAME:PASSWORD@host", "https://user:pass@example.org"],
    },
    RuleSpec {
        id: "secret.netrc",
        entity: EntityType::Password,
        pattern: r"\bmachine[ \t]+\S+(?:\s+(?:login|account|port)[ \t]+\S+){0,3}\s+password[ \t]+(\S{3,200})",
        anchors: &["machine"],
        check: check_plain_password,
        tp: &["machine api.example.org login deploy password Wint3r!2024xq", "machine ftp.corp.local\n  login ops\n  password Tr0ub4dor&3"],
        fp: &["machine example.com login user password changeme", "machine api.heroku.com login me password $HEROKU_API_KEY"],
    },
    RuleSpec {
        id: "secret.pgpass",
        entity: EntityType::Password,
        pattern: r"(?m)^(?:[A-Za-z0-9][A-Za-z0-9.-]*|\*):(?:[0-9]{2,5}|\*):[^:\s]+:[^:\s]+:([^\s]{4,200})$",
        anchors: &[":5432:", ":*:", ":5433:", ":6432:", ":26257:", "pgpass"],
        check: check_plain_password,
        tp: &["db.internal:5432:orders:app:Wint3r!2024xq", "*:*:*:replicator:Qx7hPz2kLm9w"],
        fp: &["hostname:port:database:username:password", "localhost:5432:*:postgres:*"],
    },
    RuleSpec {
        id: "secret.docker_auth",
        entity: EntityType::GenericSecret,
        pattern: r#""auth"\s*:\s*"([A-Za-z0-9+/]{8,}={0,2})""#,
        anchors: &["\"auth\""],
        check: check_docker_auth,
        tp: &["{\"auths\": {\"registry.corp.io\": {\"auth\": \"ZGVwbG95OldpbnQzciEyMDI0eHE=\"}}}"],
        fp: &["\"auth\": \"dXNlcm5hbWU6cGFzc3dvcmQ=\"", "\"auth\": \"bm90LWNyZWRlbnRpYWxz\""],
    },
    RuleSpec {
        id: "secret.kube_client_key",
        entity: EntityType::PrivateKey,
        pattern: r#"client-key-data["']?\s*:\s*["']?([A-Za-z0-9+/]{60,}={0,2})"#,
        anchors: &["client-key-data"],
        check: check_kube_client_key,
        tp: &["    client-key-data: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUJWUUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQVQ4d2dnRTdBZ0VBQWtFQXE3QkZVcGtHcDMrTFFtbFEKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo="],
        fp: &["    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJWUUlCQURBTkJna3Foa2lHOXcwQkFRRUZBQVNDQVQ4d2dnRTdBZ0VBQWtFQXE3QkZVcGtHcDMrTFFtbFEK",
            "    client-key-data: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    },
    RuleSpec {
        id: "secret.dockerfile_env",
        entity: EntityType::GenericSecret,
        pattern: r#"(?m)^[ \t]*(?:ENV|ARG)[ \t]+[A-Za-z0-9_]*?(?i:PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Za-z0-9_]*[ \t]+["']?([^\s"'=]{6,200})"#,
        anchors: &["env ", "env\t", "arg "],
        check: check_by_key,
        tp: &["ENV API_TOKEN Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE", "ARG SENTRY_AUTH_TOKEN \"Qx7hPz2kLm9wR4tV8nB3cY6j\""],
        fp: &["ENV API_TOKEN ${API_TOKEN}", "ARG GITHUB_TOKEN", "ENV PASSWORD_FILE /run/secrets/db_password"],
    },
    RuleSpec {
        // Kubernetes `kind: Secret` manifests: `data:` values are base64; the decoded value is judged.
        id: "secret.k8s_secret_data",
        entity: EntityType::GenericSecret,
        pattern: r#"(?m)^[ \t]+[A-Za-z0-9_.-]+:[ \t]*["']?([A-Za-z0-9+/]{4,}={0,2})["']?[ \t]*$"#,
        anchors: &["kind: secret"],
        check: check_k8s_secret_data,
        tp: &["apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  username: YXBw\n  api_key: V2ludDNyITIwMjR4cVF4N2g=\n",
            "kind: Secret\ndata:\n  api-token: WGs5cFEybUw3dlI0dFc4ekIzbkM2eUgxakQ1ZkcwYUU=\n"],
        fp: &["kind: Secret\ndata:\n  username: YXBw\n  password: Y2hhbmdlbWU=\n", "kind: Secret\nmetadata:\n  labels:\n    token: V2ludDNyITIwMjR4cQ==\n"],
    },
];

fn check_discord_snowflake(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let first = v.split('.').next().unwrap_or("");
    if !discord_snowflake(first) {
        return None;
    }
    vendor(doc, c, 0.9)
}

fn check_npm_auth(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if is_placeholder(v) || v.starts_with("npm_") {
        return None; // `npm_…` tokens are the vendor rule's
    }
    if doc.text[..c.start].ends_with("_auth=") || doc.text[..c.start].trim_end_matches(['"', '\'', ' ']).ends_with("_auth=") {
        let (_, pw) = basic_credentials(v)?;
        return (!weak_password(&pw)).then_some(0.9);
    }
    if looks_like_uuid(v) {
        let hex: String = v.chars().filter(|c| *c != '-').collect();
        return (shannon_entropy(&hex) >= 2.5).then_some(0.92);
    }
    (looks_random(v, 20) && !code::masked_or_encrypted(v)).then_some(0.9)
}

/// Values that stand for a password in documentation, or are too weak to be a real one.
fn weak_password(pw: &str) -> bool {
    let lower = pw.to_ascii_lowercase();
    is_placeholder(pw)
        || pw.len() < 3
        || NOT_PASSWORDS.contains(&lower.as_str())
        || matches!(
            lower.as_str(),
            "pass"
                | "passwd"
                | "pwd"
                | "pw"
                | "foo"
                | "bar"
                | "baz"
                | "qux"
                | "secret"
                | "token"
                | "user"
                | "username"
                | "admin"
                | "test"
                | "x-oauth-basic"
                | "x-access-token"
                | "oauth2"
                | "apikey"
                | "api_key"
                | "credentials"
                | "mypassword"
                | "yourpassword"
        )
        || pw.starts_with('$')
        || pw.starts_with('%')
        || pw.starts_with('{')
        || code::masked_or_encrypted(pw)
}

fn check_auth_header(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    strip_trailing_punct(doc, c);
    while c.end > c.start && matches!(doc.byte_at(c.end - 1), Some(b'\'' | b'"' | b':')) {
        c.end -= 1;
    }
    let v = c.value(doc);
    let before = doc.text[doc.line_start(c.start)..c.start].to_ascii_lowercase();
    if is_placeholder(v) || code::published_example(v) || code::masked_or_encrypted(v) {
        return None;
    }
    if before.trim_end().ends_with("basic") {
        let (user, pw) = basic_credentials(v)?;
        return (!weak_password(&pw) && pw != user).then_some(0.93);
    }
    if code::is_code(v, false) || code::identifier_words(v) || !looks_random(v, 8) || char_classes(v) < 2 || shannon_entropy(v) < 3.0 {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.9))
}

fn check_cli_credentials(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let (user, pw) = v.split_once(':').unwrap_or(("", v));
    if weak_password(pw) || pw == user || !user.is_empty() && (is_placeholder(user) || user.starts_with('$')) {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.9))
}

fn check_url_userinfo(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    let (user, pw) = v.split_once(':')?;
    if weak_password(pw) || pw == user || code::constant_name(pw) || pw.eq_ignore_ascii_case("password") {
        return None;
    }
    // Documentation hosts: `user:pw@example.com`.
    let host = doc.text[c.end + 1..].split(['/', ':', '?', ' ', '\n']).next().unwrap_or("").to_ascii_lowercase();
    if host.ends_with("example.com") || host.ends_with("example.org") || host.ends_with("example.net") {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.9))
}

/// A value that is a password by position (`.netrc`, `.pgpass`): not a placeholder or reference.
fn check_plain_password(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if weak_password(v) || code::constant_name(v) || v == "*" {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.9))
}

fn check_docker_auth(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let (user, pw) = basic_credentials(c.value(doc))?;
    (!weak_password(&pw) && pw != user).then_some(0.95)
}

fn check_kube_client_key(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if is_placeholder(v) {
        return None;
    }
    // The base64 of a PEM private key; a body that does not decode is still the key field.
    let pem = base64_bytes(v).and_then(|raw| String::from_utf8(raw).ok());
    match pem {
        Some(p) if p.starts_with("-----BEGIN") => p.contains("PRIVATE KEY").then_some(0.99),
        _ => (looks_random(v, 64) && shannon_entropy(v) >= 4.0).then_some(0.85),
    }
}

/// The secret the key of a keyed value names, by that key: passwords, or other credentials.
fn check_by_key(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let key = key_before(doc, c.start).1.to_ascii_lowercase();
    if key.contains("pass") || key.contains("pwd") {
        let s = check_password(doc, c)?;
        c.retype = Some(EntityType::Password);
        return Some(s);
    }
    check_keyed_secret(doc, c)
}

/// Whether the line at `pos` is a value under the `data:` map of a YAML document: the nearest
/// line above with less indentation is `data:`.
fn under_yaml_data(doc: &Document<'_>, pos: usize) -> bool {
    let ls = doc.line_start(pos);
    let indent = |l: &str| l.len() - l.trim_start().len();
    let own = indent(&doc.text[ls..doc.line_end(pos)]);
    for line in doc.text[..ls].lines().rev().take(200) {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if indent(line) < own {
            return line.trim() == "data:";
        }
    }
    false
}

fn check_k8s_secret_data(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    if !under_yaml_data(doc, c.start) {
        return None;
    }
    let key = key_before(doc, c.start).1.to_ascii_lowercase();
    let password = key.contains("pass") || key.contains("pwd");
    let secret = password
        || ["secret", "token", "key", "credential", "auth", "dockerconfigjson", "dockercfg", "private", "cert"]
            .iter()
            .any(|w| key.contains(w));
    if !secret || key.ends_with("_id") || key.ends_with("-id") || key.contains("public") {
        return None;
    }
    let decoded = base64_text(c.value(doc))?;
    if weak_password(&decoded) || decoded.len() < 4 {
        return None;
    }
    if !password && !key.contains("docker") && decoded.len() < 8 {
        return None;
    }
    if password {
        c.retype = Some(EntityType::Password);
    }
    Some(0.93)
}

/// The keyed rules leave base64 values of a Kubernetes Secret's `data:` map to
/// `secret.k8s_secret_data`, which judges them decoded.
fn k8s_secret_value(doc: &Document<'_>, c: &Candidate) -> bool {
    let v = c.value(doc);
    v.len() % 4 == 0
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        && under_yaml_data(doc, c.start)
        && doc.text.contains("kind: Secret")
}

fn check_telegram_or_discord(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if v.contains(':') {
        check_telegram(doc, c)
    } else {
        let first = v.split('.').next().unwrap_or("");
        if !looks_random(first, 24) {
            return None;
        }
        vendor(doc, c, 0.85)
    }
}

/// A value after `key: ` / `key=` / `key is`: optional quotes, then the token. Group 1 is the value.
///
/// Beyond `=`/`:`: a declared type between key and operator (Go `var xToken string = "…"`, TS/Kotlin
/// `apiToken: String = "…"`, Rust `&str`), Makefile `?=` `::=` `:::=` `+=`, PHP `.=`, .NET
/// appSettings `key="ApiSecret" value="…"`, a Terraform variable's `{ default = "…" }`, and XML
/// element bodies `<password>…</password>` (group 2), also wrapped in braces after other words
/// (`<secret>{name AQAAABAAA value}</secret>`, group 3). A `-` before a quote (`token - '…'`) is an
/// operator too, and a quoted value may start with its scheme (`auth_token: "Bearer …"`).
const KEYED_VALUE: &str = r#"^(?:[A-Za-z_\-]{0,24})["']?\s*\]?(?:\s*:?\s*(?:&'static\s+str|&str|\[\]byte|string|String|str)\b)?\s*(?:(?::::=|::=|:=|\?=|\+=|\.=|=>|=|:|\bis\b|\bwas\b|\bset to\b|\bto\b|,)\s*["'`]?|\s+["']|value\s*=\s*["']|\{\s*default\s*=\s*["']|-\s*["'])(?:(?i:bearer|token)\s+)?([^\s"'`,;<>]{6,200})|^[A-Za-z_\-]{0,24}>([^\s"'`<>]{6,200})</|^[A-Za-z_\-]{0,24}>\{(?:[^\s<>{}]+\s+){0,3}([^\s"'`<>{}]{6,200})\}</"#;

fn strip_trailing_punct(doc: &Document<'_>, c: &mut Candidate) {
    while c.end > c.start {
        match doc.byte_at(c.end - 1) {
            Some(b'.' | b',' | b')' | b']' | b'}' | b'!' | b'?') if c.end - c.start > 1 => {
                // Keep `!`/`?` when the value is clearly a password that ends with one.
                let b = doc.byte_at(c.end - 1);
                if matches!(b, Some(b'!' | b'?')) && doc.byte_at(c.end).is_none_or(|n| n.is_ascii_whitespace() || n == b'"' || n == b'\'') {
                    break;
                }
                c.end -= 1;
            }
            _ => break,
        }
    }
}

const NOT_PASSWORDS: &[&str] = &[
    "required",
    "optional",
    "incorrect",
    "invalid",
    "expired",
    "changed",
    "updated",
    "protected",
    "manager",
    "policy",
    "reset",
    "hashed",
    "hidden",
    "encrypted",
    "forgot",
    "forgotten",
    "please",
    "should",
    "must",
    "field",
    "string",
    "password",
    "passwords",
    "secret",
    "null",
    "none",
    "true",
    "false",
    "undefined",
    "length",
    "strength",
    "requirements",
    "complexity",
    "rotation",
    "settings",
    "prompt",
    "authentication",
    "process.env",
    "getenv",
    "environ",
    "config",
    "input",
    "value",
    "empty",
    "unchanged",
    "same",
    "login",
];

fn check_password(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    if k8s_secret_value(doc, c) {
        return None;
    }
    // In a query string or form body the value ends at the next `&`.
    if key_in_query(doc, c.start) || doc.line_at(c.start).contains("&password=") {
        if let Some(i) = c.value(doc).find('&') {
            c.end = c.start + i;
        }
    }
    strip_trailing_punct(doc, c);
    let v = c.value(doc);
    let lower = v.to_ascii_lowercase();
    // `credentialsId: '…'`, `password_id`: the key names an identifier of a stored credential.
    let key = key_before(doc, c.start).1;
    if key.ends_with("Id") || key.ends_with("ID") || key.ends_with("_id") || key.ends_with("-id") {
        return None;
    }
    // `PASSWORD_FILE=/run/secrets/db`: the key names where the password lives.
    let key_l = key.to_ascii_lowercase();
    if ["_file", "-file", "_path", "_dir", "file"].iter().any(|s| key_l.ends_with(s)) {
        return None;
    }
    // A word that ends in a colon introduces a list (`pass, including:`, `pass to Tk_AddOption:`).
    if is_placeholder(v) || NOT_PASSWORDS.iter().any(|w| lower == *w) || v.len() < 6 || v.ends_with(':') {
        return None;
    }
    // Code rather than a value: a call, an attribute path, a variable, a type path, a flag; or a
    // value that is masked, encrypted in place or a vendor's published example.
    let quoted = code::quoted_at(doc.text, c.start);
    if code::is_code(v, quoted) || code::masked_or_encrypted(v) || code::published_example(v) || !quoted && v.starts_with('_') {
        return None;
    }
    // A type in an annotation (`credentials: Credentials | null`); an unquoted word of letters
    // alone is prose or a name (`before pass P`, `Executions`), not a password; nor is a path of
    // lower-case words (`"kadmin/passwd", "kadmin/server"`).
    let after = doc.text.get(c.end..doc.line_end(c.end)).unwrap_or("");
    if !quoted && (code::type_annotation(v, after) || v.bytes().all(|b| b.is_ascii_alphabetic())) {
        return None;
    }
    if v.contains('/') && v.bytes().all(|b| b.is_ascii_lowercase() || matches!(b, b'/' | b'_' | b'-' | b'.')) {
        return None;
    }
    if looks_like_call(v)
        || v.contains("::")
        || v.starts_with("self.")
        || v.starts_with("this.")
        || v.starts_with("req.")
        || v.starts_with("config.")
        || v.starts_with("settings.")
        || v.starts_with("env.")
    {
        return None;
    }
    let classes = char_classes(v);
    let entropy = shannon_entropy(v);
    if classes < 2 || entropy < 2.3 || (classes == 2 && v.len() < 8 && !v.bytes().any(|b| b.is_ascii_digit())) {
        return None;
    }
    if v.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_') {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.9))
}

/// The key name right before a keyed value (`refresh_token` in `"refresh_token": "…"`) and the
/// byte offset where it starts.
fn key_before<'t>(doc: &Document<'t>, value_start: usize) -> (usize, &'t str) {
    let ls = doc.line_start(value_start);
    let line = &doc.text[ls..value_start];
    let trimmed = line.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ':' | '=' | '>' | ','));
    let start = trimmed
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    (ls + start, &trimmed[start..])
}

/// Whether the key is a URL query parameter (`?token=` / `&token=`): one-time links in logs.
fn key_in_query(doc: &Document<'_>, value_start: usize) -> bool {
    let (key_start, key) = key_before(doc, value_start);
    !key.is_empty() && matches!(key_start.checked_sub(1).and_then(|i| doc.byte_at(i)), Some(b'?' | b'&'))
}

fn check_cli_password(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if is_placeholder(v) || v.len() < 4 {
        return None;
    }
    Some(0.9)
}

fn check_keyed_secret(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    strip_trailing_punct(doc, c);
    if k8s_secret_value(doc, c) {
        return None;
    }
    let v = c.value(doc);
    let key_raw = key_before(doc, c.start).1;
    let key = key_raw.to_ascii_lowercase();
    // Identifiers and public values named like secrets: `private_key_id`, `client_id`,
    // `credentialId`, `STRIPE_PUBLISHABLE_KEY`, `pk_live_…`; where or what a secret is rather
    // than the secret (`LLM_SECRET_NAME`, `TokenFile`, `secret_length`); anti-forgery tokens
    // (`csrf_token`, `authenticity_token`), which guard a form, not an account.
    if key.ends_with("_id")
        || key_raw.ends_with("Id")
        || key_raw.ends_with("ID")
        || ["name", "file", "path", "dir", "url", "length", "len", "size", "type"].iter().any(|w| key.ends_with(w))
        || ["csrf", "xsrf", "authenticity_token"]
            .iter()
            .any(|w| doc.text[doc.line_start(c.start)..c.start].to_ascii_lowercase().contains(w))
        || counting_run(v)
        || xml_key_attribute(doc, c)
        || key.ends_with("-id")
        || key.ends_with("id\"")
        || key.ends_with("keyid")
        || key.ends_with("tokenid")
        || key.contains("publishable")
        || key.contains("public")
        || v.starts_with("pk_")
        || key_in_query(doc, c.start)
    {
        return None;
    }
    // A 40-character base64 secret next to an AWS access key id is the AWS secret access key.
    if v.len() == 40 && !is_hex(v) && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+') {
        let window = &doc.text[crate::document::ceil_char_boundary(doc.text, c.start.saturating_sub(400))..c.start];
        if window.contains("AKIA") || window.contains("ASIA") || doc.before(c.start, Ctx::Aws, 400) {
            if let Some(s) = check_aws_secret(doc, c) {
                c.retype = Some(EntityType::AwsSecretKey);
                return Some(s);
            }
        }
    }
    if is_placeholder(v) || v.len() < 16 || looks_like_call(v) || v.contains("://") || v.starts_with("arn:") {
        return None;
    }
    // Identifiers, type paths, expressions and flags are code; masked, encrypted and published
    // example values are not the secret. Generic secrets are random, so words joined in camel or
    // snake case are identifiers even inside quotes (`key: 'MediaTrackPrevious'`).
    // Generic secrets are base64/hex/URL-safe: parentheses, `!`, or an `=` before the padding mean an
    // argument list or an expression (`token_num, cuda_graph_annotation):`, `parenthesized!(content`).
    let quoted = code::quoted_at(doc.text, c.start);
    // An `=` inside an unquoted value is an expression (`a=b`, `x==y`) unless what comes before it
    // is itself token-like (digits among the letters: `b_lj8ss8ne7le391w4=sr…`).
    let inner_eq = v.trim_end_matches('=').find('=').is_some_and(|i| {
        let head = &v[..i];
        v.contains("==") || !head.bytes().any(|b| b.is_ascii_digit()) || head.len() < 8
    });
    let expression =
        !quoted && (v.contains(['(', ')', '!']) || inner_eq || v.starts_with('_') || v.starts_with("/[") || v.starts_with("/^"));
    let after = doc.text.get(c.end..doc.line_end(c.end)).unwrap_or("");
    if expression
        || code::is_code(v, quoted)
        || code::identifier_words(v)
        || code::masked_or_encrypted(v)
        || code::published_example(v)
        || !quoted && code::type_annotation(v, after)
    {
        return None;
    }
    if v.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_' || ch == '-' || ch == '.') {
        return None;
    }
    // UUIDs are mostly identifiers; after a key that names a token or an API key (not an id) they
    // are the key itself (Heroku, Snyk, HubSpot, Sendbird and others issue UUID keys).
    if looks_like_uuid(v) {
        let token_key = ["token", "apikey", "api_key", "api-key", "secret", "accesskey", "access_key"].iter().any(|w| key.ends_with(w));
        let uniform = v.bytes().filter(|b| b.is_ascii_alphabetic()).all(|b| b.is_ascii_lowercase())
            || v.bytes().filter(|b| b.is_ascii_alphabetic()).all(|b| b.is_ascii_uppercase());
        if !token_key || !uniform || is_placeholder(v) || shannon_entropy(v) < 3.0 {
            return None;
        }
        return Some(damp_negative(doc, c.start, 0.7));
    }
    let random = if is_hex(v) {
        v.len() >= 24 && shannon_entropy(v) >= 3.0
    } else {
        looks_random(v, 16) && char_classes(v) >= 2 && shannon_entropy(v) >= 3.5
    };
    if !random {
        return None;
    }
    // Digests are public by design.
    let line = doc.line_at(c.start).to_ascii_lowercase();
    if ["sha256", "sha1", "sha512", "md5", "checksum", "digest", "integrity", "commit", "hash:"].iter().any(|w| line.contains(w))
        && is_hex(v)
    {
        return None;
    }
    Some(damp_negative(doc, c.start, 0.8))
}

/// `<entry key="name" value="…">`, `<add key="ApiSecret" …>`: the attribute `key` names a setting.
fn xml_key_attribute(doc: &Document<'_>, c: &Candidate) -> bool {
    let before = &doc.text[doc.line_start(c.start)..c.start];
    let lower = before.to_ascii_lowercase();
    lower.ends_with(" key=\"") || lower.ends_with(" key='") || lower.ends_with("<key>")
}

/// `getToken()`, `os.getenv("X")`, `config.get(...)`: code, not a value.
fn looks_like_call(v: &str) -> bool {
    match v.find('(') {
        Some(i) => i > 0 && v[..i].bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.'),
        None => false,
    }
}

fn looks_like_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b[8] == b'-'
        && b[13] == b'-'
        && b[18] == b'-'
        && b[23] == b'-'
        && v.bytes().filter(|&x| x != b'-').all(|x| x.is_ascii_hexdigit())
}

fn check_aws_secret(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    if v.len() != 40 || is_placeholder(v) || is_hex(v) || char_classes(v) < 3 || shannon_entropy(v) < 4.0 {
        return None;
    }
    Some(0.93)
}

fn check_uuid_key(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    (looks_like_uuid(v) && !is_placeholder(v)).then_some(0.85)
}

fn check_hex32_key(doc: &Document<'_>, c: &mut Candidate) -> Option<f32> {
    let v = c.value(doc);
    (is_hex(v) && shannon_entropy(v) >= 3.0 && !is_placeholder(v)).then_some(0.88)
}

pub static KEYED: &[KeyedSpec] = &[
    KeyedSpec {
        id: "secret.password",
        entity: EntityType::Password,
        ctx: Ctx::Password,
        window: 64,
        value: KEYED_VALUE,
        cell: Some(r"^(\S{6,64})$"),
        check: check_password,
        tp: &[
            "DB_PASSWORD=Wint3r!2024",
            "password: Summer2024!",
            "your temporary password is Xk9#pq2Lm",
            "\tPassword: \"Wint3r!2024xq\",",
            "dbPassword := \"Wint3r!2024xq\"",
            "DB_PASSWORD ?= Wint3r!2024xq",
            "define('DB_PASSWORD', 'Wint3r!2024xq');",
            "<password>Wint3r!2024xq</password>",
            "<add key=\"DbPassword\" value=\"Wint3r!2024xq\" />",
            "variable \"db_password\" { default = \"Wint3r!2024xq\" }",
            "ENV DB_PASSWORD=Wint3r!2024xq",
            "$env:DB_PASSWORD = \"Wint3r!2024xq\"",
            "        - name: DB_PASSWORD\n          value: Wint3r!2024xq",
            "<password>\n  Wint3r!2024xq\n</password>",
        ],
        fp: &[
            "password: ${DB_PASSWORD}",
            "password: changeme",
            "Password is required",
            "PASSWORD=********",
            "password = os.environ['DB_PASSWORD']",
            "Pin::new(&mut self.io).poll_read(cx, buf)",
            "use pin_project_lite::pin_project;",
            "_pin: PhantomPinned,",
            "password: credentials.password,",
            "Additional arguments to pass to `pageFunction`.",
            "pass `sys.maxsize`.",
            "pw = pw[:-1]",
            "--root-password-file=PATH",
            "credentialsId: 'a3f1c9e2-5b7d-4c1e-9f2a-6d8b0e4c7a15'",
            "password: ENC[AES256_GCM,data:Tr7oXq==,iv:9vLw=,tag:Qm1=,type:str]",
            "PASSWORD=ab12****cd",
            "password = PASSWORD_FROM_ENV",
            "pub const IFLA_DPLL_PIN: _bindgen_ty_2 = _bindgen_ty_2::IFLA_DPLL_PIN;",
            "5. Your branch may be merged once all configured checks pass, including:",
            "export interface Login { password: string; }",
            "DB_PASSWORD_FILE=/run/secrets/db_password",
            "authenticate(credentials: Credentials | null): Promise<void>;",
            "SEC_ERROR_INVALID_PASSWORD = (SEC_ERROR_BASE + 101),",
            "/// Return true if -debug-pass=Executions",
            "\"kadmin/dbutil\", \"kadmin/passwd\", \"kadmin/server\"",
            "warnings.warn(msg, FutureWarning, stacklevel=3)",
            "password: assert_eq!(found.to_owned(), pw1);",
            "let (found, item) = keychain.find_generic_password(service, account).expect(\"find\");",
        ],
    },
    KeyedSpec {
        id: "secret.keyed_secret",
        entity: EntityType::GenericSecret,
        ctx: Ctx::SecretKey,
        window: 64,
        value: KEYED_VALUE,
        cell: None,
        check: check_keyed_secret,
        tp: &[
            "SECRET_KEY = 'k9#x2!fq8z@w1m$e7r^t5y&u3i*o0p(l'",
            "hmac_key: 7f770d9106fd287db7f1adbc60926f69e3c1a2b4",
            "var githubToken string = \"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\"",
            "apiToken := \"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\"",
            "\tToken: \"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\",",
            "API_TOKEN ?= Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE",
            "API_TOKEN ::= Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE",
            "API_TOKEN :::= Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE",
            "$apiToken .= 'Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE';",
            "define('AUTH_KEY', 'Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE');",
            "<apiToken>Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE</apiToken>",
            "<add key=\"ApiSecret\" value=\"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\" />",
            "  api_token = \"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\"",
            "$env:API_TOKEN = \"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\"",
            "const apiToken: string = \"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\";",
            "{\"config.ini\": \"API_TOKEN=Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\\nBACKUP_ENABLED=true\"}",
            "<apiToken>\n    Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\n</apiToken>",
            "hubspotToken = \"3f2a9c1e-7b4d-4e8a-9c2f-1d5e6b7a8c90\"",
            "ETSYToken=\"6z99xsxu45d8ukevop98cfv0\"",
            "API_TOKEN=b7Xq2kLm9pR4tW8z=N3cY6hJ1sD5fG0a",
            "<secret>{billing AQAAABAAA Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE}</secret>",
            "acme token - 'Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE'",
            "  acme_auth_token: \"Bearer Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\"",
            "env:\n  - name: API_TOKEN\n    value: \"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\"",
            "\"env\": [{\"name\": \"API_TOKEN\",\n  \"value\": \"Xk9pQ2mL7vR4tW8zB3nC6yH1jD5fG0aE\"}]",
        ],
        fp: &[
            "api_key: <YOUR_API_KEY>",
            "secret: ${{ secrets.DEPLOY_KEY }}",
            "token = getToken()",
            "sha256 digest key: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "use tokenizers::tokenizer::{Result, Tokenizer};",
            "type Token = windows_sys::core::PCWSTR;",
            "let mut tokens = TokenStream::new();",
            "first_token_latency_s = accelerator_times[0]",
            "from transformers import AutoTokenizer, BitsAndBytesConfig",
            "key: 'MediaTrackPrevious',",
            "-> Result<ConnectionTrafficSecrets, UnsupportedOperationError>;",
            "\\-\\-trace\\-token, \\-\\-user\\-output\\-enabled,",
            "const credentials = this.#frame.page()._credentials;",
            "SLACK_TOKEN=xoxp-…-####",
            "api_key: ENC[AES256_GCM,data:8fJ2kLq9Zx7Vb3Nm1Pw4Rt6Yh0Gd5Sa==,type:str]",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "def generate_benchmark(self, prompt_shape, token_num, cuda_graph_annotation):",
            "let paren_token = parenthesized!(content in ahead);",
            "const IDENT_TOKEN_START = /[-\\w\\P{ASCII}*]/u;",
            "var githubToken string = os.Getenv(\"GITHUB_TOKEN\")",
            "API_TOKEN ?= $(shell cat .token)",
            "<apiToken>${API_TOKEN}</apiToken>",
            "<add key=\"ApiSecret\" value=\"\" />",
            "variable \"api_token\" { type = string }",
            "env:\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef: {name: api, key: token}",
            "env:\n  - name: API_TOKEN\n    value: \"${API_TOKEN}\"",
            "<apiToken>\n    ${API_TOKEN}\n</apiToken>",
            "<apiToken>\n  <value>abc</value>\n</apiToken>",
            "secret_name = \"3f2a9c1e-7b4d-4e8a-9c2f-1d5e6b7a8c90\"",
            "api_token: \"00000000-0000-0000-0000-000000000000\"",
            "TOKEN=--token-file=/run/secrets/token",
            "secret=a==b",
            "<secret>{AQAAABAAAAAQ}</secret>",
            "the token - 'see below'",
            "auth_token: \"Bearer ${TOKEN}\"",
            "fn from(key: PrivatePkcs1KeyDer<'a>) -> Self {",
            "  \"credentialId\": \"B9mTcFSck2LzJO2S3ols63\",",
            "<entry key=\"jetbrains.mps.v8_elimination\" value=\"executed\" />",
            "LLM_SECRET_NAME = \"NEXUS-GPT4-API-KEY-PROD\"",
            "<SourceFile TokenFile=\"RTL_INST_CODE.cer\">",
            "<input type=\"hidden\" name=\"authenticity_token\" value=\"7SWa-Fo1_hsC6oovfBsJFLGPUl2EhkSWPbJhWAN\">",
            "secret_key => \"sk_abcdefghijklmnopqrstuvwxyz123\",",
            "def pack(self, token_offset: str, cumulative_sequence_length: str) -> None:",
            "self._insert_node([padding_input, token_offset], [last_layernorm_node.output[0]])",
            "user\\-defined\\-key: user\\-defined\\-value",
        ],
    },
    KeyedSpec {
        id: "secret.aws_secret_key",
        entity: EntityType::AwsSecretKey,
        ctx: Ctx::Aws,
        window: 80,
        value: r#"^[A-Za-z_\-\s]{0,40}["']?\s*(?::=|=>|=|:)?\s*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        cell: Some(r"^([A-Za-z0-9/+]{40})$"),
        check: check_aws_secret,
        tp: &["aws_secret_access_key = YY+kv5ZJr3J1TWDtkwtDDb/xHKas1VOqg6YYZYn9"],
        fp: &["aws_secret_access_key = da39a3ee5e6b4b0d3255bfef95601890afd80709"],
    },
    KeyedSpec {
        id: "secret.azure_cognitive_key",
        entity: EntityType::AzureKey,
        ctx: Ctx::Azure,
        window: 80,
        value: r#"^[A-Za-z_\-\s]{0,40}["']?\s*(?::=|=>|=|:)?\s*["']?([0-9a-f]{32})(?:[^0-9A-Za-z]|$)"#,
        cell: None,
        check: check_hex32_key,
        tp: &["AZURE_OPENAI_KEY=7f770d9106fd287db7f1adbc60926f69"],
        fp: &["AZURE_OPENAI_KEY=00000000000000000000000000000000"],
    },
    KeyedSpec {
        id: "secret.datadog_key",
        entity: EntityType::GenericSecret,
        ctx: Ctx::Datadog,
        window: 48,
        value: r#"^[A-Za-z_\-\s]{0,24}["']?\s*(?::=|=>|=|:)?\s*["']?([0-9a-f]{32}|[0-9a-f]{40})(?:[^0-9A-Za-z]|$)"#,
        cell: None,
        check: check_hex32_key,
        tp: &["DD_API_KEY=7f770d9106fd287db7f1adbc60926f69"],
        fp: &["DD_API_KEY=<api key>"],
    },
    KeyedSpec {
        id: "secret.heroku_key",
        entity: EntityType::GenericSecret,
        ctx: Ctx::Heroku,
        window: 48,
        value: r#"^[A-Za-z_\-\s]{0,24}["']?\s*(?::=|=>|=|:)?\s*["']?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"#,
        cell: None,
        check: check_uuid_key,
        tp: &["HEROKU_API_KEY=4f1c2b9e-7d3a-4e5f-9a8b-1c2d3e4f5a6b"],
        fp: &["HEROKU_APP=my-app"],
    },
];
