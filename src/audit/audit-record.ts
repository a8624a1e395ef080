import type { AttemptOutcome, AttemptRecord } from '../types/attempt.js';
import type { FinishReason } from '../types/finish-reason.js';
import type { CallContext } from '../types/middleware.js';
import type { ChatResponse } from '../types/response.js';
import type { RoutingEvent } from '../types/routing.js';
import type { Usage } from '../types/usage.js';
import { buildUsageRecord } from '../usage/usage-record.js';
import { jsonValue, type AuditJson, type Hasher } from './hashing.js';

/** A provider and the model name it knows. */
export interface AuditTarget {
  provider: string;
  model: string;
}

/**
 * What an audit record keeps of an error: its class and codes, never its message (a provider's
 * message can quote the prompt).
 */
export interface AuditError {
  /** Class name: `RateLimitError`, `AbortError`, `BudgetExceededError`, … */
  name: string;
  /** `SwitchyardError.code` (`rate_limited`, `deadline_exceeded`, …), when the error has one. */
  code: string | undefined;
  /** HTTP status, for provider errors that came with one. */
  status: number | undefined;
  /** Whether trying again could help, when the error says. */
  retryable: boolean | undefined;
}

/** One provider attempt of the call. */
export interface AuditAttempt {
  target: AuditTarget;
  /** `skipped`: refused before any provider call (open circuit, budget or rate limit). */
  outcome: AttemptOutcome;
  latencyMs: number;
  /** From the attempt's start to its first content event. */
  timeToFirstTokenMs: number | undefined;
  /** What the provider reported it used; failed attempts can have usage too (and were billed). */
  usage: Usage | undefined;
  /** USD; undefined when the model has no known price or the attempt reported no usage. */
  costUsd: number | undefined;
  error: AuditError | undefined;
}

/** The policies that acted on the call, from its routing decisions (`response.routing`). */
export interface AuditPolicies {
  /** PII redacted from the request, counted per type (`email: 2`); undefined when nothing was. */
  redaction: Record<string, number> | undefined;
  /** `budget` decisions: `reserve`, `reject`, `degrade`, … */
  budget: RoutingEvent[];
  /** `rate-limit` decisions: `wait`, `reject`, … */
  rateLimit: RoutingEvent[];
  /** Every other decision: fallback and retry, hedge, split, load-balance, custom layers. */
  routing: RoutingEvent[];
}

/**
 * One gateway call, for an audit trail: who called, what was asked and what served it, when, what it
 * used and cost, how it ended, which policies acted on it, and hashes of what was sent and received.
 * It never holds message content, error messages, or the clear value of a fingerprinted metadata key.
 */
export interface AuditRecord {
  /** Schema version of this record. */
  version: 1;
  /** The gateway call id. */
  id: string;
  /** When the call started, ISO 8601 (UTC). */
  startedAt: string;
  status: 'success' | 'error' | 'aborted';
  /** The error that ended the call, when it did not succeed. */
  error: AuditError | undefined;
  /**
   * Who: the request's metadata (`user`, `team`, `feature`, `session`, `tags`, your own keys), as
   * plain JSON. `apiKey` and the keys in `hashMetadataKeys` hold a fingerprint
   * (`sha256:` + 16 hex chars, `hmac-sha256:` with a salt), never their value.
   */
  metadata: Record<string, AuditJson>;
  mode: 'generate' | 'stream';
  /** The model string the caller asked for: an alias or `provider/model`. */
  requestedModel: string;
  /** The target that served the call; undefined when it failed. */
  served: AuditTarget | undefined;
  /** The model the provider said answered (may be a dated snapshot of the served one). */
  responseModel: string | undefined;
  finishReason: FinishReason | undefined;
  /** Whole-call wall time, ms. */
  latencyMs: number;
  /** From the call's start to the first content event, ms (successful calls). */
  timeToFirstTokenMs: number | undefined;
  /** Tokens of every attempt that reported usage, summed (fallen-over and hedged attempts were billed too). */
  usage: Usage | undefined;
  /** Cost of those attempts in USD, summed; undefined when none had a known price. */
  costUsd: number | undefined;
  /** Attempts that reported usage but had no known price: `costUsd` leaves them out. */
  unpricedAttempts: number;
  /** Attempts made, refused ones included. */
  attemptCount: number;
  /** Every attempt, in order of completion. */
  attempts: AuditAttempt[];
  policies: AuditPolicies;
  /** How `promptHash` and `responseHash` were made; undefined when hashing is off. */
  hashAlgorithm: 'sha256' | 'hmac-sha256' | undefined;
  /**
   * Hex digest of the canonical JSON (keys sorted) of the request as the provider received it: after
   * every layer (so after PII redaction), without the model name. From the attempt that served the
   * call, or the last one started when it failed; undefined when no provider was called.
   */
  promptHash: string | undefined;
  /**
   * Hex digest of the canonical JSON of the served answer as the provider produced it (before outer
   * layers such as PII restoration): `{ text, toolCalls: [{ name, arguments }] }`. Successful calls only.
   */
  responseHash: string | undefined;
}

/** What the audit instrumentation settled on at construction. */
export interface AuditSettings {
  hasher: Hasher;
  /** Metadata keys stored as a fingerprint. */
  hashKeys: ReadonlySet<string>;
}

