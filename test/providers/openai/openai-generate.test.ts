import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidResponseError } from '../../../src/errors/provider-error.js';
import { fromChatCompletion } from '../../../src/providers/openai/map-response.js';
import { openai } from '../../../src/providers/openai/openai-adapter.js';
import { startFakeOpenAI } from '../../../src/testing/fake-servers/start-fake-openai.js';
import type { Target } from '../../../src/types/target.js';

const target: Target = { provider: 'openai', model: 'gpt-4o-mini', id: 'openai/gpt-4o-mini' };
const call = () => ({ target, signal: new AbortController().signal });
const ask = { messages: [{ role: 'user' as const, content: 'hello there' }] };

describe('openai adapter: generate', () => {
  let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startFakeOpenAI();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL });
  });
  afterAll(() => server.close());
  beforeEach(() => server.reset());

  it('returns text, ids, model, usage, request id and the raw body', async () => {
    server.enqueue({ text: 'Hi!', model: 'gpt-4o-mini-2024-07-18', usage: { inputTokens: 12, outputTokens: 3 }, headers: { 'x-request-id': 'req_abc123' } });
    const res = await openai(client).generate(ask, call());
    expect(res.content).toEqual([{ type: 'text', text: 'Hi!' }]);
    expect(res.finishReason).toBe('stop');
    expect(res.rawFinishReason).toBe('stop');
    expect(res.id).toMatch(/^chatcmpl-/);
    expect(res.model).toBe('gpt-4o-mini-2024-07-18');
    expect(res.requestId).toBe('req_abc123');
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 3, totalTokens: 15, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    expect((res.raw as { object: string }).object).toBe('chat.completion');
  });

  it('fills requestId from the x-request-id header the server sent by default', async () => {
    const res = await openai(client).generate(ask, call());
    expect(res.requestId).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('keeps cache read/write and reasoning tokens as subsets (no double counting)', async () => {
    server.enqueue({ text: 'ok', usage: { inputTokens: 1000, outputTokens: 300, cacheReadTokens: 800, cacheWriteTokens: 100, reasoningTokens: 250 } });
    const res = await openai(client).generate(ask, call());
    const raw = res.raw as { usage: Record<string, any> };
    expect(raw.usage.prompt_tokens).toBe(1000);
    expect(raw.usage.prompt_tokens_details.cached_tokens).toBe(800);
    expect(res.usage).toEqual({ inputTokens: 1000, outputTokens: 300, totalTokens: 1300, cacheReadTokens: 800, cacheWriteTokens: 100, reasoningTokens: 250 });
  });

  it('parses tool calls and maps tool_calls to tool-calls', async () => {
    server.enqueue({
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' } },
        { id: 'call_b', name: 'get_time', arguments: { tz: 'Europe/Rome' } },
      ],
    });
    const res = await openai(client).generate(ask, call());
    expect(res.finishReason).toBe('tool-calls');
    expect(res.rawFinishReason).toBe('tool_calls');
    expect(res.content).toEqual([
      { type: 'tool-call', id: 'call_a', name: 'get_weather', arguments: { city: 'Paris' }, argumentsText: '{"city":"Paris"}' },
      { type: 'tool-call', id: 'call_b', name: 'get_time', arguments: { tz: 'Europe/Rome' }, argumentsText: '{"tz":"Europe/Rome"}' },
    ]);
  });

  it('maps reasoning_content from compatible servers to a reasoning part before the text', async () => {
    server.enqueue({ text: '42', reasoning: 'think think', usage: { outputTokens: 10, reasoningTokens: 6 } });
    const res = await openai(client).generate(ask, call());
    expect(res.content).toEqual([
      { type: 'reasoning', text: 'think think' },
      { type: 'text', text: '42' },
    ]);
    expect(res.usage).toMatchObject({ outputTokens: 10, reasoningTokens: 6 });
  });

  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['tool_calls', 'tool-calls'],
    ['function_call', 'tool-calls'],
    ['content_filter', 'content-filter'],
    ['insufficient_system_resource', 'other'],
  ] as const)('maps finish_reason %s to %s', async (raw, unified) => {
    server.enqueue({ text: 'x', finishReason: raw });
    const res = await openai(client).generate(ask, call());
    expect(res.finishReason).toBe(unified);
    expect(res.rawFinishReason).toBe(raw);
  });

  it('treats stop with tool calls (older compatible servers) as tool-calls', async () => {
    server.enqueue({ toolCalls: [{ name: 't', arguments: {} }], finishReason: 'stop' });
    const res = await openai(client).generate(ask, call());
    expect(res.finishReason).toBe('tool-calls');
    expect(res.rawFinishReason).toBe('stop');
  });

  it('works through AzureOpenAI (deployment path, api-version, api-key header)', async () => {
    const azure = new AzureOpenAI({ apiKey: 'azure-key', endpoint: server.origin, apiVersion: '2024-10-21' });
    server.enqueue({ text: 'from azure', model: 'gpt-4o-2024-08-06' });
    const res = await openai(azure).generate(ask, { target: { provider: 'azure', model: 'my-deployment', id: 'azure/my-deployment' }, signal: new AbortController().signal });
    const rec = server.requests[0]!;
    expect(rec.url).toBe('/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21');
    expect(rec.headers['api-key']).toBe('azure-key');
    expect(rec.headers.authorization).toBeUndefined();
    expect(res.content).toEqual([{ type: 'text', text: 'from azure' }]);
    expect(res.model).toBe('gpt-4o-2024-08-06');
    expect(openai(azure).server).toEqual({ address: '127.0.0.1', port: server.port });
  });
});

