import { describe, expect, it } from 'vitest';
import {
  AbortError,
  createGateway,
  ServerError,
  type CallContext,
  type Middleware,
  type Next,
  type StreamEvent,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';

const user = (content: string) => [{ role: 'user' as const, content }];

function tracer(name: string, log: string[]): Middleware {
  return {
    name,
    async *handle(_ctx, next) {
      log.push(`${name}:before`);
      yield* next();
      log.push(`${name}:after`);
    },
  };
}

describe('middleware contract', () => {
  it('runs gateway layers outermost, then alias layers, in order', async () => {
    const log: string[] = [];
    const gw = createGateway({
      providers: { m: mockProvider() },
      middleware: [tracer('g1', log), tracer('g2', log)],
      models: { smart: { target: 'm/x', middleware: [tracer('a1', log)] } },
    });
    await gw.chat({ model: 'smart', messages: user('hi') });
    expect(log).toEqual(['g1:before', 'g2:before', 'a1:before', 'a1:after', 'g2:after', 'g1:after']);
    log.length = 0;
    await gw.chat({ model: 'm/x', messages: user('hi') });
    expect(log).toEqual(['g1:before', 'g2:before', 'g2:after', 'g1:after']);
  });

  it('lets a layer rewrite the request and choose another target', async () => {
    const a = mockProvider();
    const b = mockProvider();
    const reroute: Middleware = {
      name: 'reroute',
      handle: (ctx, next) =>
        next({ model: 'b/big', request: { ...ctx.request, messages: [...ctx.request.messages, { role: 'user', content: 'extra' }] } }),
    };
    const gw = createGateway({ providers: { a, b }, middleware: [reroute] });
    const res = await gw.chat({ model: 'a/small', messages: user('hi') });
    expect(a.calls).toHaveLength(0);
    expect(b.calls[0]!.model).toBe('big');
    expect(b.calls[0]!.request.messages).toHaveLength(2);
    expect(res.provider).toBe('b');
  });

  it('re-entry: a layer may call next several times on different targets (a minimal fallback)', async () => {
    const a = mockProvider({ responses: [{ error: { status: 503 } }] });
    const b = mockProvider({ responses: [{ text: 'from b' }] });
    const tryEach = (targets: string[]): Middleware => ({
      name: 'try-each',
      async *handle(_ctx, next) {
        let last: unknown;
        for (const model of targets) {
          try {
            const events: StreamEvent[] = [];
            for await (const ev of next({ model })) events.push(ev);
            yield* events;
            return;
          } catch (e) {
            last = e;
          }
        }
        throw last;
      },
    });
    const gw = createGateway({ providers: { a, b }, models: { smart: [tryEach(['a/x', 'b/y'])] } });
    const res = await gw.chat({ model: 'smart', messages: user('hi') });
    expect(res.text).toBe('from b');
    expect(res.provider).toBe('b');
    expect(res.attempts.map((t) => [t.target.id, t.outcome])).toEqual([
      ['a/x', 'error'],
      ['b/y', 'success'],
    ]);
    expect(res.attempts[0]!.error).toBeInstanceOf(ServerError);
  });

  it('re-routing to an alias from a gateway layer runs that alias’s own layers', async () => {
    const log: string[] = [];
    const gw = createGateway({
      providers: { m: mockProvider() },
      models: { cheap: { target: 'm/small', middleware: [tracer('cheap', log)] } },
      middleware: [{ name: 'degrade', handle: (_ctx, next) => next({ model: 'cheap' }) }],
    });
    const res = await gw.chat({ model: 'm/big', messages: user('hi') });
    expect(res.target.model).toBe('small');
    expect(log).toEqual(['cheap:before', 'cheap:after']);
  });

  it('zero calls: a layer can answer by itself (a cache)', async () => {
    const m = mockProvider();
    const cache: Middleware = {
      name: 'cache',
      async *handle(ctx) {
        yield { type: 'text-delta', text: 'cached' };
        yield {
          type: 'finish', finishReason: 'stop', rawFinishReason: undefined, usage: undefined, responseId: 'c1',
          responseModel: undefined, target: { provider: 'm', model: 'x', id: 'm/x' }, requestId: undefined, raw: { cachedFor: ctx.model },
        };
      },
    };
    const gw = createGateway({ providers: { m }, middleware: [cache] });
    const res = await gw.chat({ model: 'm/x', messages: user('hi') });
    expect(res.text).toBe('cached');
    expect(m.calls).toHaveLength(0);
    expect(res.attempts).toHaveLength(0);
  });

  it('transforms stream events (and the aggregated response follows)', async () => {
    const upper: Middleware = {
      name: 'upper',
      async *handle(_ctx, next) {
        for await (const ev of next()) yield ev.type === 'text-delta' ? { ...ev, text: ev.text.toUpperCase() } : ev;
      },
    };
    const gw = createGateway({ providers: { m: mockProvider({ fallback: { chunks: ['ab', 'cd'] } }) }, middleware: [upper] });
    const seen: string[] = [];
    const s = gw.stream({ model: 'm/x', messages: user('hi') });
    for await (const t of s.textStream) seen.push(t);
    expect(seen).toEqual(['AB', 'CD']);
    expect((await s.response).text).toBe('ABCD');
    expect((await gw.chat({ model: 'm/x', messages: user('hi') })).text).toBe('ABCD');
  });

  it('acts on the final finish event (settlement hook)', async () => {
    const settled: Array<number | undefined> = [];
    const settle: Middleware = {
      name: 'settle',
      async *handle(_ctx, next) {
        for await (const ev of next()) {
          if (ev.type === 'finish') settled.push(ev.usage?.totalTokens);
          yield ev;
        }
      },
    };
    const gw = createGateway({ providers: { m: mockProvider({ fallback: { text: 'x', usage: { inputTokens: 5, outputTokens: 2 } } }) }, middleware: [settle] });
    await gw.chat({ model: 'm/x', messages: user('hi') });
    await gw.stream({ model: 'm/x', messages: user('hi') }).response;
    expect(settled).toEqual([7, 7]);
  });

  it('an error thrown inside a layer reaches the caller unchanged, and inner layers see it', async () => {
    class Boom extends Error {}
    const seenByOuter: unknown[] = [];
    const outer: Middleware = {
      name: 'outer',
      async *handle(_ctx, next) {
        try {
          yield* next();
        } catch (e) {
          seenByOuter.push(e);
          throw e;
        }
      },
    };
    const thrower: Middleware = {
      name: 'thrower',
      // eslint-disable-next-line require-yield
      async *handle() {
        throw new Boom('inside');
      },
    };
    const m = mockProvider();
    const gw = createGateway({ providers: { m }, middleware: [outer, thrower] });
    await expect(gw.chat({ model: 'm/x', messages: user('hi') })).rejects.toBeInstanceOf(Boom);
    await expect(gw.stream({ model: 'm/x', messages: user('hi') }).response).rejects.toBeInstanceOf(Boom);
    expect(seenByOuter).toHaveLength(2);
    expect(m.calls).toHaveLength(0);
  });

  it('a synchronous throw and a non-iterable return are reported clearly', async () => {
    const syncThrow = { name: 'sync', handle: () => { throw new RangeError('sync'); } } as unknown as Middleware;
    const gw1 = createGateway({ providers: { m: mockProvider() }, middleware: [syncThrow] });
    await expect(gw1.chat({ model: 'm/x', messages: user('hi') })).rejects.toBeInstanceOf(RangeError);
    const notIterable = { name: 'promise-returner', handle: async () => undefined } as unknown as Middleware;
    const gw2 = createGateway({ providers: { m: mockProvider() }, middleware: [notIterable] });
    await expect(gw2.chat({ model: 'm/x', messages: user('hi') })).rejects.toThrow(/promise-returner.*AsyncIterable/);
  });

  it('bare functions work as layers', async () => {
    const calls: string[] = [];
    async function* audit(ctx: CallContext, next: Next) {
      calls.push(`${ctx.mode}:${ctx.model}:${String(ctx.metadata.team)}`);
      yield* next();
    }
    const gw = createGateway({ providers: { m: mockProvider() }, middleware: [audit] });
    await gw.chat({ model: 'm/x', messages: user('hi'), metadata: { team: 'search' } });
    expect(calls).toEqual(['generate:m/x:search']);
  });

  it('abort: a caller abort reaches layers through ctx.signal and ends the call', async () => {
    const m = mockProvider({ fallback: { chunks: ['a', 'b', 'c'], chunkDelayMs: 20 } });
    let layerSawAbort = false;
    const watcher: Middleware = {
      name: 'watcher',
      async *handle(ctx, next) {
        ctx.signal.addEventListener('abort', () => (layerSawAbort = true));
        yield* next();
      },
    };
    const gw = createGateway({ providers: { m }, middleware: [watcher] });
    const ac = new AbortController();
    const s = gw.stream({ model: 'm/x', messages: user('hi'), signal: ac.signal });
    setTimeout(() => ac.abort(), 5);
    await expect(s.response).rejects.toBeInstanceOf(AbortError);
    expect(layerSawAbort).toBe(true);
    expect(m.calls[0]!.aborted).toBe(true);
  });

  it('a branch signal passed to next cancels only that branch', async () => {
    const slow = mockProvider({ fallback: { text: 'slow', latencyMs: 1_000 } });
    const fast = mockProvider({ fallback: { text: 'fast' } });
    const race: Middleware = {
      name: 'race',
      async *handle(_ctx, next) {
        const loser = new AbortController();
        const slowRun = (async () => {
          for await (const _ of next({ model: 'slow/x', signal: loser.signal })) {
            // consume
          }
        })().catch((e: unknown) => e);
        const events: StreamEvent[] = [];
        for await (const ev of next({ model: 'fast/y' })) events.push(ev);
        loser.abort();
        expect(await slowRun).toBeInstanceOf(Error);
        yield* events;
      },
    };
    const gw = createGateway({ providers: { slow, fast }, middleware: [race] });
    const res = await gw.chat({ model: 'fast/y', messages: user('hi') });
    expect(res.text).toBe('fast');
    expect(slow.calls[0]!.aborted).toBe(true);
    expect(res.attempts.map((a) => [a.target.id, a.outcome])).toEqual(
      expect.arrayContaining([
        ['fast/y', 'success'],
        ['slow/x', 'aborted'],
      ]),
    );
  });

  it('an alias with only layers must have them choose a target', async () => {
    const gw = createGateway({ providers: { m: mockProvider() }, models: { lost: [{ name: 'noop', handle: (_c, next) => next() }] } });
    await expect(gw.chat({ model: 'lost', messages: user('hi') })).rejects.toThrow(/alias 'lost' has no target/);
  });
});

describe('middleware contract: edge cases', () => {
  it('a branch that is never read makes no provider call', async () => {
    const m = mockProvider();
    const unread: Middleware = {
      name: 'unread',
      handle: (_ctx, next) => {
        next({ model: 'm/never-read' });
        return next();
      },
    };
    const gw = createGateway({ providers: { m }, middleware: [unread] });
    await gw.chat({ model: 'm/x', messages: user('hi') });
    expect(m.calls.map((c) => c.model)).toEqual(['x']);
  });

  it('listeners on the signal of an uncancellable call are not retained', async () => {
    let listened = 0;
    const gw = createGateway({
      providers: { m: mockProvider() },
      middleware: [
        async function* listen(ctx, next) {
          ctx.signal.addEventListener('abort', () => listened++);
          yield* next();
        },
      ],
    });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    for (let i = 0; i < 30; i++) await gw.chat({ model: 'm/x', messages: user('hi') });
    await new Promise((r) => setTimeout(r, 10));
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
    expect(listened).toBe(0);
  });
});
