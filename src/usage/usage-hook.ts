import type { Instrumentation } from '../core/instrumentation.js';
import { trackCalls } from './track-calls.js';
import { buildUsageRecord, type UsageRecord } from './usage-record.js';

export interface UsageHookOptions {
  /**
   * Called when the hook throws or its promise rejects. Default: one `console.warn` for the first
   * failure of this hook, then silence (a broken sink must not flood the log or break calls).
   */
  onError?: (error: unknown, record: UsageRecord) => void;
}

/**
 * Calls `onUsage` with one `UsageRecord` per gateway call (success, failure or abort), once the call
 * and all its attempts have ended. Register it in the gateway's `instrumentation`. The hook runs
 * synchronously at the end of the call: hand the record to a queue or a batch writer rather than
 * doing I/O inline. Whatever it throws or rejects with never reaches the call.
 */
export function usageHook(onUsage: (record: UsageRecord) => void | Promise<void>, options: UsageHookOptions = {}): Instrumentation {
  let warned = false;
  const onError =
    options.onError ??
    ((error: unknown) => {
      if (warned) return;
      warned = true;
      console.warn('switchyard: the usage hook failed (further failures are not logged):', error);
    });
  const report = (error: unknown, record: UsageRecord): void => {
    try {
      onError(error, record);
    } catch {
      // the error handler failed too; the call goes on regardless
    }
  };
  return trackCalls((ctx, startedAt, latencyMs, response, error) => {
    const record = buildUsageRecord(ctx, startedAt, latencyMs, response, error);
    try {
      const r = onUsage(record);
      if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).then(undefined, (e: unknown) => report(e, record));
    } catch (e) {
      report(e, record);
    }
  }, true);
}
