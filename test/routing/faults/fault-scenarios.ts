import { expect } from 'vitest';
import type { CircuitStateChange } from '../../../src/core/target-health.js';
import { DeadlineExceededError, FallbackExhaustedError, StreamInterruptedError } from '../../../src/errors/call-errors.js';
import {
  AttemptTimeoutError,
  BadRequestError,
  ConnectionError,
  ContentPolicyError,
  ContextLengthError,
  InvalidResponseError,
  RateLimitError,
  StreamTruncatedError,
} from '../../../src/errors/provider-error.js';
import type { Fault } from '../../../src/testing/index.js';
import {
  BACKOFF_MS,
  between,
  call,
  expectHealthyAfter,
  expectWithin,
  FRAMES,
  gaps,
  MODEL,
  outcomes,
  shown,
  SLACK_MS,
  sleep,
  type Mode,
  type Wire,
  type WireFixture,
} from './wire-fixture.js';

// The fault-injection table of issue 3 ("How it is proven"): one entry per fault, run per wire
// (OpenAI, Anthropic) and per mode (generate, stream) over the real SDK clients and the fake
// servers. Each entry checks its own specifics: the outcome (text served or typed error), the
// attempts per target (from the response or the error, and from the servers' request logs), the
// gap between attempts where a backoff or retry-after applies, a wall-time bound, and that a healthy
// call through the same gateway succeeds afterwards.
//
// Stream faults (stall, cut, malformed chunk) have generate-call equivalents in the response body:
// those are injected under the SDK through its `fetch` (see body-faults.ts). A missing terminal marker
// exists only on a stream: a JSON answer has none.

export interface FaultScenario {
  name: string;
  /** Modes the fault exists in. */
  modes: readonly Mode[];
  run(fx: WireFixture, mode: Mode): Promise<void>;
}

const RETRY_AFTER_MS = 120;
/** Limits small enough to keep the suite fast, large enough that a healthy localhost answer never trips them. */
const HEADERS_MS = 250;
const FIRST_TOKEN_MS = 250;
const IDLE_MS = 200;
/** Long enough that, had the chain slept a backoff, the gap would show it. */
const NO_WAIT_BACKOFF = { minDelayMs: 1_000, factor: 2, jitter: false } as const;

/** The primary's answer: five content frames of four characters. Two of them are `PARTIAL`. */
const ANSWER = { text: 'one two three four', chunkSize: 4 } as const;
const PARTIAL = 'one two ';
const afterContentFrames = (wire: Wire, n: number): number => FRAMES[wire].beforeContent + n;

/** Per wire: how a provider says "context too long" and "content policy" (as the real services do). */
const REJECTIONS: Record<Wire, { contextLength: Fault; contentPolicy: Fault; policyReason: string; prefill: Fault }> = {
  openai: {
    contextLength: { type: 'status', status: 400, code: 'context_length_exceeded' },
    contentPolicy: { type: 'status', status: 400, code: 'content_filter' },
    policyReason: 'content management policy',
    // Compatible servers that take no trailing assistant turn answer with a plain 400.
    prefill: { type: 'status', status: 400, message: 'Assistant prefill is not supported: the last message must have role user.' },
  },
  anthropic: {
    contextLength: { type: 'status', status: 400, message: 'prompt is too long: 215000 tokens > 200000 maximum' },
    contentPolicy: { type: 'status', status: 400, message: 'Output blocked by content filtering policy' },
    policyReason: 'Output blocked by content filtering policy',
    // The fake answers a trailing assistant turn with Anthropic's own prefill rejection text.
    prefill: { type: 'status', status: 400 },
  },
};
/** Models of the context-length chain besides the primary: one with the primary's window, one larger. */
const CONTEXT_MODELS: Record<Wire, { sameSize: string; large: string }> = {
  openai: { sameSize: 'gpt-4o-mini', large: 'gpt-4.1' },
  anthropic: { sameSize: 'claude-3-5-haiku-latest', large: 'claude-3-7-sonnet-latest' },
};
/** A 503 is an overload on OpenAI's wire (`server_is_overloaded`), a plain server error on Anthropic's. */
const ERROR_503: Record<Wire, string> = { openai: 'OverloadedError', anthropic: 'ServerError' };

