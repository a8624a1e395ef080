import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidResponseError, OverloadedError, ServerError, StreamTruncatedError } from '../../../src/errors/provider-error.js';
import { mapChatStream } from '../../../src/providers/openai/map-stream.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { startFakeOpenAI } from '../../../src/testing/fake-servers/start-fake-openai.js';
import type { FinishEvent, StreamEvent } from '../../../src/types/stream-event.js';
import type { Target } from '../../../src/types/target.js';

const target: Target = { provider: 'openai', model: 'gpt-4o-mini', id: 'openai/gpt-4o-mini' };
const call = () => ({ target, signal: new AbortController().signal });
const ask = { messages: [{ role: 'user' as const, content: 'hello there' }] };

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}
const textOf = (events: StreamEvent[]) => events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
const finishOf = (events: StreamEvent[]) => {
  const finishes = events.filter((e): e is FinishEvent => e.type === 'finish');
  expect(finishes).toHaveLength(1);
  expect(events.at(-1)).toBe(finishes[0]);
  return finishes[0]!;
};

describe('openai adapter: stream', () => {
  let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('streams text deltas and ends with one finish event carrying usage, ids and the target', async () => {
    server.enqueue({
      text: 'The quick brown fox jumps',
      chunkSize: 5,
      model: 'gpt-4o-mini-2024-07-18',
      usage: { inputTokens: 20, outputTokens: 7, cacheReadTokens: 16, cacheWriteTokens: 4, reasoningTokens: 2 },
      headers: { 'x-request-id': 'req_stream1' },
    });
    const events = await collect(openai(client).stream(ask, call()));
    expect(events.filter((e) => e.type === 'text-delta').length).toBe(5);
    expect(textOf(events)).toBe('The quick brown fox jumps');
    expect(finishOf(events)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: 'stop',
      usage: { inputTokens: 20, outputTokens: 7, totalTokens: 27, cacheReadTokens: 16, cacheWriteTokens: 4, reasoningTokens: 2 },
      responseId: expect.stringMatching(/^chatcmpl-/),
      responseModel: 'gpt-4o-mini-2024-07-18',
      target,
      requestId: 'req_stream1',
      raw: undefined,
    });
    expect(server.requests[0]!.stream).toBe(true);
  });

  it('reports no usage when include_usage is off', async () => {
    const events = await collect(openai(client, { includeUsage: false }).stream(ask, call()));
    expect(finishOf(events).usage).toBeUndefined();
    expect(textOf(events)).toBe('Echo: hello there');
  });

  it('streams tool calls: start on the first fragment, deltas, end with parsed arguments at finish_reason', async () => {
    server.enqueue({
      toolCalls: [
        { id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', units: 'metric' } },
        { id: 'call_2', name: 'get_time', arguments: { tz: 'Europe/Rome' } },
      ],
      chunkSize: 6,
    });
    const events = await collect(openai(client).stream(ask, call()));
    const starts = events.filter((e) => e.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', index: 0, id: 'call_1', name: 'get_weather' },
      { type: 'tool-call-start', index: 1, id: 'call_2', name: 'get_time' },
    ]);
    const args0 = events.filter((e) => e.type === 'tool-call-delta' && e.index === 0).map((e) => (e as { argumentsDelta: string }).argumentsDelta);
    expect(args0.length).toBeGreaterThan(1);
    expect(args0.join('')).toBe('{"city":"Paris","units":"metric"}');
    const ends = events.filter((e) => e.type === 'tool-call-end');
    expect(ends).toEqual([
      { type: 'tool-call-end', index: 0, id: 'call_1', name: 'get_weather', arguments: { city: 'Paris', units: 'metric' }, argumentsText: '{"city":"Paris","units":"metric"}' },
      { type: 'tool-call-end', index: 1, id: 'call_2', name: 'get_time', arguments: { tz: 'Europe/Rome' }, argumentsText: '{"tz":"Europe/Rome"}' },
    ]);
    // Each start precedes its deltas, and every end comes after all deltas.
    const lastDelta = events.map((e) => e.type).lastIndexOf('tool-call-delta');
    expect(events.findIndex((e) => e.type === 'tool-call-end')).toBeGreaterThan(lastDelta);
    expect(finishOf(events)).toMatchObject({ finishReason: 'tool-calls', rawFinishReason: 'tool_calls' });
  });

  it('streams reasoning_content as reasoning deltas', async () => {
    server.enqueue({ text: 'Answer', reasoning: 'Let me think about it', chunkSize: 6 });
    const events = await collect(openai(client).stream(ask, call()));
    const reasoning = events.filter((e) => e.type === 'reasoning-delta').map((e) => (e as { text: string }).text).join('');
    expect(reasoning).toBe('Let me think about it');
    expect(events.findIndex((e) => e.type === 'reasoning-delta')).toBeLessThan(events.findIndex((e) => e.type === 'text-delta'));
    expect(textOf(events)).toBe('Answer');
  });

  it.each([
    ['length', 'length'],
    ['content_filter', 'content-filter'],
    ['function_call', 'tool-calls'],
    ['something_new', 'other'],
  ] as const)('maps streamed finish_reason %s to %s', async (raw, unified) => {
    server.enqueue({ text: 'abc', finishReason: raw });
    const events = await collect(openai(client).stream(ask, call()));
    expect(finishOf(events)).toMatchObject({ finishReason: unified, rawFinishReason: raw });
  });

  it('works through AzureOpenAI, whose stream opens with an empty prompt-filter chunk', async () => {
    const azure = new AzureOpenAI({ apiKey: 'azure-key', endpoint: server.origin, apiVersion: '2024-10-21' });
    server.enqueue({ text: 'azure says hi', model: 'gpt-4o-2024-08-06' });
    const events = await collect(openai(azure).stream(ask, { target: { provider: 'azure', model: 'dep1', id: 'azure/dep1' }, signal: new AbortController().signal }));
    expect(server.requests[0]!.url).toBe('/openai/deployments/dep1/chat/completions?api-version=2024-10-21');
    expect(textOf(events)).toBe('azure says hi');
    expect(finishOf(events)).toMatchObject({ finishReason: 'stop', responseModel: 'gpt-4o-2024-08-06', responseId: expect.stringMatching(/^chatcmpl-/) });
  });

  describe('completion signal', () => {
    it('a stream missing [DONE] after finish_reason and usage is still complete', async () => {
      server.enqueue({ text: 'complete', usage: { inputTokens: 3, outputTokens: 2 }, fault: { type: 'missing-terminal' } });
      const events = await collect(openai(client).stream(ask, call()));
      expect(textOf(events)).toBe('complete');
      expect(finishOf(events)).toMatchObject({ finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2 } });
    });

    it('a body that ends cleanly before any finish_reason is StreamTruncatedError', async () => {
      server.enqueue({ text: 'This answer will be cut', chunkSize: 4, fault: { type: 'cut', afterChunks: 3, mode: 'close' } });
      const seen: StreamEvent[] = [];
      const err = await (async () => {
        for await (const ev of openai(client).stream(ask, call())) seen.push(ev);
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StreamTruncatedError);
      expect((err as StreamTruncatedError).retryable).toBe(true);
      expect((err as StreamTruncatedError).requestId).toMatch(/^req_/);
      expect(seen.some((e) => e.type === 'text-delta')).toBe(true);
      expect(seen.some((e) => e.type === 'finish')).toBe(false);
    });

    it('a socket destroyed mid-stream is ConnectionError or StreamTruncatedError, never a short success', async () => {
      server.enqueue({ text: 'This answer will be cut', chunkSize: 4, fault: { type: 'cut', afterChunks: 3, mode: 'destroy' } });
      const err = await collect(openai(client).stream(ask, call())).catch((e: unknown) => e);
      expect(['ConnectionError', 'StreamTruncatedError']).toContain((err as Error).name);
      expect((err as { retryable: boolean }).retryable).toBe(true);
    });

    it('a cut between the finish_reason chunk and the usage chunk still completes (finish_reason is the signal)', async () => {
      // frames: role, 'abc', finish, usage, [DONE] -> cut after the finish chunk
      server.enqueue({ text: 'abc', fault: { type: 'cut', afterChunks: 3, mode: 'close' } });
      const events = await collect(openai(client).stream(ask, call()));
      expect(finishOf(events)).toMatchObject({ finishReason: 'stop', usage: undefined });
    });
  });

  describe('finalises promptly after the completion signal', () => {
    // Frames for text 'abc': role, 'abc', finish_reason, usage (when on), [DONE].
    it('ends right after the usage chunk when the server never sends [DONE], and hangs up', async () => {
      server.enqueue({ text: 'abc', usage: { inputTokens: 3, outputTokens: 2 }, fault: { type: 'stall', afterChunks: 4 } });
      const t0 = performance.now();
      const events = await collect(openai(client).stream(ask, call()));
      expect(performance.now() - t0).toBeLessThan(1_000);
      expect(textOf(events)).toBe('abc');
      expect(finishOf(events)).toMatchObject({ finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 2 } });
      expect((await server.settled(0)).outcome).toBe('client-closed');
    });

    it('ends right after the finish_reason chunk when usage is off', async () => {
      server.enqueue({ text: 'abc', fault: { type: 'stall', afterChunks: 3 } });
      const t0 = performance.now();
      const events = await collect(openai(client, { includeUsage: false }).stream(ask, call()));
      expect(performance.now() - t0).toBeLessThan(1_000);
      expect(finishOf(events)).toMatchObject({ finishReason: 'stop', usage: undefined });
      expect((await server.settled(0)).outcome).toBe('client-closed');
    });

    it('waits for the usage chunk after finish_reason when usage is on (stall before it is not complete)', async () => {
      // Stalls after the finish_reason chunk: the usage chunk never comes, so the caller's limits decide.
      server.enqueue({ text: 'abc', fault: { type: 'stall', afterChunks: 3 } });
      const controller = new AbortController();
      const events: StreamEvent[] = [];
      const err = await (async () => {
        for await (const ev of openai(client).stream(ask, { target, signal: controller.signal })) {
          events.push(ev);
          if (ev.type === 'text-delta') setTimeout(() => controller.abort(new Error('idle')), 100);
        }
      })().catch((e: unknown) => e);
      expect((err as Error).message).toBe('idle');
      expect(events.some((e) => e.type === 'finish')).toBe(false);
    });
  });

  describe('bad frames', () => {
    it('a malformed chunk surfaces as InvalidResponseError, not a SyntaxError', async () => {
      const quiet = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, logLevel: 'off' });
      server.enqueue({ text: 'some text here', chunkSize: 4, fault: { type: 'malformed-chunk', atChunk: 2 } });
      const err = await collect(openai(quiet).stream(ask, call())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidResponseError);
      expect((err as Error).cause).toBeInstanceOf(SyntaxError);
    });

    it('an in-band overloaded error is OverloadedError with the request id', async () => {
      server.enqueue({
        text: 'some text here',
        chunkSize: 4,
        headers: { 'x-request-id': 'req_inband' },
        fault: { type: 'in-band-error', afterChunks: 2, code: 'server_is_overloaded', message: 'Our servers are currently overloaded.' },
      });
      const err = await collect(openai(client).stream(ask, call())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OverloadedError);
      expect(err).toMatchObject({ retryable: true, status: undefined, providerCode: 'server_is_overloaded', requestId: 'req_inband' });
    });

    it('an in-band server_error is ServerError', async () => {
      server.enqueue({ text: 'some text here', fault: { type: 'in-band-error', afterChunks: 1 } });
      const err = await collect(openai(client).stream(ask, call())).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect(err).not.toBeInstanceOf(OverloadedError);
      expect(err).toMatchObject({ retryable: true, providerCode: 'server_error' });
    });
  });

  describe('cancellation', () => {
    it('aborting the signal mid-stream closes the connection and throws the signal reason', async () => {
      server.enqueue({ text: 'x'.repeat(400), chunkSize: 4, chunkDelayMs: 20 });
      const controller = new AbortController();
      const reason = new Error('caller gave up');
      let deltas = 0;
      const err = await (async () => {
        for await (const ev of openai(client).stream(ask, { target, signal: controller.signal })) {
          if (ev.type === 'text-delta' && ++deltas === 2) controller.abort(reason);
        }
      })().catch((e: unknown) => e);
      expect(err).toBe(reason);
      expect((await server.settled(0)).outcome).toBe('client-closed');
    });

    it('breaking out of the loop closes the connection', async () => {
      server.enqueue({ text: 'x'.repeat(400), chunkSize: 4, chunkDelayMs: 20 });
      for await (const ev of openai(client).stream(ask, call())) {
        if (ev.type === 'text-delta') break;
      }
      expect((await server.settled(0)).outcome).toBe('client-closed');
    });

    it('a finished stream is recorded as completed (control for the two tests above)', async () => {
      server.enqueue({ text: 'x'.repeat(40), chunkSize: 4 });
      await collect(openai(client).stream(ask, call()));
      expect((await server.settled(0)).outcome).toBe('completed');
    });

    it('sends nothing until the stream is iterated', async () => {
      const stream = openai(client).stream(ask, call());
      expect(server.requests).toHaveLength(0);
      await collect(stream);
      expect(server.requests).toHaveLength(1);
    });
  });
});

