import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContentPolicyError } from '../../../src/errors/provider-error.js';
import { startFakeGemini } from '../../../src/testing/fake-servers/start-fake-gemini.js';
import type { StreamEvent } from '../../../src/types/stream-event.js';
import { callOptions, caught, collect, type FakeGemini, finishOf, geminiAdapter, target, textOf, userRequest } from './gemini-helpers.js';

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

describe('gemini stream', () => {
  it('streams text deltas and ends with one finish event', async () => {
    server.enqueue({ text: 'The sky is blue because of Rayleigh scattering.', chunkSize: 5, model: 'gemini-2.5-flash-001', usage: { inputTokens: 7, outputTokens: 12 } });
    const events = await collect(geminiAdapter(server).stream(userRequest('why?'), callOptions()));
    const deltas = events.filter((e) => e.type === 'text-delta');
    expect(deltas.length).toBeGreaterThan(5);
    expect(textOf(events)).toBe('The sky is blue because of Rayleigh scattering.');
    expect(finishOf(events)).toEqual({
      type: 'finish',
      finishReason: 'stop',
      rawFinishReason: 'STOP',
      usage: { inputTokens: 7, outputTokens: 12, totalTokens: 19, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      responseId: expect.any(String),
      responseModel: 'gemini-2.5-flash-001',
      target,
      requestId: undefined,
      raw: undefined,
    });
  });

  it('streams thoughts as reasoning deltas before the text', async () => {
    server.enqueue({ reasoning: 'Thinking about it.', text: 'Done.', chunkSize: 6 });
    const events = await collect(geminiAdapter(server).stream(userRequest(), callOptions()));
    const kinds = events.map((e) => e.type);
    expect(kinds.indexOf('text-delta')).toBeGreaterThan(kinds.lastIndexOf('reasoning-delta'));
    expect(events.filter((e) => e.type === 'reasoning-delta').map((e) => (e as { text: string }).text).join('')).toBe('Thinking about it.');
    expect(textOf(events)).toBe('Done.');
  });

  it('streams whole function calls as start, one delta and end, finishing with tool-calls', async () => {
    server.enqueue({
      text: 'Checking.',
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' } },
        { name: 'get_time', arguments: { tz: 'CET' } },
      ],
    });
    const events = await collect(geminiAdapter(server).stream(userRequest('weather?'), callOptions()));
    const calls = events.filter((e) => e.type.startsWith('tool-call'));
    expect(calls.map((e) => [e.type, (e as { index: number }).index])).toEqual([
      ['tool-call-start', 0],
      ['tool-call-delta', 0],
      ['tool-call-end', 0],
      ['tool-call-start', 1],
      ['tool-call-delta', 1],
      ['tool-call-end', 1],
    ]);
    const [start, delta, end] = calls as [
      Extract<StreamEvent, { type: 'tool-call-start' }>,
      Extract<StreamEvent, { type: 'tool-call-delta' }>,
      Extract<StreamEvent, { type: 'tool-call-end' }>,
    ];
    expect(start).toEqual({ type: 'tool-call-start', index: 0, id: expect.stringMatching(/^call_/), name: 'get_weather' });
    expect(delta).toEqual({ type: 'tool-call-delta', index: 0, id: start.id, argumentsDelta: '{"city":"Paris"}' });
    expect(end).toEqual({
      type: 'tool-call-end',
      index: 0,
      id: start.id,
      name: 'get_weather',
      arguments: { city: 'Paris' },
      argumentsText: '{"city":"Paris"}',
      providerMetadata: { thoughtSignature: expect.any(String) },
    });
    expect((calls[5] as Extract<StreamEvent, { type: 'tool-call-end' }>).arguments).toEqual({ tz: 'CET' });
    expect((calls[3] as Extract<StreamEvent, { type: 'tool-call-start' }>).id).not.toBe(start.id);
    // The fake sends finishReason in a later chunk than the calls, as the service does.
    const finish = finishOf(events);
    expect(finish.finishReason).toBe('tool-calls');
    expect(finish.rawFinishReason).toBe('STOP');
  });

  it.each([
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content-filter'],
    ['RECITATION', 'content-filter'],
    ['OTHER', 'other'],
  ])('maps a streamed finishReason %s to %s', async (raw, unified) => {
    server.enqueue({ text: 'some text', finishReason: raw });
    const finish = finishOf(await collect(geminiAdapter(server).stream(userRequest(), callOptions())));
    expect(finish.finishReason).toBe(unified);
    expect(finish.rawFinishReason).toBe(raw);
  });

  it('makes one request for a streamed CONTINUATION finish', async () => {
    server.enqueue({ text: 'first half', finishReason: 'CONTINUATION' });
    const finish = finishOf(await collect(geminiAdapter(server).stream(userRequest(), callOptions())));
    expect(finish.rawFinishReason).toBe('CONTINUATION');
    expect(finish.finishReason).toBe('other');
    expect(server.requests).toHaveLength(1);
  });

  it('takes usage from the last chunk, in switchyard arithmetic', async () => {
    server.enqueue({ text: 'hello world', reasoning: 'r', usage: { inputTokens: 500, cacheReadTokens: 200, outputTokens: 40, reasoningTokens: 30 } });
    const finish = finishOf(await collect(geminiAdapter(server).stream(userRequest(), callOptions())));
    expect(finish.usage).toEqual({ inputTokens: 500, outputTokens: 40, totalTokens: 540, cacheReadTokens: 200, cacheWriteTokens: 0, reasoningTokens: 30 });
  });

  it('finishes a stream with no content', async () => {
    server.enqueue({ text: '', finishReason: 'MAX_TOKENS', usage: { outputTokens: 0 } });
    const events = await collect(geminiAdapter(server).stream(userRequest(), callOptions()));
    expect(events.map((e) => e.type)).toEqual(['finish']);
    expect(finishOf(events).finishReason).toBe('length');
  });

  it('throws ContentPolicyError when the streamed prompt is blocked', async () => {
    server.enqueue({ finishReason: 'prompt:SAFETY' });
    const err = await caught(() => collect(geminiAdapter(server).stream(userRequest('bad'), callOptions())));
    expect(err).toBeInstanceOf(ContentPolicyError);
    expect((err as Error).message).toContain('SAFETY');
  });

  it('takes x-request-id from the stream response when present', async () => {
    server.enqueue({ text: 'ok', headers: { 'x-request-id': 'req_stream_1' } });
    const finish = finishOf(await collect(geminiAdapter(server).stream(userRequest(), callOptions())));
    expect(finish.requestId).toBe('req_stream_1');
  });
});
