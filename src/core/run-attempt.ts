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
 * a layer moved on) closes its socket without cancelling the call.
 */
export async function* attemptStream(ctx: CallContext, target: Target, adapter: ProviderAdapter): AsyncGenerator<StreamEvent, void, undefined> {
  const record = newRecord(ctx, target);
  const t0 = performance.now();
  const controller = new AbortController();
  let settled = false;
  let unlink: (() => void) | undefined;
  try {
    if (ctx.signal.aborted) throw ctx.signal.reason;
    unlink = linkAbort(ctx.signal, controller);
    let first = true;
    for await (const ev of adapter.stream(ctx.request, { ...options(ctx, target, undefined), signal: controller.signal })) {
      if (ev.type === 'finish') {
        record.usage = ev.usage;
        settled = true;
      } else if (first) {
        first = false;
        record.timeToFirstTokenMs = performance.now() - t0;
      }
      yield ev;
    }
    if (!settled) {
      // Adapters must end with `finish`; one that does not is a truncated answer, never a short success.
      throw new StreamTruncatedError({ provider: target.provider, model: target.model, message: 'the stream ended without a finish event' });
    }
  } catch (err) {
    settled = true;
    throw failed(record, err, ctx, target);
  } finally {
    unlink?.();
    if (!settled) {
      record.outcome = 'aborted';
      record.error = new AbortError('the attempt was abandoned before it finished');
    }
    // Close the provider's socket for anything but a complete answer.
    if (record.outcome !== 'success' && !controller.signal.aborted) controller.abort(record.error);
    record.latencyMs = performance.now() - t0;
    ctx.attempts.push(record);
  }
}
