// Budget and rate-limit overhead: gateway.chat on a mock provider with no governance (baseline), a
// budget on the in-memory store, a budget on Redis (a real redis-server on 127.0.0.1, started here),
// and a rate limit; then raw store throughput (reserve + settle pairs per second), sequential and
// with 64 in flight. `npx tsx bench/budget.bench.ts`, or `BENCH_ONLY=budget npm run bench`.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { budget, createGateway, memoryStore, pricing, rateLimit, type BudgetStore, type Gateway, type Middleware } from '../src/index.js';
import { redisStore } from '../src/redis/index.js';
import { mockProvider } from '../src/testing/index.js';
import { findRedisServer, startRedisServer } from '../test/redis/redis-server.js';
import { summarise, table, type Summary } from './stats.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const REDIS_CALLS = Math.min(CALLS, 5_000);
const PAIRS = 10_000;

const prices = pricing({ builtIn: false, prices: { 'm/x': { input: 1, output: 2 } } });
const messages = [{ role: 'user' as const, content: 'Summarise the attached ticket in two sentences, please.' }];

function gatewayWith(middleware: Middleware[]): Gateway {
  const m = mockProvider({ fallback: { text: 'Hello!', usage: { inputTokens: 12, outputTokens: 2 } } });
  return createGateway({ providers: { m }, middleware, telemetry: false, pricing: prices });
}

const limitsFor = () => [
  { name: 'global-day', usd: 1e9, window: 'day' as const },
  { name: 'per-user-month', usd: 1e9, scope: 'user', window: 'month' as const, timeZone: 'America/New_York' },
];

async function interleaved(cases: Array<{ name: string; run: () => Promise<unknown>; n: number }>, rounds = 5): Promise<Summary[]> {
  const pooled = cases.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const per = Math.max(1, Math.floor(c.n / rounds));
      for (let w = 0; w < (r === 0 ? 500 : 50); w++) await c.run();
      for (let k = 0; k < per; k++) {
        const t0 = performance.now();
        await c.run();
        pooled[i]!.push((performance.now() - t0) * 1000);
      }
    }
  }
  return cases.map((c, i) => summarise(c.name, Float64Array.from(pooled[i]!)));
}

async function pairsPerSecond(store: BudgetStore, concurrency: number): Promise<number> {
  const counters = [
    { key: `bench:${randomUUID()}:day`, window: { kind: 'fixed' as const, start: 0, end: Date.now() + 86_400_000 }, limit: 1e12 },
    { key: `bench:${randomUUID()}:roll`, window: { kind: 'rolling' as const, sizeMs: 86_400_000, bucketMs: 1_440_000 }, limit: 1e12 },
  ];
  let next = 0;
  const one = async (): Promise<void> => {
    const id = `p${next++}`;
    await store.reserve({ id, counters: counters.map((c) => ({ ...c, amount: 0.002 })), leaseMs: 60_000 });
    await store.settle(id, counters.map((c) => ({ ...c, amount: 0.001 })));
  };
  for (let i = 0; i < 200; i++) await one();
  const t0 = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (done < PAIRS) {
        done++;
        await one();
      }
    }),
  );
  return PAIRS / ((performance.now() - t0) / 1000);
}

export async function benchBudget(): Promise<void> {
  const meta = { user: 'u-1' };
  const chat = (gw: Gateway) => () => gw.chat({ model: 'm/x', messages, metadata: meta, maxTokens: 256 });
  const base = gatewayWith([]);
  const mem = gatewayWith([budget({ limits: limitsFor() })]);
  const rl = gatewayWith([rateLimit({ rpm: 1e9, tpm: 1e12 })]);
  const cases = [
    { name: 'no governance', run: chat(base), n: CALLS },
    { name: 'budget, 2 limits, memory store', run: chat(mem), n: CALLS },
    { name: 'rateLimit rpm+tpm, memory store', run: chat(rl), n: CALLS },
  ];

  const server = findRedisServer() ? await startRedisServer() : undefined;
  let client: Redis | undefined;
  if (server) {
    client = new Redis({ host: server.host, port: server.port });
    const store = redisStore({ client, hashTag: `bench-${randomUUID()}` });
    cases.push({ name: 'budget, 2 limits, Redis store', run: chat(gatewayWith([budget({ store, limits: limitsFor() })])), n: REDIS_CALLS });
  } else console.log('\n(redis-server not found: Redis cases skipped)');

  const rows = await interleaved(cases);
  table('Budget overhead per call: gateway.chat on a mock provider, maxTokens 256, 5 interleaved rounds', rows, rows[0]!);

  console.log('\nStore throughput: reserve + settle pairs per second over 2 counters (day window + rolling 24h)');
  console.log('| store | sequential pairs/s | 64 in flight pairs/s |');
  console.log('|---|---:|---:|');
  const m = memoryStore();
  console.log(`| memory | ${(await pairsPerSecond(m, 1)).toFixed(0)} | ${(await pairsPerSecond(m, 64)).toFixed(0)} |`);
  if (client) {
    const r = redisStore({ client, hashTag: `bench-${randomUUID()}` });
    console.log(`| Redis (loopback) | ${(await pairsPerSecond(r, 1)).toFixed(0)} | ${(await pairsPerSecond(r, 64)).toFixed(0)} |`);
  }
  client?.disconnect();
  await server?.stop();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchBudget();
