// Regenerates src/cost/price-table.generated.ts from the pinned @pydantic/genai-prices package:
//
//   npx tsx scripts/generate-prices.ts            (write the table)
//   npx tsx scripts/generate-prices.ts --check    (exit 1 if the committed table is stale)
//
// Build-time only: the package is a devDependency and never loaded at runtime. No network: the
// package embeds its data and `findProvider` hands it out. The output is deterministic (providers
// sorted by id, models in the source's order, which is sorted by id and is also its match order),
// so a regeneration with the same package version is a no-op diff.
//
// What is kept, per model: text-token rates (input, output, cache read, cache write), long-context
// tiers, dated and time-of-day price changes, the context window, and the source's matching rules.
// What is dropped: audio/image/video token rates, 1-hour cache writes, per-request fees (web search)
// and models priced only in those units. The source has no separate reasoning rate: every provider
// bills reasoning tokens as output, so `reasoning` is left unset and falls back to `output`.
//
// Tiers: the source prices each key separately, `{ base, tiers: [{ start, price }] }`, with the tier
// applying to all of that key's tokens when the request's total input tokens exceed `start`. That
// is a whole-request cliff already; here the per-key tiers are folded into whole-rate tiers
// `{ above: start, input, output, cacheRead, cacheWrite }` (one per distinct threshold), so a
// request picks one row of rates. Thresholds are kept exactly as the source gives them (`above:
// 271999` for OpenAI means "from 272,000 input tokens").

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProvider, type ConditionalPrice, type MatchLogic, type ModelInfo, type ModelPrice as SourcePrice, type Provider } from '@pydantic/genai-prices';

/** Providers that matter to switchyard's adapters and the OpenAI-compatible hosts people point them at. */
const PROVIDERS = ['anthropic', 'aws', 'azure', 'deepseek', 'google', 'groq', 'mistral', 'moonshotai', 'openai', 'together', 'x-ai'] as const;

/** Per-provider model filters, to keep the shipped table small: of Bedrock, only Claude. */
const KEEP: Partial<Record<(typeof PROVIDERS)[number], (m: ModelInfo) => boolean>> = {
  aws: (m) => m.id.includes('anthropic.'),
};

/** Source price keys we keep, and their names in the table. */
const KEYS = { input_mtok: 'input', output_mtok: 'output', cache_read_mtok: 'cacheRead', cache_write_mtok: 'cacheWrite' } as const;
type SourceKey = keyof typeof KEYS;
type RateName = (typeof KEYS)[SourceKey];

interface SourceTiered {
  base: number;
  tiers: Array<{ start: number; price: number }>;
}

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '..', 'src', 'cost', 'price-table.generated.ts');
const require = createRequire(import.meta.url);
const pkgDir = join(dirname(require.resolve('@pydantic/genai-prices')), '..');
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string; version: string };

function main(): void {
  const providers = PROVIDERS.map((id) => {
    const p = findProvider({ providerId: id });
    if (!p || p.id !== id) throw new Error(`${pkg.name}@${pkg.version} has no provider '${id}'`);
    return p;
  }).sort((a, b) => compare(a.id, b.id));
  const included = new Set(providers.map((p) => p.id));

  const lines: string[] = [];
  let models = 0;
  let dropped = 0;
  for (const p of providers) {
    const head: string[] = [`id: ${str(p.id)}`];
    if (p.provider_match) head.push(`providerMatch: ${lit(simplify(p.provider_match))}`);
    if (p.model_match) head.push(`modelMatch: ${lit(simplify(p.model_match))}`);
    const fallbacks = (p.fallback_model_providers ?? []).filter((f) => included.has(f));
    if (fallbacks.length > 0) head.push(`fallbacks: ${lit(fallbacks)}`);
    lines.push(`    { ${head.join(', ')}, models: [`);
    const keep = KEEP[p.id as (typeof PROVIDERS)[number]];
    for (const m of p.models) {
      if (keep && !keep(m)) continue;
      const entry = convertModel(p, m);
      if (!entry) {
        dropped++;
        continue;
      }
      models++;
      lines.push(`      ${entry},`);
    }
    lines.push('    ] },');
  }

  const out = [
    '// GENERATED FILE: do not edit. Regenerate with `npx tsx scripts/generate-prices.ts`.',
    `// Source: ${pkg.name}@${pkg.version} (MIT, https://github.com/pydantic/genai-prices), its embedded data.`,
    `// Providers: ${providers.map((p) => p.id).join(', ')} (of aws, Claude only).`,
    `// ${models} models; ${dropped} priced only in units switchyard does not meter (audio, images, fees) left out.`,
    '// Rates are USD per 1M tokens. A tier applies to the whole request once its input tokens',
    '// (cached included) exceed `above`. See docs/cost.md.',
    "import type { PriceTable } from './price-types.js';",
    '',
    'export const PRICE_TABLE: PriceTable = {',
    `  source: { package: ${str(pkg.name)}, version: ${str(pkg.version)} },`,
    '  providers: [',
    ...lines,
    '  ],',
    '};',
    '',
  ].join('\n');

  if (process.argv.includes('--check')) {
    const current = readFileSync(outFile, 'utf8');
    if (current !== out) {
      console.error(`${outFile} is stale: run npx tsx scripts/generate-prices.ts`);
      process.exit(1);
    }
    console.log('price table is up to date');
    return;
  }
  writeFileSync(outFile, out);
  console.log(`wrote ${outFile}: ${providers.length} providers, ${models} models (${dropped} left out), ${(out.length / 1024).toFixed(1)} KiB`);
}

