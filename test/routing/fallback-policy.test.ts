import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortError, DeadlineExceededError, FallbackExhaustedError } from '../../src/errors/call-errors.js';
import { ConfigError } from '../../src/errors/config-error.js';
import {
  AttemptTimeoutError,
  BadRequestError,
  ConnectionError,
  ContentPolicyError,
  InvalidResponseError,
  OverloadedError,
  ProviderTimeoutError,
  RateLimitError,
  ServerError,
  StreamTruncatedError,
} from '../../src/errors/provider-error.js';
import { createGateway, type Gateway } from '../../src/index.js';
import { fallback, type FallbackErrorInfo, type FallbackOptions, type FallbackTarget } from '../../src/routing/fallback.js';
import { mockProvider, type MockProvider, type MockResponse } from '../../src/testing/index.js';
import type { AttemptRecord } from '../../src/types/attempt.js';
import type { CircuitBreakerOptions } from '../../src/core/target-health.js';

const user = [{ role: 'user' as const, content: 'hi' }];
/** Tiny backoff so the policy tests stay fast; timing tests set their own. */
const FAST: FallbackOptions = { backoff: { minDelayMs: 1, maxDelayMs: 4 } };

function chainGateway(
  providers: Record<string, MockProvider>,
  targets: Array<string | FallbackTarget>,
  options: FallbackOptions = {},
  circuitBreaker: CircuitBreakerOptions | false = false,
): Gateway {
  return createGateway({ providers, models: { chain: [fallback(targets, { ...FAST, ...options })] }, circuitBreaker });
}

