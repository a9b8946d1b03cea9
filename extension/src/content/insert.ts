// Event handlers for content coming in: paste, drop and file inputs. Each holds the event
// synchronously (before any await), asks for a verdict, and re-inserts the allowed or redacted
// text (or hands the checked files to the page) afterwards.

import type { Trigger } from '../types';
import { approve } from './approvals';
import { composerFrom, innerTarget } from './composer';
import { insertText, isField, saveSelection, type Editable, type Saved } from './editors';
import { checkFiles, filesOf } from './files';
import { settleInFlight, state } from './state';
import { actionOf, byOf, decide, devSignal } from './verdict';
import { inspect } from './worker';

async function inspectAndInsert(c: Editable, saved: Saved, text: string, trigger: Trigger, t0: number, trusted: boolean) {
  let outcome: 'inserted' | 'stopped' | 'asked' = 'stopped';
  try {
    const r = await inspect(text, trigger, trusted);
    const ms = performance.now() - t0;
    devSignal({ trigger, action: actionOf(r), by: byOf(r), ms, worker_ms: r.ok ? r.worker_ms : undefined, port_ms: r.ok ? r.port_ms : undefined, failed: !r.ok, trusted });
    const out = await decide(text, trigger, r, c);
    if (!out.go) {
      c.focus();
      return;
    }
    await insertText(c, saved, out.text);
    approve(out.text);
    outcome = out.asked ? 'asked' : 'inserted';
    devSignal({ trigger, inserted: true, ms: performance.now() - t0 });
  } finally {
    settleInFlight(outcome);
  }
}

export function onPaste(e: ClipboardEvent) {
  if (state.bypass) return;
  const target = innerTarget(e);
  const c = composerFrom(target);
  const dt = e.clipboardData;
  if (!c || !dt) return;
  const files = filesOf(dt);
  if (files.length && files.some((f) => !f.type.startsWith('image/'))) {
    // Files in the clipboard: inspected by content, then handed to the page in a paste of its own.
    e.preventDefault();
    e.stopImmediatePropagation();
    replayCheckedFiles(files, e.isTrusted, c, target, (out) => new ClipboardEvent('paste', { clipboardData: out, bubbles: true, cancelable: true, composed: true }));
    return;
  }
  const text = dt.getData('text/plain');
  if (!text.trim()) return; // images and empty pastes go through
  const t0 = performance.now();
  e.preventDefault();
  e.stopImmediatePropagation();
  state.inFlight++;
  void inspectAndInsert(c, saveSelection(c), text, 'paste', t0, e.isTrusted);
}

/** Inspects files held back from a paste or drop by content, then hands what may go to the page
 * in an event of the same kind (`make`), which this script lets through. */
function replayCheckedFiles(files: File[], trusted: boolean, c: Element, target: EventTarget | null, make: (out: DataTransfer) => Event) {
  state.inFlight++;
  void checkFiles(files, trusted, c).then((checked) => {
    settleInFlight(checked ? 'inserted' : 'stopped');
    if (!checked) return;
    const out = new DataTransfer();
    for (const f of checked) out.items.add(f);
    state.bypass++;
    try { (target as Element).dispatchEvent(make(out)); } finally { state.bypass--; }
  });
}

export const onDragStart = (e: DragEvent) => { state.dragFromComposer = !!composerFrom(innerTarget(e)); };
export const onDragEnd = () => { state.dragFromComposer = false; };

export function onDrop(e: DragEvent) {
  if (state.bypass || state.dragFromComposer) return;
  const target = innerTarget(e);
  const c = composerFrom(target);
  const dt = e.dataTransfer;
  if (!c || !dt) return;
  const files = filesOf(dt);
  if (files.length) {
    if (files.every((f) => f.type.startsWith('image/'))) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const init = { clientX: e.clientX, clientY: e.clientY, bubbles: true, cancelable: true, composed: true };
    replayCheckedFiles(files, e.isTrusted, c, target, (out) => new DragEvent('drop', { ...init, dataTransfer: out }));
    return;
  }
  const text = dt.getData('text/plain');
  if (!text.trim()) return;
  const t0 = performance.now();
  e.preventDefault();
  e.stopImmediatePropagation();
  let saved: Saved = saveSelection(c);
  if (!isField(c)) {
    const at = (document as any).caretRangeFromPoint?.(e.clientX, e.clientY) as Range | null;
    if (at && c.contains(at.startContainer)) saved = at;
  }
  state.inFlight++;
  void inspectAndInsert(c, saved, text, 'drop', t0, e.isTrusted);
}

export function onFileInput(e: Event) {
  if (state.bypass) return;
  const input = innerTarget(e);
  if (!(input instanceof HTMLInputElement) || input.type !== 'file') return;
  const files = Array.from(input.files ?? []);
  if (!files.length || files.every((f) => f.type.startsWith('image/'))) return;
  // The page must not see the files before the verdict: hold both `input` and `change`.
  e.stopImmediatePropagation();
  if (state.fileInputsInFlight.has(input)) return;
  state.fileInputsInFlight.add(input);
  state.inFlight++;
  const trusted = e.isTrusted;
  // `input` comes first; `change` follows in the same task. Start once, after both were held.
  setTimeout(async () => {
    let ok = false;
    try {
      const checked = await checkFiles(files, trusted, input);
      if (!checked) {
        input.value = '';
        return;
      }
      ok = true;
      if (checked.some((f, i) => f !== files[i])) {
        const dt = new DataTransfer();
        for (const f of checked) dt.items.add(f);
        input.files = dt.files;
      }
      state.bypass++;
      try {
        input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
        input.dispatchEvent(new Event('change', { bubbles: true }));
      } finally {
        state.bypass--;
      }
    } finally {
      state.fileInputsInFlight.delete(input);
      settleInFlight(ok ? 'inserted' : 'stopped');
    }
  }, 0);
}
