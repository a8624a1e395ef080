import type { AttemptRecord } from '../types/attempt.js';

/** Base class of every error switchyard throws. `code` is stable and low-cardinality. */
export class SwitchyardError extends Error {
  readonly code: string;
  /**
   * Set on the error a failed gateway call throws: every attempt it made (targets tried, outcomes,
   * their errors), so the caller can see what happened without a middleware.
   */
  attempts?: AttemptRecord[];

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
