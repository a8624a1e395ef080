import { ConfigError } from '../errors/config-error.js';
import { BudgetExceededError, GovernanceStoreError, type BudgetMetric } from '../errors/governance-errors.js';
import { recordRouting } from '../routing/record-routing.js';
import type { AttemptGuard, GuardAdmission, GuardedAttempt, GuardedAttemptResult } from '../types/guard.js';
import type { CallContext, Middleware, Next } from '../types/middleware.js';
import type { RequestMetadata } from '../types/request.js';
import type { StreamEvent } from '../types/stream-event.js';
import type { Target } from '../types/target.js';
import type { Usage } from '../types/usage.js';
import { estimateInputTokens, loadTokenizer } from './estimate.js';
import { memoryStore } from './memory-store.js';
import { knownMaxOutputTokens } from './model-limits.js';
import { compileScope, type LimitScope, type ScopeOf } from './scope.js';
import type { BudgetStore, CounterAmount, CounterState, StoreCounter } from './store.js';
import { checkTimeZone, parseDuration, WindowClock, type BudgetWindow } from './windows.js';

/** One cap. Give exactly one of `usd`, `tokens`, `inputTokens`, `outputTokens`. */
export interface BudgetLimit {
  /** Names the limit in errors, events and status (default e.g. `usd/month/team`). */
  name?: string;
  /** Cap in US dollars, at each target's prices (see `pricing`). */
  usd?: number;
  /** Cap on input + output tokens. */
  tokens?: number;
  inputTokens?: number;
  outputTokens?: number;
  /** Whom it counts for (default `'global'`). */
  scope?: LimitScope;
  window: BudgetWindow;
  /** IANA zone where calendar windows start over (default `UTC`). */
  timeZone?: string;
  /** Fractions of the cap (e.g. `[0.5, 0.8]`) at which `onThreshold` is called, once per crossing. */
  thresholds?: number[];
  /**
   * At the cap: `'reject'` (default) throws BudgetExceededError; `{ degradeTo }` re-sends the call to a
   * cheaper alias or `provider/model` (still under this budget) when nothing has been streamed yet.
   */
  onExceeded?: 'reject' | { degradeTo: string };
}

export interface BudgetOptions {
  /** The budget's name: its namespace in the store and in errors (default `budget`). */
  name?: string;
  limits: BudgetLimit[];
  /** Where counters live (default: a fresh `memoryStore()`). Use `redisStore()` to share across processes. */
  store?: BudgetStore;
  /**
   * Reserve on an upper bound of the input (UTF-8 bytes plus per-message overhead) instead of the
   * estimate, so the cap holds even when the estimate is low. Default false.
   */
  strict?: boolean;
  /** How long a reservation lives without renewal (a crashed process's hold ends after this). Renewed while the attempt runs. Default 60 s. */
  leaseMs?: number;
  /** A USD limit meets a model with no known price: `'reject'` (default, ConfigError naming the model) or `'allow'` (counted as $0). */
  unpriced?: 'reject' | 'allow';
  /** Largest output per model (`provider/model` or bare model name), over the built-in table. */
  maxOutputTokens?: Record<string, number> | ((target: Target) => number | undefined);
  /** `maxTokens` the budget sets when the model's limit is unknown and the request sets none. Default 8192. */
  defaultMaxOutputTokens?: number;
  /** Called when settled spend crosses one of a limit's `thresholds`. Must not throw (errors are swallowed). */
  onThreshold?: (event: BudgetThresholdEvent) => void;
  /** The store fails (e.g. Redis is down): `'reject'` (default: GovernanceStoreError, the cap holds) or `'allow'` (calls go on uncounted). */
  onStoreError?: 'reject' | 'allow';
  /** Failures in the background (settling after the call, threshold hooks). Default: one console.warn. */
  onError?: (error: unknown) => void;
}

/** A soft threshold was crossed. */
export interface BudgetThresholdEvent {
  budget: string;
  limit: string;
  scope: string;
  metric: BudgetMetric;
  /** The fraction crossed, e.g. 0.8. */
  threshold: number;
  spent: number;
  cap: number;
  resetAt: number | undefined;
}

