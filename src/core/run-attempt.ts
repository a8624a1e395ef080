import { AbortError } from '../errors/call-errors.js';
import { StreamTruncatedError } from '../errors/provider-error.js';
import type { AttemptRecord } from '../types/attempt.js';
import type { CallContext } from '../types/middleware.js';
import type { AdapterCallOptions, ProviderAdapter } from '../types/provider-adapter.js';
import type { StreamEvent } from '../types/stream-event.js';
import type { Target } from '../types/target.js';
import { resultToEvents } from './result-events.js';
import { toSwitchyardError } from './to-switchyard-error.js';

/**
 * The attempt core: exactly one provider call. It gives the adapter its own abort signal (so an
 * abandoned attempt is torn down without cancelling the whole call), records the attempt on the
 * call's log, and turns every failure into a SwitchyardError.
 */
export async function* runAttempt(ctx: CallContext, target: Target, adapter: ProviderAdapter): AsyncGenerator<StreamEvent, void, undefined> {
  const callSignal = ctx.signal;
  const startedAt = Date.now();
  const t0 = performance.now();
  const record: AttemptRecord = { target, mode: ctx.mode, outcome: 'success', startedAt, latencyMs: 0 };
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(callSignal.reason);
  let settled = false;

  try {
    if (callSignal.aborted) throw callSignal.reason;
    callSignal.addEventListener('abort', onAbort, { once: true });
    const options: AdapterCallOptions = { target, signal: controller.signal };
    if (ctx.deadline !== undefined) options.timeoutMs = Math.max(1, ctx.deadline - Date.now());

    if (ctx.mode === 'generate') {
      const result = await adapter.generate(ctx.request, options);
      record.timeToFirstTokenMs = performance.now() - t0;
      record.usage = result.usage;
      settled = true;
      for (const ev of resultToEvents(result, target)) yield ev;
      return;
    }

    let first = true;
    for await (const ev of adapter.stream(ctx.request, options)) {
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
    const error = toSwitchyardError(err, callSignal, target);
    record.outcome = error.name === 'AbortError' || error.name === 'DeadlineExceededError' ? 'aborted' : 'error';
    record.error = error;
    settled = true;
    throw error;
  } finally {
    callSignal.removeEventListener('abort', onAbort);
    if (!settled) {
      // The consumer stopped reading before the answer was complete: close the provider's socket.
      record.outcome = 'aborted';
      record.error = new AbortError('the attempt was abandoned before it finished');
    }
    if (record.outcome !== 'success' && !controller.signal.aborted) controller.abort(record.error);
    record.latencyMs = performance.now() - t0;
    ctx.attempts.push(record);
  }
}
