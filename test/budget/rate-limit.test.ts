import { describe, expect, it } from 'vitest';
import { ConfigError, createGateway, memoryStore, rateLimit, RateLimitExceededError, type ChatRequest, type Middleware } from '../../src/index.js';
import { mockProvider, type MockResponse } from '../../src/testing/index.js';

const ask = (extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'llm/m', messages: [{ role: 'user', content: 'hi' }], ...extra });

function gw(middleware: Middleware[], response: MockResponse = { text: 'ok', usage: { inputTokens: 5, outputTokens: 5 } }) {
  const llm = mockProvider({ fallback: response });
  return { llm, gateway: createGateway({ providers: { llm }, middleware, telemetry: false }) };
}

describe('rateLimit()', () => {
  it('admits rpm requests per sliding minute, then rejects with retry-after when waiting is off', async () => {
    const { gateway, llm } = gw([rateLimit({ rpm: 3, wait: false })]);
    for (let i = 0; i < 3; i++) await gateway.chat(ask());
    const err = (await gateway.chat(ask()).catch((e: unknown) => e)) as RateLimitExceededError;
    expect(err).toBeInstanceOf(RateLimitExceededError);
    expect(err).toMatchObject({ limiter: 'rate-limit', limit: 'rpm', cap: 3, scope: 'global', code: 'rate_limit_exceeded' });
    // The oldest request leaves the sliding minute within about a minute.
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(err.retryAfterMs).toBeLessThanOrEqual(61_000);
    expect(err.attempts?.map((a) => a.outcome)).toEqual(['skipped']);
    expect(llm.calls).toHaveLength(3);
  });

  it('counts 1,000 concurrent calls exactly: no more than rpm get through', async () => {
    const { gateway, llm } = gw([rateLimit({ rpm: 100, wait: false })], { text: 'ok', latencyMs: 2 });
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => gateway.chat(ask())));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100);
    expect(llm.calls).toHaveLength(100);
  });

  it('is token-aware: admitted on the estimate plus maxTokens, corrected to actual usage', async () => {
    const store = memoryStore();
    const limiter = rateLimit({ tpm: 1000, wait: false, store });
    const { gateway } = gw([limiter], { text: 'ok', usage: { inputTokens: 5, outputTokens: 10 } });
    // 900 max tokens fits alone, not twice concurrently…
    const first = gateway.chat(ask({ maxTokens: 900 }));
    await expect(gateway.chat(ask({ maxTokens: 900 }))).rejects.toMatchObject({ limit: 'tpm' });
    await first;
    await new Promise((r) => setTimeout(r, 5));
    // …but once it is corrected to its 15 actual tokens, there is room again.
    await expect(gateway.chat(ask({ maxTokens: 900 }))).resolves.toBeDefined();
    // An attempt that alone exceeds the cap can never run: no retry-after.
    const err = (await gateway.chat(ask({ maxTokens: 5000 })).catch((e: unknown) => e)) as RateLimitExceededError;
    expect(err.retryAfterMs).toBeUndefined();
  });

  it('waits within the deadline when a slot frees up, and records the wait', async () => {
    // The first call holds the only in-flight slot of tpm for 60 ms; the second waits for it to settle.
    const { gateway } = gw([rateLimit({ tpm: 600, maxWaitMs: 5000 })], { text: 'ok', latencyMs: 60, usage: { inputTokens: 5, outputTokens: 5 } });
    const a = gateway.chat(ask({ maxTokens: 500 }));
    const b = gateway.chat(ask({ maxTokens: 500 }));
    const [, rb] = await Promise.all([a, b]);
    const wait = rb.routing.find((r) => r.layer === 'rate-limit' && r.action === 'wait');
    expect(wait?.detail?.ms).toBeGreaterThan(0);
  });

  it('does not wait past the call deadline', async () => {
    const { gateway } = gw([rateLimit({ rpm: 1 })]);
    await gateway.chat(ask());
    const err = (await gateway.chat(ask({ timeout: 200 })).catch((e: unknown) => e)) as RateLimitExceededError;
    expect(err).toBeInstanceOf(RateLimitExceededError);
    expect(err.retryAfterMs).toBeGreaterThan(200);
  });

  it('stops waiting when the caller aborts', async () => {
    const { gateway } = gw([rateLimit({ tpm: 100 })], { text: 'ok', latencyMs: 300 });
    const first = gateway.chat(ask({ maxTokens: 90 }));
    const ac = new AbortController();
    const second = gateway.chat(ask({ maxTokens: 90, signal: ac.signal }));
    setTimeout(() => ac.abort(), 30);
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    await first;
  });

  it('scopes per metadata key', async () => {
    const { gateway } = gw([rateLimit({ rpm: 1, scope: 'user', wait: false })]);
    await gateway.chat(ask({ metadata: { user: 'a' } }));
    await gateway.chat(ask({ metadata: { user: 'b' } }));
    await expect(gateway.chat(ask({ metadata: { user: 'a' } }))).rejects.toMatchObject({ scope: 'user=a' });
  });

  it('validates its options', () => {
    expect(() => rateLimit({})).toThrow(ConfigError);
    expect(() => rateLimit({ rpm: 0 })).toThrow(/rateLimit\.rpm/);
    expect(() => rateLimit({ tpm: Number.NaN })).toThrow(/rateLimit\.tpm/);
    expect(() => rateLimit({ rpm: 5, maxWaitMs: -1 })).toThrow(/rateLimit\.maxWaitMs/);
  });
});
