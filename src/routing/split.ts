import { ConfigError } from '../errors/config-error.js';
import type { CallContext, Middleware } from '../types/middleware.js';
import { recordRouting } from './record-routing.js';
import { hash53, rendezvousIndex, weightedRandomIndex, type WeightedOption } from './weighted-hash.js';

/** One arm of a split. */
export interface SplitArm {
  /** Where this arm's calls go: `provider/model` or an alias (whose own layers then run). */
  model: string;
  /** Relative share of traffic (finite, ≥ 0; 0 keeps the arm listed but sends it nothing). */
  weight: number;
  /**
   * The arm's stable identity, recorded on the response and hashed for sticky keys. Defaults to
   * `model`. Name arms (`control`, `treatment`) when the model behind one may change: keys stay on
   * the arm, and two arms may then share a model (an A/A test).
   */
  name?: string;
}

/** Arms as `{ 'openai/gpt-4.1': 90, 'anthropic/claude-sonnet-4-6': 10 }` or as a list of `SplitArm`s. */
export type SplitArms = Readonly<Record<string, number>> | readonly SplitArm[];

/** Where a sticky split reads its key from. */
export type SplitKey = string | ((ctx: CallContext) => string | undefined);

export interface SplitOptions {
  /**
   * Makes the split sticky: the same key always lands on the same arm. A request metadata field name
   * (`'user'`, `'team'`, `'session'`, …) or a function of the call. Strings and finite numbers are
   * keys; a missing, empty or other value makes that call's choice random (weighted), recorded with
   * `sticky: false`. Default: no key, every call is a weighted random choice.
   */
  key?: SplitKey;
  /**
   * Mixed into the hash of every key. Splits over the same arm names and the same keys assign keys
   * identically (a user in the treatment of one experiment is in the treatment of all of them); give
   * independent experiments different salts. Changing it reshuffles every key. @default ''
   */
  salt?: string;
  /** The random source for calls without a key, in [0, 1). For reproducible tests. @default Math.random */
  random?: () => number;
}

/** An arm after validation: `name` is always set. */
export interface ResolvedSplitArm {
  readonly model: string;
  readonly weight: number;
  readonly name: string;
}

export interface SplitChoice {
  arm: ResolvedSplitArm;
  /** True when the arm was chosen by hashing a key (and will be chosen again for that key). */
  sticky: boolean;
}

/** The choice `split` makes, usable outside a call, e.g. to label a user's cohort in analytics. */
export interface SplitChooser {
  readonly arms: readonly ResolvedSplitArm[];
  /** The arm for `key` (sticky), or a weighted random arm when `key` is undefined or empty. */
  choose(key: string | undefined): SplitChoice;
}

/**
 * Validates `arms` and builds the chooser `split` uses: weighted rendezvous hashing for keys (each arm
 * wins its weight's share of keys; a reweight or a new arm moves only the keys it must), weighted
 * random without one. Throws ConfigError naming the bad option.
 */
export function splitChooser(arms: SplitArms, options: Omit<SplitOptions, 'key'> = {}): SplitChooser {
  const resolved = resolveArms(arms);
  if (options.salt !== undefined && typeof options.salt !== 'string') throw new ConfigError('split.options.salt', 'must be a string');
  if (options.random !== undefined && typeof options.random !== 'function') throw new ConfigError('split.options.random', 'must be a function returning a number in [0, 1)');
  const random = options.random ?? Math.random;
  const salt = options.salt ?? '';
  // The arm's identity (not its position or model) seeds its hash, so reordering the list, renaming
  // the model behind an arm, or adding an arm leaves every other key-to-arm assignment alone.
  const hashed: WeightedOption[] = resolved.map((a) => ({ weight: a.weight, seed: hash53(`${salt}\u0000${a.name}`) }));
  const weights = resolved.map((a) => a.weight);
  return {
    arms: resolved,
    choose(key) {
      if (key) return { arm: resolved[rendezvousIndex(key, hashed)]!, sticky: true };
      return { arm: resolved[weightedRandomIndex(weights, random)]!, sticky: false };
    },
  };
}

