// Wire types of docs/PROTOCOL.md (version 1) and the messages between content script, popup and
// service worker. Nothing here carries pasted text except `InspectMsg.text`.

export type Action = 'allow' | 'warn' | 'redact' | 'block';
export type Trigger = 'paste' | 'drop' | 'submit' | 'file';
/** Why content could not be inspected (the `uninspectable` request's `reason`). */
export type UninspectableReason = 'too_large' | 'binary_file' | 'unreadable';
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
  /** Largest request (UTF-8 JSON bytes) the host reads; absent from older agents. */
  max_request_bytes?: number;
  /** The policy's choice for content that cannot be inspected; absent from older agents. */
  uninspectable?: 'warn' | 'block';
  ai_sites?: string[];
}

/** What the content script gets back for an inspection. */
export type InspectResult =
  | { ok: true; verdict: Verdict; /** time spent in the worker and the agent */ worker_ms?: number; /** native-port round trip */ port_ms?: number; /** the fail mode in force */ fail_mode?: FailMode }
  | {
    ok: false; fail_mode: FailMode; reason: string;
    /** Set when the content could not be inspected (too large, binary) and no agent verdict was
     * had for it: what to do locally (the policy's choice if known, else by the fail mode). */
    uninspectable?: 'warn' | 'block';
  };

export type ToWorker =
  | { kind: 'inspect'; text: string; trigger: Trigger; url: string; conversation_id?: string; /** the user's own input (Event.isTrusted) */ trusted?: boolean }
  | { kind: 'uninspectable'; trigger: Trigger; url: string; reason: UninspectableReason; size: number; name?: string; conversation_id?: string; trusted?: boolean }
  | { kind: 'failmode' }
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
