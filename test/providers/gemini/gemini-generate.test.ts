import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContentPolicyError, ServerError } from '../../../src/errors/provider-error.js';
import { gemini } from '../../../src/providers/gemini/gemini-adapter.js';
import { startFakeGemini } from '../../../src/testing/fake-servers/start-fake-gemini.js';
import type { ResponseContentPart } from '../../../src/types/response.js';
import { MODEL, callOptions, caught, type FakeGemini, geminiAdapter, geminiClient, userRequest } from './gemini-helpers.js';

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

type ToolCallContent = Extract<ResponseContentPart, { type: 'tool-call' }>;

describe('gemini generate', () => {
  it('returns text, ids, model, finish reason, usage and the raw response', async () => {
    server.enqueue({ text: 'Hello there!', model: 'gemini-2.5-flash-001', usage: { inputTokens: 12, outputTokens: 4 } });
    const result = await geminiAdapter(server).generate(userRequest('hi'), callOptions());
    expect(result.content).toEqual([{ type: 'text', text: 'Hello there!' }]);
    expect(result.finishReason).toBe('stop');
    expect(result.rawFinishReason).toBe('STOP');
    expect(result.model).toBe('gemini-2.5-flash-001');
    expect(typeof result.id).toBe('string');
    expect(result.id).toBe((result.raw as { responseId: string }).responseId);
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 4, totalTokens: 16, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    // The Gemini API sends no request id header.
    expect(result.requestId).toBeUndefined();
  });

  it('takes a request id from x-request-id when something in front of the API adds one', async () => {
    server.enqueue({ text: 'ok', headers: { 'x-request-id': 'req_proxy_1' } });
    const result = await geminiAdapter(server).generate(userRequest(), callOptions());
    expect(result.requestId).toBe('req_proxy_1');
  });

  it('returns function calls as tool calls with parsed arguments, generated ids and the thought signature', async () => {
    server.enqueue({
      text: 'Let me check.',
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris', days: 2 } },
        { name: 'get_time', arguments: {} },
      ],
    });
    const result = await geminiAdapter(server).generate(userRequest('weather?'), callOptions());
    expect(result.finishReason).toBe('tool-calls');
    expect(result.rawFinishReason).toBe('STOP');
    expect(result.content[0]).toEqual({ type: 'text', text: 'Let me check.' });
    const [first, second] = result.content.slice(1) as ToolCallContent[];
    expect(first).toMatchObject({ type: 'tool-call', name: 'get_weather', arguments: { city: 'Paris', days: 2 }, argumentsText: '{"city":"Paris","days":2}' });
    expect(first!.providerMetadata).toEqual({ thoughtSignature: expect.any(String) });
    expect(second).toMatchObject({ type: 'tool-call', name: 'get_time', arguments: {}, argumentsText: '{}' });
    expect(second!.providerMetadata).toBeUndefined();
    for (const call of [first!, second!]) expect(call.id).toMatch(/^call_[0-9a-f]{24}$/);
    expect(first!.id).not.toBe(second!.id);
  });

  it('round-trips a tool call: the signature and id go back with the result', async () => {
    const adapter = geminiAdapter(server);
    server.enqueue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const first = await adapter.generate(userRequest('weather?'), callOptions());
    const call = first.content[0] as ToolCallContent;
    await adapter.generate(
      {
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', content: [{ type: 'tool-call', id: call.id, name: call.name, arguments: call.arguments, providerMetadata: call.providerMetadata }] },
          { role: 'tool', toolCallId: call.id, content: '{"temp":20}' },
        ],
      },
      callOptions(),
    );
    const sent = server.requests[1]!.body as { contents: Array<{ parts: unknown[] }> };
    const signature = (first.raw as { candidates: Array<{ content: { parts: Array<{ thoughtSignature?: string }> } }> }).candidates[0]!.content.parts[0]!.thoughtSignature;
    expect(sent.contents[1]!.parts[0]).toEqual({ functionCall: { id: call.id, name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: signature });
    expect(sent.contents[2]!.parts[0]).toEqual({ functionResponse: { id: call.id, name: 'get_weather', response: { temp: 20 } } });
  });

  it('returns thought parts as reasoning', async () => {
    server.enqueue({ reasoning: 'Considering the sky.', text: 'Blue.' });
    const result = await geminiAdapter(server).generate(userRequest(), callOptions());
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'Considering the sky.' },
      { type: 'text', text: 'Blue.' },
    ]);
  });

  it.each([
    ['STOP', 'stop'],
    ['MAX_TOKENS', 'length'],
    ['SAFETY', 'content-filter'],
    ['RECITATION', 'content-filter'],
    ['BLOCKLIST', 'content-filter'],
    ['PROHIBITED_CONTENT', 'content-filter'],
    ['SPII', 'content-filter'],
    ['IMAGE_SAFETY', 'content-filter'],
    ['LANGUAGE', 'other'],
    ['OTHER', 'other'],
    ['MALFORMED_FUNCTION_CALL', 'other'],
    ['FINISH_REASON_UNSPECIFIED', 'other'],
  ])('maps finishReason %s to %s', async (raw, unified) => {
    server.enqueue({ text: 'partial', finishReason: raw });
    const result = await geminiAdapter(server).generate(userRequest(), callOptions());
    expect(result.finishReason).toBe(unified);
    expect(result.rawFinishReason).toBe(raw);
  });

  it('keeps MAX_TOKENS as length even when the answer holds a function call', async () => {
    server.enqueue({ toolCalls: [{ name: 'f', arguments: {} }], finishReason: 'MAX_TOKENS' });
    const result = await geminiAdapter(server).generate(userRequest(), callOptions());
    expect(result.finishReason).toBe('length');
  });

  it('counts cached tokens inside input and thoughts inside output', async () => {
    server.enqueue({ text: 'ok', reasoning: 'hmm', usage: { inputTokens: 1000, cacheReadTokens: 600, outputTokens: 150, reasoningTokens: 100 } });
    const result = await geminiAdapter(server).generate(userRequest(), callOptions());
    const wire = (result.raw as { usageMetadata: Record<string, number> }).usageMetadata;
    // Gemini's own convention on the wire...
    expect(wire).toMatchObject({ promptTokenCount: 1000, cachedContentTokenCount: 600, candidatesTokenCount: 50, thoughtsTokenCount: 100, totalTokenCount: 1150 });
    // ...and switchyard's after the adapter.
    expect(result.usage).toEqual({ inputTokens: 1000, outputTokens: 150, totalTokens: 1150, cacheReadTokens: 600, cacheWriteTokens: 0, reasoningTokens: 100 });
  });

  it('throws ContentPolicyError naming the block reason when the prompt is blocked', async () => {
    server.enqueue({ finishReason: 'prompt:PROHIBITED_CONTENT' });
    const err = await caught(() => geminiAdapter(server).generate(userRequest('bad'), callOptions()));
    expect(err).toBeInstanceOf(ContentPolicyError);
    expect((err as ContentPolicyError).message).toContain('PROHIBITED_CONTENT');
    expect((err as ContentPolicyError).providerCode).toBe('PROHIBITED_CONTENT');
    expect((err as ContentPolicyError).retryable).toBe(false);
    expect((err as ContentPolicyError).provider).toBe('google');
  });

  it('makes exactly one request on a 500 (the SDK has no retries of its own here)', async () => {
    server.enqueue({ fault: { type: 'status', status: 500 } });
    const err = await caught(() => geminiAdapter(server).generate(userRequest(), callOptions()));
    expect(err).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
  });

  it('makes one request for a CONTINUATION finish, leaving continuation to the gateway', async () => {
    server.enqueue({ text: 'first half', finishReason: 'CONTINUATION' });
    const result = await geminiAdapter(server).generate(userRequest(), callOptions());
    expect(result.finishReason).toBe('other');
    expect(result.rawFinishReason).toBe('CONTINUATION');
    expect(server.requests).toHaveLength(1);
    // The SDK on its own would have sent the request again with the continuation token.
    server.reset();
    server.enqueue({ text: 'first half', finishReason: 'CONTINUATION' }, { text: 'second half' });
    await geminiClient(server).models.generateContent({ model: MODEL, contents: 'x' });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.body).toHaveProperty('continuationToken');
  });

  it('turns off retries the host configured on its own client', async () => {
    server.enqueue({ fault: { type: 'status', status: 503 } }, { fault: { type: 'status', status: 503 } }, { fault: { type: 'status', status: 503 } });
    const client = geminiClient(server, { retryOptions: { attempts: 3, initialDelay: 0.001, maxDelay: 0.001 } });
    const err = await caught(() => gemini(client).generate(userRequest(), callOptions()));
    expect(err).toBeInstanceOf(ServerError);
    expect(server.requests).toHaveLength(1);
    // The same client on its own would have retried: the adapter's per-call setting is what stops it.
    server.reset();
    server.enqueue({ fault: { type: 'status', status: 503 } }, { fault: { type: 'status', status: 503 } }, { fault: { type: 'status', status: 503 } });
    await caught(() => client.models.generateContent({ model: MODEL, contents: 'x' }));
    expect(server.requests).toHaveLength(3);
  });
});
