/**
 * One routing decision made while serving a call (a split arm chosen, a retry, a fail-over, a hedge
 * started, a circuit skipped). They are listed on the response in order, and telemetry reads them.
 */
export interface RoutingEvent {
  /** The layer that decided: `split`, `fallback`, `hedge`, `load-balance`, `circuit-breaker`, … */
  layer: string;
  /** What it did: `arm`, `retry`, `fail-over`, `start`, `skip`, `restart`, … */
  action: string;
  /** The target (or arm) the decision concerns. */
  target?: string;
  /** Milliseconds since the call started. */
  atMs: number;
  /** Small, non-content facts about the decision (reason, delay, key hash, …). */
  detail?: Record<string, string | number | boolean>;
}

/**
 * Per-attempt time limits. Each one fails the attempt (not the call) with a retryable
 * `AttemptTimeoutError`, so a fallback can move on while nothing has reached the caller.
 */
export interface AttemptLimits {
  /** Time to the provider's response headers (enforced through the SDK's own timeout where it means headers only). */
  headersMs?: number;
  /** Time to the first content event (for non-streaming calls: to the complete answer). */
  firstTokenMs?: number;
  /** Longest silence between two stream events. */
  idleMs?: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/** What the gateway knows about one target, shared by all calls (read-only for layers). */
export interface TargetHealth {
  readonly target: string;
  /** Attempts now running against it. */
  readonly inFlight: number;
  /** Exponentially weighted moving average of successful attempt latency, ms (undefined before the first). */
  readonly latencyEwmaMs: number | undefined;
  /** The same for time to first token, ms. */
  readonly ttftEwmaMs: number | undefined;
  readonly circuit: CircuitState;
  /** Consecutive failures counted by the circuit breaker. */
  readonly consecutiveFailures: number;
  /** Time-to-first-token percentile (0–1) over recent successful attempts; undefined with too few samples. */
  ttftPercentile(p: number): number | undefined;
}

/** The gateway's view of every target's health. */
export interface TargetHealthRegistry {
  get(target: string): TargetHealth;
  /** True when the circuit breaker would let an attempt through right now. */
  available(target: string): boolean;
}
