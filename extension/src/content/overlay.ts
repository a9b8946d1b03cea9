// In-page UI: one host element with a shadow root, so site styles cannot reach it and its styles
// cannot reach the site. Notices (toasts) for redact and fail-open, a modal dialog for warn (with
// an optional justification) and for block. Keyboard: focus moves into a dialog, Tab stays inside
// it, Escape cancels, focus returns to the composer afterwards. All strings come from
// chrome.i18n. It never holds a pasted value, only masked ones.
//
// Only the user decides: the root is closed in store builds (page script cannot reach the
// buttons or the reason field), and every choice is taken from trusted events only
// (Event.isTrusted), so a page script that clicks Proceed or presses Escape in the dialog does
// nothing. Development builds leave the root open so the end-to-end tests can read the dialogs;
// the trusted-event rule holds there too.
//
// Notices never cover the composer or its controls: they are placed above or below the
// composer's area (where there is more room), never over it, and let clicks through around them.

import type { Choice } from '../types';

declare const __DEV__: boolean;

export const t = (key: string, subs?: string | string[]): string => {
  try {
    return chrome.i18n.getMessage(key, subs) || key;
  } catch {
    return key; // extension context invalidated (extension reloaded under the page)
  }
};

const CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.toasts { position: fixed; right: 16px; top: 16px; z-index: 2147483647; display: flex; flex-direction: column; gap: 8px; max-width: min(420px, calc(100vw - 32px)); overflow: hidden; pointer-events: none; }
.toast { pointer-events: auto; background: #fff; color: #1b1b1f; border-radius: 10px; box-shadow: 0 6px 24px rgba(0,0,0,.22); padding: 12px 14px; border-left: 5px solid #2f6fde; font-size: 14px; line-height: 1.4; display: flex; gap: 10px; align-items: flex-start; }
.toast[data-kind="redact"] { border-left-color: #2f6fde; }
.toast[data-kind="fail_open"] { border-left-color: #c98a00; }
.toast[data-kind="error"] { border-left-color: #c62828; }
.toast .body { flex: 1; }
.toast .title { font-weight: 600; margin-bottom: 2px; }
.backdrop { position: fixed; inset: 0; background: rgba(16,18,27,.45); z-index: 2147483647; display: flex; align-items: center; justify-content: center; }
.dialog { background: #fff; color: #1b1b1f; width: min(480px, calc(100vw - 32px)); max-height: calc(100vh - 32px); overflow: auto; border-radius: 14px; box-shadow: 0 12px 40px rgba(0,0,0,.3); padding: 20px 22px; font-size: 14px; line-height: 1.45; }
.dialog h2 { font-size: 17px; margin: 0 0 8px; display: flex; gap: 8px; align-items: center; }
.dialog[data-kind="block"] h2 { color: #b71c1c; }
.dialog[data-kind="warn"] h2 { color: #8a5a00; }
.dialog p { margin: 0 0 10px; }
.dialog ul { margin: 0 0 12px; padding-left: 20px; }
.dialog li { margin: 2px 0; }
.masked { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; color: #4a4a52; }
.actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 14px; flex-wrap: wrap; }
button { font: inherit; font-size: 14px; border-radius: 8px; padding: 7px 14px; border: 1px solid #c4c7d0; background: #fff; color: #1b1b1f; cursor: pointer; }
button.primary { background: #1f5fc9; border-color: #1f5fc9; color: #fff; }
button:disabled { opacity: .5; cursor: not-allowed; }
button:focus-visible, textarea:focus-visible, a:focus-visible { outline: 3px solid #1a56c4; outline-offset: 2px; }
button.close { border: none; background: transparent; padding: 0 4px; font-size: 18px; line-height: 1; color: #4a4a52; }
label { display: block; font-weight: 600; margin: 10px 0 4px; }
textarea { width: 100%; min-height: 64px; font: inherit; padding: 6px 8px; border-radius: 8px; border: 1px solid #c4c7d0; resize: vertical; }
a { color: #1f5fc9; }
.hint { color: #4a4a52; font-size: 12px; }
.report { margin-top: 8px; }
.report button.link { border: none; background: transparent; padding: 0; color: #1f5fc9; text-decoration: underline; font-size: 13px; }
.report .actions { justify-content: flex-start; margin-top: 6px; }
@media (prefers-color-scheme: dark) {
  .toast, .dialog { background: #23252d; color: #eceef4; }
  .dialog[data-kind="block"] h2 { color: #ff8a80; }
  .dialog[data-kind="warn"] h2 { color: #ffcc66; }
  button { background: #2c2f39; color: #eceef4; border-color: #4a4e5c; }
  button.primary { background: #8ab4ff; border-color: #8ab4ff; color: #10121b; }
  textarea { background: #1b1d24; color: #eceef4; border-color: #4a4e5c; }
  .masked, .hint, button.close { color: #b4b8c8; }
  a { color: #8ab4ff; }
  button:focus-visible, textarea:focus-visible, a:focus-visible { outline-color: #8ab4ff; }
}
`;

let root: ShadowRoot | null = null;
let toastBox: HTMLElement | null = null;

function ensureRoot(): ShadowRoot {
  if (root && root.host.isConnected) return root;
  const host = document.createElement('promptwall-overlay');
  host.setAttribute('data-promptwall', '');
  root = host.attachShadow({ mode: __DEV__ ? 'open' : 'closed' });
  const style = document.createElement('style');
  style.textContent = CSS;
  root.append(style);
  toastBox = el('div', { class: 'toasts', role: 'region', 'aria-label': t('overlayRegion') });
  root.append(toastBox);
  (document.body ?? document.documentElement).append(host);
  return root;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A decorative icon drawn in SVG (emoji fonts are not everywhere). */
function icon(kind: 'warn' | 'block'): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('aria-hidden', 'true');
  const shape = document.createElementNS(SVG, 'path');
  shape.setAttribute('d', kind === 'warn' ? 'M12 2 L23 21 H1 Z' : 'M12 1 A11 11 0 1 0 12.01 1 Z');
  shape.setAttribute('fill', kind === 'warn' ? '#d18b00' : '#c62828');
  const mark = document.createElementNS(SVG, 'path');
  mark.setAttribute('d', kind === 'warn' ? 'M11 9 H13 V15 H11 Z M11 17 H13 V19 H11 Z' : 'M6 10.8 H18 V13.2 H6 Z');
  mark.setAttribute('fill', '#fff');
  svg.append(shape, mark);
  return svg;
}

export type NoticeKind = 'redact' | 'fail_open' | 'error' | 'info';

/** Whether an event came from the user (not from page script). */
const byUser = (e: Event) => e.isTrusted;

/** Places the notices where they cover neither the composer nor its controls: above the
 * composer's area when there is more room there (composers sit at the bottom on most sites),
 * else below it. */
function placeToasts(anchor: Element | null) {
  const box = toastBox!;
  const vh = window.innerHeight;
  let zone: { top: number; bottom: number } | null = null;
  if (anchor?.isConnected) {
    const area = anchor.closest('form') ?? anchor.parentElement ?? anchor;
    const rects = [anchor.getBoundingClientRect(), area.getBoundingClientRect()].filter((r) => r.width || r.height);
    if (rects.length) zone = { top: Math.min(...rects.map((r) => r.top)) - 8, bottom: Math.max(...rects.map((r) => r.bottom)) + 8 };
  }
  box.style.top = box.style.bottom = box.style.maxHeight = '';
  if (!zone || zone.bottom < 0 || zone.top > vh) return; // default: top right
  const above = Math.max(0, zone.top), below = Math.max(0, vh - zone.bottom);
  if (above >= below) {
    box.style.top = '16px';
    box.style.maxHeight = `${Math.max(0, above - 24)}px`;
  } else {
    box.style.top = `${zone.bottom + 8}px`;
    box.style.maxHeight = `${Math.max(0, below - 24)}px`;
  }
}

/** What a false-alarm report came to: recorded (and whether the policy lets the paste through). */
export interface ReportOutcome { ok: boolean; let_through?: boolean }
export type ReportFn = (reason: string | undefined) => Promise<ReportOutcome>;

/** "Not sensitive?": a link that opens an optional reason field and a Send button; the result
 * replaces it. `onLetThrough` runs when the policy lets the reported paste through. Only trusted
 * clicks count, as everywhere in the overlay. */
function reportControl(report: ReportFn, onLetThrough?: () => void): HTMLElement {
  const box = el('div', { class: 'report', 'data-role': 'report' });
  const open = el('button', { class: 'link', 'data-action': 'not-sensitive' }, t('notSensitive'));
  box.append(open);
  open.addEventListener('click', (e) => {
    if (!byUser(e)) return;
    const id = `pw-report-${Math.random().toString(36).slice(2)}`;
    const area = el('textarea', { id, 'data-role': 'report-reason', maxlength: '500', 'aria-describedby': `${id}-hint` });
    const send = el('button', { 'data-action': 'send-report' }, t('reportSend'));
    box.replaceChildren(el('label', { for: id }, t('reportReasonLabel')), area, el('div', { class: 'hint', id: `${id}-hint` }, t('reportHint')), el('div', { class: 'actions' }, send));
    send.addEventListener('click', (ev) => {
      if (!byUser(ev)) return;
      send.disabled = true;
      const reason = area.value.trim() || undefined;
      void report(reason).then(
        (r) => {
          box.replaceChildren(el('p', { class: 'hint', 'data-role': 'report-result', role: 'status' }, !r.ok ? t('reportFailed') : r.let_through ? t('reportLetThrough') : t('reportSent')));
          if (r.ok && r.let_through) onLetThrough?.();
        },
        () => box.replaceChildren(el('p', { class: 'hint', 'data-role': 'report-result', role: 'status' }, t('reportFailed'))),
      );
    });
    area.focus();
  });
  return box;
}

/** A dismissable notice placed off the composer (see placeToasts); stays while hovered or focused.
 * With `report`, it offers "Not sensitive?". */
export function notice(kind: NoticeKind, title: string, lines: string[], anchor: Element | null = null, timeoutMs = 9000, report?: ReportFn) {
  ensureRoot();
  placeToasts(anchor);
  const close = el('button', { class: 'close', 'aria-label': t('dismiss'), title: t('dismiss') }, '×');
  const body = el('div', { class: 'body' }, el('div', { class: 'title' }, title), ...lines.map((l) => el('div', {}, l)));
  if (report) body.append(reportControl(report));
  const toast = el('div', { class: 'toast', 'data-kind': kind, role: kind === 'error' ? 'alert' : 'status', 'aria-live': kind === 'error' ? 'assertive' : 'polite' }, body, close);
  const remove = () => toast.remove();
  close.addEventListener('click', (e) => { if (byUser(e)) remove(); });
  let timer = setTimeout(remove, timeoutMs);
  const hold = () => clearTimeout(timer);
  const release = () => { clearTimeout(timer); timer = setTimeout(remove, timeoutMs); };
  toast.addEventListener('mouseenter', hold);
  toast.addEventListener('focusin', hold);
  toast.addEventListener('mouseleave', release);
  toast.addEventListener('focusout', release);
  // One notice per kind: a new one replaces the last (a burst of pastes shows one, not a stack).
  toastBox!.querySelectorAll(`.toast[data-kind="${kind}"]`).forEach((old) => old.remove());
  toastBox!.append(toast);
}

/** Opens a modal dialog; resolves with what `build` passes to `done`. */
function modal<T>(kind: 'warn' | 'block', build: (dialog: HTMLElement, done: (v: T) => void) => { cancelValue: T; initialFocus: HTMLElement }): Promise<T> {
  const r = ensureRoot();
  const previous = document.activeElement as HTMLElement | null;
  return new Promise<T>((resolve) => {
    const titleId = `pw-title-${Math.random().toString(36).slice(2)}`;
    const dialog = el('div', { class: 'dialog', role: kind === 'block' ? 'alertdialog' : 'dialog', 'aria-modal': 'true', 'aria-labelledby': titleId, 'data-kind': kind });
    const backdrop = el('div', { class: 'backdrop' }, dialog);
    let finished = false;
    const done = (v: T) => {
      if (finished) return;
      finished = true;
      backdrop.remove();
      try { previous?.focus(); } catch { /* gone */ }
      resolve(v);
    };
    const { cancelValue, initialFocus } = build(dialog, done);
    dialog.querySelector('h2')?.setAttribute('id', titleId);
    const message = dialog.querySelector('[data-role=message]');
    if (message) {
      message.setAttribute('id', `${titleId}-msg`);
      dialog.setAttribute('aria-describedby', `${titleId}-msg`);
    }
    // Keep keys inside the dialog: the page must not see them (it would type into the composer).
    backdrop.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (!byUser(e)) {
        e.preventDefault();
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        done(cancelValue);
      } else if (e.key === 'Tab') {
        const items = Array.from(dialog.querySelectorAll<HTMLElement>('button:not([disabled]), textarea, a[href]')).filter((x) => x.offsetParent !== null);
        if (!items.length) return;
        const first = items[0]!, last = items[items.length - 1]!; // items is not empty
        const active = r.activeElement as HTMLElement | null;
        if (e.shiftKey && active === first) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && active === last) { e.preventDefault(); first.focus(); }
      }
    });
    for (const type of ['keyup', 'keypress', 'paste', 'input', 'beforeinput']) backdrop.addEventListener(type, (e) => e.stopPropagation());
    r.append(backdrop);
    initialFocus.focus();
  });
}

export interface FindingLine { label: string; count: number; masked: string[] }

function findingsList(lines: FindingLine[]): HTMLElement {
  const ul = el('ul', { 'data-role': 'findings' });
  for (const l of lines) {
    const li = el('li', {}, l.count > 1 ? t('findingCountMany', [l.label, String(l.count)]) : t('findingCountOne', l.label));
    if (l.masked.length) li.append(' ', el('span', { class: 'masked' }, `(${l.masked.join(', ')})`));
    ul.append(li);
  }
  return ul;
}

/** `reported`: the user reported a false alarm and the policy let the paste through (the agent
 * recorded that as the warning's decision; no separate decision is sent). */
export interface WarnResult { choice: Choice; justification?: string; reported?: boolean }

/** Warn dialog: what was found, Cancel / Proceed; Proceed asks for a reason when the policy says
 * so. With `report`, "Not sensitive?" too. */
export function warnDialog(opts: { message: string; findings: FindingLine[]; overrideAllowed: boolean; justificationRequired: boolean; link: string | null; report?: ReportFn | undefined }): Promise<WarnResult> {
  return modal<WarnResult>('warn', (dialog, done) => {
    const cancel = el('button', { 'data-action': 'cancel' }, t('cancel'));
    const proceed = el('button', { class: 'primary', 'data-action': 'proceed' }, t('proceed'));
    dialog.append(el('h2', {}, icon('warn'), t('warnTitle')), el('p', { 'data-role': 'message' }, opts.message || t('warnDefault')));
    if (opts.findings.length) dialog.append(el('p', {}, t('warnFound')), findingsList(opts.findings));
    if (opts.link) dialog.append(el('p', {}, el('a', { href: opts.link, target: '_blank', rel: 'noopener noreferrer' }, t('policyLink'))));
    const actions = el('div', { class: 'actions' }, cancel);
    if (opts.overrideAllowed) actions.append(proceed);
    else dialog.append(el('p', { class: 'hint' }, t('warnNoOverride')));
    if (opts.report) dialog.append(reportControl(opts.report, () => done({ choice: 'proceed', reported: true })));
    dialog.append(actions);
    cancel.addEventListener('click', (e) => { if (byUser(e)) done({ choice: 'cancel' }); });
    proceed.addEventListener('click', (e) => {
      if (!byUser(e)) return;
      if (!opts.justificationRequired) return done({ choice: 'proceed' });
      // Second step: ask for the reason in the same dialog.
      const id = `pw-just-${Math.random().toString(36).slice(2)}`;
      const area = el('textarea', { id, 'data-role': 'justification', maxlength: '1000', 'aria-describedby': `${id}-hint` });
      const send = el('button', { class: 'primary', 'data-action': 'send-justified', disabled: '' }, t('proceedWithReason'));
      const back = el('button', { 'data-action': 'cancel' }, t('cancel'));
      actions.replaceChildren(back, send);
      actions.before(el('label', { for: id }, t('justificationLabel')), area, el('div', { class: 'hint', id: `${id}-hint` }, t('justificationHint')));
      area.addEventListener('input', (e) => { if (byUser(e)) send.disabled = area.value.trim().length < 3; });
      back.addEventListener('click', (e) => { if (byUser(e)) done({ choice: 'cancel' }); });
      send.addEventListener('click', (e) => {
        if (byUser(e) && area.value.trim().length >= 3) done({ choice: 'proceed_with_justification', justification: area.value.trim() });
      });
      area.focus();
    });
    return { cancelValue: { choice: 'cancel' }, initialFocus: cancel };
  });
}

/** Block dialog: the policy's message and link, one button. */
export function blockDialog(opts: { title: string; message: string; findings: FindingLine[]; link: string | null }): Promise<void> {
  return modal<void>('block', (dialog, done) => {
    const ok = el('button', { class: 'primary', 'data-action': 'ok' }, t('ok'));
    dialog.append(el('h2', {}, icon('block'), opts.title), el('p', { 'data-role': 'message' }, opts.message));
    if (opts.findings.length) dialog.append(findingsList(opts.findings));
    if (opts.link) dialog.append(el('p', {}, el('a', { href: opts.link, target: '_blank', rel: 'noopener noreferrer' }, t('policyLink'))));
    dialog.append(el('div', { class: 'actions' }, ok));
    ok.addEventListener('click', (e) => { if (byUser(e)) done(); });
    return { cancelValue: undefined, initialFocus: ok };
  });
}
