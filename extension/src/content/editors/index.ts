// Editor surgery, dispatched by kind: the adapter's `editor` (sites.json) where the element is
// one that kind can work on, else the kind recognised from the element (a text field, the
// markers of ProseMirror, Quill or Lexical, else a plain editing host). `contenteditable` in an
// adapter means "any editing host": the kind is then recognised too.

import { site } from '../site';
import { contentEditable } from './contenteditable';
import { fieldEditor } from './field';
import { lexical } from './lexical';
import { proseMirror } from './prosemirror';
import { quill } from './quill';
import type { Editable, Editor, EditorKind, Saved } from './types';

export type { Editable, Editor, EditorKind, Saved };
export { isField } from './field';

const BY_KIND: Record<EditorKind, Editor> = {
  textarea: fieldEditor,
  prosemirror: proseMirror,
  quill,
  lexical,
  contenteditable: contentEditable,
};

/** Recognition order: the most specific markers first, the plain editing host last. */
const RECOGNISED: Editor[] = [fieldEditor, proseMirror, quill, lexical, contentEditable];

/** The surgery for composer `c` on this page. */
export function editorFor(c: Editable): Editor {
  const declared = site().adapter?.editor;
  const byAdapter = declared && declared !== 'contenteditable' ? BY_KIND[declared] : undefined;
  if (byAdapter?.accepts(c)) return byAdapter;
  return RECOGNISED.find((e) => e.recognises(c)) ?? contentEditable;
}

export const composerText = (c: Editable): string => editorFor(c).text(c);

export const saveSelection = (c: Editable): Saved => editorFor(c).save(c);

/** Inserts text at the selection as if typed, so the page's editor state sees it. For rich
 * editors the selection is set first and the editor gets to see it before the insertion. */
export const insertText = (c: Editable, s: Saved | 'all', text: string): Promise<void> => editorFor(c).insert(c, s, text);

/** Whitespace-insensitive form of a composer text (editors differ in how they render breaks). */
export const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** How long an editor gets to take a rewrite before the send is held. */
const CONFIRM_MS = 1500;

/** One turn of the editor's update cycle: pending microtasks (MutationObservers, React's sync
 * lane), a task, and an animation frame (or 50 ms where frames do not run, e.g. hidden tabs). */
export function editorTurn(): Promise<void> {
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
export async function confirmText(c: Editable, want: string, timeoutMs = CONFIRM_MS): Promise<boolean> {
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
