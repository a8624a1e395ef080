import { DeadlineExceededError, FallbackExhaustedError, StreamInterruptedError, type DeliveredContent } from '../errors/call-errors.js';
import { ConfigError } from '../errors/config-error.js';
import { ContextLengthError, ProviderError } from '../errors/provider-error.js';
import type { CallContext, Middleware, Next, NextOptions } from '../types/middleware.js';
import type { NormalizedRequest } from '../types/request.js';
import type { StreamEvent } from '../types/stream-event.js';
import { backoffUpperBound, retryWithBackoff, type RetryVerdict } from './backoff.js';
import { resolveFallbackOptions, type FallbackOptions, type FallbackSettings, type FallbackTarget, type ResolvedTarget } from './fallback-options.js';
import { defaultFallbackAction, endsTheCall, isRateLimit, type FallbackAction, type FallbackErrorInfo } from './fallback-policy.js';
import { recordRouting } from './record-routing.js';
import { brokenTarget, continuationRequest, DeliveredTracker, isPrefillRejection } from './stream-recovery.js';
import { untilFirstContent } from './until-first-content.js';

export type { FallbackOptions, FallbackTarget } from './fallback-options.js';
export type { FallbackAction, FallbackErrorInfo, FallbackPolicy } from './fallback-policy.js';
export type { BackoffOptions } from './backoff.js';
export type { InterruptMode } from './stream-recovery.js';

const LAYER = 'fallback';

/**
 * An ordered chain of targets: the first that answers serves the call. Use it as an alias's route
 * middleware: `models: { smart: [fallback(['openai/gpt-4.1', 'anthropic/claude-sonnet-4-6'])] }`.
 *
 * Each entry is a `provider/model`, an alias (whose own layers then run), or
 * `{ model, contextWindow?, limits? }`. On a failure the policy decides per error class
 * (`defaultFallbackAction` has the table): retry the same target (`retries` times for transient
 * errors, `rateLimitRetries` for 429s, after p-retry's exponential backoff with jitter or the
 * provider's `retry-after` up to `maxRetryAfterMs`), fail over to the next target at once, or stop
 * and surface the error. `policy(error, info)` can override any decision. No wait starts that
 * would end past the deadline (the call's, or the chain's `timeout`); a retry that cannot fit
 * fails over instead, and a cancelled or expired call stops at once.
 *
 * Streams fail over freely until their first content event (nothing has reached the caller yet).
 * After that `onInterrupt` decides: `error` (default) throws `StreamInterruptedError` with what was
 * delivered and the provider's error as `cause`; `restart` emits a `reset` event just before the
 * next target's first content; `continue` sends the partial text as an assistant prefill to a
 * target that accepts one and streams the continuation without a reset (else, or if the prefill is
 * rejected, it restarts cleanly). Generate calls get the answer whole, so they are never interrupted.
 *
 * When every target failed it throws `FallbackExhaustedError` (`errors`: every failure in order;
 * `cause`: the last). After delivered content that no restart replaced, it throws
 * `StreamInterruptedError` instead, with that as `cause`.
 *
 * Decisions are recorded on `response.routing` (layer `fallback`); the healthy path records nothing:
 * - `retry` — target; detail `reason` (error name), `attempt` (its number), `delayMs` (the wait
 *   measured), `retryAfterMs` (when the provider's hint set the wait);
 * - `fail-over` — target is the new one; detail `from`, `reason`, and `why` when a retryable error
 *   moved on anyway: `retries-exhausted`, `retry-after-too-long`, `deadline`, `policy`;
 * - `restart` / `continue` — instead of `fail-over` while a broken stream awaits its replacement:
 *   what the new target is sent (the fresh request, or the partial answer as prefill); `restart`
 *   with reason `prefill-rejected` when a target refused the prefill;
 * - `skip` — a target not tried (reason `context-window`); `stop` — reason; `exhausted` — errors.
 */
export function fallback(targets: ReadonlyArray<string | FallbackTarget>, options: FallbackOptions = {}): Middleware {
  const settings = resolveFallbackOptions(targets, options);
  return { name: LAYER, handle: (ctx, next) => runChain(ctx, next, settings) };
}

/** A branch that reached its commit point: `head` not yet yielded, `rest` still to read. */
interface Opened {
  head: StreamEvent[];
  rest: AsyncIterator<StreamEvent> | undefined;
  /** Whether this branch continues a partial answer (no reset before it). */
  prefilled: boolean;
}

/** A stream that broke after delivering content, waiting for a target to restart or continue it. */
interface Interruption {
  error: Error;
  target: string;
  delivered: DeliveredContent;
  prefill: string | undefined;
}

