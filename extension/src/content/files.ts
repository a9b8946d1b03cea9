// Files by content (file inputs, dropped files, files in a paste): the first 64 KiB are sniffed,
// never the name or MIME type. Text-like files are inspected as text; images pass like
// screenshots; other files go to the agent with their bytes (`inspect_file`: it reads office
// documents), and what it cannot read is `uninspectable` there.

import type { InspectResult } from '../types';
import { byOf, actionOf, decide, devSignal } from './verdict';
import { askFile, askUninspectable, inspect, MAX_TEXT_UNITS } from './worker';

/** Binary files up to this size are sent to the agent to read (base64 grows them by a third,
 * which stays under the host's request cap); larger ones are uninspectable. */
const MAX_FILE_BYTES = 6 * 1024 * 1024;

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

type Sniffed = 'text' | 'image' | 'binary';

const MAGIC: [number[], Sniffed][] = [
  [[0x89, 0x50, 0x4e, 0x47], 'image'], [[0xff, 0xd8, 0xff], 'image'], [[0x47, 0x49, 0x46, 0x38], 'image'],
  [[0x42, 0x4d], 'image'], [[0x00, 0x00, 0x01, 0x00], 'image'],
  [[0x25, 0x50, 0x44, 0x46], 'binary'], [[0x50, 0x4b, 0x03, 0x04], 'binary'], [[0x50, 0x4b, 0x05, 0x06], 'binary'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'binary'], [[0x1f, 0x8b], 'binary'], [[0x7f, 0x45, 0x4c, 0x46], 'binary'],
  [[0x37, 0x7a, 0xbc, 0xaf], 'binary'], [[0x52, 0x61, 0x72, 0x21], 'binary'], [[0x4d, 0x5a], 'binary'],
];

/** What a file is, from its first bytes (never its name or type): text-like (valid UTF-8 or
 * UTF-16 with a BOM, next to no control characters) is inspected as text, whatever it is called
 * (id_rsa, .env.local, credentials, .npmrc, PEM, JSON, CSV, code); images pass like screenshots;
 * everything else is binary. */
async function sniff(f: File): Promise<Sniffed> {
  const head = new Uint8Array(await f.slice(0, 64 * 1024).arrayBuffer());
  for (const [sig, kind] of MAGIC) if (sig.every((b, i) => head[i] === b)) return kind;
  if (head.length >= 12 && head[0] === 0x52 && head[1] === 0x49 && head[2] === 0x46 && head[3] === 0x46 && String.fromCharCode(...head.slice(8, 12)) === 'WEBP') return 'image';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'text';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: f.size > head.length });
  } catch {
    return 'binary';
  }
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return 'binary';
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11 && c !== 27) control++;
  }
  return control > Math.max(2, text.length / 100) ? 'binary' : 'text';
}

async function readText(f: File): Promise<string> {
  const head = new Uint8Array(await f.slice(0, 2).arrayBuffer());
  const enc = head[0] === 0xff && head[1] === 0xfe ? 'utf-16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : 'utf-8';
  return new TextDecoder(enc).decode(await f.arrayBuffer());
}

/** Files on a paste or drop that need a look (images pass, as screenshots do). */
export function filesOf(dt: DataTransfer | null): File[] {
  return Array.from(dt?.files ?? []);
}

/** Inspects `files` by content; returns the files to hand to the page (redacted where the policy
 * says so), or null when the attachment is cancelled or blocked. */
export async function checkFiles(files: File[], trusted: boolean, anchor: Element | null): Promise<File[] | null> {
  const out: File[] = [];
  for (const f of files) {
    const t0 = performance.now();
    let kind: Sniffed;
    try {
      kind = await sniff(f);
    } catch {
      kind = 'binary';
    }
    if (kind === 'image') {
      out.push(f);
      continue;
    }
    let r: InspectResult;
    let text = '';
    if (kind === 'binary' && f.size <= MAX_FILE_BYTES) {
      try {
        r = await askFile('file', base64(new Uint8Array(await f.arrayBuffer())), f.size, trusted, f.name);
      } catch {
        r = await askUninspectable('file', 'unreadable', f.size, trusted, f.name);
      }
    } else if (kind === 'binary') {
      r = await askUninspectable('file', 'too_large', f.size, trusted, f.name);
    } else if (f.size > MAX_TEXT_UNITS * 3) {
      r = await askUninspectable('file', 'too_large', f.size, trusted, f.name);
    } else {
      try {
        text = await readText(f);
        r = await inspect(text, 'file', trusted);
      } catch {
        r = await askUninspectable('file', 'unreadable', f.size, trusted, f.name);
      }
    }
    devSignal({ trigger: 'file', action: actionOf(r), by: byOf(r), ms: performance.now() - t0, failed: !r.ok, kind });
    const res = await decide(text, 'file', r, anchor);
    if (!res.go) return null;
    out.push(res.changed ? new File([res.text], f.name, { type: f.type, lastModified: f.lastModified }) : f);
  }
  return out;
}
