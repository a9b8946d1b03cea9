// Content script: catches what is pasted, dropped, attached or sent in an AI site's composer,
// asks the agent (through the service worker) and applies its verdict in the page.
//
// Every listener is on `window` in the capture phase and is registered at document_start, so it
// runs before any handler the page registers. A handler that needs a verdict calls
// preventDefault() and stopImmediatePropagation() synchronously (before any await) and later
// re-inserts the allowed or redacted text with document.execCommand('insertText'), which editors
// (textarea, ProseMirror, Quill, Lexical, React) take as user input.
//
// The send gate keeps one invariant: what the page sends is the text the verdict allowed. After
// rewriting a composer it waits for the editor's own update cycle (microtasks, a task, animation
// frames) and reads the composer back; only when it holds the allowed text is the send replayed.
// Otherwise nothing is sent and the user is told.
//
// Runs in every frame (all_frames, match_about_blank) and sees composers inside open shadow roots
// (composedPath()). Nothing here logs or stores pasted text.

import { adapters as siteAdapters, dev_adapters as devAdapters, generic } from './sites.json';
import { blockDialog, notice, t, warnDialog, type FindingLine } from './overlay';
import type { Action, Choice, FailMode, InspectResult, ToWorker, Trigger, UninspectableReason, Verdict } from './types';

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

/** This frame's host; an about:blank or srcdoc frame has its creator's origin. */
const host = (() => {
  if (location.hostname) return location.hostname.toLowerCase();
  try { return new URL(self.origin).hostname.toLowerCase(); } catch { return ''; }
})();

/** The page's address for the agent: this frame's, else the top page's (same origin), else the origin. */
function pageUrl(): string {
  if (/^https?:$/.test(location.protocol)) return location.href;
  try { if (window.top && /^https?:$/.test(window.top.location.protocol)) return window.top.location.href; } catch { /* cross-origin */ }
  try { return `${new URL(self.origin).origin}/`; } catch { return ''; }
}

/** The conversation: the top page's path where it can be read (a framed composer belongs to it). */
function conversationPath(): string {
  try { if (window.top && window.top !== window && /^https?:$/.test(window.top.location.protocol)) return window.top.location.pathname; } catch { /* cross-origin */ }
  return /^https?:$/.test(location.protocol) ? location.pathname : '/';
}

interface Site { adapter?: Adapter; guarded: boolean; composer: string; send: string }

let siteCache: { path: string; site: Site } | null = null;

/** The adapter for this page now (sites route client-side, so the path is read per event). On a
 * host whose adapter is scoped to paths (x.com: /i/grok), other paths are not guarded at all.
 * A change of path is a navigation: approvals made on the old path are dropped. */
