// Verdict UI: turns the worker's answer into what the user sees (notices, warn and block dialogs
// from overlay.ts, with masked values only) and into whether, and with which text, to go on.

import type { Action, InspectResult, Trigger, Verdict } from '../types';
import { findingsAlreadyApproved } from './approvals';
import { blockDialog, notice, t, warnDialog, type FindingLine, type ReportFn } from './overlay';
import { rememberPseudonyms } from './pseudonyms';
import { reportDecision, reportFalseAlarm } from './worker';

declare const __DEV__: boolean;

function typeLabel(type: string): string {
  const key = `type_${type.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const m = t(key);
  if (m !== key) return m;
  const s = type.replace(/[_-]+/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Masks a value for display: at most its last two characters stay. */
function mask(value: string): string {
  const v = value.trim();
  if (v.length <= 6) return '•'.repeat(Math.max(v.length, 3));
  return `${'•'.repeat(Math.min(v.length - 2, 10))}${v.slice(-2)}`;
}

function findingLines(text: string, v: Verdict, withMasked: boolean): FindingLine[] {
  const byType = new Map<string, FindingLine>();
  for (const f of v.findings ?? []) {
    const label = typeLabel(f.type);
    const line = byType.get(label) ?? { label, count: 0, masked: [] };
    line.count++;
    if (withMasked && line.masked.length < 2) line.masked.push(mask(text.slice(f.start_utf16, f.end_utf16)));
    byType.set(label, line);
  }
  return [...byType.values()];
}

function summary(lines: FindingLine[]): string {
  return lines.map((l) => (l.count > 1 ? t('findingCountMany', [l.label, String(l.count)]) : t('findingCountOne', l.label))).join(', ');
}

/** Test builds only: tells the page a verdict arrived (timings and action, never content). */
export function devSignal(detail: Record<string, unknown>) {
  if (__DEV__) document.dispatchEvent(new CustomEvent('promptwall:verdict', { detail: JSON.stringify(detail) }));
}

function uninspectableMessage(reason: string): string {
  if (reason === 'binary_file') return t('binaryFile');
  if (reason === 'unreadable') return t('unreadableFile');
  return t('tooLarge');
}

/** "Not sensitive?" for a verdict the agent says may be reported (warn and redact). */
function reporter(v: Verdict, trigger: Trigger): ReportFn | undefined {
  if (!v.reportable || !v.event_id) return undefined;
  const id = v.event_id;
  return (reason) => reportFalseAlarm(id, reason, v.action, trigger);
}

export type Outcome = { go: true; text: string; changed: boolean; asked: boolean } | { go: false };

/** Applies a verdict's outcome in the UI and says whether (and with which text) to go on. */
export async function decide(text: string, trigger: Trigger, r: InspectResult, anchor: Element | null, opts: { skipWarnIfApproved?: boolean } = {}): Promise<Outcome> {
  if (!r.ok) {
    if (r.reason === 'rate_limited') {
      notice('error', t('rateLimitedTitle'), [t('rateLimitedMessage')], anchor);
      return { go: false };
    }
    if (r.uninspectable) {
      const message = uninspectableMessage(r.reason);
      if (r.uninspectable === 'block') {
        await blockDialog({ title: t('blockTitle'), message, findings: [], link: null });
        return { go: false };
      }
      const res = await warnDialog({ message, findings: [], overrideAllowed: true, justificationRequired: false, link: null });
      return res.choice === 'cancel' ? { go: false } : { go: true, text, changed: false, asked: true };
    }
    if (r.fail_mode === 'closed') {
      await blockDialog({ title: t('unavailableTitle'), message: t('failClosedMessage'), findings: [], link: null });
      return { go: false };
    }
    notice('fail_open', t('unavailableTitle'), [t('failOpenMessage')], anchor);
    return { go: true, text, changed: false, asked: false };
  }
  const v = r.verdict;
  switch (v.action) {
    case 'allow':
      return { go: true, text, changed: false, asked: false };
    case 'redact': {
      const lines = findingLines(text, v, false);
      // Pseudonyms: the mapping stays in this frame's memory, to show the values in the answer.
      rememberPseudonyms(v.pseudonyms);
      const restoring = v.pseudonyms?.length ? t('redactPseudonyms') : '';
      notice('redact', t('redactTitle'), [v.message, t('redactReplaced', summary(lines)), restoring].filter(Boolean), anchor, 9000, reporter(v, trigger));
      return { go: true, text: v.redacted_text ?? '', changed: true, asked: false };
    }
    case 'warn': {
      if (opts.skipWarnIfApproved && findingsAlreadyApproved(text, v)) return { go: true, text, changed: false, asked: false };
      const res = await warnDialog({ message: v.message, findings: findingLines(text, v, true), overrideAllowed: v.override_allowed, justificationRequired: v.justification_required, link: v.link, report: reporter(v, trigger) });
      if (!res.reported) reportDecision(v, trigger, res.choice, res.justification);
      return res.choice === 'cancel' ? { go: false } : { go: true, text, changed: false, asked: true };
    }
    case 'block':
    default: {
      await blockDialog({ title: t('blockTitle'), message: v.message || t('blockDefault'), findings: findingLines(text, v, false), link: v.link });
      return { go: false };
    }
  }
}

/** The action for the dev signal and the popup: the verdict's, the local one, or `unavailable`. */
export function actionOf(r: InspectResult): Action | 'unavailable' {
  if (r.ok) return r.verdict.action;
  return r.uninspectable ?? 'unavailable';
}

/** Who decided, for the dev signal. */
export const byOf = (r: InspectResult) => (r.ok ? r.verdict.decided_by : r.uninspectable ? 'local' : r.fail_mode);
