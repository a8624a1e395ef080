import Anthropic from '@anthropic-ai/sdk';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../../src/testing/fake-servers/start-fake-anthropic.js';
import type { FakeServer } from '../../../src/testing/fake-servers/fake-server.js';

const MODEL = 'claude-sonnet-4-6';
let server: FakeServer & { baseURL: string };

function post(body: unknown, headers: Record<string, string> = { 'x-api-key': 'sk-ant-test' }): Promise<Response> {
  return fetch(`${server.baseURL}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });
}

/** Splits an SSE body into frames of `{ event, data }`, keeping every line so framing can be checked. */
function framesOf(text: string): Array<{ lines: string[]; event: string | undefined; data: unknown }> {
  return text
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => {
      const lines = f.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
      return { lines, event, data: data === undefined ? undefined : JSON.parse(data) };
    });
}

beforeAll(async () => {
  server = await startFakeAnthropic();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('fake Anthropic wire', () => {
  it('serves the SDK at the bare origin', async () => {
    expect(server.baseURL).toBe(server.origin);
    expect(server.baseURL).not.toMatch(/\/v1/);
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.baseURL, maxRetries: 0 });
    const msg = await client.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'ping' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'Echo: ping', citations: null }]);
    expect(server.requests[0]!.url).toBe('/v1/messages');
  });

  it('accepts x-api-key as well as Bearer, and rejects missing credentials with a 401 authentication_error', async () => {
    expect((await post({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'a' }] })).status).toBe(200);
    expect((await post({ model: MODEL, max_tokens: 5, messages: [] }, { authorization: 'Bearer sk-ant-test' })).status).toBe(200);
    const res = await post({ model: MODEL, max_tokens: 5, messages: [] }, {});
    expect(res.status).toBe(401);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) }, request_id: expect.stringMatching(/^req_/) });
    expect(res.headers.get('request-id')).toBe(body['request_id']);
  });

  it('answers unknown paths with 404', async () => {
    const res = await fetch(`${server.baseURL}/v1/complete`, { method: 'POST', headers: { 'x-api-key': 'k' }, body: '{}' });
    expect(res.status).toBe(404);
  });

  it('names every SSE event, sends a ping, streams thinking and tool input, and ends with message_stop', async () => {
    server.enqueue({ reasoning: 'hmm', text: 'Hi', toolCalls: [{ id: 'toolu_1', name: 'f', arguments: { a: 'bcdefgh' } }] });
    const res = await post({ model: MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const text = await res.text();
    expect(text.endsWith('\n\n')).toBe(true);
    const frames = framesOf(text);
    for (const f of frames) {
      expect(f.lines[0]).toMatch(/^event: \w+$/);
      expect((f.data as { type: string }).type).toBe(f.event);
    }
    const events = frames.map((f) => f.event);
    expect(events[0]).toBe('message_start');
    expect(events).toContain('ping');
    expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const deltas = frames.filter((f) => f.event === 'content_block_delta').map((f) => (f.data as { delta: { type: string } }).delta.type);
    expect(deltas).toContain('thinking_delta');
    expect(deltas).toContain('signature_delta');
    expect(deltas.filter((d) => d === 'input_json_delta').length).toBeGreaterThan(2);
    const delta = frames.at(-2)!.data as { delta: { stop_reason: string } };
    expect(delta.delta.stop_reason).toBe('tool_use');
  });

  it('renders cache tokens outside input_tokens, in message_start and the cumulative message_delta', async () => {
    server.enqueue({ text: 'ok', usage: { inputTokens: 100, cacheReadTokens: 30, cacheWriteTokens: 20, outputTokens: 9 } });
    const frames = framesOf(await (await post({ model: MODEL, max_tokens: 50, stream: true, messages: [{ role: 'user', content: 'x' }] })).text());
    const start = (frames[0]!.data as { message: { usage: Record<string, unknown> } }).message.usage;
    expect(start).toMatchObject({ input_tokens: 50, cache_read_input_tokens: 30, cache_creation_input_tokens: 20 });
    const end = (frames.at(-2)!.data as { usage: Record<string, unknown> }).usage;
    expect(end).toMatchObject({ input_tokens: 50, output_tokens: 9, cache_read_input_tokens: 30, cache_creation_input_tokens: 20 });
  });

  it('uses the Anthropic error body, with error types by status and the in-band error event', async () => {
    server.enqueue({ fault: { type: 'status', status: 529 } });
    const res = await post({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(529);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: res.headers.get('request-id') });

    server.enqueue({ text: 'Hello', fault: { type: 'in-band-error', afterChunks: 2 } });
    const frames = framesOf(await (await post({ model: MODEL, max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] })).text());
    expect(frames.at(-1)).toMatchObject({ event: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } });
  });

  it('accepts a trailing assistant prefill, and a scripted 400 rejects it as the service would', async () => {
    const prefill = { model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'The answer is' }] };
    expect((await post(prefill)).status).toBe(200);
    server.enqueue({ fault: { type: 'status', status: 400 } });
    const res = await post(prefill);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/prefill/);
  });
});

describe('anthropic adapter sources', () => {
  it('never import the SDK at runtime', () => {
    const dir = join(import.meta.dirname, '../../../src/providers/anthropic');
    for (const file of readdirSync(dir)) {
      const source = readFileSync(join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/^import\s+(?!type\b)[^;]*from\s+'@anthropic-ai\/sdk/m);
      expect(source, file).not.toMatch(/(?:require|import)\(\s*'@anthropic-ai\/sdk/);
    }
  });
});
