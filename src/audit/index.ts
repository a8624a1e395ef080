export { audit, auditHash, type AuditOptions, type AuditSink } from './audit.js';
export type { AuditAttempt, AuditError, AuditPolicies, AuditRecord, AuditTarget } from './audit-record.js';
export { AuditSinkError, type AuditSinkFailure } from './audit-sink-error.js';
export type { AuditJson } from './hashing.js';
export { jsonlFileSink, type JsonlFileSink, type JsonlFileSinkOptions } from './jsonl-sink.js';
