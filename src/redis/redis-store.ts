import type { Cluster, Redis } from 'ioredis';
import type { BudgetStore, CounterAmount, CounterState, ReserveRequest, ReserveResult, StoreCounter } from '../budget/store.js';
import { ConfigError } from '../errors/config-error.js';
import { scripts, type LuaScript } from './scripts.js';

export interface RedisStoreOptions {
  /**
   * Your ioredis client (`new Redis(...)` or `new Cluster(...)`). The store only sends commands
   * through it: it never opens, closes or reconfigures connections.
   */
  client: Redis | Cluster;
  /** Starts every key. Default `'switchyard'`. Keys read `{<prefix>}:c:<counter key>`. */
  prefix?: string;
  /**
   * The Redis Cluster hash tag every key of this store carries; default: the prefix. With it set,
   * keys read `<prefix>:{<hashTag>}:c:<counter key>`. One tag for the whole store keeps each
   * multi-key script in one slot, which Redis Cluster requires. The trade-off: all of one store's
   * counters (and their load) sit on the one node that owns that slot. To spread load, give
   * separate stores (e.g. one per budget) different tags; counters that one reservation names
   * together must stay in one store. (An ioredis `keyPrefix` on the client is prepended as well;
   * if it holds a `{…}` tag itself, that tag decides the slot, still one for the whole store.)
   */
  hashTag?: string;
}

/** The one thing the store needs from a client; both `Redis` and `Cluster` provide it. */
interface ScriptRunner {
  evalsha(sha: string, numkeys: number, ...args: string[]): Promise<unknown>;
  eval(script: string, numkeys: number, ...args: string[]): Promise<unknown>;
}

/**
 * A `BudgetStore` in Redis, shared by every process that uses the same Redis (or cluster), prefix
 * and tag. Each operation is one Lua script: one atomic round trip. Lease expiry and rolling
 * buckets follow the server's clock, so processes with skewed clocks agree; fixed windows are
 * named and ended by the caller's clock (a refusal's `retryAfterMs` is measured on it too).
 * Keys of fixed windows expire after the window's end plus the lease, rolling ones once idle for
 * the window plus the lease; lifetime counters stay. A Redis failure rejects the operation's
 * promise with the client's error.
 */
export function redisStore(options: RedisStoreOptions): BudgetStore {
  const client = options?.client as ScriptRunner | undefined;
  if (!client || typeof client.evalsha !== 'function' || typeof client.eval !== 'function') {
    throw new ConfigError('redisStore.client', 'pass an ioredis Redis or Cluster client');
  }
  const prefix = options.prefix ?? 'switchyard';
  if (typeof prefix !== 'string' || prefix === '') throw new ConfigError('redisStore.prefix', 'must be a non-empty string');
  const tag = options.hashTag ?? prefix;
  if (typeof tag !== 'string' || tag === '' || /[{}]/.test(tag)) {
    const field = options.hashTag === undefined ? 'redisStore.prefix' : 'redisStore.hashTag';
    throw new ConfigError(field, `must contain no { or } (${field === 'redisStore.prefix' ? 'the prefix is the default hash tag; or set hashTag' : 'it becomes the Redis Cluster hash tag'})`);
  }
  const base = options.hashTag === undefined ? `{${tag}}` : `${prefix}:{${tag}}`;

  const run = async (script: LuaScript, counters: readonly StoreCounter[], head: string[], amounts?: readonly number[]): Promise<unknown> => {
    const keys: string[] = [];
    const args = head;
    counters.forEach((c, i) => {
      keys.push(`${base}:c:${c.key}`, `${base}:l:${c.key}`, `${base}:a:${c.key}`);
      const w = c.window;
      if (w.kind === 'fixed') args.push('f', num(w.end), '0');
      else if (w.kind === 'rolling') args.push('r', num(w.sizeMs), num(w.bucketMs));
      else args.push('l', '0', '0');
      args.push(num(c.limit), num(amounts?.[i] ?? 0));
    });
    try {
      return await client.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      // First use on this server (or after SCRIPT FLUSH): send the script itself, which caches it.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await client.eval(script.lua, keys.length, ...keys, ...args);
    }
  };

  return {
    async reserve(request: ReserveRequest): Promise<ReserveResult> {
      const { counters } = request;
      if (counters.length === 0) return { ok: true, states: [] };
      const reply = strings(
        await run(scripts.reserve, counters, [request.id, num(request.leaseMs)], counters.map((c) => c.amount)),
        'reserve',
      );
      if (reply[0] === '1') return { ok: true, states: states(reply, 1, counters.length) };
      const refused = Number(reply[1]);
      const counter = counters[refused];
      if (!counter) throw malformed('reserve');
      const w = counter.window;
      // Fixed windows end by the caller's clock (it names the next window's key), so ask it.
      const retryAfterMs = w.kind === 'fixed' ? Math.max(0, w.end - Date.now()) : reply[2] === '' ? undefined : Number(reply[2]);
      return { ok: false, refused, states: states(reply, 3, counters.length), retryAfterMs };
    },

    async settle(id: string, actual: readonly CounterAmount[]): Promise<CounterState[]> {
      if (actual.length === 0) return [];
      const reply = strings(await run(scripts.settle, actual, [id], actual.map((c) => c.amount)), 'settle');
      return states(reply, 0, actual.length);
    },

    async release(id: string, counters: readonly StoreCounter[]): Promise<void> {
      if (counters.length === 0) return;
      await run(scripts.release, counters, [id]);
    },

    async renew(id: string, counters: readonly StoreCounter[], leaseMs: number): Promise<boolean> {
      if (counters.length === 0) return true;
      const reply = await run(scripts.renew, counters, [id, num(leaseMs)]);
      return reply === '1';
    },

    async peek(counters: readonly StoreCounter[]): Promise<CounterState[]> {
      if (counters.length === 0) return [];
      return states(strings(await run(scripts.peek, counters, []), 'peek'), 0, counters.length);
    },
  };
}

/** A number as Lua reads it back exactly (`String` gives the shortest round-tripping form). */
function num(n: number): string {
  return String(n);
}

function strings(reply: unknown, op: string): string[] {
  if (!Array.isArray(reply) || !reply.every((r): r is string => typeof r === 'string')) throw malformed(op);
  return reply;
}

function states(reply: string[], from: number, count: number): CounterState[] {
  if (reply.length !== from + 2 * count) throw malformed('reply');
  const out: CounterState[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ spent: Number(reply[from + 2 * i]), reserved: Math.max(0, Number(reply[from + 2 * i + 1])) });
  }
  return out;
}

function malformed(op: string): Error {
  return new Error(`switchyard redisStore: unexpected reply from Redis to ${op}`);
}
