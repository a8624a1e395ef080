import type { AttemptRecord } from './attempt.js';
import type { Cost } from './cost.js';
import type { CallContext } from './middleware.js';
import type { NormalizedRequest } from './request.js';
import type { Target } from './target.js';
import type { Usage } from './usage.js';

/**
 * Admission control for single provider calls: budgets and rate limits are guards. A layer adds
 * guards to its branch with `next({ guards })`; the attempt core asks every guard of the branch,
 * outermost first, before each provider call (before the circuit breaker and concurrency limits), so
 * a fallback's second target is judged at its own prices.
 */
export interface AttemptGuard {
  readonly name: string;
  /**
   * Decide whether this attempt may run. Throw to refuse it (the attempt is recorded as `skipped`
   * and the error goes to the layers above, as a circuit-open refusal does); wait (respecting
   * `attempt.signal`) to delay it; return an admission to change the request for this attempt only
   * or to hear how it ended.
   */
  admit(attempt: GuardedAttempt): GuardAdmission | void | Promise<GuardAdmission | void>;
}

/** What a guard knows about the attempt it is asked about. */
export interface GuardedAttempt {
  readonly ctx: CallContext;
  readonly target: Target;
  /** Adapter kind: `openai`, `anthropic`, `gemini`, `mock`, … */
  readonly kind: string;
  /** The request as it will be sent (after earlier guards' changes). */
  readonly request: NormalizedRequest;
  /** The call's signal: stop waiting when it fires. */
  readonly signal: AbortSignal;
  /** What `usage` would cost at this target's prices; undefined when the model has no known price (or pricing is off). */
  price(usage: Usage): Cost | undefined;
  /** The model's context window in tokens, when the price table knows it. */
  readonly contextWindow: number | undefined;
}

/** A guard's answer for one attempt. */
export interface GuardAdmission {
  /** Send this request instead (for this attempt only), e.g. with `maxTokens` set. */
  request?: NormalizedRequest;
  /** Called exactly once when the attempt is over, whatever its outcome. Must not throw. */
  end?(result: GuardedAttemptResult): void;
}

/** How an admitted attempt ended. */
export interface GuardedAttemptResult {
  /** The attempt's record (`outcome` success, error, aborted or skipped). */
  readonly record: AttemptRecord;
  /** Usage the provider reported (success only; streams may end without it). */
  readonly usage: Usage | undefined;
  readonly cost: Cost | undefined;
  /** Whether any content reached the layers above before the attempt ended. */
  readonly delivered: boolean;
  /** UTF-8 bytes of text, reasoning and tool-call arguments the attempt produced (an output estimate when usage is missing). */
  readonly outputBytes: number;
}
