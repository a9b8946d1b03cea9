// Content script: catches what is pasted, dropped, attached or sent in an AI site's composer,
// asks the agent (through the service worker) and applies its verdict in the page.
//
// Every listener is on `window` in the capture phase and is registered at document_start, so it
// runs before any handler the page registers. A handler that needs a verdict calls
// preventDefault() and stopImmediatePropagation() synchronously (before any await) and later
// re-inserts the allowed or redacted text with document.execCommand('insertText'), which editors
// (textarea, ProseMirror, Quill, Lexical) accept as user input.
//
// Nothing here logs or stores pasted text.

import { adapters as siteAdapters, dev_adapters as devAdapters, generic } from './sites.json';
import { blockDialog, notice, t, warnDialog, type FindingLine } from './overlay';
import type { Action, Choice, InspectResult, ToWorker, Trigger, Verdict } from './types';

declare const __DEV__: boolean;

interface Adapter { id: string; name: string; hosts: string[]; paths?: Record<string, string[]>; editor: string; composer: string[]; send: string[] }

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) {
    const d = pattern.slice(2);
    return host === d || host.endsWith(`.${d}`);
  }
  return host === pattern;
}

const ADAPTERS: Adapter[] = [...(siteAdapters as Adapter[]), ...(__DEV__ ? (devAdapters as Adapter[]) : [])];
const host = location.hostname.toLowerCase();
interface Site { adapter?: Adapter; guarded: boolean; composer: string; send: string }

let siteCache: { path: string; site: Site } | null = null;

/** The adapter for this page now (sites route client-side, so the path is read per event). On a
 * host whose adapter is scoped to paths (x.com: /i/grok), other paths are not guarded at all. */
function site(): Site {
  const path = location.pathname;
  if (siteCache?.path === path) return siteCache.site;
  const onHost = ADAPTERS.filter((a) => a.hosts.some((h) => hostMatches(h, host)));
  const adapter = onHost.find((a) => !a.paths?.[host] || a.paths[host].some((p) => path.startsWith(p)));
  const guarded = !!adapter || onHost.length === 0;
  const s: Site = {
    adapter,
    guarded,
    composer: [...(adapter?.composer ?? []), ...generic.composer].join(', '),
    send: [...(adapter?.send ?? []), ...generic.send].join(', '),
  };
  siteCache = { path, site: s };
  return s;
}

/** Largest text sent for inspection (the agent refuses frames over 4 MiB by default). */
const MAX_TEXT = 3 * 1024 * 1024;

// ---------------------------------------------------------------- composer helpers

type Editable = HTMLTextAreaElement | HTMLInputElement | HTMLElement;

/** The editable the event happened in: a textarea, or the editing host of a contenteditable. */
function composerFrom(target: EventTarget | null): Editable | null {
  if (!(target instanceof Node)) return null;
  const elem = target instanceof Element ? target : target.parentElement;
  if (!elem || elem.closest('promptwall-overlay')) return null;
  if (elem instanceof HTMLTextAreaElement) return elem;
  if (elem instanceof HTMLInputElement) return elem.matches(site().composer) ? elem : null;
  if (!(elem instanceof HTMLElement) || !elem.isContentEditable) return null;
  let root: HTMLElement = elem as HTMLElement;
  while (root.parentElement && root.parentElement.isContentEditable) root = root.parentElement;
  return root;
}

/** The composer a send button belongs to: in the same form if there is one, else the adapter's. */
function composerForButton(btn: Element): Editable | null {
  const scope = btn.closest('form');
  const sel = site().composer;
  const candidates = [...(scope ? scope.querySelectorAll<HTMLElement>(sel) : []), ...document.querySelectorAll<HTMLElement>(sel)];
  for (const c of candidates) {
    const ed = composerFrom(c);
    if (ed) return ed;
  }
  return null;
}

const isField = (c: Editable): c is HTMLTextAreaElement | HTMLInputElement => c instanceof HTMLTextAreaElement || c instanceof HTMLInputElement;

