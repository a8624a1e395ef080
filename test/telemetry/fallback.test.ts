// Several attempts in one call: a fall-over through the gateway, and per-attempt cost through the
// real attempt core with a Pricer (the gateway's `pricing` option is wired by the lead separately).
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createGateway, type CallContext, type ProviderError, type Middleware, type Pricer, type StreamEvent, type Usage } from '../../src/index.js';
import { startCallObservers } from '../../src/core/instrumentation.js';
import { ConcurrencyLimits } from '../../src/core/concurrency-limits.js';
import { ResponseBuilder } from '../../src/core/response-builder.js';
import { attemptGenerate, CALL_OBSERVER, type AttemptServices } from '../../src/core/run-attempt.js';
import { HealthRegistry } from '../../src/core/target-health.js';
import { normalizeRequest } from '../../src/request/normalize-request.js';
import { recordRouting } from '../../src/routing/record-routing.js';
import { telemetry } from '../../src/telemetry/index.js';
import { mockProvider } from '../../src/testing/index.js';
import type { FinishEvent } from '../../src/types/stream-event.js';
import { histogramPoints, idOf, installOtel, onlySpan, parentOf, pointsOf, where, type OtelHarness } from './otel-harness.js';

let otel: OtelHarness;
beforeAll(() => {
  otel = installOtel();
});
afterAll(() => otel.uninstall());
beforeEach(() => otel.reset());

/** A two-step "try A, then B on a retryable error" layer that logs its decision like the routing layers do. */
function tryInOrder(models: readonly string[]): Middleware {
  return {
    name: 'try-in-order',
    async *handle(ctx, next) {
      for (let i = 0; i < models.length; i++) {
        try {
          yield* next({ model: models[i] });
          return;
        } catch (err) {
          // ProviderErrors that say so, and CircuitOpenError, are worth trying elsewhere.
          const retryable = (err as { retryable?: unknown }).retryable === true;
          if (i === models.length - 1 || !retryable) throw err;
          recordRouting(ctx, 'fallback', 'fail-over', models[i + 1], { reason: (err as ProviderError).code });
        }
      }
    },
  };
}

const messages = [{ role: 'user' as const, content: 'hi' }];

