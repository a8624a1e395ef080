import { describe, expect, it } from 'vitest';
import {
  AttemptTimeoutError,
  CircuitOpenError,
  ConfigError,
  createGateway,
  DeadlineExceededError,
  ServerError,
  type CircuitStateChange,
  type Middleware,
} from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';

const user = [{ role: 'user' as const, content: 'hi' }];

function withLimits(limits: { firstTokenMs?: number; idleMs?: number; headersMs?: number }): Middleware {
  return { name: 'limits', handle: (_ctx, next) => next({ limits }) };
}

describe('attempt limits', () => {
  it('first-token limit fails a slow generate attempt with AttemptTimeoutError, not the call deadline', async () => {
    const m = mockProvider({ responses: [{ text: 'late', latencyMs: 1_000 }] });
    const gw = createGateway({ providers: { m }, middleware: [withLimits({ firstTokenMs: 30 })] });
    const err = await gw.chat({ model: 'm/x', messages: user }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttemptTimeoutError);
    expect((err as AttemptTimeoutError).phase).toBe('first-token');
    expect((err as AttemptTimeoutError).retryable).toBe(true);
    expect(m.calls[0]!.aborted).toBe(true);
  });

  it('first-token limit on a stream that is silent before its first chunk', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a'], latencyMs: 1_000 }] });
    const gw = createGateway({ providers: { m }, middleware: [withLimits({ firstTokenMs: 30 })] });
    const err = await gw.stream({ model: 'm/x', messages: user }).response.catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AttemptTimeoutError', phase: 'first-token' });
  });

  it('idle limit catches a stream that stalls mid-answer', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a', 'b', 'c'], chunkDelayMs: 3_000 }] });
    const gw = createGateway({ providers: { m }, middleware: [withLimits({ idleMs: 40 })] });
    const s = gw.stream({ model: 'm/x', messages: user });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const t of s.textStream) seen.push(t);
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AttemptTimeoutError', phase: 'idle', limitMs: 40 });
    expect(seen).toEqual(['a']);
    expect(m.calls[0]!.aborted).toBe(true);
  });

  it('a steady stream within the idle limit is unaffected', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a', 'b', 'c', 'd'], chunkDelayMs: 10 }] });
    const gw = createGateway({ providers: { m }, middleware: [withLimits({ idleMs: 200, firstTokenMs: 200 })] });
    expect((await gw.stream({ model: 'm/x', messages: user }).response).text).toBe('abcd');
  });

  it('the call deadline still wins over attempt limits', async () => {
    const m = mockProvider({ responses: [{ text: 'late', latencyMs: 1_000 }] });
    const gw = createGateway({ providers: { m }, middleware: [withLimits({ firstTokenMs: 500 })] });
    await expect(gw.chat({ model: 'm/x', messages: user, timeout: 20 })).rejects.toBeInstanceOf(DeadlineExceededError);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, refuses without calling, probes after cooldown, closes on success', async () => {
    const changes: CircuitStateChange[] = [];
    const m = mockProvider({ fallback: { error: { status: 503 } } });
    const gw = createGateway({ providers: { m }, circuitBreaker: { consecutiveFailures: 3, cooldownMs: 50, onStateChange: (c) => changes.push(c) } });
    for (let i = 0; i < 3; i++) await expect(gw.chat({ model: 'm/x', messages: user })).rejects.toBeInstanceOf(ServerError);
    expect(gw.health.get('m/x').circuit).toBe('open');
    expect(gw.health.available('m/x')).toBe(false);

    const refused = await gw.chat({ model: 'm/x', messages: user }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(m.calls).toHaveLength(3);

    await new Promise((r) => setTimeout(r, 60));
    m.enqueue({ text: 'healthy again' });
    const res = await gw.chat({ model: 'm/x', messages: user });
    expect(res.text).toBe('healthy again');
    expect(gw.health.get('m/x').circuit).toBe('closed');
    expect(changes.map((c) => `${c.from}->${c.to}:${c.reason}`)).toEqual([
      'closed->open:consecutive-failures',
      'open->half-open:cooldown-elapsed',
      'half-open->closed:probe-succeeded',
    ]);
  });

  it('admits a single probe; a failed probe reopens', async () => {
    const m = mockProvider({ fallback: { error: { status: 500 } } });
    const gw = createGateway({ providers: { m }, circuitBreaker: { consecutiveFailures: 1, cooldownMs: 30 } });
    await expect(gw.chat({ model: 'm/x', messages: user })).rejects.toBeInstanceOf(ServerError);
    await new Promise((r) => setTimeout(r, 40));
    m.enqueue({ error: { status: 500 }, latencyMs: 30 });
    const probe = gw.chat({ model: 'm/x', messages: user }).catch((e: unknown) => e);
    const second = await gw.chat({ model: 'm/x', messages: user }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(CircuitOpenError);
    expect(await probe).toBeInstanceOf(ServerError);
    expect(gw.health.get('m/x').circuit).toBe('open');
  });

  it('does not count the caller’s mistakes (4xx) or aborts', async () => {
    const m = mockProvider({ fallback: { error: { status: 400 } } });
    const gw = createGateway({ providers: { m }, circuitBreaker: { consecutiveFailures: 2 } });
    for (let i = 0; i < 5; i++) await gw.chat({ model: 'm/x', messages: user }).catch(() => undefined);
    expect(gw.health.get('m/x').circuit).toBe('closed');
  });

  it('opens on failure rate over the window', async () => {
    const m = mockProvider();
    const gw = createGateway({ providers: { m }, circuitBreaker: { consecutiveFailures: 100, failureRate: 0.5, minRequests: 4, windowMs: 10_000 } });
    m.enqueue({ text: 'ok' }, { error: { status: 500 } }, { text: 'ok' }, { error: { status: 500 } });
    for (let i = 0; i < 4; i++) await gw.chat({ model: 'm/x', messages: user }).catch(() => undefined);
    expect(gw.health.get('m/x').circuit).toBe('open');
  });

  it('records a refused attempt as skipped and can be turned off', async () => {
    const m = mockProvider({ fallback: { error: { status: 503 } } });
    const gw = createGateway({ providers: { m }, circuitBreaker: false });
    for (let i = 0; i < 10; i++) await gw.chat({ model: 'm/x', messages: user }).catch(() => undefined);
    expect(gw.health.get('m/x').circuit).toBe('closed');
    expect(m.calls).toHaveLength(10);
  });

  it('tracks latency and in-flight counts', async () => {
    const m = mockProvider({ fallback: { text: 'x', latencyMs: 20 } });
    const gw = createGateway({ providers: { m } });
    const p = gw.chat({ model: 'm/x', messages: user });
    await new Promise((r) => setTimeout(r, 5));
    expect(gw.health.get('m/x').inFlight).toBe(1);
    await p;
    expect(gw.health.get('m/x').inFlight).toBe(0);
    expect(gw.health.get('m/x').latencyEwmaMs).toBeGreaterThan(10);
  });
});

