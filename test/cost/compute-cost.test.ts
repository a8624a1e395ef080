import { describe, expect, it } from 'vitest';
import { computeCost } from '../../src/cost/compute-cost.js';
import { pricing } from '../../src/cost/pricing.js';
import type { Cost } from '../../src/index.js';
import { target, usage, usd } from './helpers.js';

const table = pricing({ warn: false });

function expectCost(actual: Cost | undefined, expected: Omit<Cost, 'currency' | 'total'>): void {
  expect(actual).toBeDefined();
  const c = actual!;
  expect(c.currency).toBe('USD');
  for (const k of ['input', 'cachedInput', 'cacheWrite', 'output', 'reasoning'] as const) expect(c[k], k).toBeCloseTo(expected[k], 12);
  const sum = expected.input + expected.cachedInput + expected.cacheWrite + expected.output + expected.reasoning;
  expect(c.total).toBeCloseTo(sum, 12);
  expect(c.total).toBeCloseTo(c.input + c.cachedInput + c.cacheWrite + c.output + c.reasoning, 15);
}

describe('worked examples across the three providers’ usage shapes', () => {
  it('Anthropic: input_tokens 100 + cache_read 1000 + cache_creation 500 arrive as 1600/1000/500 and are not double counted', () => {
    // claude-sonnet-4-5: input 3, cache read 0.3, cache write 3.75, output 15 (USD / 1M).
    const cost = table.price(target('anthropic', 'claude-sonnet-4-5-20250929'), 'anthropic', usage({ inputTokens: 1600, cacheReadTokens: 1000, cacheWriteTokens: 500, outputTokens: 200 }), new Date('2026-01-01'));
    expectCost(cost, { input: usd(100, 3), cachedInput: usd(1000, 0.3), cacheWrite: usd(500, 3.75), output: usd(200, 15), reasoning: 0 });
    expect(cost!.total).toBeCloseTo(0.0003 + 0.0003 + 0.001875 + 0.003, 12);
  });

  it('OpenAI: prompt 2000 with 1500 cached is 500 × input + 1500 × cache read', () => {
    // gpt-4.1-mini: input 0.4, cache read 0.1, output 1.6.
    const cost = table.price(target('openai', 'gpt-4.1-mini'), 'openai', usage({ inputTokens: 2000, cacheReadTokens: 1500, outputTokens: 100 }), new Date());
    expectCost(cost, { input: usd(500, 0.4), cachedInput: usd(1500, 0.1), cacheWrite: 0, output: usd(100, 1.6), reasoning: 0 });
  });

  it('OpenAI reasoning tokens are a subset of output, priced at the output rate', () => {
    // o4-mini: input 1.1, cache read 0.275, output 4.4; completion 1000 of which 800 reasoning.
    const cost = table.price(target('openai', 'o4-mini'), 'openai', usage({ inputTokens: 50, outputTokens: 1000, reasoningTokens: 800 }), new Date());
    expectCost(cost, { input: usd(50, 1.1), cachedInput: 0, cacheWrite: 0, output: usd(200, 4.4), reasoning: usd(800, 4.4) });
  });

  it('Gemini: candidates 100 + thoughts 400 arrive as output 500 / reasoning 400, thoughts priced as output', () => {
    // gemini-2.5-flash: input 0.3, cache read 0.03, output 2.5.
    const cost = table.price(target('google', 'gemini-2.5-flash'), 'gemini', usage({ inputTokens: 1000, cacheReadTokens: 600, outputTokens: 500, reasoningTokens: 400 }), new Date());
    expectCost(cost, { input: usd(400, 0.3), cachedInput: usd(600, 0.03), cacheWrite: 0, output: usd(100, 2.5), reasoning: usd(400, 2.5) });
  });

  it('a model whose source lists no cache price charges cached tokens at the input rate', () => {
    // gpt-4o-2024-05-13 has input 5 / output 15 and no cache price.
    const cost = table.price(target('openai', 'gpt-4o-2024-05-13'), 'openai', usage({ inputTokens: 1000, cacheReadTokens: 400, outputTokens: 10 }), new Date());
    expectCost(cost, { input: usd(600, 5), cachedInput: usd(400, 5), cacheWrite: 0, output: usd(10, 15), reasoning: 0 });
  });

  it('a separate reasoning rate, when given, applies to reasoning tokens only', () => {
    const cost = computeCost({ input: 1, output: 4, reasoning: 10 }, usage({ inputTokens: 0, outputTokens: 300, reasoningTokens: 100 }));
    expectCost(cost, { input: 0, cachedInput: 0, cacheWrite: 0, output: usd(200, 4), reasoning: usd(100, 10) });
  });
});

