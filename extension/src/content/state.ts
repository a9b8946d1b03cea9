// The content script's state for this frame (one tab, one frame): every value that outlives a
// single event lives here and nowhere else, so what the handlers share is visible in one place.
// Nothing here holds pasted text except the normalised approved texts (see approvals.ts), which
// expire after a minute and never leave the page.

import type { FailMode } from '../types';
import type { Site } from './site';

/** A text that went into the composer after a verdict, bound to its conversation and a deadline. */
export interface Approval { text: string; path: string; expires: number }

/** A send asked for while inspections were in flight (see settleInFlight). */
export interface QueuedSend { run: () => void; spoiled: boolean }

export const state = {
  // -- site lookup
  /** The adapter found for the last path seen (sites route client-side: re-read per event). */
  siteCache: null as { path: string; site: Site } | null,

  // -- editor surgery
  /** While > 0, our own synthetic events and insertions pass our listeners untouched. */
  bypass: 0,

  // -- approvals
  /** Texts approved by a verdict moments ago (at most 50). */
  approvals: [] as Approval[],

  // -- worker port
  /** The one long-lived port to the service worker; null until needed or after it closed. */
  workerPort: null as chrome.runtime.Port | null,
  workerNextId: 1,
  workerPending: new Map<number, (r: any) => void>(),
  /** The fail mode last learned from the worker (or read from storage at start): used when the
   * worker itself cannot be reached. The default before anything is known is the product default. */
  knownFailMode: 'open' as FailMode,

  // -- work in flight (pastes, drops, files)
  /** Inspections of pastes, drops and files not decided yet: a send waits for them. */
  inFlight: 0,
  /** A send asked for while inspections were in flight, replayed when they went in unchanged by a
   * dialog (allow or redact); dropped when any was blocked, cancelled or needed the user. */
  queuedSend: null as QueuedSend | null,
  /** File inputs whose files are being checked (their input/change events are held once). */
  fileInputsInFlight: new WeakSet<HTMLInputElement>(),
  /** A drag that started in a composer (moving text inside it) is not inspected. */
  dragFromComposer: false,

  // -- the send gate
  /** A send is being checked: a second Enter or click is swallowed. */
  submitting: false,
  /** The keyup of an Enter that was held. */
  swallowEnterKeyup: false,
  /** The text of a send let go in this task (see guardSubmit). */
  passing: null as string | null,

  // -- wiring
  /** Listeners registered on window, to remove when the extension goes away under the page. */
  wired: [] as [string, (e: Event) => void][],
};

/** One inspection of a paste, drop or file went in (`inserted`), was stopped, or needed a dialog;
 * when none is left in flight, a queued send is replayed unless one of them spoiled it. */
export function settleInFlight(outcome: 'inserted' | 'stopped' | 'asked') {
  state.inFlight--;
  if (state.queuedSend && outcome !== 'inserted') state.queuedSend.spoiled = true;
  if (state.inFlight === 0 && state.queuedSend) {
    const q = state.queuedSend;
    state.queuedSend = null;
    if (!q.spoiled) setTimeout(q.run, 0);
  }
}
