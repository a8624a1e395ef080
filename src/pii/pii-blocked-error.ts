import { SwitchyardError } from '../errors/switchyard-error.js';

/**
 * The request held PII of a type configured to `block`; nothing was sent. Names the types and how
 * many were found, never the values (the error may be logged).
 */
export class PIIBlockedError extends SwitchyardError {
  readonly types: string[];
  readonly counts: Record<string, number>;

  constructor(counts: Record<string, number>) {
    const types = Object.keys(counts).sort();
    super('pii_blocked', `Request blocked: it contains PII of type ${types.join(', ')}, which is configured to block`);
    this.types = types;
    this.counts = counts;
  }
}
