// Service worker (Chromium) / event page (Firefox): owns the one native-messaging port to the
// Promptwall agent (`com.promptwall.agent`), matches replies to requests by id with timeouts,
// reconnects after the host or the worker restarts, and answers content scripts and the popup.
//
// Console output never carries pasted text: only message types, ids, counts and error codes.

import type {
  FailMode, HelloOk, InspectResult, ManagedConfig, RecentDecision, StatusReply, ToWorker, Verdict,
} from './types';

const DEFAULT_HOST = 'com.promptwall.agent';
const DEFAULT_TIMEOUT_MS = 5000;
const HELLO_TIMEOUT_MS = 3000;
const RECENT_MAX = 50;
const VERSION = chrome.runtime.getManifest().version;

interface Pending {
  resolve: (msg: any) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  parts: string[];
}

let port: chrome.runtime.Port | null = null;
let connecting: Promise<chrome.runtime.Port | null> | null = null;
let hello: HelloOk | null = null;
let lastError: string | null = null;
let nextId = 1;
let backoffMs = 1000;
let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
const pending = new Map<string, Pending>();
/** Round trip of the last request over the native port (for the latency figures). */
let lastPortMs = 0;

// ---------------------------------------------------------------- configuration

let managedCache: Promise<ManagedConfig> | null = null;
let managedValue: ManagedConfig | null = null;

/** Managed (MDM) configuration, read once per worker life and again when it changes. */
function managed(): Promise<ManagedConfig> {
  if (!managedCache) {
    managedCache = (async () => {
      try {
        managedValue = ((await chrome.storage.managed.get(null)) ?? {}) as ManagedConfig;
      } catch {
        managedValue = {}; // no managed storage (Firefox without policy, or not configured)
      }
      return managedValue;
    })();
  }
  return managedCache;
}

/** The managed configuration if already read, else the defaults: Chromium can take seconds to
 * answer the first storage.managed read, and a verdict must not wait for it. */
function managedNow(): ManagedConfig {
  void managed();
  return managedValue ?? {};
}

/** The managed configuration, waiting at most `ms` for the first read. */
function managedWithin(ms: number): Promise<ManagedConfig> {
  return Promise.race([managed(), new Promise<ManagedConfig>((r) => setTimeout(() => r(managedValue ?? {}), ms))]);
}

/** Fail mode when the agent cannot answer: the last policy the agent reported, then MDM, then open. */
async function failMode(): Promise<{ mode: FailMode; source: StatusReply['fail_mode_source'] }> {
  if (hello) return { mode: hello.fail_mode === 'closed' ? 'closed' : 'open', source: 'policy' };
  const { cachedHello } = await chrome.storage.local.get('cachedHello');
  if (cachedHello?.fail_mode) return { mode: cachedHello.fail_mode === 'closed' ? 'closed' : 'open', source: 'policy' };
  const m = await managedWithin(500);
  if (m.failMode === 'open' || m.failMode === 'closed') return { mode: m.failMode, source: 'managed' };
  return { mode: 'open', source: 'default' };
}

// ---------------------------------------------------------------- native port

function rejectAll(reason: string) {
  for (const [id, p] of pending) {
    clearTimeout(p.timer);
    pending.delete(id);
    p.reject(new Error(reason));
  }
}

function scheduleReconnect() {
  if (reconnectTimer) return;
  reconnectTimer = setTimeout(() => {
    reconnectTimer = null;
    void ensurePort();
  }, backoffMs);
  backoffMs = Math.min(backoffMs * 2, 30000);
}

function onPortMessage(msg: any) {
  const id = msg?.id == null ? null : String(msg.id);
  const p = id ? pending.get(id) : undefined;
  if (!p) {
    console.warn('promptwall: reply without a pending request', msg?.type);
    return;
  }
  if (msg.type === 'verdict_part') {
    p.parts[msg.seq] = msg.data;
    return;
  }
  clearTimeout(p.timer);
  pending.delete(id!);
  if (msg.type === 'error') {
    p.reject(new Error(`agent error ${msg.code}`));
    return;
  }
  if (msg.type === 'verdict' && msg.redacted_text == null && msg.redacted_text_parts) {
    msg.redacted_text = p.parts.join('');
  }
  p.resolve(msg);
}

