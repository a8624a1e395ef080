// Message content on spans: off unless asked for, in the conventions' JSON schema when on, taken from
// the request the attempt sent (after every layer) and the events the provider produced.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, type ChatRequest, type Message, type Middleware } from '../../src/index.js';
import { resolveContentCapture } from '../../src/telemetry/content-capture.js';
import { telemetry, type TelemetryOptions } from '../../src/telemetry/index.js';
import { mockProvider, type MockResponse } from '../../src/testing/index.js';
import { MODELS, startSdkFixture, type ProviderName, type SdkFixture } from '../integration/sdk-fixtures.js';
import { installOtel, onlySpan, type OtelHarness } from './otel-harness.js';

let otel: OtelHarness;
beforeAll(() => {
  otel = installOtel();
});
afterAll(() => otel.uninstall());
beforeEach(() => otel.reset());

const CONTENT_KEYS = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions', 'gen_ai.prompt', 'gen_ai.completion'];

const history: Message[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image', url: 'https://example.com/sky.png' }, { type: 'image', data: 'aGVsbG8=', mediaType: 'image/jpeg' }] },
  { role: 'assistant', content: [{ type: 'reasoning', text: 'need the tool' }, { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { location: 'Paris' } }] },
  { role: 'tool', toolCallId: 'call_1', content: 'rainy, 57°F' },
  { role: 'system', content: 'Answer in French.' },
];

function gatewayWith(kind: string, answer: MockResponse, options: TelemetryOptions, middleware: Middleware[] = []) {
  const p = mockProvider({ kind, fallback: answer });
  return createGateway({ providers: { p }, middleware, telemetry: { env: {}, ...options } });
}

async function attemptSpan(gw: ReturnType<typeof gatewayWith>, request: Omit<ChatRequest, 'model'>, mode: 'generate' | 'stream' = 'generate') {
  if (mode === 'generate') await gw.chat({ model: 'p/m', ...request });
  else await gw.stream({ model: 'p/m', ...request }).response;
  return onlySpan(otel.spans(), 'chat m');
}

describe('off by default', () => {
  it.each(['generate', 'stream'] as const)('%s: no content attribute on any span', async (mode) => {
    const gw = gatewayWith('anthropic', { reasoning: 'hmm', text: 'Il pleut.', toolCalls: [{ name: 'x', arguments: { a: 1 } }] }, {});
    await attemptSpan(gw, { messages: history }, mode);
    for (const span of otel.spans()) for (const key of CONTENT_KEYS) expect(span.attributes[key], `${span.name} ${key}`).toBeUndefined();
    // Nor any attribute value that carries the text.
    expect(JSON.stringify(otel.spans().map((s) => s.attributes))).not.toMatch(/Paris|Il pleut|terse|hmm/);
  });

  it('stays off when the environment says NO_CONTENT even if the option asks for it', async () => {
    const gw = gatewayWith('openai', { text: 'x' }, { captureContent: true, env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'NO_CONTENT' } });
    const span = await attemptSpan(gw, { messages: history });
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
  });
});

