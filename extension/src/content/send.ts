// The send gate (Enter, the adapter's send button, a form submit): what the page sends is the
// text the verdict allowed. After rewriting a composer it waits for the editor's own update
// cycle and reads the composer back; only when it holds the allowed text is the send replayed.
// Otherwise nothing is sent and the user is told.

import { approve, clearApprovals, uninspected } from './approvals';
import { composerForButton, composerFrom, inOverlay, innerTarget } from './composer';
import { composerText, confirmText, editorTurn, insertText, norm, saveSelection, type Editable } from './editors';
import { notice, t } from './overlay';
import { site } from './site';
import { state } from './state';
import { actionOf, byOf, decide, devSignal } from './verdict';
import { inspect } from './worker';

/** Starts a checked send; `resend` replays the user's send once the composer holds exactly the
 * text the verdict allowed. Returns whether the event was taken (held). */
function guardSubmit(e: Event, c: Editable, resend: () => void): boolean {
  if (state.submitting) {
    // A second Enter or click while the first is being checked: never sends unchecked text.
    e.preventDefault();
    e.stopImmediatePropagation();
    return true;
  }
  if (state.inFlight > 0) {
    // A paste or drop is still being checked: the send waits for it, then runs through this gate.
    e.preventDefault();
    e.stopImmediatePropagation();
    state.queuedSend = { run: () => { if (!guardSubmitNow(c, resend, e.isTrusted)) sendNow(resend); }, spoiled: false };
    return true;
  }
  const text = composerText(c);
  // The same send seen again in the same task (Enter that the page turns into a form submit, a
  // click that submits): already let go.
  if (state.passing !== null && norm(text) === state.passing) return false;
  if (!uninspected(text)) {
    // Only text that was already inspected, in this conversation, moments ago: it goes; the
    // approvals are spent.
    clearApprovals();
    state.passing = norm(text);
    setTimeout(() => { state.passing = null; }, 0);
    return false;
  }
  e.preventDefault();
  e.stopImmediatePropagation();
  void runSubmit(c, text, resend, e.isTrusted);
  return true;
}

/** guardSubmit for a replayed (queued) send: true when a check was started. */
function guardSubmitNow(c: Editable, resend: () => void, trusted: boolean): boolean {
  if (!c.isConnected) return true;
  const text = composerText(c);
  if (!uninspected(text)) return false;
  void runSubmit(c, text, resend, trusted);
  return true;
}

function sendNow(resend: () => void) {
  clearApprovals();
  resend();
}

async function runSubmit(c: Editable, text: string, resend: () => void, trusted: boolean) {
  state.submitting = true;
  const t0 = performance.now();
  try {
    for (let round = 0; round < 3; round++) {
      const r = await inspect(text, 'submit', trusted);
      devSignal({ trigger: 'submit', action: actionOf(r), by: byOf(r), ms: performance.now() - t0, failed: !r.ok, round });
      const out = await decide(text, 'submit', r, c, { skipWarnIfApproved: true });
      if (!out.go) {
        c.focus();
        return;
      }
      if (!c.isConnected) {
        notice('error', t('sendHeldTitle'), [t('sendHeldGone')], null);
        devSignal({ trigger: 'submit', held: 'composer_gone' });
        return;
      }
      if (norm(composerText(c)) !== norm(text)) {
        // The composer changed while the verdict was pending (the user typed on): the verdict is
        // about text that is no longer there. Check what is there now (a proceed stays approved).
        if (out.asked) approve(text);
        text = composerText(c);
        continue;
      }
      if (out.changed) {
        // Rewrite, then let the editor take it: its model must hold the allowed text before the send.
        await insertText(c, 'all', out.text);
        let confirmed = await confirmText(c, out.text);
        if (!confirmed && c.isConnected) {
          // Once more: some editors drop an edit made while they were busy.
          await insertText(c, 'all', out.text);
          confirmed = await confirmText(c, out.text);
        }
        if (!confirmed) {
          notice('error', t('sendHeldTitle'), [t('sendHeldMessage')], c);
          devSignal({ trigger: 'submit', held: 'unconfirmed' });
          return;
        }
      } else {
        // Unchanged by us: still give the editor its turn so its model has every keystroke.
        await editorTurn();
        if (norm(composerText(c)) !== norm(text)) {
          if (out.asked) approve(text);
          text = composerText(c);
          continue;
        }
      }
      sendNow(resend);
      devSignal({ trigger: 'submit', resent: true, ms: performance.now() - t0 });
      return;
    }
    notice('error', t('sendHeldTitle'), [t('sendHeldMessage')], c);
    devSignal({ trigger: 'submit', held: 'changing' });
  } finally {
    state.submitting = false;
  }
}

