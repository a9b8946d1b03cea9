// Reversible pseudonyms (policy `redaction` style `pseudonym`): the agent replaced values with
// placeholders that are stable within the conversation (`[PERSON_1]`) and said in the verdict
// which placeholder stands for which value. Here the AI's answer shows the real values again, in
// the page's DISPLAY only:
//
// - The mapping lives in this module's memory, in the content script's isolated world, for this
//   tab's conversation (the top page's path) only: never in storage, logs, events, messages to the
//   worker or DOM attributes. A change of path (a navigation inside the site) or leaving the page
//   forgets it, and restored values on the page go back to their placeholders.
// - The page's own text is never changed: a placeholder's text node is split out and moved into a
//   `<promptwall-pseudonym>` element whose CLOSED shadow root shows the value (dotted underline).
//   The light DOM keeps the placeholder, so page script reading the answer (textContent, a copy
//   button, a "send again") gets the placeholder, and the value is never in anything sent. Page
//   script cannot reach a closed root made from the isolated world.
// - Composers and other editable elements (textarea, input, contenteditable) are never touched.
// - Streaming: a MutationObserver over the answer area (the adapter's `response` selectors, else
//   the page) sees text as it comes; a placeholder split over adjacent text nodes
//   (`[PERS` + `ON_1]`) is joined when its last part arrives; an unfinished one waits.
// - Clicking (or Enter/Space on) a restored value toggles every restored value on the page
//   between the value and its pseudonym.

import { t } from './overlay';
import { conversationPath, site } from './site';

/** The placeholders the agent makes: `[TYPE_N]` (see promptwall_policy::Pseudonyms). */
const PLACEHOLDER = /\[[A-Za-z][A-Za-z0-9_.-]*_\d+\]/g;
const SKIP = new Set(['textarea', 'input', 'select', 'script', 'style', 'noscript', 'title', 'template', 'promptwall-overlay', 'promptwall-pseudonym']);

const CSS = `
:host { display: inline; }
.v { text-decoration: underline dotted; text-decoration-thickness: 1px; text-underline-offset: 2px; cursor: pointer; border-radius: 2px; }
.v:focus-visible { outline: 2px solid #1a56c4; outline-offset: 1px; }
.v.p { opacity: .8; }
`;

interface Restored { el: HTMLElement; placeholder: string; value: string }

const mapping = new Map<string, string>();
let mappingPath: string | null = null;
let restored: Restored[] = [];
let showPseudonyms = false;
let observer: MutationObserver | null = null;

/** Notes a verdict's placeholders for this conversation and restores what is already on the page. */
export function rememberPseudonyms(pairs: readonly { placeholder: string; value: string }[] | undefined) {
  if (!pairs?.length || !document.body) return;
  const path = conversationPath();
  if (mappingPath !== path) forgetPseudonyms();
  mappingPath = path;
  for (const p of pairs) {
    if (typeof p?.placeholder === 'string' && typeof p.value === 'string' && p.placeholder.match(PLACEHOLDER)?.[0] === p.placeholder) {
      mapping.set(p.placeholder, p.value);
    }
  }
  if (!mapping.size) return;
  if (!observer) {
    observer = new MutationObserver(onMutations);
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    addEventListener('pagehide', forgetPseudonyms);
  }
  scanSubtree(document.body);
  observer.takeRecords();
}

/** Forgets the mapping (navigation, page left); values shown on the page go back to placeholders. */
export function forgetPseudonyms() {
  mapping.clear();
  mappingPath = null;
  observer?.disconnect();
  observer = null;
  for (const r of restored) render(r, true);
  restored = [];
  showPseudonyms = false;
}

function onMutations(records: MutationRecord[]) {
  if (conversationPath() !== mappingPath) {
    forgetPseudonyms();
    return;
  }
  const parents = new Set<Node>();
  for (const m of records) {
    if (m.type === 'characterData') {
      if (m.target.parentNode) parents.add(m.target.parentNode);
      continue;
    }
    parents.add(m.target);
    for (const n of m.addedNodes) if (n.nodeType === Node.ELEMENT_NODE) scanSubtree(n as Element);
  }
  for (const p of parents) if (p.isConnected) restoreIn(p);
  observer?.takeRecords(); // our own splits and wrappers
}

