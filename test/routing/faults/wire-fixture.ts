import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { expect } from 'vitest';
import type { CircuitBreakerOptions } from '../../../src/core/target-health.js';
import { anthropic, createGateway, openai, type Gateway } from '../../../src/index.js';
import { fallback, type FallbackOptions, type FallbackTarget } from '../../../src/routing/fallback.js';
import { anthropicWire, openaiWire, startFakeServer, type FakeServer, type WireProtocol } from '../../../src/testing/index.js';
import type { AttemptRecord } from '../../../src/types/attempt.js';
import type { ChatResponse } from '../../../src/types/response.js';
import type { StreamEvent } from '../../../src/types/stream-event.js';
import { bodyFaults, type BodyFaults } from './body-faults.js';

// Two fake servers of one wire format, each behind its own real SDK client: a primary and a backup.
// Every scenario builds its own gateway over them (a `fallback` chain under the alias `chain`, with
// the scenario's options), so the options a test relies on are visible in the test.

export type Wire = 'openai' | 'anthropic';
export type Mode = 'generate' | 'stream';

export const MODEL: Record<Wire, string> = { openai: 'gpt-4.1-mini', anthropic: 'claude-sonnet-4-6' };

/** Backoff between same-target retries: fixed (no jitter), so a gap can be bounded from below. */
export const BACKOFF_MS = 40;
/** Added to every lower bound to get an upper bound: a loaded machine fires timers late, never early. */
export const SLACK_MS = 1_500;
/** Below the resolution of `Date.now()`-stamped request times plus a timer firing a hair early. */
export const CLOCK_MS = 2;

/**
 * Anthropic's SDK drops SSE frames without an `event:` line, so the stock fake's malformed frame
 * (unnamed) never reaches the adapter. Ours is named like a real delta, so the SDK parses it.
 */
const anthropicWithNamedMalformedFrame: WireProtocol = {
  ...anthropicWire,
  malformedFrame: () => 'event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": not json}\n\n',
};

/** How each wire frames a streamed text answer (see src/testing/fake-servers/*-wire.ts). */
export interface WireFrames {
  /** SSE frames before the first content frame. OpenAI: the role chunk. Anthropic: message_start, ping, content_block_start. */
  beforeContent: number;
  /**
   * Frames after the last content frame up to and including the completion signal. OpenAI (usage
   * on): finish_reason, usage; `[DONE]` follows. Anthropic: content_block_stop, message_delta;
   * `message_stop` follows.
   */
  toCompletion: number;
}

export const FRAMES: Record<Wire, WireFrames> = {
  openai: { beforeContent: 1, toCompletion: 2 },
  anthropic: { beforeContent: 3, toCompletion: 2 },
};

export interface GatewayOptions {
  /** The chain (default: primary, then backup). */
  chain?: Array<string | FallbackTarget>;
  /** Default `false`: only the breaker scenario turns it on. */
  circuitBreaker?: CircuitBreakerOptions | false;
}

export interface WireFixture {
  readonly wire: Wire;
  readonly primary: FakeServer;
  readonly backup: FakeServer;
  /** `primary/<model>` and `backup/<model>`. */
  readonly primaryModel: string;
  readonly backupModel: string;
  /** Faults in the primary's non-streaming response bodies (generate calls), one per answer. */
  readonly bodyFaults: BodyFaults;
  /** A gateway whose alias `chain` is `fallback(chain, { backoff: fixed BACKOFF_MS, ...options })`. */
  gateway(options?: FallbackOptions, config?: GatewayOptions): Gateway;
  /** Clears scripts, request logs, default replies and body faults. */
  reset(): void;
  close(): Promise<void>;
}