async function* runChain(ctx: CallContext, next: Next, s: FallbackSettings): AsyncGenerator<StreamEvent, void, undefined> {
  const chain = new Chain(ctx, next, s);
  const tracker = ctx.mode === 'stream' ? new DeliveredTracker() : undefined;
  let interrupted: Interruption | undefined;
  try {
    while (chain.order.length > 0) {
      const index = chain.order.shift()!;
      const target = s.targets[index]!;
      if (chain.tooSmall(target)) {
        recordRouting(ctx, LAYER, 'skip', target.model, { reason: 'context-window' });
        continue;
      }
      chain.throwIfOver();
      const prefill = s.onInterrupt === 'continue' && interrupted?.prefill !== undefined && acceptsPrefill(ctx, target.model) ? interrupted.prefill : undefined;
      chain.announce(target.model, interrupted === undefined ? 'fail-over' : prefill === undefined ? 'restart' : 'continue');

      let opened: Opened;
      try {
        opened = await chain.open(index, prefill === undefined ? undefined : continuationRequest(ctx.request, prefill));
      } catch (err) {
        if (chain.actionFor(err) === 'stop') {
          recordRouting(ctx, LAYER, 'stop', target.model, { reason: nameOf(err) });
          throw interrupted && !endsTheCall(err) ? new StreamInterruptedError(interrupted.target, interrupted.delivered, err) : err;
        }
        chain.failedOver(index, err as Error);
        continue;
      }

      let rest = opened.rest;
      try {
        if (interrupted && !opened.prefilled) {
          // Lazily, just before the replacement's first content: if nothing replaces the partial
          // answer, the caller keeps it and learns what it has from the StreamInterruptedError.
          const reset: StreamEvent = { type: 'reset', reason: interrupted.error.name, target: target.model };
          interrupted = undefined;
          tracker?.clear();
          yield reset;
        }
        interrupted = undefined;
        for (const ev of opened.head) {
          tracker?.add(ev);
          yield ev;
        }
        if (rest && tracker) {
          for (;;) {
            const r = await rest.next();
            if (r.done) break;
            tracker.add(r.value);
            yield r.value;
          }
        }
        rest = undefined;
        return;
      } catch (err) {
        // The branch failed after content reached the caller (streams only).
        rest = undefined;
        if (!tracker || endsTheCall(err) || err instanceof StreamInterruptedError || chain.over()) throw err;
        const error = asError(err);
        chain.errors.push(error);
        const broken = brokenTarget(error, target.model);
        const delivered = tracker.snapshot();
        if (s.onInterrupt === 'error') throw new StreamInterruptedError(broken, delivered, error);
        const action = chain.decide(error, index, 'after-content', 0).action;
        if (action === 'stop') {
          recordRouting(ctx, LAYER, 'stop', target.model, { reason: error.name });
          throw new StreamInterruptedError(broken, delivered, error);
        }
        interrupted = { error, target: broken, delivered, prefill: tracker.prefillText() };
        chain.failedOver(index, error);
        if (action === 'retry') chain.order.unshift(index);
      } finally {
        // The consumer left mid-stream: close the branch so its attempt is recorded and its socket closed.
        if (rest) await rest.return?.();
      }
    }

    recordRouting(ctx, LAYER, 'exhausted', undefined, { errors: chain.errors.length });
    const exhausted = new FallbackExhaustedError(chain.errors);
    throw interrupted ? new StreamInterruptedError(interrupted.target, interrupted.delivered, exhausted) : exhausted;
  } finally {
    chain.dispose();
  }
}

interface TargetCounts {
  /** Failed attempts on the target in this call (the number of the attempt that just failed). */
  failures: number;
  retries: number;
  rateLimitRetries: number;
}

/** One call's walk down the chain: order, budgets, deadline, errors, and the decisions. */
class Chain {
  /** Indices of the targets still to try, in order. */
  order: number[];
  readonly errors: Error[] = [];
  /** Per-target failure counts and retry budgets used, created on the first failure. */
  private perTarget: TargetCounts[] | undefined;
  private readonly deadline: number | undefined;
  /** The chain's own deadline signal (from `timeout`), handed to every branch. */
  private readonly branchSignal: AbortSignal | undefined;
  /** Ends waits: the call's signal, plus the chain's deadline. */
  private readonly waitSignal: AbortSignal;
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  /** Models that rejected the prompt as too long (created on the first such rejection). */
  private tooSmallModels: Set<string> | undefined;
  /** The largest context window a context-length rejection came from. */
  private minWindow: number | undefined;
  /** The last decision, so the caller of `open` knows what the error it got means. */
  private last: { error: unknown; action: FallbackAction; why: string | undefined } | undefined;
  /** A move to the next target, recorded when that target starts. */
  private move: { from: string; reason: string; why: string | undefined } | undefined;

