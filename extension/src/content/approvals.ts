// Approvals: texts that went into the composer after a verdict (allowed, redacted or proceeded),
// each bound to the conversation (path) it was approved in and to a short time. A send of
// nothing but these is not inspected again and does not ask twice; a send that goes out clears
// them all, and so does a navigation (site.ts).

import type { Verdict } from '../types';
import { norm } from './editors';
import { conversationPath } from './site';
import { state } from './state';

const APPROVAL_TTL_MS = 60_000;

export function approve(text: string) {
  const n = norm(text);
  // Short pieces are cheap to inspect again, and a send made only of many short approved pieces
  // could spell something no inspection saw whole.
  if (n.length < 12) return;
  state.approvals.push({ text: n, path: conversationPath(), expires: Date.now() + APPROVAL_TTL_MS });
  if (state.approvals.length > 50) state.approvals = state.approvals.slice(-50);
}

export function clearApprovals() {
  state.approvals = [];
}

function liveApprovals(): string[] {
  const now = Date.now(), path = conversationPath();
  state.approvals = state.approvals.filter((a) => a.expires > now && a.path === path);
  return state.approvals.map((a) => a.text);
}

/** What of `text` no approval covers (empty: the whole text was approved moments ago). */
export function uninspected(text: string): string {
  let rest = norm(text);
  for (const a of liveApprovals().sort((x, y) => y.length - x.length)) rest = rest.split(a).join(' ');
  return rest.trim();
}

/** Whether every finding of `v` lies inside text the user already proceeded with. */
export function findingsAlreadyApproved(text: string, v: Verdict): boolean {
  if (!v.findings.length) return false;
  const spans: [number, number][] = [];
  for (const a of liveApprovals()) {
    let from = 0;
    for (;;) {
      const i = text.indexOf(a, from);
      if (i < 0) break;
      spans.push([i, i + a.length]);
      from = i + 1;
    }
  }
  return v.findings.every((f) => spans.some(([s, e]) => f.start_utf16 >= s && f.end_utf16 <= e));
}