const ask = (gw: Gateway, extra: { timeout?: number; signal?: AbortSignal } = {}) => gw.chat({ model: 'chain', messages: user, ...extra });
const outcomes = (attempts: AttemptRecord[] | undefined) => (attempts ?? []).map((a) => `${a.target.id}:${a.outcome}${a.error ? `(${a.error.name})` : ''}`);
const caught = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e);
const sinceMs = (t0: number) => performance.now() - t0;
const ok: MockResponse = { text: 'from b' };
const failing = (error: MockResponse['error']): MockProvider => mockProvider({ fallback: { error } });
const aErr = { provider: 'a', model: 'x' };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('fallback: the default policy per error class', () => {
  it.each([
    // [label, a's persistent error, a's attempts, who serves]
    ['500 ServerError: 2 retries, then fail over', { status: 500 }, 3],
    ['502 ServerError: 2 retries, then fail over', { status: 502 }, 3],
    ['ConnectionError: 2 retries', new ConnectionError({ ...aErr, message: 'socket hang up' }), 3],
    ['ProviderTimeoutError: 2 retries', new ProviderTimeoutError({ ...aErr, message: 'timed out' }), 3],
    ['StreamTruncatedError: 2 retries', new StreamTruncatedError({ ...aErr, message: 'cut' }), 3],
    ['InvalidResponseError: 2 retries', new InvalidResponseError({ ...aErr, message: 'bad json' }), 3],
    ['408 RequestTimeoutError: 2 retries', { status: 408 }, 3],
    ['429 RateLimitError without retry-after: 1 retry', { status: 429 }, 2],
    ['503 ServerError: fail over at once', { status: 503 }, 1],
    ['529 OverloadedError: fail over at once', { status: 529 }, 1],
    ['503 overloaded_error: fail over at once', { status: 503, code: 'overloaded_error' }, 1],
    ['429 insufficient_quota (QuotaExceededError): fail over at once', { status: 429, code: 'insufficient_quota' }, 1],
    ['401 AuthenticationError: fail over (target-specific)', { status: 401 }, 1],
    ['403 PermissionDeniedError: fail over (target-specific)', { status: 403 }, 1],
    ['404 NotFoundError: fail over (target-specific)', { status: 404 }, 1],
    ['ContextLengthError: never the same model again', { status: 400, code: 'context_length_exceeded' }, 1],
    ['an unknown non-retryable status (418): fail over', { status: 418 }, 1],
  ] as Array<[string, MockResponse['error'], number]>)('%s', async (_label, error, aAttempts) => {
    const a = failing(error);
    const b = mockProvider({ fallback: ok });
    const res = await ask(chainGateway({ a, b }, ['a/x', 'b/y']));
    expect(res.target.id).toBe('b/y');
    expect(res.text).toBe('from b');
    expect(a.calls).toHaveLength(aAttempts);
    expect(b.calls).toHaveLength(1);
    expect(res.attempts.map((x) => x.outcome)).toEqual([...Array<string>(aAttempts).fill('error'), 'success']);
    expect(res.routing.filter((r) => r.action === 'retry')).toHaveLength(aAttempts - 1);
    expect(res.routing.filter((r) => r.action === 'fail-over')).toEqual([expect.objectContaining({ layer: 'fallback', target: 'b/y', detail: expect.objectContaining({ from: 'a/x' }) })]);
  });

  it.each([
    ['400 BadRequestError', { status: 400, message: "unsupported parameter 'foo'" }, BadRequestError],
    ['422 BadRequestError', { status: 422 }, BadRequestError],
    ['content policy', { status: 400, code: 'content_policy_violation', message: 'Your request was rejected by our safety system: violence' }, ContentPolicyError],
  ] as Array<[string, MockResponse['error'], new (...args: never[]) => Error]>)('%s: stop and surface it, no other target tried', async (_label, error, cls) => {
    const a = failing(error);
    const b = mockProvider({ fallback: ok });
    const gw = chainGateway({ a, b }, ['a/x', 'b/y']);
    const err = (await caught(ask(gw))) as Error & { attempts?: AttemptRecord[] };
    expect(err).toBeInstanceOf(cls);
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
    expect(outcomes(err.attempts)).toEqual([`a/x:error(${cls.name})`]);
  });

  it('a content-policy rejection keeps the provider reason; contentPolicy: fail-over opts in to the next target', async () => {
    const reason = 'Your request was rejected by our safety system: violence';
    const err = await caught(ask(chainGateway({ a: failing({ status: 400, code: 'content_policy_violation', message: reason }), b: mockProvider() }, ['a/x', 'b/y'])));
    expect((err as Error).message).toContain(reason);

    const a = failing({ status: 400, code: 'content_policy_violation', message: reason });
    const b = mockProvider({ fallback: ok });
    const res = await ask(chainGateway({ a, b }, ['a/x', 'b/y'], { contentPolicy: 'fail-over' }));
    expect(res.target.id).toBe('b/y');
    expect(a.calls).toHaveLength(1);
  });

  it('a healthy primary serves alone: one attempt, no routing decision recorded', async () => {
    const a = mockProvider({ fallback: { text: 'from a' } });
    const b = mockProvider();
    const res = await ask(chainGateway({ a, b }, ['a/x', 'b/y']));
    expect(res.target.id).toBe('a/x');
    expect(outcomes(res.attempts)).toEqual(['a/x:success']);
    expect(res.routing).toEqual([]);
    expect(b.calls).toHaveLength(0);
  });

  it('a transient failure that clears is retried on the same target, which then serves', async () => {
    const a = mockProvider({ responses: [{ error: { status: 500 } }], fallback: { text: 'from a' } });
    const b = mockProvider({ fallback: ok });
    const res = await ask(chainGateway({ a, b }, ['a/x', 'b/y']));
    expect(res.target.id).toBe('a/x');
    expect(res.text).toBe('from a');
    expect(outcomes(res.attempts)).toEqual(['a/x:error(ServerError)', 'a/x:success']);
    expect(b.calls).toHaveLength(0);
    expect(res.routing).toEqual([expect.objectContaining({ layer: 'fallback', action: 'retry', target: 'a/x', detail: expect.objectContaining({ reason: 'ServerError', attempt: 2 }) })]);
  });

  it('records the reason a retryable failure failed over: the retry budget', async () => {
    const res = await ask(chainGateway({ a: failing({ status: 500 }), b: mockProvider({ fallback: ok }) }, ['a/x', 'b/y'], { retries: 0 }));
    expect(res.routing).toEqual([expect.objectContaining({ action: 'fail-over', target: 'b/y', detail: { from: 'a/x', reason: 'ServerError', why: 'retries-exhausted' } })]);
  });

  it('throws FallbackExhaustedError with every error in order and the last as cause', async () => {
    const a = failing({ status: 500 });
    const b = failing({ status: 503 });
    const err = (await caught(ask(chainGateway({ a, b }, ['a/x', 'b/y'], { retries: 1 })))) as FallbackExhaustedError;
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err.errors.map((e) => e.name)).toEqual(['ServerError', 'ServerError', 'ServerError']);
    expect(err.cause).toBe(err.errors[2]);
    expect((err.cause as ServerError).status).toBe(503);
    expect(err.message).toContain('a/x ServerError');
    expect(outcomes(err.attempts)).toEqual(['a/x:error(ServerError)', 'a/x:error(ServerError)', 'b/y:error(ServerError)']);
  });

  it('a nested chain that is exhausted fails over in the outer chain', async () => {
    const a = failing({ status: 503 });
    const b = failing({ status: 529 });
    const c = mockProvider({ fallback: { text: 'from c' } });
    const gw = createGateway({
      providers: { a, b, c },
      models: { inner: [fallback(['a/x', 'b/y'], FAST)], outer: [fallback(['inner', 'c/z'], FAST)] },
      circuitBreaker: false,
    });
    const res = await gw.chat({ model: 'outer', messages: user });
    expect(res.target.id).toBe('c/z');
    expect(res.routing.map((r) => `${r.action}:${r.target ?? ''}`)).toEqual(['fail-over:b/y', 'exhausted:', 'fail-over:c/z']);
  });
});

