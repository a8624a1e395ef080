import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  ConfigError,
  createGateway,
  fallback,
  budget,
  memoryStore,
  pricing,
  type BudgetThresholdEvent,
  type ChatRequest,
  type Middleware,
} from '../../src/index.js';
import { mockProvider, type MockResponse } from '../../src/testing/index.js';
import type { NormalizedRequest } from '../../src/types/request.js';

// $1 per 1M input tokens, $2 per 1M output tokens on the mock model; the cheap one is 10× cheaper.
const prices = pricing({
  builtIn: false,
  prices: {
    'llm/big': { input: 1, output: 2 },
    'llm/gpt-4o': { input: 1, output: 2 },
    'llm/small': { input: 0.1, output: 0.2 },
    'llm/other': { input: 5, output: 10 },
  },
});

const ask = (content = 'hello there', extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'llm/big', messages: [{ role: 'user', content }], ...extra });

function gw(middleware: Middleware[], responses?: MockResponse | ((r: NormalizedRequest) => MockResponse)) {
  const llm = mockProvider({ fallback: responses ?? ((r) => ({ text: 'ok', usage: { inputTokens: 5, outputTokens: Math.min(r.maxTokens ?? 10, 10) } })) });
  const gateway = createGateway({ providers: { llm }, middleware, pricing: prices, telemetry: false, models: { cheap: 'llm/small' } });
  return { llm, gateway };
}

const usd = (n: number) => expect.closeTo(n, 9);

