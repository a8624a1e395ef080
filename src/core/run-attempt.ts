import { AbortError } from '../errors/call-errors.js';
import { StreamTruncatedError } from '../errors/provider-error.js';
import { canAbort, linkAbort } from '../gateway/call-signal.js';
import type { AttemptRecord } from '../types/attempt.js';
import type { CallContext } from '../types/middleware.js';
import type { AdapterCallOptions, ProviderAdapter } from '../types/provider-adapter.js';
import type { StreamEvent } from '../types/stream-event.js';
import type { Target } from '../types/target.js';
import { resultToEvents } from './result-events.js';
import { toSwitchyardError } from './to-switchyard-error.js';

// The attempt core: exactly one provider call. It records the attempt on the call's log and turns
// every failure into a SwitchyardError. It is always on and not user-ordered.

/** The events of one attempt, in the call's mode. */
export function runAttempt(ctx: CallContext, target: Target, adapter: ProviderAdapter): AsyncIterable<StreamEvent> {
  return ctx.mode === 'generate' ? eventsOf(attemptGenerate(ctx, target, adapter)) : attemptStream(ctx, target, adapter);
}

function newRecord(ctx: CallContext, target: Target): AttemptRecord {
  return { target, mode: ctx.mode, outcome: 'success', startedAt: Date.now(), latencyMs: 0 };
}

function options(ctx: CallContext, target: Target, signal: AbortSignal | undefined): AdapterCallOptions {
  const o: AdapterCallOptions = { target };
  if (signal) o.signal = signal;
  if (ctx.deadline !== undefined) o.timeoutMs = Math.max(1, ctx.deadline - Date.now());
  return o;
}

function failed(record: AttemptRecord, err: unknown, ctx: CallContext, target: Target): Error {
  const error = toSwitchyardError(err, ctx.signal, target);
  record.outcome = error.name === 'AbortError' || error.name === 'DeadlineExceededError' ? 'aborted' : 'error';
  record.error = error;
  return error;
}

/**
 * A non-streaming attempt. A pending generate call cannot be abandoned except through signals, so
 * it uses the call's (or branch's) signal as is: no controller of its own.
 */
export async function attemptGenerate(ctx: CallContext, target: Target, adapter: ProviderAdapter): Promise<StreamEvent[]> {
  const record = newRecord(ctx, target);
  const t0 = performance.now();
  try {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    const result = await adapter.generate(ctx.request, options(ctx, target, canAbort(ctx.signal) ? ctx.signal : undefined));
    record.timeToFirstTokenMs = performance.now() - t0;
    record.usage = result.usage;
    return resultToEvents(result, target);
  } catch (err) {
    throw failed(record, err, ctx, target);
  } finally {
    record.latencyMs = performance.now() - t0;
    ctx.attempts.push(record);
  }
}

async function* eventsOf(events: Promise<StreamEvent[]>): AsyncGenerator<StreamEvent, void, undefined> {
  for (const ev of await events) yield ev;
}

/**
 * A streaming attempt. It gets its own controller so that an abandoned attempt (the consumer stopped,
 * a layer moved on) closes its socket without cancelling the call. Hand-written rather than an async
 * generator: it sits on the per-chunk path, where a generator's extra promise hops are most of the cost.
 */
export function attemptStream(ctx: CallContext, target: Target, adapter: ProviderAdapter): AsyncIterableIterator<StreamEvent> {
  const record = newRecord(ctx, target);
  const t0 = performance.now();
  let controller: AbortController | undefined;
  let unlink: (() => void) | undefined;
  let inner: AsyncIterator<StreamEvent> | undefined;
  let first = true;
  let settled = false;
  let closed = false;

  const close = (): void => {
    if (closed) return;
    closed = true;
    unlink?.();
    // Close the provider's socket for anything but a complete answer.
    if (record.outcome !== 'success' && controller && !controller.signal.aborted) controller.abort(record.error);
    record.latencyMs = performance.now() - t0;
    ctx.attempts.push(record);
  };
  const fail = (err: unknown): never => {
    settled = true;
    const error = failed(record, err, ctx, target);
    close();
    throw error;
  };
  const onResult = (r: IteratorResult<StreamEvent>): IteratorResult<StreamEvent> => {
    if (r.done) {
      // Adapters must end with `finish`; one that does not is a truncated answer, never a short success.
      if (!settled) fail(new StreamTruncatedError({ provider: target.provider, model: target.model, message: 'the stream ended without a finish event' }));
      close();
      return r;
    }
    const ev = r.value;
    if (ev.type === 'finish') {
      record.usage = ev.usage;
      settled = true;
    } else if (first) {
      first = false;
      record.timeToFirstTokenMs = performance.now() - t0;
    }
    return r;
  };

  const iterator: AsyncIterableIterator<StreamEvent> = {
    next() {
      if (closed) return Promise.resolve({ done: true, value: undefined });
      try {
        if (!inner) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          controller = new AbortController();
          unlink = linkAbort(ctx.signal, controller);
          inner = adapter.stream(ctx.request, { ...options(ctx, target, undefined), signal: controller.signal })[Symbol.asyncIterator]();
        }
        return inner.next().then(onResult, fail);
      } catch (err) {
        return Promise.reject(err).catch(fail);
      }
    },
    async return() {
      if (!closed) {
        if (!settled) {
          record.outcome = 'aborted';
          record.error = new AbortError('the attempt was abandoned before it finished');
          // Abort first: an adapter stuck on a stalled read only returns once its read fails.
          controller?.abort(record.error);
        }
        try {
          await inner?.return?.();
        } catch {
          // the attempt is being abandoned; its outcome is already recorded
        } finally {
          close();
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
