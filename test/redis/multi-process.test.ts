import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget, createGateway, pricing, rateLimit, RateLimitExceededError } from '../../src/index.js';
import { redisStore } from '../../src/redis/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { CAP, sharedLimits } from './budget-shared.js';
import { redisSkipReason, startRedisServer, type RedisServer } from './redis-server.js';

// Several gateway processes share one budget in a real redis-server.

const skip = redisSkipReason();
const worker = fileURLToPath(new URL('./budget-worker.ts', import.meta.url));

function run(port: number, tag: string, mode: 'spend' | 'hang', calls = 0): { child: ChildProcess; line: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', worker, String(port), tag, mode, String(calls)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const line = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before answering: ${err}`)));
  });
  return { child, line };
}

describe.skipIf(skip !== undefined)('budgets shared by several processes through Redis', () => {
  let server: RedisServer;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis({ host: server.host, port: server.port, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    client?.disconnect();
    await server?.stop();
  });

  it('four processes × 250 concurrent calls never spend past the cap, and every cost is counted once', { timeout: 60_000 }, async () => {
    const tag = `mp-${randomUUID()}`;
    const workers = Array.from({ length: 4 }, () => run(server.port, tag, 'spend', 250));
    const results = (await Promise.all(workers.map((w) => w.line))).map((l) => JSON.parse(l) as { ok: number; refused: number; cost: number; other: string[] });
    const [status] = await budget({ name: 'shared', store: redisStore({ client, hashTag: tag }), limits: sharedLimits }).status();
    const ok = results.reduce((s, r) => s + r.ok, 0);
    const cost = results.reduce((s, r) => s + r.cost, 0);
    expect(results.flatMap((r) => r.other)).toEqual([]);
    expect(ok + results.reduce((s, r) => s + r.refused, 0)).toBe(1000);
    expect(status!.spent).toBeLessThanOrEqual(CAP + 1e-12);
    expect(status!.reserved).toBe(0);
    // Nothing lost: the shared counter holds exactly what the answers cost.
    expect(status!.spent).toBeCloseTo(cost, 9);
    expect(ok).toBeGreaterThanOrEqual(99);
  });

  it('a process killed mid-call holds its reservation only until the lease lapses', { timeout: 30_000 }, async () => {
    const tag = `kill-${randomUUID()}`;
    const store = redisStore({ client, hashTag: tag });
    const b = budget({ name: 'shared', store, limits: sharedLimits });
    const { child, line } = run(server.port, tag, 'hang');
    expect(await line).toBe('reserved');
    child.kill('SIGKILL');
    const held = (await b.status())[0]!.reserved;
    // Its worst case (1,000 output tokens) is held by a process that no longer exists…
    expect(held).toBeGreaterThan(0.002);
    // …until its 1 s lease lapses (it can no longer renew it).
    const deadline = Date.now() + 10_000;
    while ((await b.status())[0]!.reserved > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await b.status())[0]!.reserved).toBe(0);
    // The room is usable again from this process.
    const llm = mockProvider({ fallback: { text: 'ok', usage: { inputTokens: 4, outputTokens: 10 } } });
    const gateway = createGateway({ providers: { llm }, middleware: [b], telemetry: false, pricing: pricing({ builtIn: false, prices: { 'llm/m': { input: 1, output: 2 } } }) });
    await expect(gateway.chat({ model: 'llm/m', messages: [{ role: 'user', content: 'hi' }], maxTokens: 1000 })).resolves.toBeDefined();
  });

  it('a rate limit on Redis admits exactly rpm requests across two gateways', async () => {
    const store = redisStore({ client, hashTag: `rl-${randomUUID()}` });
    const make = () => {
      const llm = mockProvider({ fallback: { text: 'ok', latencyMs: 2 } });
      return { llm, gateway: createGateway({ providers: { llm }, middleware: [rateLimit({ rpm: 50, wait: false, store })], telemetry: false }) };
    };
    const a = make();
    const b = make();
    const results = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).gateway.chat({ model: 'llm/m', messages: [{ role: 'user', content: 'hi' }] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(50);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(RateLimitExceededError);
    expect(a.llm.calls.length + b.llm.calls.length).toBe(50);
  });
});
