// Toolbar popup: agent and policy status, and recent decisions in this browser (metadata only).
import type { RecentDecision, StatusReply } from '../types';

const t = (k: string, s?: string | string[]) => chrome.i18n.getMessage(k, s) || k;
const $ = (id: string) => document.getElementById(id)!;

for (const e of document.querySelectorAll<HTMLElement>('[data-i18n]')) e.textContent = t(e.dataset.i18n!);

function typeLabel(type: string): string {
  return chrome.i18n.getMessage(`type_${type.replace(/[^A-Za-z0-9_]/g, '_')}`) || type;
}

function recentItem(d: RecentDecision): HTMLLIElement {
  const li = document.createElement('li');
  const when = new Date(d.time).toLocaleTimeString();
  const types = Object.entries(d.types).map(([k, n]) => (n > 1 ? `${typeLabel(k)} × ${n}` : typeLabel(k))).join(', ');
  const action = d.choice ? `${t(`action_${d.action}`)}: ${t(`choice_${d.choice}`)}` : t(`action_${d.action}`);
  li.append(`${action} `);
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = `· ${d.host} · ${t(`trigger_${d.trigger}`)} · ${when}${types ? ` · ${types}` : ''}`;
  li.append(meta);
  return li;
}

async function refresh() {
  const s = (await chrome.runtime.sendMessage({ kind: 'status' })) as StatusReply;
  const agent = $('agent');
  agent.textContent = s.connected ? t('popupConnected') : t('popupDisconnected');
  agent.className = s.connected ? 'ok' : 'bad';
  $('version').textContent = s.hello?.agent_version ?? '–';
  $('policy').textContent = s.hello ? `${s.hello.policy_name} (v${s.hello.policy_version})` : '–';
  $('daemon').textContent = typeof s.agent_status?.daemon === 'string' ? s.agent_status.daemon : '–';
  $('failmode').textContent = s.fail_mode === 'closed' ? t('popupFailClosed') : t('popupFailOpen');
  $('lasterror').hidden = $('errlabel').hidden = !s.last_error || s.connected;
  $('lasterror').textContent = s.last_error ?? '';
  const list = $('recent');
  list.replaceChildren(...s.recent.map(recentItem));
  $('norecent').hidden = s.recent.length > 0;
}

$('reconnect').addEventListener('click', async () => {
  await chrome.runtime.sendMessage({ kind: 'reconnect' });
  await refresh();
});

void refresh();