function composerText(c: Editable): string {
  return isField(c) ? c.value : (c.innerText ?? c.textContent ?? '');
}

type Saved = { start: number; end: number } | Range | null;

function saveSelection(c: Editable): Saved {
  if (isField(c)) return { start: c.selectionStart ?? c.value.length, end: c.selectionEnd ?? c.value.length };
  const sel = getSelection();
  if (sel && sel.rangeCount && c.contains(sel.getRangeAt(0).startContainer)) return sel.getRangeAt(0).cloneRange();
  return null;
}

function restoreSelection(c: Editable, s: Saved) {
  if (isField(c)) {
    const pos = s && !(s instanceof Range) ? s : { start: c.value.length, end: c.value.length };
    c.setSelectionRange(Math.min(pos.start, c.value.length), Math.min(pos.end, c.value.length));
    return;
  }
  const sel = getSelection();
  if (!sel) return;
  let range = s instanceof Range && c.contains(s.startContainer) && c.contains(s.endContainer) ? s : null;
  if (!range) {
    range = document.createRange();
    range.selectNodeContents(c);
    range.collapse(false);
  }
  sel.removeAllRanges();
  sel.addRange(range);
}

function selectAll(c: Editable) {
  if (isField(c)) c.select();
  else {
    const r = document.createRange();
    r.selectNodeContents(c);
    const sel = getSelection();
    sel?.removeAllRanges();
    sel?.addRange(r);
  }
}

/** While > 0, our own synthetic events and insertions pass our listeners untouched. */
let bypass = 0;

/** Inserts text at the selection as if typed, so the page's editor state sees it. */
function insertText(c: Editable, s: Saved | 'all', text: string) {
  c.focus();
  if (s === 'all') selectAll(c);
  else restoreSelection(c, s);
  const before = composerText(c);
  bypass++;
  try {
    if (document.execCommand('insertText', false, text) || composerText(c) !== before) return;
    // Fallback for editors where execCommand is unavailable.
    if (isField(c)) {
      const start = c.selectionStart ?? c.value.length, end = c.selectionEnd ?? start;
      c.setRangeText(text, start, end, 'end');
      c.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
    } else {
      const sel = getSelection();
      if (sel?.rangeCount) {
        const r = sel.getRangeAt(0);
        r.deleteContents();
        r.insertNode(document.createTextNode(text));
        r.collapse(false);
      }
      c.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
    }
  } finally {
    bypass--;
  }
}

// ---------------------------------------------------------------- text already inspected

/** Texts that went into the composer after a verdict (allowed, redacted or proceeded); a send of
 * nothing but these is not inspected again and does not ask twice. */
let approved: string[] = [];
const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

function approve(text: string) {
  const n = norm(text);
  // Short pieces are cheap to inspect again, and a send made only of many short approved pieces
  // could spell something no inspection saw whole.
  if (n.length < 12) return;
  approved.push(n);
  if (approved.length > 50) approved = approved.slice(-50);
}

function uninspected(text: string): string {
  let rest = norm(text);
  for (const a of [...approved].sort((x, y) => y.length - x.length)) rest = rest.split(a).join(' ');
  return rest.trim();
}

/** Whether every finding of `v` lies inside text the user already proceeded with. */
function findingsAlreadyApproved(text: string, v: Verdict): boolean {
  if (!v.findings.length) return false;
  const spans: [number, number][] = [];
  for (const a of approved) {
    // Approved texts are normalized; look them up in the normalized text, then map back.
    let from = 0;
    for (;;) {
      const i = text.indexOf(a, from);
      if (i < 0) break;
      spans.push([i, i + a.length]);
      from = i + 1;
    }
  }
  return v.findings.every((f) => spans.some(([s, e]) => f.start_utf16 >= s && f.end_utf16 <= e));
}

// ---------------------------------------------------------------- verdicts

// Inspections go over one long-lived port to the worker (cheaper per message than
// runtime.sendMessage, which opens a channel each time). When the worker stops, the port closes;
// the next request opens a new one, which starts the worker again.
let wport: chrome.runtime.Port | null = null;
let wnext = 1;
const wpending = new Map<number, (r: InspectResult | null) => void>();

