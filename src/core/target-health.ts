import { CircuitOpenError } from '../errors/call-errors.js';
import { ProviderError } from '../errors/provider-error.js';
import type { SwitchyardError } from '../errors/switchyard-error.js';
import type { CircuitState, TargetHealth, TargetHealthRegistry } from '../types/routing.js';

export interface CircuitStateChange {
  target: string;
  from: CircuitState;
  to: CircuitState;
  /** Why: `consecutive-failures`, `failure-rate`, `cooldown-elapsed`, `probe-succeeded`, `probe-failed`. */
  reason: string;
  at: number;
}

/** Circuit breaker settings, shared by every target of a gateway. */
export interface CircuitBreakerOptions {
  /** Open after this many failures in a row. @default 5 */
  consecutiveFailures?: number;
  /** Open when the failure rate over `windowMs` reaches this (0–1), given `minRequests`. @default 0.5 */
  failureRate?: number;
  /** @default 20 */
  minRequests?: number;
  /** @default 30_000 */
  windowMs?: number;
  /** How long an open circuit refuses attempts before admitting one probe. @default 15_000 */
  cooldownMs?: number;
  /**
   * Which failures count. Default: errors that say the target is unhealthy — 5xx, overload, 408,
   * 429, timeouts, connection failures, truncated streams — not the caller's mistakes (4xx, context
   * length, content policy) and not aborts.
   */
  isFailure?: (error: SwitchyardError) => boolean;
  onStateChange?: (change: CircuitStateChange) => void;
}

const EWMA_ALPHA = 0.2;
const TTFT_SAMPLES = 128;
const WINDOW_BUCKETS = 10;
const MAX_TARGETS = 10_000;

class Stats implements TargetHealth {
  inFlight = 0;
  latencyEwmaMs: number | undefined;
  ttftEwmaMs: number | undefined;
  circuit: CircuitState = 'closed';
  consecutiveFailures = 0;
  openedUntil = 0;
  probing = false;
  /** The failure-rate window as a ring of time buckets: O(1) per outcome at any call rate. */
  readonly buckets = { start: new Float64Array(WINDOW_BUCKETS), total: new Uint32Array(WINDOW_BUCKETS), failed: new Uint32Array(WINDOW_BUCKETS) };
  private readonly ttft = new Float64Array(TTFT_SAMPLES);
  private ttftCount = 0;

  constructor(readonly target: string) {}

  addTtft(ms: number): void {
    this.ttft[this.ttftCount % TTFT_SAMPLES] = ms;
    this.ttftCount++;
    this.ttftEwmaMs = this.ttftEwmaMs === undefined ? ms : this.ttftEwmaMs + EWMA_ALPHA * (ms - this.ttftEwmaMs);
  }

  ttftPercentile(p: number): number | undefined {
    const n = Math.min(this.ttftCount, TTFT_SAMPLES);
    if (n < 5) return undefined;
    const sorted = Array.from(this.ttft.subarray(0, n)).sort((a, b) => a - b);
    return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  }
}

/** How an attempt may proceed: normally, as the single half-open probe, or not at all. */
export type Admission = 'normal' | 'probe';

/**
 * Per-target health shared by every call of one gateway: in-flight counts and latency averages for
 * load balancing and hedging, and the circuit breaker's state machine.
 */
export class HealthRegistry implements TargetHealthRegistry {
  private readonly stats = new Map<string, Stats>();
  private readonly breaker: Required<Omit<CircuitBreakerOptions, 'onStateChange'>> & Pick<CircuitBreakerOptions, 'onStateChange'> | undefined;

  constructor(options: CircuitBreakerOptions | false | undefined) {
    this.breaker =
      options === false
        ? undefined
        : {
            consecutiveFailures: options?.consecutiveFailures ?? 5,
            failureRate: options?.failureRate ?? 0.5,
            minRequests: options?.minRequests ?? 20,
            windowMs: options?.windowMs ?? 30_000,
            cooldownMs: options?.cooldownMs ?? 15_000,
            isFailure: options?.isFailure ?? defaultIsFailure,
            onStateChange: options?.onStateChange,
          };
  }

  get(target: string): Stats {
    let s = this.stats.get(target);
    if (!s) {
      s = new Stats(target);
      // Callers choose model strings: past a bound, new targets get health that is not remembered.
      if (this.stats.size < MAX_TARGETS) this.stats.set(target, s);
    }
    return s;
  }

