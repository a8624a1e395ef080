import { z } from 'zod';
import type { Pricer } from '../core/instrumentation.js';
import { ConfigError } from '../errors/config-error.js';
import { firstIssue } from '../request/normalize-request.js';
import type { Cost } from '../types/cost.js';
import type { Target } from '../types/target.js';
import type { Usage } from '../types/usage.js';
import { compilePeriods, costOf, parseDate, parseTimeOfDay, selectPeriod } from './compute-cost.js';
import { PriceCatalog, type ResolvedPrice } from './price-catalog.js';
import { PRICE_TABLE } from './price-table.generated.js';
import type { ModelRates, PriceInput } from './price-types.js';

// The pricer the attempt core calls after every attempt that reported usage. Resolving a
// (provider, model) pair to a price entry is done once and cached; pricing an attempt after that is
// two map reads and a little arithmetic.

export interface PricingOptions {
  /**
   * Add or override prices, USD per 1M tokens, keyed `provider/model`:
   * `{ 'openai/my-finetune': { input: 3, output: 12, cacheRead: 1.5 } }`. A key naming a table
   * model (`openai/gpt-4o`) replaces its price for every name that model matches; any other key adds
   * a model under that provider (a new provider id, e.g. your registration name `local`, works too).
   * A value may also be a list of periods, `[{ input, output }, { from: '2026-01-01', input, output }]`.
   */
  prices?: Record<string, PriceInput>;
  /**
   * Your own deployment names mapped to a known model or to a price:
   * `{ 'azure/prod-gpt4o': 'openai/gpt-4o', 'vllm/llama-70b': { input: 0.2, output: 0.2 } }`. A key
   * is matched against the target id (`provider/model`, as registered), then the bare model name.
   * Model strings are checked when `pricing()` runs: an unknown one throws ConfigError.
   */
  deployments?: Record<string, string | PriceInput>;
  /**
   * Called once per (provider, model) that has no price: its attempts carry no cost (never 0).
   * Default: nothing beyond the warning.
   */
  onUnknownModel?: (target: Target, kind: string) => void;
  /** Where the one warning per unknown model goes. Default `console.warn`; `false` silences it. */
  warn?: ((message: string) => void) | false;
  /** Use the generated price table (default `true`); `false` prices only what `prices` and `deployments` give. */
  builtIn?: boolean;
}

/** A `Pricer` with look-ups, for budgets, estimates and docs. */
export interface Pricing extends Pricer {
  /** What `usage` cost on `target`; undefined when the model has no known price. `at` (default now) picks dated prices. */
  price(target: Target, kind: string, usage: Usage, at?: Date): Cost | undefined;
  /** The rates for `provider/model` (or a bare model name, searched across providers) at `at` (default now). */
  lookup(model: string, at?: Date): ModelRates | undefined;
  /** The rates `price` would use for this target at `at` (default now). */
  ratesFor(target: Target, kind: string, at?: Date): ModelRates | undefined;
  /** The package and version the built-in table was generated from; undefined with `builtIn: false`. */
  readonly tableSource: { package: string; version: string } | undefined;
}

/** Resolved (provider, model) pairs kept before the cache starts over: callers choose model strings. */
const MAX_CACHED = 10_000;

/**
 * Prices every attempt from the generated price table (sourced from @pydantic/genai-prices), your
 * overrides and your deployment names. Throws ConfigError (path `pricing.…`) on bad options.
 */
