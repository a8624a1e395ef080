import { describe, expect, it } from 'vitest';
import { pricing } from '../../src/cost/pricing.js';
import { createGateway, type ChatResponse, type GatewayConfig } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { usageReport } from '../../src/usage/usage-report.js';
import { attemptRecord, callContext, cost, messages, tokens, tryInTurn } from './helpers.js';

function gateway(report: ReturnType<typeof usageReport>, extra: Partial<GatewayConfig> = {}) {
  const a = mockProvider({ fallback: { text: 'from a', usage: { inputTokens: 100, outputTokens: 10, cacheReadTokens: 40 } } });
  const b = mockProvider({ fallback: { text: 'from b', usage: { inputTokens: 200, outputTokens: 20, reasoningTokens: 5 } } });
  return { a, b, gw: createGateway({ providers: { a, b }, instrumentation: [report], circuitBreaker: false, ...extra }) };
}

describe('usageReport through the gateway', () => {
  it('groups calls, attempts and tokens by team, provider and model', async () => {
    const report = usageReport({ groupBy: ['team', 'provider', 'model'] });
    const { gw } = gateway(report);
    await gw.chat({ model: 'a/x', messages, metadata: { team: 'search' } });
    await gw.chat({ model: 'a/x', messages, metadata: { team: 'search' } });
    await gw.stream({ model: 'b/y', messages, metadata: { team: 'ads' } }).response;
    await gw.chat({ model: 'a/x', messages });

    const { rows, total } = report.snapshot();
    expect(rows.map((r) => r.group)).toEqual([
      { team: 'ads', provider: 'b', model: 'y' },
      { team: 'search', provider: 'a', model: 'x' },
      { team: undefined, provider: 'a', model: 'x' },
    ]);
    expect(rows[1]).toMatchObject({ calls: 2, errors: 0, attempts: 2, failedAttempts: 0, inputTokens: 200, outputTokens: 20, cacheReadTokens: 80, cost: undefined });
    expect(rows[0]).toMatchObject({ calls: 1, attempts: 1, inputTokens: 200, outputTokens: 20, reasoningTokens: 5 });
    expect(total).toMatchObject({ group: {}, calls: 4, attempts: 4, inputTokens: 500, outputTokens: 50 });
  });

  it('a fallen-over call bills the failed attempt to its own target and counts the completion for the server only', async () => {
    const report = usageReport();
    const { a, gw } = gateway(report, { models: { smart: [tryInTurn(['a/x', 'b/y'])] } });
    a.enqueue({ error: { status: 503 } });
    const res = await gw.chat({ model: 'smart', messages });
    expect(res.target.id).toBe('b/y');
    const { rows } = report.snapshot();
    expect(rows).toEqual([
      expect.objectContaining({ group: { provider: 'a', model: 'x' }, calls: 0, errors: 0, attempts: 1, failedAttempts: 1, inputTokens: 0 }),
      expect.objectContaining({ group: { provider: 'b', model: 'y' }, calls: 1, errors: 0, attempts: 1, failedAttempts: 0, inputTokens: 200 }),
    ]);
  });

  it('without provider/model dimensions a call and its attempts land in one row', async () => {
    const report = usageReport({ groupBy: ['team'] });
    const { a, gw } = gateway(report, { models: { smart: [tryInTurn(['a/x', 'b/y'])] } });
    a.enqueue({ error: { status: 503 } });
    await gw.chat({ model: 'smart', messages, metadata: { team: 'ads' } });
    expect(report.snapshot().rows).toEqual([expect.objectContaining({ group: { team: 'ads' }, calls: 1, attempts: 2, failedAttempts: 1, inputTokens: 200 })]);
  });

  it('counts failed calls against the last target tried, and aborted streams separately', async () => {
    const report = usageReport({ groupBy: ['requestedModel', 'provider'] });
    const { a, b, gw } = gateway(report, { models: { smart: [tryInTurn(['a/x', 'b/y'])] } });
    a.enqueue({ error: { status: 503 } });
    b.enqueue({ error: { status: 500 } });
    await expect(gw.chat({ model: 'smart', messages })).rejects.toMatchObject({ name: 'ServerError' });
    b.enqueue({ chunks: ['a', 'b', 'c'] });
    for await (const ev of gw.stream({ model: 'b/y', messages })) if (ev.type === 'text-delta') break;

    const { rows } = report.snapshot();
    expect(rows).toEqual([
      expect.objectContaining({ group: { requestedModel: 'b/y', provider: 'b' }, calls: 0, errors: 0, aborted: 1, attempts: 1 }),
      expect.objectContaining({ group: { requestedModel: 'smart', provider: 'a' }, errors: 0, attempts: 1, failedAttempts: 1 }),
      expect.objectContaining({ group: { requestedModel: 'smart', provider: 'b' }, errors: 1, attempts: 1, failedAttempts: 1 }),
    ]);
  });

  it('circuit-breaker skips are not attempts', async () => {
    const report = usageReport();
    const a = mockProvider({ fallback: { error: { status: 500 } } });
    const b = mockProvider();
    const gw = createGateway({ providers: { a, b }, models: { smart: [tryInTurn(['a/x', 'b/y'])] }, instrumentation: [report], circuitBreaker: { consecutiveFailures: 1, cooldownMs: 60_000 } });
    await gw.chat({ model: 'smart', messages });
    await gw.chat({ model: 'smart', messages }); // a's circuit is open now: skipped without a call
    expect(a.calls).toHaveLength(1);
    const rowA = report.snapshot().rows.find((r) => r.group.provider === 'a')!;
    expect(rowA).toMatchObject({ attempts: 1, failedAttempts: 1 });
  });

  it('reset() returns what was counted and starts afresh', async () => {
    const report = usageReport({ groupBy: ['team'] });
    const { gw } = gateway(report);
    await gw.chat({ model: 'a/x', messages, metadata: { team: 't' } });
    const before = report.reset();
    expect(before.rows).toHaveLength(1);
    expect(before.total.calls).toBe(1);
    expect(report.snapshot().rows).toEqual([]);
    expect(report.snapshot().since).toBe(before.at);
    await gw.chat({ model: 'a/x', messages, metadata: { team: 't' } });
    expect(report.snapshot().total.calls).toBe(1);
  });

  it('snapshots are copies: changing one does not change the report', async () => {
    const report = usageReport();
    const { gw } = gateway(report);
    await gw.chat({ model: 'a/x', messages });
    const s = report.snapshot();
    s.rows[0]!.calls = 99;
    (s.rows[0]!.group as Record<string, string>).provider = 'zzz';
    expect(report.snapshot().rows[0]).toMatchObject({ calls: 1, group: { provider: 'a' } });
  });
});

