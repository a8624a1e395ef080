import { ConfigError } from '../errors/config-error.js';
import type { CallContext, Middleware } from '../types/middleware.js';
import type { TargetHealthRegistry } from '../types/routing.js';
import { recordRouting } from './record-routing.js';
import { weightedRandomIndex } from './weighted-hash.js';

/**
 * How `loadBalance` picks among the available targets of a priority group:
 * - `round-robin`: smooth weighted round-robin (nginx's): with weights 5/1/1 the order is
 *   `a a b a c a a`, spread out rather than in bursts. Needs no health data.
 * - `least-in-flight`: the fewest attempts now running per unit of weight (`inFlight / weight`,
 *   counted gateway-wide), ties broken at random. Best when call durations vary widely.
 * - `lowest-latency`: power of two choices: samples two distinct targets (by weight) and takes the one
 *   with the lower latency EWMA. A target with no successful attempt yet counts as fastest, so new
 *   targets are explored; the sampling keeps the fastest target from taking every call.
 * - `cheapest-healthy`: the lowest `price(model, ctx)`; ties go to the lower latency EWMA (unknown
 *   first), then to a weighted random pick.
 */
export type LoadBalanceStrategy = 'round-robin' | 'least-in-flight' | 'lowest-latency' | 'cheapest-healthy';

export interface LoadBalanceTarget {
  /** `provider/model`, or an alias (see `loadBalance` for what health-based strategies need). */
  model: string;
  /** Relative share (finite, > 0). @default 1 */
  weight?: number;
  /**
   * Priority group; lower is preferred. Calls go to the first group with a target whose circuit
   * breaker would admit an attempt; the next group only takes over when all of those are open. @default 0
   */
  priority?: number;
}

export interface LoadBalanceOptions {
  /** @default 'round-robin' */
  strategy?: LoadBalanceStrategy;
  /**
   * Price of a call to `model` (any unit, compared only with each other; `Infinity` = only when
   * nothing else is available). Required for `cheapest-healthy`, unused by the other strategies.
   * Called for every available target of the chosen group on each call, so keep it cheap; an error it
   * throws fails the call.
   */
  price?: (model: string, ctx: CallContext) => number;
  /** The random source for sampling and tie-breaks, in [0, 1). For reproducible tests. @default Math.random */
  random?: () => number;
}

const STRATEGIES: readonly LoadBalanceStrategy[] = ['round-robin', 'least-in-flight', 'lowest-latency', 'cheapest-healthy'];

interface Entry {
  readonly model: string;
  readonly weight: number;
  readonly priority: number;
  /** Position in the targets list: index into per-instance state and per-gateway ids. */
  readonly index: number;
}

/**
 * Spreads calls over equivalent targets. Each call picks one target (see `LoadBalanceStrategy`) and
 * continues there with `next({ model })`, recorded on `response.routing` as `{ layer: 'load-balance',
 * action: 'pick', target: model, detail: { strategy, priority } }`.
 *
 * Targets may carry a `weight` and a `priority`. Only targets whose circuit breaker would admit an
 * attempt now are candidates, from the most preferred priority group that has any; when no target
 * of any group would be admitted, the call still goes to the preferred group, and the attempt core
 * reports `CircuitOpenError`. Round-robin positions are per `loadBalance(...)` instance and shared by
 * every call of the gateways that use it; in-flight counts and latencies come from the gateway's
 * target health (`ctx.health`).
 *
 * Health is kept per `provider/model`. An alias as a target counts as always available with unknown
 * latency, so `least-in-flight` and `lowest-latency` refuse aliases (ConfigError on the first call);
 * `round-robin` and `cheapest-healthy` accept them.
 *
 * It picks once and does not fail over: compose it with `fallback` for that. Put the pool behind an
 * alias and use the alias as a fallback target; each time the fallback (re)tries the alias, the pool
 * picks again.
 *
 * @example
 * createGateway({
 *   providers,
 *   models: {
 *     'gpt-pool': [loadBalance([{ model: 'azure-east/gpt-4.1', weight: 2 }, 'azure-west/gpt-4.1', { model: 'openai/gpt-4.1', priority: 1 }], { strategy: 'least-in-flight' })],
 *     smart: [fallback(['gpt-pool', 'anthropic/claude-sonnet-4-6'])],
 *   },
 * });
 */
