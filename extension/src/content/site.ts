// Site lookup: which adapter of sites.json (if any) applies to this frame's page now, and the
// page's address and conversation as the agent sees them.

import { adapters as siteAdapters, dev_adapters as devAdapters, generic } from '../sites.json';
import { state } from './state';

declare const __DEV__: boolean;

/** How text is put into and read out of a site's composer (see editors/). */
export type EditorKind = 'textarea' | 'prosemirror' | 'quill' | 'lexical' | 'contenteditable';

export interface Adapter { id: string; name: string; hosts: string[]; paths?: Record<string, string[]>; editor: EditorKind; composer: string[]; send: string[]; /** the area holding the AI's answers (pseudonyms are restored there) */ response?: string[] }

export interface Site { adapter?: Adapter | undefined; guarded: boolean; composer: string; send: string }

function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) {
    const d = pattern.slice(2);
    return host === d || host.endsWith(`.${d}`);
  }
  return host === pattern;
}

const BUILTIN: Adapter[] = [...(siteAdapters as Adapter[]), ...(__DEV__ ? (devAdapters as Adapter[]) : [])];
/** The built-in adapters merged with the signed policy's (`sites.adapters`, from the agent's
 * hello, kept by the worker in storage.local): a policy adapter comes first, and replaces a
 * built-in one with the same id, so an admin can add or fix a site without a release. */
let ADAPTERS: Adapter[] = BUILTIN;

/** Reads the policy's adapters (once at start, and again when the worker stores new ones). */
export function loadPolicyAdapters(): Promise<void> {
  const apply = (v: unknown) => {
    const fromPolicy = Array.isArray(v) ? (v as Adapter[]).filter((a) => a && Array.isArray(a.hosts) && Array.isArray(a.composer)) : [];
    const ids = new Set(fromPolicy.map((a) => a.id));
    ADAPTERS = [...fromPolicy.map((a) => ({ ...a, send: a.send ?? [] })), ...BUILTIN.filter((a) => !ids.has(a.id))];
    state.siteCache = null;
  };
  try {
    chrome.storage.onChanged.addListener((changes, area) => { if (area === 'local' && changes.policyAdapters) apply(changes.policyAdapters.newValue); });
    return chrome.storage.local.get('policyAdapters').then((r) => apply(r?.policyAdapters), () => {});
  } catch {
    return Promise.resolve(); // storage not reachable: the built-in adapters
  }
}

/** This frame's host; an about:blank or srcdoc frame has its creator's origin. */
export const host = (() => {
  if (location.hostname) return location.hostname.toLowerCase();
  try { return new URL(self.origin).hostname.toLowerCase(); } catch { return ''; }
})();

/** The page's address for the agent: this frame's, else the top page's (same origin), else the origin. */
export function pageUrl(): string {
  if (/^https?:$/.test(location.protocol)) return location.href;
  try { if (window.top && /^https?:$/.test(window.top.location.protocol)) return window.top.location.href; } catch { /* cross-origin */ }
  try { return `${new URL(self.origin).origin}/`; } catch { return ''; }
}

/** The conversation: the top page's path where it can be read (a framed composer belongs to it). */
export function conversationPath(): string {
  try { if (window.top && window.top !== window && /^https?:$/.test(window.top.location.protocol)) return window.top.location.pathname; } catch { /* cross-origin */ }
  return /^https?:$/.test(location.protocol) ? location.pathname : '/';
}

/** The adapter for this page now (sites route client-side, so the path is read per event). On a
 * host whose adapter is scoped to paths (x.com: /i/grok), other paths are not guarded at all.
 * A change of path is a navigation: approvals made on the old path are dropped. */
export function site(): Site {
  const path = conversationPath();
  if (state.siteCache?.path === path) return state.siteCache.site;
  if (state.siteCache && state.siteCache.path !== path) state.approvals = [];
  const onHost = ADAPTERS.filter((a) => a.hosts.some((h) => hostMatches(h, host)));
  const adapter = onHost.find((a) => {
    const paths = a.paths?.[host];
    return !paths || paths.some((p) => path.startsWith(p));
  });
  const guarded = !!adapter || onHost.length === 0;
  const s: Site = {
    adapter,
    guarded,
    composer: [...(adapter?.composer ?? []), ...generic.composer].join(', '),
    send: [...(adapter?.send ?? []), ...generic.send].join(', '),
  };
  state.siteCache = { path, site: s };
  return s;
}