function lastMessage(body: Record<string, unknown> | undefined): { role: string; text: string } {
  const messages = (body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  const last = messages[messages.length - 1]!;
  const text =
    typeof last.content === 'string'
      ? last.content
      : (last.content as Array<{ type: string; text?: string }>).map((p) => (p.type === 'text' ? (p.text ?? '') : '')).join('');
  return { role: last.role, text };
}

export const scenarios: FaultScenario[] = [
  {
    name: '429 with retry-after: waits the announced delay on the same target; a longer one than the cap fails over at once',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway();
      fx.primary.enqueue({ fault: { type: 'status', status: 429, headers: { 'retry-after-ms': String(RETRY_AFTER_MS) } } }, { text: 'after the wait' });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(r.response!.text).toBe('after the wait');
      expect(r.response!.target.id).toBe(fx.primaryModel);
      expect(outcomes(r.attempts)).toEqual(['primary:error(RateLimitError)', 'primary:success']);
      expect((r.attempts[0]!.error as RateLimitError).retryAfterMs).toBe(RETRY_AFTER_MS);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([2, 0]);
      // The provider's hint (120 ms), not the backoff (40 ms), sets the wait.
      expectWithin(gaps(fx.primary)[0]!, RETRY_AFTER_MS, 'gap between the 429 and the retry');
      expectWithin(r.wallMs, RETRY_AFTER_MS, 'wall time');
      expect(r.response!.routing).toEqual([
        expect.objectContaining({ layer: 'fallback', action: 'retry', target: fx.primaryModel, detail: expect.objectContaining({ reason: 'RateLimitError', retryAfterMs: RETRY_AFTER_MS }) }),
      ]);

      // A wait longer than maxRetryAfterMs (3 s by default): another target now beats this one later.
      fx.reset();
      fx.primary.enqueue({ fault: { type: 'status', status: 429, headers: { 'retry-after': '30' } } });
      const long = await call(gw, mode);
      expect(long.response!.target.id).toBe(fx.backupModel);
      expect(outcomes(long.attempts)).toEqual(['primary:error(RateLimitError)', 'backup:success']);
      expect((long.attempts[0]!.error as RateLimitError).retryAfterMs).toBe(30_000);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 1]);
      expectWithin(long.wallMs, 0, 'wall time of a fail-over instead of a 30 s wait');
      expect(long.response!.routing).toEqual([expect.objectContaining({ action: 'fail-over', detail: { from: fx.primaryModel, reason: 'RateLimitError', why: 'retry-after-too-long' } })]);
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: '429 persistent: one backed-off retry (no hammering), then the backup serves',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway();
      fx.primary.setDefault({ fault: { type: 'status', status: 429 } });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(r.response!.target.id).toBe(fx.backupModel);
      expect(outcomes(r.attempts)).toEqual(['primary:error(RateLimitError)', 'primary:error(RateLimitError)', 'backup:success']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([2, 1]);
      expectWithin(gaps(fx.primary)[0]!, BACKOFF_MS, 'backoff before the 429 retry');
      expectWithin(r.wallMs, BACKOFF_MS, 'wall time');
      expect(r.response!.routing.map((e) => `${e.action}:${String(e.detail?.why ?? '')}`)).toEqual(['retry:', 'fail-over:retries-exhausted']);

      // 429 on both targets: a typed error listing every failure, bounded in time.
      fx.backup.setDefault({ fault: { type: 'status', status: 429 } });
      const both = await call(gw, mode);
      expect(both.error).toBeInstanceOf(FallbackExhaustedError);
      expect((both.error as FallbackExhaustedError).cause).toBeInstanceOf(RateLimitError);
      expect(outcomes(both.attempts)).toEqual(['primary:error(RateLimitError)', 'primary:error(RateLimitError)', 'backup:error(RateLimitError)', 'backup:error(RateLimitError)']);
      expectWithin(both.wallMs, 2 * BACKOFF_MS, 'wall time with both targets limited');
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: '500 once: retried on the same target after the backoff, which then serves',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway();
      fx.primary.enqueue({ fault: { type: 'status', status: 500 } }, { text: 'second try' });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(r.response!.text).toBe('second try');
      expect(outcomes(r.attempts)).toEqual(['primary:error(ServerError)', 'primary:success']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([2, 0]);
      expectWithin(gaps(fx.primary)[0]!, BACKOFF_MS, 'backoff before the retry');
      expectWithin(r.wallMs, BACKOFF_MS, 'wall time');
      expect(r.response!.routing).toEqual([expect.objectContaining({ action: 'retry', target: fx.primaryModel, detail: expect.objectContaining({ reason: 'ServerError', attempt: 2 }) })]);
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: '503 persistent: fails over at once, no same-target retry and no backoff',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway({ backoff: NO_WAIT_BACKOFF });
      fx.primary.setDefault({ fault: { type: 'status', status: 503 } });
      for (let i = 0; i < 2; i++) {
        fx.primary.reset();
        fx.backup.reset();
        const r = await call(gw, mode);
        expect(r.error).toBeUndefined();
        expect(r.response!.target.id).toBe(fx.backupModel);
        expect(outcomes(r.attempts)).toEqual([`primary:error(${ERROR_503[fx.wire]})`, 'backup:success']);
        expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 1]);
        // Had it backed off, the backup would have been asked 1 s later.
        expect(between(fx.primary, 0, fx.backup, 0)).toBeLessThan(NO_WAIT_BACKOFF.minDelayMs);
        expect(r.response!.routing).toEqual([expect.objectContaining({ action: 'fail-over', target: fx.backupModel, detail: { from: fx.primaryModel, reason: ERROR_503[fx.wire] } })]);
      }

      // Both down: FallbackExhaustedError naming each failure, still without waiting.
      fx.backup.setDefault({ fault: { type: 'status', status: 503 } });
      const both = await call(gw, mode);
      expect(both.error).toBeInstanceOf(FallbackExhaustedError);
      expect((both.error as FallbackExhaustedError).errors.map((e) => e.name)).toEqual([ERROR_503[fx.wire], ERROR_503[fx.wire]]);
      expect(outcomes(both.attempts)).toEqual([`primary:error(${ERROR_503[fx.wire]})`, `backup:error(${ERROR_503[fx.wire]})`]);
      expect(both.wallMs).toBeLessThan(NO_WAIT_BACKOFF.minDelayMs);
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: 'reset before headers: ConnectionError, retried with growing backoff, then the backup serves',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway();
      fx.primary.setDefault({ fault: { type: 'reset' } });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(r.response!.target.id).toBe(fx.backupModel);
      // `retries: 2` by default for transient errors: three requests, then the next target.
      expect(outcomes(r.attempts)).toEqual(['primary:error(ConnectionError)', 'primary:error(ConnectionError)', 'primary:error(ConnectionError)', 'backup:success']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([3, 1]);
      const [g1, g2] = gaps(fx.primary);
      expectWithin(g1!, BACKOFF_MS, 'first backoff');
      expectWithin(g2!, 2 * BACKOFF_MS, 'second backoff (factor 2)');
      expectWithin(r.wallMs, 3 * BACKOFF_MS, 'wall time');
      expect(r.response!.routing.map((e) => `${e.action}:${String(e.detail?.why ?? '')}`)).toEqual(['retry:', 'retry:', 'fail-over:retries-exhausted']);
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: 'no response at all: one headers limit, then the backup; without limits, one call deadline',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway({ limits: { headersMs: HEADERS_MS } });
      fx.primary.enqueue({ fault: { type: 'no-answer' } });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(r.response!.target.id).toBe(fx.backupModel);
      expect(outcomes(r.attempts)).toEqual(['primary:error(AttemptTimeoutError)', 'backup:success']);
      expect((r.attempts[0]!.error as AttemptTimeoutError).phase).toBe('headers');
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 1]);
      expect((await fx.primary.settled(0)).outcome).toBe('client-closed');
      // A silent provider costs one limit, not several retries of it.
      expectWithin(r.wallMs, HEADERS_MS, 'wall time');
      // Server-side the gap can look a little shorter: the limit's clock starts before the request lands.
      expect(between(fx.primary, 0, fx.backup, 0)).toBeLessThan(HEADERS_MS + SLACK_MS);
      await expectHealthyAfter(fx, gw, mode);

      // No limits: the call's own deadline ends it, once; nothing is tried after it.
      fx.reset();
      const bare = fx.gateway();
      fx.primary.enqueue({ fault: { type: 'no-answer' } });
      const d = await call(bare, mode, { timeout: HEADERS_MS });
      expect(d.error).toBeInstanceOf(DeadlineExceededError);
      expect(outcomes(d.attempts)).toEqual(['primary:aborted(DeadlineExceededError)']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 0]);
      expect((await fx.primary.settled(0)).outcome).toBe('client-closed');
      expectWithin(d.wallMs, HEADERS_MS, 'wall time against the call deadline');
      await expectHealthyAfter(fx, bare, mode);
    },
  },

  {
    name: 'slow first token: one first-token limit, the socket closed, then the backup',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway({ limits: { firstTokenMs: FIRST_TOKEN_MS } });
      // Headers at once, content after 10 s (for a generate call: the JSON body after 10 s).
      fx.primary.enqueue({ text: 'too late', fault: { type: 'slow-first-token', delayMs: 10_000 } });
      fx.backup.enqueue({ text: 'on time' });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(r.response!.text).toBe('on time');
      expect(outcomes(r.attempts)).toEqual(['primary:error(AttemptTimeoutError)', 'backup:success']);
      expect((r.attempts[0]!.error as AttemptTimeoutError).phase).toBe('first-token');
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 1]);
      expect((await fx.primary.settled(0)).outcome).toBe('client-closed');
      expectWithin(r.wallMs, FIRST_TOKEN_MS, 'wall time');
      // Server-side the gap can look a little shorter: the limit's clock starts before the request lands.
      expect(between(fx.primary, 0, fx.backup, 0)).toBeLessThan(FIRST_TOKEN_MS + SLACK_MS);
      if (mode === 'stream') expect(shown(r.events)).toBe('on time');
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: 'stall mid-answer: one idle limit; a typed error with what was delivered, or a reset and the backup',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      if (mode === 'generate') {
        // A body that stops mid-way: nothing reached the caller, so the chain fails over freely.
        const gw = fx.gateway({ limits: { firstTokenMs: FIRST_TOKEN_MS } });
        fx.bodyFaults.enqueue({ type: 'stall', afterBytes: 40 });
        fx.backup.enqueue({ text: 'from the backup' });
        const r = await call(gw, mode);
        expect(r.error).toBeUndefined();
        expect(r.response!.text).toBe('from the backup');
        expect(outcomes(r.attempts)).toEqual(['primary:error(AttemptTimeoutError)', 'backup:success']);
        expect(fx.bodyFaults.pending).toBe(0);
        expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 1]);
        expectWithin(r.wallMs, FIRST_TOKEN_MS, 'wall time');
        await expectHealthyAfter(fx, gw, mode);
        return;
      }
      const stall: Fault = { type: 'stall', afterChunks: afterContentFrames(fx.wire, 2) };

      // Default (onInterrupt 'error'): text already on the caller's screen cannot be taken back.
      const gw = fx.gateway({ limits: { idleMs: IDLE_MS } });
      fx.primary.enqueue({ ...ANSWER, fault: stall });
      const r = await call(gw, mode);
      expect(shown(r.events)).toBe(PARTIAL);
      expect(r.error).toBeInstanceOf(StreamInterruptedError);
      const err = r.error as StreamInterruptedError;
      expect(err.delivered).toMatchObject({ text: PARTIAL, events: 2 });
      expect(err.target).toBe(fx.primaryModel);
      expect(err.cause).toBeInstanceOf(AttemptTimeoutError);
      expect((err.cause as AttemptTimeoutError).phase).toBe('idle');
      expect(outcomes(r.attempts)).toEqual(['primary:error(AttemptTimeoutError)']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 0]);
      expect((await fx.primary.settled(0)).outcome).toBe('client-closed');
      expectWithin(r.wallMs, IDLE_MS, 'wall time');
      await expectHealthyAfter(fx, gw, mode);

      // onInterrupt 'restart': a reset, then the backup's whole answer.
      fx.reset();
      const restart = fx.gateway({ limits: { idleMs: IDLE_MS }, onInterrupt: 'restart' });
      fx.primary.enqueue({ ...ANSWER, fault: stall });
      fx.backup.enqueue({ text: 'Fresh answer.' });
      const rr = await call(restart, mode);
      expect(rr.error).toBeUndefined();
      expect(shown(rr.events)).toBe(`${PARTIAL}|Fresh answer.`);
      expect(rr.events.find((e) => e.type === 'reset')).toEqual({ type: 'reset', reason: 'AttemptTimeoutError', target: fx.backupModel });
      expect(rr.response!.text).toBe('Fresh answer.');
      expect(rr.response!.target.id).toBe(fx.backupModel);
      expect(outcomes(rr.attempts)).toEqual(['primary:error(AttemptTimeoutError)', 'backup:success']);
      expect((await fx.primary.settled(0)).outcome).toBe('client-closed');
      expectWithin(rr.wallMs, IDLE_MS, 'wall time with a restart');
      // Server-side the gap can look a little shorter: the limit's clock starts before the request lands.
      expect(between(fx.primary, 0, fx.backup, 0)).toBeLessThan(IDLE_MS + SLACK_MS);
      await expectHealthyAfter(fx, restart, mode);
    },
  },

  {
    name: 'cut mid-answer: before content a free retry; after it a typed error, or a reset and the backup',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway();
      if (mode === 'generate') {
        // Truncated JSON: malformed, so retried on the same target after the backoff.
        fx.bodyFaults.enqueue({ type: 'cut', afterBytes: 40 });
        fx.primary.enqueue({ text: 'first' }, { text: 'whole' });
        const r = await call(gw, mode);
        expect(r.error).toBeUndefined();
        expect(r.response!.text).toBe('whole');
        expect(outcomes(r.attempts)).toEqual(['primary:error(InvalidResponseError)', 'primary:success']);
        expect(fx.bodyFaults.pending).toBe(0);
        expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([2, 0]);
        expectWithin(gaps(fx.primary)[0]!, BACKOFF_MS, 'backoff before the retry');
        expectWithin(r.wallMs, BACKOFF_MS, 'wall time');
        await expectHealthyAfter(fx, gw, mode);
        return;
      }

      // Cut before the first content event: nothing reached the caller, a retry is free.
      fx.primary.enqueue({ ...ANSWER, fault: { type: 'cut', afterChunks: FRAMES[fx.wire].beforeContent } }, { text: 'second try' });
      const before = await call(gw, mode);
      expect(before.error).toBeUndefined();
      expect(shown(before.events)).toBe('second try');
      expect(outcomes(before.attempts)).toEqual(['primary:error(StreamTruncatedError)', 'primary:success']);
      expect(before.attempts[0]!.error).toBeInstanceOf(StreamTruncatedError);
      expectWithin(gaps(fx.primary)[0]!, BACKOFF_MS, 'backoff before the retry');
      expectWithin(before.wallMs, BACKOFF_MS, 'wall time');

      // Cut (socket destroyed) after two content frames: the default is a typed error.
      fx.reset();
      fx.primary.enqueue({ ...ANSWER, fault: { type: 'cut', afterChunks: afterContentFrames(fx.wire, 2), mode: 'destroy' } });
      const r = await call(gw, mode);
      expect(shown(r.events)).toBe(PARTIAL);
      expect(r.error).toBeInstanceOf(StreamInterruptedError);
      expect((r.error as StreamInterruptedError).delivered).toMatchObject({ text: PARTIAL, events: 2 });
      expect((r.error as StreamInterruptedError).cause).toBeInstanceOf(ConnectionError);
      expect(outcomes(r.attempts)).toEqual(['primary:error(ConnectionError)']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 0]);
      expectWithin(r.wallMs, 0, 'wall time');
      await expectHealthyAfter(fx, gw, mode);

      // onInterrupt 'restart': body ended cleanly but early, then a reset and the backup's answer.
      fx.reset();
      const restart = fx.gateway({ onInterrupt: 'restart' });
      fx.primary.enqueue({ ...ANSWER, fault: { type: 'cut', afterChunks: afterContentFrames(fx.wire, 2) } });
      fx.backup.enqueue({ text: 'Fresh answer.' });
      const rr = await call(restart, mode);
      expect(rr.error).toBeUndefined();
      expect(shown(rr.events)).toBe(`${PARTIAL}|Fresh answer.`);
      expect(rr.events.find((e) => e.type === 'reset')).toEqual({ type: 'reset', reason: 'StreamTruncatedError', target: fx.backupModel });
      expect(rr.response!.text).toBe('Fresh answer.');
      expect(outcomes(rr.attempts)).toEqual(['primary:error(StreamTruncatedError)', 'backup:success']);
      // The restart goes to the next target at once: no backoff after content.
      expect(between(fx.primary, 0, fx.backup, 0)).toBeLessThan(SLACK_MS);
      expect(rr.response!.routing).toEqual([expect.objectContaining({ action: 'restart', target: fx.backupModel, detail: { from: fx.primaryModel, reason: 'StreamTruncatedError' } })]);
      await expectHealthyAfter(fx, restart, mode);
    },
  },

  {
    name: 'malformed chunk: before content retried on the same target; after content a clean typed error',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway();
      if (mode === 'generate') {
        fx.bodyFaults.enqueue({ type: 'malformed' });
        fx.primary.enqueue({ text: 'garbled' }, { text: 'clean' });
        const r = await call(gw, mode);
        expect(r.error).toBeUndefined();
        expect(r.response!.text).toBe('clean');
        expect(outcomes(r.attempts)).toEqual(['primary:error(InvalidResponseError)', 'primary:success']);
        expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([2, 0]);
        expectWithin(gaps(fx.primary)[0]!, BACKOFF_MS, 'backoff before the retry');
        expectWithin(r.wallMs, BACKOFF_MS, 'wall time');
        await expectHealthyAfter(fx, gw, mode);
        return;
      }

      fx.primary.enqueue({ ...ANSWER, fault: { type: 'malformed-chunk', atChunk: FRAMES[fx.wire].beforeContent } }, { text: 'clean' });
      const before = await call(gw, mode);
      expect(before.error).toBeUndefined();
      expect(shown(before.events)).toBe('clean');
      expect(outcomes(before.attempts)).toEqual(['primary:error(InvalidResponseError)', 'primary:success']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([2, 0]);
      expectWithin(gaps(fx.primary)[0]!, BACKOFF_MS, 'backoff before the retry');
      expectWithin(before.wallMs, BACKOFF_MS, 'wall time');

      fx.reset();
      fx.primary.enqueue({ ...ANSWER, fault: { type: 'malformed-chunk', atChunk: afterContentFrames(fx.wire, 2) } });
      const after = await call(gw, mode);
      expect(shown(after.events)).toBe(PARTIAL);
      expect(after.error).toBeInstanceOf(StreamInterruptedError);
      expect((after.error as StreamInterruptedError).delivered.text).toBe(PARTIAL);
      expect((after.error as StreamInterruptedError).cause).toBeInstanceOf(InvalidResponseError);
      expect(outcomes(after.attempts)).toEqual(['primary:error(InvalidResponseError)']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 0]);
      expectWithin(after.wallMs, 0, 'wall time');
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: 'missing terminal marker: a complete answer (finish reason and usage) finalises promptly, not after the idle limit',
    modes: ['stream'],
    async run(fx, mode) {
      const idleMs = 3_000;
      const gw = fx.gateway({ limits: { idleMs } });
      // The body ends without `[DONE]` / `message_stop`.
      fx.primary.enqueue({ ...ANSWER, usage: { inputTokens: 7, outputTokens: 5 }, fault: { type: 'missing-terminal' } });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(shown(r.events)).toBe(ANSWER.text);
      expect(r.response!.finishReason).toBe('stop');
      expect(r.response!.usage).toMatchObject({ inputTokens: 7, outputTokens: 5 });
      expect(outcomes(r.attempts)).toEqual(['primary:success']);
      expect(r.wallMs).toBeLessThan(idleMs / 2);

      // The marker never comes and the socket stays open: still no wait for the idle limit, and
      // the adapter hangs up.
      fx.reset();
      const content = Math.ceil(ANSWER.text.length / ANSWER.chunkSize);
      fx.primary.enqueue({ ...ANSWER, usage: { inputTokens: 7, outputTokens: 5 }, fault: { type: 'stall', afterChunks: FRAMES[fx.wire].beforeContent + content + FRAMES[fx.wire].toCompletion } });
      const held = await call(gw, mode);
      expect(held.error).toBeUndefined();
      expect(held.response!.text).toBe(ANSWER.text);
      expect(held.response!.usage).toMatchObject({ inputTokens: 7, outputTokens: 5 });
      expect(outcomes(held.attempts)).toEqual(['primary:success']);
      expect(held.wallMs).toBeLessThan(idleMs / 2);
      expect((await fx.primary.settled(0)).outcome).toBe('client-closed');
      expect(fx.backup.requests).toHaveLength(0);
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: 'context length exceeded: never the same model again; the next known-larger target serves',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const names = CONTEXT_MODELS[fx.wire];
      const small = { model: fx.primaryModel, contextWindow: 8_000 };
      const sameSize = { model: `backup/${names.sameSize}`, contextWindow: 8_000 };
      const large = { model: `backup/${names.large}`, contextWindow: 200_000 };
      const gw = fx.gateway({ backoff: NO_WAIT_BACKOFF }, { chain: [small, sameSize, large] });
      fx.primary.setDefault({ fault: REJECTIONS[fx.wire].contextLength });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(r.response!.target.id).toBe(large.model);
      expect(outcomes(r.attempts)).toEqual(['primary:error(ContextLengthError)', 'backup:success']);
      expect(fx.primary.requests).toHaveLength(1);
      expect(fx.backup.requests.map((q) => q.model)).toEqual([names.large]);
      expect(between(fx.primary, 0, fx.backup, 0)).toBeLessThan(NO_WAIT_BACKOFF.minDelayMs);
      expect(r.response!.routing).toEqual([expect.objectContaining({ action: 'fail-over', target: large.model, detail: { from: fx.primaryModel, reason: 'ContextLengthError' } })]);

      // Nothing larger left: a typed error, and the target known to be no larger is not even asked.
      fx.reset();
      fx.primary.setDefault({ fault: REJECTIONS[fx.wire].contextLength });
      const none = fx.gateway({}, { chain: [small, sameSize] });
      const n = await call(none, mode);
      expect(n.error).toBeInstanceOf(FallbackExhaustedError);
      expect((n.error as FallbackExhaustedError).cause).toBeInstanceOf(ContextLengthError);
      expect(outcomes(n.attempts)).toEqual(['primary:error(ContextLengthError)']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 0]);
      expect(n.wallMs).toBeLessThan(SLACK_MS);
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: "content-policy rejection: surfaced with the provider's reason, no other target asked; fail-over is opt-in",
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway();
      fx.primary.setDefault({ fault: REJECTIONS[fx.wire].contentPolicy });
      const r = await call(gw, mode);
      expect(r.error).toBeInstanceOf(ContentPolicyError);
      expect((r.error as ContentPolicyError).message).toContain(REJECTIONS[fx.wire].policyReason);
      expect((r.error as ContentPolicyError).status).toBe(400);
      expect(outcomes(r.attempts)).toEqual(['primary:error(ContentPolicyError)']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 0]);
      expect(r.events).toEqual([]);
      expect(r.wallMs).toBeLessThan(SLACK_MS);

      fx.primary.reset();
      const optIn = fx.gateway({ contentPolicy: 'fail-over', backoff: NO_WAIT_BACKOFF });
      const o = await call(optIn, mode);
      expect(o.error).toBeUndefined();
      expect(o.response!.target.id).toBe(fx.backupModel);
      expect(outcomes(o.attempts)).toEqual(['primary:error(ContentPolicyError)', 'backup:success']);
      expect([fx.primary.requests.length, fx.backup.requests.length]).toEqual([1, 1]);
      expect(between(fx.primary, 0, fx.backup, 0)).toBeLessThan(NO_WAIT_BACKOFF.minDelayMs);
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: "a fallback target that rejects the prefill after a cut (onInterrupt 'continue'): a clean restart, the rejection never shown",
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const gw = fx.gateway({ onInterrupt: 'continue' });
      if (mode === 'generate') {
        // A generate call is never interrupted: its answer arrives whole or not at all, so no
        // prefill is ever sent. Three cut bodies use up the retries; the backup gets the plain request.
        fx.bodyFaults.enqueue({ type: 'cut', afterBytes: 40 }, { type: 'cut', afterBytes: 40 }, { type: 'cut', afterBytes: 40 });
        fx.backup.enqueue({ text: 'Fresh answer.' });
        const r = await call(gw, mode);
        expect(r.error).toBeUndefined();
        expect(r.response!.text).toBe('Fresh answer.');
        expect(outcomes(r.attempts)).toEqual(['primary:error(InvalidResponseError)', 'primary:error(InvalidResponseError)', 'primary:error(InvalidResponseError)', 'backup:success']);
        expect(lastMessage(fx.backup.requests[0]!.body).role).toBe('user');
        const [g1, g2] = gaps(fx.primary);
        expectWithin(g1!, BACKOFF_MS, 'first backoff');
        expectWithin(g2!, 2 * BACKOFF_MS, 'second backoff');
        expectWithin(r.wallMs, 3 * BACKOFF_MS, 'wall time');
        expect(r.response!.routing.map((e) => e.action)).toEqual(['retry', 'retry', 'fail-over']);
        await expectHealthyAfter(fx, gw, mode);
        return;
      }

      fx.primary.enqueue({ ...ANSWER, fault: { type: 'cut', afterChunks: afterContentFrames(fx.wire, 2) } });
      fx.backup.enqueue({ fault: REJECTIONS[fx.wire].prefill }, { text: 'Fresh answer.' });
      const r = await call(gw, mode);
      expect(r.error).toBeUndefined();
      expect(shown(r.events)).toBe(`${PARTIAL}|Fresh answer.`);
      expect(r.events.filter((e) => e.type === 'reset')).toEqual([{ type: 'reset', reason: 'StreamTruncatedError', target: fx.backupModel }]);
      expect(r.response!.text).toBe('Fresh answer.');
      expect(r.response!.target.id).toBe(fx.backupModel);
      expect(outcomes(r.attempts)).toEqual(['primary:error(StreamTruncatedError)', 'backup:error(BadRequestError)', 'backup:success']);
      expect(r.attempts[1]!.error).toBeInstanceOf(BadRequestError);
      // First the partial answer as a prefill, then (rejected) the plain request.
      expect(fx.backup.requests).toHaveLength(2);
      expect(lastMessage(fx.backup.requests[0]!.body)).toEqual({ role: 'assistant', text: PARTIAL });
      expect(lastMessage(fx.backup.requests[1]!.body)).toEqual({ role: 'user', text: 'count to four' });
      // The restart after a rejected prefill is immediate: no backoff.
      expect(between(fx.backup, 0, fx.backup, 1)).toBeLessThan(BACKOFF_MS + SLACK_MS);
      expect(r.response!.routing.map((e) => `${e.action}:${String(e.detail?.reason)}`)).toEqual(['continue:StreamTruncatedError', 'restart:prefill-rejected']);
      expect(r.wallMs).toBeLessThan(SLACK_MS);

      // A backup that takes the prefill continues the answer without a reset.
      fx.reset();
      fx.primary.enqueue({ ...ANSWER, fault: { type: 'cut', afterChunks: afterContentFrames(fx.wire, 2) } });
      fx.backup.enqueue({ text: 'three four' });
      const c = await call(gw, mode);
      expect(c.error).toBeUndefined();
      expect(c.events.some((e) => e.type === 'reset')).toBe(false);
      expect(c.response!.text).toBe('one two three four');
      expect(outcomes(c.attempts)).toEqual(['primary:error(StreamTruncatedError)', 'backup:success']);
      await expectHealthyAfter(fx, gw, mode);
    },
  },

  {
    name: 'primary down for a while, then healthy: the backup serves the outage, the breaker spares the primary, traffic returns promptly',
    modes: ['generate', 'stream'],
    async run(fx, mode) {
      const COOLDOWN_MS = 100;
      const OUTAGE_MS = 400;
      const changes: CircuitStateChange[] = [];
      const gw = fx.gateway({}, { circuitBreaker: { consecutiveFailures: 2, cooldownMs: COOLDOWN_MS, onStateChange: (c) => changes.push(c) } });
      const healthyAt = Date.now() + OUTAGE_MS;
      fx.primary.setDefault(() => (Date.now() < healthyAt ? { fault: { type: 'status', status: 503 } } : { text: 'primary is back' }));
      fx.backup.setDefault({ text: 'backup serves' });

      const log: Array<{ startedAt: number; endedAt: number; served: string; attempts: string[]; wallMs: number }> = [];
      let streak = 0;
      const giveUpAt = Date.now() + OUTAGE_MS + 10 * COOLDOWN_MS + SLACK_MS;
      while (streak < 3 && Date.now() < giveUpAt) {
        const startedAt = Date.now();
        const r = await call(gw, mode);
        // No call fails during the outage: each is served by one target or the other.
        expect(r.error).toBeUndefined();
        const served = r.response!.target.provider;
        log.push({ startedAt, endedAt: Date.now(), served, attempts: outcomes(r.attempts), wallMs: r.wallMs });
        streak = served === 'primary' ? streak + 1 : 0;
        await sleep(10);
      }
      expect(streak, 'traffic returned to the primary').toBe(3);

      // During the outage every call was served by the backup.
      const during = log.filter((c) => c.endedAt < healthyAt);
      expect(during.length).toBeGreaterThan(4);
      for (const c of during) expect(c.served).toBe('backup');
      // The first calls found it failing; then the open circuit skipped it without a request.
      expect(log[0]!.attempts).toEqual([`primary:error(${ERROR_503[fx.wire]})`, 'backup:success']);
      expect(log[1]!.attempts).toEqual([`primary:error(${ERROR_503[fx.wire]})`, 'backup:success']);
      const skipped = during.filter((c) => c.attempts[0] === 'primary:skipped(CircuitOpenError)');
      expect(skipped.length).toBeGreaterThan(0);
      for (const c of skipped) expect(c.attempts).toEqual(['primary:skipped(CircuitOpenError)', 'backup:success']);
      // The primary saw two failures plus at most one probe per cooldown, not one request per call.
      const primaryDuringOutage = fx.primary.requests.filter((q) => q.receivedAt < healthyAt).length;
      expect(primaryDuringOutage).toBeLessThanOrEqual(2 + Math.ceil(OUTAGE_MS / COOLDOWN_MS) + 1);
      expect(primaryDuringOutage).toBeLessThan(during.length);
      // A skip costs no wait.
      for (const c of skipped) expect(c.wallMs).toBeLessThan(SLACK_MS);

      // Traffic returns promptly: within a cooldown (plus slack) of recovery, and stays.
      const first = log.findIndex((c) => c.served === 'primary');
      expect(log[first]!.startedAt - healthyAt).toBeLessThan(COOLDOWN_MS + SLACK_MS / 3);
      for (const c of log.slice(first)) expect(c.served).toBe('primary');

      // State changes are observable: opened by failures, probed after the cooldown, closed on success.
      const id = fx.primaryModel;
      expect(changes.every((c) => c.target === id)).toBe(true);
      expect(changes[0]).toMatchObject({ from: 'closed', to: 'open', reason: 'consecutive-failures' });
      expect(changes).toContainEqual(expect.objectContaining({ from: 'open', to: 'half-open', reason: 'cooldown-elapsed' }));
      expect(changes.at(-1)).toMatchObject({ from: 'half-open', to: 'closed', reason: 'probe-succeeded' });
      for (const c of changes.filter((x) => x.reason === 'probe-failed')) expect(c).toMatchObject({ from: 'half-open', to: 'open' });
      expect(gw.health.get(id).circuit).toBe('closed');
      await expectHealthyAfter(fx, gw, mode);
    },
  },
];

/** The models the scenarios name, for the test files' titles. */
export const wireTitle = (wire: Wire): string => `${wire} wire (${MODEL[wire]}), primary and backup over the real SDK`;
