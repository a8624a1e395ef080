import { describe, expect, it } from 'vitest';
import { AbortError, createGateway, DeadlineExceededError, RateLimitError, StreamTruncatedError, type StreamEvent } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';

const user = (content: string) => [{ role: 'user' as const, content }];

describe('gateway.chat', () => {
  it('returns the unified response with attempts and timing', async () => {
    const m = mockProvider({
      responses: [{ text: 'Hello', toolCalls: [{ id: 't1', name: 'f', arguments: { a: 1 } }], usage: { inputTokens: 7, outputTokens: 3, cacheReadTokens: 2, reasoningTokens: 1 } }],
    });
    const gw = createGateway({ providers: { m } });
    const res = await gw.chat({ model: 'm/x', messages: user('hi') });
    expect(res.text).toBe('Hello');
    expect(res.toolCalls).toEqual([{ id: 't1', name: 'f', arguments: { a: 1 }, argumentsText: '{"a":1}' }]);
    expect(res.finishReason).toBe('tool-calls');
    expect(res.usage).toEqual({ inputTokens: 7, outputTokens: 3, totalTokens: 10, cacheReadTokens: 2, cacheWriteTokens: 0, reasoningTokens: 1 });
    expect(res.content.map((p) => p.type)).toEqual(['text', 'tool-call']);
    expect(res.attempts).toHaveLength(1);
    expect(res.attempts[0]).toMatchObject({ outcome: 'success', target: { id: 'm/x' }, usage: res.usage });
    expect(res.timing.latencyMs).toBeGreaterThanOrEqual(0);
    expect(res.raw).toMatchObject({ mock: true });
  });

  it('surfaces a provider error as its typed class, with the attempt recorded', async () => {
    const m = mockProvider({ responses: [{ error: { status: 429, headers: { 'retry-after': '2' } } }] });
    const gw = createGateway({ providers: { m } });
    const err = await gw.chat({ model: 'm/x', messages: user('hi') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).retryable).toBe(true);
    expect((err as RateLimitError).retryAfterMs).toBe(2000);
  });

  it('aborts through the caller signal', async () => {
    const m = mockProvider({ responses: [{ text: 'slow', latencyMs: 5_000 }] });
    const gw = createGateway({ providers: { m } });
    const ac = new AbortController();
    const p = gw.chat({ model: 'm/x', messages: user('hi'), signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    await expect(p).rejects.toBeInstanceOf(AbortError);
    expect(m.calls[0]!.aborted).toBe(true);
  });

  it('enforces the whole-call timeout as DeadlineExceededError', async () => {
    const m = mockProvider({ responses: [{ text: 'slow', latencyMs: 5_000 }] });
    const gw = createGateway({ providers: { m } });
    const err = await gw.chat({ model: 'm/x', messages: user('hi'), timeout: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(m.calls[0]!.aborted).toBe(true);
  });

  it('applies the default timeout from config', async () => {
    const m = mockProvider({ responses: [{ text: 'slow', latencyMs: 5_000 }] });
    const gw = createGateway({ providers: { m }, defaults: { timeout: 20 } });
    await expect(gw.chat({ model: 'm/x', messages: user('hi') })).rejects.toBeInstanceOf(DeadlineExceededError);
  });
});

describe('gateway.stream', () => {
  it('yields typed events and aggregates the response', async () => {
    const m = mockProvider({ responses: [{ chunks: ['Hel', 'lo'], reasoning: 'think', toolCalls: [{ id: 'a', name: 'f', arguments: { x: 1 } }] }] });
    const gw = createGateway({ providers: { m } });
    const s = gw.stream({ model: 'm/x', messages: user('hi') });
    const types: string[] = [];
    for await (const ev of s) types.push(ev.type);
    expect(types).toEqual(['reasoning-delta', 'text-delta', 'text-delta', 'tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish']);
    const res = await s.response;
    expect(res.text).toBe('Hello');
    expect(res.reasoning).toBe('think');
    expect(res.toolCalls[0]).toMatchObject({ id: 'a', arguments: { x: 1 } });
    expect(res.timing.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('awaiting response alone drains the stream', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a', 'b', 'c'] }] });
    const gw = createGateway({ providers: { m } });
    expect((await gw.stream({ model: 'm/x', messages: user('hi') }).response).text).toBe('abc');
  });

  it('textStream yields only text', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a', 'b'], reasoning: 'r' }] });
    const gw = createGateway({ providers: { m } });
    const out: string[] = [];
    for await (const t of gw.stream({ model: 'm/x', messages: user('hi') }).textStream) out.push(t);
    expect(out).toEqual(['a', 'b']);
  });

  it('can be consumed only once', async () => {
    const gw = createGateway({ providers: { m: mockProvider() } });
    const s = gw.stream({ model: 'm/x', messages: user('hi') });
    s[Symbol.asyncIterator]();
    expect(() => s[Symbol.asyncIterator]()).toThrow(/only once/);
  });

  it('breaking out of the loop cancels the provider call and rejects response', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 5 }] });
    const gw = createGateway({ providers: { m } });
    const s = gw.stream({ model: 'm/x', messages: user('hi') });
    for await (const ev of s) if (ev.type === 'text-delta') break;
    expect(m.calls[0]!.aborted).toBe(true);
    await expect(s.response).rejects.toBeInstanceOf(AbortError);
  });

  it('abort() ends iteration with AbortError', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a', 'b', 'c'], chunkDelayMs: 10 }] });
    const gw = createGateway({ providers: { m } });
    const s = gw.stream({ model: 'm/x', messages: user('hi') });
    const seen: StreamEvent[] = [];
    const err = await (async () => {
      for await (const ev of s) {
        seen.push(ev);
        s.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(seen).toHaveLength(1);
    expect(m.calls[0]!.aborted).toBe(true);
  });

  it('a truncated stream is an error, never a short success', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a', 'b', 'c'], failAfterChunks: 2 }] });
    const gw = createGateway({ providers: { m } });
    const s = gw.stream({ model: 'm/x', messages: user('hi') });
    const texts: string[] = [];
    const err = await (async () => {
      for await (const ev of s) if (ev.type === 'text-delta') texts.push(ev.text);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamTruncatedError);
    expect(texts).toEqual(['a', 'b']);
    await expect(s.response).rejects.toBeInstanceOf(StreamTruncatedError);
  });

  it('a deadline mid-stream raises DeadlineExceededError', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a', 'b', 'c'], chunkDelayMs: 200 }] });
    const gw = createGateway({ providers: { m } });
    const s = gw.stream({ model: 'm/x', messages: user('hi'), timeout: 50 });
    await expect(s.response).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(m.calls[0]!.aborted).toBe(true);
  });
});

describe('errors carry the attempts', () => {
  it('on chat and on stream', async () => {
    const m = mockProvider({ fallback: { error: { status: 500 } } });
    const gw = createGateway({ providers: { m }, circuitBreaker: false });
    const err = (await gw.chat({ model: 'm/x', messages: user('hi') }).catch((e: unknown) => e)) as RateLimitError;
    expect(err.attempts).toHaveLength(1);
    expect(err.attempts![0]).toMatchObject({ outcome: 'error', target: { id: 'm/x' } });
    const serr = (await gw.stream({ model: 'm/x', messages: user('hi') }).response.catch((e: unknown) => e)) as RateLimitError;
    expect(serr.attempts).toHaveLength(1);
  });
});