function workerPort(): chrome.runtime.Port {
  if (wport) return wport;
  const p = chrome.runtime.connect({ name: 'promptwall-content' });
  p.onMessage.addListener((m: { id: number; result: InspectResult }) => {
    const done = wpending.get(m.id);
    wpending.delete(m.id);
    done?.(m.result);
  });
  p.onDisconnect.addListener(() => {
    if (wport === p) wport = null;
    for (const done of wpending.values()) done(null);
    wpending.clear();
  });
  wport = p;
  return p;
}

function askWorker(msg: ToWorker): Promise<InspectResult | null> {
  return new Promise((resolve) => {
    const id = wnext++;
    wpending.set(id, resolve);
    try {
      workerPort().postMessage({ id, msg });
    } catch {
      wpending.delete(id);
      wport = null;
      resolve(null);
    }
  });
}

async function inspect(text: string, trigger: Trigger): Promise<InspectResult> {
  if (text.length > MAX_TEXT) return { ok: false, fail_mode: 'closed', reason: 'too_large' };
  const msg: ToWorker = { kind: 'inspect', text, trigger, url: location.href, conversation_id: location.pathname };
  try {
    // Once more on a fresh port if the worker went away under the request.
    const r = (await askWorker(msg)) ?? (await askWorker(msg));
    return r ?? { ok: false, fail_mode: 'open', reason: 'no_reply' };
  } catch {
    // The extension was reloaded or updated under this page: nothing can be inspected.
    return { ok: false, fail_mode: 'open', reason: 'extension_unavailable' };
  }
}

