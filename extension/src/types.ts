// The messages between content script, popup and service worker, and the wire types of
// docs/PROTOCOL.md re-exported from protocol.gen.ts, which is generated from
// docs/schemas/native-messages.schema.json (never edit it by hand: `npm run gen`). Nothing here
// carries pasted text except the `inspect` message's `text`.

import type {
  Action, Choice, FailMode, HelloOk, StatusResponse, Trigger, UninspectableAction, UninspectableReason, Verdict,
} from './protocol.gen';

export type {
  Action, Choice, FailMode, HelloOk, Trigger, UninspectableAction, UninspectableReason, Verdict,
} from './protocol.gen';
export type { WireFinding } from './protocol.gen';

/** What the content script gets back for an inspection. */
export type InspectResult =
  | { ok: true; verdict: Verdict; /** time spent in the worker and the agent */ worker_ms?: number; /** native-port round trip */ port_ms?: number; /** the fail mode in force */ fail_mode?: FailMode }
  | {
    ok: false; fail_mode: FailMode; reason: string;
    /** Set when the content could not be inspected (too large, binary) and no agent verdict was
     * had for it: what to do locally (the policy's choice if known, else by the fail mode). */
    uninspectable?: UninspectableAction;
  };

export type ToWorker =
  | { kind: 'inspect'; text: string; trigger: Trigger; url: string; conversation_id?: string; /** the user's own input (Event.isTrusted) */ trusted?: boolean }
  | { kind: 'uninspectable'; trigger: Trigger; url: string; reason: UninspectableReason; size: number; name?: string | undefined; conversation_id?: string; trusted?: boolean }
  | { kind: 'inspect_file'; trigger: Trigger; url: string; /** the file's bytes, base64 */ data: string; size: number; name?: string | undefined; conversation_id?: string; trusted?: boolean }
  | { kind: 'failmode' }
  | { kind: 'decision'; event_id: string; choice: Choice; justification?: string | undefined; action: Action; host: string; trigger: Trigger }
  /** "Not sensitive?" on a reportable warn/redact verdict: the agent records a false-alarm report. */
  | { kind: 'report'; event_id: string; reason?: string; action: Action; host: string; trigger: Trigger }
  | { kind: 'recent' }
  | { kind: 'status' }
  | { kind: 'reconnect' };

/** A decision as the popup and the "What Promptwall saw" page list it: metadata only, never the
 * text or the values found. Kept in storage.session (this browser session only). */
export interface RecentDecision {
  time: number;
  host: string;
  trigger: Trigger;
  action: Action | 'unavailable';
  types: Record<string, number>;
  choice?: Choice;
  /** The reason the user gave to proceed (their own words, shown back to them only). */
  justification?: string;
  /** The policy's message and link for this decision. */
  message?: string;
  link?: string | null;
  policy?: string;
  /** The user reported this decision as a false alarm ("Not sensitive?"). */
  reported?: boolean;
  /** The agent's event id, so the user's choice joins its decision. */
  event_id?: string;
}

export interface StatusReply {
  connected: boolean;
  hello: HelloOk | null;
  agent_status: StatusResponse | null;
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