describe('fall-over through the gateway', () => {
  function gateway() {
    const primary = mockProvider({ kind: 'openai', fallback: { error: { status: 429, message: 'slow down' } } });
    const backup = mockProvider({ kind: 'anthropic', fallback: { chunks: ['from ', 'the ', 'backup'], usage: { inputTokens: 30, outputTokens: 4, cacheReadTokens: 10 } } });
    return createGateway({
      providers: { primary, backup },
      models: { smart: [tryInOrder(['primary/big-model', 'backup/claude-x'])] },
      telemetry: { env: {} },
      circuitBreaker: false,
    });
  }

  it.each(['generate', 'stream'] as const)('%s: two attempt spans under one call span, the failed one in error', async (mode) => {
    const gw = gateway();
    const res = mode === 'generate' ? await gw.chat({ model: 'smart', messages, metadata: { team: 't1' } }) : await gw.stream({ model: 'smart', messages, metadata: { team: 't1' } }).response;
    expect(res.text).toBe('from the backup');

    const spans = otel.spans();
    expect(spans).toHaveLength(3);
    const call = onlySpan(spans, 'switchyard chat smart');
    const first = onlySpan(spans, 'chat big-model');
    const second = onlySpan(spans, 'chat claude-x');
    expect(parentOf(first)).toBe(idOf(call));
    expect(parentOf(second)).toBe(idOf(call));
    expect([first.kind, second.kind]).toEqual([SpanKind.CLIENT, SpanKind.CLIENT]);

    expect(first.status.code).toBe(SpanStatusCode.ERROR);
    expect(first.attributes).toMatchObject({
      'gen_ai.provider.name': 'primary',
      'error.type': 'rate_limited',
      'http.response.status_code': 429,
      'switchyard.attempt.index': 0,
      'switchyard.attempt.outcome': 'error',
      'switchyard.target': 'primary/big-model',
    });
    expect(first.attributes['gen_ai.usage.input_tokens']).toBeUndefined();

    expect(second.status.code).toBe(SpanStatusCode.UNSET);
    expect(second.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cache_read.input_tokens': 10,
      'switchyard.attempt.index': 1,
      'switchyard.attempt.outcome': 'success',
      'switchyard.target': 'backup/claude-x',
    });
    expect(second.attributes['gen_ai.request.stream']).toBe(mode === 'stream' ? true : undefined);

    expect(call.status.code).toBe(SpanStatusCode.UNSET);
    expect(call.attributes).toMatchObject({
      'switchyard.attempt.count': 2,
      'switchyard.fallback.count': 1,
      'switchyard.response.target': 'backup/claude-x',
      'switchyard.metadata.team': 't1',
    });
    // The routing decision is a span event on the call span, at the time it was made.
    expect(call.events.map((e) => e.name)).toEqual(['switchyard.fallback.fail-over']);
    const ev = call.events[0]!;
    expect(ev.attributes).toMatchObject({
      'switchyard.routing.layer': 'fallback',
      'switchyard.routing.action': 'fail-over',
      'switchyard.routing.target': 'backup/claude-x',
      'switchyard.routing.reason': 'rate_limited',
    });
    const toNs = (t: [number, number]): number => t[0] * 1e9 + t[1];
    expect(toNs(ev.time)).toBeGreaterThanOrEqual(toNs(call.startTime) - 1e6);
    expect(toNs(ev.time)).toBeLessThanOrEqual(toNs(call.endTime) + 1e6);

    const m = await otel.metrics();
    const attempts = pointsOf<number>(m, 'switchyard.attempts');
    expect(where(attempts, { 'switchyard.attempt.outcome': 'error', 'gen_ai.provider.name': 'primary', 'error.type': 'rate_limited', 'switchyard.metadata.team': 't1' })[0]?.value).toBe(1);
    expect(where(attempts, { 'switchyard.attempt.outcome': 'success', 'gen_ai.provider.name': 'anthropic' })[0]?.value).toBe(1);
    const durations = histogramPoints(m, 'gen_ai.client.operation.duration');
    expect(durations).toHaveLength(2);
    expect(where(durations, { 'error.type': 'rate_limited' })).toHaveLength(1);
  });

  it('a call whose every attempt fails ends its span in error with the last error', async () => {
    const gw = createGateway({
      providers: { a: mockProvider({ fallback: { error: { status: 429 } } }), b: mockProvider({ fallback: { error: { status: 500 } } }) },
      models: { smart: [tryInOrder(['a/x', 'b/y'])] },
      telemetry: { env: {} },
      circuitBreaker: false,
    });
    await expect(gw.chat({ model: 'smart', messages })).rejects.toThrow();
    const spans = otel.spans();
    const call = onlySpan(spans, 'switchyard chat smart');
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.attributes).toMatchObject({ 'error.type': 'server_error', 'switchyard.attempt.count': 2, 'switchyard.fallback.count': 1 });
    expect(onlySpan(spans, 'chat x').attributes['error.type']).toBe('rate_limited');
    expect(onlySpan(spans, 'chat y').attributes['error.type']).toBe('server_error');
  });

  it('counts attempts the circuit breaker refused', async () => {
    const gw = createGateway({
      providers: { a: mockProvider({ fallback: { error: { status: 500 } } }), b: mockProvider({ fallback: { text: 'ok' } }) },
      models: { smart: [tryInOrder(['a/x', 'b/y'])] },
      telemetry: { env: {} },
      circuitBreaker: { consecutiveFailures: 1, cooldownMs: 60_000 },
    });
    await gw.chat({ model: 'smart', messages }); // a fails (opens its circuit), b serves
    otel.reset();
    const res = await gw.chat({ model: 'smart', messages }); // a is skipped without a call
    expect(res.attempts.map((a) => a.outcome)).toEqual(['skipped', 'success']);
    const spans = otel.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['chat y', 'switchyard chat smart']);
    expect(onlySpan(spans, 'switchyard chat smart').attributes).toMatchObject({ 'switchyard.attempt.count': 2, 'switchyard.attempt.skipped': 1 });
    const attempts = pointsOf<number>(await otel.metrics(), 'switchyard.attempts');
    expect(where(attempts, { 'switchyard.attempt.outcome': 'skipped', 'gen_ai.request.model': 'x', 'error.type': 'circuit_open' })[0]?.value).toBe(1);
  });
});