function site(): Site {
  const path = conversationPath();
  if (siteCache?.path === path) return siteCache.site;
  if (siteCache) clearApprovals();
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

/** Texts longer than this (UTF-16 units; their UTF-8 is at least as long) are over any host's
 * cap: they go to the agent as `uninspectable` without the text. The worker measures the rest in
 * UTF-8 JSON bytes against the cap the host announced. */
const MAX_TEXT_UNITS = 8 * 1024 * 1024;

/** How long an editor gets to take a rewrite before the send is held. */
const CONFIRM_MS = 1500;

// ---------------------------------------------------------------- composer helpers

type Editable = HTMLTextAreaElement | HTMLInputElement | HTMLElement;

/** Whether a node belongs to our own overlay (its shadow tree). */
function inOverlay(n: Node): boolean {
  const root = n.getRootNode();
  return (root instanceof ShadowRoot && root.host.localName === 'promptwall-overlay') || (n instanceof Element && !!n.closest('promptwall-overlay'));
}

/** The innermost target of an event, inside open shadow roots. */
function innerTarget(e: Event): EventTarget | null {
  const path = e.composedPath();
  return path.length ? path[0] : e.target;
}

/** The editable the event happened in: a textarea, or the editing host of a contenteditable. */
function composerFrom(target: EventTarget | null): Editable | null {
  if (!(target instanceof Node)) return null;
  const elem = target instanceof Element ? target : target.parentElement;
  if (!elem || inOverlay(elem)) return null;
  if (elem instanceof HTMLTextAreaElement) return elem;
  if (elem instanceof HTMLInputElement) return elem.matches(site().composer) ? elem : null;
  if (!(elem instanceof HTMLElement) || !elem.isContentEditable) return null;
  let root: HTMLElement = elem as HTMLElement;
  while (root.parentElement && root.parentElement.isContentEditable) root = root.parentElement;
  return root;
}

/** Every element matching `sel` in the document and in open shadow roots under it. */
function deepQueryAll(sel: string, from: Document | ShadowRoot | Element = document): HTMLElement[] {
  const out = [...from.querySelectorAll<HTMLElement>(sel)];
  const walk = (n: Document | ShadowRoot | Element) => {
    for (const e of n.querySelectorAll('*')) {
      if (e.shadowRoot && !inOverlay(e)) {
        out.push(...e.shadowRoot.querySelectorAll<HTMLElement>(sel));
        walk(e.shadowRoot);
      }
    }
  };
  if (out.length === 0) walk(from); // shadow roots only when the light DOM has none
  return out;
}

/** The composer a send button belongs to: in the same form (or shadow root) if there is one, else the adapter's. */
function composerForButton(btn: Element): Editable | null {
  const sel = site().composer;
  const scope = btn.closest('form');
  const root = btn.getRootNode();
  const candidates = [
    ...(scope ? scope.querySelectorAll<HTMLElement>(sel) : []),
    ...(root instanceof ShadowRoot ? root.querySelectorAll<HTMLElement>(sel) : []),
    ...deepQueryAll(sel),
  ];
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

/** The selection object that can hold ranges in `c` (its shadow root's, in Chromium). */
function selectionFor(c: Node): Selection | null {
  const root = c.getRootNode() as ShadowRoot & { getSelection?: () => Selection | null };
  if (root instanceof ShadowRoot && typeof root.getSelection === 'function') return root.getSelection();
  return getSelection();
}

type Saved = { start: number; end: number } | Range | null;

function saveSelection(c: Editable): Saved {
  if (isField(c)) return { start: c.selectionStart ?? c.value.length, end: c.selectionEnd ?? c.value.length };
  const sel = selectionFor(c);
  if (sel && sel.rangeCount && c.contains(sel.getRangeAt(0).startContainer)) return sel.getRangeAt(0).cloneRange();
  return null;
}

function restoreSelection(c: Editable, s: Saved) {
  if (isField(c)) {
    const pos = s && !(s instanceof Range) ? s : { start: c.value.length, end: c.value.length };
    c.setSelectionRange(Math.min(pos.start, c.value.length), Math.min(pos.end, c.value.length));
    return;
  }
  const sel = selectionFor(c);
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
    const sel = selectionFor(c);
    sel?.removeAllRanges();
    sel?.addRange(r);
  }
}

/** While > 0, our own synthetic events and insertions pass our listeners untouched. */
let bypass = 0;

/** Resolves at the next selectionchange (editors such as Lexical take the selection from it
 * before they handle an insertion), or after 50 ms. */
function selectionSettled(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { document.removeEventListener('selectionchange', done); clearTimeout(timer); setTimeout(resolve, 0); };
    const timer = setTimeout(done, 50);
    document.addEventListener('selectionchange', done);
  });
}

/** Inserts text at the selection as if typed, so the page's editor state sees it. For rich
 * editors the selection is set first and the editor gets to see it before the insertion. */
async function insertText(c: Editable, s: Saved | 'all', text: string) {
  c.focus();
  if (s === 'all') selectAll(c);
  else restoreSelection(c, s);
  if (!isField(c)) {
    await selectionSettled();
    // The user may have moved the caret meanwhile: put ours back (no wait this time).
    if (s === 'all') selectAll(c);
    else restoreSelection(c, s);
  }
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
      const sel = selectionFor(c);
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

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** One turn of the editor's update cycle: pending microtasks (MutationObservers, React's sync
 * lane), a task, and an animation frame (or 50 ms where frames do not run, e.g. hidden tabs). */
