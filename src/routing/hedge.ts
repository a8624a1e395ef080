import { AbortError, CircuitOpenError } from '../errors/call-errors.js';
import { ConfigError } from '../errors/config-error.js';
import { ProviderError } from '../errors/provider-error.js';
import type { CallContext, Middleware, Next } from '../types/middleware.js';
import type { StreamEvent } from '../types/stream-event.js';
import { checkHedgeDelay, hedgeDelayMs, type HedgeDelay, type ResolvedHedgeDelay } from './hedge-delay.js';
import { recordRouting } from './record-routing.js';
import { untilFirstContent, type OpenedBranch } from './until-first-content.js';

export type { HedgeDelay, HedgePercentileDelay } from './hedge-delay.js';

/** Options of `hedge`. */
export interface HedgeOptions {
  /**
   * How long the latest attempt may go without producing content before the next one starts: a
   * fixed delay in ms, or `{ percentile, fallbackMs, min?, max? }` learned from the target's recent
   * time to first token. For a `chat` call the first content is the complete answer, so the delay
   * is measured against whole-answer latency there (and the learned percentile is too).
   */
  after: HedgeDelay;
  /**
   * Attempts at most, the first included. Attempt `i` goes to `targets[i % targets.length]`, so
   * `hedge(['openai/gpt-4.1'], { after: 800 })` hedges one model against its own tail latency.
   * @default 2
   */
  maxAttempts?: number;
  /**
   * Which failures (before any content) start the next attempt at once instead of waiting for the
   * delay. Default: retryable provider errors (429, 5xx, overload, connection trouble, attempt time
   * limits) and open circuits. Any other failure (a 400, a context-length or content-policy
   * rejection) starts no new attempt, since the same request would fail the same way; attempts
   * already running are left to finish.
   */
  hedgeOn?: (error: unknown) => boolean;
}

/** One started attempt of the race. */
interface Branch {
  readonly attempt: number;
  readonly model: string;
  readonly startedAt: number;
  /** Cancels this branch only (its socket closes; the attempt is recorded as `aborted`). */
  readonly controller: AbortController;
  /** Settles when the branch produced its first content, or failed before it. Never rejects. */
  outcome: Promise<BranchOutcome>;
  cancelled: boolean;
}

type BranchOutcome = { branch: Branch; opened: OpenedBranch; error?: undefined } | { branch: Branch; opened?: undefined; error: unknown };

const OPTION_KEYS = new Set(['after', 'maxAttempts', 'hedgeOn']);
const HEDGE = 'hedge';

function defaultHedgeOn(error: unknown): boolean {
  return (error instanceof ProviderError && error.retryable) || error instanceof CircuitOpenError;
}

const noop = (): void => {};

/**
 * Hedged requests against tail latency. Starts the first target; when it has produced no content
 * after `after`, starts a backup on the next target, and so on up to `maxAttempts`. A failure before
 * content starts the next attempt at once. The first attempt to produce content wins (for a stream,
 * its first content event; for a `chat` call, its complete answer) and every other attempt is
 * aborted through its own branch signal, which closes its socket and records it as `aborted`.
 *
 * Nothing reaches the caller before an attempt wins, so a hedge never splices two answers. After
 * that the winner's stream passes through unchanged, errors included (put a `fallback` around the
 * hedge to handle a winner that breaks mid-stream). When every attempt fails, the last error is
 * thrown; all of them are on the error's `attempts`.
 *
 * Routing log: `start` per attempt (detail: `attempt`, `reason` first | slow | failed, `afterMs`,
 * `delay` fixed | percentile | fallback), `win` for the attempt that served.
 */