describe('usageReport cost aggregation (attempt records from the core)', () => {
  function run(report: ReturnType<typeof usageReport>, ctx: ReturnType<typeof callContext>, records: ReturnType<typeof attemptRecord>[], served?: string) {
    const call = report.startCall(ctx)!;
    for (const r of records) {
      const a = call.startAttempt({ ctx, target: r.target, kind: 'mock', server: undefined });
      ctx.attempts.push(r);
      a?.end(r, undefined);
    }
    const response = served ? ({ target: records.find((r) => r.target.id === served)!.target, timing: { startedAt: 0, latencyMs: 1 } } as unknown as ChatResponse) : undefined;
    call.end(response, response ? undefined : new Error('failed'));
  }

  it('sums each attempt’s cost into its own target’s row, part by part; unpriced attempts are counted, not zeroed', () => {
    const report = usageReport({ groupBy: ['team', 'provider'] });
    // A complete answer from a, rejected by a layer, then b served: both were billed.
    run(report, callContext({ team: 'ads' }), [attemptRecord('a/x', 'success', tokens(1000, 100), cost(0.5, { input: 0.3, output: 0.2 })), attemptRecord('b/y', 'success', tokens(2000, 10), cost(0.25))], 'b/y');
    run(report, callContext({ team: 'ads' }), [attemptRecord('b/y', 'success', tokens(10, 10), cost(0.125))], 'b/y');
    run(report, callContext({ team: 'ads' }), [attemptRecord('c/z', 'success', tokens(5, 5))], 'c/z');

    const { rows, total } = report.snapshot();
    const row = (p: string) => rows.find((r) => r.group.provider === p)!;
    expect(row('a')).toMatchObject({ calls: 0, attempts: 1, inputTokens: 1000 });
    expect(row('a').cost).toEqual({ currency: 'USD', total: 0.5, input: 0.3, cachedInput: 0, cacheWrite: 0, output: 0.2, reasoning: 0 });
    expect(row('b')).toMatchObject({ calls: 2, attempts: 2, inputTokens: 2010 });
    expect(row('b').cost?.total).toBeCloseTo(0.375, 12);
    expect(row('c')).toMatchObject({ calls: 1, unpricedAttempts: 1, cost: undefined, inputTokens: 5 });
    expect(total.cost?.total).toBeCloseTo(0.875, 12);
    expect(total.unpricedAttempts).toBe(1);
  });

  it('waits for attempts that end after the call (a hedge loser being torn down) before counting', () => {
    const report = usageReport();
    const ctx = callContext();
    const call = report.startCall(ctx)!;
    const winner = attemptRecord('b/y', 'success', tokens(10, 10), cost(0.1));
    const loser = attemptRecord('a/x', 'success', tokens(30, 30), cost(0.3));
    const wa = call.startAttempt({ ctx, target: winner.target, kind: 'mock', server: undefined })!;
    const la = call.startAttempt({ ctx, target: loser.target, kind: 'mock', server: undefined })!;
    ctx.attempts.push(winner);
    wa.end(winner, undefined);
    call.end({ target: winner.target, timing: { startedAt: 0, latencyMs: 1 } } as unknown as ChatResponse, undefined);
    expect(report.snapshot().rows).toEqual([]);
    ctx.attempts.push(loser);
    la.end(loser, undefined);
    const { rows, total } = report.snapshot();
    expect(rows.map((r) => `${r.group.provider}:${r.calls}:${r.attempts}`)).toEqual(['a:0:1', 'b:1:1']);
    expect(total.cost?.total).toBeCloseTo(0.4, 12);
  });
});