describe('per-attempt cost through the attempt core', () => {
  /** $1 per 1M input tokens and $2 per 1M output tokens for every model; `free/*` has no price. */
  const pricer: Pricer = {
    price(target, _kind, usage: Usage) {
      if (target.provider === 'free') return undefined;
      const input = usage.inputTokens / 1e6;
      const output = (usage.outputTokens * 2) / 1e6;
      return { currency: 'USD', total: input + output, input, cachedInput: 0, cacheWrite: 0, output, reasoning: 0 };
    },
  };

  function callContext(): CallContext {
    const health = new HealthRegistry(false);
    return {
      id: 'test-1',
      mode: 'generate',
      model: 'smart',
      requestedModel: 'smart',
      request: normalizeRequest({ model: 'smart', messages }),
      metadata: { team: 'billing' },
      signal: new AbortController().signal,
      deadline: undefined,
      attempts: [],
      state: new Map(),
      routing: [],
      limits: undefined,
      guards: [],
      health,
      startedAt: performance.now(),
      resolve: () => undefined,
    };
  }

  it('each attempt span carries its own usage and gen_ai.usage.cost; the call span the total', async () => {
    const ctx = callContext();
    const observer = startCallObservers([telemetry({ env: {} })], ctx)!;
    ctx.state.set(CALL_OBSERVER, observer);
    const svc: AttemptServices = { health: ctx.health as HealthRegistry, limits: new ConcurrencyLimits(undefined), pricer };
    // Two complete answers, the first rejected by a (hypothetical) validating layer: both are billed.
    const a = mockProvider({ fallback: { text: 'not json', usage: { inputTokens: 1000, outputTokens: 100 } } });
    const b = mockProvider({ fallback: { text: '{"ok":true}', usage: { inputTokens: 2000, outputTokens: 300 } } });
    const c = mockProvider({ fallback: { text: 'unpriced', usage: { inputTokens: 5, outputTokens: 5 } } });
    await attemptGenerate(ctx, { provider: 'a', model: 'm1', id: 'a/m1' }, a, svc);
    await attemptGenerate(ctx, { provider: 'free', model: 'm3', id: 'free/m3' }, c, svc);
    const events: StreamEvent[] = await attemptGenerate(ctx, { provider: 'b', model: 'm2', id: 'b/m2' }, b, svc);
    const builder = new ResponseBuilder(ctx.startedAt);
    for (const ev of events) builder.add(ev);
    const response = builder.build(events.at(-1) as FinishEvent, Date.now(), ctx.attempts, ctx.routing);
    observer.end(response, undefined);

    const spans = otel.spans();
    const first = onlySpan(spans, 'chat m1');
    const unpriced = onlySpan(spans, 'chat m3');
    const second = onlySpan(spans, 'chat m2');
    expect(first.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1000, 'gen_ai.usage.output_tokens': 100 });
    expect(first.attributes['gen_ai.usage.cost']).toBeCloseTo(0.0012, 12);
    expect(second.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 2000, 'gen_ai.usage.output_tokens': 300 });
    expect(second.attributes['gen_ai.usage.cost']).toBeCloseTo(0.0026, 12);
    // No price: no cost attribute at all (never 0).
    expect(unpriced.attributes['gen_ai.usage.cost']).toBeUndefined();
    expect(unpriced.attributes['gen_ai.usage.input_tokens']).toBe(5);
    // The HEAD cost attributes only under the latest-experimental opt-in.
    expect(first.attributes['gen_ai.usage.cost.amount']).toBeUndefined();

    const call = onlySpan(spans, 'switchyard chat smart');
    expect(call.attributes['switchyard.cost.total']).toBeCloseTo(0.0038, 12);
    expect(call.attributes['switchyard.attempt.count']).toBe(3);
    expect(Object.keys(call.attributes).filter((k) => k.startsWith('gen_ai.'))).toEqual([]);

    const m = await otel.metrics();
    const costs = pointsOf<number>(m, 'switchyard.cost');
    expect(where(costs, { 'gen_ai.request.model': 'm1', 'switchyard.metadata.team': 'billing' })[0]?.value).toBeCloseTo(0.0012, 12);
    expect(where(costs, { 'gen_ai.request.model': 'm2' })[0]?.value).toBeCloseTo(0.0026, 12);
    expect(where(costs, { 'gen_ai.request.model': 'm3' })).toHaveLength(0);
    expect(m.get('switchyard.cost')?.descriptor.unit).toBe('USD');
    const hist = histogramPoints(m, 'gen_ai.client.operation.cost');
    expect(where(hist, { 'gen_ai.request.model': 'm2', 'gen_ai.usage.cost.currency': 'USD', 'gen_ai.usage.cost.source': 'local' })[0]?.value.sum).toBeCloseTo(0.0026, 12);
  });

  it('latest-experimental adds gen_ai.usage.cost.amount, currency and source', async () => {
    const ctx = callContext();
    const observer = startCallObservers([telemetry({ env: {}, semconv: 'latest_experimental' })], ctx)!;
    ctx.state.set(CALL_OBSERVER, observer);
    const svc: AttemptServices = { health: ctx.health as HealthRegistry, limits: new ConcurrencyLimits(undefined), pricer };
    await attemptGenerate(ctx, { provider: 'a', model: 'm1', id: 'a/m1' }, mockProvider({ fallback: { text: 'x', usage: { inputTokens: 1000, outputTokens: 100 } } }), svc);
    observer.end(undefined, new Error('stopped'));
    const attempt = onlySpan(otel.spans(), 'chat m1');
    expect(attempt.attributes['gen_ai.usage.cost']).toBeCloseTo(0.0012, 12);
    expect(attempt.attributes['gen_ai.usage.cost.amount']).toBeCloseTo(0.0012, 12);
    expect(attempt.attributes).toMatchObject({ 'gen_ai.usage.cost.currency': 'USD', 'gen_ai.usage.cost.source': 'local' });
    const call = onlySpan(otel.spans(), 'switchyard chat smart');
    expect(call.attributes['error.type']).toBe('Error');
    expect(call.attributes['switchyard.cost.total']).toBeUndefined();
  });
});