export function onKeyDown(e: KeyboardEvent) {
  if (state.bypass || e.key !== 'Enter' || e.shiftKey || e.altKey || e.isComposing) return;
  const c = composerFrom(innerTarget(e));
  if (!c || c instanceof HTMLInputElement) return;
  if (guardSubmit(e, c, () => replayEnter(c, e))) state.swallowEnterKeyup = true;
}

export function onKeyUp(e: KeyboardEvent) {
  if (e.key === 'Enter' && state.swallowEnterKeyup && !state.bypass) {
    state.swallowEnterKeyup = false;
    e.preventDefault();
    e.stopImmediatePropagation();
  }
}

/** Replays Enter for the page's own handler; where the page does not act on it (Enter means a new
 * line there), the new line is typed instead. */
function replayEnter(c: Editable, orig: KeyboardEvent) {
  const before = composerText(c);
  const init: KeyboardEventInit = { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true, composed: true, ctrlKey: orig.ctrlKey, metaKey: orig.metaKey } as KeyboardEventInit;
  state.bypass++;
  let handled: boolean;
  try {
    c.focus();
    handled = !c.dispatchEvent(new KeyboardEvent('keydown', init));
    c.dispatchEvent(new KeyboardEvent('keypress', init));
    c.dispatchEvent(new KeyboardEvent('keyup', init));
  } finally {
    state.bypass--;
  }
  if (handled || composerText(c) !== before) return;
  // The page did not act on the replayed Enter: on a known site, press its send button; elsewhere
  // Enter meant a new line.
  const s = site();
  const btn = s.adapter ? document.querySelector<HTMLElement>(s.adapter.send.join(', ')) : null;
  if (btn) {
    state.bypass++;
    try { btn.click(); } finally { state.bypass--; }
  } else if (!s.adapter) {
    void insertText(c, saveSelection(c), '\n');
  }
}

/** The send control an event happened on, inside open shadow roots too. */
function sendButtonOf(e: Event): Element | null {
  const sel = site().send;
  for (const n of e.composedPath()) {
    if (n instanceof Element && !inOverlay(n) && n.matches(sel)) return n;
    if (n === document.body) break;
  }
  return null;
}

export function onClick(e: MouseEvent) {
  if (state.bypass) return;
  const btn = sendButtonOf(e);
  if (!btn) return;
  const c = composerForButton(btn);
  if (!c) return;
  guardSubmit(e, c, () => {
    state.bypass++;
    try { (btn as HTMLElement).click(); } finally { state.bypass--; }
  });
}

export function onSubmit(e: SubmitEvent) {
  if (state.bypass || !(e.target instanceof HTMLFormElement)) return;
  const form = e.target;
  const inner = form.querySelector<HTMLElement>(site().composer);
  const c = inner ? composerFrom(inner) : null;
  if (!c) return;
  const submitter = e.submitter;
  guardSubmit(e, c, () => {
    state.bypass++;
    try { form.requestSubmit(submitter && form.contains(submitter) ? submitter : undefined); } finally { state.bypass--; }
  });
}
