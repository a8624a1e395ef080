import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  InvalidResponseError,
  OverloadedError,
  ProviderError,
  ProviderTimeoutError,
  ServerError,
  StreamTruncatedError,
} from '../../../src/errors/provider-error.js';
import { startFakeGemini } from '../../../src/testing/fake-servers/start-fake-gemini.js';
import type { StreamEvent } from '../../../src/types/stream-event.js';
import { callOptions, caught, collect, type FakeGemini, geminiAdapter, textOf, userRequest } from './gemini-helpers.js';

let server: FakeGemini;

beforeAll(async () => {
  server = await startFakeGemini();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
});

const LONG = 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen';

/** Collects events until the stream throws; returns both. */
async function streamUntilError(reply: Parameters<FakeGemini['enqueue']>[0]): Promise<{ events: StreamEvent[]; error: unknown }> {
  server.enqueue(reply);
  const events: StreamEvent[] = [];
  const error = await caught(async () => {
    for await (const ev of geminiAdapter(server).stream(userRequest(), callOptions())) events.push(ev);
  });
  return { events, error };
}

describe('gemini transport faults', () => {
  it('maps a reset before headers to ConnectionError (generate and stream)', async () => {
    server.enqueue({ fault: { type: 'reset' } });
    const generateErr = await caught(() => geminiAdapter(server).generate(userRequest(), callOptions()));
    expect(generateErr).toBeInstanceOf(ConnectionError);
    expect((generateErr as ConnectionError).retryable).toBe(true);
    const { error } = await streamUntilError({ fault: { type: 'reset' } });
    expect(error).toBeInstanceOf(ConnectionError);
  });

  it('treats a body closed cleanly mid-stream as truncated, after the delivered text', async () => {
    const { events, error } = await streamUntilError({ text: LONG, chunkSize: 8, fault: { type: 'cut', afterChunks: 3, mode: 'close' } });
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect((error as StreamTruncatedError).retryable).toBe(true);
    expect(textOf(events)).toBe(LONG.slice(0, 24));
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('maps a socket destroyed mid-stream to ConnectionError or StreamTruncatedError', async () => {
    const { events, error } = await streamUntilError({ text: LONG, chunkSize: 8, fault: { type: 'cut', afterChunks: 2, mode: 'destroy' } });
    expect(error instanceof ConnectionError || error instanceof StreamTruncatedError).toBe(true);
    expect((error as ProviderError).retryable).toBe(true);
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('treats a stream whose last chunk has no finishReason as truncated', async () => {
    const { events, error } = await streamUntilError({ text: 'complete looking text', fault: { type: 'missing-terminal' } });
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect(textOf(events)).toBe('complete looking text');
  });

  it('treats tool calls without the later finishReason chunk as truncated', async () => {
    const { events, error } = await streamUntilError({ toolCalls: [{ name: 'f', arguments: { a: 1 } }], fault: { type: 'missing-terminal' } });
    expect(error).toBeInstanceOf(StreamTruncatedError);
    expect(events.some((e) => e.type === 'tool-call-end')).toBe(true);
  });

  it('surfaces a malformed chunk as InvalidResponseError, not a SyntaxError', async () => {
    const { error } = await streamUntilError({ text: LONG, fault: { type: 'malformed-chunk', atChunk: 2 } });
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as InvalidResponseError).cause).toBeInstanceOf(SyntaxError);
  });

  it('maps an in-band INTERNAL error to ServerError with the body code as status', async () => {
    const { events, error } = await streamUntilError({ text: LONG, chunkSize: 8, fault: { type: 'in-band-error', afterChunks: 2 } });
    expect(error).toBeInstanceOf(ServerError);
    expect(error).not.toBeInstanceOf(OverloadedError);
    expect((error as ServerError).status).toBe(500);
    expect((error as ServerError).providerCode).toBe('INTERNAL');
    expect(textOf(events)).toBe(LONG.slice(0, 16));
  });

  it('maps an in-band UNAVAILABLE error to OverloadedError', async () => {
    const { error } = await streamUntilError({ text: LONG, fault: { type: 'in-band-error', afterChunks: 1, code: 'UNAVAILABLE' } });
    expect(error).toBeInstanceOf(OverloadedError);
    expect((error as OverloadedError).status).toBe(503);
    expect((error as OverloadedError).retryable).toBe(true);
  });

  it('maps the SDK per-call timeout to ProviderTimeoutError', async () => {
    server.enqueue({ fault: { type: 'no-answer' } });
    const err = await caught(() => geminiAdapter(server).generate(userRequest(), callOptions({ timeoutMs: 50 })));
    expect(err).toBeInstanceOf(ProviderTimeoutError);
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('maps a per-call timeout during a stalled stream to ProviderTimeoutError', async () => {
    server.enqueue({ text: LONG, fault: { type: 'stall', afterChunks: 1 } });
    const err = await caught(() => collect(geminiAdapter(server).stream(userRequest(), callOptions({ timeoutMs: 100 }))));
    expect(err).toBeInstanceOf(ProviderTimeoutError);
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });
});

describe('gemini finalises promptly', () => {
  it('finishes right after the chunk with finishReason when the body never ends, and hangs up', async () => {
    // A stall after every frame: the whole answer arrives, the body is never closed.
    server.enqueue({ text: 'short answer', usage: { inputTokens: 4, outputTokens: 2 }, fault: { type: 'stall', afterChunks: 1_000 } });
    const t0 = performance.now();
    const events = await collect(geminiAdapter(server).stream(userRequest(), callOptions()));
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(textOf(events)).toBe('short answer');
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 4, outputTokens: 2 } });
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('a consumer that stops at the finish event still closes the request', async () => {
    server.enqueue({ text: 'short answer', fault: { type: 'stall', afterChunks: 1_000 } });
    for await (const ev of geminiAdapter(server).stream(userRequest(), callOptions())) {
      if (ev.type === 'finish') break;
    }
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });
});

describe('gemini cancellation', () => {
  it('aborting the signal mid-stream closes the request and rethrows the abort as is', async () => {
    server.enqueue({ text: LONG, chunkSize: 4, chunkDelayMs: 20 });
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    const err = await caught(async () => {
      for await (const ev of geminiAdapter(server).stream(userRequest(), callOptions({ signal: controller.signal }))) {
        events.push(ev);
        if (events.length === 1) controller.abort();
      }
    });
    expect(err).not.toBeInstanceOf(ProviderError);
    expect((err as Error).name).toBe('AbortError');
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('breaking out of the loop closes the request', async () => {
    server.enqueue({ text: LONG, chunkSize: 4, chunkDelayMs: 20 });
    let seen = 0;
    for await (const ev of geminiAdapter(server).stream(userRequest(), callOptions())) {
      expect(ev.type).toBe('text-delta');
      if (++seen === 2) break;
    }
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('aborting a generate call in flight closes the request and rethrows the abort as is', async () => {
    server.enqueue({ fault: { type: 'no-answer' } });
    const controller = new AbortController();
    const pending = caught(() => geminiAdapter(server).generate(userRequest(), callOptions({ signal: controller.signal })));
    await waitForRequest(0);
    controller.abort(new Error('caller gave up'));
    const err = await pending;
    expect(err).not.toBeInstanceOf(ProviderError);
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('completes normally when the consumer reads to the end', async () => {
    server.enqueue({ text: 'short' });
    await collect(geminiAdapter(server).stream(userRequest(), callOptions()));
    expect((await server.settled(0)).outcome).toBe('completed');
  });
});

async function waitForRequest(index: number): Promise<void> {
  while (server.requests.length <= index) await new Promise((r) => setTimeout(r, 5));
}
