#!/usr/bin/env bash
# Writes a few meaningful seed inputs per fuzz target into fuzz/corpus/<target>/ (git-ignored),
# so runs start from text that reaches the detectors instead of from random bytes.
# Usage: fuzz/seeds.sh   (from anywhere; existing corpus files are kept, seeds overwritten)
set -euo pipefail
cd "$(dirname "$0")"

seed() { # seed <target> <name> <printf-format-string>
  mkdir -p "corpus/$1"
  printf '%b' "$3" > "corpus/$1/seed_$2"
}

# --- engine_scan: plain text ------------------------------------------------------------------
t=engine_scan
seed $t email       'Please mail jane.doe@acme-corp.com and cc bob@northwind.io about the invoice.'
seed $t card        'card 4539 1488 0343 6467 exp 04/27 cvv 123\nVisa 4111111111111111'
seed $t pem         '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----\n'
seed $t secrets     'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\ntoken ghp_16C7e42F292c6912E7710c838347Ae178B4a\npassword: hunter2!Secret'
seed $t cjk         '氏名: 田中太郎 住所: 東京都千代田区千代田1-1 〒100-0001 電話 03-1234-5678 メール tanaka@example.jp'
seed $t pii         'Dear Ms. Müller, SSN: 536-90-4399, DOB: 1990-01-31, IBAN DE89 3704 0044 0532 0130 00, SWIFT DEUTDEFF, +44 20 7946 0958, Straße 12, 10115 Berlin'
seed $t table       'name,dob,ssn,email\nJane Doe,1990-01-31,536-90-4399,jane@x.io\nJohn Roe,1985-12-01,078-05-1120,john@y.io\n'
seed $t conn        'DATABASE_URL=postgres://admin:S3cr3tPass@10.0.0.12:5432/prod jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
seed $t mixed_utf8  'é\xc2\xa0🙂\u200b4539148803436467\xe2\x80\x87号 \xff\xfe invalid bytes'
# Longer than the engine's 2048-byte chunk, with values straddling the chunk boundary, so that
# libFuzzer's length limit (which starts at the largest seed) allows inputs past one chunk.
pad=$(printf 'x %.0s' $(seq 1 1017))
seed $t chunk_edge  "${pad}card 4539 1488 0343 6467 mail jane.doe@acme-corp.com SSN: 536-90-4399 号 ${pad}ghp_16C7e42F292c6912E7710c838347Ae178B4a end"

# --- scan_jsonl_line: one JSON line of the scan contract -------------------------------------
t=scan_jsonl_line
seed $t email       '{"id": "a1", "text": "mail jane.doe@acme-corp.com"}'
seed $t card        '{"id": 7, "text": "card 4539 1488 0343 6467 and SSN 536-90-4399"}'
seed $t pem         '{"id": "k", "text": "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----"}'
seed $t cjk         '{"id": "jp", "text": "氏名: 田中太郎 \\u4f4f\\u6240 東京都 電話 03-1234-5678 \\ud83d\\ude42"}'
seed $t no_text     '{"id": 3, "text": 42}'
seed $t bad_json    '{"id": "x", "text": "unterminated'
seed $t bad_utf8    '{"id": 1, "text": "\xff"}'
seed $t extra       '{"text": "password: hunter2", "id": null, "extra": [1, {"a": true}]}'
seed $t chunk_edge  "{\"id\": \"long\", \"text\": \"${pad}card 4539 1488 0343 6467 mail jane.doe@acme-corp.com\\\\n${pad}\"}"