/** Where one limit stands for one scope. */
export interface BudgetLimitStatus {
  limit: string;
  scope: string;
  metric: BudgetMetric;
  cap: number;
  spent: number;
  reserved: number;
  /** cap − spent − reserved (never below 0). */
  remaining: number;
  resetAt: number | undefined;
}

/** The budget layer, with ways to read it. */
export interface Budget extends Middleware {
  /** Where every limit that applies to calls with this metadata stands now. */
  status(metadata?: Readonly<RequestMetadata>): Promise<BudgetLimitStatus[]>;
  /** Resolves when every settlement started so far has reached the store. */
  settled(): Promise<void>;
}

interface CompiledLimit {
  index: number;
  name: string;
  metric: BudgetMetric;
  cap: number;
  scopeOf: ScopeOf;
  clock: WindowClock;
  thresholds: number[];
  degradeTo: string | undefined;
}

/** One limit as it applies to one attempt. */
interface Applied {
  limit: CompiledLimit;
  scope: string;
  counter: StoreCounter;
  resetAt: number | undefined;
}

const METRICS = ['usd', 'tokens', 'inputTokens', 'outputTokens'] as const;
const ALL_USAGE: Usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };
let reservationSeq = 0;

/**
 * Spending caps that hold under concurrency. Before each attempt the budget reserves that attempt's
 * worst case at the target's prices (input estimate + `maxTokens` × output price; when the request
 * has no `maxTokens` it sets one that fits what is left and the model's limit), then settles the
 * actual usage when the attempt ends, or releases the hold when it failed before any output.
 */