  constructor(
    private readonly ctx: CallContext,
    private readonly next: Next,
    private readonly s: FallbackSettings,
  ) {
    // Only what every call needs is built here; the rest waits for the first failure.
    this.order = s.order.slice();
    let deadline = ctx.deadline;
    if (s.timeout === undefined) {
      this.waitSignal = ctx.signal;
    } else {
      const timeout = s.timeout;
      const controller = new AbortController();
      this.timer = setTimeout(() => controller.abort(new DeadlineExceededError(timeout)), timeout);
      // Like the call's own deadline timer: a cap, never a reason to keep the process alive.
      this.timer.unref?.();
      this.branchSignal = controller.signal;
      this.waitSignal = AbortSignal.any([ctx.signal, controller.signal]);
      deadline = Math.min(deadline ?? Number.POSITIVE_INFINITY, Date.now() + timeout);
    }
    this.deadline = deadline;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private counts(index: number): TargetCounts {
    const all = (this.perTarget ??= this.s.targets.map(() => ({ failures: 0, retries: 0, rateLimitRetries: 0 })));
    return all[index]!;
  }

  over(): boolean {
    return this.waitSignal.aborted;
  }

  throwIfOver(): void {
    if (this.waitSignal.aborted) throw this.waitSignal.reason;
  }

  remainingMs(): number | undefined {
    return this.deadline === undefined ? undefined : this.deadline - Date.now();
  }

  tooSmall(target: ResolvedTarget): boolean {
    if (this.tooSmallModels?.has(target.model)) return true;
    return this.minWindow !== undefined && target.contextWindow !== undefined && target.contextWindow <= this.minWindow;
  }

  /** Records the pending move (if any) as it reaches `model`. */
  announce(model: string, action: 'fail-over' | 'restart' | 'continue'): void {
    const move = this.move;
    if (!move) return;
    this.move = undefined;
    const detail: Record<string, string> = { from: move.from, reason: move.reason };
    if (move.why) detail.why = move.why;
    recordRouting(this.ctx, LAYER, action, model, detail);
  }

  /** What the error `open` rejected with means: its decision, or `stop` for anything undecided (aborts, a throwing hook). */
  actionFor(err: unknown): FallbackAction {
    const last = this.last;
    if (!last || last.error !== err) return 'stop';
    return last.action === 'stop' ? 'stop' : 'fail-over';
  }

  /** The chain leaves target `index` after `error`. */
  failedOver(index: number, error: Error): void {
    const target = this.s.targets[index]!;
    this.move = { from: target.model, reason: error.name, why: this.last?.error === error ? this.last.why : undefined };
    if (error instanceof ContextLengthError) {
      // Never the same model again; and once its window is known too small, none that small.
      (this.tooSmallModels ??= new Set()).add(target.model);
      if (target.contextWindow !== undefined) {
        this.minWindow = Math.max(this.minWindow ?? 0, target.contextWindow);
        const min = this.minWindow;
        const larger = this.order.filter((i) => (this.s.targets[i]!.contextWindow ?? 0) > min);
        this.order = [...larger, ...this.order.filter((i) => !larger.includes(i))];
      }
    }
  }

  /**
   * Runs target `index` to its commit point (first content for streams, the whole answer for
   * generate calls), retrying it as the policy says. Rejects with the error that ended it;
   * `actionFor` tells whether that means fail-over or stop.
   */
  async open(index: number, prefillRequest: NormalizedRequest | undefined): Promise<Opened> {
    const { ctx } = this;
    const target = this.s.targets[index]!;
    let request = prefillRequest;
    let note: { action: string; detail: Record<string, string | number> } | undefined;
    let failedAt = 0;
    let produced: Opened | undefined;

    const attempt = async (n: number): Promise<Opened> => {
      if (n > 1 && note) recordRouting(ctx, LAYER, note.action, target.model, { ...note.detail, delayMs: Math.round(performance.now() - failedAt) });
      const prefilled = request !== undefined;
      const branch = this.next(this.branchOptions(target, request));
      if (ctx.mode === 'generate') {
        // The answer arrives whole anyway; reading all of it keeps any failure before the commit point.
        const head: StreamEvent[] = [];
        for await (const ev of branch) head.push(ev);
        produced = { head, rest: undefined, prefilled };
      } else {
        const { head, rest } = await untilFirstContent(branch);
        produced = { head, rest, prefilled };
      }
      return produced;
    };

    const decide = (error: Error, backoffs: number): RetryVerdict => {
      failedAt = performance.now();
      this.errors.push(error);
      if (request !== undefined && isPrefillRejection(error)) {
        this.counts(index).failures++;
        // A target that refuses the prefill gets the plain request at once: this error is never shown.
        request = undefined;
        note = { action: 'restart', detail: { reason: 'prefill-rejected' } };
        this.last = { error, action: 'retry', why: 'prefill-rejected' };
        return { retry: true, waitMs: 0 };
      }
      const d = this.decide(error, index, 'before-content', backoffs);
      if (d.action !== 'retry') return { retry: false };
      const detail: Record<string, string | number> = { reason: error.name, attempt: this.counts(index).failures + 1 };
      if (d.waitMs !== undefined) detail.retryAfterMs = d.waitMs;
      note = { action: 'retry', detail };
      return d.waitMs === undefined ? { retry: true } : { retry: true, waitMs: d.waitMs };
    };

    try {
      return await retryWithBackoff(attempt, { backoff: this.s.backoff, signal: this.waitSignal, decide });
    } catch (err) {
      // p-retry re-checks the signal after a success: a branch opened just before an abort must still be closed.
      if (produced?.rest) await produced.rest.return?.();
      throw err;
    }
  }

  private branchOptions(target: ResolvedTarget, request: NormalizedRequest | undefined): NextOptions {
    const o: NextOptions = { model: target.model };
    if (target.limits) o.limits = this.ctx.limits ? { ...this.ctx.limits, ...target.limits } : target.limits;
    if (request) o.request = request;
    if (this.branchSignal) o.signal = this.branchSignal;
    return o;
  }

  /**
   * The decision for one failure: the table, then the retry budget, `maxRetryAfterMs` and the
   * deadline, then the hook. Charges the budget when the answer is `retry`.
   */
  decide(error: Error, index: number, phase: FallbackErrorInfo['phase'], backoffs: number): { action: FallbackAction; waitMs?: number } {
    const target = this.s.targets[index]!;
    const counts = this.counts(index);
    counts.failures++;
    let action: FallbackAction;
    let why: string | undefined;
    let waitMs: number | undefined;
    if (endsTheCall(error) || this.over()) {
      action = 'stop';
    } else {
      action = defaultFallbackAction(error, this.s.contentPolicy);
      // After content a restart goes to the next target unless the hook insists on this one.
      if (action === 'retry' && phase === 'after-content') action = 'fail-over';
      if (action === 'retry') {
        const plan = this.planRetry(error, index, phase, backoffs);
        if (plan.ok) waitMs = plan.waitMs;
        else [action, why] = ['fail-over', plan.why];
      }
      if (this.s.policy) {
        const info: FallbackErrorInfo = {
          target: target.model,
          index,
          attempt: counts.failures,
          retries: counts.retries + counts.rateLimitRetries,
          mode: this.ctx.mode,
          phase,
          remainingMs: this.remainingMs(),
          defaultAction: action,
        };
        const chosen: unknown = this.s.policy(error, info);
        if (chosen !== undefined && chosen !== action) {
          if (chosen !== 'retry' && chosen !== 'fail-over' && chosen !== 'stop') {
            throw new ConfigError('fallback.policy', `returned ${JSON.stringify(chosen)}; expected 'retry', 'fail-over', 'stop' or undefined`);
          }
          why = 'policy';
          waitMs = undefined;
          action = chosen;
          if (chosen === 'retry') {
            const plan = this.planRetry(error, index, phase, backoffs);
            if (plan.ok) waitMs = plan.waitMs;
            else [action, why] = ['fail-over', plan.why];
          }
        }
      }
    }
    if (action === 'retry') {
      if (isRateLimit(error)) counts.rateLimitRetries++;
      else counts.retries++;
    }
    this.last = { error, action, why };
    return waitMs === undefined ? { action } : { action, waitMs };
  }

  /** Whether a same-target retry is allowed, and its explicit wait (a `retry-after`), if any. */
  private planRetry(error: Error, index: number, phase: FallbackErrorInfo['phase'], backoffs: number): { ok: true; waitMs: number | undefined } | { ok: false; why: string } {
    const rateLimited = isRateLimit(error);
    const counts = this.counts(index);
    const used = rateLimited ? counts.rateLimitRetries : counts.retries;
    if (used >= (rateLimited ? this.s.rateLimitRetries : this.s.retries)) return { ok: false, why: 'retries-exhausted' };
    // After content the restart is immediate: the target was answering, not refusing.
    if (phase === 'after-content') return { ok: true, waitMs: undefined };
    const retryAfter = error instanceof ProviderError ? error.retryAfterMs : undefined;
    if (retryAfter !== undefined && retryAfter > this.s.maxRetryAfterMs) return { ok: false, why: 'retry-after-too-long' };
    const longest = retryAfter ?? backoffUpperBound(this.s.backoff, backoffs);
    const remaining = this.remainingMs();
    if (remaining !== undefined && longest >= remaining) return { ok: false, why: 'deadline' };
    return { ok: true, waitMs: retryAfter };
  }
}

function acceptsPrefill(ctx: CallContext, model: string): boolean {
  try {
    return ctx.resolve(model)?.capabilities.assistantPrefill === true;
  } catch {
    // An unknown name: its attempt will fail and be judged like any other.
    return false;
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

function nameOf(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