function openPort(): Promise<chrome.runtime.Port | null> {
  return (async () => {
    const name = managedNow().nativeHostName || DEFAULT_HOST;
    let p: chrome.runtime.Port;
    try {
      p = chrome.runtime.connectNative(name);
    } catch (e) {
      lastError = 'connect_failed';
      return null;
    }
    port = p;
    p.onMessage.addListener(onPortMessage);
    p.onDisconnect.addListener(() => {
      const why = chrome.runtime.lastError?.message ?? 'host exited';
      // The reason text comes from the browser (e.g. "host not found"), never from page content.
      lastError = why;
      console.info('promptwall: agent port closed:', why);
      if (port === p) port = null;
      hello = null;
      rejectAll('agent_disconnected');
      scheduleReconnect();
    });
    try {
      const h = (await request(p, { type: 'hello', client: 'promptwall-extension', client_version: VERSION }, HELLO_TIMEOUT_MS)) as HelloOk;
      if (port !== p) return null;
      hello = h;
      lastError = null;
      backoffMs = 1000;
      const aiSites = (h as HelloOk & { ai_sites?: unknown }).ai_sites;
      void chrome.storage.local.set({ cachedHello: { fail_mode: h.fail_mode, policy_name: h.policy_name, policy_version: h.policy_version, agent_version: h.agent_version, ai_sites: Array.isArray(aiSites) ? aiSites : undefined, at: Date.now() } });
      if (Array.isArray(aiSites)) void registerExtraSites();
      return p;
    } catch (e) {
      lastError = (e as Error).message;
      if (port === p) {
        port = null;
        try { p.disconnect(); } catch { /* already gone */ }
      }
      scheduleReconnect();
      return null;
    }
  })();
}

async function ensurePort(): Promise<chrome.runtime.Port | null> {
  if (port && hello) return port;
  if (!connecting) {
    connecting = openPort().finally(() => { connecting = null; });
  }
  return connecting;
}

function request(p: chrome.runtime.Port, body: Record<string, unknown>, timeoutMs: number): Promise<any> {
  const id = `x${nextId++}`;
  const t0 = performance.now();
  return new Promise((resolve_, reject) => {
    const resolve = (msg: any) => {
      if (msg && typeof msg === 'object') lastPortMs = performance.now() - t0;
      resolve_(msg);
    };
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error('timeout'));
      // A host that does not answer in time is wedged: drop it, so the next request starts a
      // fresh one instead of waiting on it again. Requests still in flight are retried there.
      if (port === p) {
        port = null;
        hello = null;
        try { p.disconnect(); } catch { /* already gone */ }
        rejectAll('agent_disconnected');
      }
    }, timeoutMs);
    pending.set(id, { resolve, reject, timer, parts: [] });
    try {
      p.postMessage({ v: 1, id, ...body });
    } catch (e) {
      clearTimeout(timer);
      pending.delete(id);
      reject(new Error('post_failed'));
    }
  });
}

/** Sends a request, opening the port if needed; one retry on a fresh port if the host went away. */
async function call(body: Record<string, unknown>): Promise<any> {
  const timeout = managedNow().requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    const p = await ensurePort();
    if (!p) throw new Error(lastError ?? 'agent_unavailable');
    try {
      return await request(p, body, timeout);
    } catch (e) {
      const msg = (e as Error).message;
      if (attempt === 0 && (msg === 'agent_disconnected' || msg === 'post_failed')) continue;
      throw e;
    }
  }
}

// ---------------------------------------------------------------- recent decisions (metadata only)

const recentArea: chrome.storage.StorageArea = chrome.storage.session ?? chrome.storage.local;
let recentCache: Promise<RecentDecision[]> | null = null;
let recentFlush: ReturnType<typeof setTimeout> | null = null;

function recentList(): Promise<RecentDecision[]> {
  recentCache ??= recentArea.get('recent').then((r) => ((r as { recent?: RecentDecision[] }).recent ?? []), () => []);
  return recentCache;
}

/** Notes a decision for the popup. Kept in memory and written to storage a moment later, off the
 * verdict's path (storage calls are IPC to the browser and would queue before the reply). */
function remember(d: RecentDecision) {
  void recentList().then((list) => {
    list.unshift(d);
    list.length = Math.min(list.length, RECENT_MAX);
    if (!recentFlush) {
      recentFlush = setTimeout(() => {
        recentFlush = null;
        void recentArea.set({ recent: list });
      }, 250);
    }
  });
}

function typeCounts(v: Verdict): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of v.findings) out[f.type] = (out[f.type] ?? 0) + 1;
  return out;
}

function hostOf(url: string): string {
  try { return new URL(url).hostname; } catch { return ''; }
}

// ---------------------------------------------------------------- message handlers