/** One model as a table literal, or undefined when none of its prices are in token units we meter. */
function convertModel(p: Provider, m: ModelInfo): string | undefined {
  const periods: ConditionalPrice[] = Array.isArray(m.prices) ? m.prices : [{ prices: m.prices as SourcePrice }];
  const converted: string[] = [];
  for (const period of periods) {
    const rates = convertPrice(p, m, period.prices);
    if (rates === undefined) return undefined;
    const when: string[] = [];
    const c = period.constraint;
    if (c?.type === 'start_date') when.push(`from: ${str(c.start_date)}`);
    else if (c?.type === 'time_of_date') when.push(`daily: [${str(c.start_time)}, ${str(c.end_time)}]`);
    else if (c) throw new Error(`${p.id}/${m.id}: unknown price constraint ${JSON.stringify(c)}`);
    converted.push(`{ ${[...when, rates].join(', ')} }`);
  }
  const parts = [`id: ${str(m.id)}`, `match: ${lit(simplify(m.match))}`];
  if (m.context_window) parts.push(`context: ${m.context_window}`);
  parts.push(`prices: ${converted.length === 1 && !Array.isArray(m.prices) ? converted[0] : `[${converted.join(', ')}]`}`);
  return `{ ${parts.join(', ')} }`;
}

/**
 * The kept rates of one price as `input: …, output: …, …, tiers: [...]`. Undefined when the price has
 * keys but none in text-token units (an audio-only model); an empty price is a free model.
 */
function convertPrice(p: Provider, m: ModelInfo, price: SourcePrice): string | undefined {
  const present = Object.entries(price).filter(([, v]) => v !== undefined);
  const kept = present.filter(([k]) => k in KEYS) as Array<[SourceKey, number | SourceTiered]>;
  if (present.length > 0 && !kept.some(([k]) => k === 'input_mtok' || k === 'output_mtok')) return undefined;

  const base = new Map<RateName, number>();
  const tiered = new Map<RateName, SourceTiered>();
  for (const [key, value] of kept) {
    const name = KEYS[key];
    if (typeof value === 'number') base.set(name, value);
    else if (isTiered(value)) {
      base.set(name, value.base);
      tiered.set(name, { base: value.base, tiers: [...value.tiers].sort((a, b) => a.start - b.start) });
    } else throw new Error(`${p.id}/${m.id}: unexpected price for ${key}: ${JSON.stringify(value)}`);
  }
  // A free model (an empty price) and a model without one direction cost nothing for it, as in the source.
  if (!base.has('input')) base.set('input', 0);
  if (!base.has('output')) base.set('output', 0);

  const out = rateFields(base);
  const thresholds = [...new Set([...tiered.values()].flatMap((t) => t.tiers.map((x) => x.start)))].sort((a, b) => a - b);
  if (thresholds.length > 0) {
    const tiers = thresholds.map((above) => {
      const rates = new Map(base);
      // Just above `above`, each key charges its last tier starting at or below it (else its base).
      for (const [name, t] of tiered) rates.set(name, t.tiers.filter((x) => x.start <= above).at(-1)?.price ?? t.base);
      return `{ above: ${above}, ${rateFields(rates)} }`;
    });
    return `${out}, tiers: [${tiers.join(', ')}]`;
  }
  return out;
}

function rateFields(rates: Map<RateName, number>): string {
  const order: RateName[] = ['input', 'output', 'cacheRead', 'cacheWrite'];
  return order.filter((k) => rates.has(k)).map((k) => `${k}: ${num(rates.get(k)!)}`).join(', ');
}

function isTiered(v: unknown): v is SourceTiered {
  return typeof v === 'object' && v !== null && typeof (v as SourceTiered).base === 'number' && Array.isArray((v as SourceTiered).tiers);
}

/** Drops one-element `or`/`and` wrappers; the rule means the same. */
function simplify(rule: MatchLogic): MatchLogic {
  if ('or' in rule) return rule.or.length === 1 ? simplify(rule.or[0]!) : { or: rule.or.map(simplify) };
  if ('and' in rule) return rule.and.length === 1 ? simplify(rule.and[0]!) : { and: rule.and.map(simplify) };
  return rule;
}

/** A JS literal with bare keys (the keys we emit are all identifiers) and JSON strings. */
function lit(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') return num(v);
  if (typeof v === 'object' && v !== null) {
    return `{ ${Object.entries(v)
      .map(([k, x]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : str(k)}: ${lit(x)}`)
      .join(', ')} }`;
  }
  throw new Error(`cannot write ${String(v)}`);
}

function str(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function num(n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new Error(`bad price ${n}`);
  return String(n);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

main();
