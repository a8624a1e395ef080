// switchyard as a contestant for evaluate.ts (kept apart from peers.ts so the corpus test loads no peer library).
import { createDetector, createRedactor } from '../../src/pii/index.js';
import { ENTITY_TYPES } from './corpus/index.js';
import type { Contestant } from './evaluate.js';

/** The default redactor (reversible placeholders, a fresh session per text as `redactPII()` uses per call). */
export function switchyard(): Contestant {
  const redactor = createRedactor();
  const detector = createDetector();
  return {
    name: 'switchyard',
    redact: (text) => redactor.redact(text).text,
    spans: (text) => detector(text),
    claims: ENTITY_TYPES,
  };
}

/** Detection only (`createDetector()`), for the speed table. */
export function switchyardDetect(): (text: string) => unknown {
  return createDetector();
}
