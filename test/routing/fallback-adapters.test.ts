import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fallback, type FallbackOptions } from '../../src/routing/fallback.js';
import type { AttemptRecord } from '../../src/types/attempt.js';
import type { StreamEvent } from '../../src/types/stream-event.js';
import { MODELS, startSdkFixture, type ProviderName, type SdkFixture } from '../integration/sdk-fixtures.js';

// Fallback over the real SDKs and the fake servers: what the mock provider cannot show (sockets,
// wire faults, adapters finalising promptly).

// Generous limits, so a loaded machine does not trip them; the faults below are far beyond them.
const IDLE_MS = 5_000;
const FIRST_TOKEN_MS = 1_000;
const base: FallbackOptions = { limits: { firstTokenMs: FIRST_TOKEN_MS, idleMs: IDLE_MS }, backoff: { minDelayMs: 5, maxDelayMs: 20 } };
const backup: Record<ProviderName, ProviderName> = { openai: 'anthropic', anthropic: 'openai', google: 'openai' };

let fx: SdkFixture;
beforeAll(async () => {
  fx = await startSdkFixture({
    circuitBreaker: false,
    models: {
      'openai-chain': [fallback([MODELS.openai, MODELS.anthropic], base)],
      'anthropic-chain': [fallback([MODELS.anthropic, MODELS.openai], base)],
      'google-chain': [fallback([MODELS.google, MODELS.openai], base)],
      restart: [fallback([MODELS.openai, MODELS.anthropic], { ...base, onInterrupt: 'restart' })],
      continue: [fallback([MODELS.openai, MODELS.anthropic], { ...base, onInterrupt: 'continue' })],
    },
  });
});
afterAll(() => fx.close());
beforeEach(() => {
  for (const s of Object.values(fx.servers)) s.reset();
});

const ask = [{ role: 'user' as const, content: 'count to three' }];
const outcomes = (attempts: AttemptRecord[]) => attempts.map((a) => `${a.target.id}:${a.outcome}${a.error ? `(${a.error.name})` : ''}`);

async function streamAll(model: string) {
  const stream = fx.gateway.stream({ model, messages: ask });
  const events: StreamEvent[] = [];
  for await (const ev of stream) events.push(ev);
  return { events, response: await stream.response };
}

// Where to stall so that everything up to and including the completion signal has been sent, and
// nothing after: OpenAI (usage on) role, 'abc', finish_reason, usage | [DONE]; Anthropic
// message_start, ping, block start, delta, block stop, message_delta | message_stop; Gemini has no
// end marker, so the body is simply never closed.
const stallAfterCompletion: Record<ProviderName, number> = { openai: 4, anthropic: 6, google: 1_000 };

describe.each(Object.keys(MODELS) as ProviderName[])('%s: a stream complete but for its final wire marker', (name) => {
  it('finishes at once, well before the idle limit, and the socket is closed', async () => {
    fx.servers[name].enqueue({ text: 'abc', usage: { inputTokens: 4, outputTokens: 2 }, fault: { type: 'stall', afterChunks: stallAfterCompletion[name] } });
    const t0 = performance.now();
    const { events, response } = await streamAll(`${name}-chain`);
    expect(performance.now() - t0).toBeLessThan(IDLE_MS / 2);
    expect(events.filter((e) => e.type === 'text-delta').map((e) => (e as { text: string }).text).join('')).toBe('abc');
    expect(response.target.id).toBe(MODELS[name]);
    expect(response.usage).toMatchObject({ outputTokens: 2 });
    expect(outcomes(response.attempts)).toEqual([`${MODELS[name]}:success`]);
    expect((await fx.servers[name].settled(0)).outcome).toBe('client-closed');
    expect(fx.servers[backup[name]].requests).toHaveLength(0);

    // And a healthy call afterwards reads its stream to the end.
    fx.servers[name].enqueue({ text: 'again' });
    expect((await streamAll(`${name}-chain`)).response.text).toBe('again');
    expect((await fx.servers[name].settled(1)).outcome).toBe('completed');
  });
});

