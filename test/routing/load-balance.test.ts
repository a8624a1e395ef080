import { describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { CircuitOpenError } from '../../src/errors/call-errors.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { ServerError } from '../../src/errors/provider-error.js';
import { loadBalance, type LoadBalanceOptions, type LoadBalanceTarget } from '../../src/routing/load-balance.js';
import { mockProvider, type MockProvider, type MockResponse } from '../../src/testing/mock-provider.js';
import type { GatewayConfig } from '../../src/gateway/gateway-config.js';
import type { Middleware } from '../../src/types/middleware.js';

const user = [{ role: 'user' as const, content: 'hi' }];

/** A small seeded PRNG (mulberry32) so sampling and tie-breaks are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Providers a, b, c, … each answering with `fallback` (default: its own name); targets are `<name>/x`. */
function pool(
  names: string[],
  targets: ReadonlyArray<string | LoadBalanceTarget>,
  options: LoadBalanceOptions,
  extra: Partial<GatewayConfig> = {},
  answers: Record<string, MockResponse> = {},
) {
  const providers: Record<string, MockProvider> = {};
  for (const n of names) providers[n] = mockProvider({ fallback: answers[n] ?? { text: n } });
  const gw = createGateway({ providers, models: { pool: [loadBalance(targets, options)] }, circuitBreaker: false, ...extra });
  const call = async (): Promise<string> => (await gw.chat({ model: 'pool', messages: user })).target.id;
  return { gw, providers, call };
}

async function sequence(call: () => Promise<string>, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await call());
  return out;
}

const count = (xs: string[], x: string): number => xs.filter((y) => y === x).length;

describe('loadBalance: round-robin', () => {
  it('smooth weighted order for weights 5/1/1 is a a b a c a a, repeating across calls', async () => {
    const { call } = pool(['a', 'b', 'c'], [{ model: 'a/x', weight: 5 }, 'b/x', 'c/x'], { strategy: 'round-robin' });
    const seq = (await sequence(call, 14)).map((id) => id[0]).join(' ');
    expect(seq).toBe('a a b a c a a a a b a c a a');
  });

  it('is the default strategy; unweighted targets rotate in list order; routing records the pick', async () => {
    const { gw, call } = pool(['a', 'b', 'c'], ['a/x', 'b/x', 'c/x'], {});
    expect(await sequence(call, 6)).toEqual(['a/x', 'b/x', 'c/x', 'a/x', 'b/x', 'c/x']);
    const res = await gw.chat({ model: 'pool', messages: user });
    expect(res.routing).toEqual([{ layer: 'load-balance', action: 'pick', target: 'a/x', atMs: expect.any(Number), detail: { strategy: 'round-robin', priority: 0 } }]);
    const streamed = await gw.stream({ model: 'pool', messages: user }).response;
    expect(streamed.text).toBe('b');
    expect(streamed.routing).toEqual([{ layer: 'load-balance', action: 'pick', target: 'b/x', atMs: expect.any(Number), detail: { strategy: 'round-robin', priority: 0 } }]);
  });

  it('keeps its position per instance: concurrent calls share it, another instance has its own', async () => {
    const shared = loadBalance(['a/x', 'b/x']);
    const a = mockProvider({ fallback: { text: 'a', latencyMs: 5 } });
    const b = mockProvider({ fallback: { text: 'b', latencyMs: 5 } });
    const gw = createGateway({ providers: { a, b }, models: { one: [shared], two: [shared], other: [loadBalance(['a/x', 'b/x'])] } });
    const concurrent = await Promise.all(Array.from({ length: 4 }, (_, i) => gw.chat({ model: i % 2 ? 'one' : 'two', messages: user })));
    expect(concurrent.map((r) => r.target.id)).toEqual(['a/x', 'b/x', 'a/x', 'b/x']);
    expect((await gw.chat({ model: 'other', messages: user })).target.id).toBe('a/x');
    expect((await gw.chat({ model: 'one', messages: user })).target.id).toBe('a/x');
  });

  it('a fallback-style layer that retries the pool alias gets a fresh pick', async () => {
    const a = mockProvider({ responses: [{ error: { status: 503 } }], fallback: { text: 'a' } });
    const b = mockProvider({ fallback: { text: 'b' } });
    const retryOnce: Middleware = {
      name: 'retry-once',
      async *handle(_ctx, next) {
        try {
          yield* next({ model: 'pool' });
        } catch {
          yield* next({ model: 'pool' });
        }
      },
    };
    const gw = createGateway({ providers: { a, b }, models: { pool: [loadBalance(['a/x', 'b/x'])], smart: [retryOnce] }, circuitBreaker: false });
    const res = await gw.chat({ model: 'smart', messages: user });
    expect(res.text).toBe('b');
    expect(res.attempts.map((x) => `${x.target.id}:${x.outcome}`)).toEqual(['a/x:error', 'b/x:success']);
    expect(res.routing.map((r) => r.target)).toEqual(['a/x', 'b/x']);
  });
});

