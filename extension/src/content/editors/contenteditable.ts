// `contenteditable` editors: any editing host (a plain contenteditable, or a rich editor this
// code has no more specific kind for). The selection is a DOM Range, set through the selection
// object of the composer's root (its shadow root's, in Chromium); before inserting, the editor
// gets to see the selection change (rich editors read their selection from `selectionchange`).

import { execInsert } from './exec';
import type { Editable, Editor, Saved } from './types';

/** The selection object that can hold ranges in `c` (its shadow root's, in Chromium). */
function selectionFor(c: Node): Selection | null {
  const root = c.getRootNode() as ShadowRoot & { getSelection?: () => Selection | null };
  if (root instanceof ShadowRoot && typeof root.getSelection === 'function') return root.getSelection();
  return getSelection();
}

const isEditingHost = (c: Editable): boolean => c instanceof HTMLElement && c.isContentEditable && !(c instanceof HTMLTextAreaElement || c instanceof HTMLInputElement);

function text(c: Editable): string {
  return c.innerText ?? c.textContent ?? '';
}

function save(c: Editable): Saved {
  const sel = selectionFor(c);
  if (sel && sel.rangeCount && c.contains(sel.getRangeAt(0).startContainer)) return sel.getRangeAt(0).cloneRange();
  return null;
}

function restore(c: Editable, s: Saved) {
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
  const r = document.createRange();
  r.selectNodeContents(c);
  const sel = selectionFor(c);
  sel?.removeAllRanges();
  sel?.addRange(r);
}

/** Resolves at the next selectionchange (editors such as Lexical take the selection from it
 * before they handle an insertion), or after 50 ms. */
function selectionSettled(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { document.removeEventListener('selectionchange', done); clearTimeout(timer); setTimeout(resolve, 0); };
    const timer = setTimeout(done, 50);
    document.addEventListener('selectionchange', done);
  });
}

async function insert(c: Editable, s: Saved | 'all', value: string) {
  c.focus();
  if (s === 'all') selectAll(c);
  else restore(c, s);
  await selectionSettled();
  // The user may have moved the caret meanwhile: put ours back (no wait this time).
  if (s === 'all') selectAll(c);
  else restore(c, s);
  execInsert(c, value, text, () => {
    const sel = selectionFor(c);
    if (sel?.rangeCount) {
      const r = sel.getRangeAt(0);
      r.deleteContents();
      r.insertNode(document.createTextNode(value));
      r.collapse(false);
    }
  });
}

export const contentEditable: Editor = {
  kind: 'contenteditable',
  accepts: isEditingHost,
  recognises: isEditingHost,
  text,
  save,
  insert,
};

/** A rich editor built on an editing host: the same surgery, recognised by its library's marker. */
export function richEditor(kind: Editor['kind'], marker: string): Editor {
  return { ...contentEditable, kind, recognises: (c) => isEditingHost(c) && c.matches(marker) };
}
