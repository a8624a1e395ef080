import pRetry from 'p-retry';
import { abortableSleep } from '../core/abortable-sleep.js';

/** Exponential backoff between same-target retries. */
export interface BackoffOptions {
  /** Wait before the first retry (before jitter). @default 250 */
  minDelayMs?: number;
  /** No wait is longer than this, jitter included. @default 4000 */
  maxDelayMs?: number;
  /** Each further retry waits this many times longer. @default 2 */
  factor?: number;
  /**
   * Multiply each wait by a random factor in [1, 2), so that callers failing together do not retry
   * together (p-retry's `randomize`). @default true
   */
  jitter?: boolean;
}

export type BackoffSettings = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: BackoffSettings = { minDelayMs: 250, maxDelayMs: 4_000, factor: 2, jitter: true };

/** The longest wait p-retry may choose before the retry that follows `consumed` backed-off retries. */
export function backoffUpperBound(b: BackoffSettings, consumed: number): number {
  return Math.min(b.maxDelayMs, b.minDelayMs * b.factor ** consumed * (b.jitter ? 2 : 1));
}

/** Whether to try again, and how: after the backoff, or after an explicit wait (a `retry-after`). */
export type RetryVerdict = { retry: false } | { retry: true; waitMs?: number };

export interface RetryLoopOptions {
  backoff: BackoffSettings;
  /** Ends any wait early (with the signal's reason). */
  signal: AbortSignal | undefined;
  /** Decides after each failure. `backoffs` is how many backed-off retries came before. */
  decide(error: Error, backoffs: number): RetryVerdict;
}

/**
 * Calls `attempt` until it succeeds or `decide` says stop, waiting between tries with p-retry's
 * exponential backoff and jitter. An explicit `waitMs` (the provider's `retry-after`) replaces the
 * backoff for that retry and does not advance its exponent. Rejects with the last error, or with the
 * signal's reason when a wait is cut short.
 */
export async function retryWithBackoff<T>(attempt: (attemptNumber: number) => Promise<T>, options: RetryLoopOptions): Promise<T> {
  // The healthy path is one attempt: p-retry (and its per-run setup) is only paid for after a failure.
  let firstError: unknown;
  try {
    return await attempt(1);
  } catch (err) {
    firstError = err;
  }
  const { backoff, signal } = options;
  let verdict: RetryVerdict = { retry: false };
  const explicit = (): boolean => verdict.retry && verdict.waitMs !== undefined;
  return pRetry((n) => (n === 1 ? Promise.reject(firstError) : attempt(n)), {
    // The budget lives in `decide` (it differs per error class); p-retry only paces.
    retries: Number.POSITIVE_INFINITY,
    minTimeout: backoff.minDelayMs,
    maxTimeout: backoff.maxDelayMs,
    factor: backoff.factor,
    randomize: backoff.jitter,
    ...(signal ? { signal } : {}),
    onFailedAttempt: async ({ error, retriesConsumed }) => {
      verdict = options.decide(error, retriesConsumed);
      if (verdict.retry && verdict.waitMs !== undefined && verdict.waitMs > 0) await abortableSleep(verdict.waitMs, signal);
    },
    // A retry that already waited is not charged a backoff. A refusal must consume, or p-retry
    // would retry a plain TypeError at once.
    shouldConsumeRetry: () => !explicit(),
    shouldRetry: () => verdict.retry,
  });
}
