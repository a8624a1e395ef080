import { createHash, createHmac } from 'node:crypto';

// Hashes and fingerprints for audit records: they let an auditor match a record against content
// kept elsewhere (the provider's logs, the application's own store) without the record holding it.

/** A JSON value as it appears in an audit record. */
export type AuditJson = string | number | boolean | null | AuditJson[] | { [key: string]: AuditJson };

/** Plain SHA-256, or HMAC-SHA-256 keyed with the caller's salt. */
export interface Hasher {
  readonly algorithm: 'sha256' | 'hmac-sha256';
  /** Full hex digest. */
  digest(text: string): string;
  /** `<algorithm>:` and the first 16 hex chars: enough to tell values apart, too short to be a key. */
  fingerprint(text: string): string;
}

export function createHasher(salt: string | undefined): Hasher {
  const algorithm = salt === undefined ? 'sha256' : 'hmac-sha256';
  const digest =
    salt === undefined
      ? (text: string) => createHash('sha256').update(text).digest('hex')
      : (text: string) => createHmac('sha256', salt).update(text).digest('hex');
  return { algorithm, digest, fingerprint: (text) => `${algorithm}:${digest(text).slice(0, 16)}` };
}

/**
 * JSON with object keys sorted at every level, so that two requests equal as data hash the same
 * whatever order their keys were built in. Follows JSON.stringify for everything else (undefined
 * and functions dropped from objects and null in arrays, `toJSON` honoured, non-finite numbers as
 * null); BigInts become their decimal string. Throws on a cycle.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, stack: Set<object>): string {
  const v = toJsonable(value);
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (stack.has(v)) throw new TypeError('canonicalJson: the value has a cycle');
  stack.add(v);
  let out: string;
  if (Array.isArray(v)) {
    out = '[' + v.map((item) => write(item, stack)).join(',') + ']';
  } else {
    const obj = v as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(obj).sort()) {
      if (toJsonable(obj[key]) === undefined) continue;
      parts.push(JSON.stringify(key) + ':' + write(obj[key], stack));
    }
    out = '{' + parts.join(',') + '}';
  }
  stack.delete(v);
  return out;
}

/** The value JSON.stringify would serialise in place of `value`; undefined when it would drop it. */
function toJsonable(value: unknown): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object': {
      if (value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') return toJsonable((value as { toJSON(): unknown }).toJSON());
      return value;
    }
    default:
      return value;
  }
}

/** A caller-supplied value as plain JSON data, or undefined when it has none (or will not serialise). */
export function jsonValue(value: unknown): AuditJson | undefined {
  const v = toJsonable(value);
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object') return v as AuditJson;
  try {
    return JSON.parse(canonicalJson(v)) as AuditJson;
  } catch {
    return undefined;
  }
}
