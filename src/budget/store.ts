// The storage seam shared by budgets and rate limits. A store keeps counters (spend per scope and
// window) and reservations against them; every operation is atomic across all the counters it
// names, so concurrent calls (and processes, with a shared store) can never jointly overshoot.

/** The time window a counter covers. The caller puts a fixed window's start in the counter's key. */
export type StoreWindow =
  /** A calendar window [start, end): the counter's key names it, and the key expires after `end`. */
  | { readonly kind: 'fixed'; readonly start: number; readonly end: number }
  /** The last `sizeMs`, kept as buckets of `bucketMs`: spend ages out bucket by bucket. */
  | { readonly kind: 'rolling'; readonly sizeMs: number; readonly bucketMs: number }
  /** Never resets. */
  | { readonly kind: 'lifetime' };

/** One counter: a scope's spend in one window, and its cap. */
export interface StoreCounter {
  /** The store key (unique per budget, limit, scope value and fixed window). */
  readonly key: string;
  readonly window: StoreWindow;
  /** The cap: a reservation that would take spent + reserved above it is refused. */
  readonly limit: number;
}

/** A counter with an amount to reserve (or, when settling, the actual amount). */
export interface CounterAmount extends StoreCounter {
  readonly amount: number;
}

/** A counter's state after an operation. */
export interface CounterState {
  /** Settled spend in the window. */
  spent: number;
  /** Held by live reservations. */
  reserved: number;
}

export interface ReserveRequest {
  /** Unique per attempt; settle, release and renew name it. */
  readonly id: string;
  readonly counters: readonly CounterAmount[];
  /** The reservation is dropped after this long unless renewed or settled (a dead process's hold ends). */
  readonly leaseMs: number;
}

export type ReserveResult =
  | { ok: true; states: CounterState[] }
  | {
      ok: false;
      /** Index (in the request) of the first counter that had no room. */
      refused: number;
      states: CounterState[];
      /** When the amount would fit, as far as the store can tell (fixed windows: their end; rolling: when enough ages out). */
      retryAfterMs: number | undefined;
    };

/**
 * Where budgets and rate limits keep their counters. `memoryStore()` (the default) serves one
 * process; `redisStore()` from `switchyard/redis` shares counters between processes. Implement it
 * yourself to use another database: each method must be atomic over all the counters it names.
 */
export interface BudgetStore {
  /** Reserves every amount, or none of them when any counter lacks room. */
  reserve(request: ReserveRequest): Promise<ReserveResult>;
  /**
   * Ends reservation `id`, adding the actual amounts to the counters' spend (to the current bucket of
   * rolling windows). Works after the lease expired too (the spend is still counted, once).
   */
  settle(id: string, actual: readonly CounterAmount[]): Promise<CounterState[]>;
  /** Ends reservation `id` without spending anything. */
  release(id: string, counters: readonly StoreCounter[]): Promise<void>;
  /** Extends reservation `id`'s lease; false when it had already expired. */
  renew(id: string, counters: readonly StoreCounter[], leaseMs: number): Promise<boolean>;
  /** Reads counters without changing them. */
  peek(counters: readonly StoreCounter[]): Promise<CounterState[]>;
}

/** Room below the cap under which float rounding is forgiven (a millionth of the cap). */
export function fits(spent: number, reserved: number, amount: number, limit: number): boolean {
  return spent + reserved + amount <= limit * (1 + 1e-9) + 1e-12;
}
