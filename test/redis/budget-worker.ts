// A gateway process sharing one Redis-backed budget with others (spawned by multi-process.test.ts).
// argv: port hashTag mode(spend|hang) calls
import { Redis } from 'ioredis';
import { budget, createGateway, pricing } from '../../src/index.js';
import { redisStore } from '../../src/redis/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { sharedLimits } from './budget-shared.js';

const [port, hashTag, mode, calls] = process.argv.slice(2) as [string, string, 'spend' | 'hang', string];
const client = new Redis({ host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: 1 });
const store = redisStore({ client, hashTag });
const b = budget({ name: 'shared', store, limits: sharedLimits, leaseMs: mode === 'hang' ? 1000 : 60_000 });
let n = 0;
const llm = mockProvider({
  fallback: (r) => {
    n++;
    if (mode === 'hang') return { text: 'never', latencyMs: 600_000 };
    // 300–1,000 output tokens, 1–6 ms: calls overlap across and within processes.
    return { text: 'ok', latencyMs: 1 + (n % 6), usage: { inputTokens: 4, outputTokens: Math.min(r.maxTokens!, 300 + ((n * 131) % 701)) } };
  },
});
const gateway = createGateway({ providers: { llm }, middleware: [b], telemetry: false, pricing: pricing({ builtIn: false, prices: { 'llm/m': { input: 1, output: 2 } } }) });
const ask = () => gateway.chat({ model: 'llm/m', messages: [{ role: 'user', content: 'hi' }], maxTokens: 1000 });

if (mode === 'hang') {
  void ask().catch(() => undefined);
  // Tell the parent once the reservation is in Redis, then wait to be killed.
  for (;;) {
    const [s] = await b.status();
    if (s!.reserved > 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  process.stdout.write('reserved\n');
  setInterval(() => undefined, 1000);
} else {
  const results = await Promise.allSettled(Array.from({ length: Number(calls) }, ask));
  await b.settled();
  let ok = 0;
  let refused = 0;
  let cost = 0;
  const other: string[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') {
      ok++;
      cost += r.value.cost!.total;
    } else if ((r.reason as Error).name === 'BudgetExceededError') refused++;
    else other.push(String(r.reason));
  }
  process.stdout.write(JSON.stringify({ ok, refused, cost, other }) + '\n');
  client.disconnect();
}
