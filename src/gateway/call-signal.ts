import { AbortError, DeadlineExceededError } from '../errors/call-errors.js';

/** The call-level cancellation: caller's signal, deadline timer, and explicit cancel, as one signal. */
export interface CallSignal {
  signal: AbortSignal;
  deadline: number | undefined;
  cancel(reason: unknown): void;
  cleanup(): void;
}

const NEVER = new AbortController().signal;
// It never fires, so listeners on it are pointless; dropping them keeps layers that listen on
// ctx.signal from piling listeners onto this one shared signal for the life of the process.
Object.defineProperty(NEVER, 'addEventListener', { value: () => {} });

// Attempt controllers hang off their call's signal here instead of through addEventListener: Node's
// EventTarget costs microseconds per listener, which would dominate the per-call overhead budget.
interface Abortable {
  abort(reason?: unknown): void;
}
const attemptsOf = new WeakMap<AbortSignal, Set<Abortable>>();

/** False for the shared signal of calls that nothing can cancel. */
export function canAbort(signal: AbortSignal): boolean {
  return signal !== NEVER;
}

/**
 * Makes `controller` abort when `signal` does. Cheap for the gateway's own call signals (a set
 * insert); falls back to a real listener for other signals (e.g. a layer's branch signal).
 * Returns the unlink function.
 */
export function linkAbort(signal: AbortSignal, controller: Abortable): () => void {
  if (signal === NEVER) return noop;
  if (signal.aborted) {
    controller.abort(signal.reason);
    return noop;
  }
  const set = attemptsOf.get(signal);
  if (set) {
    set.add(controller);
    return () => set.delete(controller);
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/**
 * Builds the call's signal. On the hot path (no caller signal, no timeout, not a stream) no
 * controller, listener or timer is created at all.
 */
export function createCallSignal(callerSignal: AbortSignal | undefined, timeoutMs: number | undefined, cancellable: boolean): CallSignal {
  if (!callerSignal && timeoutMs === undefined && !cancellable) {
    return { signal: NEVER, deadline: undefined, cancel: noop, cleanup: noop };
  }
  const controller = new AbortController();
  const attempts = new Set<Abortable>();
  attemptsOf.set(controller.signal, attempts);
  const abort = (reason: unknown): void => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    for (const a of attempts) a.abort(reason);
    attempts.clear();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onCallerAbort = (): void => abort(new AbortError('the call was aborted by the caller', { cause: callerSignal?.reason }));
  if (callerSignal) {
    if (callerSignal.aborted) onCallerAbort();
    else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  }
  let deadline: number | undefined;
  if (timeoutMs !== undefined) {
    deadline = Date.now() + timeoutMs;
    timer = setTimeout(() => abort(new DeadlineExceededError(timeoutMs)), timeoutMs);
    // A pending deadline must not keep the host process alive on its own.
    timer.unref?.();
  }
  return {
    signal: controller.signal,
    deadline,
    cancel: abort,
    cleanup: () => {
      if (timer) clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * A signal that fires when `parent` or `extra` does: a layer's branch signal (`next({ signal })`).
 * Built on the registry rather than AbortSignal.any, which costs ~25 µs per branch on Node 20; the
 * branch is itself a registry, so attempts under it link as cheaply as under the call.
 */
export function branchSignal(parent: AbortSignal, extra: AbortSignal): AbortSignal {
  if (extra.aborted) return extra;
  if (parent.aborted) return parent;
  const controller = new AbortController();
  const children = new Set<Abortable>();
  attemptsOf.set(controller.signal, children);
  const node: Abortable = {
    abort(reason) {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      for (const c of children) c.abort(reason);
      children.clear();
    },
  };
  linkAbort(parent, node);
  extra.addEventListener('abort', () => node.abort(extra.reason), { once: true });
  return controller.signal;
}

function noop(): void {}
