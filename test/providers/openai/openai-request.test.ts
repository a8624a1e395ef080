import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { startFakeOpenAI } from '../../../src/testing/fake-servers/start-fake-openai.js';
import type { NormalizedRequest } from '../../../src/types/request.js';
import type { StreamEvent } from '../../../src/types/stream-event.js';
import type { Target } from '../../../src/types/target.js';

const target: Target = { provider: 'openai', model: 'gpt-4o-mini', id: 'openai/gpt-4o-mini' };
const call = () => ({ target, signal: new AbortController().signal });

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

describe('openai adapter: request mapping', () => {
  let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  const lastBody = () => server.requests.at(-1)!.body as Record<string, any>;

  it('sends model, system and user messages, and the Bearer key the client was given', async () => {
    await openai(client).generate(
      { messages: [{ role: 'system', content: [{ type: 'text', text: 'be ' }, { type: 'text', text: 'terse' }] }, { role: 'user', content: 'hi' }] },
      call(),
    );
    const rec = server.requests[0]!;
    expect(rec.url).toBe('/v1/chat/completions');
    expect(rec.headers.authorization).toBe('Bearer sk-test');
    expect(rec.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'be terse' }, { role: 'user', content: 'hi' }] });
  });

  it('maps images given by URL and as base64, with detail', async () => {
    await openai(client).generate(
      {
        messages: [
          {
            role: 'user',
            name: 'alice',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image', url: 'https://example.com/cat.png', detail: 'low' },
              { type: 'image', data: 'iVBORw0KGgo=', mediaType: 'image/png' },
            ],
          },
        ],
      },
      call(),
    );
    expect(lastBody().messages).toEqual([
      {
        role: 'user',
        name: 'alice',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        ],
      },
    ]);
  });

  it('maps tools, tool choice, assistant tool calls and tool results', async () => {
    const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const request: NormalizedRequest = {
      messages: [
        { role: 'user', content: 'weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'need the tool' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
            { type: 'tool-call', id: 'call_2', name: 'get_weather', arguments: '{"city": "Ro' },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', content: [{ type: 'text', text: '18C' }] },
        { role: 'tool', toolCallId: 'call_2', content: 'error', isError: true },
        { role: 'assistant', content: [{ type: 'tool-call', id: 'call_3', name: 'noop', arguments: {} }] },
      ],
      tools: [{ name: 'get_weather', description: 'Current weather', parameters, strict: true }, { name: 'noop', parameters: { type: 'object' } }],
      toolChoice: { type: 'tool', name: 'get_weather' },
    };
    await openai(client).generate(request, call());
    const body = lastBody();
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters, strict: true } },
      { type: 'function', function: { name: 'noop', parameters: { type: 'object' } } },
    ]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Ro' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '18C' },
      { role: 'tool', tool_call_id: 'call_2', content: 'error' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'noop', arguments: '{}' } }] },
    ]);
  });

  it.each(['auto', 'none', 'required'] as const)('passes tool choice %s through', async (toolChoice) => {
    await openai(client).generate({ messages: [{ role: 'user', content: 'x' }], tools: [{ name: 't', parameters: { type: 'object' } }], toolChoice }, call());
    expect(lastBody().tool_choice).toBe(toolChoice);
  });

  it('echoes a tool call extra_content from providerMetadata (Gemini OpenAI-compatible thought signature)', async () => {
    await openai(client).generate(
      {
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 't', arguments: { a: 1 }, providerMetadata: { extra_content: { google: { thought_signature: 'sig' } } } }] },
          { role: 'tool', toolCallId: 'c', content: 'ok' },
        ],
      },
      call(),
    );
    expect(lastBody().messages[1].tool_calls[0].extra_content).toEqual({ google: { thought_signature: 'sig' } });
  });

  it('maps response formats', async () => {
    const adapter = openai(client);
    const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
    await adapter.generate({ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json-schema', name: 'thing', description: 'A thing', schema, strict: true } }, call());
    expect(lastBody().response_format).toEqual({ type: 'json_schema', json_schema: { name: 'thing', description: 'A thing', schema, strict: true } });
    await adapter.generate({ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json-schema', name: 'bare', schema } }, call());
    expect(lastBody().response_format).toEqual({ type: 'json_schema', json_schema: { name: 'bare', schema } });
    await adapter.generate({ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'json' } }, call());
    expect(lastBody().response_format).toEqual({ type: 'json_object' });
    await adapter.generate({ messages: [{ role: 'user', content: 'x' }], responseFormat: { type: 'text' } }, call());
    expect(lastBody().response_format).toEqual({ type: 'text' });
  });

  it('maps sampling settings, stop sequences and max tokens (max_completion_tokens by default)', async () => {
    await openai(client).generate(
      { messages: [{ role: 'user', content: 'x' }], maxTokens: 50, temperature: 0.2, topP: 0.9, stop: ['END', '###'], seed: 7 },
      call(),
    );
    const body = lastBody();
    expect(body).toMatchObject({ max_completion_tokens: 50, temperature: 0.2, top_p: 0.9, stop: ['END', '###'], seed: 7 });
    expect(body).not.toHaveProperty('max_tokens');
  });

  it('uses max_tokens when configured for older compatible servers', async () => {
    await openai(client, { maxTokensField: 'max_tokens' }).generate({ messages: [{ role: 'user', content: 'x' }], maxTokens: 10 }, call());
    expect(lastBody()).toMatchObject({ max_tokens: 10 });
    expect(lastBody()).not.toHaveProperty('max_completion_tokens');
  });

  it('merges provider options by kind and by registered name last', async () => {
    const t: Target = { provider: 'deepseek', model: 'deepseek-chat', id: 'deepseek/deepseek-chat' };
    await openai(client).generate(
      {
        messages: [{ role: 'user', content: 'x' }],
        temperature: 0.5,
        providerOptions: { openai: { reasoning_effort: 'low', temperature: 1 }, deepseek: { temperature: 0.1, user: 'u1' }, anthropic: { top_k: 3 } },
      },
      { target: t, signal: new AbortController().signal },
    );
    expect(lastBody()).toMatchObject({ model: 'deepseek-chat', reasoning_effort: 'low', temperature: 0.1, user: 'u1' });
    expect(lastBody()).not.toHaveProperty('top_k');
  });

  it('asks for usage on streams unless told not to', async () => {
    await collect(openai(client).stream({ messages: [{ role: 'user', content: 'x' }] }, call()));
    expect(lastBody()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    await collect(openai(client, { includeUsage: false }).stream({ messages: [{ role: 'user', content: 'x' }] }, call()));
    expect(lastBody().stream).toBe(true);
    expect(lastBody()).not.toHaveProperty('stream_options');
  });

  it('reports kind, server and capabilities', () => {
    const adapter = openai(client, { assistantPrefill: true });
    expect(adapter.kind).toBe('openai');
    expect(adapter.server).toEqual({ address: '127.0.0.1', port: server.port });
    expect(adapter.capabilities).toEqual({ assistantPrefill: true });
    expect(openai(new OpenAI({ apiKey: 'k', baseURL: 'https://api.openai.com/v1' })).server).toEqual({ address: 'api.openai.com', port: 443 });
  });
});

describe('pass-through cannot change the call mode', () => {
  it('providerOptions.openai.stream is ignored; stream_options keep include_usage', async () => {
    const { toChatCompletionBody } = await import('../../../src/providers/openai/map-request.js');
    const t = { provider: 'openai', model: 'gpt-x', id: 'openai/gpt-x' };
    const settings = { maxTokensField: 'max_completion_tokens' as const, includeUsage: true };
    const po = { openai: { stream: false, stream_options: { include_obfuscation: false }, presence_penalty: 1 } };
    const streaming = toChatCompletionBody({ messages: [{ role: 'user', content: 'x' }], providerOptions: po }, t, true, settings);
    expect(streaming).toMatchObject({ stream: true, stream_options: { include_usage: true, include_obfuscation: false }, presence_penalty: 1 });
    const plain = toChatCompletionBody({ messages: [{ role: 'user', content: 'x' }], providerOptions: { openai: { stream: true } } }, t, false, settings);
    expect(plain).not.toHaveProperty('stream');
  });
});
