import { compilePeriods, type CompiledPeriod } from './compute-cost.js';
import { matchesRule } from './match-rule.js';
import type { PriceInput, PriceTable, TableModel, TableProvider } from './price-types.js';

// Finds the price entry for a model name: the generated table with the user's `prices` merged in,
// and the matching rules of docs/cost.md (provider by registration name, then adapter kind, then a
// search; names tried as given, without `models/`, with a compact date expanded, and without a
// trailing snapshot date). Resolution is not on the hot path: the pricer caches its results.

/** A model's price entry, ready to price with. */
export interface ResolvedPrice {
  /** Price-table provider id. */
  readonly provider: string;
  /** Price-table model id. */
  readonly model: string;
  readonly contextWindow: number | undefined;
  readonly source: 'table' | 'override' | 'deployment';
  readonly periods: readonly CompiledPeriod[];
}

/** Adapter kinds whose provider is known without looking at the registration name. */
const KIND_PROVIDER: Readonly<Record<string, string>> = { openai: 'openai', anthropic: 'anthropic', gemini: 'google' };

export class PriceCatalog {
  private readonly providers: TableProvider[];
  private readonly overridden = new WeakSet<TableModel>();
  private readonly compiled = new WeakMap<TableModel, ResolvedPrice>();
  private readonly providerCache = new Map<string, TableProvider | null>();

  /**
   * `overrides` are keyed `provider/model`. A key naming a table model's id replaces that model's
   * price (its matching rules stay); any other key adds a model matched by exact name, ahead of the
   * table's, under a provider that is created if the table has none by that name.
   */
  constructor(table: PriceTable | undefined, overrides: Readonly<Record<string, PriceInput>> = {}) {
    this.providers = (table?.providers ?? []).map((p) => ({ ...p }));
    for (const [key, prices] of Object.entries(overrides)) {
      const slash = key.indexOf('/');
      const providerId = key.slice(0, slash).toLowerCase();
      const modelId = key.slice(slash + 1);
      let p = this.providerFor(providerId);
      if (!p) {
        p = { id: providerId, models: [] };
        this.providers.push(p);
        this.providerCache.clear();
      }
      const models = [...p.models];
      const i = models.findIndex((m) => m.id.toLowerCase() === modelId.toLowerCase());
      const model: TableModel = i >= 0 ? { ...models[i]!, prices } : { id: modelId, match: { equals: modelId }, prices };
      if (i >= 0) models[i] = model;
      else models.unshift(model);
      this.overridden.add(model);
      (p as { models: readonly TableModel[] }).models = models;
    }
  }

  /** The provider a registration name, adapter kind or prefix means: by id, then by the provider's own name rule. */
  providerFor(name: string): TableProvider | undefined {
    if (!name) return undefined;
    const lower = name.toLowerCase();
    let p = this.providerCache.get(lower);
    if (p === undefined) {
      p = this.providers.find((x) => x.id === lower) ?? this.providers.find((x) => x.providerMatch && matchesRule(x.providerMatch, lower)) ?? null;
      this.providerCache.set(lower, p);
    }
    return p ?? undefined;
  }

  /**
   * The price for `model` on a target registered as `providerName` with an adapter of `kind`:
   * 1. the provider the registration name means, else the one the adapter kind means (and that
   *    provider's fallbacks, e.g. Azure → OpenAI);
   * 2. if the name has a provider prefix (`openai/gpt-4o`), that provider with the rest;
   * 3. only when the registration name means no known provider: every provider whose own model
   *    names look like this one (`claude…` → Anthropic).
   */
  resolve(providerName: string, kind: string, model: string): ResolvedPrice | undefined {
    const named = this.providerFor(providerName);
    const primary = named ?? this.providerFor(KIND_PROVIDER[kind] ?? kind);
    if (primary) {
      const r = this.findIn(primary, model);
      if (r) return r;
    }
    const slash = model.indexOf('/');
    if (slash > 0) {
      const prefixed = this.providerFor(model.slice(0, slash));
      if (prefixed) {
        const r = this.findIn(prefixed, model.slice(slash + 1));
        if (r) return r;
      }
    }
    if (named) return undefined;
    const variants = nameVariants(model);
    for (const p of this.providers) {
      if (p === primary || !p.modelMatch) continue;
      const rule = p.modelMatch;
      if (!variants.some((v) => matchesRule(rule, v))) continue;
      const r = this.findIn(p, model);
      if (r) return r;
    }
    return undefined;
  }

  /** `provider/model` (any known provider id or alias), or a bare model name searched across providers. */
  lookup(model: string): ResolvedPrice | undefined {
    const slash = model.indexOf('/');
    if (slash > 0 && this.providerFor(model.slice(0, slash))) return this.resolve(model.slice(0, slash), '', model.slice(slash + 1));
    return this.resolve('', '', model);
  }

  /** A provider's model (then its fallbacks') for each name variant in turn. */
  private findIn(p: TableProvider, model: string): ResolvedPrice | undefined {
    for (const name of nameVariants(model)) {
      const lower = name.toLowerCase();
      let m = p.models.find((x) => matchesRule(x.match, name, lower));
      let owner = p;
      if (!m) {
        for (const id of p.fallbacks ?? []) {
          const f = this.providerFor(id);
          m = f?.models.find((x) => matchesRule(x.match, name, lower));
          if (m) {
            owner = f!;
            break;
          }
        }
      }
      if (m) return this.compile(owner, m);
    }
    return undefined;
  }

  private compile(p: TableProvider, m: TableModel): ResolvedPrice {
    let r = this.compiled.get(m);
    if (!r) {
      r = { provider: p.id, model: m.id, contextWindow: m.context, source: this.overridden.has(m) ? 'override' : 'table', periods: compilePeriods(m.prices) };
      this.compiled.set(m, r);
    }
    return r;
  }
}

/**
 * Names to try for one model string, in order: as given; without Gemini's `models/` prefix; with a
 * compact snapshot date expanded (`-20250929` → `-2025-09-29`, as the source does); and without a
 * trailing snapshot date (`gpt-4o-2099-01-01` → `gpt-4o`), so a snapshot the table does not list yet
 * is priced like its undated alias. Listed snapshots match earlier, at their own price.
 */
export function nameVariants(model: string): string[] {
  const out = [model];
  const add = (s: string): void => {
    if (s && !out.includes(s)) out.push(s);
  };
  const bare = model.startsWith('models/') ? model.slice('models/'.length) : model;
  add(bare);
  add(bare.replace(/-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g, '-$1-$2-$3'));
  add(bare.replace(/[-@](?:\d{4}-\d{2}-\d{2}|\d{8})$/, ''));
  return out;
}