describe('loadBalance: least-in-flight', () => {
  it('sends calls to idle targets while another is busy with slow calls', async () => {
    const { gw, call } = pool(['a', 'b', 'c'], ['a/x', 'b/x', 'c/x'], { strategy: 'least-in-flight', random: seeded(1) }, {}, { a: { text: 'a', latencyMs: 150 } });
    // Two slow calls straight to a/x: in-flight counts are gateway-wide, so the pool sees them.
    const busy = [gw.chat({ model: 'a/x', messages: user }), gw.chat({ model: 'a/x', messages: user })];
    expect(gw.health.get('a/x').inFlight).toBe(2);
    const picks = await sequence(call, 12);
    expect(count(picks, 'a/x')).toBe(0);
    // b and c tie at zero in flight: the random tie-break uses both.
    expect(count(picks, 'b/x')).toBeGreaterThan(0);
    expect(count(picks, 'c/x')).toBeGreaterThan(0);
    await Promise.all(busy);
  });

  it('spreads concurrent slow calls evenly, and by weight', async () => {
    const slow = { latencyMs: 30 };
    const even = pool(['a', 'b', 'c'], ['a/x', 'b/x', 'c/x'], { strategy: 'least-in-flight' }, {}, { a: { ...slow, text: 'a' }, b: { ...slow, text: 'b' }, c: { ...slow, text: 'c' } });
    const ids = await Promise.all(Array.from({ length: 6 }, even.call));
    expect(['a/x', 'b/x', 'c/x'].map((t) => count(ids, t))).toEqual([2, 2, 2]);

    const weighted = pool(['a', 'b'], [{ model: 'a/x', weight: 2 }, 'b/x'], { strategy: 'least-in-flight' }, {}, { a: { ...slow, text: 'a' }, b: { ...slow, text: 'b' } });
    const ids2 = await Promise.all(Array.from({ length: 6 }, weighted.call));
    expect([count(ids2, 'a/x'), count(ids2, 'b/x')]).toEqual([4, 2]);
  });

  it('ties are broken at random: sequential calls (nothing in flight) use every target', async () => {
    const { call } = pool(['a', 'b', 'c'], ['a/x', 'b/x', 'c/x'], { strategy: 'least-in-flight', random: seeded(3) });
    const picks = await sequence(call, 60);
    for (const t of ['a/x', 'b/x', 'c/x']) expect(count(picks, t)).toBeGreaterThan(5);
  });
});

describe('loadBalance: lowest-latency (EWMA, power of two choices)', () => {
  it('explores both unknown targets first, then prefers the faster one', async () => {
    const { gw, call } = pool(['fast', 'slow'], ['fast/x', 'slow/x'], { strategy: 'lowest-latency', random: seeded(5) }, {}, { fast: { text: 'f' }, slow: { text: 's', latencyMs: 40 } });
    const first = await sequence(call, 2);
    // Whichever went first is now known; the other, unknown, counts as best.
    expect(new Set(first)).toEqual(new Set(['fast/x', 'slow/x']));
    expect(gw.health.get('slow/x').latencyEwmaMs).toBeGreaterThan(gw.health.get('fast/x').latencyEwmaMs!);
    // With two targets both are always sampled: the faster wins every time.
    expect(await sequence(call, 20)).toEqual(Array(20).fill('fast/x'));
  });

  it('tries a new target with unknown latency, and never the known-slowest once all are known', async () => {
    const { gw, call } = pool(
      ['a', 'b', 'c'],
      ['a/x', 'b/x', 'c/x'],
      { strategy: 'lowest-latency', random: seeded(11) },
      {},
      { a: { text: 'a' }, b: { text: 'b', latencyMs: 60 }, c: { text: 'c', latencyMs: 15 } },
    );
    // Warm a (fast) and b (slow) directly; c has never answered.
    await gw.chat({ model: 'a/x', messages: user });
    await gw.chat({ model: 'b/x', messages: user });
    expect(gw.health.get('c/x').latencyEwmaMs).toBeUndefined();

    const picks = await sequence(call, 30);
    const firstC = picks.indexOf('c/x');
    expect(firstC).toBeGreaterThanOrEqual(0);
    // Until c answered, it beat a whenever sampled; afterwards it is known slower than a, faster than b.
    const after = picks.slice(firstC + 1);
    expect(count(after, 'b/x')).toBe(0);
    // Two choices, not one: the fastest does not take everything (c wins each time the pair is b, c).
    expect(count(after, 'a/x')).toBeGreaterThan(0);
    expect(count(after, 'c/x')).toBeGreaterThan(0);
  });
});