describe('hedged calls', () => {
  it('the aborted loser gets its own attempt span, in error as aborted; the call span names the winner', async () => {
    const { hedge } = await import('../../src/routing/hedge.js');
    const gw = createGateway({
      providers: {
        slow: mockProvider({ fallback: { text: 'too late', latencyMs: 2_000 } }),
        fast: mockProvider({ fallback: { text: 'fast answer', latencyMs: 1 } }),
      },
      models: { raced: [hedge(['slow/a', 'fast/b'], { after: 5 })] },
      telemetry: { env: {} },
      circuitBreaker: false,
    });
    const res = await gw.chat({ model: 'raced', messages });
    expect(res.text).toBe('fast answer');
    // The loser's span ends when its attempt is torn down, which may be just after the call returns.
    await vi.waitFor(() => expect(otel.spans()).toHaveLength(3), { timeout: 5_000 });
    const spans = otel.spans();
    const call = onlySpan(spans, 'switchyard chat raced');
    const loser = onlySpan(spans, 'chat a');
    const winner = onlySpan(spans, 'chat b');
    expect(parentOf(loser)).toBe(idOf(call));
    expect(parentOf(winner)).toBe(idOf(call));
    expect(loser.status.code).toBe(SpanStatusCode.ERROR);
    expect(loser.attributes).toMatchObject({ 'switchyard.attempt.outcome': 'aborted', 'error.type': 'aborted', 'gen_ai.response.finish_reasons': ['error'] });
    expect(winner.attributes).toMatchObject({ 'switchyard.attempt.outcome': 'success', 'switchyard.attempt.index': 1 });
    expect(call.attributes).toMatchObject({ 'switchyard.hedge.count': 2, 'switchyard.hedge.winner': 'fast/b', 'switchyard.response.target': 'fast/b' });
    expect(call.events.map((e) => e.name)).toEqual(['switchyard.hedge.start', 'switchyard.hedge.start', 'switchyard.hedge.win']);
  });
});

describe('with the fallback layer', () => {
  it('one span per attempt, the fail-over as an event, fallback.count counting moves only', async () => {
    const { fallback } = await import('../../src/routing/fallback.js');
    const gw = createGateway({
      providers: { a: mockProvider({ fallback: { error: { status: 500 } } }), b: mockProvider({ fallback: { text: 'from b' } }) },
      models: { smart: [fallback(['a/x', 'b/y'], { retries: 0 })] },
      telemetry: { env: {} },
      circuitBreaker: false,
    });
    expect((await gw.chat({ model: 'smart', messages })).text).toBe('from b');
    const spans = otel.spans();
    const call = onlySpan(spans, 'switchyard chat smart');
    expect(parentOf(onlySpan(spans, 'chat x'))).toBe(idOf(call));
    expect(parentOf(onlySpan(spans, 'chat y'))).toBe(idOf(call));
    expect(onlySpan(spans, 'chat x').attributes['error.type']).toBe('server_error');
    expect(call.events.map((e) => e.name)).toContain('switchyard.fallback.fail-over');
    const moves = call.events.filter((e) => ['retry', 'fail-over', 'restart', 'continue'].includes(String(e.attributes?.['switchyard.routing.action']))).length;
    expect(call.attributes['switchyard.fallback.count']).toBe(moves);
    expect(call.attributes['switchyard.attempt.count']).toBe(2);
  });
});