export async function startWireFixture(wire: Wire): Promise<WireFixture> {
  const protocol = wire === 'openai' ? openaiWire : anthropicWithNamedMalformedFrame;
  const [primary, backup] = await Promise.all([startFakeServer(protocol), startFakeServer(protocol)]);
  const faults = bodyFaults();
  // Both SDKs keep their default retries: the adapters must turn them off per request.
  const adapters =
    wire === 'openai'
      ? {
          primary: openai(new OpenAI({ apiKey: 'sk-test', baseURL: `${primary.origin}/v1`, logLevel: 'off', fetch: faults.fetch })),
          // OpenAI's adapter says no to prefill by default; the backup says yes so that `continue` sends it one.
          backup: openai(new OpenAI({ apiKey: 'sk-test', baseURL: `${backup.origin}/v1`, logLevel: 'off' }), { assistantPrefill: true }),
        }
      : {
          primary: anthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: primary.origin, logLevel: 'off', fetch: faults.fetch })),
          backup: anthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: backup.origin, logLevel: 'off' })),
        };
  const primaryModel = `primary/${MODEL[wire]}`;
  const backupModel = `backup/${MODEL[wire]}`;
  return {
    wire,
    primary,
    backup,
    primaryModel,
    backupModel,
    bodyFaults: faults,
    gateway(options = {}, config = {}) {
      const chain = config.chain ?? [primaryModel, backupModel];
      return createGateway({
        providers: adapters,
        models: { chain: [fallback(chain, { backoff: { minDelayMs: BACKOFF_MS, factor: 2, jitter: false }, ...options })] },
        circuitBreaker: config.circuitBreaker ?? false,
      });
    },
    reset() {
      for (const s of [primary, backup]) {
        s.reset();
        s.setDefault({});
      }
      faults.clear();
    },
    close: async () => {
      await Promise.all([primary.close(), backup.close()]);
    },
  };
}

export interface CallResult {
  /** Every event the caller saw (streams only; a generate call has none to show). */
  events: StreamEvent[];
  response: ChatResponse | undefined;
  error: unknown;
  /** From the response, or from the error a failed call throws. */
  attempts: AttemptRecord[];
  wallMs: number;
}

/** Calls the alias `chain` (or `model`) in `mode`, catching the error and timing the whole call. */
export async function call(gw: Gateway, mode: Mode, extra: { timeout?: number; model?: string } = {}): Promise<CallResult> {
  const request = { model: extra.model ?? 'chain', messages: [{ role: 'user' as const, content: 'count to four' }], ...(extra.timeout ? { timeout: extra.timeout } : {}) };
  const events: StreamEvent[] = [];
  let response: ChatResponse | undefined;
  let error: unknown;
  const t0 = performance.now();
  try {
    if (mode === 'generate') {
      response = await gw.chat(request);
    } else {
      const stream = gw.stream(request);
      for await (const ev of stream) events.push(ev);
      response = await stream.response;
    }
  } catch (err) {
    error = err;
  }
  const wallMs = performance.now() - t0;
  const attempts = response?.attempts ?? (error as { attempts?: AttemptRecord[] } | undefined)?.attempts ?? [];
  return { events, response, error, attempts, wallMs };
}

/** `provider:outcome(ErrorName)` per attempt, in completion order. */
export const outcomes = (attempts: AttemptRecord[]): string[] => attempts.map((a) => `${a.target.provider}:${a.outcome}${a.error ? `(${a.error.name})` : ''}`);

/** Text the caller was shown, resets included (`|` marks a reset). */
export const shown = (events: StreamEvent[]): string => events.map((e) => (e.type === 'text-delta' ? e.text : e.type === 'reset' ? '|' : '')).join('');

/** Milliseconds between consecutive requests a server received. */
export const gaps = (server: FakeServer): number[] => server.requests.slice(1).map((r, i) => r.receivedAt - server.requests[i]!.receivedAt);

/** Milliseconds from server `a`'s request `i` to server `b`'s request `j`. */
export const between = (a: FakeServer, i: number, b: FakeServer, j: number): number => b.requests[j]!.receivedAt - a.requests[i]!.receivedAt;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Expects `ms` within [low, low + SLACK_MS). */
export function expectWithin(ms: number, low: number, label: string): void {
  expect(ms, `${label}: ${Math.round(ms)} ms ≥ ${low}`).toBeGreaterThanOrEqual(low - CLOCK_MS);
  expect(ms, `${label}: ${Math.round(ms)} ms < ${low + SLACK_MS}`).toBeLessThan(low + SLACK_MS);
}

/** After a scenario: the same gateway serves a healthy call from the primary, in one attempt. */
export async function expectHealthyAfter(fx: WireFixture, gw: Gateway, mode: Mode): Promise<void> {
  fx.reset();
  fx.primary.enqueue({ text: 'all well again' });
  const r = await call(gw, mode);
  expect(r.error).toBeUndefined();
  expect(r.response!.text).toBe('all well again');
  expect(outcomes(r.attempts)).toEqual(['primary:success']);
  expect(fx.primary.requests).toHaveLength(1);
  expect(fx.backup.requests).toHaveLength(0);
  if (mode === 'stream') expect((await fx.primary.settled(0)).outcome).toBe('completed');
}