describe('fallback: backoff between same-target retries (p-retry)', () => {
  /** `a` fails with `error` `failures` times (recording when), then answers. */
  function timed(failures: number, error: MockResponse['error'] = { status: 500 }) {
    const times: number[] = [];
    const a = mockProvider({
      fallback: () => {
        times.push(performance.now());
        return times.length <= failures ? { error } : { text: 'from a' };
      },
    });
    return { a, times, gaps: () => times.slice(1).map((t, i) => t - times[i]!) };
  }

  it('waits at least the minimum delay, growing by the factor (no jitter)', async () => {
    const { a, gaps } = timed(2);
    const res = await ask(chainGateway({ a, b: mockProvider() }, ['a/x', 'b/y'], { backoff: { minDelayMs: 30, factor: 2, jitter: false } }));
    expect(res.target.id).toBe('a/x');
    const [g1, g2] = gaps();
    expect(g1).toBeGreaterThanOrEqual(29);
    expect(g2).toBeGreaterThanOrEqual(59);
    // Generous upper bounds: a loaded machine fires timers late, never early.
    expect(g1).toBeLessThan(30 + 400);
    expect(g2).toBeLessThan(60 + 400);
    expect(res.routing.map((r) => r.detail?.delayMs)).toEqual([expect.any(Number), expect.any(Number)]);
  });

  it('jitter multiplies the wait by [1, 2): bounded by twice the delay', async () => {
    // The delay p-retry hands to setTimeout is exact, whatever the machine's load does to the gap.
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    // Only the waits in the backoff's range: other code may set timers of its own.
    const delays = () => timeout.mock.calls.map((c) => c[1]).filter((d) => typeof d === 'number' && d >= 20 && d <= 200);
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const high = timed(1);
    await ask(chainGateway({ a: high.a, b: mockProvider() }, ['a/x', 'b/y'], { backoff: { minDelayMs: 40, factor: 2 } }));
    expect(delays()).toEqual([80]);
    expect(high.gaps()[0]).toBeGreaterThanOrEqual(79);

    timeout.mockClear();
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const low = timed(1);
    await ask(chainGateway({ a: low.a, b: mockProvider() }, ['a/x', 'b/y'], { backoff: { minDelayMs: 40, factor: 2 } }));
    expect(delays()).toEqual([40]);
    expect(low.gaps()[0]).toBeGreaterThanOrEqual(39);
  });

  it('maxDelayMs caps the wait, jitter included', async () => {
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const { a, gaps } = timed(2);
    await ask(chainGateway({ a, b: mockProvider() }, ['a/x', 'b/y'], { backoff: { minDelayMs: 20, factor: 10, maxDelayMs: 30 } }));
    expect(timeout.mock.calls.map((c) => c[1]).filter((d) => typeof d === 'number' && d >= 10 && d <= 1_000)).toEqual([30, 30]);
    expect(gaps()[1]).toBeGreaterThanOrEqual(29);
  });
});