describe('budget(): reservations', () => {
  it('1,000 concurrent calls against a cap that affords about 100 never overspend', async () => {
    const b = budget({ limits: [{ usd: 0.2, window: 'day' }] });
    // Each call may produce up to 1,000 tokens ($0.002 worst case); it produces 500–1,000.
    let i = 0;
    const { gateway, llm } = gw([b], (r) => ({ text: 'x', latencyMs: (i++ % 7) + 1, usage: { inputTokens: 3, outputTokens: Math.min(r.maxTokens!, 500 + ((i * 37) % 501)) } }));
    const results = await Promise.allSettled(Array.from({ length: 1000 }, () => gateway.chat(ask('hi', { maxTokens: 1000 }))));
    await b.settled();
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected');
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(BudgetExceededError);
    const [status] = await b.status();
    expect(status!.reserved).toBe(0);
    expect(status!.spent).toBeLessThanOrEqual(0.2 + 1e-12);
    // Every provider call was reserved first, so the mock saw exactly the admitted calls.
    expect(llm.calls.length).toBe(ok);
    expect(ok).toBeGreaterThanOrEqual(99);
    expect(refused.length).toBeGreaterThan(700);
    // Settled on actual usage: the sum of the answers' costs is the spend.
    const total = results.reduce((s, r) => s + (r.status === 'fulfilled' ? r.value.cost!.total : 0), 0);
    expect(status!.spent).toBeCloseTo(total, 9);
  });

  it('sets maxTokens to fit the remaining budget and the model limit when the request has none', async () => {
    const b = budget({ limits: [{ usd: 0.01, window: 'month' }] });
    const { gateway, llm } = gw([b]);
    await gateway.chat({ ...ask(), model: 'llm/big' });
    const first = llm.calls[0]!.request.maxTokens!;
    // room $0.01 minus the input at $1/M, at $2/M per output token: just under 5,000 tokens.
    expect(first).toBeGreaterThan(4900);
    expect(first).toBeLessThanOrEqual(5000);
    // A model with a known output limit is never asked for more than it allows.
    const roomy = budget({ limits: [{ usd: 100, window: 'month' }] });
    const g2 = gw([roomy]);
    await g2.gateway.chat({ ...ask(), model: 'llm/gpt-4o' });
    expect(g2.llm.calls[0]!.request.maxTokens).toBe(16_384);
    // The caller's own maxTokens is left alone.
    await g2.gateway.chat({ ...ask(), model: 'llm/gpt-4o', maxTokens: 77 });
    expect(g2.llm.calls[1]!.request.maxTokens).toBe(77);
  });

  it('the request a layer above sees is not changed, only the attempt', async () => {
    const b = budget({ limits: [{ tokens: 10_000, window: 'day' }] });
    const seen: Array<number | undefined> = [];
    const spy: Middleware = {
      name: 'spy',
      handle: (ctx, next) => {
        seen.push(ctx.request.maxTokens);
        return next();
      },
    };
    const { gateway, llm } = gw([b, spy]);
    await gateway.chat(ask());
    expect(seen).toEqual([undefined]);
    expect(llm.calls[0]!.request.maxTokens).toBeGreaterThan(0);
  });

  it('rejects with a typed error naming scope, limit, spent and reset', async () => {
    const b = budget({ name: 'team-spend', limits: [{ name: 'monthly', usd: 0.002, scope: 'team', window: 'month', timeZone: 'Europe/Berlin' }] });
    const { gateway } = gw([b], { text: 'x', usage: { inputTokens: 5, outputTokens: 900 } });
    await gateway.chat(ask('a', { maxTokens: 900, metadata: { team: 'search' } }));
    const err = await gateway.chat(ask('a', { maxTokens: 900, metadata: { team: 'search' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BudgetExceededError);
    const e = err as BudgetExceededError;
    expect(e).toMatchObject({ budget: 'team-spend', limit: 'monthly', scope: 'team=search', metric: 'usd', cap: 0.002, reserved: 0, target: 'llm/big', code: 'budget_exceeded', retryable: false });
    expect(e.spent).toBeCloseTo(0.000005 + 0.0018, 9);
    // The worst case: 900 output tokens at $2/M plus a few input tokens at $1/M.
    expect(e.requested).toBeGreaterThan(0.0018);
    expect(e.requested).toBeLessThan(0.00182);
    // Next month starts at local midnight in Berlin.
    const reset = new Date(e.resetAt!);
    expect(reset.getTime()).toBeGreaterThan(Date.now());
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).format(reset)).toMatch(/^1,? 00:00$/);
    expect(e.message).toContain("budget 'team-spend' limit 'monthly' (team=search)");
    // The failed call lists a skipped attempt: no provider call was made.
    expect(e.attempts?.map((a) => a.outcome)).toEqual(['skipped']);
    // Another team is not affected.
    await expect(gateway.chat(ask('a', { maxTokens: 900, metadata: { team: 'ads' } }))).resolves.toBeDefined();
  });

  it('scopes by metadata key: calls without the key share one counter; by function: undefined means exempt', async () => {
    const b = budget({
      limits: [
        { name: 'per-user', tokens: 100, scope: 'user', window: 'day' },
        { name: 'vip-exempt', tokens: 100, scope: (m) => (m.tags?.includes('vip') ? undefined : 'non-vip'), window: 'day' },
      ],
    });
    const { gateway } = gw([b], { text: 'x', usage: { inputTokens: 10, outputTokens: 40 } });
    const call = (metadata: Record<string, unknown>) => gateway.chat(ask('hi', { maxTokens: 40, metadata }));
    await call({ user: 'a' });
    const s = await b.status({ user: 'a' });
    expect(s.map((x) => [x.limit, x.scope, x.spent])).toEqual([
      ['per-user', 'user=a', 50],
      ['vip-exempt', 'non-vip', 50],
    ]);
    expect((await b.status({ user: 'b', tags: ['vip'] })).map((x) => [x.scope, x.spent])).toEqual([['user=b', 0]]);
    await call({});
    expect((await b.status({}))[0]).toMatchObject({ scope: 'user=(none)', spent: 50 });
  });

  it('fingerprints API keys in scopes, errors and status', async () => {
    const b = budget({ limits: [{ tokens: 1, scope: 'apiKey', window: 'day' }] });
    const { gateway } = gw([b]);
    const err = (await gateway.chat(ask('hi', { maxTokens: 5, metadata: { apiKey: 'sk-live-secret-123' } })).catch((e: unknown) => e)) as BudgetExceededError;
    expect(err).toBeInstanceOf(BudgetExceededError);
    expect(err.scope).toMatch(/^apiKey=sha256:[0-9a-f]{16}$/);
    expect(JSON.stringify({ ...err, attempts: undefined }) + err.message + JSON.stringify(await b.status({ apiKey: 'sk-live-secret-123' }))).not.toContain('sk-live-secret-123');
  });

  it('releases the hold when the provider fails, and fallback reserves at the next target’s prices', async () => {
    const b = budget({ limits: [{ usd: 1, window: 'day' }] });
    const llm = mockProvider({ responses: [{ error: { status: 500 } }], fallback: { text: 'ok', usage: { inputTokens: 5, outputTokens: 5 } } });
    const gateway = createGateway({
      providers: { llm },
      pricing: prices,
      telemetry: false,
      middleware: [b],
      models: { chain: [fallback(['llm/other', 'llm/small'], { retries: 0 })] },
    });
    const res = await gateway.chat({ model: 'chain', messages: [{ role: 'user', content: 'hi' }], maxTokens: 100 });
    await b.settled();
    const reserves = res.routing.filter((r) => r.layer === 'budget' && r.action === 'reserve');
    expect(reserves.map((r) => r.target)).toEqual(['llm/other', 'llm/small']);
    // $10/M vs $0.2/M output: the fail-over's worst case is 50× smaller.
    expect((reserves[0]!.detail!.usd as number) / (reserves[1]!.detail!.usd as number)).toBeGreaterThan(45);
    const [s] = await b.status();
    expect(s!.reserved).toBe(0);
    expect(s!.spent).toEqual(usd(res.cost!.total));
  });

  it('a stream cut before content releases; cut after content charges input and what was produced', async () => {
    const b = budget({ limits: [{ tokens: 100_000, window: 'day' }] });
    const { gateway } = gw([b], { chunks: ['a'.repeat(40), 'b'.repeat(40), 'c'], latencyMs: 30, chunkDelayMs: 5, usage: { inputTokens: 5, outputTokens: 30 } });
    // Abandoned while waiting for the first chunk: nothing was produced.
    const s1 = gateway.stream(ask('hi', { maxTokens: 1000 }));
    const reading = s1[Symbol.asyncIterator]().next().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 10));
    expect((await b.status())[0]!.reserved).toBeGreaterThan(1000);
    s1.abort();
    await reading;
    await b.settled();
    expect((await b.status())[0]).toMatchObject({ spent: 0, reserved: 0 });
    // Abandoned after the first chunk (40 bytes ≈ 10 tokens) — charged, not released.
    const s2 = gateway.stream(ask('hi', { maxTokens: 1000 }));
    for await (const ev of s2) if (ev.type === 'text-delta') break;
    await b.settled();
    const [after] = await b.status();
    expect(after!.reserved).toBe(0);
    expect(after!.spent).toBeGreaterThanOrEqual(10);
    expect(after!.spent).toBeLessThan(1000);
  });

  it('abort before the provider answers releases the reservation', async () => {
    const b = budget({ limits: [{ tokens: 100_000, window: 'day' }] });
    const { gateway } = gw([b], { text: 'late', latencyMs: 200 });
    const ac = new AbortController();
    const p = gateway.chat(ask('hi', { maxTokens: 500, signal: ac.signal }));
    await new Promise((r) => setTimeout(r, 20));
    expect((await b.status())[0]!.reserved).toBeGreaterThan(500);
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await b.settled();
    expect((await b.status())[0]).toMatchObject({ spent: 0, reserved: 0 });
  });

  it('a stream that never reports usage settles at the reserved amount', async () => {
    const b = budget({ limits: [{ outputTokens: 10_000, window: 'day' }] });
    const { gateway } = gw([b], { chunks: ['x'], usage: null });
    const s = gateway.stream(ask('hi', { maxTokens: 321 }));
    await s.response;
    await b.settled();
    expect((await b.status())[0]).toMatchObject({ spent: 321, reserved: 0 });
  });

  it('calls onThreshold once per crossing', async () => {
    const events: BudgetThresholdEvent[] = [];
    const b = budget({ limits: [{ name: 't', tokens: 1000, window: 'day', thresholds: [0.5, 0.8] }], onThreshold: (e) => events.push(e) });
    const { gateway } = gw([b], { text: 'x', usage: { inputTokens: 100, outputTokens: 100 } });
    for (let i = 0; i < 4; i++) await gateway.chat(ask('hi', { maxTokens: 100 }));
    await b.settled();
    expect(events.map((e) => [e.threshold, e.spent])).toEqual([
      [0.5, 600],
      [0.8, 800],
    ]);
    expect(events[0]).toMatchObject({ budget: 'budget', limit: 't', scope: 'global', metric: 'tokens', cap: 1000 });
  });

  it('degrades to a cheaper alias at the cap instead of rejecting', async () => {
    const b = budget({ limits: [{ usd: 0.001, window: 'day', onExceeded: { degradeTo: 'cheap' } }] });
    const { gateway, llm } = gw([b], { text: 'x', usage: { inputTokens: 5, outputTokens: 400 } });
    await gateway.chat(ask('hi', { maxTokens: 400 })); // big: $0.0008 worst case fits
    const res = await gateway.chat(ask('hi', { maxTokens: 400 })); // big no longer fits; small does
    expect(llm.calls.map((c) => c.model)).toEqual(['big', 'small']);
    expect(res.routing.find((r) => r.action === 'degrade')).toMatchObject({ layer: 'budget', target: 'cheap', detail: { from: 'llm/big' } });
    // When even the cheap route does not fit, the call is refused.
    const tight = budget({ limits: [{ usd: 0.00001, window: 'day', onExceeded: { degradeTo: 'cheap' } }] });
    const g2 = gw([tight]);
    await expect(g2.gateway.chat(ask('hi', { maxTokens: 400 }))).rejects.toBeInstanceOf(BudgetExceededError);
    expect(g2.llm.calls).toHaveLength(0);
  });

  it('refuses a USD limit on a model without a price unless told to allow it', async () => {
    const llm = mockProvider();
    const strictGw = createGateway({ providers: { llm }, telemetry: false, pricing: prices, middleware: [budget({ limits: [{ usd: 1, window: 'day' }] })] });
    const err = await strictGw.chat({ model: 'llm/unknown-model', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('budget.limits[0].usd');
    expect(llm.calls).toHaveLength(0);
    const lax = createGateway({ providers: { llm }, telemetry: false, pricing: prices, middleware: [budget({ unpriced: 'allow', limits: [{ usd: 1, window: 'day' }] })] });
    await expect(lax.chat({ model: 'llm/unknown-model', messages: [{ role: 'user', content: 'hi' }] })).resolves.toBeDefined();
  });

  it('strict mode reserves on an upper bound of the input', async () => {
    const text = '漢字とかなの文章です。'.repeat(50);
    const loose = budget({ limits: [{ inputTokens: 1e9, window: 'day' }] });
    const strict = budget({ strict: true, limits: [{ inputTokens: 1e9, window: 'day' }] });
    const a = gw([loose]);
    const b2 = gw([strict]);
    const r1 = await a.gateway.chat(ask(text));
    const r2 = await b2.gateway.chat(ask(text));
    const est = (r: typeof r1) => r.routing.find((e) => e.action === 'reserve')!.detail!.inputTokens as number;
    expect(est(r2)).toBeGreaterThanOrEqual(Buffer.byteLength(text));
    expect(est(r2)).toBeGreaterThan(est(r1));
  });

  it('a store failure refuses the call by default and lets it through with onStoreError: allow', async () => {
    const broken = { ...memoryStore(), reserve: () => Promise.reject(new Error('connection refused')), peek: () => Promise.reject(new Error('connection refused')) };
    const g1 = gw([budget({ store: broken, limits: [{ tokens: 100, window: 'day' }] })]);
    await expect(g1.gateway.chat(ask('hi', { maxTokens: 5 }))).rejects.toMatchObject({ name: 'GovernanceStoreError', code: 'governance_store_error' });
    expect(g1.llm.calls).toHaveLength(0);
    const g2 = gw([budget({ store: broken, onStoreError: 'allow', onError: () => {}, limits: [{ tokens: 100, window: 'day' }] })]);
    await expect(g2.gateway.chat(ask('hi', { maxTokens: 5 }))).resolves.toBeDefined();
  });

  it('shares counters through a store: two gateways, one cap', async () => {
    const store = memoryStore();
    const mk = () => budget({ store, name: 'shared', limits: [{ tokens: 100, window: 'day' }] });
    const b1 = mk();
    const b2 = mk();
    const g1 = gw([b1], { text: 'x', usage: { inputTokens: 10, outputTokens: 30 } });
    const g2 = gw([b2], { text: 'x', usage: { inputTokens: 10, outputTokens: 30 } });
    await g1.gateway.chat(ask('hi', { maxTokens: 30 }));
    await g2.gateway.chat(ask('hi', { maxTokens: 30 }));
    await b1.settled();
    await b2.settled();
    expect((await b1.status())[0]!.spent).toBe(80);
    await expect(g1.gateway.chat(ask('hi', { maxTokens: 30 }))).rejects.toBeInstanceOf(BudgetExceededError);
  });
});

describe('budget(): configuration errors name the field', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['no limits', () => budget({ limits: [] }), 'budget.limits'],
    ['two metrics', () => budget({ limits: [{ usd: 1, tokens: 5, window: 'day' }] }), 'budget.limits[0]'],
    ['no metric', () => budget({ limits: [{ window: 'day' }] }), 'budget.limits[0]'],
    ['negative cap', () => budget({ limits: [{ usd: -1, window: 'day' }] }), 'budget.limits[0].usd'],
    ['bad window', () => budget({ limits: [{ usd: 1, window: 'fortnight' as 'day' }] }), 'budget.limits[0].window'],
    ['bad rolling', () => budget({ limits: [{ usd: 1, window: { rolling: '3 weeks' as '3d' } }] }), 'budget.limits[0].window'],
    ['bad zone', () => budget({ limits: [{ usd: 1, window: 'day', timeZone: 'Mars/Olympus' }] }), 'budget.limits[0].timeZone'],
    ['bad threshold', () => budget({ limits: [{ usd: 1, window: 'day', thresholds: [80] }] }), 'budget.limits[0].thresholds[0]'],
    ['bad degrade', () => budget({ limits: [{ usd: 1, window: 'day', onExceeded: { degradeTo: '' } }] }), 'budget.limits[0].onExceeded'],
    ['duplicate names', () => budget({ limits: [{ name: 'a', usd: 1, window: 'day' }, { name: 'a', usd: 2, window: 'day' }] }), 'budget.limits[1].name'],
    ['short lease', () => budget({ leaseMs: 5, limits: [{ usd: 1, window: 'day' }] }), 'budget.leaseMs'],
  ];
  for (const [what, make, path] of cases) {
    it(what, () => {
      let err: unknown;
      try {
        make();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).path).toBe(path);
    });
  }
});
