import { ConfigError } from '../errors/config-error.js';
import type { AttemptLimits } from '../types/routing.js';
import { DEFAULT_BACKOFF, type BackoffOptions, type BackoffSettings } from './backoff.js';
import type { FallbackPolicy } from './fallback-policy.js';
import type { InterruptMode } from './stream-recovery.js';

/** One entry of a fallback chain, with what the chain should know about it. */
export interface FallbackTarget {
  /** `provider/model` or an alias (whose own layers then run). */
  model: string;
  /** Context window in tokens; after a context-length rejection, only larger targets are tried. */
  contextWindow?: number;
  /** Time limits for attempts on this target, over the chain's `limits`. */
  limits?: AttemptLimits;
}

export interface FallbackOptions {
  /**
   * Same-target retries for transient failures (5xx other than 503, connection errors, SDK
   * timeouts, truncated streams, malformed responses, 408, 409), each after a backoff. Also the cap
   * for any `retry` the `policy` hook asks for. @default 2
   */
  retries?: number;
  /**
   * Same-target retries for a 429. Few, because hammering a rate limit makes it worse; the wait is
   * the provider's `retry-after` when it sends one (they nearly always do). @default 1
   */
  rateLimitRetries?: number;
  /**
   * Longest `retry-after` the chain will wait on the same target. A longer one fails over at once:
   * another target now beats this one in a while. @default 3000
   */
  maxRetryAfterMs?: number;
  /** Backoff between same-target retries (p-retry: exponential, with jitter). */
  backoff?: BackoffOptions;
  /**
   * On a content-policy rejection: `stop` surfaces it with the provider's reason (another provider
   * refusing or not is rarely what you want to find out silently); `fail-over` tries the next target.
   * @default 'stop'
   */
  contentPolicy?: 'stop' | 'fail-over';
  /**
   * Context windows in tokens, keyed by chain entry (`openai/gpt-4.1`, an alias) or bare model name
   * (`gpt-4.1`). A target's own `contextWindow` wins. After a context-length rejection the chain
   * skips targets known to be no larger and tries known-larger ones first.
   */
  contextWindows?: Record<string, number>;
  /**
   * Per-attempt time limits for every target (a target's own `limits` override them field by field;
   * limits set by outer layers apply where neither says otherwise). A breach fails the attempt with
   * `AttemptTimeoutError`, which fails over at once while nothing has reached the caller.
   * Default: none of its own.
   */
  limits?: AttemptLimits;
  /**
   * A deadline in ms for the whole chain, counted from when it starts, covering retries, waits and
   * the streamed answer; the call's own deadline (`timeout` on the request or `defaults.timeout`)
   * applies too, and the earlier one wins. When it passes the call fails with
   * `DeadlineExceededError`. No wait is ever started that would end past either. Default: none (the
   * call's deadline only).
   */
  timeout?: number;
  /**
   * Streams only: what to do when a stream breaks after content reached the caller (see
   * `InterruptMode`). Generate calls get their answer whole, so they are never interrupted.
   * @default 'error'
   */
  onInterrupt?: InterruptMode;
  /** Overrides the decision for a failure (see `FallbackPolicy`). */
  policy?: FallbackPolicy;
}

/** A chain entry with the chain-wide settings folded in. */
export interface ResolvedTarget {
  model: string;
  contextWindow: number | undefined;
  limits: AttemptLimits | undefined;
}

export interface FallbackSettings {
  targets: ResolvedTarget[];
  /** 0 … targets.length - 1, copied by each call as its order of play. */
  order: readonly number[];
  retries: number;
  rateLimitRetries: number;
  maxRetryAfterMs: number;
  backoff: BackoffSettings;
  contentPolicy: 'stop' | 'fail-over';
  timeout: number | undefined;
  onInterrupt: InterruptMode;
  policy: FallbackPolicy | undefined;
}

const KNOWN_OPTIONS = new Set(['retries', 'rateLimitRetries', 'maxRetryAfterMs', 'backoff', 'contentPolicy', 'contextWindows', 'limits', 'timeout', 'onInterrupt', 'policy']);
const KNOWN_LIMITS = new Set(['headersMs', 'firstTokenMs', 'idleMs']);