describe('concurrency limits', () => {
  it('caps attempts in flight per provider and queues the rest', async () => {
    let inFlight = 0;
    let peak = 0;
    const m = mockProvider({
      fallback: () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        setTimeout(() => inFlight--, 20);
        return { text: 'x', latencyMs: 20 };
      },
    });
    const gw = createGateway({ providers: { m }, concurrency: { m: 2 } });
    await Promise.all(Array.from({ length: 6 }, () => gw.chat({ model: 'm/x', messages: user })));
    expect(peak).toBe(2);
    expect(m.calls).toHaveLength(6);
  });

  it('a queued attempt gives up at the call deadline and frees its turn', async () => {
    const m = mockProvider({ fallback: { text: 'x', latencyMs: 100 } });
    const gw = createGateway({ providers: { m }, concurrency: { 'm/x': 1 } });
    const first = gw.chat({ model: 'm/x', messages: user });
    const queued = gw.chat({ model: 'm/x', messages: user, timeout: 20 }).catch((e: unknown) => e);
    expect(await queued).toBeInstanceOf(DeadlineExceededError);
    await first;
    expect(m.calls).toHaveLength(1);
    expect((await gw.chat({ model: 'm/x', messages: user })).text).toBe('x');
  });

  it('holds the slot for the whole stream', async () => {
    const m = mockProvider({ fallback: { chunks: ['a', 'b', 'c'], chunkDelayMs: 10 } });
    const gw = createGateway({ providers: { m }, concurrency: { m: 1 } });
    const order: string[] = [];
    await Promise.all([1, 2].map(async (n) => {
      for await (const t of gw.stream({ model: 'm/x', messages: user }).textStream) order.push(`${n}${t}`);
    }));
    expect(order).toEqual(['1a', '1b', '1c', '2a', '2b', '2c']);
  });

  it('rejects a limit for an unknown provider at creation', () => {
    expect(() => createGateway({ providers: { m: mockProvider() }, concurrency: { nope: 1 } })).toThrow(ConfigError);
  });
});

describe('reset events', () => {
  it('clear the aggregated response', async () => {
    const restart: Middleware = {
      name: 'restart',
      async *handle(_ctx, next) {
        yield { type: 'text-delta', text: 'discarded ' };
        yield { type: 'reset', reason: 'test', target: 'm/x' };
        yield* next();
      },
    };
    const gw = createGateway({ providers: { m: mockProvider({ fallback: { text: 'kept' } }) }, middleware: [restart] });
    expect((await gw.chat({ model: 'm/x', messages: user })).text).toBe('kept');
  });
});

describe('idle limit without a first-token limit', () => {
  it('also bounds the silence before the first event of a stream', async () => {
    const m = mockProvider({ responses: [{ chunks: ['a'], latencyMs: 3_000 }] });
    const gw = createGateway({ providers: { m }, middleware: [withLimits({ idleMs: 40 })] });
    const err = await gw.stream({ model: 'm/x', messages: user }).response.catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AttemptTimeoutError', phase: 'idle', limitMs: 40 });
    expect(m.calls[0]!.aborted).toBe(true);
  });

  it('does not limit a generate call', async () => {
    const m = mockProvider({ responses: [{ text: 'slow but fine', latencyMs: 80 }] });
    const gw = createGateway({ providers: { m }, middleware: [withLimits({ idleMs: 20 })] });
    expect((await gw.chat({ model: 'm/x', messages: user })).text).toBe('slow but fine');
  });
});
