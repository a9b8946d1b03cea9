// Service worker (Chromium) / event page (Firefox): owns the one native-messaging port to the
// Promptwall agent (`com.promptwall.agent`), matches replies to requests by id with timeouts,
// reconnects after the host or the worker restarts, and answers content scripts and the popup.
//
// Console output never carries pasted text: only message types, ids, counts and error codes.

import type { Request, SiteAdapter, StatusResponse } from '../protocol.gen';
import type {
  FailMode, HelloOk, InspectResult, ManagedConfig, RecentDecision, StatusReply, ToWorker, Trigger, UninspectableReason, Verdict,
} from '../types';

/** A request as built here: the generated wire type without its envelope (`v`, `id`), which
 * `envelope` adds. */
type WithoutEnvelope<T> = T extends unknown ? Omit<T, 'v' | 'id'> : never;
type RequestBody = WithoutEnvelope<Request>;

const DEFAULT_HOST = 'com.promptwall.agent';
const DEFAULT_TIMEOUT_MS = 5000;
const HELLO_TIMEOUT_MS = 3000;
/** Decisions kept for the popup (the last 50) and the "What Promptwall saw" page (all of them). */
const RECENT_MAX = 500;
/** The host's inbound cap when its hello_ok does not say (8 MiB of UTF-8 JSON, less a margin). */
const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024 - 64 * 1024;
/** Headroom under the host's cap: Chromium re-serialises the message (key order, escapes). */
const REQUEST_MARGIN_BYTES = 16 * 1024;
/** Older hosts refuse frames over 4 MiB and answer without the request's id. */
const LEGACY_MAX_INBOUND = 4 * 1024 * 1024;
/** Extra time per MiB of request, on top of the request timeout (large texts take longer). */
const TIMEOUT_PER_MIB_MS = 1000;
/** conversation_id is cut to this many characters (Chromium sorts keys, so it precedes `id`). */
const MAX_CONVERSATION_ID = 256;
const VERSION = chrome.runtime.getManifest().version;

interface Pending {
  resolve: (msg: any) => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
  parts: string[];
  /** UTF-8 JSON bytes of the request. */
  bytes: number;
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

/** Fail mode when the agent cannot answer: the stricter of the policy's (the agent's hello, or
 * the last one cached) and the managed (MDM) setting; open only when neither says closed. A
 * cached hello never loosens a managed `closed`. */
async function failMode(): Promise<{ mode: FailMode; source: StatusReply['fail_mode_source'] }> {
  let policy: FailMode | undefined = hello?.fail_mode;
  if (!policy) {
    try {
      const { cachedHello } = await chrome.storage.local.get('cachedHello');
      policy = cachedHello?.fail_mode;
    } catch { /* storage unavailable: managed and the default decide */ }
  }
  const m = await managedWithin(3000);
  if (m.failMode === 'closed') return { mode: 'closed', source: 'managed' };
  if (policy === 'closed') return { mode: 'closed', source: 'policy' };
  if (policy === 'open') return { mode: 'open', source: 'policy' };
  if (m.failMode === 'open') return { mode: 'open', source: 'managed' };
  return { mode: 'open', source: 'default' };
}

/** The fail mode in force, without waiting for storage: for replies on the hot path. */
function failModeNow(): FailMode {
  return hello?.fail_mode === 'closed' || managedValue?.failMode === 'closed' ? 'closed' : 'open';
}

/** The largest request the host reads, in UTF-8 JSON bytes. */
function maxRequestBytes(): number {
  const n = hello?.max_request_bytes;
  return typeof n === 'number' && n > REQUEST_MARGIN_BYTES ? n - REQUEST_MARGIN_BYTES : DEFAULT_MAX_REQUEST_BYTES;
}

/** UTF-8 length of a string without encoding it (lone surrogates count as U+FFFD, 3 bytes). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

/** A request as it goes to the host: `id` first, then the envelope, then the body. */
function envelope(id: string, body: RequestBody): Request {
  return { id, v: 1, ...body } as Request;
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
  let id = msg?.id == null ? null : String(msg.id);
  if (id == null && msg?.type === 'error' && msg.code === 'frame_too_large') {
    // An older host answers an oversized frame without its id: it is the oldest pending request
    // over that host's cap.
    for (const [pid, p] of pending) if (p.bytes > LEGACY_MAX_INBOUND) { id = pid; break; }
  }
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
    p.reject(new Error(msg.code === 'frame_too_large' ? 'too_large' : `agent error ${msg.code}`));
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
      const aiSites: unknown = h.ai_sites;
      // The policy's site adapters (signed with the policy): content scripts read them from
      // storage.local and merge them with the built-in ones (src/content/site.ts).
      const adapters = policyAdapters(h.site_adapters);
      await chrome.storage.local.set({ cachedHello: { fail_mode: h.fail_mode, uninspectable: h.uninspectable, max_request_bytes: h.max_request_bytes, policy_name: h.policy_name, policy_version: h.policy_version, agent_version: h.agent_version, ai_sites: Array.isArray(aiSites) ? aiSites : undefined, at: Date.now() }, policyAdapters: adapters });
      void registerExtraSites();
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

function request(p: chrome.runtime.Port, body: RequestBody, timeoutMs: number, bytes = 0): Promise<any> {
  const id = `x${nextId++}`;
  const t0 = performance.now();
  timeoutMs += Math.ceil(bytes / (1024 * 1024)) * TIMEOUT_PER_MIB_MS;
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
    pending.set(id, { resolve, reject, timer, parts: [], bytes });
    try {
      p.postMessage(envelope(id, body));
    } catch (e) {
      clearTimeout(timer);
      pending.delete(id);
      reject(new Error('post_failed'));
    }
  });
}