describe('opted in', () => {
  it('anthropic kind: leading system messages are instructions, later ones stay in the history', async () => {
    const gw = gatewayWith('anthropic', { text: 'Il pleut.' }, { captureContent: 'span_only' });
    const span = await attemptSpan(gw, { messages: history });
    expect(JSON.parse(span.attributes['gen_ai.system_instructions'] as string)).toEqual([{ type: 'text', content: 'You are terse.' }]);
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Weather in Paris?' },
          { type: 'uri', modality: 'image', mime_type: 'image/png', uri: 'https://example.com/sky.png' },
          { type: 'blob', modality: 'image', mime_type: 'image/jpeg', content: 'aGVsbG8=' },
        ],
      },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'need the tool' },
          { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { location: 'Paris' } },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'rainy, 57°F' }] },
      { role: 'system', parts: [{ type: 'text', content: 'Answer in French.' }] },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Il pleut.' }], finish_reason: 'stop' }]);
  });

  it('gemini kind: every system message is an instruction; openai kind: none is', async () => {
    const g = await attemptSpan(gatewayWith('gemini', { text: 'ok' }, { captureContent: true }), { messages: history });
    expect(JSON.parse(g.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'You are terse.' },
      { type: 'text', content: 'Answer in French.' },
    ]);
    expect((JSON.parse(g.attributes['gen_ai.input.messages'] as string) as Array<{ role: string }>).map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    otel.reset();
    const o = await attemptSpan(gatewayWith('openai', { text: 'ok' }, { captureContent: true }), { messages: history });
    expect(o.attributes['gen_ai.system_instructions']).toBeUndefined();
    expect((JSON.parse(o.attributes['gen_ai.input.messages'] as string) as Array<{ role: string }>).map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'system']);
  });

  it.each(['generate', 'stream'] as const)('%s: output parts from the provider’s events, deltas merged, tool calls with argument objects', async (mode) => {
    const gw = gatewayWith('openai', { reasoning: 'think', chunks: ['Il ', 'pleut', '.'], toolCalls: [{ id: 't1', name: 'get_weather', arguments: { location: 'Lyon' } }] }, { captureContent: true });
    const span = await attemptSpan(gw, { messages: [{ role: 'user', content: 'hi' }] }, mode);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'think' },
          { type: 'text', content: 'Il pleut.' },
          { type: 'tool_call', id: 't1', name: 'get_weather', arguments: { location: 'Lyon' } },
        ],
        finish_reason: 'tool_call',
      },
    ]);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_call']);
  });

  it('a stream that breaks keeps the partial output with finish_reason error', async () => {
    const gw = gatewayWith('openai', { chunks: ['one ', 'two ', 'three'], failAfterChunks: 2, error: { status: 500 } }, { captureContent: true });
    await expect(attemptSpan(gw, { messages: [{ role: 'user', content: 'hi' }] }, 'stream')).rejects.toThrow();
    const span = onlySpan(otel.spans(), 'chat m');
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'one two ' }], finish_reason: 'error' }]);
  });

  it('a failure before any content writes the input but no output', async () => {
    const gw = gatewayWith('openai', { error: { status: 500 } }, { captureContent: true });
    await expect(attemptSpan(gw, { messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
    const span = onlySpan(otel.spans(), 'chat m');
    expect(span.attributes['gen_ai.input.messages']).toBeTypeOf('string');
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
  });

  it('records the request the attempt sent: after every layer, so after redaction', async () => {
    const redact: Middleware = {
      name: 'redact',
      handle(ctx, next) {
        const messages = ctx.request.messages.map((m) => (m.role === 'user' && typeof m.content === 'string' ? { ...m, content: m.content.replace(/\S+@\S+/g, '<EMAIL_1>') } : m));
        return next({ request: { ...ctx.request, messages } });
      },
    };
    const gw = gatewayWith('openai', { text: 'sent to <EMAIL_1>' }, { captureContent: true }, [redact]);
    const span = await attemptSpan(gw, { messages: [{ role: 'user', content: 'mail jane@example.com please' }] });
    expect(span.attributes['gen_ai.input.messages']).toBe('[{"role":"user","parts":[{"type":"text","content":"mail <EMAIL_1> please"}]}]');
    expect(JSON.stringify(otel.spans().map((s) => s.attributes))).not.toContain('jane@example.com');
  });

  it('the environment turns capture on over a code default of off', async () => {
    const gw = gatewayWith('openai', { text: 'x' }, { env: { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'span_only' } });
    expect((await attemptSpan(gw, { messages: [{ role: 'user', content: 'hi' }] })).attributes['gen_ai.input.messages']).toBeTypeOf('string');
  });
});

describe('through the real SDKs', () => {
  let fx: SdkFixture;
  beforeAll(async () => {
    fx = await startSdkFixture({ telemetry: { env: {}, captureContent: true } });
  });
  afterAll(() => fx.close());

  it.each(Object.keys(MODELS) as ProviderName[])('%s: input and output messages', async (name) => {
    fx.servers[name].enqueue({ text: 'Bonjour' });
    await fx.gateway.chat({ model: MODELS[name], messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hi' }] });
    const span = onlySpan(otel.spans(), `chat ${MODELS[name].split('/')[1]}`);
    const input = JSON.parse(span.attributes['gen_ai.input.messages'] as string) as unknown[];
    expect(input.at(-1)).toEqual({ role: 'user', parts: [{ type: 'text', content: 'hi' }] });
    if (name === 'openai') expect(span.attributes['gen_ai.system_instructions']).toBeUndefined();
    else expect(span.attributes['gen_ai.system_instructions']).toBe('[{"type":"text","content":"be brief"}]');
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: 'Bonjour' }], finish_reason: 'stop' }]);
  });
});

describe('resolveContentCapture', () => {
  const env = (v: string) => ({ OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: v });
  it('reads the option when the environment says nothing (or nothing it knows)', () => {
    expect(resolveContentCapture(undefined, {})).toBe(false);
    expect(resolveContentCapture(false, {})).toBe(false);
    expect(resolveContentCapture('none', {})).toBe(false);
    expect(resolveContentCapture('event_only', {})).toBe(false);
    expect(resolveContentCapture(true, {})).toBe(true);
    expect(resolveContentCapture('span', {})).toBe(true);
    expect(resolveContentCapture('span_only', {})).toBe(true);
    expect(resolveContentCapture('span_and_event', {})).toBe(true);
    expect(resolveContentCapture(true, env('maybe'))).toBe(true);
  });
  it('lets a recognised environment value win, case-insensitively', () => {
    expect(resolveContentCapture(undefined, env('SPAN_ONLY'))).toBe(true);
    expect(resolveContentCapture(undefined, env('SPAN_AND_EVENT'))).toBe(true);
    expect(resolveContentCapture(undefined, env('true'))).toBe(true);
    expect(resolveContentCapture(true, env('false'))).toBe(false);
    expect(resolveContentCapture(true, env('EVENT_ONLY'))).toBe(false);
    expect(resolveContentCapture('span_only', env(' no_content '))).toBe(false);
  });
});