describe('loadBalance: cheapest-healthy', () => {
  const prices: Record<string, number> = { 'a/x': 3, 'b/x': 1, 'c/x': 2 };

  it('picks the cheapest available target and skips one whose circuit is open', async () => {
    const seen: string[] = [];
    const { gw, providers, call } = pool(
      ['a', 'b', 'c'],
      ['a/x', 'b/x', 'c/x'],
      {
        strategy: 'cheapest-healthy',
        price: (model, ctx) => {
          expect(ctx.requestedModel).toBe('pool');
          seen.push(model);
          return prices[model]!;
        },
      },
      { circuitBreaker: { consecutiveFailures: 1, cooldownMs: 10_000 } },
    );
    expect(await sequence(call, 3)).toEqual(['b/x', 'b/x', 'b/x']);
    expect(seen.slice(0, 3)).toEqual(['a/x', 'b/x', 'c/x']);

    // b fails once: its circuit opens, and the next cheapest serves.
    providers.b!.enqueue({ error: { status: 503 } });
    await expect(call()).rejects.toBeInstanceOf(ServerError);
    expect(gw.health.get('b/x').circuit).toBe('open');
    const callsToB = providers.b!.calls.length;
    const res = await gw.chat({ model: 'pool', messages: user });
    expect(res.target.id).toBe('c/x');
    expect(res.routing[0]).toMatchObject({ layer: 'load-balance', target: 'c/x', detail: { strategy: 'cheapest-healthy' } });
    expect(res.attempts.map((x) => x.outcome)).toEqual(['success']);
    expect(providers.b!.calls.length).toBe(callsToB);
  });

  it('breaks price ties by latency EWMA (unknown first), then at random', async () => {
    const { gw, call } = pool(['a', 'b', 'c'], ['a/x', 'b/x', 'c/x'], { strategy: 'cheapest-healthy', price: (m) => (m === 'c/x' ? 5 : 1), random: seeded(2) }, {}, { a: { text: 'a', latencyMs: 30 }, b: { text: 'b' } });
    await gw.chat({ model: 'a/x', messages: user }); // a known slow; b unknown
    expect(await call()).toBe('b/x');
    expect(await sequence(call, 5)).toEqual(Array(5).fill('b/x')); // now b is known and faster than a

    const tied = pool(['a', 'b'], ['a/x', 'b/x'], { strategy: 'cheapest-healthy', price: () => 1, random: seeded(4) });
    const picks = await sequence(tied.call, 40);
    // Mock latencies without delays differ by noise only, so after both are known the tie-break varies;
    // what must hold is that both get explored and nothing else is picked.
    expect(new Set(picks)).toEqual(new Set(['a/x', 'b/x']));
  });

  it('fails the call with ConfigError when price returns something that is not a price', async () => {
    const { call, providers } = pool(['a', 'b'], ['a/x', 'b/x'], { strategy: 'cheapest-healthy', price: (m) => (m === 'b/x' ? Number.NaN : 1) });
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('loadBalance.options.price');
    expect(providers.a!.calls).toHaveLength(0);
  });
});

describe('loadBalance: priority groups and circuits', () => {
  it('uses the preferred group while any of it is available, then falls through to the next', async () => {
    const { gw, providers, call } = pool(
      ['p', 'q', 's'],
      [{ model: 'p/x' }, { model: 'q/x' }, { model: 's/x', priority: 1 }],
      { strategy: 'round-robin' },
      { circuitBreaker: { consecutiveFailures: 1, cooldownMs: 10_000 } },
    );
    expect(await sequence(call, 4)).toEqual(['p/x', 'q/x', 'p/x', 'q/x']);
    expect(providers.s!.calls).toHaveLength(0);

    // p fails and opens: q alone serves the preferred group.
    providers.p!.enqueue({ error: { status: 500 } });
    await expect(call()).rejects.toBeInstanceOf(ServerError);
    expect(await sequence(call, 3)).toEqual(['q/x', 'q/x', 'q/x']);

    // q fails too: the whole preferred group is open, the backup group serves.
    providers.q!.enqueue({ error: { status: 500 } });
    await expect(call()).rejects.toBeInstanceOf(ServerError);
    const res = await gw.chat({ model: 'pool', messages: user });
    expect(res.target.id).toBe('s/x');
    expect(res.routing[0]).toMatchObject({ target: 's/x', detail: { strategy: 'round-robin', priority: 1 } });
  });

  it('with every circuit open, still tries the preferred group and surfaces CircuitOpenError', async () => {
    const { providers, call } = pool(
      ['p', 's'],
      [{ model: 's/x', priority: 5 }, { model: 'p/x', priority: -1 }],
      { strategy: 'least-in-flight' },
      { circuitBreaker: { consecutiveFailures: 1, cooldownMs: 10_000 } },
      { p: { error: { status: 503 } }, s: { error: { status: 503 } } },
    );
    await expect(call()).rejects.toBeInstanceOf(ServerError); // p (priority -1) opens
    await expect(call()).rejects.toBeInstanceOf(ServerError); // s opens
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect((err as CircuitOpenError).attempts!.map((x) => `${x.target.id}:${x.outcome}`)).toEqual(['p/x:skipped']);
    expect(providers.p!.calls).toHaveLength(1);
    expect(providers.s!.calls).toHaveLength(1);
  });
});

