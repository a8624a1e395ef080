import { AbortError, DeadlineExceededError } from '../errors/call-errors.js';

const NEVER = new AbortController().signal;

/** The call-level cancellation: caller's signal, deadline timer, and explicit cancel, as one signal. */
export interface CallSignal {
  signal: AbortSignal;
  deadline: number | undefined;
  cancel(reason: unknown): void;
  cleanup(): void;
}

/**
 * Builds the call's signal. On the hot path (no caller signal, no timeout, not a stream) no
 * controller or timer is created at all.
 */
export function createCallSignal(callerSignal: AbortSignal | undefined, timeoutMs: number | undefined, cancellable: boolean): CallSignal {
  if (!callerSignal && timeoutMs === undefined && !cancellable) {
    return { signal: NEVER, deadline: undefined, cancel: noop, cleanup: noop };
  }
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onCallerAbort = (): void => controller.abort(new AbortError('the call was aborted by the caller', { cause: callerSignal?.reason }));
  if (callerSignal) {
    if (callerSignal.aborted) onCallerAbort();
    else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  }
  let deadline: number | undefined;
  if (timeoutMs !== undefined) {
    deadline = Date.now() + timeoutMs;
    timer = setTimeout(() => controller.abort(new DeadlineExceededError(timeoutMs)), timeoutMs);
    // A pending deadline must not keep the host process alive on its own.
    timer.unref?.();
  }
  return {
    signal: controller.signal,
    deadline,
    cancel: (reason) => {
      if (!controller.signal.aborted) controller.abort(reason);
    },
    cleanup: () => {
      if (timer) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

function noop(): void {}
