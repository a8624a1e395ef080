import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, BadRequestError, ConfigError, createGateway, DeadlineExceededError, ServerError, type StreamEvent } from '../../src/index.js';
import type { ChatResponse } from '../../src/types/response.js';
import { hedge, type HedgeOptions } from '../../src/routing/hedge.js';
import { hedgeDelayMs } from '../../src/routing/hedge-delay.js';
import { mockProvider, type MockProvider, type MockResponse } from '../../src/testing/index.js';
import type { ProviderAdapter } from '../../src/types/provider-adapter.js';
import type { TargetHealthRegistry } from '../../src/types/routing.js';
import { MODELS, startSdkFixture, type SdkFixture } from '../integration/sdk-fixtures.js';

const user = (content: string) => [{ role: 'user' as const, content }];

/** A mock provider that always gives `answer` and notes when each call reached it. */
function timed(answer: MockResponse) {
  const starts: number[] = [];
  const m = mockProvider({
    fallback: () => {
      starts.push(performance.now());
      return answer;
    },
  });
  return Object.assign(m, { starts });
}

function gatewayWith(providers: Record<string, ProviderAdapter>, targets: string[], options: HedgeOptions) {
  return createGateway({ providers, models: { h: [hedge(targets, options)] }, circuitBreaker: false });
}

/**
 * A provider that takes `teardownMs` to let go after an abort (like a client draining a socket), so
 * a test can tell whether the hedge waited for its attempt to be recorded.
 */
function slowToLetGo(latencyMs: number, teardownMs: number): ProviderAdapter {
  const inner = mockProvider({ fallback: { text: 'slow to let go', latencyMs } });
  return {
    kind: 'mock',
    generate: (req, opts) =>
      new Promise((resolve, reject) => {
        const ac = new AbortController();
        inner.generate(req, { ...opts, signal: ac.signal }).then(resolve, () => undefined);
        opts.signal?.addEventListener(
          'abort',
          () =>
            setTimeout(() => {
              ac.abort();
              reject(opts.signal!.reason);
            }, teardownMs),
          { once: true },
        );
      }),
    stream: (req, opts) => inner.stream(req, opts),
  };
}

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const ev of stream) events.push(ev);
  return events;
}

const outcomes = (res: Pick<ChatResponse, 'attempts'>) => res.attempts.map((a) => `${a.target.id}:${a.outcome}`).sort();
/** ms between consecutive hedge starts, on the call's own clock (a branch starts when the hedge starts it). */
const startGaps = (res: Pick<ChatResponse, 'routing'>) => {
  const at = res.routing.filter((r) => r.layer === 'hedge' && r.action === 'start').map((r) => r.atMs);
  return at.slice(1).map((t, i) => t - at[i]!);
};
const hedgeLog = (res: Pick<ChatResponse, 'routing'>) => res.routing.filter((r) => r.layer === 'hedge').map((r) => `${r.action} ${r.target}`);

