// Editor surgery: how text is read from, selected in and inserted into a composer, per kind of
// editor. Every kind inserts through document.execCommand('insertText'), which the page's editor
// takes as user input (its own model updates, its undo stack too); the kinds differ in how the
// selection is set first and in how they are recognised.

import type { EditorKind } from '../site';

export type { EditorKind };

/** A composer: a text field, or the editing host of a contenteditable. */
export type Editable = HTMLTextAreaElement | HTMLInputElement | HTMLElement;

/** A caret or selection saved before a verdict, restored to insert the verdict's text there. */
export type Saved = { start: number; end: number } | Range | null;

export interface Editor {
  readonly kind: EditorKind;
  /** Whether this surgery can work on the element at all (a text field, or an editing host):
   * the adapter's declared kind is used only where it does. */
  accepts(c: Editable): boolean;
  /** Whether the element looks like this editor (its library's markers): for pages whose
   * adapter does not say, or says something the element is not. */
  recognises(c: Editable): boolean;
  /** The composer's text as the user sees it. */
  text(c: Editable): string;
  save(c: Editable): Saved;
  /** Inserts `text` at the saved selection (or over everything), as if typed. */
  insert(c: Editable, s: Saved | 'all', text: string): Promise<void>;
}
