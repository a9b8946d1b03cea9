// `prosemirror` editors (ChatGPT, Claude, Mistral, Grok; Tiptap is ProseMirror too): the editing
// host carries the class `ProseMirror`. ProseMirror reads the DOM selection on `selectionchange`
// and turns execCommand's `beforeinput`/`input` into a transaction, so the shared surgery works.

import { richEditor } from './contenteditable';

export const proseMirror = richEditor('prosemirror', '.ProseMirror');