describe('hedge: racing a slow attempt', () => {
  it('stream: a slow primary is beaten by the backup, started no earlier than `after`', async () => {
    const a = timed({ chunks: ['slow ', 'answer'], latencyMs: 600 });
    const b = timed({ chunks: ['fast ', 'answer'], latencyMs: 5 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 40 });

    const t0 = performance.now();
    const s = gw.stream({ model: 'h', messages: user('hi') });
    const events = await collect(s);
    const wall = performance.now() - t0;
    const res = await s.response;

    expect(res.text).toBe('fast answer');
    expect(res.target.id).toBe('b/y');
    expect(events.filter((e) => e.type === 'finish')).toHaveLength(1);
    expect(startGaps(res)[0]).toBeGreaterThanOrEqual(40);
    expect(b.starts[0]).toBeGreaterThan(a.starts[0]!);
    expect(wall).toBeLessThan(400); // the primary alone would take 600 ms
    expect(a.calls[0]!.aborted).toBe(true);
    expect(b.calls[0]!.aborted).toBe(false);
    expect(outcomes(res)).toEqual(['a/x:aborted', 'b/y:success']);
    expect(res.attempts.find((x) => x.target.id === 'a/x')!.error).toBeInstanceOf(AbortError);
    expect(hedgeLog(res)).toEqual(['start a/x', 'start b/y', 'win b/y']);
    expect(res.routing[1]!.detail).toMatchObject({ attempt: 2, reason: 'slow', afterMs: 40, delay: 'fixed' });
    expect(res.routing[2]!.detail).toMatchObject({ attempt: 2 });
  });

  it('generate: the first complete answer wins and the loser is aborted and listed', async () => {
    const a = timed({ text: 'slow answer', latencyMs: 600 });
    const b = timed({ text: 'fast answer', latencyMs: 5, usage: { inputTokens: 7, outputTokens: 3 } });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 30 });

    const t0 = performance.now();
    const res = await gw.chat({ model: 'h', messages: user('hi') });
    expect(performance.now() - t0).toBeLessThan(400);
    expect(res.text).toBe('fast answer');
    expect(res.usage).toMatchObject({ inputTokens: 7, outputTokens: 3 });
    expect(startGaps(res)[0]).toBeGreaterThanOrEqual(30);
    expect(a.calls[0]!.aborted).toBe(true);
    // Listed when chat() resolves, not some time later.
    expect(outcomes(res)).toEqual(['a/x:aborted', 'b/y:success']);
    expect(res.attempts.find((x) => x.target.id === 'b/y')!.usage).toMatchObject({ outputTokens: 3 });
  });

  it('a loser that is slow to let go is still listed when chat() resolves', async () => {
    const b = timed({ text: 'fast answer', latencyMs: 5 });
    const gw = gatewayWith({ a: slowToLetGo(400, 40), b }, ['a/x', 'b/y'], { after: 20 });
    const t0 = performance.now();
    const res = await gw.chat({ model: 'h', messages: user('hi') });
    expect(outcomes(res)).toEqual(['a/x:aborted', 'b/y:success']);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(20 + 40);
    expect(performance.now() - t0).toBeLessThan(300);
  });

  it('a fast primary never starts the backup', async () => {
    const a = timed({ chunks: ['quick'], latencyMs: 5 });
    const b = timed({ text: 'unused' });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 60 });

    const res = await gw.stream({ model: 'h', messages: user('hi') }).response;
    expect(res.text).toBe('quick');
    const chat = await gw.chat({ model: 'h', messages: user('hi') });
    expect(chat.text).toBe('quick');
    // The hedge timer was cleared with the call: nothing starts later either.
    await new Promise((r) => setTimeout(r, 90));
    expect(b.calls).toHaveLength(0);
    expect(hedgeLog(res)).toEqual(['start a/x', 'win a/x']);
    expect(outcomes(chat)).toEqual(['a/x:success']);
  });

  it('the primary still wins if it answers after the backup started but before it', async () => {
    const a = timed({ chunks: ['primary'], latencyMs: 60 });
    const b = timed({ chunks: ['backup'], latencyMs: 600 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 20 });

    const res = await gw.stream({ model: 'h', messages: user('hi') }).response;
    expect(res.text).toBe('primary');
    expect(b.calls).toHaveLength(1);
    expect(b.calls[0]!.aborted).toBe(true);
    expect(outcomes(res)).toEqual(['a/x:success', 'b/y:aborted']);
  });

  it('up to maxAttempts, each backup `after` the previous one; the same model may repeat', async () => {
    let n = 0;
    const starts: number[] = [];
    // Only the third call to this one model is quick: hedging one target against its own tail.
    const a = mockProvider({
      fallback: () => {
        starts.push(performance.now());
        return ++n === 3 ? { chunks: ['third'], latencyMs: 5 } : { chunks: ['stuck'], latencyMs: 800 };
      },
    });
    const gw = gatewayWith({ a }, ['a/x'], { after: 30, maxAttempts: 3 });

    const t0 = performance.now();
    const res = await gw.stream({ model: 'h', messages: user('hi') }).response;
    expect(performance.now() - t0).toBeLessThan(500);
    expect(res.text).toBe('third');
    expect(starts).toHaveLength(3);
    const gaps = startGaps(res);
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(30);
    expect(a.calls.map((c) => c.aborted)).toEqual([true, true, false]);
    expect(outcomes(res)).toEqual(['a/x:aborted', 'a/x:aborted', 'a/x:success']);
    expect(res.routing.filter((r) => r.action === 'start').map((r) => r.detail?.attempt)).toEqual([1, 2, 3]);
    expect(res.routing.at(-1)).toMatchObject({ layer: 'hedge', action: 'win', detail: { attempt: 3 } });
  });

  it('after: 0 races every attempt at once; exactly one answer reaches the caller', async () => {
    const a = timed({ chunks: ['a1 ', 'a2'], latencyMs: 40 });
    const b = timed({ chunks: ['b1 ', 'b2'], latencyMs: 5, chunkDelayMs: 5 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 0 });

    const s = gw.stream({ model: 'h', messages: user('hi') });
    const events = await collect(s);
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text)).toEqual(['b1 ', 'b2']);
    expect(Math.abs(b.starts[0]! - a.starts[0]!)).toBeLessThan(30);
    expect(outcomes(await s.response)).toEqual(['a/x:aborted', 'b/y:success']);
  });

  it('a loser that produced content in the same instant is closed, and its content never shows', async () => {
    // Both providers hold their answer until the gate opens, so both branches open in the same tick.
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const gated = (m: MockProvider): ProviderAdapter => ({
      kind: 'mock',
      generate: (req, opts) => m.generate(req, opts),
      async *stream(req, opts) {
        await gate;
        yield* m.stream(req, opts);
      },
    });
    const a = mockProvider({ fallback: { chunks: ['a1 ', 'a2'], chunkDelayMs: 5 } });
    const b = mockProvider({ fallback: { chunks: ['b1 ', 'b2'], chunkDelayMs: 5 } });
    const gw = gatewayWith({ a: gated(a), b: gated(b) }, ['a/x', 'b/y'], { after: 0 });
    setTimeout(open, 30);
    const res = await gw.stream({ model: 'h', messages: user('hi') }).response;
    expect(res.text).toBe('a1 a2'); // the first to open, in start order
    expect(outcomes(res)).toEqual(['a/x:success', 'b/y:aborted']);
    expect(b.calls[0]!.aborted).toBe(true);
  });
});