/** Whether text under `el` is never restored (editable, not shown, or outside the answer area). */
function skipped(el: Element | null): boolean {
  if (!el) return true;
  for (let e: Element | null = el; e; e = e.parentElement) {
    if (SKIP.has(e.localName)) return true;
  }
  if ((el as HTMLElement).isContentEditable) return true;
  const response = site().adapter?.response;
  if (response?.length) {
    try { return !el.closest(response.join(', ')); } catch { return false; }
  }
  return false;
}

function scanSubtree(root: Element) {
  if (!mapping.size) return;
  const parents = new Set<Node>();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const d = (n as Text).data;
    if (n.parentNode && (d.includes('[') || d.includes(']'))) parents.add(n.parentNode);
  }
  for (const p of parents) restoreIn(p);
}

/** Restores the placeholders in the runs of adjacent text nodes directly under `parent`. */
function restoreIn(parent: Node) {
  if (!mapping.size) return;
  if (parent.nodeType !== Node.ELEMENT_NODE || skipped(parent as Element)) return;
  let run: Text[] = [];
  const runs: Text[][] = [];
  for (const n of parent.childNodes) {
    if (n.nodeType === Node.TEXT_NODE) run.push(n as Text);
    else if (run.length) { runs.push(run); run = []; }
  }
  if (run.length) runs.push(run);
  for (const r of runs) restoreRun(r);
}

function restoreRun(nodes: Text[]) {
  const text = nodes.map((n) => n.data).join('');
  if (!text.includes('[')) return;
  const matches = [...text.matchAll(PLACEHOLDER)].filter((m) => mapping.has(m[0]));
  // Last first: splitting keeps the earlier part in the original node, so earlier offsets hold.
  for (const m of matches.reverse()) {
    const start = m.index!;
    const end = start + m[0].length;
    const at = (pos: number, endSide: boolean): [number, number] => {
      let off = 0;
      for (let i = 0; i < nodes.length; i++) {
        const len = nodes[i]!.data.length;
        if (pos < off + len || (endSide && pos === off + len)) return [i, pos - off];
        off += len;
      }
      return [nodes.length - 1, nodes[nodes.length - 1]!.data.length];
    };
    const [i, oi] = at(start, false);
    const [j, oj] = at(end, true);
    const first = nodes[i]!;
    const mid = first.splitText(oi);
    if (i === j) {
      mid.splitText(end - start);
    } else {
      // The placeholder came in parts over several nodes: the first holds it whole, the others
      // lose their part (emptied, never removed: the page may still hold them).
      mid.data = m[0];
      for (let k = i + 1; k < j; k++) nodes[k]!.data = '';
      nodes[j]!.data = nodes[j]!.data.slice(oj);
    }
    wrap(mid, m[0]);
  }
}

function wrap(node: Text, placeholder: string) {
  const value = mapping.get(placeholder);
  if (value == null || !node.parentNode) return;
  const host = document.createElement('promptwall-pseudonym');
  node.parentNode.insertBefore(host, node);
  host.appendChild(node); // the placeholder stays in the light DOM, unslotted (not rendered)
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = CSS;
  const el = document.createElement('span');
  el.className = 'v';
  el.setAttribute('role', 'button');
  el.tabIndex = 0;
  const toggle = (e: Event) => {
    if (!e.isTrusted) return;
    e.preventDefault();
    e.stopPropagation();
    showPseudonyms = !showPseudonyms;
    for (const r of restored) render(r, showPseudonyms);
  };
  el.addEventListener('click', toggle);
  el.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') toggle(e); });
  root.append(style, el);
  const r: Restored = { el, placeholder, value };
  restored.push(r);
  render(r, showPseudonyms);
}

function render(r: Restored, asPseudonym: boolean) {
  r.el.textContent = asPseudonym ? r.placeholder : r.value;
  r.el.classList.toggle('p', asPseudonym);
  r.el.title = asPseudonym ? t('pseudonymShownTitle') : t('pseudonymRestoredTitle', r.placeholder);
  r.el.setAttribute('aria-pressed', String(asPseudonym));
}
