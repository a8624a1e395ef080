import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anthropic } from '../../../src/providers/anthropic/anthropic-adapter.js';
import { startFakeAnthropic } from '../../../src/testing/fake-servers/start-fake-anthropic.js';
import type { FakeServer } from '../../../src/testing/fake-servers/fake-server.js';
import type { AdapterCallOptions, StreamCallOptions, ProviderAdapter } from '../../../src/types/provider-adapter.js';
import type { AssistantMessage, NormalizedRequest } from '../../../src/types/request.js';
import type { FinishEvent, StreamEvent } from '../../../src/types/stream-event.js';
import type { Target } from '../../../src/types/target.js';

const MODEL = 'claude-sonnet-4-6';
const target: Target = { provider: 'anthropic', model: MODEL, id: `anthropic/${MODEL}` };
const hi: NormalizedRequest = { messages: [{ role: 'user', content: 'hi' }] };

let server: FakeServer & { baseURL: string };
let client: Anthropic;
let adapter: ProviderAdapter;

function call(): StreamCallOptions {
  return { target, signal: new AbortController().signal };
}

async function drain(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
}

function finishOf(events: StreamEvent[]): FinishEvent {
  const finishes = events.filter((e): e is FinishEvent => e.type === 'finish');
  expect(finishes).toHaveLength(1);
  expect(events.at(-1)).toBe(finishes[0]);
  return finishes[0]!;
}

function textOf(events: StreamEvent[]): string {
  return events.map((e) => (e.type === 'text-delta' ? e.text : '')).join('');
}

beforeAll(async () => {
  server = await startFakeAnthropic();
  // SDK defaults on purpose (2 retries, no timeout): the adapter must override them per call.
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.baseURL });
  adapter = anthropic(client);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

describe('anthropic adapter: generate', () => {
  it('returns text, finish reason, ids, model and usage', async () => {
    server.enqueue({ text: 'Hello there', model: 'claude-sonnet-4-6-20260101', usage: { inputTokens: 12, outputTokens: 3 } });
    const res = await adapter.generate(hi, call());
    expect(res.content).toEqual([{ type: 'text', text: 'Hello there' }]);
    expect(res.finishReason).toBe('stop');
    expect(res.rawFinishReason).toBe('end_turn');
    expect(res.id).toMatch(/^msg_/);
    expect(res.model).toBe('claude-sonnet-4-6-20260101');
    expect(res.requestId).toMatch(/^req_/);
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 3, totalTokens: 15, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 });
    expect((res.raw as { type: string }).type).toBe('message');
  });

  it('returns tool calls with parsed arguments and their JSON text', async () => {
    server.enqueue({ text: 'Checking.', toolCalls: [{ id: 'toolu_01', name: 'get_weather', arguments: { city: 'Paris', days: 2 } }] });
    const res = await adapter.generate(hi, call());
    expect(res.finishReason).toBe('tool-calls');
    expect(res.content).toEqual([
      { type: 'text', text: 'Checking.' },
      { type: 'tool-call', id: 'toolu_01', name: 'get_weather', arguments: { city: 'Paris', days: 2 }, argumentsText: '{"city":"Paris","days":2}' },
    ]);
  });

  it('returns thinking as reasoning with its signature, which echoes back into the next request', async () => {
    server.enqueue({ reasoning: 'Let me think.', text: 'Done.' });
    const res = await adapter.generate(hi, call());
    const reasoning = res.content[0]!;
    expect(reasoning).toMatchObject({ type: 'reasoning', text: 'Let me think.' });
    const signature = (reasoning as { providerMetadata?: Record<string, unknown> }).providerMetadata?.['signature'];
    expect(typeof signature).toBe('string');

    const history: AssistantMessage = { role: 'assistant', content: res.content as AssistantMessage['content'] };
    await adapter.generate({ messages: [...hi.messages, history, { role: 'user', content: 'go on' }] }, call());
    const sentAssistant = (server.requests[1]!.body!['messages'] as Array<{ role: string; content: unknown }>)[1]!;
    expect(sentAssistant.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('adds cache read and write to input tokens, and breaks out thinking tokens', async () => {
    server.enqueue({ text: 'ok', usage: { inputTokens: 100, cacheReadTokens: 30, cacheWriteTokens: 20, outputTokens: 50, reasoningTokens: 10 } });
    const res = await adapter.generate(hi, call());
    // On the wire, Anthropic's input_tokens leaves the cached part out.
    expect((res.raw as { usage: Record<string, unknown> }).usage).toMatchObject({
      input_tokens: 50,
      cache_read_input_tokens: 30,
      cache_creation_input_tokens: 20,
      output_tokens: 50,
      output_tokens_details: { thinking_tokens: 10 },
    });
    expect(res.usage).toEqual({ inputTokens: 100, outputTokens: 50, totalTokens: 150, cacheReadTokens: 30, cacheWriteTokens: 20, reasoningTokens: 10 });
  });

  it('lets a large maxTokens through the SDK\u2019s "streaming is required" guard', async () => {
    // Without a per-call timeout the SDK refuses (synchronously) before sending anything.
    const direct = async () => client.messages.create({ model: MODEL, max_tokens: 64_000, messages: [{ role: 'user', content: 'hi' }] });
    await expect(direct()).rejects.toThrow(/Streaming is required/);
    expect(server.requests).toHaveLength(0);
    const res = await adapter.generate({ ...hi, maxTokens: 64_000 }, call());
    expect(res.finishReason).toBe('stop');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body!['max_tokens']).toBe(64_000);
  });
});