describe('long-context tiers: a whole-request cliff, counting cached tokens', () => {
  const at = new Date('2026-01-01');

  it('Anthropic (claude-sonnet-4-5): 200,000 input tokens is base; 200,001 prices every token at the tier', () => {
    const t = target('anthropic', 'claude-sonnet-4-5');
    const at200k = table.price(t, 'anthropic', usage({ inputTokens: 200_000, outputTokens: 1000 }), at);
    expectCost(at200k, { input: usd(200_000, 3), cachedInput: 0, cacheWrite: 0, output: usd(1000, 15), reasoning: 0 });
    const above = table.price(t, 'anthropic', usage({ inputTokens: 200_001, outputTokens: 1000 }), at);
    // Not marginal: all 200,001 input tokens at 6, and the output at 22.5.
    expectCost(above, { input: usd(200_001, 6), cachedInput: 0, cacheWrite: 0, output: usd(1000, 22.5), reasoning: 0 });
  });

  it('Anthropic: cached tokens count toward the threshold, and cache rates move with the tier', () => {
    const t = target('anthropic', 'claude-sonnet-4-5');
    // Only 50,001 uncached tokens, but 200,001 in all: the tier applies to every class.
    const cost = table.price(t, 'anthropic', usage({ inputTokens: 200_001, cacheReadTokens: 140_000, cacheWriteTokens: 10_000, outputTokens: 10 }), at);
    expectCost(cost, { input: usd(50_001, 6), cachedInput: usd(140_000, 0.6), cacheWrite: usd(10_000, 7.5), output: usd(10, 22.5), reasoning: 0 });
  });

  it('Gemini (gemini-2.5-pro): 200,000 base, 200,001 tier, including cached tokens and thoughts', () => {
    const t = target('google', 'models/gemini-2.5-pro');
    const below = table.price(t, 'gemini', usage({ inputTokens: 200_000, cacheReadTokens: 100_000, outputTokens: 500, reasoningTokens: 400 }), at);
    expectCost(below, { input: usd(100_000, 1.25), cachedInput: usd(100_000, 0.125), cacheWrite: 0, output: usd(100, 10), reasoning: usd(400, 10) });
    const above = table.price(t, 'gemini', usage({ inputTokens: 200_001, cacheReadTokens: 100_000, outputTokens: 500, reasoningTokens: 400 }), at);
    expectCost(above, { input: usd(100_001, 2.5), cachedInput: usd(100_000, 0.25), cacheWrite: 0, output: usd(100, 15), reasoning: usd(400, 15) });
  });

  it('OpenAI (gpt-5.4): 271,999 input tokens is base; at 272,000 the tier applies', () => {
    const t = target('openai', 'gpt-5.4');
    const below = table.price(t, 'openai', usage({ inputTokens: 271_999, cacheReadTokens: 71_999, outputTokens: 100 }), at);
    expectCost(below, { input: usd(200_000, 2.5), cachedInput: usd(71_999, 0.25), cacheWrite: 0, output: usd(100, 15), reasoning: 0 });
    const at272k = table.price(t, 'openai', usage({ inputTokens: 272_000, cacheReadTokens: 72_000, outputTokens: 100 }), at);
    expectCost(at272k, { input: usd(200_000, 5), cachedInput: usd(72_000, 0.5), cacheWrite: 0, output: usd(100, 22.5), reasoning: 0 });
  });

  it('the worked example in docs/cost.md', () => {
    const t = target('anthropic', 'claude-sonnet-4-5');
    expect(table.price(t, 'anthropic', usage({ inputTokens: 200_000, outputTokens: 1000 }), at)?.total).toBeCloseTo(0.615, 12);
    expect(table.price(t, 'anthropic', usage({ inputTokens: 200_001, outputTokens: 1000 }), at)?.total).toBeCloseTo(1.222506, 12);
    const cached = usage({ inputTokens: 200_001, cacheReadTokens: 140_000, cacheWriteTokens: 10_000, outputTokens: 10 });
    expect(table.price(t, 'anthropic', cached, at)?.total).toBeCloseTo(0.459231, 12);
  });

  it('the table holds the thresholds the issue names, checked against the source data', () => {
    expect(table.lookup('anthropic/claude-sonnet-4-5', at)?.tiers?.map((x) => x.above)).toEqual([200_000]);
    expect(table.lookup('google/gemini-2.5-pro', at)?.tiers?.map((x) => x.above)).toEqual([200_000]);
    // The source writes OpenAI's 272k cliff as "more than 271,999".
    expect(table.lookup('openai/gpt-5.4', at)?.tiers?.map((x) => x.above)).toEqual([271_999]);
  });

  it('tiers given in any order: the highest one exceeded applies, and a tier inherits unstated rates', () => {
    const price = { input: 1, output: 2, cacheRead: 0.1, tiers: [{ above: 1000, input: 3, output: 4 }, { above: 100, input: 2, output: 3, cacheRead: 0.2 }] };
    expectCost(computeCost(price, usage({ inputTokens: 100, outputTokens: 1 })), { input: usd(100, 1), cachedInput: 0, cacheWrite: 0, output: usd(1, 2), reasoning: 0 });
    expectCost(computeCost(price, usage({ inputTokens: 101, cacheReadTokens: 1, outputTokens: 1 })), { input: usd(100, 2), cachedInput: usd(1, 0.2), cacheWrite: 0, output: usd(1, 3), reasoning: 0 });
    // Above 1000: the tier does not restate cacheRead, so the base cacheRead (0.1) applies.
    expectCost(computeCost(price, usage({ inputTokens: 1001, cacheReadTokens: 1, outputTokens: 1 })), { input: usd(1000, 3), cachedInput: usd(1, 0.1), cacheWrite: 0, output: usd(1, 4), reasoning: 0 });
  });
});