# --- custom_spec: JSON CustomSpec ------------------------------------------------------------
t=custom_spec
seed $t dictionary  '{"kind": "dictionary", "id": "codenames", "terms": ["Project Falcon", "NIGHTJAR"], "case_sensitive": false, "whole_word": true}'
seed $t dict_cjk    '{"kind": "dictionary", "id": "jp", "terms": ["田中太郎", "東京"], "whole_word": false, "score": 0.7}'
seed $t regex_luhn  '{"kind": "regex", "id": "acct", "pattern": "ACCT-(\\\\d{16})", "validator": "luhn", "score": 0.8}'
seed $t regex_iban  '{"kind": "regex", "id": "iban", "pattern": "\\\\b[A-Z]{2}\\\\d{2}(?: ?[0-9A-Z]{4}){3,7}", "validator": "iban"}'
seed $t regex_uni   '{"kind": "regex", "id": "u", "pattern": "(\\\\p{Han}+)|\\\\d+", "validator": "mod97"}'
seed $t edm_email   '{"kind": "exact_match", "id": "customers", "salt": "00112233445566778899aabbccddeeff", "normalize": "email", "hashes": ["0000000000000000000000000000000000000000000000000000000000000000"]}'
seed $t edm_digits  '{"kind": "exact_match", "id": "phones", "salt": "00112233445566778899aabbccddeeff00", "normalize": "digits", "hashes": []}'
seed $t invalid     '{"kind": "regex", "id": "bad id!", "pattern": "(", "score": 2.0}'

seed $t edm_tenant  '{"kind": "exact_match", "id": "tenant-keyed", "normalize": "token", "hashes": []}'

# --- policy_bundle: bundles signed with the fuzz key (base64 of 32 bytes of 7) -----------------
# Needs a built promptwall (target/debug or target/release); skipped with a note otherwise.
t=policy_bundle
bin=""
for b in ../target/debug/promptwall ../target/release/promptwall; do [ -x "$b" ] && bin="$b" && break; done
if [ -n "$bin" ]; then
  mkdir -p "corpus/$t"
  tmp="$(mktemp -d)"
  printf 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=' > "$tmp/fuzz.key"
  "$bin" policy init "$tmp/p.json" >/dev/null
  "$bin" policy sign "$tmp/p.json" --key "$tmp/fuzz.key" --key-id fuzz --version 7 --not-before 1700000000 --valid-days 3650 --group engineering -o "corpus/$t/seed_group" >/dev/null
  "$bin" policy sign "$tmp/p.json" --key "$tmp/fuzz.key" --key-id fuzz --version 5 --not-before 1700000000 --valid-days 3650 --all-groups -o "corpus/$t/seed_all" >/dev/null
  "$bin" policy sign "$tmp/p.json" --key "$tmp/fuzz.key" --key-id fuzz --version 3 --not-before 1700000000 --valid-days 1 --all-groups -o "corpus/$t/seed_old" >/dev/null
  rm -rf "$tmp"
else
  echo "seeds.sh: no built promptwall; policy_bundle starts from random bytes" >&2
fi

# --- server_event: promptwall-server's event validation (JSON event, or an array of them) -------
t=server_event
ev='"format": 1, "event_id": "0f3a9c2e11d04b7e", "time_ms": 1763990000000, "device_id": "x", "user": "alice", "site": "chatgpt.com", "trigger": "paste", "action": "block", "rule_ids": ["block-secrets"], "entity_counts": {"AWS_ACCESS_KEY": 1, "US_SSN": 2}, "policy_version": 7'
seed $t good        "{${ev}}"
seed $t decision    "{${ev}, \"choice\": \"proceed_with_justification\", \"justification\": \"ticket 42\\\\nsecond line\\\\u202e\", \"fingerprints\": [\"a1b2\"], \"categories\": [\"credentials\"]}"
seed $t raw_text    "{${ev}, \"raw_text\": \"SSN 536-90-4399\"}"
seed $t formula     "{${ev}, \"user\": \"=HYPERLINK(1)\", \"rule_ids\": [\"@SUM(A1)\", \"-1+2\"]}"
seed $t batch       "[{${ev}}, {\"event_id\": \"x\", \"time_ms\": 9000000000000000000}, 5]"

echo "seeds written under $(pwd)/corpus/"