export function pricing(options: PricingOptions = {}): Pricing {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const { path, message } = firstIssue(parsed.error);
    throw new ConfigError(`pricing${path ? `.${path}` : ''}`, message, { cause: parsed.error });
  }
  const builtIn = options.builtIn ?? true;
  const catalog = new PriceCatalog(builtIn ? PRICE_TABLE : undefined, options.prices);
  const deployments = new Map<string, ResolvedPrice>();
  for (const [key, value] of Object.entries(options.deployments ?? {})) {
    if (typeof value === 'string') {
      const r = catalog.lookup(value);
      if (!r) throw new ConfigError(`pricing.deployments.${key}`, `no known price for '${value}': give a model from the price table or a price ({ input, output })`);
      deployments.set(key, { ...r, source: 'deployment' });
    } else {
      deployments.set(key, { provider: key.includes('/') ? key.slice(0, key.indexOf('/')) : '', model: key, contextWindow: undefined, source: 'deployment', periods: compilePeriods(value) });
    }
  }
  const warn = options.warn === false ? undefined : (options.warn ?? ((m: string) => console.warn(m)));
  const onUnknown = options.onUnknownModel;

  // provider → model → price entry, or null for "known to be unknown" (so the warning fires once).
  const cache = new Map<string, Map<string, ResolvedPrice | null>>();
  let cached = 0;

  const resolve = (target: Target, kind: string): ResolvedPrice | undefined => {
    let byModel = cache.get(target.provider);
    let entry = byModel?.get(target.model);
    if (entry !== undefined) return entry ?? undefined;
    entry = deployments.get(target.id) ?? deployments.get(target.model) ?? catalog.resolve(target.provider, kind, target.model) ?? null;
    if (++cached > MAX_CACHED) {
      cache.clear();
      cached = 1;
      byModel = undefined;
    }
    if (!byModel) cache.set(target.provider, (byModel = new Map()));
    byModel.set(target.model, entry);
    if (entry === null) unknownModel(target, kind);
    return entry ?? undefined;
  };

  // Never throws: it runs inside the attempt core, where a throw would fail a call that succeeded.
  const unknownModel = (target: Target, kind: string): void => {
    try {
      // The testing kit's mock provider has no prices by design; a warning there is only noise.
      if (kind !== 'mock') warn?.(
        `switchyard: no price known for model '${target.model}' on provider '${target.provider}' (adapter '${kind}'); ` +
          `its calls will carry no cost. Add one with pricing({ prices: { '${target.provider}/${target.model}': { input, output } } }) ` +
          `or map it with pricing({ deployments: { '${target.id}': 'openai/gpt-4o' } }).`,
      );
    } catch {
      // a broken logger must not break a call
    }
    try {
      onUnknown?.(target, kind);
    } catch {
      // nor a broken hook
    }
  };

  const ratesOf = (r: ResolvedPrice, at: Date | undefined): ModelRates => {
    const { price } = selectPeriod(r.periods, at ? at.getTime() : Date.now());
    const out: ModelRates = { provider: r.provider, model: r.model, source: r.source, ...price.source };
    if (r.contextWindow !== undefined) out.contextWindow = r.contextWindow;
    return out;
  };

  return {
    price(target, kind, usage, at) {
      const r = resolve(target, kind);
      if (!r) return undefined;
      const period = r.periods.length === 1 ? r.periods[0]! : selectPeriod(r.periods, at ? at.getTime() : Date.now());
      return costOf(period.price, usage);
    },
    lookup(model, at) {
      const r = deployments.get(model) ?? catalog.lookup(model);
      return r ? ratesOf(r, at) : undefined;
    },
    ratesFor(target, kind, at) {
      const r = resolve(target, kind);
      return r ? ratesOf(r, at) : undefined;
    },
    contextWindow(target, kind) {
      return resolve(target, kind)?.contextWindow;
    },
    tableSource: builtIn ? PRICE_TABLE.source : undefined,
  };
}

let shared: Pricing | undefined;

/**
 * The built-in table with no overrides, one instance per process (created on first use): what a
 * gateway prices with when its config sets no `pricing`. Shared so that each unknown model is
 * warned about once per process, not once per gateway.
 */
export function defaultPricing(): Pricing {
  return (shared ??= pricing());
}

const rate = z.number().min(0, 'must be a price ≥ 0 (USD per 1M tokens)');
const rates = {
  input: rate,
  output: rate,
  cacheRead: rate.optional(),
  cacheWrite: rate.optional(),
  reasoning: rate.optional(),
};
const tier = z.object({ above: z.number().int().min(0, 'must be a token count ≥ 0'), ...rates }).strict();
const modelPrice = z.object({ ...rates, tiers: z.array(tier).optional() }).strict();
const isoDate = z.string().refine((s) => isValid(() => parseDate(s)), "must be an ISO date like '2026-01-31'");
const timeOfDay = z.string().refine((s) => isValid(() => parseTimeOfDay(s)), "must be a UTC time of day like '16:30:00Z'");
const period = z.object({ ...rates, tiers: z.array(tier).optional(), from: isoDate.optional(), daily: z.tuple([timeOfDay, timeOfDay]).optional() }).strict();
const priceInput = z.union([modelPrice, z.array(period).min(1, 'give at least one price')]);
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'must be a function');

const optionsSchema = z
  .object({
    prices: z.record(z.string().regex(/^[^/]+\/.+$/, "keys must be 'provider/model'"), priceInput).optional(),
    deployments: z.record(z.string().min(1), z.union([z.string().min(1, 'must name a model'), priceInput])).optional(),
    onUnknownModel: fn.optional(),
    warn: z.union([z.literal(false), fn]).optional(),
    builtIn: z.boolean().optional(),
  })
  .strict();

function isValid(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}