/** Validates `fallback(targets, options)` once, at factory time; throws ConfigError naming the field. */
export function resolveFallbackOptions(targets: ReadonlyArray<string | FallbackTarget>, options: FallbackOptions): FallbackSettings {
  if (!Array.isArray(targets) || targets.length === 0) throw new ConfigError('fallback.targets', 'expected a non-empty array of model strings or { model } objects');
  if (options === null || typeof options !== 'object') throw new ConfigError('fallback.options', 'expected an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw new ConfigError(`fallback.${key}`, `unknown option (known: ${[...KNOWN_OPTIONS].join(', ')})`);
  }
  const windows = options.contextWindows ?? {};
  if (windows === null || typeof windows !== 'object' || Array.isArray(windows)) throw new ConfigError('fallback.contextWindows', 'expected an object of model → tokens');
  for (const [model, tokens] of Object.entries(windows)) positiveInteger(`fallback.contextWindows.${model}`, tokens);
  const chainLimits = options.limits === undefined ? undefined : checkLimits('fallback.limits', options.limits);

  const resolved = targets.map((t, i): ResolvedTarget => {
    const path = `fallback.targets[${i}]`;
    const entry: FallbackTarget = typeof t === 'string' ? { model: t } : t;
    if (entry === null || typeof entry !== 'object') throw new ConfigError(path, 'expected a model string or { model, contextWindow?, limits? }');
    for (const key of Object.keys(entry)) {
      if (key !== 'model' && key !== 'contextWindow' && key !== 'limits') throw new ConfigError(`${path}.${key}`, 'unknown field (known: model, contextWindow, limits)');
    }
    if (typeof entry.model !== 'string' || entry.model.trim() === '') throw new ConfigError(typeof t === 'string' ? path : `${path}.model`, "expected 'provider/model' or an alias name");
    if (entry.contextWindow !== undefined) positiveInteger(`${path}.contextWindow`, entry.contextWindow);
    const own = entry.limits === undefined ? undefined : checkLimits(`${path}.limits`, entry.limits);
    const bare = entry.model.slice(entry.model.indexOf('/') + 1);
    return {
      model: entry.model,
      contextWindow: entry.contextWindow ?? windows[entry.model] ?? windows[bare],
      limits: chainLimits || own ? { ...chainLimits, ...own } : undefined,
    };
  });

  const backoff: BackoffSettings = { ...DEFAULT_BACKOFF };
  if (options.backoff !== undefined) {
    if (options.backoff === null || typeof options.backoff !== 'object') throw new ConfigError('fallback.backoff', 'expected { minDelayMs?, maxDelayMs?, factor?, jitter? }');
    for (const [key, value] of Object.entries(options.backoff)) {
      if (key === 'jitter') {
        if (typeof value !== 'boolean') throw new ConfigError('fallback.backoff.jitter', `expected a boolean, got ${describe(value)}`);
        backoff.jitter = value;
      } else if (key === 'minDelayMs' || key === 'maxDelayMs') {
        backoff[key] = nonNegative(`fallback.backoff.${key}`, value);
      } else if (key === 'factor') {
        backoff.factor = nonNegative('fallback.backoff.factor', value);
        if (backoff.factor < 1) throw new ConfigError('fallback.backoff.factor', `expected a number ≥ 1, got ${backoff.factor}`);
      } else {
        throw new ConfigError(`fallback.backoff.${key}`, 'unknown field (known: minDelayMs, maxDelayMs, factor, jitter)');
      }
    }
    if (backoff.maxDelayMs < backoff.minDelayMs) throw new ConfigError('fallback.backoff.maxDelayMs', `must be ≥ minDelayMs (${backoff.minDelayMs})`);
  }

  const oneOf = <T extends string>(path: string, value: unknown, allowed: readonly T[], fallbackValue: T): T => {
    if (value === undefined) return fallbackValue;
    if (!allowed.includes(value as T)) throw new ConfigError(path, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
    return value as T;
  };
  if (options.policy !== undefined && typeof options.policy !== 'function') throw new ConfigError('fallback.policy', `expected a function (error, info) => action, got ${describe(options.policy)}`);

  return {
    targets: resolved,
    order: resolved.map((_, i) => i),
    retries: options.retries === undefined ? 2 : count('fallback.retries', options.retries),
    rateLimitRetries: options.rateLimitRetries === undefined ? 1 : count('fallback.rateLimitRetries', options.rateLimitRetries),
    maxRetryAfterMs: options.maxRetryAfterMs === undefined ? 3_000 : nonNegative('fallback.maxRetryAfterMs', options.maxRetryAfterMs),
    backoff,
    contentPolicy: oneOf('fallback.contentPolicy', options.contentPolicy, ['stop', 'fail-over'], 'stop'),
    timeout: options.timeout === undefined ? undefined : positive('fallback.timeout', options.timeout),
    onInterrupt: oneOf('fallback.onInterrupt', options.onInterrupt, ['error', 'restart', 'continue'], 'error'),
    policy: options.policy,
  };
}

function checkLimits(path: string, limits: AttemptLimits): AttemptLimits {
  if (limits === null || typeof limits !== 'object') throw new ConfigError(path, 'expected { headersMs?, firstTokenMs?, idleMs? }');
  const out: AttemptLimits = {};
  for (const [key, value] of Object.entries(limits)) {
    if (!KNOWN_LIMITS.has(key)) throw new ConfigError(`${path}.${key}`, 'unknown limit (known: headersMs, firstTokenMs, idleMs)');
    if (value !== undefined) out[key as keyof AttemptLimits] = positive(`${path}.${key}`, value);
  }
  return out;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : typeof value === 'function' ? 'a function' : JSON.stringify(value) ?? String(value);
}

function nonNegative(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ConfigError(path, `expected a finite number ≥ 0, got ${describe(value)}`);
  return value;
}

function positive(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new ConfigError(path, `expected a finite number > 0, got ${describe(value)}`);
  return value;
}

function count(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new ConfigError(path, `expected an integer ≥ 0, got ${describe(value)}`);
  return value;
}

function positiveInteger(path: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) throw new ConfigError(path, `expected a positive integer (tokens), got ${describe(value)}`);
  return value;
}
