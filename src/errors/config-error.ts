import { SwitchyardError } from './switchyard-error.js';

/** The gateway configuration is invalid. `path` names the bad field, e.g. `providers.openai`. */
export class ConfigError extends SwitchyardError {
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super('config_error', path ? `Invalid gateway config at ${path}: ${message}` : `Invalid gateway config: ${message}`, options);
    this.path = path;
  }
}
