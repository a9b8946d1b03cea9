// Content script: catches what is pasted, dropped, attached or sent in an AI site's composer,
// asks the agent (through the service worker) and applies its verdict in the page.
//
// Every listener is on `window` in the capture phase and is registered at document_start, so it
// runs before any handler the page registers. A handler that needs a verdict calls
// preventDefault() and stopImmediatePropagation() synchronously (before any await) and later
// re-inserts the allowed or redacted text with document.execCommand('insertText'), which editors
// (textarea, ProseMirror, Quill, Lexical, React) take as user input.
//
// Runs in every frame (all_frames, match_about_blank) and sees composers inside open shadow roots
// (composedPath()). Nothing here logs or stores pasted text.
//
// The modules, by concern:
//   state.ts      the frame's state, all of it (one object)
//   site.ts       site lookup: the adapter of sites.json for this page and path
//   composer.ts   finding the composer an event or a send button belongs to
//   editors/      editor surgery per kind (textarea, ProseMirror, Quill, Lexical, contenteditable),
//                 dispatched on the adapter's `editor`, else recognised from the element
//   worker.ts     the port to the service worker (inspections, decisions, the fail mode)
//   verdict.ts    the verdict UI (notices and dialogs of overlay.ts) and what to do next
//   approvals.ts  texts approved moments ago in this conversation
//   files.ts      files by content
//   insert.ts     paste, drop and file-input handlers
//   send.ts       the send gate (Enter, send button, form submit)
//   index.ts      wiring (this file)

import { onDragEnd, onDragStart, onDrop, onFileInput, onPaste } from './insert';
import { onClick, onKeyDown, onKeyUp, onSubmit } from './send';
import { loadPolicyAdapters, site } from './site';
import { state } from './state';
import { primeFailMode } from './worker';

declare const __DEV__: boolean;

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
    state.wired.push([type, guarded]);
    window.addEventListener(type, guarded, true);
  }
  addEventListener('popstate', () => site());
  addEventListener('hashchange', () => site());
}

function unwire() {
  for (const [type, fn] of state.wired.splice(0)) window.removeEventListener(type, fn, true);
}

// The worker also injects this script into tabs that were open before the extension was installed
// or updated; a live copy already here keeps the page.
const g = globalThis as { __promptwallAlive?: () => boolean };
if (!g.__promptwallAlive?.()) {
  g.__promptwallAlive = alive;
  wire();
  if (site().guarded) primeFailMode();
  // The policy's site adapters (a storage read, milliseconds); until then the built-in ones apply.
  void loadPolicyAdapters().then(() => {
    if (__DEV__) document.documentElement?.setAttribute('data-promptwall-ready', site().adapter?.id ?? 'generic');
  });
}
