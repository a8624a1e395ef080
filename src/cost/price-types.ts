// The shapes prices come in: what users write in `pricing({ prices, deployments })`, what the
// generated table holds, and what `lookup` returns. All rates are USD per 1 million tokens.

/** Rates for one model, in USD per 1M tokens. */
export interface TokenRates {
  /** Uncached input tokens. */
  input: number;
  /** Output tokens (reasoning included unless `reasoning` is set). */
  output: number;
  /** Input tokens read from the prompt cache. Absent: charged at `input` (the source lists no cache price). */
  cacheRead?: number;
  /** Input tokens written to the prompt cache. Absent: charged at `input`. */
  cacheWrite?: number;
  /** Reasoning / thinking tokens. Absent: charged at `output`, as every provider in the table bills them. */
  reasoning?: number;
}

/**
 * A long-context tier: a whole-request cliff. When a request's input tokens (cached ones included)
 * exceed `above`, these rates apply to every token of that request, not just to the tokens past
 * the threshold.
 */
export interface PriceTier extends TokenRates {
  above: number;
}

/** A model's price: base rates and, optionally, long-context tiers. */
export interface ModelPrice extends TokenRates {
  /** Tiers in any order; the highest one whose threshold the request's input exceeds applies. */
  tiers?: readonly PriceTier[];
}

/**
 * A price that holds from a date on (`from`, an ISO date, UTC), or daily between two UTC times of
 * day (`daily: ['16:30:00Z', '00:30:00Z']`, wrapping past midnight when the end is earlier), or
 * always (neither). In a list, the last period whose condition holds at the time of the call wins,
 * and the first one is the default.
 */
export interface PricePeriod extends ModelPrice {
  from?: string;
  daily?: readonly [start: string, end: string];
}

/** What `pricing({ prices })` accepts per model: one price, or prices that change over time. */
export type PriceInput = ModelPrice | readonly PricePeriod[];

/** The rates that apply to a model at a given time, as `lookup` and `ratesFor` report them. */
export interface ModelRates extends ModelPrice {
  /** Price-table provider id the price came from (`openai`, `anthropic`, `google`, …). */
  provider: string;
  /** Price-table model id (`gpt-4o`, `claude-sonnet-4-5`, …): the entry the name matched. */
  model: string;
  /** Context window in tokens, when the source lists it. */
  contextWindow?: number;
  /** Where the price came from. */
  source: 'table' | 'override' | 'deployment';
}

/**
 * A model-name rule, as the source writes them. String comparisons are case-insensitive; `regex`
 * is tested against the name as given.
 */
export type MatchRule =
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string }
  | { or: readonly MatchRule[] }
  | { and: readonly MatchRule[] };

/** One model of the generated table. */
export interface TableModel {
  id: string;
  match: MatchRule;
  /** Context window in tokens, when the source lists it. */
  context?: number;
  prices: ModelPrice | readonly PricePeriod[];
}

/** One provider of the generated table. */
export interface TableProvider {
  id: string;
  /** Registration names that mean this provider (`xai` → `x-ai`, `bedrock` → `aws`). */
  providerMatch?: MatchRule;
  /** Model names this provider's own models look like, used when searching across providers. */
  modelMatch?: MatchRule;
  /** Providers whose models this one also serves at their prices (Azure → OpenAI, Vertex → Anthropic). */
  fallbacks?: readonly string[];
  /** In match order: the first model whose rule matches a name wins. */
  models: readonly TableModel[];
}

/** The generated price table. */
export interface PriceTable {
  source: { package: string; version: string };
  providers: readonly TableProvider[];
}