describe('fallback: 429 and retry-after', () => {
  it('honours retry-after on the same target', async () => {
    const times: number[] = [];
    const a = mockProvider({
      fallback: () => {
        times.push(performance.now());
        return times.length === 1 ? { error: { status: 429, headers: { 'retry-after-ms': '60' } } } : { text: 'from a' };
      },
    });
    const res = await ask(chainGateway({ a, b: mockProvider() }, ['a/x', 'b/y']));
    expect(res.target.id).toBe('a/x');
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(59);
    expect(res.routing).toEqual([expect.objectContaining({ action: 'retry', detail: expect.objectContaining({ reason: 'RateLimitError', retryAfterMs: 60 }) })]);
  });

  it('fails over at once when retry-after exceeds maxRetryAfterMs (default 3 s)', async () => {
    const a = failing({ status: 429, headers: { 'retry-after': '10' } });
    const b = mockProvider({ fallback: ok });
    const t0 = performance.now();
    const res = await ask(chainGateway({ a, b }, ['a/x', 'b/y']));
    expect(sinceMs(t0)).toBeLessThan(1_000);
    expect(res.target.id).toBe('b/y');
    expect(a.calls).toHaveLength(1);
    expect(res.routing).toEqual([expect.objectContaining({ action: 'fail-over', detail: { from: 'a/x', reason: 'RateLimitError', why: 'retry-after-too-long' } })]);
  });

  it('maxRetryAfterMs is configurable', async () => {
    const a = failing({ status: 429, headers: { 'retry-after-ms': '200' } });
    const t0 = performance.now();
    const res = await ask(chainGateway({ a, b: mockProvider({ fallback: ok }) }, ['a/x', 'b/y'], { maxRetryAfterMs: 100 }));
    expect(sinceMs(t0)).toBeLessThan(190);
    expect(a.calls).toHaveLength(1);
    expect(res.target.id).toBe('b/y');
  });

  it('a persistent 429 is retried rateLimitRetries times with backoff, then fails over', async () => {
    const times: number[] = [];
    const a = mockProvider({
      fallback: () => {
        times.push(performance.now());
        return { error: { status: 429 } };
      },
    });
    const res = await ask(chainGateway({ a, b: mockProvider({ fallback: ok }) }, ['a/x', 'b/y'], { backoff: { minDelayMs: 25, jitter: false } }));
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(24);
    expect(res.target.id).toBe('b/y');

    const none = failing({ status: 429 });
    await ask(chainGateway({ a: none, b: mockProvider({ fallback: ok }) }, ['a/x', 'b/y'], { rateLimitRetries: 0 }));
    expect(none.calls).toHaveLength(1);
  });

  it('429 everywhere: FallbackExhaustedError whose cause is the last RateLimitError', async () => {
    const err = (await caught(ask(chainGateway({ a: failing({ status: 429 }), b: failing({ status: 429 }) }, ['a/x', 'b/y'])))) as FallbackExhaustedError;
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(err.errors).toHaveLength(4);
    expect(err.cause).toBeInstanceOf(RateLimitError);
  });
});

describe('fallback: context length', () => {
  it('skips targets known to be no larger and tries known-larger ones first', async () => {
    const a = failing({ status: 400, code: 'context_length_exceeded' });
    const b = mockProvider({ fallback: { text: 'from b' } });
    const c = mockProvider({ fallback: { text: 'from c' } });
    const d = mockProvider({ fallback: { text: 'from d' } });
    const gw = chainGateway({ a, b, c, d }, [{ model: 'a/small', contextWindow: 8_000 }, { model: 'b/same', contextWindow: 8_000 }, 'c/unknown', { model: 'd/large', contextWindow: 200_000 }]);
    const res = await ask(gw);
    expect(res.target.id).toBe('d/large');
    expect([a.calls.length, b.calls.length, c.calls.length, d.calls.length]).toEqual([1, 0, 0, 1]);
    expect(res.routing.map((r) => `${r.action}:${r.target}`)).toEqual(['fail-over:d/large']);
  });

  it('skips the known-smaller ones as it reaches them, and reads windows from contextWindows by entry or bare model name', async () => {
    const a = failing({ status: 400, code: 'context_length_exceeded' });
    const b = mockProvider({ fallback: { text: 'from b' } });
    const c = failing({ status: 503 });
    const d = mockProvider({ fallback: { text: 'from d' } });
    const gw = chainGateway({ a, b, c, d }, ['a/small', 'c/larger', 'b/smaller', 'd/unknown'], { contextWindows: { small: 16_000, 'c/larger': 100_000, smaller: 8_000 } });
    const res = await ask(gw);
    expect(res.target.id).toBe('d/unknown');
    expect(b.calls).toHaveLength(0);
    expect(res.routing.map((r) => `${r.action}:${r.target}`)).toEqual(['fail-over:c/larger', 'skip:b/smaller', 'fail-over:d/unknown']);
    expect(res.routing[1]!.detail).toEqual({ reason: 'context-window' });
  });

  it('never sends the same model again, even when it appears twice in the chain', async () => {
    const a = failing({ status: 400, code: 'context_length_exceeded' });
    const b = mockProvider({ fallback: ok });
    const res = await ask(chainGateway({ a, b }, ['a/x', 'a/x', 'b/y']));
    expect(a.calls).toHaveLength(1);
    expect(res.target.id).toBe('b/y');
  });
});