describe('price changes by date', () => {
  it('o3: 10/40 until 2025-06-10, then 2/8, decided by the `at` given to price()', () => {
    const t = target('openai', 'o3');
    const u = usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 });
    expect(table.price(t, 'openai', u, new Date('2025-06-09T23:59:59Z'))?.total).toBeCloseTo(50, 9);
    expect(table.price(t, 'openai', u, new Date('2025-06-10T00:00:00Z'))?.total).toBeCloseTo(10, 9);
  });

  it('claude-sonnet-4-6 had a long-context tier until 2026-03-13 and none after', () => {
    const t = target('anthropic', 'claude-sonnet-4-6');
    const u = usage({ inputTokens: 300_000, outputTokens: 0 });
    expect(table.price(t, 'anthropic', u, new Date('2026-03-12T12:00:00Z'))?.input).toBeCloseTo(usd(300_000, 6), 12);
    expect(table.price(t, 'anthropic', u, new Date('2026-03-13T00:00:00Z'))?.input).toBeCloseTo(usd(300_000, 3), 12);
  });

  it('daily (time-of-day) prices: DeepSeek’s off-peak discount, across midnight UTC', () => {
    const t = target('deepseek', 'deepseek-chat');
    const u = usage({ inputTokens: 1_000_000, outputTokens: 0 });
    expect(table.price(t, 'openai', u, new Date('2026-01-01T12:00:00Z'))?.input).toBeCloseTo(0.27, 9);
    expect(table.price(t, 'openai', u, new Date('2026-01-01T20:00:00Z'))?.input).toBeCloseTo(0.135, 9);
    expect(table.price(t, 'openai', u, new Date('2026-01-01T00:15:00Z'))?.input).toBeCloseTo(0.135, 9);
    expect(table.price(t, 'openai', u, new Date('2026-01-01T00:30:00Z'))?.input).toBeCloseTo(0.27, 9);
  });

  it('overrides can change by date too', () => {
    const p = pricing({ warn: false, prices: { 'local/m': [{ input: 1, output: 1 }, { from: '2026-02-01', input: 2, output: 2 }] } });
    const u = usage({ inputTokens: 1_000_000, outputTokens: 0 });
    expect(p.price(target('local', 'm'), 'openai', u, new Date('2026-01-31T23:00:00Z'))?.total).toBeCloseTo(1, 9);
    expect(p.price(target('local', 'm'), 'openai', u, new Date('2026-02-01T00:00:00Z'))?.total).toBeCloseTo(2, 9);
  });
});

describe('never NaN, never negative', () => {
  it('missing, negative and non-finite counts count as 0', () => {
    const bad = { inputTokens: Number.NaN, outputTokens: -5, totalTokens: 0, cacheReadTokens: Infinity, cacheWriteTokens: undefined as unknown as number, reasoningTokens: Number.NaN };
    const cost = computeCost({ input: 1, output: 2 }, bad);
    for (const v of Object.values(cost)) if (typeof v === 'number') expect(Number.isFinite(v) && v >= 0).toBe(true);
    expect(cost.total).toBe(0);
  });

  it('cached subsets larger than the input total, or reasoning larger than output, do not go negative', () => {
    const cost = computeCost({ input: 1, output: 2, cacheRead: 0.5 }, usage({ inputTokens: 10, cacheReadTokens: 30, outputTokens: 5, reasoningTokens: 9 }));
    expectCost(cost, { input: 0, cachedInput: usd(30, 0.5), cacheWrite: 0, output: 0, reasoning: usd(5, 2) });
  });

  it('zero usage costs exactly 0 (a known price, not an unknown one)', () => {
    const cost = table.price(target('openai', 'gpt-4o'), 'openai', usage({ inputTokens: 0, outputTokens: 0 }));
    expect(cost).toEqual({ currency: 'USD', total: 0, input: 0, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0 });
  });
});
