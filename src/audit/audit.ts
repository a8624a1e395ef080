import type { AttemptObserver, CallObserver, Instrumentation } from '../core/instrumentation.js';
import type { AttemptRecord } from '../types/attempt.js';
import type { NormalizedRequest } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { FinishEvent, StreamEvent } from '../types/stream-event.js';
import { trackCalls, type CallDone } from '../usage/track-calls.js';
import { buildAuditRecord, type AuditRecord, type AuditSettings } from './audit-record.js';
import { canonicalJson, createHasher, type Hasher } from './hashing.js';

/** Where audit records go. Return a promise to have its rejection reported to `onError`. */
export type AuditSink = (record: AuditRecord) => void | Promise<void>;

export interface AuditOptions {
  /**
   * Receives one record per call, synchronously at the end of the call: queue or batch the I/O
   * (`jsonlFileSink` does) rather than doing it inline. Nothing it throws or rejects with reaches
   * the call.
   */
  sink: AuditSink;
  /**
   * Metadata keys stored as a fingerprint instead of their value. `apiKey` is always one of them,
   * whatever this lists. Default `['apiKey']`.
   */
  hashMetadataKeys?: readonly string[];
  /** Whether records carry `promptHash` and `responseHash`. Default true. */
  hash?: boolean;
  /**
   * Makes hashes and fingerprints HMAC-SHA-256 keyed with this secret, so nobody without it can
   * test a guess (a short prompt, a user id, a leaked key) against a record. Recommended: keep it
   * with your other secrets and stable across deploys, or hashes stop matching between them.
   */
  hashSalt?: string;
  /**
   * Called when the sink throws or rejects (or, `record` undefined, when a record could not be
   * built). Default: one `console.warn` for the first failure, then silence.
   */
  onError?: (error: unknown, record: AuditRecord | undefined) => void;
}

const CAPTURE: unique symbol = Symbol('switchyard.audit');

/**
 * An audit trail: one `AuditRecord` per gateway call (success, failure or abort), handed to `sink`
 * once the call and every attempt it started have ended. Register it in the gateway's
 * `instrumentation`. Records hold who, what, when, usage, cost, attempts, the policies that acted,
 * and hashes of the request as sent and the answer as received; never content.
 */
export function audit(options: AuditOptions): Instrumentation {
  const { sink } = options;
  if (typeof sink !== 'function') throw new TypeError('audit: `sink` must be a function that takes an AuditRecord');
  const salt = options.hashSalt;
  if (salt !== undefined && (typeof salt !== 'string' || salt === '')) throw new TypeError('audit: `hashSalt` must be a non-empty string');
  const keys = options.hashMetadataKeys ?? [];
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) throw new TypeError('audit: `hashMetadataKeys` must be an array of metadata key names');
  const settings: AuditSettings = { hasher: createHasher(salt), hashKeys: new Set(['apiKey', ...keys]) };
  const hashing = options.hash !== false;

  let warned = false;
  const onError =
    options.onError ??
    ((error: unknown) => {
      if (warned) return;
      warned = true;
      console.warn('switchyard: the audit sink failed (further failures are not logged):', error);
    });
  const report = (error: unknown, record: AuditRecord | undefined): void => {
    try {
      onError(error, record);
    } catch {
      // the error handler failed too; the call goes on regardless
    }
  };

  const done: CallDone = (ctx, startedAt, latencyMs, response, error) => {
    let record: AuditRecord;
    try {
      const capture = ctx.state.get(CAPTURE) as CallCapture | undefined;
      record = buildAuditRecord(ctx, startedAt, latencyMs, response, error, settings, capture?.hashes(response, settings.hasher));
    } catch (e) {
      report(e, undefined);
      return;
    }
    try {
      const r = sink(record);
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(undefined, (e: unknown) => report(e, record));
    } catch (e) {
      report(e, record);
    }
  };
  const tracker = trackCalls(done, true);

  return {
    startCall(ctx) {
      const call = tracker.startCall(ctx);
      if (!call || !hashing) return call;
      const capture = new CallCapture();
      ctx.state.set(CAPTURE, capture);
      return capturing(call, capture);
    },
  };
}

/** Adds to the call tracker what the hashes need: each attempt's request and its output. */
function capturing(call: CallObserver, capture: CallCapture): CallObserver {
  return {
    startAttempt(start) {
      const counted = call.startAttempt(start);
      const attempt = capture.start(start.ctx.request);
      const observer: AttemptObserver = {
        event: (ev) => attempt.add(ev),
        end: (record, finish) => {
          attempt.end(record, finish);
          counted?.end(record, finish);
        },
      };
      return observer;
    },
    end: (response, error) => call.end(response, error),
  };
}

/** One attempt as the provider saw it: the request it received and the answer it produced. */
class AttemptCapture {
  text = '';
  readonly toolCalls: Array<{ name: string; arguments: unknown }> = [];
  record: AttemptRecord | undefined;
  finished = false;

  constructor(readonly request: NormalizedRequest) {}

  add(ev: StreamEvent): void {
    if (ev.type === 'text-delta') this.text += ev.text;
    else if (ev.type === 'tool-call-end') this.toolCalls.push({ name: ev.name, arguments: ev.arguments });
  }

  end(record: AttemptRecord, finish: FinishEvent | undefined): void {
    this.record = record;
    this.finished = finish !== undefined;
  }
}

class CallCapture {
  private readonly attempts: AttemptCapture[] = [];

  start(request: NormalizedRequest): AttemptCapture {
    const a = new AttemptCapture(request);
    this.attempts.push(a);
    return a;
  }

  /** Hashes the serving attempt's request and answer (hashing runs once, after the call). */
  hashes(response: ChatResponse | undefined, hasher: Hasher): { promptHash: string | undefined; responseHash: string | undefined } {
    const served = response ? this.attempts.findLast((a) => a.finished && a.record?.target.id === response.target.id) : undefined;
    const prompt = served ?? this.attempts[this.attempts.length - 1];
    return {
      promptHash: prompt ? hashOf(prompt.request, hasher) : undefined,
      responseHash: served ? hashOf({ text: served.text, toolCalls: served.toolCalls }, hasher) : undefined,
    };
  }
}

/** Undefined when the value will not serialise (a cycle in caller-supplied provider options). */
function hashOf(value: unknown, hasher: Hasher): string | undefined {
  let json: string;
  try {
    json = canonicalJson(value);
  } catch {
    return undefined;
  }
  return hasher.digest(json);
}


/**
 * The hash an audit record would hold for `value` (a `NormalizedRequest` as a provider received it,
 * or `{ text, toolCalls: [{ name, arguments }] }` for an answer), with the same salt: lets you check
 * a record against a request or answer you kept elsewhere.
 */
export function auditHash(value: unknown, hashSalt?: string): string {
  return createHasher(hashSalt).digest(canonicalJson(value));
}