  available(target: string, now = Date.now()): boolean {
    const s = this.stats.get(target);
    if (!s || !this.breaker || s.circuit === 'closed') return true;
    if (s.circuit === 'open') return now >= s.openedUntil;
    return !s.probing;
  }

  /** Called before an attempt; throws CircuitOpenError when the breaker refuses it. */
  admit(target: string, now = Date.now()): Admission {
    const s = this.get(target);
    if (!this.breaker || s.circuit === 'closed') return 'normal';
    if (s.circuit === 'open') {
      if (now < s.openedUntil) throw new CircuitOpenError(target, s.openedUntil);
      this.transition(s, 'half-open', 'cooldown-elapsed', now);
    }
    if (s.probing) throw new CircuitOpenError(target, now + this.breaker.cooldownMs);
    s.probing = true;
    return 'probe';
  }

  started(target: string): void {
    this.get(target).inFlight++;
  }

  succeeded(target: string, admission: Admission, latencyMs: number, ttftMs: number | undefined, now = Date.now()): void {
    const s = this.get(target);
    s.inFlight--;
    s.latencyEwmaMs = s.latencyEwmaMs === undefined ? latencyMs : s.latencyEwmaMs + EWMA_ALPHA * (latencyMs - s.latencyEwmaMs);
    if (ttftMs !== undefined) s.addTtft(ttftMs);
    if (!this.breaker) return;
    s.consecutiveFailures = 0;
    this.remember(s, false, now);
    if (admission === 'probe') {
      s.probing = false;
      clearWindow(s);
      this.transition(s, 'closed', 'probe-succeeded', now);
    }
  }

  /** Called after a failed or abandoned attempt. */
  failed(target: string, admission: Admission, error: SwitchyardError, now = Date.now()): void {
    const s = this.get(target);
    s.inFlight--;
    if (!this.breaker) return;
    const counts = this.breaker.isFailure(error);
    if (admission === 'probe') {
      s.probing = false;
      if (counts) this.open(s, 'probe-failed', now);
      return;
    }
    if (!counts) return;
    s.consecutiveFailures++;
    this.remember(s, true, now);
    if (s.circuit !== 'closed') return;
    if (s.consecutiveFailures >= this.breaker.consecutiveFailures) {
      this.open(s, 'consecutive-failures', now);
      return;
    }
    const { total, failed } = this.windowCounts(s, now);
    if (total >= this.breaker.minRequests && failed / total >= this.breaker.failureRate) this.open(s, 'failure-rate', now);
  }

  private windowCounts(s: Stats, now: number): { total: number; failed: number } {
    const cutoff = now - this.breaker!.windowMs;
    const b = s.buckets;
    let total = 0;
    let failed = 0;
    for (let i = 0; i < WINDOW_BUCKETS; i++) {
      if (b.start[i]! > cutoff) {
        total += b.total[i]!;
        failed += b.failed[i]!;
      }
    }
    return { total, failed };
  }

  private remember(s: Stats, failed: boolean, now: number): void {
    const width = this.breaker!.windowMs / WINDOW_BUCKETS;
    const slot = Math.floor(now / width);
    const i = slot % WINDOW_BUCKETS;
    const b = s.buckets;
    const start = slot * width;
    if (b.start[i] !== start) {
      b.start[i] = start;
      b.total[i] = 0;
      b.failed[i] = 0;
    }
    b.total[i]!++;
    if (failed) b.failed[i]!++;
  }

  private open(s: Stats, reason: string, now: number): void {
    s.openedUntil = now + this.breaker!.cooldownMs;
    s.consecutiveFailures = 0;
    clearWindow(s);
    this.transition(s, 'open', reason, now);
  }

  private transition(s: Stats, to: CircuitState, reason: string, now: number): void {
    const from = s.circuit;
    if (from === to) return;
    s.circuit = to;
    try {
      this.breaker?.onStateChange?.({ target: s.target, from, to, reason, at: now });
    } catch {
      // an observer's bug must not break routing
    }
  }
}

function clearWindow(s: Stats): void {
  s.buckets.start.fill(0);
  s.buckets.total.fill(0);
  s.buckets.failed.fill(0);
}

function defaultIsFailure(error: SwitchyardError): boolean {
  if (!(error instanceof ProviderError)) return false;
  if (error.status !== undefined && error.status >= 400 && error.status < 500) return error.status === 408 || error.status === 429;
  return error.retryable;
}
