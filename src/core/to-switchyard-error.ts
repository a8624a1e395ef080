import { AbortError } from '../errors/call-errors.js';
import { ProviderError } from '../errors/provider-error.js';
import { SwitchyardError } from '../errors/switchyard-error.js';
import type { Target } from '../types/target.js';

/**
 * Decides what an attempt's failure means to the caller. When the call's own signal fired, its reason
 * (caller abort or deadline) wins over whatever the SDK threw while being torn down.
 */
export function toSwitchyardError(err: unknown, callSignal: AbortSignal, target: Target): SwitchyardError {
  if (callSignal.aborted) {
    const reason: unknown = callSignal.reason;
    return reason instanceof SwitchyardError ? reason : new AbortError(undefined, { cause: reason });
  }
  if (err instanceof SwitchyardError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // An adapter that let a foreign error escape: keep it as the cause, never lose it.
  return new ProviderError({ provider: target.provider, model: target.model, message, cause: err });
}
