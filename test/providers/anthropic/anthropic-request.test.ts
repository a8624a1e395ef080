import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { startFakeAnthropic } from '../../../src/testing/fake-servers/start-fake-anthropic.js';
import type { FakeServer } from '../../../src/testing/fake-servers/fake-server.js';
import type { AdapterCallOptions, StreamCallOptions, ProviderAdapter } from '../../../src/types/provider-adapter.js';
import type { Message, NormalizedRequest } from '../../../src/types/request.js';
import type { StreamEvent } from '../../../src/types/stream-event.js';
import type { Target } from '../../../src/types/target.js';

const MODEL = 'claude-sonnet-4-6';
const target: Target = { provider: 'anthropic', model: MODEL, id: `anthropic/${MODEL}` };

let server: FakeServer & { baseURL: string };
let client: Anthropic;
let adapter: ProviderAdapter;

function call(t: Target = target): StreamCallOptions {
  return { target: t, signal: new AbortController().signal };
}

async function sent(request: NormalizedRequest, t: Target = target, a: ProviderAdapter = adapter): Promise<Record<string, unknown>> {
  await a.generate(request, call(t));
  const rec = server.requests[server.requests.length - 1]!;
  return rec.body!;
}

async function drain(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

const user = (content: string): Message => ({ role: 'user', content });

beforeAll(async () => {
  server = await startFakeAnthropic();
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.baseURL });
  adapter = anthropic(client);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('anthropic adapter: request mapping', () => {
  it('names itself, reports the server from the client baseURL, and allows prefill by default', () => {
    expect(adapter.kind).toBe('anthropic');
    expect(adapter.server).toEqual({ address: '127.0.0.1', port: server.port });
    expect(adapter.capabilities?.assistantPrefill).toBe(true);
    expect(anthropic(client, { assistantPrefill: false }).capabilities?.assistantPrefill).toBe(false);
  });

  it('sends the model, a default max_tokens, and the SDK auth header to /v1/messages', async () => {
    const body = await sent({ messages: [user('hi')] });
    const rec = server.requests[0]!;
    expect(rec.method).toBe('POST');
    expect(rec.url).toBe('/v1/messages');
    expect(rec.headers['authorization']).toBe('Bearer sk-ant-test');
    expect(body).toEqual({ model: MODEL, max_tokens: 4096, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('uses maxTokens, or the defaultMaxTokens option', async () => {
    expect((await sent({ messages: [user('hi')], maxTokens: 123 }))['max_tokens']).toBe(123);
    const small = anthropic(client, { defaultMaxTokens: 1000 });
    expect((await sent({ messages: [user('hi')] }, target, small))['max_tokens']).toBe(1000);
  });

  it('maps a leading system message to the top-level system string', async () => {
    const body = await sent({ messages: [{ role: 'system', content: 'be terse' }, user('hi')] });
    expect(body['system']).toBe('be terse');
    expect(body['messages']).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('maps several leading system messages to text blocks, and later ones to system turns', async () => {
    const body = await sent({
      messages: [
        { role: 'system', content: 'rule one' },
        { role: 'system', content: [{ type: 'text', text: 'rule two' }] },
        user('hi'),
        { role: 'assistant', content: 'hello' },
        { role: 'system', content: 'now switch to French' },
        user('again'),
      ],
    });
    expect(body['system']).toEqual([
      { type: 'text', text: 'rule one' },
      { type: 'text', text: 'rule two' },
    ]);
    expect(body['messages']).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'system', content: 'now switch to French' },
      { role: 'user', content: 'again' },
    ]);
  });

  it('maps images given by URL, as base64 data, and as data: URIs', async () => {
    const body = await sent({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', url: 'https://example.com/cat.png' },
            { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
            { type: 'image', url: 'data:image/jpeg;base64,/9j/4AAQ' },
          ],
        },
      ],
    });
    expect(body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
        ],
      },
    ]);
  });

  it('maps tool definitions to input_schema', async () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const body = await sent({
      messages: [user('weather?')],
      tools: [
        { name: 'get_weather', description: 'Current weather', parameters, strict: true },
        { name: 'ping', parameters: { properties: {} } },
      ],
    });
    expect(body['tools']).toEqual([
      { name: 'get_weather', description: 'Current weather', input_schema: parameters, strict: true },
      { name: 'ping', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['required', { type: 'any' }],
    ['none', { type: 'none' }],
    [{ type: 'tool', name: 'get_weather' }, { type: 'tool', name: 'get_weather' }],
  ] as const)('maps tool choice %j', async (choice, expected) => {
    const body = await sent({
      messages: [user('weather?')],
      tools: [{ name: 'get_weather', parameters: { type: 'object' } }],
      toolChoice: choice,
    });
    expect(body['tool_choice']).toEqual(expected);
  });

  it('maps assistant tool calls, signed thinking, and tool results (merged into one user turn)', async () => {
    const body = await sent({
      messages: [
        user('weather in Paris and Rome?'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'two cities', providerMetadata: { signature: 'sig-abc' } },
            { type: 'reasoning', text: '', providerMetadata: { redactedData: 'opaque-xyz' } },
            { type: 'reasoning', text: 'unsigned thoughts from elsewhere' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } },
            { type: 'tool-call', id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', content: '18C' },
        { role: 'tool', toolCallId: 'toolu_2', content: [{ type: 'text', text: 'unavailable' }], isError: true },
        user('thanks, and tomorrow?'),
      ],
    });
    expect(body['messages']).toEqual([
      { role: 'user', content: 'weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: 'two cities', signature: 'sig-abc' },
          { type: 'redacted_thinking', data: 'opaque-xyz' },
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'unavailable' }], is_error: true },
          { type: 'text', text: 'thanks, and tomorrow?' },
        ],
      },
    ]);
  });

  it('merges consecutive user messages into one turn', async () => {
    const body = await sent({ messages: [user('one'), user('two')] });
    expect(body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });

  it('drops a turn left empty (only unsigned reasoning), merging the turns around it', async () => {
    const body = await sent({
      messages: [user('one'), { role: 'assistant', content: [{ type: 'reasoning', text: 'from another provider' }] }, user('two')],
    });
    expect(body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });

  it('sends a trailing assistant message as a prefill', async () => {
    const body = await sent({ messages: [user('Pick A or B'), { role: 'assistant', content: 'The answer is (' }] });
    expect(body['messages']).toEqual([
      { role: 'user', content: 'Pick A or B' },
      { role: 'assistant', content: 'The answer is (' },
    ]);
  });

  it('maps a json-schema response format to output_config.format', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    const body = await sent({ messages: [user('json please')], responseFormat: { type: 'json-schema', schema, name: 'out' } });
    expect(body['output_config']).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('maps a schemaless json response format to a permissive object schema, and text to nothing', async () => {
    expect((await sent({ messages: [user('json')], responseFormat: { type: 'json' } }))['output_config']).toEqual({
      format: { type: 'json_schema', schema: { type: 'object' } },
    });
    expect((await sent({ messages: [user('text')], responseFormat: { type: 'text' } }))['output_config']).toBeUndefined();
  });

  it('maps stop, temperature and topP, and drops seed', async () => {
    const body = await sent({ messages: [user('hi')], stop: ['END', 'STOP'], temperature: 0.2, topP: 0.9, seed: 42 });
    expect(body['stop_sequences']).toEqual(['END', 'STOP']);
    expect(body['temperature']).toBe(0.2);
    expect(body['top_p']).toBe(0.9);
    expect(body).not.toHaveProperty('seed');
  });

  it('merges provider options by kind and by registered name last, ignoring other providers', async () => {
    const named: Target = { provider: 'claude-main', model: MODEL, id: `claude-main/${MODEL}` };
    const body = await sent(
      {
        messages: [user('hi')],
        maxTokens: 10,
        providerOptions: {
          anthropic: { metadata: { user_id: 'u1' }, max_tokens: 20, service_tier: 'auto' },
          'claude-main': { service_tier: 'standard_only' },
          openai: { seed: 1 },
        },
      },
      named,
    );
    expect(body['metadata']).toEqual({ user_id: 'u1' });
    expect(body['max_tokens']).toBe(20);
    expect(body['service_tier']).toBe('standard_only');
    expect(body).not.toHaveProperty('seed');
  });

  it('streams with stream: true, which pass-through options cannot turn off', async () => {
    const events = await drain(adapter.stream({ messages: [user('hi')], providerOptions: { anthropic: { stream: false } } }, call()));
    expect(events.at(-1)?.type).toBe('finish');
    expect(server.requests[0]!.body!['stream']).toBe(true);
    await sent({ messages: [user('hi')], providerOptions: { anthropic: { stream: true } } });
    expect(server.requests[1]!.body).not.toHaveProperty('stream');
  });
});
