import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  ContentPolicyError,
  ContextLengthError,
  InvalidResponseError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  ProviderError,
  ProviderTimeoutError,
  QuotaExceededError,
  RateLimitError,
  ServerError,
  StreamTruncatedError,
} from '../../../src/errors/provider-error.js';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { startFakeAnthropic } from '../../../src/testing/fake-servers/start-fake-anthropic.js';
import type { FakeServer } from '../../../src/testing/fake-servers/fake-server.js';
import type { Fault } from '../../../src/testing/fake-servers/types.js';
import type { AdapterCallOptions, StreamCallOptions, ProviderAdapter } from '../../../src/types/provider-adapter.js';
import type { NormalizedRequest } from '../../../src/types/request.js';
import type { StreamEvent } from '../../../src/types/stream-event.js';
import type { Target } from '../../../src/types/target.js';

const MODEL = 'claude-sonnet-4-6';
const target: Target = { provider: 'anthropic', model: MODEL, id: `anthropic/${MODEL}` };
const hi: NormalizedRequest = { messages: [{ role: 'user', content: 'hi' }] };

let server: FakeServer & { baseURL: string };
let adapter: ProviderAdapter;

function call(extra: Partial<StreamCallOptions> = {}): StreamCallOptions {
  return { target, signal: new AbortController().signal, ...extra };
}

async function drain(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** The `request_id` the fake put in the error body, to compare with what the adapter read from the header. */
function bodyRequestId(err: ProviderError): unknown {
  return (err.cause as { error?: { request_id?: unknown } }).error?.request_id;
}

/**
 * A fetch that passes each SSE frame of the fake's answer through `edit`: a string replaces the
 * frame, an Error fails the body there (as a dropped socket does in undici).
 */
function editFrames(edit: (frame: string) => string | Error): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!res.body || !res.headers.get('content-type')?.includes('text/event-stream')) return res;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const encoder = new TextEncoder();
    const pending: string[] = [];
    let buffer = '';
    let failure: Error | undefined;
    let ended = false;
    // One frame per read, and the failure only once every frame before it was read: an errored
    // stream discards whatever is still queued.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          while (pending.length === 0 && !failure && !ended) {
            const r = await reader.read();
            if (r.done) {
              ended = true;
              if (buffer) pending.push(buffer);
              break;
            }
            buffer += decoder.decode(r.value, { stream: true });
            let at: number;
            while (!failure && (at = buffer.indexOf('\n\n')) >= 0) {
              const out = edit(buffer.slice(0, at + 2));
              buffer = buffer.slice(at + 2);
              if (out instanceof Error) failure = out;
              else pending.push(out);
            }
          }
          if (pending.length > 0) return controller.enqueue(encoder.encode(pending.shift()!));
          if (failure) {
            void reader.cancel();
            return controller.error(failure);
          }
          controller.close();
        },
        cancel: (reason) => reader.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