describe('hedge: failures', () => {
  it('a primary that fails before content starts the backup at once', async () => {
    const a = timed({ error: { status: 503, message: 'primary down' } });
    const b = timed({ chunks: ['backup'] });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 1_000 });

    const t0 = performance.now();
    const res = await gw.stream({ model: 'h', messages: user('hi') }).response;
    expect(performance.now() - t0).toBeLessThan(300); // not the 1 s hedge delay
    expect(res.text).toBe('backup');
    expect(outcomes(res)).toEqual(['a/x:error', 'b/y:success']);
    expect(res.attempts[0]!.error).toBeInstanceOf(ServerError);
    expect(res.routing[1]).toMatchObject({ layer: 'hedge', action: 'start', target: 'b/y', detail: { reason: 'failed' } });
  });

  it('a primary failing after the backup started leaves the backup running (generate)', async () => {
    const a = timed({ error: { status: 500 }, latencyMs: 60 });
    const b = timed({ text: 'backup', latencyMs: 100 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 20 });

    const res = await gw.chat({ model: 'h', messages: user('hi') });
    expect(res.text).toBe('backup');
    expect(b.calls).toHaveLength(1);
    expect(outcomes(res)).toEqual(['a/x:error', 'b/y:success']);
  });

  it('a non-retryable failure starts no backup and is thrown as it is', async () => {
    const a = timed({ error: { status: 400, message: "unsupported parameter 'foo'" } });
    const b = timed({ text: 'unused' });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 20 });

    const err = await gw.chat({ model: 'h', messages: user('hi') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.calls).toHaveLength(0);
  });

  it('hedgeOn decides which failures start the next attempt', async () => {
    const a = timed({ error: { status: 400 } });
    const b = timed({ text: 'backup' });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 1_000, hedgeOn: () => true });
    expect((await gw.chat({ model: 'h', messages: user('hi') })).text).toBe('backup');
  });

  it('all attempts fail: the last error is thrown, with every attempt on it', async () => {
    const a = timed({ error: { status: 503, message: 'a down' } });
    const b = timed({ error: { status: 500, message: 'b down' }, latencyMs: 10 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 20 });

    for (const run of [() => gw.chat({ model: 'h', messages: user('hi') }), () => gw.stream({ model: 'h', messages: user('hi') }).response]) {
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).message).toContain('b down');
      expect(outcomes(err as ServerError & { attempts: ChatResponse['attempts'] })).toEqual(['a/x:error', 'b/y:error']);
    }
  });

  it('stops at maxAttempts when everything keeps failing', async () => {
    const a = timed({ error: { status: 429, message: 'slow down' } });
    const gw = gatewayWith({ a }, ['a/x'], { after: 1_000, maxAttempts: 3 });
    const err = await gw.chat({ model: 'h', messages: user('hi') }).catch((e: unknown) => e);
    expect((err as Error).name).toBe('RateLimitError');
    expect(a.calls).toHaveLength(3);
  });

  it('a winner that breaks mid-stream passes its error through (content already went out)', async () => {
    const a = timed({ chunks: ['one ', 'two ', 'three'], failAfterChunks: 1, error: { status: 503 } });
    const b = timed({ text: 'unused' });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 500 });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const ev of gw.stream({ model: 'h', messages: user('hi') })) if (ev.type === 'text-delta') seen.push(ev.text);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(seen).toEqual(['one ']);
    expect(b.calls).toHaveLength(0);
  });
});

