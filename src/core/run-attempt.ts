import { AbortError, DeadlineExceededError } from '../errors/call-errors.js';
import { AttemptTimeoutError, ProviderTimeoutError, StreamTruncatedError } from '../errors/provider-error.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import { canAbort, linkAbort } from '../gateway/call-signal.js';
import type { AttemptRecord } from '../types/attempt.js';
import type { GuardAdmission, GuardedAttempt } from '../types/guard.js';
import type { NormalizedRequest } from '../types/request.js';
import type { Usage } from '../types/usage.js';
import type { CallContext } from '../types/middleware.js';
import type { AdapterCallOptions, ProviderAdapter } from '../types/provider-adapter.js';
import type { FinishEvent, StreamEvent } from '../types/stream-event.js';
import type { AttemptObserver, CallObserver, Pricer } from './instrumentation.js';
import type { Target } from '../types/target.js';
import type { ConcurrencyLimits, Release } from './concurrency-limits.js';
import { resultToEvents } from './result-events.js';
import { utf8Length } from './utf8.js';
import type { Admission, HealthRegistry } from './target-health.js';
import { toSwitchyardError } from './to-switchyard-error.js';

// The attempt core: exactly one provider call. It asks the circuit breaker and the concurrency
// limits for a go, enforces the attempt's time limits, records the attempt on the call's log and in
// the target's health, and turns every failure into a SwitchyardError. Always on, not user-ordered.

/** Gateway-wide state every attempt consults. */
export interface AttemptServices {
  health: HealthRegistry;
  limits: ConcurrencyLimits;
  pricer: Pricer | undefined;
}

/** Key under which the gateway keeps a call's observer in `ctx.state`. */
export const CALL_OBSERVER: unique symbol = Symbol('switchyard.call-observer');

/** The events of one attempt, in the call's mode. */
export function runAttempt(ctx: CallContext, target: Target, adapter: ProviderAdapter, svc: AttemptServices): AsyncIterable<StreamEvent> {
  return ctx.mode === 'generate' ? generateEvents(ctx, target, adapter, svc) : attemptStream(ctx, target, adapter, svc);
}

// A generator so the provider call starts on the first read: a branch a layer never reads costs nothing.
async function* generateEvents(ctx: CallContext, target: Target, adapter: ProviderAdapter, svc: AttemptServices): AsyncGenerator<StreamEvent, void, undefined> {
  for (const ev of await attemptGenerate(ctx, target, adapter, svc)) yield ev;
}

/** Bookkeeping shared by the generate and stream paths. */
class Attempt {
  readonly record: AttemptRecord;
  readonly t0 = performance.now();
  admission: Admission | undefined;
  controller: AbortController | undefined;
  observer: AttemptObserver | undefined;
  finish: FinishEvent | undefined;
  /** The request this attempt sends (a guard may have changed it). */
  request: NormalizedRequest;
  /** What admitted guards want to hear when the attempt ends. */
  private guardEnds: Array<NonNullable<GuardAdmission['end']>> | undefined;
  private refusedByGuard = false;
  /** UTF-8 bytes of output produced, counted only when a guard listens. */
  outputBytes = 0;
  private unlink: (() => void) | undefined;
  private release: Release | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastEventAt = 0;
  private closed = false;

  constructor(
    readonly ctx: CallContext,
    readonly target: Target,
    private readonly adapter: ProviderAdapter,
    private readonly svc: AttemptServices,
  ) {
    this.record = { target, mode: ctx.mode, outcome: 'success', startedAt: Date.now(), latencyMs: 0 };
    this.request = ctx.request;
  }

  /** Guards, circuit breaker, then concurrency slot. Throws (and records a skip) when refused. */
  async admit(): Promise<void> {
    const { ctx, target } = this;
    if (ctx.signal.aborted) throw ctx.signal.reason;
    // Guards first: one that waits (a rate limit) must not hold the breaker's half-open probe.
    if (ctx.guards.length > 0) await this.runGuards();
    this.admission = this.svc.health.admit(target.id);
    this.svc.health.started(target.id);
    const call = ctx.state.get(CALL_OBSERVER) as CallObserver | undefined;
    if (call) {
      try {
        const seen = this.request === ctx.request ? ctx : { ...ctx, request: this.request };
        this.observer = call.startAttempt({ ctx: seen, target, kind: this.adapter.kind, server: this.adapter.server });
      } catch {
        // an observer's failure must never fail the call
      }
    }
    if (!this.svc.limits.empty) this.release = await this.svc.limits.acquire(target, canAbort(ctx.signal) ? ctx.signal : undefined);
  }

