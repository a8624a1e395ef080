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
