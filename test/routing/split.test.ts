import { describe, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { ConfigError } from '../../src/errors/config-error.js';
import { ServerError } from '../../src/errors/provider-error.js';
import { split, splitChooser, type SplitArms, type SplitOptions } from '../../src/routing/split.js';
import { hash53, rendezvousIndex, unitFromHash } from '../../src/routing/weighted-hash.js';
import { mockProvider } from '../../src/testing/mock-provider.js';

const user = [{ role: 'user' as const, content: 'hi' }];
const keys = (n: number, prefix = 'user-'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** |observed share − p| within `z` standard deviations of a binomial(n, p). */
function expectShare(count: number, n: number, p: number, z = 4.5): void {
  const sigma = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(count / n - p), `share ${count / n} vs expected ${p} (±${(z * sigma).toFixed(4)})`).toBeLessThanOrEqual(z * sigma);
}

/** A small seeded PRNG (mulberry32) so random-path tests are reproducible. */
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

function splitGateway(arms: SplitArms, options?: SplitOptions) {
  const a = mockProvider({ fallback: { text: 'from a' } });
  const b = mockProvider({ fallback: { text: 'from b' } });
  const c = mockProvider({ fallback: { text: 'from c' } });
  const gw = createGateway({ providers: { a, b, c }, models: { exp: [split(arms, options)] }, circuitBreaker: false });
  return { gw, a, b, c };
}

describe('split: weighted random', () => {
  it('10,000 calls at 90/10 land within a binomial bound, end to end', async () => {
    const { gw, a, b } = splitGateway({ 'a/x': 90, 'b/x': 10 });
    const N = 10_000;
    let servedByB = 0;
    let mismatched = 0;
    for (let i = 0; i < N; i++) {
      const res = await gw.chat({ model: 'exp', messages: user });
      // The recorded arm is the target that served the call.
      if (res.routing[0]!.target !== res.target.id) mismatched++;
      if (res.target.id === 'b/x') servedByB++;
    }
    expect(mismatched).toBe(0);
    expect(a.calls.length + b.calls.length).toBe(N);
    expect(b.calls.length).toBe(servedByB);
    expectShare(servedByB, N, 0.1);
  });

  it('three arms with a zero-weight arm: shares follow the weights and the zero arm gets nothing', () => {
    const chooser = splitChooser({ 'a/x': 1, 'b/x': 3, 'c/x': 0 }, { random: seeded(7) });
    const counts = new Map<string, number>();
    const N = 20_000;
    let sticky = 0;
    for (let i = 0; i < N; i++) {
      const choice = chooser.choose(undefined);
      if (choice.sticky) sticky++;
      counts.set(choice.arm.name, (counts.get(choice.arm.name) ?? 0) + 1);
    }
    expect(sticky).toBe(0);
    expect(counts.get('c/x')).toBeUndefined();
    expectShare(counts.get('b/x')!, N, 0.75);
  });

  it('uses the random source it is given (low draws pick the first arm, high draws the last)', () => {
    expect(splitChooser({ 'a/x': 90, 'b/x': 10 }, { random: () => 0.05 }).choose(undefined).arm.model).toBe('a/x');
    expect(splitChooser({ 'a/x': 90, 'b/x': 10 }, { random: () => 0.899 }).choose(undefined).arm.model).toBe('a/x');
    expect(splitChooser({ 'a/x': 90, 'b/x': 10 }, { random: () => 0.901 }).choose(undefined).arm.model).toBe('b/x');
    expect(splitChooser({ 'a/x': 90, 'b/x': 10 }, { random: () => 0.999_999_999 }).choose(undefined).arm.model).toBe('b/x');
    // An empty key is no key.
    expect(splitChooser({ 'a/x': 90, 'b/x': 10 }, { random: () => 0.95 }).choose('')).toMatchObject({ arm: { model: 'b/x' }, sticky: false });
  });
});

describe('split: sticky by key (weighted rendezvous hashing)', () => {
  it('the same key always lands on the same arm (1,000 keys × 5 calls), and shares follow the weights', () => {
    const arms = { 'a/x': 90, 'b/x': 10 };
    const first = new Map<string, string>();
    const changed: string[] = [];
    let notSticky = 0;
    for (let round = 0; round < 5; round++) {
      // A fresh chooser each round: the assignment depends only on key and arms, not on history or process.
      const chooser = splitChooser(arms, { random: () => 0.999 });
      for (const k of keys(1_000)) {
        const { arm, sticky } = chooser.choose(k);
        if (!sticky) notSticky++;
        if (round === 0) first.set(k, arm.name);
        else if (arm.name !== first.get(k)) changed.push(k);
      }
    }
    expect(notSticky).toBe(0);
    expect(changed).toEqual([]);
    const chooser = splitChooser(arms);
    const N = 10_000;
    const onB = keys(N).filter((k) => chooser.choose(k).arm.name === 'b/x').length;
    expectShare(onB, N, 0.1);
  });

  it('the same key is served by the same target end to end, via a metadata field', async () => {
    const { gw } = splitGateway({ 'a/x': 50, 'b/x': 50 }, { key: 'user' });
    const served = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      for (const k of keys(60)) {
        const res = await gw.chat({ model: 'exp', messages: user, metadata: { user: k } });
        expect(res.routing).toEqual([expect.objectContaining({ layer: 'split', action: 'arm', detail: { arm: res.target.id, sticky: true } })]);
        if (round === 0) served.set(k, res.target.id);
        else expect(res.target.id).toBe(served.get(k));
      }
    }
    // 60 keys at 50/50: both arms are used (all on one arm has probability 2^-59).
    expect(new Set(served.values())).toEqual(new Set(['a/x', 'b/x']));
  });

  it('reweighting 90/10 → 80/20 moves ≈10% of keys, all from the 90 arm to the 20 arm', () => {
    const before = splitChooser({ 'a/x': 90, 'b/x': 10 });
    const after = splitChooser({ 'a/x': 80, 'b/x': 20 });
    const N = 10_000;
    let moved = 0;
    for (const k of keys(N)) {
      const was = before.choose(k).arm.name;
      const now = after.choose(k).arm.name;
      if (was !== now) {
        expect([was, now]).toEqual(['a/x', 'b/x']);
        moved++;
      }
    }
    expectShare(moved, N, 0.1);
  });

  it('adding a third arm only takes keys: none move between the old arms', () => {
    const before = splitChooser({ 'a/x': 90, 'b/x': 10 });
    // Listed first on purpose: position does not matter, only the arm's name.
    const after = splitChooser({ 'c/x': 10, 'a/x': 90, 'b/x': 10 });
    const N = 10_000;
    let moved = 0;
    for (const k of keys(N)) {
      const was = before.choose(k).arm.name;
      const now = after.choose(k).arm.name;
      if (was !== now) {
        expect(now).toBe('c/x');
        moved++;
      }
    }
    expectShare(moved, N, 10 / 110);
  });

  it('arm names, not models or positions, anchor keys: swapping the model behind an arm keeps its keys', () => {
    const v1 = splitChooser([
      { name: 'control', model: 'a/x', weight: 70 },
      { name: 'treatment', model: 'b/x', weight: 30 },
    ]);
    const v2 = splitChooser([
      { name: 'treatment', model: 'c/x', weight: 30 },
      { name: 'control', model: 'a/x', weight: 70 },
    ]);
    for (const k of keys(2_000)) expect(v2.choose(k).arm.name).toBe(v1.choose(k).arm.name);
  });

  it('a salt gives an independent assignment (agreement ≈ p² + (1−p)², not 1)', () => {
    const plain = splitChooser({ 'a/x': 50, 'b/x': 50 });
    const salted = splitChooser({ 'a/x': 50, 'b/x': 50 }, { salt: 'experiment-2' });
    const N = 10_000;
    const same = keys(N).filter((k) => plain.choose(k).arm.name === salted.choose(k).arm.name).length;
    expectShare(same, N, 0.5);
  });

  it('zero-weight arms never win a key', () => {
    const chooser = splitChooser({ 'a/x': 1, 'b/x': 0, 'c/x': 1 });
    for (const k of keys(2_000)) expect(chooser.choose(k).arm.name).not.toBe('b/x');
  });

  it('a key function and numeric keys work; each distinct key sticks', async () => {
    const { gw } = splitGateway({ 'a/x': 50, 'b/x': 50 }, { key: (ctx) => (ctx.metadata.team ? `team:${String(ctx.metadata.team)}` : undefined) });
    const first = await gw.chat({ model: 'exp', messages: user, metadata: { team: 'search' } });
    for (let i = 0; i < 20; i++) {
      const res = await gw.chat({ model: 'exp', messages: user, metadata: { team: 'search' } });
      expect(res.target.id).toBe(first.target.id);
      expect(res.routing[0]!.detail).toEqual({ arm: first.target.id, sticky: true });
    }
    const numeric = splitGateway({ 'a/x': 50, 'b/x': 50 }, { key: 'accountId' });
    const chooser = splitChooser({ 'a/x': 50, 'b/x': 50 });
    for (const id of [1, 2, 3, 42, 1e6]) {
      const res = await numeric.gw.chat({ model: 'exp', messages: user, metadata: { accountId: id } });
      expect(res.target.id).toBe(chooser.choose(String(id)).arm.model);
      expect(res.routing[0]!.detail).toMatchObject({ sticky: true });
    }
  });

  it('a missing key falls back to a weighted random choice, recorded as not sticky', async () => {
    const { gw } = splitGateway({ 'a/x': 50, 'b/x': 50 }, { key: 'account' });
    const N = 2_000;
    let onB = 0;
    for (let i = 0; i < N; i++) {
      // No metadata at all, an empty key, or a value that is not a key: all random.
      const metadata = i % 3 === 0 ? undefined : i % 3 === 1 ? { account: '' } : { account: { id: 1 } };
      const res = await gw.chat({ model: 'exp', messages: user, metadata });
      expect(res.routing[0]!.detail).toEqual({ arm: res.target.id, sticky: false });
      if (res.target.id === 'b/x') onB++;
    }
    expectShare(onB, N, 0.5);
  });

  it('a key function returning undefined is random too (with the given random source)', async () => {
    const gwHigh = splitGateway({ 'a/x': 90, 'b/x': 10 }, { key: () => undefined, random: () => 0.95 }).gw;
    const gwLow = splitGateway({ 'a/x': 90, 'b/x': 10 }, { key: () => undefined, random: () => 0.5 }).gw;
    expect((await gwHigh.chat({ model: 'exp', messages: user })).target.id).toBe('b/x');
    expect((await gwLow.chat({ model: 'exp', messages: user })).target.id).toBe('a/x');
  });
});

