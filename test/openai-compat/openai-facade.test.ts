import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';
import { createGateway, InvalidRequestError } from '../../src/index.js';
import { mockProvider } from '../../src/testing/index.js';

function setup() {
  const oa = mockProvider({ kind: 'openai' });
  const claude = mockProvider({ kind: 'anthropic' });
  const gw = createGateway({ providers: { openai: oa, anthropic: claude }, models: { smart: 'anthropic/claude-sonnet-4-6' } });
  return { oa, claude, gw };
}

describe('gateway.openai.chat.completions.create', () => {
  it('returns an OpenAI-shaped ChatCompletion from any provider', async () => {
    const { claude, gw } = setup();
    claude.enqueue({ text: 'Bonjour', usage: { inputTokens: 12, outputTokens: 3, cacheReadTokens: 4, reasoningTokens: 1 } });
    const c = await gw.openai.chat.completions.create({ model: 'smart', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] });
    expect(c.object).toBe('chat.completion');
    expect(c.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'Bonjour' });
    expect(c.choices[0]!.finish_reason).toBe('stop');
    expect(c.usage).toEqual({
      prompt_tokens: 12, completion_tokens: 3, total_tokens: 15,
      prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 1 },
    });
    expect(c.model).toBe('claude-sonnet-4-6');
    expect(claude.calls[0]!.request.messages[0]).toEqual({ role: 'system', content: 'be brief' });
  });

  it('maps tools, tool calls and tool results both ways', async () => {
    const { claude, gw } = setup();
    claude.enqueue({ toolCalls: [{ id: 'tc1', name: 'weather', arguments: { city: 'Paris' } }] });
    const c = await gw.openai.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-6',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'old', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] },
        { role: 'tool', tool_call_id: 'old', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: { type: 'function', function: { name: 'weather' } },
    });
    expect(c.choices[0]!.finish_reason).toBe('tool_calls');
    expect(c.choices[0]!.message.content).toBeNull();
    expect(c.choices[0]!.message.tool_calls).toEqual([{ id: 'tc1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }]);
    const req = claude.calls[0]!.request;
    expect(req.toolChoice).toEqual({ type: 'tool', name: 'weather' });
    expect(req.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'tool-call', id: 'old', name: 'weather', arguments: { city: 'Rome' } }] });
    expect(req.messages[2]).toEqual({ role: 'tool', toolCallId: 'old', content: 'sunny' });
  });

  it('bare model names go to the OpenAI provider; unknown OpenAI params pass through to it', async () => {
    const { oa, gw } = setup();
    await gw.openai.chat.completions.create({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'x' }], presence_penalty: 0.5, max_tokens: 9, user: 'u1' });
    expect(oa.calls[0]!.model).toBe('gpt-4.1-mini');
    expect(oa.calls[0]!.request.providerOptions).toEqual({ openai: { presence_penalty: 0.5 } });
    expect(oa.calls[0]!.request.maxTokens).toBe(9);
  });

  it('maps response_format json_schema', async () => {
    const { oa, gw } = setup();
    await gw.openai.chat.completions.create({
      model: 'gpt-x', messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'out', schema: { type: 'object' }, strict: true } },
    });
    expect(oa.calls[0]!.request.responseFormat).toEqual({ type: 'json-schema', name: 'out', schema: { type: 'object' }, strict: true });
  });

  it('streams ChatCompletionChunks, with a usage chunk only when asked', async () => {
    const { claude, gw } = setup();
    claude.enqueue({ chunks: ['Hel', 'lo'], usage: { inputTokens: 3, outputTokens: 2 } }, { chunks: ['x'] });
    const stream = await gw.openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? null)).toEqual(['', 'Hel', 'lo', null, null]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('stop');
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);

    const plain = await gw.openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const plainChunks: ChatCompletionChunk[] = [];
    for await (const c of plain) plainChunks.push(c);
    expect(plainChunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
  });

  it('streams tool calls as indexed fragments', async () => {
    const { claude, gw } = setup();
    claude.enqueue({ toolCalls: [{ id: 'a', name: 'f', arguments: { x: 1 } }] });
    const stream = await gw.openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const frags = [];
    for await (const c of stream) if (c.choices[0]?.delta.tool_calls) frags.push(c.choices[0].delta.tool_calls[0]);
    expect(frags).toEqual([
      { index: 0, id: 'a', type: 'function', function: { name: 'f', arguments: '' } },
      { index: 0, function: { arguments: '{"x":1}' } },
    ]);
  });

  it('rejects what it cannot honour with InvalidRequestError naming the field', async () => {
    const { gw } = setup();
    await expect(gw.openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'x' }], n: 2 })).rejects.toMatchObject({ path: 'n' });
    await expect(
      gw.openai.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] }),
    ).rejects.toBeInstanceOf(InvalidRequestError);
  });
});
