// Budgets shared by several gateway instances through Redis: `npm run example:budgets`.
//
// Uses REDIS_URL when set; otherwise starts a throwaway redis-server on 127.0.0.1 if one is
// installed (`apt-get install redis-server`), and otherwise falls back to one in-memory store shared
// by the two "instances" (same process), so the example always runs. Providers are in-memory mocks
// with list prices: no keys, no network.
//
// - two gateways (think: two pods) share per-team daily USD caps and a global monthly cap;
// - 300 calls arrive at once; reservations keep spend at or under the cap, and the answers' costs
//   add up to exactly what the store counted;
// - a team over its cap is degraded to a cheaper alias, another is refused with a typed error;
// - a soft threshold calls back at 80%.
//
// In an application, import from 'switchyard', 'switchyard/redis' and 'switchyard/testing'.
import { Redis } from 'ioredis';
import { budget, BudgetExceededError, createGateway, memoryStore, pricing, rateLimit, type BudgetStore, type NormalizedRequest } from '../src/index.js';
import { redisStore } from '../src/redis/index.js';
import { mockProvider, type MockResponse } from '../src/testing/index.js';
import { findRedisServer, startRedisServer, type RedisServer } from '../test/redis/redis-server.js';

let server: RedisServer | undefined;
let client: Redis | undefined;
let store: BudgetStore;
if (process.env.REDIS_URL) {
  client = new Redis(process.env.REDIS_URL);
  store = redisStore({ client, hashTag: `example-${Date.now()}` });
  console.log('store: Redis at REDIS_URL');
} else if (findRedisServer()) {
  server = await startRedisServer();
  client = new Redis({ host: server.host, port: server.port });
  store = redisStore({ client });
  console.log(`store: Redis (throwaway redis-server on 127.0.0.1:${server.port})`);
} else {
  store = memoryStore();
  console.log('store: in memory (no REDIS_URL and no redis-server installed)');
}

// A pod: its own gateway and budget layer, the shared store.
function instance(pod: string) {
  const answer = (request: NormalizedRequest): MockResponse => ({
    text: `${pod} answered`,
    latencyMs: 5 + Math.floor(Math.random() * 20),
    usage: { inputTokens: 900, outputTokens: Math.min(request.maxTokens ?? 800, 200 + Math.floor(Math.random() * 600)) },
  });
  const spend = budget({
    name: 'llm-spend',
    store,
    limits: [
      { name: 'org-monthly', usd: 50, window: 'month', timeZone: 'Europe/Berlin' },
      { name: 'team-daily', usd: 0.5, scope: 'team', window: 'day', thresholds: [0.8], onExceeded: { degradeTo: 'cheap' } },
      { name: 'intern-daily', usd: 0.05, scope: (m) => (m.team === 'interns' ? 'interns' : undefined), window: 'day' },
    ],
    onThreshold: (e) => console.log(`  [${pod}] threshold: ${e.limit} (${e.scope}) passed ${e.threshold * 100}% — $${e.spent.toFixed(4)} of $${e.cap}`),
  });
  const gateway = createGateway({
    providers: { openai: mockProvider({ kind: 'openai', fallback: answer }) },
    models: { smart: 'openai/gpt-4o', cheap: 'openai/gpt-4o-mini' },
    middleware: [spend, rateLimit({ rpm: 10_000, tpm: 5_000_000, scope: 'team', store })],
    pricing: pricing(),
    telemetry: false,
  });
  return { gateway, spend };
}

const pods = [instance('pod-a'), instance('pod-b')];
const teams = ['search', 'support', 'ads', 'interns'];
const ask = (i: number) =>
  pods[i % 2]!.gateway.chat({
    model: 'smart',
    messages: [{ role: 'user', content: `Summarise ticket #${i} for the weekly report.` }],
    maxTokens: 800,
    metadata: { team: teams[i % teams.length]!, user: `u-${i % 17}` },
  });

console.log('\n300 concurrent calls from four teams, spread over two pods…');
const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => ask(i)));
for (const p of pods) await p.spend.settled();

const served = new Map<string, number>();
let refused = 0;
let spentByAnswers = 0;
for (const r of results) {
  if (r.status === 'rejected') {
    if (!(r.reason instanceof BudgetExceededError)) throw r.reason;
    refused++;
    continue;
  }
  spentByAnswers += r.value.cost?.total ?? 0;
  const key = `${r.value.model}${r.value.routing.some((e) => e.action === 'degrade') ? ' (degraded)' : ''}`;
  served.set(key, (served.get(key) ?? 0) + 1);
}
console.log('served:', Object.fromEntries(served), '| refused:', refused);
const sample = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as BudgetExceededError | undefined;
if (sample) console.log(`a refusal: ${sample.message}`);

console.log('\nwhere each team stands (read from the shared store):');
for (const team of teams) {
  for (const s of await pods[0]!.spend.status({ team })) {
    if (s.limit === 'org-monthly' && team !== 'search') continue;
    console.log(`  ${s.limit.padEnd(12)} ${s.scope.padEnd(14)} $${s.spent.toFixed(4)} of $${s.cap} (reserved $${s.reserved.toFixed(4)})`);
  }
}
const org = (await pods[1]!.spend.status({}))[0]!;
console.log(`\nthe store counted $${org.spent.toFixed(6)}; the answers cost $${spentByAnswers.toFixed(6)}`);

client?.disconnect();
await server?.stop();
