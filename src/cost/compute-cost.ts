import type { Cost } from '../types/cost.js';
import type { Usage } from '../types/usage.js';
import type { ModelPrice, PricePeriod } from './price-types.js';

// Cost arithmetic. Prices are compiled once per model (fallback rates filled in, tiers sorted,
// dates parsed), so pricing an attempt is a period pick, a tier pick and five multiplications.

/** Every rate resolved: USD per 1M tokens. */
export interface Rates {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  readonly reasoning: number;
}

export interface CompiledPrice {
  readonly base: Rates;
  /** Ascending by `above`. */
  readonly tiers: ReadonlyArray<{ readonly above: number; readonly rates: Rates }>;
  /** The price as written, for `lookup`. */
  readonly source: ModelPrice;
}

export interface CompiledPeriod {
  /** Epoch ms from which the period holds. */
  readonly fromMs?: number;
  /** Seconds after UTC midnight: [start, end). */
  readonly daily?: readonly [number, number];
  readonly price: CompiledPrice;
}

/** Fills in the fallbacks the docs promise: cache rates default to input, reasoning to output. */
function rates(r: Partial<ModelPrice> & Pick<ModelPrice, 'input' | 'output'>): Rates {
  return {
    input: r.input,
    output: r.output,
    cacheRead: r.cacheRead ?? r.input,
    cacheWrite: r.cacheWrite ?? r.input,
    reasoning: r.reasoning ?? r.output,
  };
}

export function compilePrice(price: ModelPrice): CompiledPrice {
  const { tiers, ...base } = price;
  return {
    base: rates(base),
    // A tier inherits the base rates it does not restate; then the fallbacks apply within the tier.
    tiers: [...(tiers ?? [])].sort((a, b) => a.above - b.above).map(({ above, ...t }) => ({ above, rates: rates({ ...base, ...t }) })),
    source: price,
  };
}

export function compilePeriods(prices: ModelPrice | readonly PricePeriod[]): CompiledPeriod[] {
  const list: readonly PricePeriod[] = isPeriodList(prices) ? prices : [prices];
  return list.map(({ from, daily, ...price }) => {
    const p: { fromMs?: number; daily?: readonly [number, number]; price: CompiledPrice } = { price: compilePrice(price) };
    if (from !== undefined) p.fromMs = parseDate(from);
    if (daily !== undefined) p.daily = [parseTimeOfDay(daily[0]), parseTimeOfDay(daily[1])];
    return p;
  });
}

export function isPeriodList(prices: ModelPrice | readonly PricePeriod[]): prices is readonly PricePeriod[] {
  return Array.isArray(prices);
}

/**
 * The period in force at `atMs`: the last one whose condition holds, else the first. This is the
 * source's rule, so a daily discount listed after a dated change applies from either side of it.
 */
export function selectPeriod(periods: readonly CompiledPeriod[], atMs: number): CompiledPeriod {
  if (periods.length === 1) return periods[0]!;
  for (let i = periods.length - 1; i >= 0; i--) {
    const p = periods[i]!;
    if (p.fromMs !== undefined) {
      if (atMs >= p.fromMs) return p;
    } else if (p.daily !== undefined) {
      const sec = (((atMs / 1000) % 86_400) + 86_400) % 86_400;
      const [start, end] = p.daily;
      if (end < start ? sec >= start || sec < end : sec >= start && sec < end) return p;
    } else return p;
  }
  return periods[0]!;
}

/** The rates for a request with `promptTokens` input tokens: the highest tier it exceeds, else the base. */
export function tierRates(price: CompiledPrice, promptTokens: number): Rates {
  const { tiers } = price;
  for (let i = tiers.length - 1; i >= 0; i--) if (promptTokens > tiers[i]!.above) return tiers[i]!.rates;
  return price.base;
}

/**
 * What `usage` cost at `price`. Uncached input is input minus cache reads and writes; non-reasoning
 * output is output minus reasoning. Counts that are missing, negative or not finite count as 0, and
 * cached subsets larger than the total are believed over the total, so the result is never NaN and
 * never negative.
 */
export function costOf(price: CompiledPrice, usage: Usage): Cost {
  const cacheRead = count(usage.cacheReadTokens);
  const cacheWrite = count(usage.cacheWriteTokens);
  const prompt = Math.max(count(usage.inputTokens), cacheRead + cacheWrite);
  const output = count(usage.outputTokens);
  const reasoningTokens = Math.min(count(usage.reasoningTokens), output);
  const r = tierRates(price, prompt);
  const input = ((prompt - cacheRead - cacheWrite) * r.input) / 1e6;
  const cachedInput = (cacheRead * r.cacheRead) / 1e6;
  const cacheWriteCost = (cacheWrite * r.cacheWrite) / 1e6;
  const out = ((output - reasoningTokens) * r.output) / 1e6;
  const reasoning = (reasoningTokens * r.reasoning) / 1e6;
  return {
    currency: 'USD',
    total: input + cachedInput + cacheWriteCost + out + reasoning,
    input,
    cachedInput,
    cacheWrite: cacheWriteCost,
    output: out,
    reasoning,
  };
}

/** What `usage` costs at `price` (USD per 1M tokens, tiers applied as a whole-request cliff). */
export function computeCost(price: ModelPrice, usage: Usage): Cost {
  return costOf(compilePrice(price), usage);
}

function count(n: number | undefined): number {
  return typeof n === 'number' && n > 0 && Number.isFinite(n) ? n : 0;
}

/** `2025-06-10` or a full ISO timestamp → epoch ms (dates are UTC midnight). */
export function parseDate(s: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(ms)) throw new RangeError(`'${s}' is not an ISO date`);
  return ms;
}

/** `HH:MM:SS[.fff](Z|±HH:MM)` → seconds after UTC midnight. */
export function parseTimeOfDay(s: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|([+-])(\d{2}):(\d{2}))$/.exec(s);
  if (!m) throw new RangeError(`'${s}' is not a time of day like '16:30:00Z'`);
  const [, hh, mm, ss, frac = '', zone, sign, oh = '0', om = '0'] = m;
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59 || Number(oh) > 23 || Number(om) > 59) {
    throw new RangeError(`'${s}' is not a time of day like '16:30:00Z'`);
  }
  const local = Number(hh) * 3600 + Number(mm) * 60 + Number(ss) + Number(`0${frac}`);
  const offset = zone === 'Z' ? 0 : (sign === '+' ? 1 : -1) * (Number(oh) * 3600 + Number(om) * 60);
  return (((local - offset) % 86_400) + 86_400) % 86_400;
}
