// The worker port: inspections go over one long-lived port to the service worker (cheaper per
// message than runtime.sendMessage, which opens a channel each time). When the worker stops, the
// port closes; the next request opens a new one, which starts the worker again.

import type { Action, Choice, FailMode, InspectResult, ToWorker, Trigger, UninspectableReason, Verdict } from '../types';
import { conversationPath, host, pageUrl } from './site';
import { state } from './state';

/** Texts longer than this (UTF-16 units; their UTF-8 is at least as long) are over any host's
 * cap: they go to the agent as `uninspectable` without the text. The worker measures the rest in
 * UTF-8 JSON bytes against the cap the host announced. */
export const MAX_TEXT_UNITS = 8 * 1024 * 1024;

const stricter = (a: FailMode | undefined, b: FailMode | undefined): FailMode => (a === 'closed' || b === 'closed' ? 'closed' : 'open');

function workerPort(): chrome.runtime.Port {
  if (state.workerPort) return state.workerPort;
  const p = chrome.runtime.connect({ name: 'promptwall-content' });
  p.onMessage.addListener((m: { id: number; result: any }) => {
    const done = state.workerPending.get(m.id);
    state.workerPending.delete(m.id);
    done?.(m.result);
  });
  p.onDisconnect.addListener(() => {
    if (state.workerPort === p) state.workerPort = null;
    for (const done of state.workerPending.values()) done(null);
    state.workerPending.clear();
  });
  state.workerPort = p;
  return p;
}

function askWorker<T = InspectResult>(msg: ToWorker): Promise<T | null> {
  return new Promise((resolve) => {
    const id = state.workerNextId++;
    state.workerPending.set(id, resolve);
    try {
      workerPort().postMessage({ id, msg });
    } catch {
      state.workerPending.delete(id);
      state.workerPort = null;
      resolve(null);
    }
  });
}

async function ask(msg: ToWorker): Promise<InspectResult> {
  try {
    // Once more on a fresh port if the worker went away under the request.
    const r = (await askWorker(msg)) ?? (await askWorker(msg));
    if (r?.fail_mode) state.knownFailMode = r.fail_mode;
    return r ?? { ok: false, fail_mode: state.knownFailMode, reason: 'no_reply' };
  } catch {
    // The extension was reloaded or updated under this page: nothing can be inspected.
    return { ok: false, fail_mode: state.knownFailMode, reason: 'extension_unavailable' };
  }
}

export function inspect(text: string, trigger: Trigger, trusted: boolean): Promise<InspectResult> {
  if (text.length > MAX_TEXT_UNITS) return askUninspectable(trigger, 'too_large', new Blob([text]).size, trusted);
  return ask({ kind: 'inspect', text, trigger, url: pageUrl(), conversation_id: conversationPath(), trusted });
}

export function askUninspectable(trigger: Trigger, reason: UninspectableReason, size: number, trusted: boolean, name?: string): Promise<InspectResult> {
  return ask({ kind: 'uninspectable', trigger, reason, size, name, url: pageUrl(), conversation_id: conversationPath(), trusted });
}

/** Asks the agent about a file it may be able to read (office documents): its bytes, base64. */
export function askFile(trigger: Trigger, data: string, size: number, trusted: boolean, name?: string): Promise<InspectResult> {
  return ask({ kind: 'inspect_file', trigger, data, size, name, url: pageUrl(), conversation_id: conversationPath(), trusted });
}

/** Sends the user's choice on a warning to the agent, which records it (no answer awaited). */
export function reportDecision(v: Verdict, trigger: Trigger, choice: Choice, justification?: string) {
  if (!v.event_id) return;
  const msg: ToWorker = { kind: 'decision', event_id: v.event_id, choice, justification, action: v.action, host, trigger };
  try { chrome.runtime.sendMessage(msg).catch(() => {}); } catch { /* extension gone */ }
}

/** "Not sensitive?": the agent records a false-alarm report for the decision `event_id` (it holds
 * the decision's findings; no text or value is sent) and says whether the policy lets it through. */
export async function reportFalseAlarm(event_id: string, reason: string | undefined, action: Action, trigger: Trigger): Promise<{ ok: boolean; let_through?: boolean }> {
  const msg: ToWorker = { kind: 'report', event_id, action, host, trigger, ...(reason ? { reason: reason.slice(0, 500) } : {}) };
  try {
    return (await askWorker<{ ok: boolean; let_through?: boolean }>(msg)) ?? { ok: false };
  } catch {
    return { ok: false };
  }
}

/** Learns the fail mode in force before anything is inspected (managed storage and the cached
 * policy, then the worker's answer), for the error paths where the worker cannot be asked. */
export function primeFailMode() {
  try {
    chrome.storage.managed?.get('failMode').then((m) => { state.knownFailMode = stricter(state.knownFailMode, m?.failMode); }, () => {});
    chrome.storage.local.get('cachedHello').then((h) => { state.knownFailMode = stricter(state.knownFailMode, h?.cachedHello?.fail_mode); }, () => {});
  } catch { /* storage not reachable from here */ }
  void askWorker<{ fail_mode?: FailMode }>({ kind: 'failmode' }).then((r) => { if (r?.fail_mode) state.knownFailMode = r.fail_mode; }, () => {});
}
