import type { SwitchyardError } from '../errors/switchyard-error.js';
import type { Target } from './target.js';
import type { Cost } from './cost.js';
import type { Usage } from './usage.js';

/** `skipped`: the circuit breaker refused the attempt (no provider call was made). */
export type AttemptOutcome = 'success' | 'error' | 'aborted' | 'skipped';

/** One provider call made while serving a gateway call. */
export interface AttemptRecord {
  target: Target;
  mode: 'generate' | 'stream';
  outcome: AttemptOutcome;
  /** Set when the outcome is `error` or `aborted`. */
  error?: SwitchyardError;
  startedAt: number;
  /** Wall time of the attempt in ms. */
  latencyMs: number;
  /** Time to the first content event, in ms. */
  timeToFirstTokenMs?: number;
  usage?: Usage;
  /** What the attempt cost, when its usage and its model's price are known. */
  cost?: Cost;
}
