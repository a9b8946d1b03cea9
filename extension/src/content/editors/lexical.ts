// `lexical` editors (Perplexity, Meta AI): the editing host carries `data-lexical-editor`.
// Lexical takes its selection from `selectionchange` before it handles an insertion, which is
// why the shared surgery lets the editor see the selection change before inserting.

import { richEditor } from './contenteditable';

export const lexical = richEditor('lexical', '[data-lexical-editor]');