describe('openai response mapping (shapes the fake cannot script)', () => {
  const base = { id: 'chatcmpl-1', object: 'chat.completion' as const, created: 1, model: 'gpt-4o' };

  it('turns a refusal into text with finish reason content-filter, keeping the raw reason', () => {
    const res = fromChatCompletion(
      { ...base, choices: [{ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: null, refusal: "I can't help with that." } }] },
      'req_1',
      target,
    );
    expect(res.content).toEqual([{ type: 'text', text: "I can't help with that." }]);
    expect(res.finishReason).toBe('content-filter');
    expect(res.rawFinishReason).toBe('stop');
  });

  it('reads `reasoning` (vLLM / OpenRouter), DeepSeek cache hits, and tool call extra_content', () => {
    const res = fromChatCompletion(
      {
        ...base,
        choices: [
          {
            index: 0,
            logprobs: null,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              refusal: null,
              reasoning: 'hmm',
              tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '' }, extra_content: { google: { thought_signature: 's' } } }],
            } as any,
          },
        ],
        usage: { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_cache_hit_tokens: 60 } as any,
      },
      undefined,
      target,
    );
    expect(res.content).toEqual([
      { type: 'reasoning', text: 'hmm' },
      { type: 'tool-call', id: 'c1', name: 'f', arguments: {}, argumentsText: '', providerMetadata: { extra_content: { google: { thought_signature: 's' } } } },
    ]);
    expect(res.usage).toMatchObject({ inputTokens: 100, cacheReadTokens: 60 });
  });

  it('keeps unparseable tool arguments as text', () => {
    const res = fromChatCompletion(
      { ...base, choices: [{ index: 0, logprobs: null, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":' } }] } }] },
      undefined,
      target,
    );
    expect(res.content[0]).toMatchObject({ arguments: '{"a":', argumentsText: '{"a":' });
  });

  it('rejects a body without choices as InvalidResponseError', () => {
    expect(() => fromChatCompletion({ ...base, choices: [] }, 'req_2', target)).toThrow(InvalidResponseError);
    expect(() => fromChatCompletion('<html>oops</html>' as any, 'req_2', target)).toThrow(InvalidResponseError);
  });
});
