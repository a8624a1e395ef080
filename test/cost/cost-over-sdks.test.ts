import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyLimits } from '../../src/core/concurrency-limits.js';
import { attemptGenerate, attemptStream, type AttemptServices } from '../../src/core/run-attempt.js';
import { HealthRegistry } from '../../src/core/target-health.js';
import { pricing } from '../../src/cost/pricing.js';
import { createGateway, type CallContext, type Cost, type FinishEvent, type GatewayConfig, type StreamEvent } from '../../src/index.js';
import { normalizeRequest } from '../../src/request/normalize-request.js';
import { mockProvider } from '../../src/testing/index.js';
import { MODELS, startSdkFixture, type ProviderName, type SdkFixture } from '../integration/sdk-fixtures.js';
import { usd } from './helpers.js';

// End to end: the real SDKs against their fake servers, each provider's own usage arithmetic on the
// wire, the adapters' normalisation, and the pricer in the attempt core. The fake servers take
// usage in switchyard's vocabulary and render it the provider's way (Anthropic's input_tokens
// without cache tokens, Gemini's candidates without thoughts), so these prove the whole chain.

const prices = pricing({ warn: false });
const messages = [{ role: 'user' as const, content: 'hi' }];

let fx: SdkFixture;
beforeAll(async () => {
  fx = await startSdkFixture();
});
afterAll(() => fx.close());
beforeEach(() => {
  for (const s of Object.values(fx.servers)) s.reset();
});

function callContext(mode: 'generate' | 'stream', model: string): CallContext {
  return {
    id: 'cost-1',
    mode,
    model,
    requestedModel: model,
    request: normalizeRequest({ model, messages }),
    metadata: {},
    signal: new AbortController().signal,
    deadline: undefined,
    attempts: [],
    state: new Map(),
    routing: [],
    limits: undefined,
    guards: [],
    health: new HealthRegistry(false),
    startedAt: performance.now(),
    resolve: () => undefined,
  };
}

/** One attempt through the attempt core, priced by the real table; returns the finish event and the record. */
async function attempt(name: ProviderName, mode: 'generate' | 'stream') {
  const model = MODELS[name];
  const ctx = callContext(mode, model);
  const target = fx.gateway.resolveTarget(model)!;
  const adapter = fx.gateway.provider(name)!;
  const svc: AttemptServices = { health: ctx.health as HealthRegistry, limits: new ConcurrencyLimits(undefined), pricer: prices };
  const events: StreamEvent[] = [];
  let error: unknown;
  try {
    if (mode === 'generate') events.push(...(await attemptGenerate(ctx, target, adapter, svc)));
    else for await (const ev of attemptStream(ctx, target, adapter, svc)) events.push(ev);
  } catch (err) {
    error = err;
  }
  return { finish: events.at(-1) as FinishEvent, record: ctx.attempts[0]!, error };
}

function expectParts(cost: Cost | undefined, parts: Omit<Cost, 'currency' | 'total'>): void {
  expect(cost).toBeDefined();
  for (const k of Object.keys(parts) as Array<keyof typeof parts>) expect(cost![k], k).toBeCloseTo(parts[k], 12);
  expect(cost!.total).toBeCloseTo(Object.values(parts).reduce((a, b) => a + b, 0), 12);
}

