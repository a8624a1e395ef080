import { AbortError, CircuitOpenError, DeadlineExceededError, FallbackExhaustedError } from '../errors/call-errors.js';
import {
  AttemptTimeoutError,
  AuthenticationError,
  BadRequestError,
  ContentPolicyError,
  ContextLengthError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  ProviderError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
} from '../errors/provider-error.js';

/**
 * What a fallback chain does about a failed attempt:
 * - `retry`: the same target again, after a backoff (or the provider's `retry-after`);
 * - `fail-over`: the next target in the chain, at once;
 * - `stop`: give up and surface the error as it is.
 */
export type FallbackAction = 'retry' | 'fail-over' | 'stop';

/** What the `policy` hook knows about a failure besides the error. */
export interface FallbackErrorInfo {
  /** The chain entry that failed, as written: `provider/model` or an alias. */
  target: string;
  /** Its position in the chain. */
  index: number;
  /** Which attempt on this target this was, in this call (1 for the first). */
  attempt: number;
  /** Same-target retries already made on this target in this call. */
  retries: number;
  mode: 'generate' | 'stream';
  /**
   * `before-content`: nothing of this attempt reached the caller, so anything is free.
   * `after-content`: a stream broke after content was delivered (only seen with
   * `onInterrupt: 'restart' | 'continue'`); `retry` then restarts on the same target at once.
   */
  phase: 'before-content' | 'after-content';
  /** Milliseconds left before the call's (or the chain's `timeout`) deadline; undefined without one. */
  remainingMs: number | undefined;
  /**
   * What the chain would do without the hook: the table below, after the retry budget, the
   * `maxRetryAfterMs` cap and the deadline have had their say.
   */
  defaultAction: FallbackAction;
}

/**
 * Overrides the decision for one failure. Return undefined to keep `info.defaultAction`. A `retry`
 * is honoured only while the target's retry budget lasts and the wait fits before the deadline;
 * otherwise it becomes `fail-over`. Not consulted for `AbortError` / `DeadlineExceededError` (the
 * call is over) nor for a rejected prefill (that always restarts cleanly).
 */
export type FallbackPolicy = (error: Error, info: FallbackErrorInfo) => FallbackAction | undefined;

/** The caller's own cancellation or the deadline: nothing more may be tried. */
export function endsTheCall(error: unknown): boolean {
  return error instanceof AbortError || error instanceof DeadlineExceededError;
}

/**
 * The default decision per error class, before retry budgets and the deadline apply. Order matters:
 * subclasses (quota before rate limit, overload before server error) come first.
 *
 * | error | action | why |
 * | --- | --- | --- |
 * | `AbortError`, `DeadlineExceededError` | stop | the call is over |
 * | `CircuitOpenError` | fail-over | the breaker already knows the target is down; no wait |
 * | `AttemptTimeoutError` (headers, first token, idle) | fail-over | a silent provider costs one limit, not several |
 * | `ContextLengthError` | fail-over | never the same model again; larger windows preferred |
 * | `ContentPolicyError` | stop (or fail-over with `contentPolicy: 'fail-over'`) | surface the provider's reason |
 * | `QuotaExceededError` | fail-over | retrying does not refill a quota |
 * | `RateLimitError` (429) | retry | honouring `retry-after` up to `maxRetryAfterMs`, at most `rateLimitRetries` times |
 * | `OverloadedError` (529, overload), `ServerError` with status 503 | fail-over | the target says it cannot take work now |
 * | other `ServerError` (5xx), `ConnectionError`, `ProviderTimeoutError`, `StreamTruncatedError`, `InvalidResponseError`, 408, 409 | retry | transient: `retries` times with backoff |
 * | `BadRequestError` (400, 413, 422) | stop | the request itself is wrong; every target would refuse it |
 * | `AuthenticationError`, `PermissionDeniedError`, `NotFoundError` (401/403/404) | fail-over | they concern one target's key, access or model name, not the request |
 * | `FallbackExhaustedError` (a nested chain) | fail-over | it already tried everything it had |
 * | any other `ProviderError` | retry if `retryable`, else fail-over | unknown statuses are taken as target-specific |
 * | anything else (`InvalidRequestError`, `ConfigError`, a layer's bug) | stop | not a provider's fault |
 */
export function defaultFallbackAction(error: unknown, contentPolicy: 'stop' | 'fail-over'): FallbackAction {
  if (endsTheCall(error)) return 'stop';
  if (error instanceof CircuitOpenError) return 'fail-over';
  if (error instanceof FallbackExhaustedError) return 'fail-over';
  if (!(error instanceof ProviderError)) return 'stop';
  if (error instanceof AttemptTimeoutError) return 'fail-over';
  if (error instanceof ContextLengthError) return 'fail-over';
  if (error instanceof ContentPolicyError) return contentPolicy;
  if (error instanceof QuotaExceededError) return 'fail-over';
  if (error instanceof RateLimitError) return 'retry';
  if (error instanceof OverloadedError) return 'fail-over';
  if (error instanceof ServerError) return error.status === 503 ? 'fail-over' : 'retry';
  if (error instanceof BadRequestError) return 'stop';
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError || error instanceof NotFoundError) return 'fail-over';
  return error.retryable ? 'retry' : 'fail-over';
}

/** 429s have their own, smaller retry budget (`rateLimitRetries`). */
export function isRateLimit(error: unknown): boolean {
  return error instanceof RateLimitError && !(error instanceof QuotaExceededError);
}
