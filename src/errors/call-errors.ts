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
