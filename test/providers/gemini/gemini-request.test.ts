import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/errors/invalid-request-error.js';
import { gemini } from '../../../src/providers/gemini/gemini-adapter.js';
import { startFakeGemini } from '../../../src/testing/fake-servers/start-fake-gemini.js';
import type { Message, NormalizedRequest } from '../../../src/types/request.js';
import {
  MODEL,
  callOptions,
  caught,
  collect,
  type FakeGemini,
  geminiAdapter,
  geminiClient,
  userRequest,
} from './gemini-helpers.js';

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

/** Sends `request` through generate and returns the body the server received. */
async function sentBody(request: NormalizedRequest): Promise<Record<string, any>> {
  await geminiAdapter(server).generate(request, callOptions());
  expect(server.requests).toHaveLength(1);
  return server.requests[0]!.body as Record<string, any>;
}

describe('gemini request mapping', () => {
  it('calls generateContent and streamGenerateContent?alt=sse for the target model with the client key', async () => {
    const adapter = geminiAdapter(server);
    await adapter.generate(userRequest(), callOptions());
    await collect(adapter.stream(userRequest(), callOptions()));
    expect(server.requests.map((r) => [r.method, r.url, r.stream, r.model])).toEqual([
      ['POST', `/v1beta/models/${MODEL}:generateContent`, false, MODEL],
      ['POST', `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, true, MODEL],
    ]);
    expect(server.requests[0]!.headers['x-goog-api-key']).toBe('g-test');
  });

  it('puts system messages into systemInstruction and maps user/assistant roles to user/model', async () => {
    const body = await sentBody({
      messages: [
        { role: 'system', content: 'be terse' },
        { role: 'system', content: [{ type: 'text', text: 'answer in French' }] },
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'bonjour' },
        { role: 'user', content: [{ type: 'text', text: 'again' }] },
      ],
    });
    expect(body.systemInstruction).toEqual({ parts: [{ text: 'be terse' }, { text: 'answer in French' }] });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'hi' }] },
      { role: 'model', parts: [{ text: 'bonjour' }] },
      { role: 'user', parts: [{ text: 'again' }] },
    ]);
  });

  it('sends no systemInstruction and an empty generationConfig for a bare request', async () => {
    const body = await sentBody(userRequest('hi'));
    expect(body).toEqual({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }], generationConfig: {} });
  });

  it('maps base64 images to inlineData and URL images to fileData with a MIME type', async () => {
    const body = await sentBody({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'compare' },
            { type: 'image', data: 'aGVsbG8=', mediaType: 'image/png' },
            { type: 'image', url: 'data:image/webp;base64,d2VicA==' },
            { type: 'image', url: 'https://example.com/cat.png' },
            { type: 'image', url: 'https://example.com/photo?id=1' },
            { type: 'image', url: 'https://example.com/raw', mediaType: 'image/gif' },
          ],
        },
      ],
    });
    expect(body.contents[0].parts).toEqual([
      { text: 'compare' },
      { inlineData: { mimeType: 'image/png', data: 'aGVsbG8=' } },
      { inlineData: { mimeType: 'image/webp', data: 'd2VicA==' } },
      { fileData: { fileUri: 'https://example.com/cat.png', mimeType: 'image/png' } },
      { fileData: { fileUri: 'https://example.com/photo?id=1', mimeType: 'image/jpeg' } },
      { fileData: { fileUri: 'https://example.com/raw', mimeType: 'image/gif' } },
    ]);
  });

  it('declares tools with parametersJsonSchema', async () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
    const body = await sentBody(
      userRequest('weather?', {
        tools: [
          { name: 'get_weather', description: 'Current weather', parameters },
          { name: 'now', parameters: { type: 'object', properties: {} } },
        ],
      }),
    );
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Current weather', parametersJsonSchema: parameters },
          { name: 'now', parametersJsonSchema: { type: 'object', properties: {} } },
        ],
      },
    ]);
    expect(body.toolConfig).toBeUndefined();
  });

  it.each([
    ['auto', { mode: 'AUTO' }],
    ['required', { mode: 'ANY' }],
    ['none', { mode: 'NONE' }],
    [{ type: 'tool', name: 'get_weather' }, { mode: 'ANY', allowedFunctionNames: ['get_weather'] }],
  ] as const)('maps toolChoice %j to functionCallingConfig %j', async (toolChoice, expected) => {
    const body = await sentBody(
      userRequest('weather?', { tools: [{ name: 'get_weather', parameters: { type: 'object' } }], toolChoice }),
    );
    expect(body.toolConfig).toEqual({ functionCallingConfig: expected });
  });

  it('replays assistant tool calls as functionCall parts and echoes their thoughtSignature', async () => {
    const body = await sentBody({
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'two cities', providerMetadata: { thoughtSignature: 'c2lnLXRob3VnaHQ=' } },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' }, providerMetadata: { thoughtSignature: 'c2lnLTE=' } },
            { type: 'tool-call', id: 'call_b', name: 'get_weather', arguments: '{"city":"Rome"}' },
          ],
        },
        { role: 'tool', toolCallId: 'call_a', toolName: 'get_weather', content: '{"temp":21}' },
        { role: 'tool', toolCallId: 'call_b', content: 'sunny' },
        { role: 'user', content: 'thanks' },
      ],
    });
    expect(body.contents).toEqual([
      { role: 'user', parts: [{ text: 'weather in Paris and Rome?' }] },
      {
        role: 'model',
        parts: [
          { text: 'two cities', thought: true, thoughtSignature: 'c2lnLXRob3VnaHQ=' },
          { text: 'Checking.' },
          { functionCall: { id: 'call_a', name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLTE=' },
          { functionCall: { id: 'call_b', name: 'get_weather', args: { city: 'Rome' } } },
        ],
      },
      {
        // Consecutive tool results answer one model turn: a single user turn.
        role: 'user',
        parts: [
          { functionResponse: { id: 'call_a', name: 'get_weather', response: { temp: 21 } } },
          { functionResponse: { id: 'call_b', name: 'get_weather', response: { result: 'sunny' } } },
        ],
      },
      { role: 'user', parts: [{ text: 'thanks' }] },
    ]);
  });

  it('wraps non-object tool results and errors, and finds the name from the nearest earlier call', async () => {
    const history: Message[] = [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool-call', id: 'call_0', name: 'first', arguments: {} }] },
      { role: 'tool', toolCallId: 'call_0', content: '[1,2]' },
      { role: 'assistant', content: [{ type: 'tool-call', id: 'call_0', name: 'second', arguments: {} }] },
      { role: 'tool', toolCallId: 'call_0', content: [{ type: 'text', text: 'boom' }], isError: true },
    ];
    const body = await sentBody({ messages: history });
    expect(body.contents[2]).toEqual({ role: 'user', parts: [{ functionResponse: { id: 'call_0', name: 'first', response: { result: '[1,2]' } } }] });
    expect(body.contents[4]).toEqual({ role: 'user', parts: [{ functionResponse: { id: 'call_0', name: 'second', response: { error: 'boom' } } }] });
  });

  it('rejects a tool result whose function name cannot be found, naming the message, before any request', async () => {
    const err = await caught(() =>
      geminiAdapter(server).generate(
        { messages: [{ role: 'user', content: 'go' }, { role: 'tool', toolCallId: 'call_unknown', content: 'x' }] },
        callOptions(),
      ),
    );
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).path).toBe('messages[1].toolName');
    expect((err as Error).message).toContain('call_unknown');
    expect(server.requests).toHaveLength(0);
  });

  it('maps response formats to responseMimeType and responseJsonSchema', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] };
    const json = await sentBody(userRequest('x', { responseFormat: { type: 'json' } }));
    expect(json.generationConfig).toEqual({ responseMimeType: 'application/json' });
    server.reset();
    const withSchema = await sentBody(userRequest('x', { responseFormat: { type: 'json-schema', schema, name: 'out' } }));
    expect(withSchema.generationConfig).toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
    server.reset();
    const text = await sentBody(userRequest('x', { responseFormat: { type: 'text' } }));
    expect(text.generationConfig).toEqual({});
  });

  it('maps maxTokens, temperature, topP, stop and seed into generationConfig', async () => {
    const body = await sentBody(userRequest('x', { maxTokens: 50, temperature: 0.2, topP: 0.9, stop: ['END', 'STOP'], seed: 7 }));
    expect(body.generationConfig).toEqual({ maxOutputTokens: 50, temperature: 0.2, topP: 0.9, stopSequences: ['END', 'STOP'], seed: 7 });
  });

  it('merges providerOptions for the kind, then for the registered name, over the mapped config', async () => {
    const body = await sentBody(
      userRequest('x', {
        temperature: 0.2,
        providerOptions: {
          gemini: { temperature: 0.5, thinkingConfig: { thinkingBudget: 0 }, topK: 3 },
          google: { topK: 4, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] },
          openai: { temperature: 1.5 },
        },
      }),
    );
    expect(body.generationConfig).toEqual({ temperature: 0.5, topK: 4, thinkingConfig: { thinkingBudget: 0 } });
    expect(body.safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
  });

  it('keeps the gateway in charge of retries and continuation even against pass-through options', async () => {
    server.enqueue({ fault: { type: 'status', status: 500 } });
    const err = await caught(() =>
      geminiAdapter(server).generate(
        userRequest('x', {
          providerOptions: { gemini: { httpOptions: { retryOptions: { attempts: 3, initialDelay: 0 } }, automaticContinuation: true } },
        }),
        callOptions(),
      ),
    );
    expect((err as Error).name).toBe('ServerError');
    expect(server.requests).toHaveLength(1);
  });

  it('passes timeoutMs as the SDK per-call timeout (sent as X-Server-Timeout)', async () => {
    await geminiAdapter(server).generate(userRequest(), callOptions({ timeoutMs: 4200 }));
    expect(server.requests[0]!.headers['x-server-timeout']).toBe('5');
  });

  it('reports the server address from the client base URL, and the default host otherwise', () => {
    const adapter = geminiAdapter(server);
    expect(adapter.kind).toBe('gemini');
    expect(adapter.server).toEqual({ address: '127.0.0.1', port: server.port });
    expect(adapter.capabilities).toEqual({ assistantPrefill: false });
    expect(gemini(geminiClient(server), { assistantPrefill: true }).capabilities).toEqual({ assistantPrefill: true });
    const hosted = gemini(new GoogleGenAI({ apiKey: 'k', vertexai: false }));
    expect(hosted.server).toEqual({ address: 'generativelanguage.googleapis.com', port: 443 });
  });
});