  private async runGuards(): Promise<void> {
    const { ctx, target, svc } = this;
    const kind = this.adapter.kind;
    const pricer = svc.pricer;
    let contextWindow: number | undefined | null = null;
    const price = (usage: Usage) => pricer?.price(target, kind, usage, new Date());
    for (const guard of ctx.guards) {
      const attempt: GuardedAttempt = {
        ctx,
        target,
        kind,
        request: this.request,
        signal: ctx.signal,
        price,
        get contextWindow() {
          if (contextWindow === null) contextWindow = pricer?.contextWindow?.(target, kind);
          return contextWindow;
        },
      };
      let admitted: GuardAdmission | void;
      try {
        admitted = await guard.admit(attempt);
      } catch (err) {
        this.refusedByGuard = !ctx.signal.aborted;
        throw err;
      }
      if (!admitted) continue;
      if (admitted.request) this.request = admitted.request;
      if (admitted.end) (this.guardEnds ??= []).push(admitted.end);
    }
  }

  /** Counts output bytes for guards (only when one listens). */
  countOutput(ev: StreamEvent): void {
    if (ev.type === 'text-delta' || ev.type === 'reasoning-delta') this.outputBytes += utf8Length(ev.text);
    else if (ev.type === 'tool-call-delta') this.outputBytes += utf8Length(ev.argumentsDelta);
  }

  get counting(): boolean {
    return this.guardEnds !== undefined;
  }

  /**
   * The signal to hand the adapter. A controller of its own is needed when something other than the
   * call can end this attempt (streams can be abandoned; time limits); otherwise the call's signal,
   * or none when nothing can cancel the call at all.
   */
  signal(ownController: boolean): AbortSignal | undefined {
    const limits = this.ctx.limits;
    if (!ownController && !limits?.firstTokenMs && !limits?.idleMs) return canAbort(this.ctx.signal) ? this.ctx.signal : undefined;
    const controller = new AbortController();
    this.controller = controller;
    this.unlink = linkAbort(this.ctx.signal, controller);
    if (limits?.firstTokenMs) this.arm('first-token', limits.firstTokenMs);
    else if (limits?.idleMs && this.ctx.mode === 'stream') {
      // Without a first-token limit, the idle limit also bounds the silence before the first event:
      // a stream that sends headers and then nothing must not wait for the call's deadline.
      this.lastEventAt = performance.now();
      this.arm('idle', limits.idleMs);
    }
    return controller.signal;
  }

  options(signal: AbortSignal | undefined): AdapterCallOptions {
    const o: AdapterCallOptions = { target: this.target };
    if (signal) o.signal = signal;
    if (this.ctx.deadline !== undefined) o.timeoutMs = Math.max(1, this.ctx.deadline - Date.now());
    if (this.ctx.limits?.headersMs) o.headersTimeoutMs = this.ctx.limits.headersMs;
    return o;
  }

  /** Arms a limit timer to fire in `delay` ms; `limit` is the configured limit it enforces. */
  private arm(phase: 'first-token' | 'idle', limit: number, delay = limit): void {
    this.timer = setTimeout(() => {
      if (phase === 'idle') {
        // One timer for the whole stream: re-arm for the remainder instead of resetting per chunk.
        const quiet = performance.now() - this.lastEventAt;
        if (quiet < limit) return this.arm('idle', limit, limit - quiet);
      }
      const { provider, model } = this.target;
      const what = phase === 'idle' ? `no stream event for ${limit} ms` : `no first token within ${limit} ms`;
      this.controller?.abort(new AttemptTimeoutError({ provider, model, message: what, phase, limitMs: limit }));
    }, delay);
  }

  /** Usage and cost of a successful answer, on the record and on its finish event. */
  settle(finish: FinishEvent): void {
    this.finish = finish;
    this.record.usage = finish.usage;
    if (finish.usage && this.svc.pricer) {
      const cost = this.svc.pricer.price(this.target, this.adapter.kind, finish.usage, new Date());
      if (cost) this.record.cost = finish.cost = cost;
    }
  }

  /** Called for every event of a stream attempt. */
  onEvent(ev: StreamEvent): void {
    const limits = this.ctx.limits;
    if (this.guardEnds) this.countOutput(ev);
    this.observer?.event?.(ev);
    if (ev.type === 'finish') {
      this.settle(ev);
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.record.timeToFirstTokenMs === undefined) {
      this.observer?.firstToken?.();
      this.record.timeToFirstTokenMs = performance.now() - this.t0;
      this.lastEventAt = performance.now();
      // Switch from the first-token timer to the idle one (an idle timer already running re-arms itself).
      if (limits?.firstTokenMs) {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        if (limits.idleMs) this.arm('idle', limits.idleMs);
      }
    } else {
      if (limits?.idleMs) this.lastEventAt = performance.now();
      this.observer?.chunk?.();
    }
  }

