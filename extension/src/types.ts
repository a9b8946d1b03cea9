// Wire types of docs/PROTOCOL.md (version 1) and the messages between content script, popup and
// service worker. Nothing here carries pasted text except `InspectMsg.text`.

export type Action = 'allow' | 'warn' | 'redact' | 'block';
export type Trigger = 'paste' | 'drop' | 'submit' | 'file';
export type Choice = 'cancel' | 'proceed' | 'proceed_with_justification';
export type FailMode = 'open' | 'closed';

export interface WireFinding {
  type: string;
  start: number;
  end: number;
  start_utf16: number;
  end_utf16: number;
  score: number;
}

export interface Verdict {
  action: Action;
  findings: WireFinding[];
  redacted_text: string | null;
  redacted_text_parts?: number | null;
  message: string;
  link: string | null;
  reasons: string[];
  categories: string[];
  override_allowed: boolean;
  justification_required: boolean;
  event_id: string | null;
  policy_name: string;
  policy_version: number;
  decided_by: string;
}

export interface HelloOk {
  protocol: number;
  agent_version: string;
  capabilities: string[];
  policy_name: string;
  policy_version: number;
  fail_mode: FailMode;
}

/** What the content script gets back for an inspection. */
export type InspectResult =
  | { ok: true; verdict: Verdict; /** time spent in the worker and the agent */ worker_ms?: number; /** native-port round trip */ port_ms?: number }
  | { ok: false; fail_mode: FailMode; reason: string };

export type ToWorker =
  | { kind: 'inspect'; text: string; trigger: Trigger; url: string; conversation_id?: string }
  | { kind: 'decision'; event_id: string; choice: Choice; justification?: string; action: Action; host: string; trigger: Trigger }
  | { kind: 'status' }
  | { kind: 'reconnect' };

/** A decision as the popup lists it: metadata only, never text or values. */
export interface RecentDecision {
  time: number;
  host: string;
  trigger: Trigger;
  action: Action | 'unavailable';
  types: Record<string, number>;
  choice?: Choice;
}

export interface StatusReply {
  connected: boolean;
  hello: HelloOk | null;
  agent_status: Record<string, unknown> | null;
  last_error: string | null;
  fail_mode: FailMode;
  fail_mode_source: 'policy' | 'managed' | 'default';
  recent: RecentDecision[];
}

/** Managed storage (storage.managed, see managed_schema.json). */
export interface ManagedConfig {
  failMode?: FailMode;
  requestTimeoutMs?: number;
  nativeHostName?: string;
  extraAiSites?: string[];
}