describe('hedge: cancellation', () => {
  it('a caller abort during the race aborts every attempt and starts no more', async () => {
    const a = timed({ chunks: ['x'], latencyMs: 800 });
    const b = timed({ chunks: ['y'], latencyMs: 800 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y', 'a/x'], { after: 20, maxAttempts: 3 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const s = gw.stream({ model: 'h', messages: user('hi'), signal: ac.signal });
    await expect(s.response).rejects.toBeInstanceOf(AbortError);
    await new Promise((r) => setTimeout(r, 60));
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(1);
    expect([a.calls[0]!.aborted, b.calls[0]!.aborted]).toEqual([true, true]);
  });

  it('the call deadline bounds the hedge', async () => {
    const a = timed({ text: 'x', latencyMs: 800 });
    const b = timed({ text: 'y', latencyMs: 800 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 20 });
    const t0 = performance.now();
    const err = await gw.chat({ model: 'h', messages: user('hi'), timeout: 60 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(performance.now() - t0).toBeLessThan(400);
    expect(outcomes(err as { attempts: ChatResponse['attempts'] })).toEqual(['a/x:aborted', 'b/y:aborted']);
  });

  it('a failed call waits until every attempt is recorded before it throws', async () => {
    const gw = gatewayWith({ a: slowToLetGo(800, 10), b: slowToLetGo(800, 60) }, ['a/x', 'b/y'], { after: 20 });
    const err = await gw.chat({ model: 'h', messages: user('hi'), timeout: 60 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    // Read at once: b's attempt ends 50 ms after a's, and must already be there.
    expect(outcomes(err as { attempts: ChatResponse['attempts'] })).toEqual(['a/x:aborted', 'b/y:aborted']);
  });

  it('a consumer that stops reading closes the winner and the losers', async () => {
    const a = timed({ chunks: ['a'], latencyMs: 800 });
    const b = timed({ chunks: ['b1', 'b2', 'b3'], latencyMs: 5, chunkDelayMs: 30 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: 10 });
    const s = gw.stream({ model: 'h', messages: user('hi') });
    for await (const ev of s) if (ev.type === 'text-delta') break;
    await s.response.catch(() => undefined);
    expect(a.calls[0]!.aborted).toBe(true);
    expect(b.calls[0]!.aborted).toBe(true);
  });
});

describe('hedge: learned delay', () => {
  it('uses fallbackMs until the target has samples, then its learned TTFT percentile', async () => {
    let slow = false;
    const a = mockProvider({ fallback: () => (slow ? { chunks: ['slow'], latencyMs: 800 } : { chunks: ['warm'], latencyMs: 15 }) });
    const b = timed({ chunks: ['backup'], latencyMs: 5 });
    const gw = gatewayWith({ a, b }, ['a/x', 'b/y'], { after: { percentile: 0.9, fallbackMs: 60 } });

    // Cold: no samples yet, so fallbackMs.
    slow = true;
    const cold = await gw.stream({ model: 'h', messages: user('hi') }).response;
    expect(cold.text).toBe('backup');
    expect(cold.routing[1]!.detail).toMatchObject({ reason: 'slow', delay: 'fallback', afterMs: 60 });
    expect(startGaps(cold)[0]).toBeGreaterThanOrEqual(60);

    // Warm up a/x with quick streams (straight to the target, so nothing is hedged).
    slow = false;
    for (let i = 0; i < 8; i++) await gw.stream({ model: 'a/x', messages: user('warm') }).response;
    const p90 = gw.health.get('a/x').ttftPercentile(0.9)!;
    expect(p90).toBeGreaterThanOrEqual(14);
    expect(p90).toBeLessThan(60);

    slow = true;
    const warm = await gw.stream({ model: 'h', messages: user('hi') }).response;
    expect(warm.text).toBe('backup');
    const start = warm.routing.find((r) => r.action === 'start' && r.target === 'b/y')!;
    expect(start.detail).toMatchObject({ reason: 'slow', delay: 'percentile' });
    const learned = start.detail!.afterMs as number;
    expect(Math.abs(learned - gw.health.get('a/x').ttftPercentile(0.9)!)).toBeLessThanOrEqual(1);
    expect(startGaps(warm)[0]).toBeGreaterThanOrEqual(learned - 0.5);
    expect(startGaps(warm)[0]).toBeLessThan(60 + 40); // sooner than the cold fallback would allow, give or take
  });

  it('min and max clamp the learned delay; aliases fall back', () => {
    const health = (ms: number | undefined): TargetHealthRegistry =>
      ({ get: () => ({ ttftPercentile: () => ms }), available: () => true }) as unknown as TargetHealthRegistry;
    const after = { percentile: 0.95, fallbackMs: 300, min: 50, max: 200 };
    expect(hedgeDelayMs(after, health(10), 'm/a')).toEqual({ ms: 50, source: 'percentile' });
    expect(hedgeDelayMs(after, health(120), 'm/a')).toEqual({ ms: 120, source: 'percentile' });
    expect(hedgeDelayMs(after, health(900), 'm/a')).toEqual({ ms: 200, source: 'percentile' });
    expect(hedgeDelayMs(after, health(undefined), 'm/a')).toEqual({ ms: 200, source: 'fallback' });
    expect(hedgeDelayMs({ percentile: 0.9, fallbackMs: 70 }, health(10), undefined)).toEqual({ ms: 70, source: 'fallback' });
    expect(hedgeDelayMs(25, health(10), 'm/a')).toEqual({ ms: 25, source: 'fixed' });
  });
});

describe('hedge: options', () => {
  const bad: Array<[string, () => unknown, string]> = [
    ['no targets', () => hedge([], { after: 10 }), 'hedge.targets'],
    ['a non-string target', () => hedge(['m/a', 3 as unknown as string], { after: 10 }), 'hedge.targets[1]'],
    ['no after', () => hedge(['m/a'], {} as HedgeOptions), 'hedge.after'],
    ['a negative after', () => hedge(['m/a'], { after: -1 }), 'hedge.after'],
    ['after NaN', () => hedge(['m/a'], { after: Number.NaN }), 'hedge.after'],
    ['a percentile of 0', () => hedge(['m/a'], { after: { percentile: 0, fallbackMs: 10 } }), 'hedge.after.percentile'],
    ['a percentile over 1', () => hedge(['m/a'], { after: { percentile: 90, fallbackMs: 10 } }), 'hedge.after.percentile'],
    ['no fallbackMs', () => hedge(['m/a'], { after: { percentile: 0.9 } as never }), 'hedge.after.fallbackMs'],
    ['min above max', () => hedge(['m/a'], { after: { percentile: 0.9, fallbackMs: 10, min: 50, max: 20 } }), 'hedge.after.min'],
    ['an unknown delay key', () => hedge(['m/a'], { after: { percentile: 0.9, fallbackMs: 10, p: 1 } as never }), 'hedge.after.p'],
    ['maxAttempts 0', () => hedge(['m/a'], { after: 10, maxAttempts: 0 }), 'hedge.maxAttempts'],
    ['maxAttempts 1.5', () => hedge(['m/a'], { after: 10, maxAttempts: 1.5 }), 'hedge.maxAttempts'],
    ['hedgeOn not a function', () => hedge(['m/a'], { after: 10, hedgeOn: true as never }), 'hedge.hedgeOn'],
    ['an unknown option', () => hedge(['m/a'], { after: 10, delay: 5 } as never), 'hedge.delay'],
  ];
  it.each(bad)('rejects %s with a ConfigError naming the option', (_name, make, path) => {
    let err: unknown;
    try {
      make();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe(path);
  });

  it('an unknown target fails before any provider is called', async () => {
    const a = timed({ text: 'never' });
    const gw = gatewayWith({ a }, ['a/x', 'nobody/y'], { after: 10 });
    const err = await gw.chat({ model: 'h', messages: user('hi') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('hedge.targets[1]');
    expect(a.calls).toHaveLength(0);
  });

  it('a hedge that targets its own alias is refused, not recursed into', async () => {
    const a = timed({ text: 'never' });
    const gw = gatewayWith({ a }, ['a/x', 'h'], { after: 10 });
    const err = await gw.chat({ model: 'h', messages: user('hi') }).catch((e: unknown) => e);
    expect((err as ConfigError).path).toBe('hedge.targets[1]');
    expect(a.calls).toHaveLength(0);
  });

  it('hedges across aliases (their own layers run)', async () => {
    const a = timed({ text: 'slow', latencyMs: 600 });
    const b = timed({ text: 'via alias', latencyMs: 5 });
    const gw = createGateway({
      providers: { a, b },
      models: { backup: 'b/y', h: [hedge(['a/x', 'backup'], { after: { percentile: 0.9, fallbackMs: 20 } })] },
      circuitBreaker: false,
    });
    const res = await gw.chat({ model: 'h', messages: user('hi') });
    expect(res.text).toBe('via alias');
    expect(hedgeLog(res)).toEqual(['start a/x', 'start backup', 'win backup']);
  });
});

describe.each(['openai', 'anthropic'] as const)('hedge over the real %s SDK: the loser’s socket closes', (name) => {
  let fx: SdkFixture;
  const model = MODELS[name];
  beforeAll(async () => {
    fx = await startSdkFixture({ models: { h: [hedge([model, model], { after: 50 })] }, circuitBreaker: false });
  });
  afterAll(() => fx.close());
  const server = () => fx.servers[name];
  beforeEach(() => server().reset());

  it.each(['stream', 'generate'] as const)('%s: slow first token on the primary, backup wins, primary socket client-closed', async (mode) => {
    server().enqueue({ text: 'from the slow primary', fault: { type: 'slow-first-token', delayMs: 3_000 } }, { text: 'from the backup' });
    const t0 = performance.now();
    const res = mode === 'stream' ? await fx.gateway.stream({ model: 'h', messages: user('hi') }).response : await fx.gateway.chat({ model: 'h', messages: user('hi') });
    expect(performance.now() - t0).toBeLessThan(1_500);
    expect(res.text).toBe('from the backup');
    expect(server().requests).toHaveLength(2);
    // The backup went out because the primary was slow, not because it failed.
    expect(res.routing[1]).toMatchObject({ layer: 'hedge', action: 'start', detail: { attempt: 2, reason: 'slow', afterMs: 50 } });
    expect(res.routing[1]!.atMs).toBeGreaterThanOrEqual(49);
    expect((await server().settled(0)).outcome).toBe('client-closed');
    expect((await server().settled(1)).outcome).toBe('completed');
    expect(res.attempts.map((a) => a.outcome).sort()).toEqual(['aborted', 'success']);
  });
});