function editorTurn(): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(() => {
      let done = false;
      const go = () => { if (!done) { done = true; resolve(); } };
      requestAnimationFrame(() => setTimeout(go, 0));
      setTimeout(go, 50);
    }, 0);
  });
}

/** Waits until the editor holds `want` (read back through the composer after its own update
 * cycle, twice in a row), or `timeoutMs` passes. */
async function confirmText(c: Editable, want: string, timeoutMs = CONFIRM_MS): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  const goal = norm(want);
  let stable = 0;
  while (performance.now() < end) {
    await editorTurn();
    if (!c.isConnected) return false;
    if (norm(composerText(c)) === goal) {
      if (++stable >= 2) return true;
    } else stable = 0;
  }
  return false;
}

// ---------------------------------------------------------------- approvals

/** Texts that went into the composer after a verdict (allowed, redacted or proceeded), each bound
 * to the conversation (path) it was approved in and to a short time. A send of nothing but these
 * is not inspected again and does not ask twice; a send that goes out clears them all, and so
 * does a navigation. */
interface Approval { text: string; path: string; expires: number }
const APPROVAL_TTL_MS = 60_000;
let approvals: Approval[] = [];

function approve(text: string) {
  const n = norm(text);
  // Short pieces are cheap to inspect again, and a send made only of many short approved pieces
  // could spell something no inspection saw whole.
  if (n.length < 12) return;
  approvals.push({ text: n, path: conversationPath(), expires: Date.now() + APPROVAL_TTL_MS });
  if (approvals.length > 50) approvals = approvals.slice(-50);
}

function clearApprovals() {
  approvals = [];
}

function liveApprovals(): string[] {
  const now = Date.now(), path = conversationPath();
  approvals = approvals.filter((a) => a.expires > now && a.path === path);
  return approvals.map((a) => a.text);
}

function uninspected(text: string): string {
  let rest = norm(text);
  for (const a of liveApprovals().sort((x, y) => y.length - x.length)) rest = rest.split(a).join(' ');
  return rest.trim();
}