/**
 * Weighted traffic splitting for A/B tests and gradual rollouts. Each call goes to one arm, chosen
 * at random in proportion to the weights, or, with `key`, by weighted rendezvous hashing of the key,
 * so a user (team, session) stays on one arm across calls and processes, and changing a weight moves
 * only the share of keys it must (90/10 → 80/20 moves 10% of keys, all from the first arm to the
 * second). The choice is recorded on `response.routing` as `{ layer: 'split', action: 'arm', target:
 * model, detail: { arm, sticky } }`, then the call continues to the arm's model with `next({ model })`.
 *
 * Split does not fail over: when the chosen arm fails, the call fails. Point an arm at an alias with
 * a `fallback` to give it one.
 *
 * @example
 * createGateway({
 *   providers,
 *   models: {
 *     chat: [split({ 'openai/gpt-4.1': 90, 'anthropic/claude-sonnet-4-6': 10 }, { key: 'user' })],
 *     // named arms: the model behind `treatment` can change without reshuffling users
 *     summarize: [split([{ name: 'control', model: 'openai/gpt-4.1-mini', weight: 95 }, { name: 'treatment', model: 'cheap', weight: 5 }], { key: 'team', salt: 'summarize-2025-06' })],
 *   },
 * });
 */
export function split(arms: SplitArms, options: SplitOptions = {}): Middleware {
  const chooser = splitChooser(arms, options);
  const keyOf = keyReader(options.key);
  return {
    name: 'split',
    async *handle(ctx, next) {
      const { arm, sticky } = chooser.choose(keyOf?.(ctx));
      recordRouting(ctx, 'split', 'arm', arm.model, { arm: arm.name, sticky });
      yield* next({ model: arm.model });
    },
  };
}

function keyReader(key: SplitKey | undefined): ((ctx: CallContext) => string | undefined) | undefined {
  if (key === undefined) return undefined;
  if (typeof key === 'function') return (ctx) => asKey(key(ctx));
  if (typeof key !== 'string' || key === '') throw new ConfigError('split.options.key', 'must be a metadata field name or a function (ctx) => string | undefined');
  return (ctx) => asKey(ctx.metadata[key]);
}

/** Strings and finite numbers are keys; anything else (missing, empty, objects) is no key. */
function asKey(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'bigint') return String(value);
  return undefined;
}

function resolveArms(arms: SplitArms): ResolvedSplitArm[] {
  const list: Array<{ arm: Partial<SplitArm>; path: string }> = [];
  if (Array.isArray(arms)) {
    (arms as readonly SplitArm[]).forEach((arm, i) => {
      if (arm === null || typeof arm !== 'object') throw new ConfigError(`split.arms[${i}]`, 'must be { model, weight, name? }');
      list.push({ arm, path: `split.arms[${i}]` });
    });
  } else if (arms !== null && typeof arms === 'object') {
    for (const [model, weight] of Object.entries(arms)) list.push({ arm: { model, weight }, path: `split.arms['${model}']` });
  } else {
    throw new ConfigError('split.arms', 'must be a record of model → weight or an array of { model, weight, name? }');
  }
  if (list.length === 0) throw new ConfigError('split.arms', 'needs at least one arm');

  const names = new Set<string>();
  const out: ResolvedSplitArm[] = [];
  for (const { arm, path } of list) {
    if (typeof arm.model !== 'string' || arm.model === '') throw new ConfigError(`${path}.model`, 'must be a non-empty model name (provider/model or an alias)');
    if (typeof arm.weight !== 'number' || !Number.isFinite(arm.weight) || arm.weight < 0) {
      throw new ConfigError(Array.isArray(arms) ? `${path}.weight` : path, `weight must be a finite number ≥ 0 (got ${String(arm.weight)})`);
    }
    if (arm.name !== undefined && (typeof arm.name !== 'string' || arm.name === '')) throw new ConfigError(`${path}.name`, 'must be a non-empty string');
    const name = arm.name ?? arm.model;
    if (names.has(name)) throw new ConfigError(`${path}.name`, `arm name '${name}' is used twice (arms are named by their model unless given a name)`);
    names.add(name);
    out.push({ model: arm.model, weight: arm.weight, name });
  }
  if (!out.some((a) => a.weight > 0)) throw new ConfigError('split.arms', 'at least one arm needs a weight > 0');
  return out;
}