describe('loadBalance: targets that are aliases or unknown', () => {
  it('round-robin accepts alias targets (their own layers run)', async () => {
    const a = mockProvider({ fallback: { text: 'a' } });
    const gw = createGateway({ providers: { a }, models: { east: 'a/east', west: 'a/west', pool: [loadBalance(['east', 'west'])] } });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await gw.chat({ model: 'pool', messages: user })).target.id);
    expect(ids).toEqual(['a/east', 'a/west', 'a/east', 'a/west']);
  });

  it('health-based strategies refuse alias targets with ConfigError naming the target', async () => {
    const a = mockProvider();
    for (const strategy of ['least-in-flight', 'lowest-latency'] as const) {
      const gw = createGateway({ providers: { a }, models: { east: 'a/east', pool: [loadBalance(['a/x', 'east'], { strategy })] } });
      const err = await gw.chat({ model: 'pool', messages: user }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).path).toBe('loadBalance.targets[1]');
    }
    expect(a.calls).toHaveLength(0);
  });

  it('an unknown target fails the call before any attempt, even when it would not be picked', async () => {
    const a = mockProvider();
    const gw = createGateway({ providers: { a }, models: { pool: [loadBalance(['a/x', 'nope/x'])] } });
    await expect(gw.chat({ model: 'pool', messages: user })).rejects.toMatchObject({ name: 'InvalidRequestError' });
    expect(a.calls).toHaveLength(0);
  });
});

describe('loadBalance: bad options', () => {
  const bad = (targets: unknown, options?: unknown): ConfigError => {
    try {
      loadBalance(targets as LoadBalanceTarget[], options as LoadBalanceOptions);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return err as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('rejects bad targets with the path of the bad field', () => {
    expect(bad([]).path).toBe('loadBalance.targets');
    expect(bad('a/x').path).toBe('loadBalance.targets');
    expect(bad(['']).path).toBe('loadBalance.targets[0]');
    expect(bad([42]).path).toBe('loadBalance.targets[0]');
    expect(bad(['a/x', { weight: 1 }]).path).toBe('loadBalance.targets[1].model');
    expect(bad([{ model: 'a/x', weight: 0 }]).path).toBe('loadBalance.targets[0].weight');
    expect(bad([{ model: 'a/x', weight: -1 }]).path).toBe('loadBalance.targets[0].weight');
    expect(bad([{ model: 'a/x', weight: Number.NaN }]).path).toBe('loadBalance.targets[0].weight');
    expect(bad([{ model: 'a/x', weight: Infinity }]).message).toMatch(/finite number > 0/);
    expect(bad([{ model: 'a/x', priority: Number.NaN }]).path).toBe('loadBalance.targets[0].priority');
    expect(bad([{ model: 'a/x', priority: '1' }]).path).toBe('loadBalance.targets[0].priority');
    const dup = bad(['a/x', { model: 'a/x', weight: 2 }]);
    expect(dup.path).toBe('loadBalance.targets[1].model');
    expect(dup.message).toMatch(/listed twice/);
  });

  it('rejects a bad strategy, a missing or bad price, and a bad random source', () => {
    const strategy = bad(['a/x'], { strategy: 'fastest' });
    expect(strategy.path).toBe('loadBalance.options.strategy');
    expect(strategy.message).toMatch(/'round-robin', 'least-in-flight', 'lowest-latency', 'cheapest-healthy'/);
    expect(bad(['a/x'], { strategy: 'cheapest-healthy' }).path).toBe('loadBalance.options.price');
    expect(bad(['a/x'], { strategy: 'cheapest-healthy', price: 3 }).path).toBe('loadBalance.options.price');
    expect(bad(['a/x'], { random: 'yes' }).path).toBe('loadBalance.options.random');
  });
});