async function handle(msg: ToWorker): Promise<unknown> {
  switch (msg.kind) {
    case 'inspect': {
      const t0 = performance.now();
      try {
        const v = (await call({ type: 'inspect', text: msg.text, url: msg.url, trigger: msg.trigger, ...(msg.conversation_id ? { conversation_id: msg.conversation_id } : {}) })) as Verdict;
        if (v.action !== 'allow') {
          remember({ time: Date.now(), host: hostOf(msg.url), trigger: msg.trigger, action: v.action, types: typeCounts(v) });
        }
        return { ok: true, verdict: v, worker_ms: performance.now() - t0, port_ms: lastPortMs } satisfies InspectResult;
      } catch (e) {
        const fm = await failMode();
        const reason = (e as Error).message;
        console.warn('promptwall: inspection failed:', reason, 'fail mode', fm.mode);
        remember({ time: Date.now(), host: hostOf(msg.url), trigger: msg.trigger, action: 'unavailable', types: {} });
        return { ok: false, fail_mode: fm.mode, reason } satisfies InspectResult;
      }
    }
    case 'decision': {
      remember({ time: Date.now(), host: msg.host, trigger: msg.trigger, action: msg.action, types: {}, choice: msg.choice });
      try {
        await call({ type: 'user_decision', event_id: msg.event_id, choice: msg.choice, ...(msg.justification ? { justification: msg.justification } : {}) });
        return { ok: true };
      } catch (e) {
        console.warn('promptwall: user decision not recorded:', (e as Error).message);
        return { ok: false };
      }
    }
    case 'status': {
      await ensurePort();
      let agentStatus: Record<string, unknown> | null = null;
      if (port) {
        try { agentStatus = await call({ type: 'status' }); } catch { /* shown as not connected */ }
      }
      const fm = await failMode();
      const recent = [...(await recentList())];
      return { connected: !!port && !!hello, hello, agent_status: agentStatus, last_error: lastError, fail_mode: fm.mode, fail_mode_source: fm.source, recent } satisfies StatusReply;
    }
    case 'reconnect': {
      backoffMs = 1000;
      await ensurePort();
      return { connected: !!port };
    }
  }
}

chrome.runtime.onConnect.addListener((p) => {
  if (p.name !== 'promptwall-content') return;
  p.onMessage.addListener((m: { id: number; msg: ToWorker }) => {
    handle(m.msg).then(
      (result) => { try { p.postMessage({ id: m.id, result }); } catch { /* page gone */ } },
      (e) => { try { p.postMessage({ id: m.id, result: { ok: false, fail_mode: 'open', reason: String((e as Error)?.message ?? e) } }); } catch { /* page gone */ } },
    );
  });
});

chrome.runtime.onMessage.addListener((msg: ToWorker, _sender, sendResponse) => {
  handle(msg).then(sendResponse, (e) => sendResponse({ ok: false, reason: String((e as Error)?.message ?? e) }));
  return true; // async reply
});

// ---------------------------------------------------------------- sites configured by MDM

/** Hosts listed in managed `extraAiSites`, or in the agent policy's AI sites when the agent
 * reports them (`ai_sites` in hello_ok; agents that do not send it are fine), get the content
 * script too, when the host permission
 * has been granted (by the user or by the browser's enterprise policy). */
async function registerExtraSites() {
  const m = await managed();
  const { cachedHello } = await chrome.storage.local.get('cachedHello');
  const fromPolicy: string[] = Array.isArray(cachedHello?.ai_sites) ? cachedHello.ai_sites : [];
  const builtin = new Set(chrome.runtime.getManifest().content_scripts?.[0]?.matches ?? []);
  const hosts = [...new Set([...(m.extraAiSites ?? []), ...fromPolicy])]
    .filter((h) => typeof h === 'string' && /^(\*\.)?[a-z0-9.-]+$/i.test(h) && !builtin.has(`https://${h}/*`));
  if (!chrome.scripting?.registerContentScripts) return;
  try {
    await chrome.scripting.unregisterContentScripts({ ids: ['promptwall-extra-sites'] }).catch(() => {});
    if (!hosts.length) return;
    const origins = hosts.flatMap((h) => [`https://${h}/*`]);
    const granted = await chrome.permissions.contains({ origins });
    if (!granted) {
      console.info('promptwall: extra AI sites configured but host permission not granted:', hosts.length);
      return;
    }
    await chrome.scripting.registerContentScripts([{ id: 'promptwall-extra-sites', matches: origins, js: ['content.js'], runAt: 'document_start', persistAcrossSessions: false }]);
  } catch (e) {
    console.warn('promptwall: could not register extra sites:', (e as Error).message);
  }
}

chrome.storage.onChanged.addListener((_changes, area) => {
  if (area !== 'managed') return;
  managedCache = null;
  void registerExtraSites();
});

// Tabs of AI sites that were open before the extension was installed or updated have no (live)
// content script: inject it, so they are guarded without a reload.
chrome.runtime.onInstalled.addListener(async () => {
  const matches = chrome.runtime.getManifest().content_scripts?.[0]?.matches ?? [];
  if (!matches.length || !chrome.scripting?.executeScript) return;
  try {
    for (const tab of await chrome.tabs.query({ url: matches })) {
      if (tab.id != null) chrome.scripting.executeScript({ target: { tabId: tab.id }, files: ['content.js'] }).catch(() => {});
    }
  } catch (e) {
    console.warn('promptwall: could not inject into open tabs:', (e as Error).message);
  }
});

// A fresh worker (first start, or after the browser stopped it) connects at once, so the first
// paste does not pay the host's cold start.
void ensurePort();
void registerExtraSites();
