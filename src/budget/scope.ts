import { createHash } from 'node:crypto';
import type { RequestMetadata } from '../types/request.js';

/**
 * Whom a limit counts for: `'global'` (everyone together), a metadata key (`'user'`, `'team'`,
 * `'feature'`, `'apiKey'`, or any key of yours: one counter per value), or a function of the call's
 * metadata returning the scope value (undefined: the limit does not apply to this call).
 */
export type LimitScope = 'global' | (string & {}) | ((metadata: Readonly<RequestMetadata>) => string | undefined);

/** A compiled scope: the label and key part for a call, or undefined when the limit does not apply. */
export type ScopeOf = (metadata: Readonly<RequestMetadata>) => { label: string; key: string } | undefined;

const GLOBAL = { label: 'global', key: 'global' };

export function compileScope(scope: LimitScope | undefined): ScopeOf {
  if (scope === undefined || scope === 'global') return () => GLOBAL;
  if (typeof scope === 'function') {
    return (metadata) => {
      const v = scope(metadata);
      return v === undefined ? undefined : { label: v, key: 'fn=' + keyPart(v) };
    };
  }
  const name = scope;
  // Calls without the key share one counter: leaving `user` out must not escape a per-user limit.
  return (metadata) => {
    const raw = metadata[name];
    const v = raw === undefined || raw === null || raw === '' ? '(none)' : String(raw);
    // API keys are secrets: neither the store nor errors see them, only a fingerprint.
    const shown = name === 'apiKey' ? fingerprint(v) : v;
    return { label: `${name}=${shown}`, key: `${keyPart(name)}=${keyPart(shown)}` };
  };
}

/** A value as a store-key segment: short ones escaped, long ones hashed. */
function keyPart(v: string): string {
  return v.length <= 64 ? encodeURIComponent(v) : 'h' + createHash('sha256').update(v).digest('hex').slice(0, 32);
}

function fingerprint(v: string): string {
  return 'sha256:' + createHash('sha256').update(v).digest('hex').slice(0, 16);
}