describe.each(['generate', 'stream'] as const)('cost through the real SDKs (%s)', (mode) => {
  it('Anthropic: 100 uncached + 1000 cache read + 500 cache write on the wire → each priced once', async () => {
    fx.servers.anthropic.enqueue({ text: 'ok', usage: { inputTokens: 1600, cacheReadTokens: 1000, cacheWriteTokens: 500, outputTokens: 200 } });
    const { finish, record } = await attempt('anthropic', mode);
    expect(finish.usage).toMatchObject({ inputTokens: 1600, cacheReadTokens: 1000, cacheWriteTokens: 500, outputTokens: 200 });
    // claude-sonnet-4-6 today: input 3, cache read 0.3, cache write 3.75, output 15.
    expectParts(finish.cost, { input: usd(100, 3), cachedInput: usd(1000, 0.3), cacheWrite: usd(500, 3.75), output: usd(200, 15), reasoning: 0 });
    expect(record.cost).toEqual(finish.cost);
  });

  it('OpenAI: prompt 2000 with 1500 cached → 500 × input + 1500 × cache read', async () => {
    fx.servers.openai.enqueue({ text: 'ok', usage: { inputTokens: 2000, cacheReadTokens: 1500, outputTokens: 100, reasoningTokens: 60 } });
    const { finish, record } = await attempt('openai', mode);
    // gpt-4.1-mini: input 0.4, cache read 0.1, output 1.6.
    expectParts(finish.cost, { input: usd(500, 0.4), cachedInput: usd(1500, 0.1), cacheWrite: 0, output: usd(40, 1.6), reasoning: usd(60, 1.6) });
    expect(record.cost).toEqual(finish.cost);
  });

  it('Gemini: candidates 100 + thoughts 400 → output 500 with 400 reasoning, priced as output', async () => {
    fx.servers.google.enqueue({ text: 'ok', usage: { inputTokens: 1000, cacheReadTokens: 200, outputTokens: 500, reasoningTokens: 400 } });
    const { finish, record } = await attempt('google', mode);
    expect(finish.usage).toMatchObject({ outputTokens: 500, reasoningTokens: 400 });
    // gemini-2.5-flash: input 0.3, cache read 0.03, output 2.5.
    expectParts(finish.cost, { input: usd(800, 0.3), cachedInput: usd(200, 0.03), cacheWrite: 0, output: usd(100, 2.5), reasoning: usd(400, 2.5) });
    expect(record.cost).toEqual(finish.cost);
  });

  it('a failed attempt reports no usage and carries no cost', async () => {
    fx.servers.openai.enqueue({ fault: { type: 'status', status: 400, message: 'bad request' } });
    const { record, error } = await attempt('openai', mode);
    expect(error).toMatchObject({ name: 'BadRequestError' });
    expect(record).toMatchObject({ outcome: 'error' });
    expect(record.usage).toBeUndefined();
    expect(record.cost).toBeUndefined();
  });
});



describe('cost on gateway responses (needs createGateway({ pricing }))', () => {
  it('a fallen-over call lists what each attempt cost and totals them; the failed one is not the completion', async () => {
    const a = mockProvider({ kind: 'openai', responses: [{ error: { status: 503 } }] });
    const b = mockProvider({ kind: 'anthropic', responses: [{ text: 'ok', usage: { inputTokens: 1000, outputTokens: 100 } }] });
    const tryBoth: GatewayConfig['middleware'] = [
      async function* fallback(_ctx, next) {
        try {
          yield* next({ model: 'openai/gpt-4.1-mini' });
        } catch {
          yield* next({ model: 'anthropic/claude-sonnet-4-6' });
        }
      },
    ];
    const gw = createGateway({ providers: { openai: a, anthropic: b }, models: { smart: tryBoth! }, circuitBreaker: false, pricing: prices } as GatewayConfig);
    const res = await gw.chat({ model: 'smart', messages });
    expect(res.attempts.map((x) => `${x.target.id}:${x.outcome}`)).toEqual(['openai/gpt-4.1-mini:error', 'anthropic/claude-sonnet-4-6:success']);
    expect(res.attempts[0]!.cost).toBeUndefined();
    expect(res.attempts[1]!.cost?.total).toBeCloseTo(usd(1000, 3) + usd(100, 15), 12);
    expect(res.cost?.total).toBeCloseTo(usd(1000, 3) + usd(100, 15), 12);
    expect(res.target.id).toBe('anthropic/claude-sonnet-4-6');
  });

  it('stream finishes carry the cost, and the response totals it', async () => {
    const gw = createGateway({ providers: { openai: mockProvider({ kind: 'openai', fallback: { chunks: ['a', 'b'], usage: { inputTokens: 100, outputTokens: 10 } } }) }, pricing: prices } as GatewayConfig);
    const s = gw.stream({ model: 'openai/gpt-4o', messages });
    let finish: FinishEvent | undefined;
    for await (const ev of s) if (ev.type === 'finish') finish = ev;
    expect(finish?.cost?.total).toBeCloseTo(usd(100, 2.5) + usd(10, 10), 12);
    expect((await s.response).cost?.total).toBeCloseTo(usd(100, 2.5) + usd(10, 10), 12);
  });
});
