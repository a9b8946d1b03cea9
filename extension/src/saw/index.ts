// "What Promptwall saw": this browser's decisions for the employee (metadata only: when, site,
// what triggered it, the action, finding types and counts, the user's choice and reason, the
// policy's message and link), filterable, with an export (JSON, CSV). The list comes from the
// service worker (storage.session: this browser session only); nothing here holds pasted text or
// the values found, because the worker never keeps them.
import type { RecentDecision } from '../types';

const t = (k: string, s?: string | string[]) => chrome.i18n.getMessage(k, s) || k;
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

for (const e of document.querySelectorAll<HTMLElement>('[data-i18n]')) e.textContent = t(e.dataset.i18n!);
document.documentElement.lang = chrome.i18n.getUILanguage?.() ?? 'en';

function typeLabel(type: string): string {
  return chrome.i18n.getMessage(`type_${type.replace(/[^A-Za-z0-9_]/g, '_')}`) || type;
}

const typesText = (d: RecentDecision) => Object.entries(d.types).map(([k, n]) => (n > 1 ? `${typeLabel(k)} × ${n}` : typeLabel(k))).join(', ');
const actionText = (d: RecentDecision) => t(`action_${d.action}`);
const choiceText = (d: RecentDecision) => [d.choice ? t(`choice_${d.choice}`) : '', d.reported ? t('sawReported') : ''].filter(Boolean).join(' · ');

let all: RecentDecision[] = [];

function filtered(): RecentDecision[] {
  const action = $<HTMLSelectElement>('f-action').value;
  const site = $<HTMLSelectElement>('f-site').value;
  const q = $<HTMLInputElement>('f-text').value.trim().toLowerCase();
  return all.filter((d) => (!action || d.action === action) && (!site || d.host === site)
    && (!q || [d.host, typesText(d), Object.keys(d.types).join(' '), d.message ?? '', actionText(d), choiceText(d), d.justification ?? ''].join(' ').toLowerCase().includes(q)));
}

function row(d: RecentDecision): HTMLTableRowElement {
  const tr = document.createElement('tr');
  const cell = (text: string, cls?: string) => {
    const td = tr.insertCell();
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  };
  const when = cell(new Date(d.time).toLocaleString());
  when.title = new Date(d.time).toISOString();
  cell(`${d.host}`).append(document.createElement('br'), t(`trigger_${d.trigger}`));
  cell(actionText(d), `action action-${d.action}`);
  cell(typesText(d) || '–');
  const choice = cell(choiceText(d) || '–');
  if (d.justification) {
    const r = document.createElement('span');
    r.className = 'reason';
    r.textContent = t('sawReason', d.justification);
    choice.append(r);
  }
  const msg = cell(d.message ?? '');
  if (d.link && /^https:\/\//.test(d.link)) {
    const a = document.createElement('a');
    a.href = d.link;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = t('sawPolicyLink');
    if (d.message) msg.append(' ');
    msg.append(a);
  }
  return tr;
}

function render() {
  const list = filtered();
  $('rows').replaceChildren(...list.map(row));
  $('count').textContent = t('sawCount', [String(list.length), String(all.length)]);
  $('empty').hidden = list.length > 0;
  $('table').hidden = list.length === 0;
}

/** The exported fields: the same metadata as the table, nothing else. */
function exportRecords(list: RecentDecision[]) {
  return list.map((d) => ({
    time: new Date(d.time).toISOString(), site: d.host, trigger: d.trigger, action: d.action, types: d.types,
    choice: d.choice ?? null, reason: d.justification ?? null, policy: d.policy ?? null, message: d.message ?? null, link: d.link ?? null,
  }));
}

function csvCell(v: unknown): string {
  let s = v == null ? '' : typeof v === 'object' ? Object.entries(v as Record<string, number>).map(([k, n]) => `${k}:${n}`).join(' ') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`; // never a formula in a spreadsheet
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function download(name: string, type: string, body: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([body], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

const stamp = () => new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');

$('export-json').addEventListener('click', () => {
  download(`promptwall-decisions-${stamp()}.json`, 'application/json', `${JSON.stringify(exportRecords(filtered()), null, 2)}\n`);
});
$('export-csv').addEventListener('click', () => {
  const recs = exportRecords(filtered());
  const cols = ['time', 'site', 'trigger', 'action', 'types', 'choice', 'reason', 'policy', 'message', 'link'] as const;
  const lines = [cols.join(','), ...recs.map((r) => cols.map((c) => csvCell(r[c])).join(','))];
  download(`promptwall-decisions-${stamp()}.csv`, 'text/csv', `${lines.join('\r\n')}\r\n`);
});
for (const id of ['f-action', 'f-site', 'f-text']) $(id).addEventListener('input', render);
$('filters').addEventListener('submit', (e) => e.preventDefault());

async function load() {
  const r = (await chrome.runtime.sendMessage({ kind: 'recent' })) as { recent: RecentDecision[] } | undefined;
  all = r?.recent ?? [];
  const sites = $<HTMLSelectElement>('f-site');
  const chosen = sites.value;
  const hosts = [...new Set(all.map((d) => d.host))].sort();
  sites.replaceChildren(sites.options[0]!, ...hosts.map((h) => new Option(h, h)));
  sites.value = hosts.includes(chosen) ? chosen : '';
  render();
}

void load();
// New decisions while the page is open (the worker writes them to storage.session).
chrome.storage.onChanged.addListener((changes) => { if (changes.recent) void load(); });