/** Whether every finding of `v` lies inside text the user already proceeded with. */
function findingsAlreadyApproved(text: string, v: Verdict): boolean {
  if (!v.findings.length) return false;
  const spans: [number, number][] = [];
  for (const a of liveApprovals()) {
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
const wpending = new Map<number, (r: any) => void>();

/** The fail mode last learned from the worker (or read from storage at start): used when the
 * worker itself cannot be reached. The default before anything is known is the product default. */
let knownFailMode: FailMode = 'open';
const stricter = (a: FailMode | undefined, b: FailMode | undefined): FailMode => (a === 'closed' || b === 'closed' ? 'closed' : 'open');

function workerPort(): chrome.runtime.Port {
  if (wport) return wport;
  const p = chrome.runtime.connect({ name: 'promptwall-content' });
  p.onMessage.addListener((m: { id: number; result: any }) => {
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

function askWorker<T = InspectResult>(msg: ToWorker): Promise<T | null> {
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

async function ask(msg: ToWorker): Promise<InspectResult> {
  try {
    // Once more on a fresh port if the worker went away under the request.
    const r = (await askWorker(msg)) ?? (await askWorker(msg));
    if (r?.fail_mode) knownFailMode = r.fail_mode;
    return r ?? { ok: false, fail_mode: knownFailMode, reason: 'no_reply' };
  } catch {
    // The extension was reloaded or updated under this page: nothing can be inspected.
    return { ok: false, fail_mode: knownFailMode, reason: 'extension_unavailable' };
  }
}

function inspect(text: string, trigger: Trigger, trusted: boolean): Promise<InspectResult> {
  if (text.length > MAX_TEXT_UNITS) return askUninspectable(trigger, 'too_large', new Blob([text]).size, trusted);
  return ask({ kind: 'inspect', text, trigger, url: pageUrl(), conversation_id: conversationPath(), trusted });
}

function askUninspectable(trigger: Trigger, reason: UninspectableReason, size: number, trusted: boolean, name?: string): Promise<InspectResult> {
  return ask({ kind: 'uninspectable', trigger, reason, size, name, url: pageUrl(), conversation_id: conversationPath(), trusted });
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
  for (const f of v.findings ?? []) {
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
  try { chrome.runtime.sendMessage(msg).catch(() => {}); } catch { /* extension gone */ }
}

/** Test builds only: tells the page a verdict arrived (timings and action, never content). */
function devSignal(detail: Record<string, unknown>) {
  if (__DEV__) document.dispatchEvent(new CustomEvent('promptwall:verdict', { detail: JSON.stringify(detail) }));
}

function uninspectableMessage(reason: string): string {
  if (reason === 'binary_file') return t('binaryFile');
  if (reason === 'unreadable') return t('unreadableFile');
  return t('tooLarge');
}

type Outcome = { go: true; text: string; changed: boolean; asked: boolean } | { go: false };

/** Applies a verdict's outcome in the UI and says whether (and with which text) to go on. */
async function decide(text: string, trigger: Trigger, r: InspectResult, anchor: Element | null, opts: { skipWarnIfApproved?: boolean } = {}): Promise<Outcome> {
  if (!r.ok) {
    if (r.reason === 'rate_limited') {
      notice('error', t('rateLimitedTitle'), [t('rateLimitedMessage')], anchor);
      return { go: false };
    }
    if (r.uninspectable) {
      const message = uninspectableMessage(r.reason);
      if (r.uninspectable === 'block') {
        await blockDialog({ title: t('blockTitle'), message, findings: [], link: null });
        return { go: false };
      }
      const res = await warnDialog({ message, findings: [], overrideAllowed: true, justificationRequired: false, link: null });
      return res.choice === 'cancel' ? { go: false } : { go: true, text, changed: false, asked: true };
    }
    if (r.fail_mode === 'closed') {
      await blockDialog({ title: t('unavailableTitle'), message: t('failClosedMessage'), findings: [], link: null });
      return { go: false };
    }
    notice('fail_open', t('unavailableTitle'), [t('failOpenMessage')], anchor);
    return { go: true, text, changed: false, asked: false };
  }
  const v = r.verdict;
  switch (v.action) {
    case 'allow':
      return { go: true, text, changed: false, asked: false };
    case 'redact': {
      const lines = findingLines(text, v, false);
      notice('redact', t('redactTitle'), [v.message, t('redactReplaced', summary(lines))].filter(Boolean), anchor);
      return { go: true, text: v.redacted_text ?? '', changed: true, asked: false };
    }
    case 'warn': {
      if (opts.skipWarnIfApproved && findingsAlreadyApproved(text, v)) return { go: true, text, changed: false, asked: false };
      const res = await warnDialog({ message: v.message, findings: findingLines(text, v, true), overrideAllowed: v.override_allowed, justificationRequired: v.justification_required, link: v.link });
      reportDecision(v, trigger, res.choice, res.justification);
      return res.choice === 'cancel' ? { go: false } : { go: true, text, changed: false, asked: true };
    }
    case 'block':
    default: {
      await blockDialog({ title: t('blockTitle'), message: v.message || t('blockDefault'), findings: findingLines(text, v, false), link: v.link });
      return { go: false };
    }
  }
}

function actionOf(r: InspectResult): Action | 'unavailable' {
  if (r.ok) return r.verdict.action;
  return r.uninspectable ?? 'unavailable';
}

const byOf = (r: InspectResult) => (r.ok ? r.verdict.decided_by : r.uninspectable ? 'local' : r.fail_mode);

// ---------------------------------------------------------------- work in flight

/** Inspections of pastes, drops and files not decided yet: a send waits for them. */
let inFlight = 0;
/** A send asked for while inspections were in flight, replayed when they went in unchanged by a
 * dialog (allow or redact); dropped when any was blocked, cancelled or needed the user. */
let queuedSend: { run: () => void; spoiled: boolean } | null = null;

function settleInFlight(outcome: 'inserted' | 'stopped' | 'asked') {
  inFlight--;
  if (queuedSend && outcome !== 'inserted') queuedSend.spoiled = true;
  if (inFlight === 0 && queuedSend) {
    const q = queuedSend;
    queuedSend = null;
    if (!q.spoiled) setTimeout(q.run, 0);
  }
}

// ---------------------------------------------------------------- paste and drop

async function inspectAndInsert(c: Editable, saved: Saved, text: string, trigger: Trigger, t0: number, trusted: boolean) {
  let outcome: 'inserted' | 'stopped' | 'asked' = 'stopped';
  try {
    const r = await inspect(text, trigger, trusted);
    const ms = performance.now() - t0;
    devSignal({ trigger, action: actionOf(r), by: byOf(r), ms, worker_ms: r.ok ? r.worker_ms : undefined, port_ms: r.ok ? r.port_ms : undefined, failed: !r.ok, trusted });
    const out = await decide(text, trigger, r, c);
    if (!out.go) {
      c.focus();
      return;
    }
    await insertText(c, saved, out.text);
    approve(out.text);
    outcome = out.asked ? 'asked' : 'inserted';
    devSignal({ trigger, inserted: true, ms: performance.now() - t0 });
  } finally {
    settleInFlight(outcome);
  }
}

/** Files on a paste or drop that need a look (images pass, as screenshots do). */
function filesOf(dt: DataTransfer | null): File[] {
  return Array.from(dt?.files ?? []);
}

function onPaste(e: ClipboardEvent) {
  if (bypass) return;
  const target = innerTarget(e);
  const c = composerFrom(target);
  const dt = e.clipboardData;
  if (!c || !dt) return;
  const files = filesOf(dt);
  if (files.length && files.some((f) => !f.type.startsWith('image/'))) {
    // Files in the clipboard: inspected by content, then handed to the page in a paste of its own.
    e.preventDefault();
    e.stopImmediatePropagation();
    inFlight++;
    void checkFiles(files, e.isTrusted, c).then((checked) => {
      settleInFlight(checked ? 'inserted' : 'stopped');
      if (!checked) return;
      const out = new DataTransfer();
      for (const f of checked) out.items.add(f);
      bypass++;
      try { (target as Element).dispatchEvent(new ClipboardEvent('paste', { clipboardData: out, bubbles: true, cancelable: true, composed: true })); } finally { bypass--; }
    });
    return;
  }
  const text = dt.getData('text/plain');
  if (!text.trim()) return; // images and empty pastes go through
  const t0 = performance.now();
  e.preventDefault();
  e.stopImmediatePropagation();
  inFlight++;
  void inspectAndInsert(c, saveSelection(c), text, 'paste', t0, e.isTrusted);
}

let dragFromComposer = false;
const onDragStart = (e: DragEvent) => { dragFromComposer = !!composerFrom(innerTarget(e)); };
const onDragEnd = () => { dragFromComposer = false; };

function onDrop(e: DragEvent) {
  if (bypass || dragFromComposer) return;
  const target = innerTarget(e);
  const c = composerFrom(target);
  const dt = e.dataTransfer;
  if (!c || !dt) return;
  const files = filesOf(dt);
  if (files.length) {
    if (files.every((f) => f.type.startsWith('image/'))) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const init = { clientX: e.clientX, clientY: e.clientY, bubbles: true, cancelable: true, composed: true };
    inFlight++;
    void checkFiles(files, e.isTrusted, c).then((checked) => {
      settleInFlight(checked ? 'inserted' : 'stopped');
      if (!checked) return;
      const out = new DataTransfer();
      for (const f of checked) out.items.add(f);
      bypass++;
      try { (target as Element).dispatchEvent(new DragEvent('drop', { ...init, dataTransfer: out })); } finally { bypass--; }
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
  inFlight++;
  void inspectAndInsert(c, saved, text, 'drop', t0, e.isTrusted);
}

// ---------------------------------------------------------------- files (by content)

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

/** Inspects `files` by content; returns the files to hand to the page (redacted where the policy
 * says so), or null when the attachment is cancelled or blocked. */
async function checkFiles(files: File[], trusted: boolean, anchor: Element | null): Promise<File[] | null> {
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
    if (kind === 'binary') {
      r = await askUninspectable('file', 'binary_file', f.size, trusted, f.name);
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

const fileInputsInFlight = new WeakSet<HTMLInputElement>();

function onFileInput(e: Event) {
  if (bypass) return;
  const input = innerTarget(e);
  if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
  const files = Array.from(input.files ?? []);
  if (!files.length || files.every((f) => f.type.startsWith('image/'))) return;
  // The page must not see the files before the verdict: hold both `input` and `change`.
  e.stopImmediatePropagation();
  if (fileInputsInFlight.has(input)) return;
  fileInputsInFlight.add(input);
  inFlight++;
  const trusted = e.isTrusted;
  // `input` comes first; `change` follows in the same task. Start once, after both were held.
  setTimeout(async () => {
    let ok = false;
    try {
      const checked = await checkFiles(files, trusted, input);
      if (!checked) {
        input.value = '';
        return;
      }
      ok = true;
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
      settleInFlight(ok ? 'inserted' : 'stopped');
    }
  }, 0);
}

// ---------------------------------------------------------------- submit (Enter, send button, form)

let swallowEnterKeyup = false;
let submitting = false;
/** The text of a send let go in this task (see guardSubmit). */
let passing: string | null = null;

/** Starts a checked send; `resend` replays the user's send once the composer holds exactly the
 * text the verdict allowed. Returns whether the event was taken (held). */
function guardSubmit(e: Event, c: Editable, resend: () => void): boolean {
  if (submitting) {
    // A second Enter or click while the first is being checked: never sends unchecked text.
    e.preventDefault();
    e.stopImmediatePropagation();
    return true;
  }
  if (inFlight > 0) {
    // A paste or drop is still being checked: the send waits for it, then runs through this gate.
    e.preventDefault();
    e.stopImmediatePropagation();
    queuedSend = { run: () => { if (!guardSubmitNow(c, resend, e.isTrusted)) sendNow(resend); }, spoiled: false };
    return true;
  }
  const text = composerText(c);
  // The same send seen again in the same task (Enter that the page turns into a form submit, a
  // click that submits): already let go.
  if (passing !== null && norm(text) === passing) return false;
  if (!uninspected(text)) {
    // Only text that was already inspected, in this conversation, moments ago: it goes; the
    // approvals are spent.
    clearApprovals();
    passing = norm(text);
    setTimeout(() => { passing = null; }, 0);
    return false;
  }
  e.preventDefault();
  e.stopImmediatePropagation();
  void runSubmit(c, text, resend, e.isTrusted);
  return true;
}

/** guardSubmit for a replayed (queued) send: true when a check was started. */
function guardSubmitNow(c: Editable, resend: () => void, trusted: boolean): boolean {
  if (!c.isConnected) return true;
  const text = composerText(c);
  if (!uninspected(text)) return false;
  void runSubmit(c, text, resend, trusted);
  return true;
}

function sendNow(resend: () => void) {
  clearApprovals();
  resend();
}

async function runSubmit(c: Editable, text: string, resend: () => void, trusted: boolean) {
  submitting = true;
  const t0 = performance.now();
  try {
    for (let round = 0; round < 3; round++) {
      const r = await inspect(text, 'submit', trusted);
      devSignal({ trigger: 'submit', action: actionOf(r), by: byOf(r), ms: performance.now() - t0, failed: !r.ok, round });
      const out = await decide(text, 'submit', r, c, { skipWarnIfApproved: true });
      if (!out.go) {
        c.focus();
        return;
      }
      if (!c.isConnected) {
        notice('error', t('sendHeldTitle'), [t('sendHeldGone')], null);
        devSignal({ trigger: 'submit', held: 'composer_gone' });
        return;
      }
      if (norm(composerText(c)) !== norm(text)) {
        // The composer changed while the verdict was pending (the user typed on): the verdict is
        // about text that is no longer there. Check what is there now (a proceed stays approved).
        if (out.asked) approve(text);
        text = composerText(c);
        continue;
      }
      if (out.changed) {
        // Rewrite, then let the editor take it: its model must hold the allowed text before the send.
        await insertText(c, 'all', out.text);
        let confirmed = await confirmText(c, out.text);
        if (!confirmed && c.isConnected) {
          // Once more: some editors drop an edit made while they were busy.
          await insertText(c, 'all', out.text);
          confirmed = await confirmText(c, out.text);
        }
        if (!confirmed) {
          notice('error', t('sendHeldTitle'), [t('sendHeldMessage')], c);
          devSignal({ trigger: 'submit', held: 'unconfirmed' });
          return;
        }
      } else {
        // Unchanged by us: still give the editor its turn so its model has every keystroke.
        await editorTurn();
        if (norm(composerText(c)) !== norm(text)) {
          if (out.asked) approve(text);
          text = composerText(c);
          continue;
        }
      }
      sendNow(resend);
      devSignal({ trigger: 'submit', resent: true, ms: performance.now() - t0 });
      return;
    }
    notice('error', t('sendHeldTitle'), [t('sendHeldMessage')], c);
    devSignal({ trigger: 'submit', held: 'changing' });
  } finally {
    submitting = false;
  }
}

function onKeyDown(e: KeyboardEvent) {
  if (bypass || e.key !== 'Enter' || e.shiftKey || e.altKey || e.isComposing) return;
  const c = composerFrom(innerTarget(e));
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
    void insertText(c, saveSelection(c), '\n');
  }
}

/** The send control an event happened on, inside open shadow roots too. */
function sendButtonOf(e: Event): Element | null {
  const sel = site().send;
  for (const n of e.composedPath()) {
    if (n instanceof Element && !inOverlay(n) && n.matches(sel)) return n;
    if (n === document.body) break;
  }
  return null;
}

function onClick(e: MouseEvent) {
  if (bypass) return;
  const btn = sendButtonOf(e);
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
  addEventListener('popstate', () => site());
  addEventListener('hashchange', () => site());
}

const wired: [string, (e: Event) => void][] = [];
function unwire() {
  for (const [type, fn] of wired.splice(0)) window.removeEventListener(type, fn, true);
}

/** Learns the fail mode in force before anything is inspected (managed storage and the cached
 * policy, then the worker's answer), for the error paths where the worker cannot be asked. */
function primeFailMode() {
  try {
    chrome.storage.managed?.get('failMode').then((m) => { knownFailMode = stricter(knownFailMode, m?.failMode); }, () => {});
    chrome.storage.local.get('cachedHello').then((h) => { knownFailMode = stricter(knownFailMode, h?.cachedHello?.fail_mode); }, () => {});
  } catch { /* storage not reachable from here */ }
  void askWorker<{ fail_mode?: FailMode }>({ kind: 'failmode' }).then((r) => { if (r?.fail_mode) knownFailMode = r.fail_mode; }, () => {});
}

// The worker also injects this script into tabs that were open before the extension was installed
// or updated; a live copy already here keeps the page.
const g = globalThis as { __promptwallAlive?: () => boolean };
if (!g.__promptwallAlive?.()) {
  g.__promptwallAlive = alive;
  wire();
  if (site().guarded) primeFailMode();
  if (__DEV__) document.documentElement?.setAttribute('data-promptwall-ready', site().adapter?.id ?? 'generic');
}