export function hedge(targets: readonly string[], options: HedgeOptions): Middleware {
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new ConfigError('hedge.targets', 'expected a non-empty array of models (provider/model or an alias)');
  }
  targets.forEach((t: unknown, i) => {
    if (typeof t !== 'string' || t.length === 0) throw new ConfigError(`hedge.targets[${i}]`, `expected a model name (provider/model or an alias), got ${JSON.stringify(t)}`);
  });
  if (options === null || typeof options !== 'object') throw new ConfigError('hedge', 'expected options { after, maxAttempts?, hedgeOn? }');
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new ConfigError(`hedge.${key}`, 'unknown option (expected after, maxAttempts or hedgeOn)');
  }
  if (options.after === undefined) throw new ConfigError('hedge.after', 'required: a delay in ms, or { percentile, fallbackMs, min?, max? }');
  checkHedgeDelay(options.after, 'hedge.after');
  const maxAttempts = options.maxAttempts ?? 2;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new ConfigError('hedge.maxAttempts', `expected an integer ≥ 1, got ${String(options.maxAttempts)}`);
  if (options.hedgeOn !== undefined && typeof options.hedgeOn !== 'function') throw new ConfigError('hedge.hedgeOn', 'expected a function (error) => boolean');

  // Copies: the caller mutating its array or options object later must not change a running gateway.
  const models = [...targets];
  const after: HedgeDelay = typeof options.after === 'number' ? options.after : { ...options.after };
  const hedgeOn = options.hedgeOn ?? defaultHedgeOn;

  const plan: HedgePlan = { models, after, maxAttempts, hedgeOn };
  return {
    name: HEDGE,
    handle: (ctx, next) => new HedgedCall(ctx, next, plan),
  };
}

interface HedgePlan {
  models: readonly string[];
  after: HedgeDelay;
  maxAttempts: number;
  hedgeOn: (error: unknown) => boolean;
}

/**
 * One hedged call, as the iterator the layer returns. Hand-written rather than an async generator:
 * once an attempt has won, `next()` hands the winner's events straight through, so hedging a stream
 * costs no extra promise hop per chunk.
 */
class HedgedCall implements AsyncIterableIterator<StreamEvent> {
  private readonly running = new Set<Branch>();
  private started = 0;
  private latest!: Branch;
  private race: Promise<void> | undefined;
  private won: OpenedBranch | undefined;
  private headIndex = 0;
  /** Settles once every cancelled branch has recorded its attempt; undefined when none is pending. */
  private losers: Promise<void> | undefined;
  private finished = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly nextLayer: Next,
    private readonly plan: HedgePlan,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamEvent>> {
    if (this.finished) return Promise.resolve({ done: true, value: undefined });
    const opened = this.won;
    if (opened === undefined) {
      this.race ??= this.runRace();
      return this.race.then(() => this.next());
    }
    if (this.headIndex < opened.head.length) return Promise.resolve({ done: false, value: opened.head[this.headIndex++]! });
    // No loser still winding down: nothing is left to do at the end, so pass the winner through as it is.
    if (this.losers === undefined) return opened.rest.next();
    // Otherwise hold the end (or an error) until the losers have recorded their attempts, so that
    // response.attempts lists them all when the call completes.
    return opened.rest.next().then(
      (r) => (r.done ? this.settled().then(() => r) : r),
      (err: unknown) => this.settled().then(() => Promise.reject(err)),
    );
  }

  async return(): Promise<IteratorResult<StreamEvent>> {
    if (!this.finished) {
      this.finished = true;
      this.cancelRunning(() => (this.ctx.signal.aborted ? this.ctx.signal.reason : new AbortError('hedge: the call ended before this attempt answered')));
      try {
        await this.won?.rest.return?.();
      } catch {
        // the winner is being abandoned; its attempt records its own outcome
      }
      await this.settled();
    }
    return { done: true, value: undefined };
  }

  private settled(): Promise<void> {
    return this.losers ?? Promise.resolve();
  }

