import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGemini } from '../../../src/testing/fake-servers/start-fake-gemini.js';
import { MODEL, caught, type FakeGemini, geminiClient } from './gemini-helpers.js';

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

const BODY = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] });

function post(path: string, headers: Record<string, string> = { 'x-goog-api-key': 'g-test' }): Promise<Response> {
  return fetch(`${server.baseURL}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: BODY });
}

function dataFrames(text: string): Array<Record<string, any>> {
  const frames = text.split('\n\n').filter((f) => f !== '');
  for (const f of frames) expect(f.startsWith('data: ')).toBe(true);
  return frames.map((f) => JSON.parse(f.slice('data: '.length)));
}

describe('fake gemini wire', () => {
  it('rejects missing credentials with the API_KEY_INVALID error body', async () => {
    const res = await post(`/v1beta/models/${MODEL}:generateContent`, {});
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message: 'API key not valid. Please pass a valid API key.' });
    expect(body.error.details[0]).toMatchObject({ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' });
  });

  it('answers 404 for other paths and for streams without alt=sse', async () => {
    expect((await post(`/v1beta/models/${MODEL}:countTokens`)).status).toBe(404);
    expect((await post(`/v1beta/models/${MODEL}:streamGenerateContent`)).status).toBe(404);
  });

  it('frames a stream as bare data: events with no event lines and no [DONE]', async () => {
    server.enqueue({ text: 'abcdefghij', chunkSize: 4, usage: { inputTokens: 9, outputTokens: 3 } });
    const res = await post(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    expect(text).not.toMatch(/^event:/m);
    expect(text).not.toContain('[DONE]');
    const chunks = dataFrames(text);
    expect(chunks).toHaveLength(3);
    const ids = new Set(chunks.map((c) => c.responseId));
    expect(ids.size).toBe(1);
    for (const c of chunks) expect(c.modelVersion).toBe(MODEL);
    // Prompt counts on every chunk; finishReason and the full counts only on the last.
    for (const c of chunks.slice(0, -1)) {
      expect(c.candidates[0].finishReason).toBeUndefined();
      expect(c.usageMetadata).toMatchObject({ promptTokenCount: 9, totalTokenCount: 9 });
      expect(c.usageMetadata.candidatesTokenCount).toBeUndefined();
    }
    const last = chunks[2]!;
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.usageMetadata).toMatchObject({ promptTokenCount: 9, candidatesTokenCount: 3, totalTokenCount: 12 });
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text).join('')).toBe('abcdefghij');
  });

  it('renders usage in Gemini convention: thoughts outside candidates, cache inside prompt', async () => {
    server.enqueue({ text: 'x', usage: { inputTokens: 100, cacheReadTokens: 40, outputTokens: 30, reasoningTokens: 20 } });
    const body = await (await post(`/v1beta/models/${MODEL}:generateContent`)).json();
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 10, thoughtsTokenCount: 20, totalTokenCount: 130 });
  });

  it('sends an in-band error as a bare data frame the SDK raises as ApiError', async () => {
    server.enqueue({ text: 'abcdefghijkl', chunkSize: 4, fault: { type: 'in-band-error', afterChunks: 1 } });
    const res = await post(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    const chunks = dataFrames(await res.text());
    expect(chunks[1]).toEqual({ error: { code: 500, message: expect.any(String), status: 'INTERNAL' } });
  });

  it('is indistinguishable from the service to the SDK on its own: text, stream and function calls', async () => {
    const client = geminiClient(server);
    server.enqueue({ text: 'plain answer' });
    const r = await client.models.generateContent({ model: MODEL, contents: 'hi' });
    expect(r.candidates?.[0]?.content?.parts?.[0]?.text).toBe('plain answer');
    server.enqueue({ text: 'streamed answer', chunkSize: 3 });
    let streamed = '';
    for await (const chunk of await client.models.generateContentStream({ model: MODEL, contents: 'hi' })) streamed += chunk.candidates?.[0]?.content?.parts?.[0]?.text ?? '';
    expect(streamed).toBe('streamed answer');
    server.enqueue({ toolCalls: [{ name: 'f', arguments: { x: 1 } }] });
    const fc = await client.models.generateContent({ model: MODEL, contents: 'call f' });
    expect(fc.functionCalls).toEqual([{ name: 'f', args: { x: 1 } }]);
  });

  it('rejects a stream error the way the service does: the SDK sees an ApiError with the HTTP status', async () => {
    server.enqueue({ fault: { type: 'status', status: 404 } });
    const client = new GoogleGenAI({ apiKey: 'g-test', vertexai: false, httpOptions: { baseUrl: server.baseURL } });
    const err = await caught(async () => {
      for await (const _ of await client.models.generateContentStream({ model: MODEL, contents: 'hi' })) void _;
    });
    expect((err as Error).name).toBe('ApiError');
    expect((err as { status: number }).status).toBe(404);
    expect((err as Error).message).toContain('Not Found');
  });
});
