import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AbortError,
  ConnectionError,
  DeadlineExceededError,
  OverloadedError,
  ServerError,
  StreamTruncatedError,
  type StreamEvent,
} from '../../src/index.js';
import { MODELS, startSdkFixture, type ProviderName, type SdkFixture } from './sdk-fixtures.js';

let fx: SdkFixture;
beforeAll(async () => {
  fx = await startSdkFixture();
});
afterAll(() => fx.close());

const providers = Object.keys(MODELS) as ProviderName[];

describe.each(providers)('gateway over the real %s SDK', (name) => {
  const model = MODELS[name];
  const server = () => fx.servers[name];
  beforeEach(() => server().reset());

  it('generates: text, usage, attempts, served target', async () => {
    server().enqueue({ text: 'Bonjour tout le monde', usage: { inputTokens: 20, outputTokens: 5, cacheReadTokens: 8 } });
    const res = await fx.gateway.chat({ model, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] });
    expect(res.text).toBe('Bonjour tout le monde');
    expect(res.finishReason).toBe('stop');
    expect(res.provider).toBe(name);
    expect(res.usage).toMatchObject({ inputTokens: 20, outputTokens: 5, totalTokens: 25, cacheReadTokens: 8 });
    expect(res.attempts).toHaveLength(1);
    expect(res.attempts[0]!.outcome).toBe('success');
    expect(server().requests).toHaveLength(1);
  });

  it('streams: deltas in order, aggregated response, time to first token', async () => {
    server().enqueue({ text: 'one two three four five', chunkSize: 4 });
    const s = fx.gateway.stream({ model, messages: [{ role: 'user', content: 'count' }] });
    const deltas: string[] = [];
    for await (const t of s.textStream) deltas.push(t);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('one two three four five');
    const res = await s.response;
    expect(res.text).toBe('one two three four five');
    expect(res.timing.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(res.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('round-trips a tool call: call in the response, result in the next request', async () => {
    const tools = [{ name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    server().enqueue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] });
    const first = await fx.gateway.chat({ model, messages: [{ role: 'user', content: 'weather in Paris?' }], tools });
    expect(first.finishReason).toBe('tool-calls');
    const call = first.toolCalls[0]!;
    expect(call).toMatchObject({ name: 'get_weather', arguments: { city: 'Paris' } });
    server().enqueue({ text: 'It is sunny.' });
    const second = await fx.gateway.chat({
      model,
      tools,
      messages: [
        { role: 'user', content: 'weather in Paris?' },
        { role: 'assistant', content: [{ type: 'tool-call', id: call.id, name: call.name, arguments: call.arguments, ...(call.providerMetadata ? { providerMetadata: call.providerMetadata } : {}) }] },
        { role: 'tool', toolCallId: call.id, content: '{"sky":"sunny"}' },
      ],
    });
    expect(second.text).toBe('It is sunny.');
    expect(JSON.stringify(server().requests[1]!.body)).toContain('sunny');
  });

  it('streams a tool call with parsed arguments', async () => {
    server().enqueue({ toolCalls: [{ name: 'lookup', arguments: { q: 'x', n: 2 } }] });
    const events: StreamEvent[] = [];
    for await (const ev of fx.gateway.stream({ model, messages: [{ role: 'user', content: 'go' }], tools: [{ name: 'lookup', parameters: { type: 'object' } }] })) {
      events.push(ev);
    }
    const end = events.find((e) => e.type === 'tool-call-end');
    expect(end).toMatchObject({ name: 'lookup', arguments: { q: 'x', n: 2 } });
    expect(events.at(-1)).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
  });

  it('breaking out of the loop closes the provider socket', async () => {
    server().enqueue({ text: 'a long answer that keeps coming in small pieces', chunkSize: 2, chunkDelayMs: 20 });
    for await (const ev of fx.gateway.stream({ model, messages: [{ role: 'user', content: 'go' }] })) {
      if (ev.type === 'text-delta') break;
    }
    expect((await server().settled(0)).outcome).toBe('client-closed');
  });

  it('aborting the signal mid-stream closes the socket and raises AbortError', async () => {
    server().enqueue({ text: 'a long answer that keeps coming in small pieces', chunkSize: 2, chunkDelayMs: 20 });
    const ac = new AbortController();
    const s = fx.gateway.stream({ model, messages: [{ role: 'user', content: 'go' }], signal: ac.signal });
    const err = await (async () => {
      for await (const ev of s) if (ev.type === 'text-delta') ac.abort();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    await expect(s.response).rejects.toBeInstanceOf(AbortError);
    expect((await server().settled(0)).outcome).toBe('client-closed');
  });

  it('a silent provider costs one deadline, and its socket is closed', async () => {
    server().enqueue({ fault: { type: 'no-answer' } });
    const err = await fx.gateway.chat({ model, messages: [{ role: 'user', content: 'hi' }], timeout: 400 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect((await server().settled(0)).outcome).toBe('client-closed');
    expect(server().requests).toHaveLength(1);
  });

  it('SDK retries are off: a 500 is one request and a typed, retryable error', async () => {
    server().enqueue({ fault: { type: 'status', status: 500 } });
    const err = await fx.gateway.chat({ model, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect((err as ServerError).retryable).toBe(true);
    expect((err as ServerError).provider).toBe(name);
    expect(server().requests).toHaveLength(1);
  });

  it('a stream cut before its completion signal is StreamTruncatedError or ConnectionError, never a success', async () => {
    server().enqueue({ text: 'this answer will be cut', chunkSize: 3, fault: { type: 'cut', afterChunks: 3 } });
    const s = fx.gateway.stream({ model, messages: [{ role: 'user', content: 'go' }] });
    const err = await s.response.catch((e: unknown) => e);
    expect(err instanceof StreamTruncatedError || err instanceof ConnectionError).toBe(true);
  });

  it('an in-band error event raises a typed error', async () => {
    server().enqueue({ text: 'partial answer here', chunkSize: 3, fault: { type: 'in-band-error', afterChunks: 3, code: name === 'anthropic' ? 'overloaded_error' : name === 'openai' ? 'server_is_overloaded' : undefined, message: 'Overloaded' } });
    const err = await fx.gateway.stream({ model, messages: [{ role: 'user', content: 'go' }] }).response.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    if (name !== 'google') expect(err).toBeInstanceOf(OverloadedError);
  });

  it('a healthy call succeeds after all the faults above', async () => {
    const res = await fx.gateway.chat({ model, messages: [{ role: 'user', content: 'still there?' }] });
    expect(res.text).toBe('Echo: still there?');
  });
});

describe('long-running services', () => {
  it('many calls leave no abort listeners behind (SDKs never remove theirs, so none get a shared signal)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.name);
    };
    process.on('warning', onWarning);
    try {
      for (const name of providers) {
        for (let i = 0; i < 25; i++) await fx.gateway.chat({ model: MODELS[name], messages: [{ role: 'user', content: 'hi' }] });
      }
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w === 'MaxListenersExceededWarning')).toEqual([]);
  });
});