describe('openai stream mapping (chunk shapes the fake does not send)', () => {
  const env = { id: 'chatcmpl-x', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
  async function* from(chunks: unknown[]): AsyncGenerator<any> {
    for (const c of chunks) yield c;
  }
  const run = (chunks: unknown[]) => collect(mapChatStream(from(chunks), target, 'req_u', new AbortController().signal));

  it('handles interleaved parallel tool calls by index', async () => {
    const tc = (index: number, fn: Record<string, string>, id?: string) => ({ ...env, choices: [{ index: 0, delta: { tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: fn }] }, finish_reason: null }] });
    const events = await run([
      tc(0, { name: 'a', arguments: '' }, 'c0'),
      tc(1, { name: 'b', arguments: '' }, 'c1'),
      tc(0, { arguments: '{"x":' }),
      tc(1, { arguments: '{"y":' }),
      tc(1, { arguments: '2}' }),
      tc(0, { arguments: '1}' }),
      { ...env, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
    ]);
    expect(events.filter((e) => e.type === 'tool-call-end')).toEqual([
      { type: 'tool-call-end', index: 0, id: 'c0', name: 'a', arguments: { x: 1 }, argumentsText: '{"x":1}' },
      { type: 'tool-call-end', index: 1, id: 'c1', name: 'b', arguments: { y: 2 }, argumentsText: '{"y":2}' },
    ]);
    expect(events.filter((e) => e.type === 'tool-call-delta').map((e) => e.index)).toEqual([0, 1, 1, 0]);
  });

  it('maps a streamed refusal to text and content-filter, and `reasoning` deltas to reasoning', async () => {
    const events = await run([
      { ...env, choices: [{ index: 0, delta: { reasoning: 'hm' }, finish_reason: null }] },
      { ...env, choices: [{ index: 0, delta: { refusal: 'No.' }, finish_reason: null }] },
      { ...env, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ]);
    expect(events.slice(0, 2)).toEqual([
      { type: 'reasoning-delta', text: 'hm' },
      { type: 'text-delta', text: 'No.' },
    ]);
    expect(finishOf(events)).toMatchObject({ finishReason: 'content-filter', rawFinishReason: 'stop', requestId: 'req_u' });
  });

  it('ignores other choices and a chunk without choices', async () => {
    const events = await run([
      { ...env, choices: [{ index: 1, delta: { content: 'other' }, finish_reason: null }] },
      { ...env, choices: [{ index: 0, delta: { content: 'mine' }, finish_reason: null }] },
      { ...env },
      { ...env, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ]);
    expect(textOf(events)).toBe('mine');
  });

  it('stops reading at completion: a source that never ends after the usage chunk still finishes', async () => {
    let hungUp = false;
    const controller = new AbortController();
    controller.signal.addEventListener('abort', () => (hungUp = true));
    const source = Object.assign(
      (async function* () {
        yield { ...env, usage: null, choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] };
        yield { ...env, usage: null, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] };
        yield { ...env, choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } };
        await new Promise(() => undefined); // never sends [DONE], never ends
      })(),
      { controller },
    );
    const events = await collect(mapChatStream(source as AsyncIterable<any>, target, 'req_u', new AbortController().signal));
    expect(textOf(events)).toBe('hi');
    expect(finishOf(events).usage).toMatchObject({ inputTokens: 3, outputTokens: 1 });
    expect(hungUp).toBe(true);
  });

  it('with includeUsage: true waits for the usage chunk even when chunks carry no usage field', async () => {
    const events = await collect(
      mapChatStream(
        from([
          { ...env, choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] },
          { ...env, choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
        ]),
        target,
        'req_u',
        new AbortController().signal,
        { includeUsage: true },
      ),
    );
    expect(finishOf(events).usage).toMatchObject({ inputTokens: 3, outputTokens: 1 });
  });

  it('when it is not known whether usage comes, a usage chunk right after finish_reason is still taken', async () => {
    // A compatible server that puts no `usage: null` on its chunks but sends the usage chunk.
    const events = await collect(
      mapChatStream(
        from([
          { ...env, choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] },
          { ...env, choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
        ]),
        target,
        'req_u',
        new AbortController().signal,
      ),
    );
    expect(finishOf(events).usage).toMatchObject({ inputTokens: 3, outputTokens: 1 });
  });

  it('with includeUsage: false finishes at finish_reason and ignores a late usage chunk', async () => {
    const events = await collect(
      mapChatStream(
        from([
          { ...env, usage: null, choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] },
          { ...env, choices: [], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } },
        ]),
        target,
        'req_u',
        new AbortController().signal,
        { includeUsage: false },
      ),
    );
    expect(finishOf(events).usage).toBeUndefined();
  });

  it('throws StreamTruncatedError when no choice finished', async () => {
    await expect(run([{ ...env, choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] }])).rejects.toBeInstanceOf(StreamTruncatedError);
  });
});