describe('split: routing and composition', () => {
  it('response.routing shows the named arm, for chat and stream', async () => {
    const arms = [
      { name: 'control', model: 'a/x', weight: 1 },
      { name: 'treatment', model: 'b/x', weight: 0 },
    ];
    const { gw } = splitGateway(arms, { key: 'user' });
    const res = await gw.chat({ model: 'exp', messages: user, metadata: { user: 'u1' } });
    expect(res.text).toBe('from a');
    expect(res.routing).toEqual([{ layer: 'split', action: 'arm', target: 'a/x', atMs: expect.any(Number), detail: { arm: 'control', sticky: true } }]);

    const streamed = await gw.stream({ model: 'exp', messages: user }).response;
    expect(streamed.routing).toEqual([{ layer: 'split', action: 'arm', target: 'a/x', atMs: expect.any(Number), detail: { arm: 'control', sticky: false } }]);
  });

  it('an arm can be an alias, whose own target and layers then run', async () => {
    const a = mockProvider({ fallback: { text: 'from a' } });
    const b = mockProvider({ fallback: { chunks: ['from ', 'b'] } });
    const gw = createGateway({
      providers: { a, b },
      models: { smart: 'b/big', exp: [split([{ name: 'smart-arm', model: 'smart', weight: 1 }, { model: 'a/x', weight: 0 }])] },
    });
    const res = await gw.stream({ model: 'exp', messages: user }).response;
    expect(res.text).toBe('from b');
    expect(res.target.id).toBe('b/big');
    expect(res.routing[0]).toMatchObject({ target: 'smart', detail: { arm: 'smart-arm' } });
  });

  it('does not fail over: the chosen arm’s error reaches the caller', async () => {
    const a = mockProvider({ fallback: { error: { status: 500 } } });
    const b = mockProvider();
    const gw = createGateway({ providers: { a, b }, models: { exp: [split({ 'a/x': 1, 'b/x': 0 })] }, circuitBreaker: false });
    await expect(gw.chat({ model: 'exp', messages: user })).rejects.toBeInstanceOf(ServerError);
    expect(b.calls).toHaveLength(0);
  });

  it('an arm naming an unknown provider fails the call with InvalidRequestError before any attempt', async () => {
    const a = mockProvider();
    const gw = createGateway({ providers: { a }, models: { exp: [split({ 'nope/x': 1 })] } });
    const err = await gw.chat({ model: 'exp', messages: user }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'InvalidRequestError', path: 'model' });
    expect(a.calls).toHaveLength(0);
  });
});

