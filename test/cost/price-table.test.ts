import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { calcPrice, findProvider, type MatchLogic, type ModelInfo, type Provider } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import { compilePeriods, costOf, selectPeriod } from '../../src/cost/compute-cost.js';
import { PriceCatalog } from '../../src/cost/price-catalog.js';
import { PRICE_TABLE } from '../../src/cost/price-table.generated.js';
import type { MatchRule, TableModel } from '../../src/cost/price-types.js';
import { usage } from './helpers.js';

// The generated table checked against the package it was generated from: every model's price at
// several request sizes and dates, and the model every listed name resolves to. The source is a
// devDependency, so this runs in CI and catches a wrong conversion or a stale table.

const KEPT = ['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok'];

/** The source model with only the text-token keys the table keeps, matched by one fixed name. */
function isolated(provider: Provider, model: ModelInfo): Provider {
  const keep = (price: Record<string, unknown>) => Object.fromEntries(Object.entries(price).filter(([k]) => KEPT.includes(k)));
  const prices = Array.isArray(model.prices) ? model.prices.map((p) => ({ ...p, prices: keep(p.prices) })) : keep(model.prices);
  return { ...provider, models: [{ ...model, match: { equals: '__model__' }, prices } as ModelInfo] };
}

/** Instants that exercise every period of a model: each start date, inside and outside each daily window. */
function instants(m: TableModel): Date[] {
  const out = [new Date('2024-01-01T12:00:00Z'), new Date('2026-11-01T12:00:00Z')];
  if (Array.isArray(m.prices)) {
    for (const p of m.prices) {
      if (p.from) out.push(new Date(`${p.from}T00:00:00Z`), new Date(Date.parse(`${p.from}T00:00:00Z`) - 1000));
      if (p.daily) for (const t of p.daily) out.push(new Date(`2026-05-05T${t.replace('Z', '')}Z`), new Date(Date.parse(`2026-05-05T${t.replace('Z', '')}Z`) - 60_000));
    }
  }
  return out;
}

const USAGES = [
  usage({ inputTokens: 1000, outputTokens: 500 }),
  usage({ inputTokens: 6000, cacheReadTokens: 3000, cacheWriteTokens: 1000, outputTokens: 2000, reasoningTokens: 1500 }),
  usage({ inputTokens: 128_001, cacheReadTokens: 28_000, outputTokens: 10 }),
  usage({ inputTokens: 200_000, cacheReadTokens: 100_000, outputTokens: 10 }),
  usage({ inputTokens: 200_001, cacheReadTokens: 100_000, cacheWriteTokens: 1, outputTokens: 10 }),
  usage({ inputTokens: 271_999, outputTokens: 100 }),
  usage({ inputTokens: 272_000, cacheWriteTokens: 2000, outputTokens: 100 }),
  usage({ inputTokens: 272_001, outputTokens: 100 }),
];

function names(rule: MatchRule | MatchLogic): string[] {
  if ('or' in rule) return rule.or.flatMap(names);
  if ('and' in rule) return [];
  if ('equals' in rule) return [rule.equals];
  if ('starts_with' in rule) return [rule.starts_with];
  return [];
}

describe('the generated price table agrees with @pydantic/genai-prices', () => {
  it('covers the providers that matter, from the pinned version', () => {
    expect(PRICE_TABLE.source).toEqual({ package: '@pydantic/genai-prices', version: '0.1.8' });
    const ids = PRICE_TABLE.providers.map((p) => p.id);
    for (const id of ['openai', 'anthropic', 'google', 'groq', 'together', 'mistral', 'deepseek', 'x-ai', 'azure', 'aws']) expect(ids).toContain(id);
    expect(ids).toEqual([...ids].sort());
    expect(PRICE_TABLE.providers.find((p) => p.id === 'openai')!.models.length).toBeGreaterThan(50);
  });

  for (const tp of PRICE_TABLE.providers) {
    it(`prices every ${tp.id} model as calcPrice does, at every tier and date`, () => {
      const source = findProvider({ providerId: tp.id })!;
      let checked = 0;
      for (const m of tp.models) {
        const sm = source.models.find((x) => x.id === m.id);
        expect(sm, `${tp.id}/${m.id} in the source`).toBeDefined();
        const provider = isolated(source, sm!);
        const periods = compilePeriods(m.prices);
        for (const when of instants(m)) {
          for (const u of USAGES) {
            const theirs = calcPrice(
              { input_tokens: u.inputTokens, cache_read_tokens: u.cacheReadTokens, cache_write_tokens: u.cacheWriteTokens, output_tokens: u.outputTokens },
              '__model__',
              { provider, timestamp: when },
            );
            const ours = costOf(selectPeriod(periods, when.getTime()).price, u);
            expect(ours.total, `${tp.id}/${m.id} at ${when.toISOString()} for ${JSON.stringify(u)}`).toBeCloseTo(theirs?.total_price ?? Number.NaN, 10);
            checked++;
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    });

    it(`resolves every name ${tp.id} lists to the model calcPrice picks`, () => {
      const catalog = new PriceCatalog(PRICE_TABLE);
      for (const m of tp.models) {
        for (const name of names(m.match)) {
          const theirs = calcPrice({ input_tokens: 1, output_tokens: 1 }, name, { providerId: tp.id });
          if (!theirs) continue;
          expect(catalog.lookup(`${tp.id}/${name}`)?.model, `${tp.id}/${name}`).toBe(theirs.model.id);
        }
      }
    });
  }

  it('is what the generator writes from the installed package (regenerate with npx tsx scripts/generate-prices.ts)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/generate-prices.ts', '--check'], { cwd: process.cwd() });
    expect(stdout).toContain('up to date');
  }, 30_000);
});