export function budget(options: BudgetOptions): Budget {
  const name = options.name ?? 'budget';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new ConfigError('budget.name', 'use 1–64 letters, digits, _ . or -');
  if (!Array.isArray(options.limits) || options.limits.length === 0) throw new ConfigError('budget.limits', 'give at least one limit');
  const limits = options.limits.map((l, i) => compileLimit(l, i));
  const names = new Set<string>();
  for (const l of limits) {
    if (names.has(l.name)) throw new ConfigError(`budget.limits[${l.index}].name`, `two limits are named '${l.name}': give each a distinct name`);
    names.add(l.name);
  }
  const store = options.store ?? memoryStore();
  const strict = options.strict ?? false;
  const leaseMs = options.leaseMs ?? 60_000;
  if (!(leaseMs >= 100)) throw new ConfigError('budget.leaseMs', 'must be at least 100 ms');
  const unpriced = options.unpriced ?? 'reject';
  const defaultMaxOutput = options.defaultMaxOutputTokens ?? 8192;
  if (!(Number.isInteger(defaultMaxOutput) && defaultMaxOutput > 0)) throw new ConfigError('budget.defaultMaxOutputTokens', 'must be a positive integer');
  const storeErrors = options.onStoreError ?? 'reject';
  let warned = false;
  const onError =
    options.onError ??
    ((e: unknown) => {
      if (warned) return;
      warned = true;
      console.warn(`switchyard: budget '${name}' failed in the background (further failures are not logged):`, e);
    });
  const report = (e: unknown): void => {
    try {
      onError(e);
    } catch {
      // a broken error hook must not break calls
    }
  };
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>): void => {
    const t = p.then(undefined, report).finally(() => pending.delete(t));
    pending.add(t);
  };
  void loadTokenizer();

  const outputLimit = (target: Target, contextWindow: number | undefined, input: number): number => {
    const o = options.maxOutputTokens;
    let max = typeof o === 'function' ? o(target) : o ? (o[target.id] ?? o[target.model]) : undefined;
    max ??= knownMaxOutputTokens(target) ?? defaultMaxOutput;
    if (contextWindow !== undefined) max = Math.min(max, contextWindow - input);
    return max;
  };

  const applicable = (metadata: Readonly<RequestMetadata>, now: number): Applied[] => {
    const out: Applied[] = [];
    for (const limit of limits) {
      const scope = limit.scopeOf(metadata);
      if (!scope) continue;
      const { window, id } = limit.clock.at(now);
      const key = `${name}:${limit.index}:${scope.key}${id ? ':' + id : ''}`;
      out.push({ limit, scope: scope.label, counter: { key, window, limit: limit.cap }, resetAt: window.kind === 'fixed' ? window.end : undefined });
    }
    return out;
  };

  const exceeded = (a: Applied, state: CounterState, requested: number, target: string): BudgetExceededError =>
    new BudgetExceededError({ budget: name, limit: a.limit.name, scope: a.scope, metric: a.limit.metric, cap: a.limit.cap, spent: state.spent, reserved: state.reserved, requested, resetAt: a.resetAt, target });

  const guard: AttemptGuard = {
    name,
    async admit(attempt: GuardedAttempt): Promise<GuardAdmission | void> {
      const { ctx, target } = attempt;
      const applied = applicable(ctx.metadata, Date.now());
      if (applied.length === 0) return;
      const input = estimateInputTokens(attempt.request, { kind: attempt.kind, model: target.model, strict }).tokens;
      let request = attempt.request;
      let maxTokens = request.maxTokens;

      // Prices: USD of the input alone, and of each output token (linear in output for every table entry).
      let priced = true;
      let inputUsd = 0;
      let outputUsd = 0;
      if (applied.some((a) => a.limit.metric === 'usd')) {
        const base = attempt.price({ ...ALL_USAGE, inputTokens: input, totalTokens: input });
        if (!base) {
          if (unpriced === 'reject') {
            throw new ConfigError(
              `budget.limits[${applied.find((a) => a.limit.metric === 'usd')!.limit.index}].usd`,
              `no price known for '${target.id}', so a USD budget cannot cap it: add one with pricing({ prices: { '${target.id}': { input, output } } }) or set budget({ unpriced: 'allow' })`,
            );
          }
          priced = false;
        } else {
          const probe = 1_000_000;
          inputUsd = base.total;
          outputUsd = (attempt.price({ ...ALL_USAGE, inputTokens: input, outputTokens: probe, totalTokens: input + probe })!.total - base.total) / probe;
        }
      }
      const perOutput = (m: BudgetMetric): number => (m === 'usd' ? (priced ? outputUsd : 0) : m === 'inputTokens' ? 0 : 1);
      const inputPart = (m: BudgetMetric): number => (m === 'usd' ? (priced ? inputUsd : 0) : m === 'outputTokens' ? 0 : input);

      if (maxTokens === undefined && applied.some((a) => perOutput(a.limit.metric) > 0)) {
        // Size the answer to what is left: the cap then holds whatever the model says.
        let fit = outputLimit(target, attempt.contextWindow, input);
        const states = await withStore(() => store.peek(applied.map((a) => a.counter)));
        if (states) {
          let binding = -1;
          for (let i = 0; i < applied.length; i++) {
            const m = applied[i]!.limit.metric;
            const per = perOutput(m);
            if (per <= 0) continue;
            const room = applied[i]!.limit.cap - states[i]!.spent - states[i]!.reserved - inputPart(m);
            const n = Math.floor(room / per + 1e-9);
            if (n < fit) {
              fit = n;
              binding = i;
            }
          }
          if (fit < 1) {
            const a = applied[binding]!;
            const err = exceeded(a, states[binding]!, inputPart(a.limit.metric) + perOutput(a.limit.metric), target.id);
            recordRouting(ctx, 'budget', 'reject', target.id, { budget: name, limit: a.limit.name, scope: a.scope });
            throw err;
          }
        }
        maxTokens = Math.max(1, fit);
        request = { ...request, maxTokens };
      }

      const out = maxTokens ?? 0;
      const worstUsd = priced && applied.some((a) => a.limit.metric === 'usd') ? attempt.price({ ...ALL_USAGE, inputTokens: input, outputTokens: out, totalTokens: input + out })!.total : 0;
      const amountOf = (m: BudgetMetric, inTokens: number, outTokens: number, usd: number): number =>
        m === 'usd' ? usd : m === 'tokens' ? inTokens + outTokens : m === 'inputTokens' ? inTokens : outTokens;
      const reserved: CounterAmount[] = applied.map((a) => ({ ...a.counter, amount: amountOf(a.limit.metric, input, out, worstUsd) }));
      const id = `${ctx.id}:${(reservationSeq = (reservationSeq + 1) % Number.MAX_SAFE_INTEGER)}`;
      const result = await withStore(() => store.reserve({ id, counters: reserved, leaseMs }));
      if (!result) {
        recordRouting(ctx, 'budget', 'store-error', target.id, { budget: name });
        return request === attempt.request ? undefined : { request };
      }
      if (!result.ok) {
        const a = applied[result.refused]!;
        recordRouting(ctx, 'budget', 'reject', target.id, { budget: name, limit: a.limit.name, scope: a.scope });
        throw exceeded(a, result.states[result.refused]!, reserved[result.refused]!.amount, target.id);
      }
      const detail: Record<string, number | string> = { budget: name, inputTokens: input };
      if (maxTokens !== undefined) detail.maxTokens = maxTokens;
      if (worstUsd > 0) detail.usd = worstUsd;
      if (request !== attempt.request) detail.setMaxTokens = maxTokens!;
      recordRouting(ctx, 'budget', 'reserve', target.id, detail);

      // Renew the lease while the attempt runs, so only a dead process's hold expires.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const renew = (): void => {
        timer = setTimeout(() => {
          store.renew(id, reserved, leaseMs).then((live) => {
            if (live && timer !== undefined) renew();
          }, report);
        }, leaseMs / 3);
        timer.unref?.();
      };
      renew();

      const end = (r: GuardedAttemptResult): void => {
        clearTimeout(timer);
        timer = undefined;
        let actual: CounterAmount[] | undefined;
        if (r.record.outcome === 'success') {
          if (!r.usage) actual = reserved; // a stream that never reported usage costs its worst case
          else {
            const u = r.usage;
            const usd = priced ? (r.cost ?? attempt.price(u))?.total ?? 0 : 0;
            actual = applied.map((a) => ({ ...a.counter, amount: amountOf(a.limit.metric, u.inputTokens, u.outputTokens, usd) }));
          }
        } else if (r.delivered) {
          // Cut after output began: the provider bills the input and what it produced.
          const produced = Math.min(Math.ceil(r.outputBytes / 4), out || Infinity);
          const usd = priced && worstUsd > 0 ? attempt.price({ ...ALL_USAGE, inputTokens: input, outputTokens: produced, totalTokens: input + produced })!.total : 0;
          actual = applied.map((a) => ({ ...a.counter, amount: amountOf(a.limit.metric, input, produced, usd) }));
        }
        if (!actual) {
          track(store.release(id, reserved));
          return;
        }
        const amounts = actual;
        track(
          store.settle(id, amounts).then((states) => {
            for (let i = 0; i < applied.length; i++) crossed(applied[i]!, states[i]!, amounts[i]!.amount);
          }),
        );
      };
      return request === attempt.request ? { end } : { request, end };
    },
  };

  /** Runs a store call; undefined when it failed and failures are allowed through. */
  async function withStore<T>(op: () => Promise<T>): Promise<T | undefined> {
    try {
      return await op();
    } catch (cause) {
      if (storeErrors === 'allow') {
        report(cause);
        return undefined;
      }
      throw new GovernanceStoreError(`budget '${name}'`, { cause });
    }
  }

  const crossed = (a: Applied, state: CounterState, added: number): void => {
    const hook = options.onThreshold;
    if (!hook || a.limit.thresholds.length === 0 || added <= 0) return;
    const before = state.spent - added;
    for (const t of a.limit.thresholds) {
      const mark = t * a.limit.cap;
      if (before < mark && state.spent >= mark) {
        try {
          hook({ budget: name, limit: a.limit.name, scope: a.scope, metric: a.limit.metric, threshold: t, spent: state.spent, cap: a.limit.cap, resetAt: a.resetAt });
        } catch (e) {
          report(e);
        }
      }
    }
  };

  const degrades = limits.some((l) => l.degradeTo !== undefined);
  const guards = [guard];

  return {
    name: 'budget',
    handle(ctx: CallContext, next: Next): AsyncIterable<StreamEvent> {
      if (!degrades) return next({ guards });
      return degrade(ctx, next);
    },
    async status(metadata = {}) {
      const applied = applicable(metadata, Date.now());
      const states = await store.peek(applied.map((a) => a.counter));
      return applied.map((a, i) => {
        const s = states[i]!;
        return { limit: a.limit.name, scope: a.scope, metric: a.limit.metric, cap: a.limit.cap, spent: s.spent, reserved: s.reserved, remaining: Math.max(0, a.limit.cap - s.spent - s.reserved), resetAt: a.resetAt };
      });
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };

  async function* degrade(ctx: CallContext, next: Next): AsyncGenerator<StreamEvent, void, undefined> {
    let started = false;
    let to: string | undefined;
    try {
      for await (const ev of next({ guards })) {
        started = true;
        yield ev;
      }
      return;
    } catch (err) {
      if (started || !(err instanceof BudgetExceededError) || err.budget !== name) throw err;
      to = limits.find((l) => l.name === err.limit)?.degradeTo;
      if (to === undefined || to === ctx.model) throw err;
      recordRouting(ctx, 'budget', 'degrade', to, { budget: name, limit: err.limit, scope: err.scope, from: ctx.model });
    }
    // Still under this budget: the cheaper route must fit too.
    yield* next({ model: to, guards });
  }
}