function typeLabel(type: string): string {
  const key = `type_${type.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const m = t(key);
  if (m !== key) return m;
  const s = type.replace(/[_-]+/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Masks a value for display: at most its last two characters stay. */
function mask(value: string): string {
  const v = value.trim();
  if (v.length <= 6) return '•'.repeat(Math.max(v.length, 3));
  return `${'•'.repeat(Math.min(v.length - 2, 10))}${v.slice(-2)}`;
}

function findingLines(text: string, v: Verdict, withMasked: boolean): FindingLine[] {
  const byType = new Map<string, FindingLine>();
  for (const f of v.findings) {
    const label = typeLabel(f.type);
    const line = byType.get(label) ?? { label, count: 0, masked: [] };
    line.count++;
    if (withMasked && line.masked.length < 2) line.masked.push(mask(text.slice(f.start_utf16, f.end_utf16)));
    byType.set(label, line);
  }
  return [...byType.values()];
}

function summary(lines: FindingLine[]): string {
  return lines.map((l) => (l.count > 1 ? t('findingCountMany', [l.label, String(l.count)]) : t('findingCountOne', l.label))).join(', ');
}

function reportDecision(v: Verdict, trigger: Trigger, choice: Choice, justification?: string) {
  if (!v.event_id) return;
  const msg: ToWorker = { kind: 'decision', event_id: v.event_id, choice, justification, action: v.action, host, trigger };
  chrome.runtime.sendMessage(msg).catch(() => {});
}

/** Test builds only: tells the page a verdict arrived (timings and action, never content). */
function devSignal(detail: Record<string, unknown>) {
  if (__DEV__) document.dispatchEvent(new CustomEvent('promptwall:verdict', { detail: JSON.stringify(detail) }));
}

type Outcome = { go: true; text: string; changed: boolean } | { go: false };

/** Applies a verdict's outcome in the UI and says whether (and with which text) to go on. */
async function decide(text: string, trigger: Trigger, r: InspectResult, opts: { skipWarnIfApproved?: boolean } = {}): Promise<Outcome> {
  if (!r.ok) {
    if (r.reason === 'too_large') {
      await blockDialog({ title: t('blockTitle'), message: t('tooLarge'), findings: [], link: null });
      return { go: false };
    }
    if (r.fail_mode === 'closed') {
      await blockDialog({ title: t('unavailableTitle'), message: t('failClosedMessage'), findings: [], link: null });
      return { go: false };
    }
    notice('fail_open', t('unavailableTitle'), [t('failOpenMessage')]);
    return { go: true, text, changed: false };
  }
  const v = r.verdict;
  switch (v.action) {
    case 'allow':
      return { go: true, text, changed: false };
    case 'redact': {
      const lines = findingLines(text, v, false);
      notice('redact', t('redactTitle'), [v.message, t('redactReplaced', summary(lines))].filter(Boolean));
      return { go: true, text: v.redacted_text ?? '', changed: true };
    }
    case 'warn': {
      if (opts.skipWarnIfApproved && findingsAlreadyApproved(text, v)) return { go: true, text, changed: false };
      const res = await warnDialog({ message: v.message, findings: findingLines(text, v, true), overrideAllowed: v.override_allowed, justificationRequired: v.justification_required, link: v.link });
      reportDecision(v, trigger, res.choice, res.justification);
      return res.choice === 'cancel' ? { go: false } : { go: true, text, changed: false };
    }
    case 'block':
    default: {
      await blockDialog({ title: t('blockTitle'), message: v.message || t('blockDefault'), findings: findingLines(text, v, false), link: v.link });
      return { go: false };
    }
  }
}

function actionOf(r: InspectResult): Action | 'unavailable' {
  return r.ok ? r.verdict.action : 'unavailable';
}

const byOf = (r: InspectResult) => (r.ok ? r.verdict.decided_by : r.fail_mode);

// ---------------------------------------------------------------- paste and drop

async function inspectAndInsert(c: Editable, saved: Saved, text: string, trigger: Trigger, t0: number) {
  const r = await inspect(text, trigger);
  const ms = performance.now() - t0;
  devSignal({ trigger, action: actionOf(r), by: byOf(r), ms, worker_ms: r.ok ? r.worker_ms : undefined, port_ms: r.ok ? r.port_ms : undefined, failed: !r.ok });
  const out = await decide(text, trigger, r);
  if (!out.go) {
    c.focus();
    return;
  }
  insertText(c, saved, out.text);
  approve(out.text);
  devSignal({ trigger, inserted: true, ms: performance.now() - t0 });
}

function onPaste(e: ClipboardEvent) {
  if (bypass) return;
  const c = composerFrom(e.target);
  const dt = e.clipboardData;
  if (!c || !dt) return;
  const text = dt.getData('text/plain');
  if (!text.trim()) return; // images and empty pastes go through
  const t0 = performance.now();
  e.preventDefault();
  e.stopImmediatePropagation();
  void inspectAndInsert(c, saveSelection(c), text, 'paste', t0);
}

let dragFromComposer = false;
const onDragStart = (e: DragEvent) => { dragFromComposer = !!composerFrom(e.target); };
const onDragEnd = () => { dragFromComposer = false; };

function onDrop(e: DragEvent) {
  if (bypass || dragFromComposer) return;
  const c = composerFrom(e.target);
  const dt = e.dataTransfer;
  if (!c || !dt) return;
  const files = Array.from(dt.files ?? []);
  const textFiles = files.filter(isTextFile);
  if (textFiles.length) {
    e.preventDefault();
    e.stopImmediatePropagation();
    const target = e.target as Element;
    const init = { clientX: e.clientX, clientY: e.clientY, bubbles: true, cancelable: true, composed: true };
    void checkFiles(files).then((checked) => {
      if (!checked) return;
      const out = new DataTransfer();
      for (const f of checked) out.items.add(f);
      bypass++;
      try { target.dispatchEvent(new DragEvent('drop', { ...init, dataTransfer: out })); } finally { bypass--; }
    });
    return;
  }
  const text = dt.getData('text/plain');
  if (!text.trim()) return;
  const t0 = performance.now();
  e.preventDefault();
  e.stopImmediatePropagation();
  let saved: Saved = saveSelection(c);
  if (!isField(c)) {
    const at = (document as any).caretRangeFromPoint?.(e.clientX, e.clientY) as Range | null;
    if (at && c.contains(at.startContainer)) saved = at;
  }
  void inspectAndInsert(c, saved, text, 'drop', t0);
}

// ---------------------------------------------------------------- files

const TEXT_EXT = /\.(txt|md|markdown|csv|tsv|json|jsonl|ya?ml|xml|log|ini|cfg|conf|env|properties|toml|pem|key|crt|sql|sh|bash|zsh|ps1|py|js|mjs|cjs|ts|tsx|jsx|java|kt|go|rs|c|h|cc|cpp|hpp|cs|rb|php|swift|scala|r|html?|css|scss|vue|svelte|tf|gradle)$/i;

function isTextFile(f: File): boolean {
  return f.type.startsWith('text/') || /^application\/(json|xml|x-yaml|yaml|javascript|x-sh|sql|x-pem-file|toml)/.test(f.type) || TEXT_EXT.test(f.name);
}

/** Inspects the text files among `files`; returns the files to hand to the page (redacted where
 * the policy says so), or null when the attachment is cancelled or blocked. */
async function checkFiles(files: File[]): Promise<File[] | null> {
  const out: File[] = [];
  for (const f of files) {
    if (!isTextFile(f)) {
      out.push(f);
      continue;
    }
    const t0 = performance.now();
    const text = f.size > MAX_TEXT ? '\0'.repeat(MAX_TEXT + 1) : await f.text();
    const r = await inspect(text, 'file');
    devSignal({ trigger: 'file', action: actionOf(r), by: byOf(r), ms: performance.now() - t0, failed: !r.ok });
    const res = await decide(text, 'file', r);
    if (!res.go) return null;
    out.push(res.changed ? new File([res.text], f.name, { type: f.type, lastModified: f.lastModified }) : f);
  }
  return out;
}

const fileInputsInFlight = new WeakSet<HTMLInputElement>();

function onFileInput(e: Event) {
  if (bypass) return;
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
  const files = Array.from(input.files ?? []);
  if (!files.some(isTextFile)) return;
  // The page must not see the files before the verdict: hold both `input` and `change`.
  e.stopImmediatePropagation();
  if (fileInputsInFlight.has(input)) return;
  fileInputsInFlight.add(input);
  // `input` comes first; `change` follows in the same task. Start once, after both were held.
  setTimeout(async () => {
    try {
      const checked = await checkFiles(files);
      if (!checked) {
        input.value = '';
        return;
      }
      if (checked.some((f, i) => f !== files[i])) {
        const dt = new DataTransfer();
        for (const f of checked) dt.items.add(f);
        input.files = dt.files;
      }
      bypass++;
      try {
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      } finally {
        bypass--;
      }
    } finally {
      fileInputsInFlight.delete(input);
    }
  }, 0);
}

// ---------------------------------------------------------------- submit (Enter, send button, form)

let swallowEnterKeyup = false;
let submitting = false;

/** Starts a checked send; `resend` replays the user's send once the text may go. */
function guardSubmit(e: Event, c: Editable, resend: () => void): boolean {
  const text = composerText(c);
  if (!uninspected(text)) return false; // only text that was already inspected: let it go
  e.preventDefault();
  e.stopImmediatePropagation();
  if (submitting) return true;
  submitting = true;
  const t0 = performance.now();
  void (async () => {
    try {
      const r = await inspect(text, 'submit');
      devSignal({ trigger: 'submit', action: actionOf(r), by: byOf(r), ms: performance.now() - t0, failed: !r.ok });
      const out = await decide(text, 'submit', r, { skipWarnIfApproved: true });
      if (!out.go) {
        c.focus();
        return;
      }
      if (out.changed) insertText(c, 'all', out.text);
      approve(out.changed ? out.text : text);
      approve(composerText(c));
      resend();
    } finally {
      submitting = false;
    }
  })();
  return true;
}

function onKeyDown(e: KeyboardEvent) {
  if (bypass || e.key !== 'Enter' || e.shiftKey || e.altKey || e.isComposing) return;
  const c = composerFrom(e.target);
  if (!c || c instanceof HTMLInputElement) return;
  if (guardSubmit(e, c, () => replayEnter(c, e))) swallowEnterKeyup = true;
}

function onKeyUp(e: KeyboardEvent) {
  if (e.key === 'Enter' && swallowEnterKeyup && !bypass) {
    swallowEnterKeyup = false;
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}

/** Replays Enter for the page's own handler; where the page does not act on it (Enter means a new
 * line there), the new line is typed instead. */
function replayEnter(c: Editable, orig: KeyboardEvent) {
  const before = composerText(c);
  const init: KeyboardEventInit = { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true, composed: true, ctrlKey: orig.ctrlKey, metaKey: orig.metaKey } as KeyboardEventInit;
  bypass++;
  let handled: boolean;
  try {
    c.focus();
    handled = !c.dispatchEvent(new KeyboardEvent('keydown', init));
    c.dispatchEvent(new KeyboardEvent('keypress', init));
    c.dispatchEvent(new KeyboardEvent('keyup', init));
  } finally {
    bypass--;
  }
  if (handled || composerText(c) !== before) return;
  // The page did not act on the replayed Enter: on a known site, press its send button; elsewhere
  // Enter meant a new line.
  const s = site();
  const btn = s.adapter ? document.querySelector<HTMLElement>(s.adapter.send.join(', ')) : null;
  if (btn) {
    bypass++;
    try { btn.click(); } finally { bypass--; }
  } else if (!s.adapter) {
    insertText(c, saveSelection(c), '\n');
  }
}

function onClick(e: MouseEvent) {
  if (bypass || !(e.target instanceof Element)) return;
  const btn = e.target.closest(site().send);
  if (!btn) return;
  const c = composerForButton(btn);
  if (!c) return;
  guardSubmit(e, c, () => {
    bypass++;
    try { (btn as HTMLElement).click(); } finally { bypass--; }
  });
}

function onSubmit(e: SubmitEvent) {
  if (bypass || !(e.target instanceof HTMLFormElement)) return;
  const form = e.target;
  const inner = form.querySelector<HTMLElement>(site().composer);
  const c = inner ? composerFrom(inner) : null;
  if (!c) return;
  const submitter = e.submitter;
  guardSubmit(e, c, () => {
    bypass++;
    try { form.requestSubmit(submitter && form.contains(submitter) ? submitter : undefined); } finally { bypass--; }
  });
}

// ---------------------------------------------------------------- wiring

/** False once the extension was updated or reloaded under this page: this copy of the script can
 * no longer reach the worker, and must step aside for the copy the new version injects. */
function alive(): boolean {
  try {
    return !!chrome.runtime?.id;
  } catch {
    return false;
  }
}

const HANDLERS: [string, (e: any) => void][] = [
  ['paste', onPaste], ['drop', onDrop], ['input', onFileInput], ['change', onFileInput],
  ['keydown', onKeyDown], ['keyup', onKeyUp], ['click', onClick], ['submit', onSubmit],
  ['dragstart', onDragStart], ['dragend', onDragEnd],
];

function wire() {
  for (const [type, fn] of HANDLERS) {
    const guarded = (e: Event) => {
      if (!alive()) {
        unwire();
        return; // let the event reach the new copy's listeners
      }
      if (site().guarded) fn(e);
    };
    wired.push([type, guarded]);
    window.addEventListener(type, guarded, true);
  }
}

const wired: [string, (e: Event) => void][] = [];
function unwire() {
  for (const [type, fn] of wired.splice(0)) window.removeEventListener(type, fn, true);
}

// The worker also injects this script into tabs that were open before the extension was installed
// or updated; a live copy already here keeps the page.
const g = globalThis as { __promptwallAlive?: () => boolean };
if (!g.__promptwallAlive?.()) {
  g.__promptwallAlive = alive;
  wire();
  if (__DEV__) document.documentElement.setAttribute('data-promptwall-ready', site().adapter?.id ?? 'generic');
}
