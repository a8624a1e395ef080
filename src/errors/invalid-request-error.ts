import { SwitchyardError } from './switchyard-error.js';

/** The request failed validation before any provider was called. `path` names the field. */
export class InvalidRequestError extends SwitchyardError {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('invalid_request', path ? `Invalid request at ${path}: ${message}` : `Invalid request: ${message}`, options);
    this.path = path;
  }
}
