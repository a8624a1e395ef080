import { SwitchyardError } from './switchyard-error.js';

/** The caller aborted the call (its AbortSignal fired, or it stopped reading a stream). */
export class AbortError extends SwitchyardError {
  constructor(message = 'The call was aborted', options?: { cause?: unknown }) {
    super('aborted', message, options);
  }
}

/** The whole-call deadline (`timeout`) passed before the call finished. */
export class DeadlineExceededError extends SwitchyardError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super('deadline_exceeded', `The call did not finish within its ${timeoutMs} ms deadline`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The circuit breaker for `target` is open: the attempt was refused without calling the provider. */
export class CircuitOpenError extends SwitchyardError {
  readonly target: string;
  readonly retryable = true;
  /** When the breaker will admit a probe again (epoch ms). */
  readonly retryAt: number;

  constructor(target: string, retryAt: number) {
    super('circuit_open', `circuit open for ${target}; next probe after ${new Date(retryAt).toISOString()}`);
    this.target = target;
    this.retryAt = retryAt;
  }
}

/** What a stream had delivered to the caller when it broke. */
export interface DeliveredContent {
  text: string;
  /** Reasoning text delivered, if any. */
  reasoning: string;
  /** Tool calls whose arguments were delivered completely. */
  toolCalls: number;
  /** Content events delivered. */
  events: number;
}

/**
 * A stream failed after content had reached the caller, so it could not be retried or failed over
 * transparently. `delivered` says what the caller already has; `cause` is the provider's error.
 */
export class StreamInterruptedError extends SwitchyardError {
  readonly delivered: DeliveredContent;
  readonly target: string;

  constructor(target: string, delivered: DeliveredContent, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('stream_interrupted', `stream from ${target} broke after ${delivered.text.length} characters had been delivered: ${why}`, { cause });
    this.target = target;
    this.delivered = delivered;
  }
}

/**
 * Every target of a fallback chain failed or was skipped, and none answered. `errors` holds each
 * failure in the order it happened (retries included); `cause` is the last one. The attempts the
 * chain made are on `attempts`, like on any error a failed call throws.
 */
export class FallbackExhaustedError extends SwitchyardError {
  readonly errors: readonly Error[];

  constructor(errors: readonly Error[]) {
    const last = errors[errors.length - 1];
    const summary = errors.map((e) => `${whereFrom(e)}${e.name}`).join(', ');
    super('fallback_exhausted', `every fallback target failed (${errors.length} ${errors.length === 1 ? 'error' : 'errors'}: ${summary || 'none'})`, { cause: last });
    this.errors = errors;
  }
}

function whereFrom(e: Error): string {
  const p = e as { provider?: unknown; model?: unknown; target?: unknown };
  if (typeof p.provider === 'string' && typeof p.model === 'string') return `${p.provider}/${p.model} `;
  if (typeof p.target === 'string') return `${p.target} `;
  return '';
}