  fail(err: unknown): SwitchyardError {
    let error = toSwitchyardError(err, this.ctx.signal, this.target);
    const own: unknown = this.controller?.signal.reason;
    if (!this.ctx.signal.aborted && this.controller?.signal.aborted && own instanceof SwitchyardError) error = own;
    const { deadline } = this.ctx;
    if (deadline !== undefined && !(error instanceof DeadlineExceededError) && !this.ctx.signal.aborted && Date.now() >= deadline) {
      // The SDK's own timer (set to the time left) can fire a hair before the call's deadline timer.
      const callStart = Date.now() - (performance.now() - this.ctx.startedAt);
      error = new DeadlineExceededError(Math.round(deadline - callStart), { cause: error });
    }
    const headersMs = this.ctx.limits?.headersMs;
    if (headersMs && error instanceof ProviderTimeoutError) {
      error = new AttemptTimeoutError({ provider: this.target.provider, model: this.target.model, message: `no response headers within ${headersMs} ms`, phase: 'headers', limitMs: headersMs, cause: error });
    }
    this.record.outcome = this.refusedByGuard || error.name === 'CircuitOpenError' ? 'skipped' : error.name === 'AbortError' || error.name === 'DeadlineExceededError' ? 'aborted' : 'error';
    this.record.error = error;
    return error;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.unlink?.();
    this.release?.();
    const { record } = this;
    // Close the provider's socket for anything but a complete answer.
    if (record.outcome !== 'success' && this.controller && !this.controller.signal.aborted) this.controller.abort(record.error);
    record.latencyMs = performance.now() - this.t0;
    if (this.admission !== undefined) {
      if (record.outcome === 'success') this.svc.health.succeeded(this.target.id, this.admission, record.latencyMs, record.timeToFirstTokenMs);
      else this.svc.health.failed(this.target.id, this.admission, record.error!);
    }
    this.ctx.attempts.push(record);
    try {
      this.observer?.end(record, record.outcome === 'success' ? this.finish : undefined);
    } catch {
      // an observer's failure must never fail the call
    }
    if (this.guardEnds) {
      const result = { record, usage: record.usage, cost: record.cost, delivered: record.timeToFirstTokenMs !== undefined, outputBytes: this.outputBytes };
      for (const end of this.guardEnds) {
        try {
          end(result);
        } catch {
          // a guard's bookkeeping must never fail the call
        }
      }
    }
  }
}

/** A non-streaming attempt. */
export async function attemptGenerate(ctx: CallContext, target: Target, adapter: ProviderAdapter, svc: AttemptServices): Promise<StreamEvent[]> {
  const a = new Attempt(ctx, target, adapter, svc);
  try {
    await a.admit();
    const options = a.options(a.signal(false));
    const run = a.observer?.run;
    const request = a.request;
    const result = await (run ? run(() => adapter.generate(request, options)) : adapter.generate(request, options));
    a.record.timeToFirstTokenMs = performance.now() - a.t0;
    a.observer?.firstToken?.();
    const events = resultToEvents(result, target);
    if (a.counting) for (const ev of events) a.countOutput(ev);
    a.settle(events[events.length - 1] as FinishEvent);
    if (a.observer?.event) for (const ev of events) a.observer.event(ev);
    return events;
  } catch (err) {
    throw a.fail(err);
  } finally {
    a.close();
  }
}

/**
 * A streaming attempt. Hand-written rather than an async generator: it sits on the per-chunk path,
 * where a generator's extra promise hops are most of the cost.
 */
export function attemptStream(ctx: CallContext, target: Target, adapter: ProviderAdapter, svc: AttemptServices): AsyncIterableIterator<StreamEvent> {
  const a = new Attempt(ctx, target, adapter, svc);
  let inner: AsyncIterator<StreamEvent> | undefined;
  let settled = false;
  let done = false;

  const fail = (err: unknown): never => {
    settled = true;
    done = true;
    const error = a.fail(err);
    a.close();
    throw error;
  };
  const onResult = (r: IteratorResult<StreamEvent>): IteratorResult<StreamEvent> => {
    if (r.done) {
      // Adapters must end with `finish`; one that does not is a truncated answer, never a short success.
      if (!settled) fail(new StreamTruncatedError({ provider: target.provider, model: target.model, message: 'the stream ended without a finish event' }));
      done = true;
      a.close();
      return r;
    }
    if (r.value.type === 'finish') settled = true;
    a.onEvent(r.value);
    return r;
  };
  const start = async (): Promise<IteratorResult<StreamEvent>> => {
    await a.admit();
    const options = { ...a.options(undefined), signal: a.signal(true)! };
    const run = a.observer?.run;
    const request = a.request;
    if (!run) {
      inner = adapter.stream(request, options)[Symbol.asyncIterator]();
      return inner.next();
    }
    // The SDK sends its request on the first read, so that read runs in the attempt's context too.
    const it = run(() => adapter.stream(request, options)[Symbol.asyncIterator]());
    inner = it;
    return run(() => it.next());
  };

  const iterator: AsyncIterableIterator<StreamEvent> = {
    next() {
      if (done) return Promise.resolve({ done: true, value: undefined });
      try {
        return (inner ? inner.next() : start()).then(onResult, fail);
      } catch (err) {
        return Promise.reject(err).catch(fail);
      }
    },
    async return() {
      if (!done) {
        done = true;
        if (!settled) {
          a.record.outcome = 'aborted';
          a.record.error = new AbortError('the attempt was abandoned before it finished');
          // Abort first: an adapter stuck on a stalled read only returns once its read fails.
          a.controller?.abort(a.record.error);
        }
        try {
          await inner?.return?.();
        } catch {
          // the attempt is being abandoned; its outcome is already recorded
        } finally {
          a.close();
        }
      }
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

