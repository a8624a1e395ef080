import { describe, expect, it, vi } from 'vitest';
import { createGateway, type ChatResponse } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { usageHook } from '../../src/usage/usage-hook.js';
import type { UsageRecord } from '../../src/usage/usage-record.js';
import { attemptRecord, callContext, cost, messages, tokens, tryInTurn } from './helpers.js';

function setup(hook: Parameters<typeof usageHook>[0], options?: Parameters<typeof usageHook>[1]) {
  const a = mockProvider({ fallback: { text: 'from a', usage: { inputTokens: 100, outputTokens: 10 } } });
  const b = mockProvider({ fallback: { chunks: ['from ', 'b'], usage: { inputTokens: 200, outputTokens: 20, cacheReadTokens: 50 } } });
  const gw = createGateway({
    providers: { a, b },
    models: { smart: [tryInTurn(['a/x', 'b/y'])] },
    instrumentation: [usageHook(hook, options)],
    circuitBreaker: false,
  });
  return { a, b, gw };
}

describe('usageHook', () => {
  it('hands over one record per call: who, what was asked and served, tokens, latency, status, attempts', async () => {
    const records: UsageRecord[] = [];
    const { gw } = setup((r) => void records.push(r));
    const res = await gw.chat({ model: 'a/x', messages, metadata: { user: 'u1', team: 'search', feature: 'faq' } });
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({
      mode: 'generate',
      metadata: { user: 'u1', team: 'search', feature: 'faq' },
      requestedModel: 'a/x',
      served: { id: 'a/x' },
      responseModel: 'x',
      status: 'success',
      error: undefined,
      errorCode: undefined,
      usage: { inputTokens: 100, outputTokens: 10, totalTokens: 110 },
      cost: undefined,
      unpricedAttempts: 1,
    });
    expect(r.attempts).toEqual(res.attempts);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.startedAt).toBeLessThanOrEqual(Date.now());
    expect(r.callId).toMatch(/\S/);
  });

  it('a stream is recorded when it finishes, with its time to first token', async () => {
    const records: UsageRecord[] = [];
    const { gw } = setup((r) => void records.push(r));
    const s = gw.stream({ model: 'b/y', messages, metadata: { team: 'ads' } });
    for await (const _ of s) expect(records).toHaveLength(0);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ mode: 'stream', status: 'success', usage: { inputTokens: 200, cacheReadTokens: 50 } });
    expect(records[0]!.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
  });

  it('a fallen-over call: served by the second target, both attempts listed', async () => {
    const records: UsageRecord[] = [];
    const { a, gw } = setup((r) => void records.push(r));
    a.enqueue({ error: { status: 503 } });
    await gw.chat({ model: 'smart', messages });
    expect(records[0]).toMatchObject({ requestedModel: 'smart', served: { id: 'b/y' }, status: 'success' });
    expect(records[0]!.attempts.map((x) => `${x.target.id}:${x.outcome}`)).toEqual(['a/x:error', 'b/y:success']);
  });

  it('failures and aborts are recorded too, with the error and its code', async () => {
    const records: UsageRecord[] = [];
    const { a, b, gw } = setup((r) => void records.push(r));
    a.enqueue({ error: { status: 503 } });
    b.enqueue({ error: { status: 429 } });
    await expect(gw.chat({ model: 'smart', messages })).rejects.toThrow();
    b.enqueue({ chunks: ['a', 'b', 'c'] });
    for await (const ev of gw.stream({ model: 'b/y', messages })) if (ev.type === 'text-delta') break;
    expect(records.map((r) => r.status)).toEqual(['error', 'aborted']);
    expect(records[0]).toMatchObject({ served: undefined, errorCode: 'rate_limited', usage: undefined });
    expect(records[0]!.error).toMatchObject({ name: 'RateLimitError' });
    expect(records[1]!.errorCode).toBe('aborted');
  });

  it('a throwing hook never breaks the call; onError gets the error and the record', async () => {
    const onError = vi.fn();
    const { gw } = setup(() => {
      throw new Error('sink down');
    }, { onError });
    const res = await gw.chat({ model: 'a/x', messages });
    expect(res.text).toBe('from a');
    const s = gw.stream({ model: 'b/y', messages });
    expect((await s.response).text).toBe('from b');
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onError.mock.calls[0]![0]).toMatchObject({ message: 'sink down' });
    expect(onError.mock.calls[0]![1]).toMatchObject({ requestedModel: 'a/x' });
  });

  it('a rejecting async hook is caught (no unhandled rejection); the default handler warns once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const { gw } = setup(async () => {
        throw new Error('async sink down');
      });
      await gw.chat({ model: 'a/x', messages });
      await gw.chat({ model: 'a/x', messages });
      await new Promise((r) => setTimeout(r, 10));
      // (Other warnings, e.g. a gateway pricer's about the mock's unpriced models, may be there too.)
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('usage hook failed'))).toHaveLength(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
      warn.mockRestore();
    }
  });

  it('a throwing onError is contained too', async () => {
    const { gw } = setup(() => {
      throw new Error('x');
    }, { onError: () => {
      throw new Error('y');
    } });
    await expect(gw.chat({ model: 'a/x', messages })).resolves.toMatchObject({ text: 'from a' });
  });

  it('sums usage and cost over every attempt that reported usage, counting unpriced ones', () => {
    const records: UsageRecord[] = [];
    const inst = usageHook((r) => void records.push(r));
    const ctx = callContext({ team: 'ads' });
    const call = inst.startCall(ctx)!;
    const list = [
      attemptRecord('a/x', 'success', tokens(1000, 100, { cacheReadTokens: 400 }), cost(0.5, { input: 0.25, cachedInput: 0.05, output: 0.2 })),
      attemptRecord('c/z', 'error'),
      attemptRecord('b/y', 'success', tokens(10, 5, { reasoningTokens: 2 }), cost(0.25, { output: 0.25, input: 0 })),
      attemptRecord('d/w', 'success', tokens(1, 1)),
    ];
    for (const r of list) {
      const a = call.startAttempt({ ctx, target: r.target, kind: 'mock', server: undefined })!;
      ctx.attempts.push(r);
      a.end(r, undefined);
    }
    call.end({ target: list[2]!.target, model: 'y', timing: { startedAt: 0, latencyMs: 1 } } as unknown as ChatResponse, undefined);
    expect(records).toHaveLength(1);
    expect(records[0]!.usage).toEqual({ inputTokens: 1011, outputTokens: 106, totalTokens: 1117, cacheReadTokens: 400, cacheWriteTokens: 0, reasoningTokens: 2 });
    expect(records[0]!.cost).toEqual({ currency: 'USD', total: 0.75, input: 0.25, cachedInput: 0.05, cacheWrite: 0, output: 0.45, reasoning: 0 });
    expect(records[0]!.unpricedAttempts).toBe(1);
    // The record's cost is a sum of copies: the attempts' own costs are untouched.
    expect(list[0]!.cost!.total).toBe(0.5);
  });

  it('fires once, after the last attempt ends, even when that is after the call ended', () => {
    const records: UsageRecord[] = [];
    const inst = usageHook((r) => void records.push(r));
    const ctx = callContext();
    const call = inst.startCall(ctx)!;
    const winner = attemptRecord('b/y', 'success', tokens(1, 1));
    const loser = attemptRecord('a/x', 'aborted', tokens(2, 2));
    const w = call.startAttempt({ ctx, target: winner.target, kind: 'mock', server: undefined })!;
    const l = call.startAttempt({ ctx, target: loser.target, kind: 'mock', server: undefined })!;
    ctx.attempts.push(winner);
    w.end(winner, undefined);
    call.end({ target: winner.target, timing: { startedAt: 0, latencyMs: 1 } } as unknown as ChatResponse, undefined);
    call.end(undefined, new Error('a second end is ignored'));
    expect(records).toHaveLength(0);
    ctx.attempts.push(loser);
    l.end(loser, undefined);
    expect(records).toHaveLength(1);
    expect(records[0]!.usage?.inputTokens).toBe(3);
    expect(records[0]!.status).toBe('success');
  });
});