describe('usageReport options', () => {
  it('metadata values: arrays joined, numbers as strings, missing as undefined; metadata.<key> reads shadowed keys', () => {
    const report = usageReport({ groupBy: ['tags', 'tier', 'metadata.provider', 'provider'] });
    const ctx = callContext({ tags: ['beta', 'eu'], tier: 3, provider: 'customer-supplied' });
    const call = report.startCall(ctx)!;
    call.end(undefined, new Error('x'));
    expect(report.snapshot().rows[0]!.group).toEqual({ tags: 'beta,eu', tier: '3', 'metadata.provider': 'customer-supplied', provider: undefined });
  });

  it('bounds the number of rows; later groups share one (other) row', () => {
    const report = usageReport({ groupBy: ['user'], maxRows: 2 });
    for (const user of ['u1', 'u2', 'u3', 'u4', 'u1']) report.startCall(callContext({ user }))!.end(undefined, new Error('x'));
    const { rows } = report.snapshot();
    expect(rows.map((r) => `${r.group.user}:${r.errors}`)).toEqual(['u1:2', 'u2:1', '(other):2']);
  });

  it('rejects a dimension listed twice and a bad maxRows', () => {
    expect(() => usageReport({ groupBy: ['team', 'team'] })).toThrow(/twice/);
    expect(() => usageReport({ maxRows: 0 })).toThrow(/maxRows/);
    expect(() => usageReport({ groupBy: [''] })).toThrow(/non-empty/);
  });
});



describe('usageReport with the gateway pricing attempts (needs createGateway({ pricing }))', () => {
  it('costs per team and model, a fall-over billed to the failed attempt’s model', async () => {
    const report = usageReport({ groupBy: ['team', 'model'] });
    const openai = mockProvider({ kind: 'openai', fallback: { text: 'ok', usage: { inputTokens: 1_000_000, outputTokens: 0 } } });
    const gw = createGateway({ providers: { openai }, instrumentation: [report], pricing: pricing({ warn: false }) } as GatewayConfig);
    await gw.chat({ model: 'openai/gpt-4o', messages, metadata: { team: 'ads' } });
    await gw.chat({ model: 'openai/gpt-4o-mini', messages, metadata: { team: 'ads' } });
    const { rows } = report.snapshot();
    expect(rows.find((r) => r.group.model === 'gpt-4o')?.cost?.total).toBeCloseTo(2.5, 9);
    expect(rows.find((r) => r.group.model === 'gpt-4o-mini')?.cost?.total).toBeCloseTo(0.15, 9);
  });
});
