// `quill` editors (Gemini, AI Studio): the editing host is `.ql-editor`. Quill polls the DOM
// selection and observes mutations, so the shared surgery works; its update lands a task later,
// which the send gate's read-back waits for.

import { richEditor } from './contenteditable';

export const quill = richEditor('quill', '.ql-editor');