/** Sends a request, opening the port if needed; one retry on a fresh port if the host went away. */
async function call(body: RequestBody, bytes = 0): Promise<any> {
  const timeout = managedNow().requestTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    const p = await ensurePort();
    if (!p) throw new Error(lastError ?? 'agent_unavailable');
    try {
      return await request(p, body, timeout, bytes);
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

/** The user's choice on a warning joins its decision (by event id); a choice whose decision is no
 * longer listed is noted on its own. */
function rememberChoice(d: RecentDecision) {
  void recentList().then((list) => {
    const hit = d.event_id ? list.find((x) => x.event_id === d.event_id && !x.choice) : undefined;
    if (hit) {
      hit.choice = d.choice!;
      if (d.justification) hit.justification = d.justification;
      if (!recentFlush) recentFlush = setTimeout(() => { recentFlush = null; void recentArea.set({ recent: list }); }, 250);
    } else {
      remember(d);
    }
  });
}

/** What a verdict adds to its listed decision: the policy's message, link and name. */
function verdictMeta(v: Verdict): Partial<RecentDecision> {
  return { ...(v.message ? { message: v.message } : {}), link: v.link ?? null, policy: v.policy_name, ...(v.event_id ? { event_id: v.event_id } : {}) };
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

// ---------------------------------------------------------------- per-tab rate limit

/** Token buckets per tab: the user's own input (trusted events) gets room no person can use up;
 * input a page script made (untrusted) gets little, so a page cannot flood the agent's capped
 * event store with inspections in the user's name. */
const LIMITS = { trusted: { burst: 200, perSecond: 50 }, untrusted: { burst: 30, perSecond: 1 } };
const buckets = new Map<string, { tokens: number; at: number }>();

function takeToken(tab: number | undefined, trusted: boolean): boolean {
  const lim = trusted ? LIMITS.trusted : LIMITS.untrusted;
  const key = `${tab ?? -1}:${trusted ? 't' : 'u'}`;
  const now = Date.now();
  const b = buckets.get(key) ?? { tokens: lim.burst, at: now };
  b.tokens = Math.min(lim.burst, b.tokens + ((now - b.at) / 1000) * lim.perSecond);
  b.at = now;
  buckets.set(key, b);
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

chrome.tabs?.onRemoved?.addListener((tab) => {
  buckets.delete(`${tab}:t`);
  buckets.delete(`${tab}:u`);
});

function conversationOf(msg: { conversation_id?: string }): Record<string, string> {
  return msg.conversation_id ? { conversation_id: msg.conversation_id.slice(0, MAX_CONVERSATION_ID) } : {};
}

/** Asks the agent about content it cannot inspect (over the size cap, a binary file): a verdict
 * the agent records. Without an agent that answers, or one too old to know the request, the
 * policy's `uninspectable` choice (if the agent ever said it) or the fail mode decides locally:
 * closed blocks, open warns; never a silent allow. */
async function uninspectable(msg: { trigger: Trigger; url: string; reason: UninspectableReason; size: number; name?: string | undefined; conversation_id?: string }, t0: number): Promise<InspectResult> {
  const body = { type: 'uninspectable', url: msg.url, trigger: msg.trigger, reason: msg.reason, size: msg.size, ...(msg.name ? { name: msg.name.slice(0, 255) } : {}), ...conversationOf(msg) } satisfies RequestBody;
  let why = 'uninspectable';
  try {
    const v = (await call(body)) as Verdict;
    if (v?.action) {
      if (v.action !== 'allow') remember({ time: Date.now(), host: hostOf(msg.url), trigger: msg.trigger, action: v.action, types: {}, ...verdictMeta(v) });
      return { ok: true, verdict: v, worker_ms: performance.now() - t0, port_ms: lastPortMs, fail_mode: failModeNow() };
    }
  } catch (e) {
    why = (e as Error).message;
  }
  const fm = await failMode();
  let policyChoice: 'warn' | 'block' | undefined = hello?.uninspectable;
  if (!policyChoice) {
    try { policyChoice = (await chrome.storage.local.get('cachedHello')).cachedHello?.uninspectable; } catch { /* none */ }
  }
  const local: 'warn' | 'block' = fm.mode === 'closed' || policyChoice === 'block' ? 'block' : 'warn';
  console.warn('promptwall: uninspectable content decided locally:', msg.reason, why, local);
  remember({ time: Date.now(), host: hostOf(msg.url), trigger: msg.trigger, action: local, types: {} });
  return { ok: false, fail_mode: fm.mode, reason: msg.reason, uninspectable: local };
}

async function handle(msg: ToWorker, tab?: number): Promise<unknown> {
  switch (msg.kind) {
    case 'inspect': {
      const t0 = performance.now();
      if (!takeToken(tab, msg.trusted !== false)) {
        console.warn('promptwall: inspection refused: rate limit', msg.trusted === false ? 'untrusted' : 'trusted');
        return { ok: false, fail_mode: 'closed', reason: 'rate_limited' } satisfies InspectResult;
      }
      if (!hello && connecting) await connecting; // the host's cap comes with its hello
      const body = { type: 'inspect', text: msg.text, url: msg.url, trigger: msg.trigger, ...conversationOf(msg) } satisfies RequestBody;
      const bytes = utf8Length(JSON.stringify(envelope(`x${nextId}`, body)));
      if (bytes > maxRequestBytes()) return uninspectable({ ...msg, reason: 'too_large', size: utf8Length(msg.text) }, t0);
      try {
        const v = (await call(body, bytes)) as Verdict;
        if (v.action !== 'allow') {
          remember({ time: Date.now(), host: hostOf(msg.url), trigger: msg.trigger, action: v.action, types: typeCounts(v), ...verdictMeta(v) });
        }
        return { ok: true, verdict: v, worker_ms: performance.now() - t0, port_ms: lastPortMs, fail_mode: failModeNow() } satisfies InspectResult;
      } catch (e) {
        const reason = (e as Error).message;
        if (reason === 'too_large') return uninspectable({ ...msg, reason: 'too_large', size: utf8Length(msg.text) }, t0);
        const fm = await failMode();
        console.warn('promptwall: inspection failed:', reason, 'fail mode', fm.mode);
        remember({ time: Date.now(), host: hostOf(msg.url), trigger: msg.trigger, action: 'unavailable', types: {} });
        return { ok: false, fail_mode: fm.mode, reason } satisfies InspectResult;
      }
    }
    case 'inspect_file': {
      // A file the page could not read as text: the agent reads what it can (office documents)
      // and decides; an agent without the capability, or a file over the cap, is uninspectable.
      const t0 = performance.now();
      if (!takeToken(tab, msg.trusted !== false)) return { ok: false, fail_mode: 'closed', reason: 'rate_limited' } satisfies InspectResult;
      if (!hello && connecting) await connecting;
      const asUninspectable = () => uninspectable({ trigger: msg.trigger, url: msg.url, reason: 'binary_file', size: msg.size, name: msg.name, ...conversationOf(msg) }, t0);
      if (!hello?.capabilities?.includes('inspect_file')) return asUninspectable();
      const body = { type: 'inspect_file', url: msg.url, trigger: msg.trigger, data: msg.data, ...(msg.name ? { name: msg.name.slice(0, 255) } : {}), ...conversationOf(msg) } satisfies RequestBody;
      const bytes = msg.data.length + 1024;
      if (bytes > maxRequestBytes()) return uninspectable({ trigger: msg.trigger, url: msg.url, reason: 'too_large', size: msg.size, name: msg.name, ...conversationOf(msg) }, t0);
      try {
        const v = (await call(body, bytes)) as Verdict;
        if (v?.action) {
          if (v.action !== 'allow') remember({ time: Date.now(), host: hostOf(msg.url), trigger: msg.trigger, action: v.action, types: typeCounts(v), ...verdictMeta(v) });
          return { ok: true, verdict: v, worker_ms: performance.now() - t0, port_ms: lastPortMs, fail_mode: failModeNow() } satisfies InspectResult;
        }
      } catch { /* decided below as uninspectable content */ }
      return asUninspectable();
    }
    case 'uninspectable': {
      const t0 = performance.now();
      if (!takeToken(tab, msg.trusted !== false)) return { ok: false, fail_mode: 'closed', reason: 'rate_limited' } satisfies InspectResult;
      return uninspectable(msg, t0);
    }
    case 'failmode':
      return { fail_mode: (await failMode()).mode };
    case 'decision': {
      rememberChoice({ time: Date.now(), host: msg.host, trigger: msg.trigger, action: msg.action, types: {}, choice: msg.choice, event_id: msg.event_id, ...(msg.justification ? { justification: msg.justification.slice(0, 500) } : {}) });
      try {
        await call({ type: 'user_decision', event_id: msg.event_id, choice: msg.choice, ...(msg.justification ? { justification: msg.justification } : {}) });
        return { ok: true };
      } catch (e) {
        console.warn('promptwall: user decision not recorded:', (e as Error).message);
        return { ok: false };
      }
    }
    case 'report': {
      try {
        const r = await call({ type: 'report_false_alarm', event_id: msg.event_id, ...(msg.reason ? { reason: msg.reason.slice(0, 500) } : {}) });
        const letThrough = r?.type === 'false_alarm_ok' && r.let_through === true;
        void recentList().then((list) => {
          const hit = list.find((x) => x.event_id === msg.event_id);
          if (hit) hit.reported = true;
          if (hit && letThrough && !hit.choice) hit.choice = 'proceed';
          if (!recentFlush) recentFlush = setTimeout(() => { recentFlush = null; void recentArea.set({ recent: list }); }, 250);
        });
        return { ok: true, let_through: letThrough };
      } catch (e) {
        console.warn('promptwall: false-alarm report not recorded:', (e as Error).message);
        return { ok: false };
      }
    }
    case 'status': {
      await ensurePort();
      let agentStatus: StatusResponse | null = null;
      if (port) {
        try { agentStatus = await call({ type: 'status' }); } catch { /* shown as not connected */ }
      }
      const fm = await failMode();
      const recent = (await recentList()).slice(0, 50);
      return { connected: !!port && !!hello, hello, agent_status: agentStatus, last_error: lastError, fail_mode: fm.mode, fail_mode_source: fm.source, recent } satisfies StatusReply;
    }
    case 'recent':
      // Only the extension's own pages ask (see onMessage): never a content script.
      return { recent: [...(await recentList())], policy_name: hello?.policy_name ?? null };
    case 'reconnect': {
      backoffMs = 1000;
      await ensurePort();
      return { connected: !!port };
    }
  }
}

chrome.runtime.onConnect.addListener((p) => {
  if (p.name !== 'promptwall-content') return;
  const tab = p.sender?.tab?.id;
  p.onMessage.addListener((m: { id: number; msg: ToWorker }) => {
    handle(m.msg, tab).then(
      (result) => { try { p.postMessage({ id: m.id, result }); } catch { /* page gone */ } },
      async (e) => {
        const fm = await failMode().catch(() => ({ mode: 'closed' as FailMode }));
        try { p.postMessage({ id: m.id, result: { ok: false, fail_mode: fm.mode, reason: String((e as Error)?.message ?? e) } }); } catch { /* page gone */ }
      },
    );
  });
});

chrome.runtime.onMessage.addListener((msg: ToWorker, sender, sendResponse) => {
  // The full list of decisions is for the extension's own pages, not for content scripts.
  if (msg.kind === 'recent' && !sender.url?.startsWith(chrome.runtime.getURL(''))) return false;
  handle(msg, sender.tab?.id).then(sendResponse, (e) => sendResponse({ ok: false, reason: String((e as Error)?.message ?? e) }));
  return true; // async reply
});

// ---------------------------------------------------------------- sites configured by MDM or the policy

const EDITORS = new Set(['textarea', 'prosemirror', 'quill', 'lexical', 'contenteditable']);
const strings = (v: unknown, max = 32): string[] | null =>
  Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 512) ? (v as string[]) : null;

/** The policy's site adapters that have the shape of sites.json (the agent validated them; this
 * keeps a malformed one from reaching the content scripts). */
function policyAdapters(v: unknown): SiteAdapter[] {
  if (!Array.isArray(v)) return [];
  return v.filter((a): a is SiteAdapter => !!a && typeof a === 'object'
    && typeof a.id === 'string' && typeof a.name === 'string' && EDITORS.has(a.editor)
    && !!strings(a.hosts) && (a.hosts as string[]).every((h) => /^(\*\.)?[a-z0-9.-]+$/i.test(h))
    && !!strings(a.composer) && (a.send == null || !!strings(a.send)) && (a.response == null || !!strings(a.response))
    && (a.paths == null || (typeof a.paths === 'object' && Object.values(a.paths).every((p) => !!strings(p, 64))))).slice(0, 200);
}

/** Hosts listed in managed `extraAiSites`, or in the agent policy's AI sites when the agent
 * reports them (`ai_sites` in hello_ok; agents that do not send it are fine), get the content
 * script too, when the host permission
 * has been granted (by the user or by the browser's enterprise policy). */
let registering: Promise<void> = Promise.resolve();
/** One registration at a time, in order, so the last configuration read is the one in force. */
function registerExtraSites(): Promise<void> {
  registering = registering.then(registerExtraSitesNow, registerExtraSitesNow);
  return registering;
}

async function registerExtraSitesNow() {
  const m = await managed();
  const { cachedHello, policyAdapters: adapters } = await chrome.storage.local.get(['cachedHello', 'policyAdapters']);
  const fromPolicy: string[] = [
    ...(Array.isArray(cachedHello?.ai_sites) ? cachedHello.ai_sites : []),
    ...(Array.isArray(adapters) ? (adapters as SiteAdapter[]).flatMap((a) => a.hosts) : []),
  ];
  const builtin = new Set(chrome.runtime.getManifest().content_scripts?.[0]?.matches ?? []);
  const hosts = [...new Set([...(m.extraAiSites ?? []), ...fromPolicy])]
    .filter((h) => typeof h === 'string' && /^(\*\.)?[a-z0-9.-]+$/i.test(h) && !builtin.has(`https://${h}/*`));
  if (!chrome.scripting?.registerContentScripts) return;
  try {
    await chrome.scripting.unregisterContentScripts({ ids: ['promptwall-extra-sites'] }).catch(() => {});
    if (!hosts.length) return;
    // Each site on its own: the ones whose host permission is granted are guarded, the others
    // wait for a grant (permissions.onAdded).
    const origins: string[] = [];
    for (const h of hosts) {
      const o = `https://${h}/*`;
      if (await chrome.permissions.contains({ origins: [o] }).catch(() => false)) origins.push(o);
    }
    if (origins.length < hosts.length) console.info('promptwall: AI sites configured without host permission:', hosts.length - origins.length);
    if (!origins.length) return;
    await chrome.scripting.registerContentScripts([{ id: 'promptwall-extra-sites', matches: origins, js: ['content.js'], runAt: 'document_start', allFrames: true, matchOriginAsFallback: true, persistAcrossSessions: false }]);
  } catch (e) {
    console.warn('promptwall: could not register extra sites:', (e as Error).message);
  }
}

// A host permission granted later (by the user, or a managed policy that changed) takes effect at once.
chrome.permissions?.onAdded?.addListener(() => { void registerExtraSites(); });

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
      if (tab.id != null) chrome.scripting.executeScript({ target: { tabId: tab.id, allFrames: true }, files: ['content.js'] }).catch(() => {});
    }
  } catch (e) {
    console.warn('promptwall: could not inject into open tabs:', (e as Error).message);
  }
});

// A fresh worker (first start, or after the browser stopped it) connects at once, so the first
// paste does not pay the host's cold start.
void ensurePort();
void registerExtraSites();
