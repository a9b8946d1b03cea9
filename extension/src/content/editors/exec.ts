// The insertion every editor kind shares: execCommand('insertText') with our own listeners
// bypassed, and a fallback for editors where execCommand does nothing.

import { state } from '../state';
import type { Editable } from './types';

/** Inserts `text` at the current selection of `c`; `fallback` runs when execCommand changed nothing. */
export function execInsert(c: Editable, text: string, read: (c: Editable) => string, fallback: () => void) {
  const before = read(c);
  state.bypass++;
  try {
    if (document.execCommand('insertText', false, text) || read(c) !== before) return;
    // Fallback for editors where execCommand is unavailable.
    fallback();
    c.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: text }));
  } finally {
    state.bypass--;
  }
}
