import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wrapOpenAI } from '../../src/index.js';
import { startSdkFixture, type SdkFixture } from './sdk-fixtures.js';

// Code written for the openai SDK. It must run unchanged whatever serves it.
async function legacyFeature(client: OpenAI): Promise<{ answer: string; streamed: string; usage: number | undefined; tool: string | undefined }> {
  const completion = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Say hi' },
    ],
    max_tokens: 50,
  });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Stream please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = '';
  let usage: number | undefined;
  for await (const chunk of stream) {
    streamed += chunk.choices[0]?.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage.total_tokens;
  }
  const withTools = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'weather?' }],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  });
  return {
    answer: completion.choices[0]!.message.content ?? '',
    streamed,
    usage,
    tool: withTools.choices[0]!.message.tool_calls?.[0]?.type === 'function' ? withTools.choices[0]!.message.tool_calls[0].function.arguments : undefined,
  };
}

let fx: SdkFixture;
beforeAll(async () => {
  // The legacy code asks for 'gpt-4o-mini'; the platform team routes that name to Claude.
  fx = await startSdkFixture({ models: { 'gpt-4o-mini': 'anthropic/claude-sonnet-4-6' } });
});
afterAll(() => fx.close());
beforeEach(() => {
  fx.servers.openai.reset();
  fx.servers.anthropic.reset();
});

describe('wrapOpenAI', () => {
  it('runs unchanged openai-SDK code against an Anthropic model', async () => {
    fx.servers.anthropic.enqueue({ text: 'Hi there!' }, { text: 'streamed reply', chunkSize: 3 }, { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const client = wrapOpenAI(fx.clients.openai, fx.gateway);
    const out = await legacyFeature(client);
    expect(out).toEqual({ answer: 'Hi there!', streamed: 'streamed reply', usage: expect.any(Number), tool: '{"city":"Oslo"}' });
    expect(fx.servers.anthropic.requests).toHaveLength(3);
    expect(fx.servers.openai.requests).toHaveLength(0);
    const first = fx.servers.anthropic.requests[0]!.body as { system?: unknown; max_tokens?: number; model?: string };
    expect(first.model).toBe('claude-sonnet-4-6');
    expect(first.max_tokens).toBe(50);
    expect(JSON.stringify(first.system)).toContain('You are helpful.');
  });

  it('the same code against the unwrapped client talks to OpenAI directly (baseline)', async () => {
    fx.servers.openai.enqueue({ text: 'Hi there!' }, { text: 'streamed reply' }, { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] });
    const out = await legacyFeature(fx.clients.openai);
    expect(out.answer).toBe('Hi there!');
    expect(out.streamed).toBe('streamed reply');
    expect(fx.servers.openai.requests).toHaveLength(3);
  });

  it('keeps the client type and everything other than chat.completions.create untouched', async () => {
    const client = wrapOpenAI(fx.clients.openai, fx.gateway);
    expect(client).toBeInstanceOf(OpenAI);
    expect(client.baseURL).toBe(fx.clients.openai.baseURL);
    expect(client.apiKey).toBe('sk-test');
    // Another endpoint still goes straight to the client's own server.
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(fx.servers.openai.requests.at(-1)!.url).toBe('/v1/models');
    expect(fx.servers.anthropic.requests).toHaveLength(0);
  });

  it('bare model names that are not aliases go to the wrapped OpenAI provider', async () => {
    fx.servers.openai.enqueue({ text: 'from openai' });
    const client = wrapOpenAI(fx.clients.openai, fx.gateway);
    const c = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] });
    expect(c.choices[0]!.message.content).toBe('from openai');
    expect((fx.servers.openai.requests[0]!.body as { model: string }).model).toBe('gpt-4.1');
  });

  it('aborting the returned stream’s controller cancels the call', async () => {
    fx.servers.anthropic.enqueue({ text: 'slow and long answer', chunkSize: 2, chunkDelayMs: 20 });
    const client = wrapOpenAI(fx.clients.openai, fx.gateway);
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream: true });
    const err = await (async () => {
      for await (const c of stream) if (c.choices[0]?.delta.content) stream.controller.abort();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((await fx.servers.anthropic.settled(0)).outcome).toBe('client-closed');
  });
});
