// Every message key the code asks chrome.i18n for exists in the English catalogue, and every
// catalogue entry is used (type_* keys are looked up by finding type, so they are exempt).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const catalogue = JSON.parse(readFileSync('static/_locales/en/messages.json', 'utf8'));
const used = new Set();
// Every .ts under src/ (content/, background/, popup/ and the shared modules).
const sources = [...readdirSync('src', { recursive: true }).filter((f) => f.endsWith('.ts')).map((f) => join('src', f)),
  ...readdirSync('static').filter((f) => f.endsWith('.html')).map((f) => join('static', f))];
for (const f of sources) {
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) used.add(m[1]);
  for (const m of text.matchAll(/data-i18n="([A-Za-z0-9_]+)"/g)) used.add(m[1]);
  for (const m of text.matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) used.add(m[1]);
  // Keys built from a value: `action_${…}`, `choice_${…}`, `trigger_${…}`, `type_${…}`.
  for (const m of text.matchAll(/`([a-z]+)_\$\{/g)) for (const k of Object.keys(catalogue)) if (k.startsWith(`${m[1]}_`)) used.add(k);
}
for (const k of ['extName', 'extDescription']) used.add(k); // manifest
const missing = [...used].filter((k) => !catalogue[k]);
const unused = Object.keys(catalogue).filter((k) => !used.has(k));
if (missing.length || unused.length) {
  if (missing.length) console.error(`i18n: keys used but missing from messages.json: ${missing.join(', ')}`);
  if (unused.length) console.error(`i18n: keys in messages.json never used: ${unused.join(', ')}`);
  process.exit(1);
}
console.log(`i18n: ${used.size} keys, all present`);