beforeAll(async () => {
  server = await startFakeAnthropic();
  // SDK defaults on purpose (2 retries): one request per call proves the adapter turns them off.
  adapter = anthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.baseURL }));
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('anthropic adapter: SDK retries are off', () => {
  it('makes exactly one request for a 500 on generate', async () => {
    server.enqueue({ fault: { type: 'status', status: 500 } }, { text: 'would have been the retry' });
    expect(await caught(adapter.generate(hi, call()))).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('makes exactly one request for a 529 on stream, and for a reset connection', async () => {
    server.enqueue({ fault: { type: 'status', status: 529 } }, { text: 'retry' });
    expect(await caught(drain(adapter.stream(hi, call())))).toBeInstanceOf(OverloadedError);
    expect(server.requests).toHaveLength(1);
    server.reset();
    server.enqueue({ fault: { type: 'reset' } }, { text: 'retry' });
    expect(await caught(adapter.generate(hi, call()))).toBeInstanceOf(ConnectionError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('anthropic adapter: HTTP error mapping', () => {
  const cases: Array<[string, Extract<Fault, { type: 'status' }>, new (...a: never[]) => ProviderError, boolean, string]> = [
    ['400', { type: 'status', status: 400, message: 'messages: field required' }, BadRequestError, false, 'invalid_request_error'],
    ['401', { type: 'status', status: 401 }, AuthenticationError, false, 'authentication_error'],
    ['402 billing', { type: 'status', status: 402 }, QuotaExceededError, false, 'billing_error'],
    ['403', { type: 'status', status: 403 }, PermissionDeniedError, false, 'permission_error'],
    ['404', { type: 'status', status: 404 }, NotFoundError, false, 'not_found_error'],
    ['429', { type: 'status', status: 429 }, RateLimitError, true, 'rate_limit_error'],
    ['500', { type: 'status', status: 500 }, ServerError, true, 'api_error'],
    ['503', { type: 'status', status: 503 }, ServerError, true, 'api_error'],
    ['529', { type: 'status', status: 529 }, OverloadedError, true, 'overloaded_error'],
    [
      'context length',
      { type: 'status', status: 400, message: 'prompt is too long: 212000 tokens > 200000 maximum' },
      ContextLengthError,
      false,
      'invalid_request_error',
    ],
    [
      'content policy',
      { type: 'status', status: 400, message: 'Output blocked by content filtering policy' },
      ContentPolicyError,
      false,
      'invalid_request_error',
    ],
  ];

  it.each(cases)('maps %s on generate', async (_name, fault, cls, retryable, code) => {
    server.enqueue({ fault });
    const err = (await caught(adapter.generate(hi, call()))) as ProviderError;
    expect(err).toBeInstanceOf(cls);
    expect(err.constructor).toBe(cls);
    expect(err.retryable).toBe(retryable);
    expect(err.status).toBe(fault.status);
    expect(err.providerCode).toBe(code);
    expect(err.provider).toBe('anthropic');
    expect(err.model).toBe(MODEL);
    expect(err.requestId).toMatch(/^req_/);
    expect(err.requestId).toBe(bodyRequestId(err));
    expect(err.retryAfterMs).toBeUndefined();
    if (fault.message) expect(err.message).toContain(fault.message);
  });

  it.each(cases)('maps %s on stream', async (_name, fault, cls, retryable) => {
    server.enqueue({ fault });
    const err = (await caught(drain(adapter.stream(hi, call())))) as ProviderError;
    expect(err.constructor).toBe(cls);
    expect(err.retryable).toBe(retryable);
    expect(err.requestId).toBe(bodyRequestId(err));
  });

  it('reads retry-after (seconds) and retry-after-ms on 429', async () => {
    server.enqueue({ fault: { type: 'status', status: 429, headers: { 'retry-after': '7' } } });
    const err = (await caught(adapter.generate(hi, call()))) as ProviderError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(7000);

    server.enqueue({ fault: { type: 'status', status: 429, headers: { 'retry-after-ms': '1500', 'retry-after': '2' } } });
    expect(((await caught(drain(adapter.stream(hi, call())))) as ProviderError).retryAfterMs).toBe(1500);
  });

  it('maps a prefill rejection to BadRequestError with the provider message', async () => {
    server.enqueue({ fault: { type: 'status', status: 400 } });
    const err = (await caught(
      adapter.generate({ messages: [...hi.messages, { role: 'assistant', content: 'Sure: ' }] }, call()),
    )) as ProviderError;
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/prefill/);
  });
});

describe('anthropic adapter: faults', () => {
  it('maps a connection reset before headers to ConnectionError on stream', async () => {
    server.enqueue({ fault: { type: 'reset' } });
    const err = await caught(drain(adapter.stream(hi, call())));
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ProviderError).retryable).toBe(true);
  });

  it('maps a body that ends cleanly mid-stream to StreamTruncatedError, after the content already delivered', async () => {
    server.enqueue({ text: 'Hello there, world', chunkSize: 4, fault: { type: 'cut', afterChunks: 5, mode: 'close' } });
    const seen: StreamEvent[] = [];
    const err = await caught(
      (async () => {
        for await (const ev of adapter.stream(hi, call())) seen.push(ev);
      })(),
    );
    expect(err).toBeInstanceOf(StreamTruncatedError);
    expect((err as ProviderError).retryable).toBe(true);
    expect(seen.some((e) => e.type === 'text-delta')).toBe(true);
    expect(seen.some((e) => e.type === 'finish')).toBe(false);
  });

  it('maps a socket destroyed mid-stream to ConnectionError', async () => {
    // A frame delay lets the frames before the cut reach the socket; without one, destroy discards them.
    server.enqueue({ text: 'Hello there, world', chunkSize: 4, chunkDelayMs: 2, fault: { type: 'cut', afterChunks: 5, mode: 'destroy' } });
    const seen: StreamEvent[] = [];
    const err = await caught(
      (async () => {
        for await (const ev of adapter.stream(hi, call())) seen.push(ev);
      })(),
    );
    expect(err).toBeInstanceOf(ConnectionError);
    expect(seen.some((e) => e.type === 'text-delta')).toBe(true);
  });

  it('completes when the socket drops after message_delta carried the stop reason', async () => {
    // The fake's destroy discards frames written in the same tick, so drop the socket in fetch instead.
    const dropped = anthropic(
      new Anthropic({
        apiKey: 'sk-ant-test',
        baseURL: server.baseURL,
        fetch: editFrames((f) => (f.startsWith('event: message_stop') ? new TypeError('terminated') : f)),
      }),
    );
    server.enqueue({ text: 'short', usage: { inputTokens: 3, outputTokens: 2 } });
    const events = await drain(dropped.stream(hi, call()));
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2 } });

    // The same drop before message_delta is a lost answer.
    server.enqueue({ text: 'short' });
    const early = anthropic(
      new Anthropic({
        apiKey: 'sk-ant-test',
        baseURL: server.baseURL,
        fetch: editFrames((f) => (f.startsWith('event: message_delta') ? new TypeError('terminated') : f)),
      }),
    );
    expect(await caught(drain(early.stream(hi, call())))).toBeInstanceOf(ConnectionError);
  });

  it('maps a stream with no stop_reason at all to StreamTruncatedError', async () => {
    // Cut right before message_delta: every content block is complete, but no stop reason came.
    server.enqueue({ text: 'short', fault: { type: 'cut', afterChunks: 5, mode: 'close' } });
    expect(await caught(drain(adapter.stream(hi, call())))).toBeInstanceOf(StreamTruncatedError);
  });

  it('maps a malformed named event to InvalidResponseError', async () => {
    // The shared fake's malformed frame has no `event:` line, which the SDK drops unread; name it.
    const nameUnnamed = editFrames((f) => (f.startsWith('data:') ? `event: content_block_delta\n${f}` : f));
    const named = anthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.baseURL, fetch: nameUnnamed, logLevel: 'off' }));
    server.enqueue({ text: 'Hello there', fault: { type: 'malformed-chunk', atChunk: 3 } });
    const err = await caught(drain(named.stream(hi, call())));
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect((err as ProviderError).cause).toBeInstanceOf(SyntaxError);
  });

  it('passes over an unnamed malformed frame, which the SDK drops like the real service would', async () => {
    server.enqueue({ text: 'Hello there', fault: { type: 'malformed-chunk', atChunk: 3 } });
    const events = await drain(adapter.stream(hi, call()));
    expect(events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('')).toBe('Hello there');
  });

  it('maps a non-JSON success body to InvalidResponseError', async () => {
    const html = anthropic(
      new Anthropic({
        apiKey: 'sk-ant-test',
        baseURL: server.baseURL,
        fetch: async () => new Response('<html>bad gateway page</html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      }),
    );
    expect(await caught(html.generate(hi, call()))).toBeInstanceOf(InvalidResponseError);
  });

  it.each([
    ['overloaded_error', OverloadedError, true],
    ['rate_limit_error', RateLimitError, true],
    ['api_error', ServerError, true],
    ['invalid_request_error', BadRequestError, false],
  ] as const)('maps an in-band %s error event to its class', async (code, cls, retryable) => {
    server.enqueue({ text: 'Hello there', fault: { type: 'in-band-error', afterChunks: 4, code } });
    const err = (await caught(drain(adapter.stream(hi, call())))) as ProviderError;
    expect(err.constructor).toBe(cls);
    expect(err.retryable).toBe(retryable);
    expect(err.status).toBeUndefined();
    expect(err.providerCode).toBe(code);
    expect(err.requestId).toMatch(/^req_/);
  });

  it('maps an in-band "prompt is too long" error to ContextLengthError', async () => {
    server.enqueue({ fault: { type: 'in-band-error', afterChunks: 2, code: 'invalid_request_error', message: 'prompt is too long: 300000 tokens' } });
    expect(await caught(drain(adapter.stream(hi, call())))).toBeInstanceOf(ContextLengthError);
  });

  it('maps the SDK timeout to ProviderTimeoutError', async () => {
    server.enqueue({ fault: { type: 'no-answer' } });
    const err = await caught(adapter.generate(hi, call({ timeoutMs: 50 })));
    expect(err).toBeInstanceOf(ProviderTimeoutError);
    expect((err as ProviderError).retryable).toBe(true);
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });
});

describe('anthropic adapter: finalises promptly', () => {
  it('finishes right after message_delta carries the stop reason, without waiting for message_stop, and hangs up', async () => {
    // Frames for 'abc': message_start, ping, block start, delta, block stop, message_delta, message_stop.
    server.enqueue({ text: 'abc', usage: { inputTokens: 5, outputTokens: 2 }, fault: { type: 'stall', afterChunks: 6 } });
    const t0 = performance.now();
    const events = await drain(adapter.stream(hi, call()));
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop', rawFinishReason: 'end_turn', usage: { inputTokens: 5, outputTokens: 2 } });
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('a stream that stalls before message_delta is not complete', async () => {
    server.enqueue({ text: 'abc', fault: { type: 'stall', afterChunks: 5 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('idle')), 150);
    const err = await caught(drain(adapter.stream(hi, call({ signal: controller.signal }))));
    expect((err as Error).message).toBe('idle');
  });

  it('a healthy stream still reads to the end (the connection stays reusable)', async () => {
    server.enqueue({ text: 'abc' });
    await drain(adapter.stream(hi, call()));
    expect((await server.settled(0)).outcome).toBe('completed');
  });
});

describe('anthropic adapter: abort', () => {
  it('leaves an abort before headers to the caller, unmapped, and closes the request', async () => {
    server.enqueue({ fault: { type: 'no-answer' } });
    const controller = new AbortController();
    const pending = caught(adapter.generate(hi, call({ signal: controller.signal })));
    await waitForRequest(0);
    controller.abort(new Error('caller gave up'));
    const err = await pending;
    expect(err).not.toBeInstanceOf(ProviderError);
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('throws the signal reason when aborted mid-stream, and the server sees the socket close', async () => {
    server.enqueue({ text: 'a long answer that stalls', chunkSize: 4, fault: { type: 'stall', afterChunks: 4 } });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const seen: StreamEvent[] = [];
    const err = await caught(
      (async () => {
        for await (const ev of adapter.stream(hi, call({ signal: controller.signal }))) {
          seen.push(ev);
          if (ev.type === 'text-delta') controller.abort(reason);
        }
      })(),
    );
    expect(err).toBe(reason);
    expect(seen.filter((e) => e.type === 'text-delta')).toHaveLength(1);
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });

  it('closes the HTTP request when the consumer breaks out of the loop', async () => {
    server.enqueue({ text: 'a long answer that stalls', chunkSize: 4, fault: { type: 'stall', afterChunks: 4 } });
    for await (const ev of adapter.stream(hi, call())) {
      if (ev.type === 'text-delta') break;
    }
    expect((await server.settled(0)).outcome).toBe('client-closed');
  });
});

async function waitForRequest(index: number): Promise<void> {
  while (server.requests.length <= index) await new Promise((r) => setTimeout(r, 5));
}