describe('split: bad options', () => {
  const bad = (arms: unknown, options?: unknown): ConfigError => {
    try {
      split(arms as SplitArms, options as SplitOptions);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return err as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('rejects bad arms with the path of the bad field', () => {
    expect(bad({}).path).toBe('split.arms');
    expect(bad([]).path).toBe('split.arms');
    expect(bad(null).path).toBe('split.arms');
    expect(bad('a/x').path).toBe('split.arms');
    expect(bad({ 'a/x': -1, 'b/x': 1 }).path).toBe("split.arms['a/x']");
    expect(bad({ 'a/x': Number.NaN }).message).toMatch(/finite number ≥ 0/);
    expect(bad({ 'a/x': Infinity }).path).toBe("split.arms['a/x']");
    expect(bad({ 'a/x': '5' }).path).toBe("split.arms['a/x']");
    expect(bad({ 'a/x': 0, 'b/x': 0 }).message).toMatch(/at least one arm needs a weight > 0/);
    expect(bad([{ model: 'a/x', weight: 1 }, { model: 'b/x', weight: -2 }]).path).toBe('split.arms[1].weight');
    expect(bad([{ model: '', weight: 1 }]).path).toBe('split.arms[0].model');
    expect(bad([{ weight: 1 }]).path).toBe('split.arms[0].model');
    expect(bad([null]).path).toBe('split.arms[0]');
    expect(bad([{ model: 'a/x', weight: 1, name: '' }]).path).toBe('split.arms[0].name');
  });

  it('rejects duplicate arm names (explicit, or defaulted from the model)', () => {
    const dup = bad([
      { model: 'a/x', weight: 1 },
      { model: 'a/x', weight: 1 },
    ]);
    expect(dup.path).toBe('split.arms[1].name');
    expect(dup.message).toMatch(/'a\/x' is used twice/);
    expect(
      bad([
        { model: 'a/x', weight: 1, name: 'arm' },
        { model: 'b/x', weight: 1, name: 'arm' },
      ]).path,
    ).toBe('split.arms[1].name');
    // The same model twice under different names is allowed (an A/A test).
    expect(() => split([{ model: 'a/x', weight: 1, name: 'A1' }, { model: 'a/x', weight: 1, name: 'A2' }])).not.toThrow();
  });

  it('rejects bad key, salt and random options', () => {
    expect(bad({ 'a/x': 1 }, { key: '' }).path).toBe('split.options.key');
    expect(bad({ 'a/x': 1 }, { key: 42 }).path).toBe('split.options.key');
    expect(bad({ 'a/x': 1 }, { salt: 1 }).path).toBe('split.options.salt');
    expect(bad({ 'a/x': 1 }, { random: 0.5 }).path).toBe('split.options.random');
  });
});

describe('weighted hash', () => {
  it('is deterministic, seed-dependent, and spreads sequential keys uniformly (χ² over 20 buckets)', () => {
    expect(hash53('user-1')).toBe(hash53('user-1'));
    expect(hash53('user-1', 1)).not.toBe(hash53('user-1', 2));
    expect(hash53('ab')).not.toBe(hash53('ba'));
    expect(hash53('')).not.toBe(hash53('\u0000'));
    const B = 20;
    const N = 20_000;
    const buckets = new Array<number>(B).fill(0);
    const seed = hash53('arm');
    let outOfRange = 0;
    for (const k of keys(N)) {
      const u = unitFromHash(hash53(k, seed));
      if (!(u > 0 && u <= 1)) outOfRange++;
      buckets[Math.min(B - 1, Math.floor(u * B))]!++;
    }
    expect(outOfRange).toBe(0);
    const chi2 = buckets.reduce((s, n) => s + (n - N / B) ** 2 / (N / B), 0);
    // 19 degrees of freedom: P(χ² > 50) ≈ 1e-4. A biased hash lands far above.
    expect(chi2).toBeLessThan(50);
  });

  it('rendezvousIndex returns -1 when no option has a positive weight', () => {
    expect(rendezvousIndex('k', [{ weight: 0, seed: 1 }])).toBe(-1);
    expect(rendezvousIndex('k', [])).toBe(-1);
  });
});