describe('fallback: circuit breaker, limits, deadlines, aborts', () => {
  it('an open circuit is skipped at once: the attempt is recorded as skipped, no provider call', async () => {
    const a = failing({ status: 503 });
    const b = mockProvider({ fallback: ok });
    const gw = chainGateway({ a, b }, ['a/x', 'b/y'], {}, { consecutiveFailures: 1, cooldownMs: 60_000 });
    await ask(gw);
    expect(gw.health.get('a/x').circuit).toBe('open');
    const t0 = performance.now();
    const res = await ask(gw);
    expect(sinceMs(t0)).toBeLessThan(500);
    expect(a.calls).toHaveLength(1);
    expect(outcomes(res.attempts)).toEqual(['a/x:skipped(CircuitOpenError)', 'b/y:success']);
    expect(res.routing).toEqual([expect.objectContaining({ action: 'fail-over', target: 'b/y', detail: { from: 'a/x', reason: 'CircuitOpenError' } })]);
  });

  it('limits: a silent target costs one first-token limit, then the chain fails over at once', async () => {
    const a = mockProvider({ fallback: { text: 'late', latencyMs: 5_000 } });
    const b = mockProvider({ fallback: ok });
    const t0 = performance.now();
    const res = await ask(chainGateway({ a, b }, ['a/x', 'b/y'], { limits: { firstTokenMs: 40 } }));
    expect(sinceMs(t0)).toBeLessThan(1_000);
    expect(res.target.id).toBe('b/y');
    expect(outcomes(res.attempts)).toEqual(['a/x:error(AttemptTimeoutError)', 'b/y:success']);
    expect((res.attempts[0]!.error as AttemptTimeoutError).phase).toBe('first-token');
    expect(a.calls[0]!.aborted).toBe(true);
  });

  it("a target's own limits override the chain's", async () => {
    const a = mockProvider({ fallback: { text: 'from a', latencyMs: 60 } });
    const res = await ask(chainGateway({ a, b: mockProvider() }, [{ model: 'a/x', limits: { firstTokenMs: 2_000 } }, 'b/y'], { limits: { firstTokenMs: 20 } }));
    expect(res.target.id).toBe('a/x');
  });

  it("the call's deadline bounds the chain: a slow target ends the call, nothing more is tried", async () => {
    const a = mockProvider({ fallback: { text: 'late', latencyMs: 5_000 } });
    const b = mockProvider({ fallback: ok });
    const t0 = performance.now();
    const err = await caught(ask(chainGateway({ a, b }, ['a/x', 'b/y']), { timeout: 80 }));
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(sinceMs(t0)).toBeLessThan(1_000);
    expect(b.calls).toHaveLength(0);
  });

  it('never sleeps past the deadline: a backoff that cannot fit fails over instead', async () => {
    const a = failing({ status: 500 });
    const b = mockProvider({ fallback: ok });
    const t0 = performance.now();
    const res = await ask(chainGateway({ a, b }, ['a/x', 'b/y'], { backoff: { minDelayMs: 2_000, jitter: false } }), { timeout: 1_000 });
    expect(sinceMs(t0)).toBeLessThan(500);
    expect(a.calls).toHaveLength(1);
    expect(res.routing).toEqual([expect.objectContaining({ action: 'fail-over', detail: { from: 'a/x', reason: 'ServerError', why: 'deadline' } })]);
  });

  it('never waits a retry-after that ends past the deadline', async () => {
    const a = failing({ status: 429, headers: { 'retry-after-ms': '800' } });
    const t0 = performance.now();
    const res = await ask(chainGateway({ a, b: mockProvider({ fallback: ok }) }, ['a/x', 'b/y']), { timeout: 400 });
    expect(sinceMs(t0)).toBeLessThan(300);
    expect(res.target.id).toBe('b/y');
  });

  it('the chain timeout bounds every attempt and wait when the call has no deadline', async () => {
    const a = mockProvider({ fallback: { text: 'late', latencyMs: 5_000 } });
    const b = mockProvider({ fallback: ok });
    const t0 = performance.now();
    const err = (await caught(ask(chainGateway({ a, b }, ['a/x', 'b/y'], { timeout: 60 })))) as DeadlineExceededError;
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(err.timeoutMs).toBe(60);
    expect(sinceMs(t0)).toBeLessThan(1_000);
    expect(a.calls[0]!.aborted).toBe(true);
    expect(b.calls).toHaveLength(0);
    expect(outcomes(err.attempts)).toEqual(['a/x:aborted(DeadlineExceededError)']);
  });

  it('retries go on only while the next wait fits before the chain timeout', async () => {
    const a = failing({ status: 500 });
    const b = failing({ status: 500 });
    const t0 = performance.now();
    // Waits of 100–200 ms against a 300 ms deadline: one fits, the next does not, so the chain moves on.
    const err = await caught(ask(chainGateway({ a, b }, ['a/x', 'b/y'], { timeout: 300, retries: 5, backoff: { minDelayMs: 100, factor: 1 } })));
    expect(sinceMs(t0)).toBeLessThan(300);
    expect(err).toBeInstanceOf(FallbackExhaustedError);
    expect(a.calls).toHaveLength(2);
    expect(b.calls).toHaveLength(1);
  });

  it('a caller abort stops the chain at once, also during a backoff', async () => {
    const a = mockProvider({ fallback: { text: 'late', latencyMs: 5_000 } });
    const b = mockProvider({ fallback: ok });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    expect(await caught(ask(chainGateway({ a, b }, ['a/x', 'b/y']), { signal: controller.signal }))).toBeInstanceOf(AbortError);
    expect(b.calls).toHaveLength(0);

    const c = failing({ status: 500 });
    const later = new AbortController();
    setTimeout(() => later.abort(), 40);
    const t0 = performance.now();
    const err = await caught(ask(chainGateway({ c, b }, ['c/x', 'b/y'], { backoff: { minDelayMs: 3_000, jitter: false } }), { signal: later.signal }));
    expect(err).toBeInstanceOf(AbortError);
    expect(sinceMs(t0)).toBeLessThan(1_000);
    expect(c.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
  });
});

describe('fallback: the policy hook', () => {
  it('sees the error and what the chain knows, and can fail over where the default stops', async () => {
    const seen: Array<[string, FallbackErrorInfo]> = [];
    const a = failing({ status: 400 });
    const b = mockProvider({ fallback: ok });
    const res = await ask(
      chainGateway({ a, b }, ['a/x', 'b/y'], {
        policy: (error, info) => {
          seen.push([error.name, info]);
          return error instanceof BadRequestError ? 'fail-over' : undefined;
        },
      }),
      { timeout: 5_000 },
    );
    expect(res.target.id).toBe('b/y');
    expect(seen).toEqual([
      ['BadRequestError', { target: 'a/x', index: 0, attempt: 1, retries: 0, mode: 'generate', phase: 'before-content', remainingMs: expect.any(Number), defaultAction: 'stop' }],
    ]);
    expect(seen[0]![1].remainingMs).toBeGreaterThan(4_000);
    expect(res.routing).toEqual([expect.objectContaining({ action: 'fail-over', detail: { from: 'a/x', reason: 'BadRequestError', why: 'policy' } })]);
  });

  it("'retry' is honoured within the retry budget; 'stop' surfaces the error as it is", async () => {
    const a = failing({ status: 529 });
    const res = await ask(chainGateway({ a, b: mockProvider({ fallback: ok }) }, ['a/x', 'b/y'], { retries: 1, policy: (e) => (e instanceof OverloadedError ? 'retry' : undefined) }));
    expect(a.calls).toHaveLength(2);
    expect(res.target.id).toBe('b/y');
    expect(res.routing.map((r) => `${r.action}:${String(r.detail?.why ?? '')}`)).toEqual(['retry:', 'fail-over:retries-exhausted']);

    const c = failing({ status: 500 });
    const b = mockProvider({ fallback: ok });
    const err = await caught(ask(chainGateway({ c, b }, ['c/x', 'b/y'], { policy: () => 'stop' })));
    expect(err).toBeInstanceOf(ServerError);
    expect(c.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
  });

  it('is not consulted once the call is over', async () => {
    const policy = vi.fn(() => 'fail-over' as const);
    const a = mockProvider({ fallback: { text: 'late', latencyMs: 5_000 } });
    await expect(ask(chainGateway({ a, b: mockProvider() }, ['a/x', 'b/y'], { policy }), { timeout: 40 })).rejects.toBeInstanceOf(DeadlineExceededError);
    expect(policy).not.toHaveBeenCalled();
  });

  it('an answer that is not an action is a ConfigError naming the hook', async () => {
    const err = await caught(ask(chainGateway({ a: failing({ status: 500 }), b: mockProvider() }, ['a/x', 'b/y'], { policy: (() => 'maybe') as unknown as FallbackOptions['policy'] })));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe('fallback.policy');
  });
});

describe('fallback: options are validated when the layer is built', () => {
  it.each([
    ['an empty chain', [], {}, 'fallback.targets'],
    ['a blank model', [''], {}, 'fallback.targets[0]'],
    ['an entry without model', [{ contextWindow: 1 }], {}, 'fallback.targets[0].model'],
    ['an unknown entry field', [{ model: 'a/x', weight: 2 }], {}, 'fallback.targets[0].weight'],
    ['a zero context window', [{ model: 'a/x', contextWindow: 0 }], {}, 'fallback.targets[0].contextWindow'],
    ['a negative limit', [{ model: 'a/x', limits: { idleMs: -1 } }], {}, 'fallback.targets[0].limits.idleMs'],
    ['an unknown limit', ['a/x'], { limits: { totalMs: 5 } }, 'fallback.limits.totalMs'],
    ['negative retries', ['a/x'], { retries: -1 }, 'fallback.retries'],
    ['fractional rateLimitRetries', ['a/x'], { rateLimitRetries: 1.5 }, 'fallback.rateLimitRetries'],
    ['a NaN maxRetryAfterMs', ['a/x'], { maxRetryAfterMs: Number.NaN }, 'fallback.maxRetryAfterMs'],
    ['a backoff factor below 1', ['a/x'], { backoff: { factor: 0.5 } }, 'fallback.backoff.factor'],
    ['maxDelayMs below minDelayMs', ['a/x'], { backoff: { minDelayMs: 100, maxDelayMs: 10 } }, 'fallback.backoff.maxDelayMs'],
    ['a non-boolean jitter', ['a/x'], { backoff: { jitter: 'yes' } }, 'fallback.backoff.jitter'],
    ['an unknown contentPolicy', ['a/x'], { contentPolicy: 'retry' }, 'fallback.contentPolicy'],
    ['an unknown onInterrupt', ['a/x'], { onInterrupt: 'resume' }, 'fallback.onInterrupt'],
    ['a zero timeout', ['a/x'], { timeout: 0 }, 'fallback.timeout'],
    ['a policy that is not a function', ['a/x'], { policy: 'stop' }, 'fallback.policy'],
    ['a bad context window in contextWindows', ['a/x'], { contextWindows: { 'a/x': -5 } }, 'fallback.contextWindows.a/x'],
    ['an unknown option', ['a/x'], { retry: 3 }, 'fallback.retry'],
  ] as Array<[string, unknown[], Record<string, unknown>, string]>)('%s', (_label, targets, options, path) => {
    let err: unknown;
    try {
      fallback(targets as string[], options as FallbackOptions);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe(path);
  });
});
