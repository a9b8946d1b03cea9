// `textarea` editors: a <textarea> (plain or React-controlled) or a text <input>. The selection
// is the field's own (selectionStart/End); React sees execCommand's insertion as typing.

import { execInsert } from './exec';
import type { Editable, Editor, Saved } from './types';

export type Field = HTMLTextAreaElement | HTMLInputElement;

export const isField = (c: Editable): c is Field => c instanceof HTMLTextAreaElement || c instanceof HTMLInputElement;

function restore(c: Field, s: Saved) {
  const pos = s && !(s instanceof Range) ? s : { start: c.value.length, end: c.value.length };
  c.setSelectionRange(Math.min(pos.start, c.value.length), Math.min(pos.end, c.value.length));
}

export const fieldEditor: Editor = {
  kind: 'textarea',
  accepts: isField,
  recognises: isField,
  text: (c) => (c as Field).value,
  save(c) {
    const f = c as Field;
    return { start: f.selectionStart ?? f.value.length, end: f.selectionEnd ?? f.value.length };
  },
  async insert(c, s, text) {
    const f = c as Field;
    f.focus();
    if (s === 'all') f.select();
    else restore(f, s);
    execInsert(f, text, fieldEditor.text, () => {
      const start = f.selectionStart ?? f.value.length, end = f.selectionEnd ?? start;
      f.setRangeText(text, start, end, 'end');
    });
  },
};
