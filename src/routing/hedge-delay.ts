import { ConfigError } from '../errors/config-error.js';
import type { TargetHealthRegistry } from '../types/routing.js';

/**
 * How long `hedge` waits for a first token before starting a backup: learned from the target's
 * recent time to first token. Until the target has enough successful attempts on record (the health
 * registry needs a handful), `fallbackMs` applies.
 */
export interface HedgePercentileDelay {
  /** Which percentile of recent time-to-first-token to wait for (0–1], e.g. 0.9 or 0.95. */
  percentile: number;
  /** The delay to use while the target has too few samples (and for aliases, which have no single target). */
  fallbackMs: number;
  /** Never hedge sooner than this, however fast the target has been. @default 0 */
  min?: number;
  /** Never wait longer than this, however slow the target has been. @default no upper bound */
  max?: number;
}

/** A fixed delay in ms, or one learned from recent calls. */
export type HedgeDelay = number | HedgePercentileDelay;

/** The delay chosen for one hedge step, and where it came from (recorded on the routing log). */
export interface ResolvedHedgeDelay {
  ms: number;
  source: 'fixed' | 'percentile' | 'fallback';
}

const PERCENTILE_KEYS = new Set(['percentile', 'fallbackMs', 'min', 'max']);

function isDelayMs(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Throws a ConfigError naming the field when `after` is not a valid delay. */
export function checkHedgeDelay(after: unknown, path: string): asserts after is HedgeDelay {
  if (typeof after === 'number') {
    if (!isDelayMs(after)) throw new ConfigError(path, `expected a delay in ms (a finite number ≥ 0), got ${after}`);
    return;
  }
  if (after === null || typeof after !== 'object' || Array.isArray(after)) {
    throw new ConfigError(path, 'expected a delay in ms, or { percentile, fallbackMs, min?, max? }');
  }
  const o = after as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!PERCENTILE_KEYS.has(key)) throw new ConfigError(`${path}.${key}`, 'unknown option (expected percentile, fallbackMs, min or max)');
  }
  const p = o.percentile;
  if (typeof p !== 'number' || !(p > 0 && p <= 1)) throw new ConfigError(`${path}.percentile`, `expected a number in (0, 1], e.g. 0.9, got ${String(p)}`);
  if (!isDelayMs(o.fallbackMs)) throw new ConfigError(`${path}.fallbackMs`, `required: the delay in ms to use until enough calls are on record (a finite number ≥ 0), got ${String(o.fallbackMs)}`);
  if (o.min !== undefined && !isDelayMs(o.min)) throw new ConfigError(`${path}.min`, `expected a finite number ≥ 0, got ${String(o.min)}`);
  if (o.max !== undefined && !isDelayMs(o.max)) throw new ConfigError(`${path}.max`, `expected a finite number ≥ 0, got ${String(o.max)}`);
  if (o.min !== undefined && o.max !== undefined && (o.min as number) > (o.max as number)) {
    throw new ConfigError(`${path}.min`, `min (${String(o.min)}) is greater than max (${String(o.max)})`);
  }
}

/**
 * The delay before hedging an attempt on `targetId` (undefined for an alias: it has no single
 * target whose latency could be learned, so the fallback applies).
 */
export function hedgeDelayMs(after: HedgeDelay, health: TargetHealthRegistry, targetId: string | undefined): ResolvedHedgeDelay {
  if (typeof after === 'number') return { ms: after, source: 'fixed' };
  const learned = targetId === undefined ? undefined : health.get(targetId).ttftPercentile(after.percentile);
  let ms = learned ?? after.fallbackMs;
  if (after.min !== undefined && ms < after.min) ms = after.min;
  if (after.max !== undefined && ms > after.max) ms = after.max;
  return { ms, source: learned === undefined ? 'fallback' : 'percentile' };
}