  /** Races the attempts until one produces content (then `won` is set), or throws when all failed. */
  private async runRace(): Promise<void> {
    const { ctx, plan, running } = this;
    // Before any attempt starts: an unknown target is a configuration mistake, and the target ids
    // are what the percentile delay learns from.
    const ids = targetIds(ctx, plan.models);
    let hedging = true;
    let lastError: unknown;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      this.start('first', 0, undefined);
      for (;;) {
        const wake: Array<Promise<BranchOutcome | 'hedge'>> = [];
        for (const b of running) wake.push(b.outcome);
        let delay: ResolvedHedgeDelay | undefined;
        if (hedging && this.started < plan.maxAttempts && !ctx.signal.aborted) {
          delay = hedgeDelayMs(plan.after, ctx.health, ids[(this.started - 1) % ids.length]);
          const wait = Math.max(0, this.latest.startedAt + delay.ms - performance.now());
          wake.push(new Promise((resolve) => (timer = setTimeout(resolve, wait, 'hedge'))));
        }
        const woke = await Promise.race(wake);
        clearTimeout(timer);
        timer = undefined;

        if (woke === 'hedge') {
          // Node schedules timers from the event loop's cached clock, so after a busy tick one can
          // fire a little early: re-arm for the rest instead of hedging sooner than promised.
          if (performance.now() < this.latest.startedAt + delay!.ms) continue;
          // The call ended (or the caller left) while the timer ran: the running attempts are failing.
          if (ctx.signal.aborted || this.finished) hedging = false;
          else this.start('slow', delay!.ms, delay!.source);
          continue;
        }
        running.delete(woke.branch);
        if (woke.opened) {
          if (this.finished) {
            // Returned while racing: nobody will read this branch.
            running.add(woke.branch);
            throw new AbortError('hedge: the call ended before this attempt answered');
          }
          const { branch } = woke;
          recordRouting(ctx, HEDGE, 'win', branch.model, { attempt: branch.attempt });
          this.won = woke.opened;
          // Cancel the losers before passing anything on: every moment they run costs tokens.
          this.cancelRunning(() => new AbortError(`hedge: attempt ${branch.attempt} (${branch.model}) answered first`));
          return;
        }
        lastError = woke.error;
        // The call itself was cancelled or ran out of time: no new attempt, say why.
        if (ctx.signal.aborted) throw ctx.signal.reason;
        if (!plan.hedgeOn(woke.error) || this.finished) hedging = false;
        else if (this.started < plan.maxAttempts) this.start('failed', performance.now() - this.latest.startedAt, undefined);
        if (running.size === 0) throw lastError;
      }
    } catch (err) {
      this.cancelRunning(() => (ctx.signal.aborted ? ctx.signal.reason : new AbortError('hedge: the call failed before this attempt answered')));
      await this.settled();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private start(reason: 'first' | 'slow' | 'failed', afterMs: number, delay: ResolvedHedgeDelay['source'] | undefined): void {
    const index = this.started++;
    const model = this.plan.models[index % this.plan.models.length]!;
    const detail: Record<string, string | number> = { attempt: index + 1, reason, afterMs: Math.round(afterMs) };
    if (delay) detail.delay = delay;
    recordRouting(this.ctx, HEDGE, 'start', model, detail);
    const branch: Branch = { attempt: index + 1, model, startedAt: performance.now(), controller: new AbortController(), outcome: undefined!, cancelled: false };
    try {
      branch.outcome = untilFirstContent(this.nextLayer({ model, signal: branch.controller.signal })).then(
        (opened) => ({ branch, opened }),
        (error: unknown) => ({ branch, error }),
      );
    } catch (error) {
      // A layer further in threw synchronously: a failure of this branch like any other.
      branch.outcome = Promise.resolve({ branch, error });
    }
    this.running.add(branch);
    this.latest = branch;
  }

  /**
   * Aborts every running branch and tracks it until its attempt is recorded. A branch that already
   * opened holds an iterator nobody will read: return it so its attempt closes too. `reason` is a
   * factory because an Error captures a stack trace: the common case has no branch left to cancel.
   */
  private cancelRunning(reason: () => unknown): void {
    for (const b of this.running) {
      if (b.cancelled) continue;
      b.cancelled = true;
      // One reason per branch: each aborted attempt's record carries its own error.
      b.controller.abort(reason());
      const done = b.outcome.then((o) => o.opened?.rest.return?.()).then(noop, noop);
      const all: Promise<void> = this.losers ? Promise.all([this.losers, done]).then(noop) : done;
      const mine: Promise<void> = all.then(() => {
        if (this.losers === mine) this.losers = undefined;
      });
      this.losers = mine;
    }
    this.running.clear();
  }
}

/** The target id of each model (undefined for an alias), or a ConfigError naming the bad one. */
function targetIds(ctx: CallContext, models: readonly string[]): Array<string | undefined> {
  return models.map((model, i) => {
    let resolved;
    try {
      resolved = ctx.resolve(model);
    } catch (err) {
      throw new ConfigError(`hedge.targets[${i}]`, err instanceof Error ? err.message : String(err), { cause: err });
    }
    // A hedge on an alias that targets the same alias would recurse without end.
    if (resolved === undefined && model === ctx.model) throw new ConfigError(`hedge.targets[${i}]`, `'${model}' is the alias this hedge runs in`);
    return resolved?.target.id;
  });
}