describe('anthropic adapter: stream', () => {
  it('streams text deltas and ends with exactly one finish event', async () => {
    server.enqueue({ text: 'Hello there, streaming world', chunkSize: 5 });
    const events = await drain(adapter.stream(hi, call()));
    expect(textOf(events)).toBe('Hello there, streaming world');
    expect(events.filter((e) => e.type === 'text-delta').length).toBeGreaterThan(1);
    const finish = finishOf(events);
    expect(finish).toMatchObject({ finishReason: 'stop', rawFinishReason: 'end_turn', target, raw: undefined, responseModel: MODEL });
    expect(finish.responseId).toMatch(/^msg_/);
    expect(finish.requestId).toMatch(/^req_/);
  });

  it('streams tool calls: start, argument fragments, end with parsed arguments', async () => {
    server.enqueue({
      text: 'Checking.',
      toolCalls: [
        { id: 'toolu_a', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
        { id: 'toolu_b', name: 'get_time', arguments: {} },
      ],
    });
    const events = await drain(adapter.stream(hi, call()));
    const starts = events.filter((e) => e.type === 'tool-call-start');
    expect(starts).toEqual([
      { type: 'tool-call-start', index: 0, id: 'toolu_a', name: 'get_weather' },
      { type: 'tool-call-start', index: 1, id: 'toolu_b', name: 'get_time' },
    ]);
    const deltas = events.filter((e) => e.type === 'tool-call-delta' && e.index === 0);
    expect(deltas.length).toBeGreaterThan(1);
    const text = deltas.map((e) => (e.type === 'tool-call-delta' ? e.argumentsDelta : '')).join('');
    expect(text).toBe('{"city":"Paris","unit":"celsius"}');
    const ends = events.filter((e) => e.type === 'tool-call-end');
    expect(ends).toEqual([
      { type: 'tool-call-end', index: 0, id: 'toolu_a', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' }, argumentsText: text },
      { type: 'tool-call-end', index: 1, id: 'toolu_b', name: 'get_time', arguments: {}, argumentsText: '{}' },
    ]);
    expect(finishOf(events).finishReason).toBe('tool-calls');
  });

  it('streams thinking as reasoning deltas, then the signature as metadata', async () => {
    server.enqueue({ reasoning: 'Thinking it through carefully.', text: 'Answer.', chunkSize: 10 });
    const events = await drain(adapter.stream(hi, call()));
    const reasoning = events.filter((e) => e.type === 'reasoning-delta');
    expect(reasoning.map((e) => (e.type === 'reasoning-delta' ? e.text : '')).join('')).toBe('Thinking it through carefully.');
    const signed = reasoning.filter((e) => e.type === 'reasoning-delta' && e.providerMetadata?.['signature']);
    expect(signed).toHaveLength(1);
    expect(events.indexOf(signed[0]!)).toBeLessThan(events.findIndex((e) => e.type === 'text-delta'));
    expect(textOf(events)).toBe('Answer.');
  });

  it('takes the latest cumulative usage instead of summing message_start and message_delta', async () => {
    server.enqueue({ text: 'ok', usage: { inputTokens: 100, cacheReadTokens: 30, cacheWriteTokens: 20, outputTokens: 50, reasoningTokens: 10 } });
    const finish = finishOf(await drain(adapter.stream(hi, call())));
    expect(finish.usage).toEqual({ inputTokens: 100, outputTokens: 50, totalTokens: 150, cacheReadTokens: 30, cacheWriteTokens: 20, reasoningTokens: 10 });
  });

  it('treats a stream without message_stop but with a stop_reason as complete', async () => {
    server.enqueue({ text: 'complete answer', fault: { type: 'missing-terminal' } });
    const events = await drain(adapter.stream(hi, call()));
    expect(textOf(events)).toBe('complete answer');
    expect(finishOf(events).finishReason).toBe('stop');
  });
});

describe('anthropic adapter: finish reasons', () => {
  const cases = [
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'tool-calls'],
    ['refusal', 'content-filter'],
    ['pause_turn', 'other'],
  ] as const;

  it.each(cases)('generate maps %s to %s', async (raw, unified) => {
    server.enqueue({ text: 'x', finishReason: raw });
    const res = await adapter.generate({ ...hi, stop: ['END'] }, call());
    expect(res.finishReason).toBe(unified);
    expect(res.rawFinishReason).toBe(raw);
  });

  it.each(cases)('stream maps %s to %s', async (raw, unified) => {
    server.enqueue({ text: 'x', finishReason: raw });
    const finish = finishOf(await drain(adapter.stream(hi, call())));
    expect(finish.finishReason).toBe(unified);
    expect(finish.rawFinishReason).toBe(raw);
  });
});
