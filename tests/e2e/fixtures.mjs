// Test inputs, generated from fixed seeds: nothing here is a real key, card or person.
// Every generator takes a seeded PRNG, so a failing case can be replayed exactly.

import * as zlibSync from 'node:zlib';

/** mulberry32: small, fast, deterministic. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const digits = (r, n) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const chars = (r, set, n) => Array.from({ length: n }, () => pick(r, set)).join('');

const WORDS = ('please summarise the quarterly plan and list owners for each action item we agreed on in the ' +
  'meeting yesterday including the billing migration onboarding flow and the roadmap review').split(' ');

export function prose(r, size) {
  const out = [];
  let n = 0;
  while (n < size) {
    const w = pick(r, WORDS);
    out.push(w);
    n += w.length + 1;
  }
  return out.join(' ').slice(0, size);
}

/** A PEM block shaped like an RSA private key: the base64 body decodes to bytes that start like a
 * DER SEQUENCE (0x30 0x82 …), followed by random bytes — the structure the detector checks. */
export function privateKey(r) {
  const bytes = [0x30, 0x82, 0x02, 0x5c, 0x02, 0x01, 0x00, 0x02, 0x81, 0x81, 0x00];
  while (bytes.length < 600) bytes.push(Math.floor(r() * 256));
  const b64 = Buffer.from(bytes).toString('base64');
  return `-----BEGIN RSA PRIVATE KEY-----\n${b64.match(/.{1,64}/g).join('\n')}\n-----END RSA PRIVATE KEY-----`;
}

/** A Luhn-valid 16-digit number on a test prefix, in groups of four. */
export function cardNumber(r) {
  const body = '4539' + digits(r, 11);
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  const full = body + ((10 - (sum % 10)) % 10);
  return full.match(/.{4}/g).join(' ');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function crc32(str) {
  let c = ~0;
  for (let i = 0; i < str.length; i++) {
    c ^= str.charCodeAt(i);
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A classic GitHub token shape: 30 random base62 characters and their base62 CRC32 (6 chars),
 * as the detector checks it. Random, so it belongs to no account. */
export function githubToken(r) {
  const body = chars(r, BASE62, 30);
  let n = crc32(body);
  let check = '';
  for (let i = 0; i < 6; i++) { check = BASE62[n % 62] + check; n = Math.floor(n / 62); }
  return `ghp_${body}${check}`;
}

const FIRST = ['Jane', 'Omar', 'Lena', 'Kofi', 'Maria', 'Tomas', 'Aiko', 'Priya'];
const LAST = ['Roe', 'Haddad', 'Novak', 'Mensah', 'Lindqvist', 'Okafor', 'Tanaka', 'Iyer'];

/** A customer record with a name, an e-mail address, a phone number and a date of birth (the
 * phone and the birth date alone make the two personal-data findings the default policy warns on;
 * not every name is in the detector's name lists, and example.com addresses count as placeholders). */
export function customerRecord(r) {
  const f = pick(r, FIRST), l = pick(r, LAST);
  const dob = `19${60 + Math.floor(r() * 40)}-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 10)}`;
  return `Customer ${f} ${l}, email ${f.toLowerCase()}.${l.toLowerCase()}@example.com, phone +1 415 555 ${digits(r, 4)}, date of birth ${dob}, asked about the refund.`;
}

/** A paste of about `size` characters that contains an e-mail address and a card number (as
 * in tests/bench/host_roundtrip.py), so every verdict is a recorded `redact`. */
export function benchPaste(r, size) {
  const tail = ` contact ${pick(r, FIRST).toLowerCase()}@northwind.io card ${cardNumber(r)}`;
  return prose(r, size - tail.length) + tail;
}

/** A minimal .docx (a zip of XML, entries stored uncompressed) whose one paragraph is `text`:
 * enough for the agent's office-document reader, made here so no binary blob is committed. */
export function docx(text) {
  const { crc32 } = zlibSync;
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const files = [
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
    ['word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t xml:space="preserve">${esc(text)}</w:t></w:r></w:p></w:body></w:document>`],
  ];
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, body] of files) {
    const n = Buffer.from(name);
    const b = Buffer.from(body);
    const crc = crc32(b) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(b.length, 18); local.writeUInt32LE(b.length, 22); local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(b.length, 20); central.writeUInt32LE(b.length, 24); central.writeUInt16LE(n.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, n, b);
    centrals.push(central, n);
    offset += 30 + n.length + b.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}
