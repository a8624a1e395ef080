import { describe, expect, it, vi } from 'vitest';
import { pricing } from '../../src/cost/pricing.js';
import { ConfigError, type Target } from '../../src/index.js';
import { target, usage, usd } from './helpers.js';

const at = new Date('2026-01-01');
const oneM = usage({ inputTokens: 1_000_000, outputTokens: 1_000_000 });

describe('model matching', () => {
  const p = pricing({ warn: false });
  const served = (provider: string, kind: string, model: string) => {
    const r = p.ratesFor(target(provider, model), kind, at);
    return r && `${r.provider}/${r.model}`;
  };

  it.each([
    ['openai', 'openai', 'gpt-4o', 'openai/gpt-4o'],
    ['openai', 'openai', 'gpt-4o-2024-08-06', 'openai/gpt-4o'],
    // A snapshot the table prices differently is not collapsed onto its alias.
    ['openai', 'openai', 'gpt-4o-2024-05-13', 'openai/gpt-4o-2024-05-13'],
    ['anthropic', 'anthropic', 'claude-sonnet-4-5-20250929', 'anthropic/claude-sonnet-4-5'],
    ['anthropic', 'anthropic', 'claude-sonnet-4-0', 'anthropic/claude-sonnet-4-0'],
    ['anthropic', 'anthropic', 'claude-sonnet-4-20250514', 'anthropic/claude-sonnet-4-0'],
    ['anthropic', 'anthropic', 'claude-3-5-haiku-latest', 'anthropic/claude-3-5-haiku-latest'],
    ['google', 'gemini', 'gemini-2.5-pro', 'google/gemini-2.5-pro'],
    ['google', 'gemini', 'models/gemini-2.5-pro', 'google/gemini-2.5-pro'],
    ['google', 'gemini', 'models/gemini-2.5-flash', 'google/gemini-2.5-flash'],
  ])('%s (%s) %s → %s', (provider, kind, model, expected) => {
    expect(served(provider, kind, model)).toBe(expected);
  });

  it('matches through provider prefixes in the model name (an OpenRouter-style target)', () => {
    expect(served('router', 'openai', 'openai/gpt-4o')).toBe('openai/gpt-4o');
    expect(served('router', 'openai', 'anthropic/claude-sonnet-4-5')).toBe('anthropic/claude-sonnet-4-5');
    expect(served('router', 'openai', 'google/models/gemini-2.5-pro')).toBe('google/gemini-2.5-pro');
  });

  it('a snapshot the table does not list yet is priced like its undated alias', () => {
    expect(served('openai', 'openai', 'gpt-4.1-mini-2099-12-31')).toBe('openai/gpt-4.1-mini');
    expect(served('anthropic', 'anthropic', 'claude-opus-4-7-20991231')).toBe('anthropic/claude-opus-4-7');
  });

  it('uses the registration name when it is a known provider, before the adapter kind', () => {
    // Groq, Together, DeepSeek, xAI behind the OpenAI adapter are priced at their own rates.
    expect(served('groq', 'openai', 'llama-3.3-70b-versatile')).toBe('groq/llama-3.3-70b-versatile');
    expect(served('groq', 'openai', 'openai/gpt-oss-120b')).toBe('groq/openai/gpt-oss-120b');
    expect(served('deepseek', 'openai', 'deepseek-chat')).toBe('deepseek/deepseek-chat');
    expect(served('xai', 'openai', 'grok-4.3')).toBe('x-ai/grok-4.3');
    expect(served('bedrock', 'anthropic', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe('aws/regional.anthropic.claude-sonnet-4-5-20250929-v1:0');
    // Azure's own prices first, then the OpenAI prices it falls back to.
    expect(served('azure', 'openai', 'o1')).toBe('azure/o1');
    expect(served('azure', 'openai', 'gpt-4.1')).toBe('openai/gpt-4.1');
    // Vertex (registered as `vertex`) serves Claude at Google's listing.
    expect(served('vertex', 'gemini', 'claude-sonnet-4@20250514')).toBe('google/claude-4-sonnet');
  });

  it('falls back to the adapter kind for an unknown registration name', () => {
    expect(served('primary', 'openai', 'gpt-4.1')).toBe('openai/gpt-4.1');
    expect(served('eu-west', 'anthropic', 'claude-haiku-4-5')).toBe('anthropic/claude-haiku-4-5');
    expect(served('prod', 'gemini', 'gemini-2.5-flash')).toBe('google/gemini-2.5-flash');
  });

  it('then searches across providers by their model naming (a proxy speaking OpenAI to Claude)', () => {
    expect(served('litellm', 'openai', 'claude-sonnet-4-5')).toBe('anthropic/claude-sonnet-4-5');
    expect(served('m', 'mock', 'gemini-2.5-flash')).toBe('google/gemini-2.5-flash');
  });

  it('does not guess across providers when the registration name is a known provider', () => {
    // `openai` registered over a local server: a Claude name there is not priced as Anthropic's.
    expect(served('openai', 'openai', 'claude-sonnet-4-5')).toBeUndefined();
    expect(served('groq', 'openai', 'gpt-4o')).toBeUndefined();
  });

  it('lookup() takes provider/model or a bare name, and reports the rates, tiers and context window', () => {
    expect(p.lookup('openai/gpt-4o', at)).toMatchObject({ provider: 'openai', model: 'gpt-4o', input: 2.5, output: 10, cacheRead: 1.25, contextWindow: 128_000, source: 'table' });
    expect(p.lookup('claude-sonnet-4-5', at)).toMatchObject({ provider: 'anthropic', input: 3, tiers: [{ above: 200_000, input: 6 }] });
    expect(p.lookup('models/gemini-2.5-pro', at)).toMatchObject({ provider: 'google', model: 'gemini-2.5-pro' });
    expect(p.lookup('no-such-model')).toBeUndefined();
    expect(p.tableSource).toEqual({ package: '@pydantic/genai-prices', version: '0.1.8' });
  });
});

describe('overrides (prices)', () => {
  it('adds a model under a known provider and under a new one (your registration name)', () => {
    const p = pricing({ warn: false, prices: { 'openai/my-finetune': { input: 3, output: 12, cacheRead: 1.5 }, 'local/llama-70b': { input: 0.2, output: 0.4 } } });
    const ft = p.price(target('openai', 'my-finetune'), 'openai', usage({ inputTokens: 1_000_000, cacheReadTokens: 500_000, outputTokens: 1_000_000 }), at);
    expect(ft?.input).toBeCloseTo(1.5, 9);
    expect(ft?.cachedInput).toBeCloseTo(0.75, 9);
    expect(ft?.output).toBeCloseTo(12, 9);
    expect(p.price(target('local', 'llama-70b'), 'openai', oneM, at)?.total).toBeCloseTo(0.6, 9);
    expect(p.lookup('local/llama-70b')).toMatchObject({ source: 'override', provider: 'local' });
    // The table still answers for everything else.
    expect(p.price(target('openai', 'gpt-4o'), 'openai', oneM, at)?.total).toBeCloseTo(12.5, 9);
  });

  it('replaces a table model’s price for every name it matches (aliases and snapshots)', () => {
    const p = pricing({ warn: false, prices: { 'openai/gpt-4o': { input: 1, output: 1 } } });
    expect(p.price(target('openai', 'gpt-4o'), 'openai', oneM, at)?.total).toBeCloseTo(2, 9);
    expect(p.price(target('openai', 'gpt-4o-2024-11-20'), 'openai', oneM, at)?.total).toBeCloseTo(2, 9);
    expect(p.lookup('openai/gpt-4o')).toMatchObject({ source: 'override', contextWindow: 128_000 });
    // A separate pricer is unaffected: overrides are per instance.
    expect(pricing({ warn: false }).price(target('openai', 'gpt-4o'), 'openai', oneM, at)?.total).toBeCloseTo(12.5, 9);
  });

  it('accepts tiers in overrides (whole-request cliff)', () => {
    const p = pricing({ warn: false, prices: { 'local/long': { input: 1, output: 2, tiers: [{ above: 1000, input: 10, output: 20 }] } } });
    expect(p.price(target('local', 'long'), 'openai', usage({ inputTokens: 1000, outputTokens: 1 }), at)?.total).toBeCloseTo(usd(1000, 1) + usd(1, 2), 12);
    expect(p.price(target('local', 'long'), 'openai', usage({ inputTokens: 1001, outputTokens: 1 }), at)?.total).toBeCloseTo(usd(1001, 10) + usd(1, 20), 12);
  });

  it('builtIn: false prices only what you give', () => {
    const p = pricing({ warn: false, builtIn: false, prices: { 'openai/gpt-4o': { input: 1, output: 1 } } });
    expect(p.price(target('openai', 'gpt-4o'), 'openai', oneM, at)?.total).toBeCloseTo(2, 9);
    expect(p.price(target('openai', 'gpt-4.1'), 'openai', oneM, at)).toBeUndefined();
    expect(p.tableSource).toBeUndefined();
  });
});

describe('deployments', () => {
  it('maps Azure / self-hosted deployment names to a known model or to a price', () => {
    const p = pricing({
      warn: false,
      deployments: { 'azure/prod-gpt4o': 'openai/gpt-4o', 'vllm/llama': { input: 0.1, output: 0.3 }, 'eu-mini': 'gpt-4.1-mini' },
    });
    expect(p.price(target('azure', 'prod-gpt4o'), 'openai', oneM, at)?.total).toBeCloseTo(12.5, 9);
    expect(p.ratesFor(target('azure', 'prod-gpt4o'), 'openai', at)).toMatchObject({ provider: 'openai', model: 'gpt-4o', source: 'deployment' });
    expect(p.price(target('vllm', 'llama'), 'openai', oneM, at)?.total).toBeCloseTo(0.4, 9);
    // A bare key matches the model name on any provider.
    expect(p.price(target('azure-eu', 'eu-mini'), 'openai', oneM, at)?.total).toBeCloseTo(2, 9);
  });

  it('a deployment that names an unknown model fails when pricing() runs, naming the field', () => {
    const err = (() => {
      try {
        pricing({ deployments: { 'azure/prod': 'openai/gpt-does-not-exist' } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('pricing.deployments.azure/prod');
  });
});

describe('unknown models', () => {
  it('yield undefined cost, one warning per model (not per call), and the hook', () => {
    const warn = vi.fn();
    const seen: Array<[Target, string]> = [];
    const p = pricing({ warn, onUnknownModel: (t, kind) => seen.push([t, kind]) });
    const t = target('local', 'mystery-7b');
    for (let i = 0; i < 5; i++) expect(p.price(t, 'openai', oneM, at)).toBeUndefined();
    expect(p.price(target('local', 'other-7b'), 'openai', oneM, at)).toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]![0]).toContain("'mystery-7b'");
    expect(warn.mock.calls[0]![0]).toContain("'local'");
    expect(seen.map(([x, k]) => `${x.id}:${k}`)).toEqual(['local/mystery-7b:openai', 'local/other-7b:openai']);
  });

  it('warns on console by default, and a throwing hook or logger never escapes price()', () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const p = pricing({ onUnknownModel: () => { throw new Error('hook broke'); } });
      expect(p.price(target('x', 'unknown-model-1'), 'openai', oneM, at)).toBeUndefined();
      expect(spy).toHaveBeenCalledTimes(1);
      const q = pricing({ warn: () => { throw new Error('logger broke'); } });
      expect(q.price(target('x', 'unknown-model-2'), 'openai', oneM, at)).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });

  it('the testing kit\'s mock provider gets no warning, but the hook still hears of it', () => {
    const warn = vi.fn();
    const hook = vi.fn();
    expect(pricing({ warn, onUnknownModel: hook }).price(target('m', 'x'), 'mock', oneM, at)).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
    expect(hook).toHaveBeenCalledTimes(1);
  });

  it('a known model is never warned about', () => {
    const warn = vi.fn();
    const p = pricing({ warn });
    p.price(target('openai', 'gpt-4o'), 'openai', oneM, at);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('options are validated', () => {
  it.each([
    [{ prices: { 'no-slash': { input: 1, output: 1 } } }, 'pricing.prices.no-slash'],
    [{ prices: { 'a/b': { input: -1, output: 1 } } }, 'pricing.prices.a/b.input'],
    [{ prices: { 'a/b': { input: 1 } } }, 'pricing.prices.a/b.output'],
    [{ prices: { 'a/b': { input: Number.NaN, output: 1 } } }, 'pricing.prices.a/b.input'],
    [{ prices: { 'a/b': { input: 1, output: 1, tiers: [{ above: 1.5, input: 1, output: 1 }] } } }, 'pricing.prices.a/b.tiers[0].above'],
    [{ prices: { 'a/b': [{ input: 1, output: 1, from: 'yesterday' }] } }, 'pricing.prices.a/b[0].from'],
    [{ prices: { 'a/b': { input: 1, output: 1, extra: 2 } } }, 'pricing.prices.a/b'],
    [{ deployments: { x: '' } }, 'pricing.deployments.x'],
    [{ onUnknownModel: 'log' }, 'pricing.onUnknownModel'],
    [{ unknownOption: true }, 'pricing'],
  ])('%j → ConfigError at %s', (options, path) => {
    let err: unknown;
    try {
      pricing(options as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe(path);
  });
});