/** Builds a call's record once the call and every attempt it started have ended. */
export function buildAuditRecord(
  ctx: CallContext,
  startedAt: number,
  latencyMs: number,
  response: ChatResponse | undefined,
  error: unknown,
  settings: AuditSettings,
  hashes: { promptHash: string | undefined; responseHash: string | undefined } | undefined,
): AuditRecord {
  const usage = buildUsageRecord(ctx, startedAt, latencyMs, response, error);
  const { metadata, secrets } = auditMetadata(ctx.metadata, settings);
  return {
    version: 1,
    id: usage.callId,
    startedAt: new Date(usage.startedAt).toISOString(),
    status: usage.status,
    error: usage.status === 'success' ? undefined : auditError(usage.error),
    metadata,
    mode: usage.mode,
    requestedModel: usage.requestedModel,
    served: usage.served ? { provider: usage.served.provider, model: usage.served.model } : undefined,
    responseModel: usage.responseModel,
    finishReason: response?.finishReason,
    latencyMs: ms(usage.latencyMs),
    timeToFirstTokenMs: optionalMs(usage.timeToFirstTokenMs),
    usage: usage.usage,
    costUsd: usage.cost?.total,
    unpricedAttempts: usage.unpricedAttempts,
    attemptCount: usage.attempts.length,
    attempts: usage.attempts.map(auditAttempt),
    policies: auditPolicies(ctx.routing, secrets),
    hashAlgorithm: hashes ? settings.hasher.algorithm : undefined,
    promptHash: hashes?.promptHash,
    responseHash: hashes?.responseHash,
  };
}

/** Metadata as JSON with the listed keys fingerprinted, and the clear values that were replaced. */
function auditMetadata(input: Readonly<Record<string, unknown>>, settings: AuditSettings): { metadata: Record<string, AuditJson>; secrets: Map<string, string> } {
  const metadata: Record<string, AuditJson> = {};
  const secrets = new Map<string, string>();
  for (const key of Object.keys(input)) {
    const value = jsonValue(input[key]);
    if (value === undefined) continue;
    if (settings.hashKeys.has(key)) {
      const clear = typeof value === 'string' ? value : JSON.stringify(value);
      const print = settings.hasher.fingerprint(clear);
      metadata[key] = print;
      if (clear !== '') secrets.set(clear, print);
    } else metadata[key] = value;
  }
  return { metadata, secrets };
}

export function auditError(error: unknown): AuditError | undefined {
  if (error === undefined) return undefined;
  if (typeof error !== 'object' || error === null) return { name: typeof error, code: undefined, status: undefined, retryable: undefined };
  const e = error as { name?: unknown; code?: unknown; status?: unknown; retryable?: unknown };
  return {
    name: typeof e.name === 'string' ? e.name : 'Error',
    code: typeof e.code === 'string' ? e.code : undefined,
    status: typeof e.status === 'number' ? e.status : undefined,
    retryable: typeof e.retryable === 'boolean' ? e.retryable : undefined,
  };
}

function auditAttempt(a: AttemptRecord): AuditAttempt {
  return {
    target: { provider: a.target.provider, model: a.target.model },
    outcome: a.outcome,
    latencyMs: ms(a.latencyMs),
    timeToFirstTokenMs: optionalMs(a.timeToFirstTokenMs),
    usage: a.usage ? { ...a.usage } : undefined,
    costUsd: a.cost?.total,
    error: auditError(a.error),
  };
}

const REDACTION_LAYER = 'redact-pii';

/**
 * Sorts the call's decisions by policy. Copies them, with any clear value of a fingerprinted key
 * replaced by its fingerprint: a custom layer may have put one in a detail (a limit scoped by it).
 */
function auditPolicies(events: readonly RoutingEvent[], secrets: ReadonlyMap<string, string>): AuditPolicies {
  const out: AuditPolicies = { redaction: undefined, budget: [], rateLimit: [], routing: [] };
  for (const ev of events) {
    if (ev.layer === REDACTION_LAYER && ev.action === 'redact') {
      const counts = (out.redaction ??= {});
      for (const [type, n] of Object.entries(ev.detail ?? {})) if (typeof n === 'number') counts[type] = (counts[type] ?? 0) + n;
      continue;
    }
    const copy = scrubEvent(ev, secrets);
    if (ev.layer === 'budget') out.budget.push(copy);
    else if (ev.layer === 'rate-limit') out.rateLimit.push(copy);
    else out.routing.push(copy);
  }
  return out;
}

function scrubEvent(ev: RoutingEvent, secrets: ReadonlyMap<string, string>): RoutingEvent {
  const copy: RoutingEvent = { layer: ev.layer, action: ev.action, atMs: ms(ev.atMs) };
  if (ev.target !== undefined) copy.target = scrub(ev.target, secrets);
  if (ev.detail !== undefined) {
    const detail: Record<string, string | number | boolean> = {};
    for (const [k, v] of Object.entries(ev.detail)) detail[k] = typeof v === 'string' ? scrub(v, secrets) : v;
    copy.detail = detail;
  }
  return copy;
}

function scrub(text: string, secrets: ReadonlyMap<string, string>): string {
  if (secrets.size === 0) return text;
  let out = text;
  for (const [clear, print] of secrets) if (out.includes(clear)) out = out.split(clear).join(print);
  return out;
}

/** Milliseconds to the microsecond: enough for any latency, and short lines in a log. */
function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function optionalMs(value: number | undefined): number | undefined {
  return value === undefined ? undefined : ms(value);
}