function compileLimit(l: BudgetLimit, index: number): CompiledLimit {
  const path = `budget.limits[${index}]`;
  if (l === null || typeof l !== 'object') throw new ConfigError(path, 'must be an object');
  const given = METRICS.filter((m) => l[m] !== undefined);
  if (given.length !== 1) throw new ConfigError(path, `give exactly one of ${METRICS.join(', ')} (got ${given.length ? given.join(', ') : 'none'})`);
  const metric = given[0]!;
  const cap = l[metric]!;
  if (typeof cap !== 'number' || !Number.isFinite(cap) || cap < 0) throw new ConfigError(`${path}.${metric}`, 'must be a finite number ≥ 0');
  const w = l.window;
  const calendar = ['minute', 'hour', 'day', 'week', 'month', 'lifetime'];
  if (typeof w === 'string' ? !calendar.includes(w) : !(w && typeof w === 'object' && parseDuration(w.rolling) !== undefined)) {
    throw new ConfigError(`${path}.window`, `use one of ${calendar.join(', ')} or { rolling: '24h' } (a duration like 90s, 15m, 24h, 30d, or ms)`);
  }
  if (l.timeZone !== undefined) {
    try {
      checkTimeZone(l.timeZone);
    } catch {
      throw new ConfigError(`${path}.timeZone`, `unknown time zone '${l.timeZone}'`);
    }
  }
  const thresholds = l.thresholds ?? [];
  thresholds.forEach((t, i) => {
    if (!(typeof t === 'number' && t > 0 && t <= 1)) throw new ConfigError(`${path}.thresholds[${i}]`, 'must be a fraction in (0, 1]');
  });
  const scope = l.scope;
  if (scope !== undefined && typeof scope !== 'function' && (typeof scope !== 'string' || scope === '')) throw new ConfigError(`${path}.scope`, "use 'global', a metadata key, or a function");
  const ex = l.onExceeded;
  if (ex !== undefined && ex !== 'reject' && !(typeof ex === 'object' && typeof ex.degradeTo === 'string' && ex.degradeTo !== '')) {
    throw new ConfigError(`${path}.onExceeded`, "use 'reject' or { degradeTo: 'alias-or-provider/model' }");
  }
  const windowName = typeof w === 'string' ? w : `rolling-${String(w.rolling)}`;
  const scopeName = scope === undefined ? 'global' : typeof scope === 'function' ? 'custom' : scope;
  return {
    index,
    name: l.name ?? `${metric}/${windowName}/${scopeName}`,
    metric,
    cap,
    scopeOf: compileScope(scope),
    clock: new WindowClock(w, l.timeZone),
    thresholds: [...thresholds].sort((a, b) => a - b),
    degradeTo: typeof ex === 'object' ? ex.degradeTo : undefined,
  };
}

