import { SwitchyardError } from '../errors/switchyard-error.js';

/**
 * Why an audit sink could not take a record:
 * - `closed`: the sink was closed;
 * - `overflow`: the file was too slow and `maxQueued` records were already waiting (the record was dropped);
 * - `write_failed`: the file could not be opened or written (`cause` has the system error).
 */
export type AuditSinkFailure = 'closed' | 'overflow' | 'write_failed';

/** An audit sink refused or lost a record. The audit instrumentation reports it to `onError`; calls never see it. */
export class AuditSinkError extends SwitchyardError {
  readonly reason: AuditSinkFailure;
  /** The file the sink writes. */
  readonly path: string;

  constructor(reason: AuditSinkFailure, path: string, message: string, options?: { cause?: unknown }) {
    super(`audit_sink_${reason}`, `audit sink ${path}: ${message}`, options);
    this.reason = reason;
    this.path = path;
  }
}
