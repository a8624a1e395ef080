import { SwitchyardError } from './switchyard-error.js';

/** What a budget limit measures. */
export type BudgetMetric = 'usd' | 'tokens' | 'inputTokens' | 'outputTokens';

/** Facts about the limit that refused a call (never content). */
export interface BudgetExceededInit {
  /** The budget's name (its namespace in the store). */
  budget: string;
  /** The limit's name (given, or derived from its scope, metric and window). */
  limit: string;
  /** The scope value the limit was counted under: `global`, or e.g. `user=alice`. */
  scope: string;
  metric: BudgetMetric;
  /** The cap. */
  cap: number;
  /** Settled spend in the window when the attempt was refused. */
  spent: number;
  /** Held by calls in flight. */
  reserved: number;
  /** What this attempt needed to reserve (its worst case). */
  requested: number;
  /** When the window starts over (epoch ms); undefined for lifetime limits (and rolling ones: spend ages out gradually). */
  resetAt: number | undefined;
  /** The target the refused attempt was for. */
  target?: string;
}

/**
 * A budget's hard limit refused the attempt: its worst case (input estimate plus `maxTokens` at the
 * target's prices) did not fit what is left. No provider call was made.
 */
export class BudgetExceededError extends SwitchyardError {
  readonly retryable = false;
  readonly budget: string;
  readonly limit: string;
  readonly scope: string;
  readonly metric: BudgetMetric;
  readonly cap: number;
  readonly spent: number;
  readonly reserved: number;
  readonly requested: number;
  readonly resetAt: number | undefined;
  readonly target: string | undefined;

  constructor(init: BudgetExceededInit) {
    const unit = init.metric === 'usd' ? 'USD' : 'tokens';
    const reset = init.resetAt === undefined ? '' : `; resets at ${new Date(init.resetAt).toISOString()}`;
    super(
      'budget_exceeded',
      `budget '${init.budget}' limit '${init.limit}' (${init.scope}) would be exceeded: ${fmt(init.spent)} spent + ${fmt(init.reserved)} reserved + ${fmt(init.requested)} needed > cap ${fmt(init.cap)} ${unit}${reset}`,
    );
    this.budget = init.budget;
    this.limit = init.limit;
    this.scope = init.scope;
    this.metric = init.metric;
    this.cap = init.cap;
    this.spent = init.spent;
    this.reserved = init.reserved;
    this.requested = init.requested;
    this.resetAt = init.resetAt;
    this.target = init.target;
  }
}

/** Facts about the rate limit that refused a call. */
export interface RateLimitExceededInit {
  /** The rate limiter's name. */
  limiter: string;
  /** Which limit: requests or tokens per minute. */
  limit: 'rpm' | 'tpm';
  scope: string;
  cap: number;
  /** How long until the attempt would fit (ms); undefined when it never can (it alone exceeds the cap). */
  retryAfterMs: number | undefined;
  target?: string;
}

/**
 * A local rate limit (`rateLimit()`) refused the attempt and waiting would not fit the call's deadline
 * (or waiting is off). `retryAfterMs` says when it would fit. No provider call was made.
 */
export class RateLimitExceededError extends SwitchyardError {
  readonly retryable = true;
  readonly limiter: string;
  readonly limit: 'rpm' | 'tpm';
  readonly scope: string;
  readonly cap: number;
  readonly retryAfterMs: number | undefined;
  readonly target: string | undefined;

  constructor(init: RateLimitExceededInit) {
    const after = init.retryAfterMs === undefined ? 'the attempt alone exceeds the cap' : `retry after ${init.retryAfterMs} ms`;
    super('rate_limit_exceeded', `rate limit '${init.limiter}' ${init.limit} ${init.cap} (${init.scope}) reached: ${after}`);
    this.limiter = init.limiter;
    this.limit = init.limit;
    this.scope = init.scope;
    this.cap = init.cap;
    this.retryAfterMs = init.retryAfterMs;
    this.target = init.target;
  }
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(6).replace(/\.?0+$/, '');
}

/**
 * The budget or rate-limit store could not be reached (or failed), and the layer is set to refuse
 * calls then (`onStoreError: 'reject'`, the default). `cause` is the store's error.
 */
export class GovernanceStoreError extends SwitchyardError {
  readonly retryable = true;
  /** The budget or rate limiter whose store failed. */
  readonly layer: string;

  constructor(layer: string, options: { cause: unknown }) {
    super('governance_store_error', `the store behind '${layer}' failed: ${options.cause instanceof Error ? options.cause.message : String(options.cause)}`, options);
    this.layer = layer;
  }
}
