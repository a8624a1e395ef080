import { abortableSleep } from '../core/abortable-sleep.js';
import { ConfigError } from '../errors/config-error.js';
import { GovernanceStoreError, RateLimitExceededError } from '../errors/governance-errors.js';
import { recordRouting } from '../routing/record-routing.js';
import type { AttemptGuard, GuardAdmission, GuardedAttempt, GuardedAttemptResult } from '../types/guard.js';
import type { Middleware } from '../types/middleware.js';
import { estimateInputTokens, loadTokenizer } from './estimate.js';
import { memoryStore } from './memory-store.js';
import { compileScope, type LimitScope } from './scope.js';
import type { BudgetStore, CounterAmount, ReserveResult, StoreCounter, StoreWindow } from './store.js';

export interface RateLimitOptions {
  /** Names the limiter in errors, events and store keys (default `rate-limit`). */
  name?: string;
  /** Requests (provider attempts) per minute. */
  rpm?: number;
  /**
   * Tokens per minute: an attempt is admitted on its input estimate plus its `maxTokens` (as
   * providers count it), and the count is corrected to the actual usage when it ends.
   */
  tpm?: number;
  /** Whom the limits count for (default `'global'`); see `LimitScope`. */
  scope?: LimitScope;
  /** Where counters live (default: a fresh `memoryStore()`); `redisStore()` shares them across processes. */
  store?: BudgetStore;
  /**
   * When limited: wait until the attempt fits, as long as that is within the call's deadline (and
   * `maxWaitMs`), else throw RateLimitExceededError carrying `retryAfterMs`. `false`: never wait.
   * Default true.
   */
  wait?: boolean;
  /** Longest wait for one attempt (default 30 s; the call's deadline also bounds it). */
  maxWaitMs?: number;
  /** The store fails: `'reject'` (default, GovernanceStoreError) or `'allow'` (calls go on uncounted). */
  onStoreError?: 'reject' | 'allow';
  /** Failures in the background (settling). Default: one console.warn. */
  onError?: (error: unknown) => void;
}

/** The sliding minute both limits count over: 60 one-second buckets. */
const MINUTE: StoreWindow = { kind: 'rolling', sizeMs: 60_000, bucketMs: 1000 };
/** How often a waiter looks again when the store cannot say when room frees up (in-flight holds). */
const POLL_MS = 250;
let seq = 0;

/**
 * Requests and tokens per minute, per scope, over a sliding minute, on the same stores as budgets.
 * Counts each provider attempt (a retry is a request too), as providers do.
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const name = options.name ?? 'rate-limit';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ConfigError('rateLimit.name', 'use 1–64 letters, digits, _ . or -');
  const { rpm, tpm } = options;
  for (const [k, v] of [['rpm', rpm], ['tpm', tpm]] as const) {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new ConfigError(`rateLimit.${k}`, 'must be a positive number');
  }
  if (rpm === undefined && tpm === undefined) throw new ConfigError('rateLimit', 'give rpm, tpm or both');
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  if (!(maxWaitMs >= 0)) throw new ConfigError('rateLimit.maxWaitMs', 'must be ≥ 0');
  const wait = options.wait ?? true;
  const scopeOf = compileScope(options.scope);
  const store = options.store ?? memoryStore();
  const storeErrors = options.onStoreError ?? 'reject';
  let warned = false;
  const report = (e: unknown): void => {
    try {
      if (options.onError) options.onError(e);
      else if (!warned) {
        warned = true;
        console.warn(`switchyard: rate limit '${name}' failed in the background (further failures are not logged):`, e);
      }
    } catch {
      // a broken error hook must not break calls
    }
  };
  if (tpm !== undefined) void loadTokenizer();

  const guard: AttemptGuard = {
    name,
    async admit(attempt: GuardedAttempt): Promise<GuardAdmission | void> {
      const { ctx, target } = attempt;
      const scope = scopeOf(ctx.metadata);
      if (!scope) return;
      const input = tpm === undefined ? 0 : estimateInputTokens(attempt.request, { kind: attempt.kind, model: target.model }).tokens;
      const maxOut = attempt.request.maxTokens ?? 0;
      const counters: CounterAmount[] = [];
      const kinds: Array<'rpm' | 'tpm'> = [];
      if (rpm !== undefined) {
        counters.push({ key: `${name}:rpm:${scope.key}`, window: MINUTE, limit: rpm, amount: 1 });
        kinds.push('rpm');
      }
      if (tpm !== undefined) {
        counters.push({ key: `${name}:tpm:${scope.key}`, window: MINUTE, limit: tpm, amount: input + maxOut });
        kinds.push('tpm');
      }
      const id = `${ctx.id}:rl${(seq = (seq + 1) % Number.MAX_SAFE_INTEGER)}`;
      const started = Date.now();
      let waited = 0;
      for (;;) {
        let result: ReserveResult;
        try {
          result = await store.reserve({ id, counters, leaseMs: 120_000 });
        } catch (cause) {
          if (storeErrors === 'allow') {
            report(cause);
            recordRouting(ctx, 'rate-limit', 'store-error', target.id, { limiter: name });
            return;
          }
          throw new GovernanceStoreError(`rateLimit '${name}'`, { cause });
        }
        if (result.ok) break;
        const which = kinds[result.refused]!;
        const cap = counters[result.refused]!.limit;
        const alone = counters[result.refused]!.amount > cap;
        const after = alone ? undefined : (result.retryAfterMs ?? POLL_MS);
        const now = Date.now();
        const budgetLeft = Math.min(maxWaitMs - (now - started), ctx.deadline === undefined ? Infinity : ctx.deadline - now);
        if (!wait || after === undefined || after > budgetLeft) {
          recordRouting(ctx, 'rate-limit', 'reject', target.id, { limiter: name, limit: which, scope: scope.label });
          throw new RateLimitExceededError({ limiter: name, limit: which, scope: scope.label, cap, retryAfterMs: after === undefined ? undefined : Math.max(1, Math.ceil(after)), target: target.id });
        }
        const pause = Math.max(1, Math.ceil(after));
        await abortableSleep(pause, attempt.signal);
        waited += pause;
      }
      if (waited > 0) recordRouting(ctx, 'rate-limit', 'wait', target.id, { limiter: name, ms: waited, scope: scope.label });
      const held: StoreCounter[] = counters;
      return {
        end(r: GuardedAttemptResult): void {
          if (r.record.outcome === 'skipped') {
            store.release(id, held).then(undefined, report);
            return;
          }
          // The request was made, so it counts; tokens count as used (or as produced before a cut).
          const u = r.usage;
          const tokens = u ? u.inputTokens + u.outputTokens : r.record.outcome === 'success' ? input + maxOut : r.delivered ? input + Math.ceil(r.outputBytes / 4) : 0;
          const actual = counters.map((c, i) => ({ ...c, amount: kinds[i] === 'rpm' ? 1 : tokens }));
          store.settle(id, actual).then(undefined, report);
        },
      };
    },
  };

  const guards = [guard];
  return {
    name: 'rate-limit',
    handle(_ctx, next) {
      return next({ guards });
    },
  };
}