describe('fallback over the SDKs', () => {
  it('a slow first token costs one limit, closes the socket and fails over', async () => {
    fx.servers.openai.enqueue({ text: 'too late', fault: { type: 'slow-first-token', delayMs: 20_000 } });
    fx.servers.anthropic.enqueue({ text: 'on time' });
    const t0 = performance.now();
    const { response } = await streamAll('openai-chain');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(FIRST_TOKEN_MS - 5);
    expect(performance.now() - t0).toBeLessThan(FIRST_TOKEN_MS * 4);
    expect(response.text).toBe('on time');
    expect(outcomes(response.attempts)).toEqual([`${MODELS.openai}:error(AttemptTimeoutError)`, `${MODELS.anthropic}:success`]);
    expect((await fx.servers.openai.settled(0)).outcome).toBe('client-closed');
  });

  it('a malformed chunk before any content is retried on the same target', async () => {
    fx.servers.openai.enqueue({ text: 'abc', fault: { type: 'malformed-chunk', atChunk: 0 } }, { text: 'clean' });
    const { response } = await streamAll('openai-chain');
    expect(response.text).toBe('clean');
    expect(outcomes(response.attempts)).toEqual([`${MODELS.openai}:error(InvalidResponseError)`, `${MODELS.openai}:success`]);
    expect(response.routing).toEqual([expect.objectContaining({ action: 'retry', detail: expect.objectContaining({ reason: 'InvalidResponseError' }) })]);
  });

  it("restart: a stream cut mid-answer restarts on the backup after a reset; the cut socket is closed", async () => {
    fx.servers.openai.enqueue({ text: 'one two three four', chunkSize: 4, fault: { type: 'cut', afterChunks: 3, mode: 'destroy' } });
    fx.servers.anthropic.enqueue({ text: 'One, two, three.' });
    const { events, response } = await streamAll('restart');
    const reset = events.findIndex((e) => e.type === 'reset');
    expect(reset).toBeGreaterThan(0);
    expect(events[reset]).toMatchObject({ type: 'reset', target: MODELS.anthropic });
    expect(response.text).toBe('One, two, three.');
    expect(response.target.id).toBe(MODELS.anthropic);
  });

  it('continue: the backup gets the partial answer as a prefill; a rejected prefill restarts cleanly', async () => {
    fx.servers.openai.enqueue({ text: 'one two three four', chunkSize: 4, fault: { type: 'cut', afterChunks: 3, mode: 'close' } });
    fx.servers.anthropic.enqueue({ text: 'three four' });
    const first = await streamAll('continue');
    expect(first.events.some((e) => e.type === 'reset')).toBe(false);
    expect(first.response.text).toBe('one two three four');
    const sent = fx.servers.anthropic.requests[0]!.body!.messages as Array<{ role: string; content: unknown }>;
    expect(sent.at(-1)).toEqual({ role: 'assistant', content: 'one two ' });

    for (const s of Object.values(fx.servers)) s.reset();
    fx.servers.openai.enqueue({ text: 'one two three four', chunkSize: 4, fault: { type: 'cut', afterChunks: 3, mode: 'close' } });
    fx.servers.anthropic.enqueue(
      { fault: { type: 'status', status: 400, message: 'This model does not support assistant message prefill. The conversation must end with a user message.' } },
      { text: 'Fresh answer.' },
    );
    const second = await streamAll('continue');
    expect(second.events.filter((e) => e.type === 'reset')).toHaveLength(1);
    expect(second.response.text).toBe('Fresh answer.');
    expect(outcomes(second.response.attempts)).toEqual([`${MODELS.openai}:error(StreamTruncatedError)`, `${MODELS.anthropic}:error(BadRequestError)`, `${MODELS.anthropic}:success`]);
    const fresh = fx.servers.anthropic.requests[1]!.body!.messages as Array<{ role: string }>;
    expect(fresh.at(-1)!.role).toBe('user');
  });
});
