import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreCounter } from '../../src/budget/store.js';
import { ConfigError } from '../../src/errors/index.js';
import { redisStore } from '../../src/redis/index.js';
import { describeStoreConformance } from '../budget/store-conformance.js';
import { redisSkipReason, startRedisServer, type RedisServer } from './redis-server.js';

const skip = redisSkipReason();
if (skip) console.warn(skip);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe.skipIf(skip !== undefined)('redisStore', () => {
  let server: RedisServer;
  const clients: Redis[] = [];
  const connect = () => {
    const c = new Redis({ host: server.host, port: server.port, lazyConnect: false, maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    client = connect();
  });

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await server?.stop();
  });

  // Each store gets its own tag, so tests never see each other's counters.
  describeStoreConformance('redisStore', () => redisStore({ client, hashTag: `t-${randomUUID()}` }));

  const tagged = () => `t-${randomUUID()}`;
  const lifetime = (limit: number, key = `k-${randomUUID()}`): StoreCounter => ({ key, window: { kind: 'lifetime' }, limit });

  async function keysOf(pattern: string): Promise<string[]> {
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      out.push(...batch);
    } while (cursor !== '0');
    return out;
  }

  it('puts every key under one hash tag (one cluster slot)', async () => {
    const prefix = `p-${randomUUID()}`;
    const store = redisStore({ client, prefix });
    const now = Date.now();
    const counters: StoreCounter[] = [
      lifetime(10),
      { key: 'user:{alice}:day', window: { kind: 'fixed', start: now, end: now + 60_000 }, limit: 10 },
      { key: 'team:search', window: { kind: 'rolling', sizeMs: 60_000, bucketMs: 1000 }, limit: 10 },
    ];
    await store.reserve({ id: 'r1', counters: counters.map((c) => ({ ...c, amount: 1 })), leaseMs: 10_000 });
    await store.settle('r2', counters.map((c) => ({ ...c, amount: 1 })));
    const keys = await keysOf(`*${prefix}*`);
    expect(keys.length).toBe(9); // three per counter: counter, leases, lease amounts
    for (const k of keys) expect(/^[^{]*\{([^}]*)\}/.exec(k)?.[1]).toBe(prefix);
    const slots = new Set(await Promise.all(keys.map((k) => client.call('CLUSTER', 'KEYSLOT', k).catch(() => undefined))));
    // CLUSTER KEYSLOT works on a standalone server too (Redis 7); when it does, one slot for all.
    if (!slots.has(undefined)) expect(slots.size).toBe(1);

    const tag = tagged();
    const other = redisStore({ client, prefix: 'app', hashTag: tag });
    await other.settle('s', [{ ...lifetime(10), amount: 1 }]);
    const tagKeys = await keysOf(`*${tag}*`);
    expect(tagKeys.length).toBeGreaterThan(0);
    for (const k of tagKeys) expect(k.startsWith(`app:{${tag}}:`)).toBe(true);
  });

  it('gives fixed-window keys a TTL past the window end plus the lease, and lifetime keys none', async () => {
    const tag = tagged();
    const store = redisStore({ client, hashTag: tag });
    const now = Date.now();
    const fixed: StoreCounter = { key: `f:${now}`, window: { kind: 'fixed', start: now, end: now + 5_000 }, limit: 10 };
    const rolling: StoreCounter = { key: 'r', window: { kind: 'rolling', sizeMs: 3_000, bucketMs: 1_000 }, limit: 10 };
    const forever = lifetime(10, 'l');
    await store.reserve({ id: 'r1', counters: [fixed, rolling, forever].map((c) => ({ ...c, amount: 1 })), leaseMs: 2_000 });
    await store.settle('s1', [fixed, rolling, forever].map((c) => ({ ...c, amount: 1 })));
    const ttl = (k: string) => client.pttl(`switchyard:{${tag}}:${k}`);
    for (const part of ['c', 'l', 'a']) {
      const f = await ttl(`${part}:${fixed.key}`);
      expect(f).toBeGreaterThan(5_000); // end (~5 s away) + lease (2 s)
      expect(f).toBeLessThanOrEqual(7_000);
      const r = await ttl(`${part}:${rolling.key}`);
      expect(r).toBeGreaterThan(3_000);
      expect(r).toBeLessThanOrEqual(6_000); // lease + size + one bucket
    }
    expect(await ttl(`c:${forever.key}`)).toBe(-1);
    expect(await ttl(`l:${forever.key}`)).toBe(-1);
  });

  it('a fixed window whose end has passed goes away once its leases are done', async () => {
    const tag = tagged();
    const store = redisStore({ client, hashTag: tag });
    const now = Date.now();
    const c: StoreCounter = { key: `f:${now}`, window: { kind: 'fixed', start: now - 1000, end: now }, limit: 10 };
    await store.reserve({ id: 'r1', counters: [{ ...c, amount: 1 }], leaseMs: 300 });
    await sleep(600);
    expect(await keysOf(`*${tag}*`)).toEqual([]);
  });

  it('two clients (two processes) share counters and see each other’s reservations', async () => {
    const tag = tagged();
    const one = redisStore({ client: connect(), hashTag: tag });
    const two = redisStore({ client: connect(), hashTag: tag });
    const c = lifetime(10, 'shared');
    expect((await one.reserve({ id: 'a', counters: [{ ...c, amount: 6 }], leaseMs: 10_000 })).ok).toBe(true);
    expect(await two.peek([c])).toEqual([{ spent: 0, reserved: 6 }]);
    const refused = await two.reserve({ id: 'b', counters: [{ ...c, amount: 5 }], leaseMs: 10_000 });
    expect(refused).toMatchObject({ ok: false, refused: 0, states: [{ spent: 0, reserved: 6 }] });
    await one.settle('a', [{ ...c, amount: 2 }]);
    expect((await two.reserve({ id: 'b', counters: [{ ...c, amount: 5 }], leaseMs: 10_000 })).ok).toBe(true);
    expect(await one.peek([c])).toEqual([{ spent: 2, reserved: 5 }]);
    // Interleaved concurrent reservations from both never overshoot.
    const d = lifetime(50, 'race');
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? one : two).reserve({ id: `x${i}`, counters: [{ ...d, amount: 1 }], leaseMs: 10_000 })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
  });

  it('a killed process’s reservation is freed after its lease', async () => {
    const tag = tagged();
    const doomed = connect();
    const c = lifetime(10, 'crash');
    const first = redisStore({ client: doomed, hashTag: tag });
    expect((await first.reserve({ id: 'dead', counters: [{ ...c, amount: 10 }], leaseMs: 300 })).ok).toBe(true);
    doomed.disconnect(); // never settles nor releases
    const survivor = redisStore({ client: connect(), hashTag: tag });
    expect((await survivor.reserve({ id: 'live', counters: [{ ...c, amount: 10 }], leaseMs: 10_000 })).ok).toBe(false);
    await sleep(600);
    expect((await survivor.reserve({ id: 'live', counters: [{ ...c, amount: 10 }], leaseMs: 10_000 })).ok).toBe(true);
  });

  it('rejects with the client’s error when a script fails', async () => {
    const tag = tagged();
    const store = redisStore({ client, hashTag: tag });
    await client.set(`switchyard:{${tag}}:c:broken`, 'not a hash');
    const c = lifetime(10, 'broken');
    await expect(store.reserve({ id: 'r', counters: [{ ...c, amount: 1 }], leaseMs: 1000 })).rejects.toThrow(/WRONGTYPE/);
    await expect(store.settle('r', [{ ...c, amount: 1 }])).rejects.toThrow(/WRONGTYPE/);
    await expect(store.peek([c])).rejects.toThrow(/WRONGTYPE/);
  });

  it('rejects with the client’s error when Redis is unreachable', async () => {
    const gone = new Redis({ host: server.host, port: server.port, lazyConnect: true, enableOfflineQueue: false });
    clients.push(gone);
    const store = redisStore({ client: gone, hashTag: tagged() });
    await expect(store.peek([lifetime(1)])).rejects.toThrow();
  });

  it('loads its scripts again after SCRIPT FLUSH (NOSCRIPT fallback)', async () => {
    const store = redisStore({ client, hashTag: tagged() });
    const c = lifetime(10);
    await store.settle('s', [{ ...c, amount: 1 }]);
    await client.script('FLUSH');
    expect(await store.settle('s2', [{ ...c, amount: 1 }])).toEqual([{ spent: 2, reserved: 0 }]);
    expect(await store.peek([c])).toEqual([{ spent: 2, reserved: 0 }]);
  });

  it('uses the server clock for leases, whatever the client clock says', async () => {
    const store = redisStore({ client, hashTag: tagged() });
    const c = lifetime(10);
    const realNow = Date.now;
    Date.now = () => realNow() - 3_600_000; // this process runs an hour slow
    try {
      await store.reserve({ id: 'r', counters: [{ ...c, amount: 4 }], leaseMs: 10_000 });
    } finally {
      Date.now = realNow;
    }
    expect(await store.peek([c])).toEqual([{ spent: 0, reserved: 4 }]);
  });

  it('rejects bad options with a ConfigError', () => {
    expect(() => redisStore({ client, hashTag: 'a{b' })).toThrow(ConfigError);
    expect(() => redisStore({ client, prefix: '' })).toThrow(ConfigError);
    expect(() => redisStore({ client: {} as unknown as Redis })).toThrow(ConfigError);
  });
});