export function loadBalance(targets: ReadonlyArray<string | LoadBalanceTarget>, options: LoadBalanceOptions = {}): Middleware {
  const entries = resolveTargets(targets);
  const strategy = options.strategy ?? 'round-robin';
  if (!STRATEGIES.includes(strategy)) throw new ConfigError('loadBalance.options.strategy', `must be one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')} (got ${JSON.stringify(strategy)})`);
  if (options.price !== undefined && typeof options.price !== 'function') throw new ConfigError('loadBalance.options.price', 'must be a function (model, ctx) => number');
  if (strategy === 'cheapest-healthy' && !options.price) throw new ConfigError('loadBalance.options.price', "is required for strategy 'cheapest-healthy'");
  if (options.random !== undefined && typeof options.random !== 'function') throw new ConfigError('loadBalance.options.random', 'must be a function returning a number in [0, 1)');
  const random = options.random ?? Math.random;
  const price = options.price;
  const needsHealth = strategy === 'least-in-flight' || strategy === 'lowest-latency';

  // Stable sort: within a group, list order (which round-robin's tie-break follows).
  const groups: Entry[][] = [];
  for (const e of [...entries].sort((a, b) => a.priority - b.priority)) {
    const last = groups[groups.length - 1];
    if (last && last[0]!.priority === e.priority) last.push(e);
    else groups.push([e]);
  }
  const weights = entries.map((e) => e.weight);
  // Smooth weighted round-robin state, shared by all calls through this instance.
  const current = new Float64Array(entries.length);
  // Health ids per gateway (keyed by its resolver): `undefined` marks an alias, which has no health.
  const idsByGateway = new WeakMap<CallContext['resolve'], ReadonlyArray<string | undefined>>();

  const idsFor = (ctx: CallContext): ReadonlyArray<string | undefined> => {
    let ids = idsByGateway.get(ctx.resolve);
    if (!ids) {
      ids = entries.map((e) => {
        // Throws InvalidRequestError for a name the gateway does not know: before any attempt starts.
        const id = ctx.resolve(e.model)?.target.id;
        if (id === undefined && needsHealth) {
          throw new ConfigError(`loadBalance.targets[${e.index}]`, `'${e.model}' is an alias; strategy '${strategy}' reads target health, which exists only for provider/model targets`);
        }
        return id;
      });
      idsByGateway.set(ctx.resolve, ids);
    }
    return ids;
  };

  const pick = (ctx: CallContext, ids: ReadonlyArray<string | undefined>, candidates: readonly Entry[]): Entry => {
    if (candidates.length === 1) return candidates[0]!;
    const health = ctx.health;
    switch (strategy) {
      case 'round-robin': {
        let total = 0;
        let best = candidates[0]!;
        for (const e of candidates) {
          current[e.index]! += e.weight;
          total += e.weight;
          if (current[e.index]! > current[best.index]!) best = e;
        }
        current[best.index]! -= total;
        return best;
      }
      case 'least-in-flight': {
        let best = candidates[0]!;
        let bestLoad = Infinity;
        let ties = 0;
        for (const e of candidates) {
          const load = health.get(ids[e.index]!).inFlight / e.weight;
          if (load < bestLoad) {
            best = e;
            bestLoad = load;
            ties = 1;
          } else if (load === bestLoad && random() * ++ties < 1) {
            best = e; // reservoir sampling: each of the tied targets ends up chosen with probability 1/ties
          }
        }
        return best;
      }
      case 'lowest-latency': {
        const indices = candidates.map((e) => e.index);
        const first = weightedRandomIndex(weights, random, indices);
        const second = weightedRandomIndex(weights, random, indices.filter((i) => i !== first));
        return entries[latencyOf(health, ids[second]) < latencyOf(health, ids[first]) ? second : first]!;
      }
      case 'cheapest-healthy': {
        let cheapest: Entry[] = [];
        let lowest = Infinity;
        for (const e of candidates) {
          const p = price!(e.model, ctx);
          if (typeof p !== 'number' || Number.isNaN(p) || p < 0) throw new ConfigError('loadBalance.options.price', `returned ${String(p)} for '${e.model}'; prices must be numbers ≥ 0`);
          if (p < lowest || cheapest.length === 0) {
            cheapest = [e];
            lowest = p;
          } else if (p === lowest) cheapest.push(e);
        }
        if (cheapest.length === 1) return cheapest[0]!;
        let fastest: number[] = [];
        let best = Infinity;
        for (const e of cheapest) {
          const l = latencyOf(health, ids[e.index]);
          if (l < best || fastest.length === 0) {
            fastest = [e.index];
            best = l;
          } else if (l === best) fastest.push(e.index);
        }
        return entries[fastest.length === 1 ? fastest[0]! : weightedRandomIndex(weights, random, fastest)]!;
      }
    }
  };

  return {
    name: 'load-balance',
    async *handle(ctx, next) {
      const ids = idsFor(ctx);
      let candidates: readonly Entry[] | undefined;
      for (const group of groups) {
        const open = group.filter((e) => {
          const id = ids[e.index];
          return id === undefined || ctx.health.available(id);
        });
        if (open.length > 0) {
          candidates = open;
          break;
        }
      }
      // Nothing would be admitted: try the preferred group anyway, so the caller gets the breaker's
      // CircuitOpenError (with its retry time) rather than a routing error of our own.
      const chosen = pick(ctx, ids, candidates ?? groups[0]!);
      recordRouting(ctx, 'load-balance', 'pick', chosen.model, { strategy, priority: chosen.priority });
      yield* next({ model: chosen.model });
    },
  };
}

/** A target's latency EWMA; unknown (an alias, or no success yet) sorts first so it gets explored. */
function latencyOf(health: TargetHealthRegistry, id: string | undefined): number {
  if (id === undefined) return -Infinity;
  return health.get(id).latencyEwmaMs ?? -Infinity;
}

function resolveTargets(targets: ReadonlyArray<string | LoadBalanceTarget>): Entry[] {
  if (!Array.isArray(targets) || targets.length === 0) throw new ConfigError('loadBalance.targets', 'must be a non-empty array of models or { model, weight?, priority? }');
  const seen = new Set<string>();
  return targets.map((t, index) => {
    const path = `loadBalance.targets[${index}]`;
    const spec: Partial<LoadBalanceTarget> = typeof t === 'string' ? { model: t } : t !== null && typeof t === 'object' ? t : {};
    if (typeof spec.model !== 'string' || spec.model === '') {
      throw new ConfigError(typeof t === 'object' && t !== null ? `${path}.model` : path, 'must be a non-empty model name (provider/model or an alias)');
    }
    const weight = spec.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) throw new ConfigError(`${path}.weight`, `must be a finite number > 0 (got ${String(spec.weight)})`);
    const priority = spec.priority ?? 0;
    if (typeof priority !== 'number' || !Number.isFinite(priority)) throw new ConfigError(`${path}.priority`, `must be a finite number (got ${String(spec.priority)})`);
    if (seen.has(spec.model)) throw new ConfigError(`${path}.model`, `'${spec.model}' is listed twice; give it a larger weight instead`);
    seen.add(spec.model);
    return { model: spec.model, weight, priority, index };
  });
}
