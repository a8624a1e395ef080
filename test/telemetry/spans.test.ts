// Spans through the three real SDKs and their fake servers, with a real tracer provider.
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { telemetry } from '../../src/telemetry/index.js';
import { SWITCHYARD_VERSION } from '../../src/telemetry/version.js';
import { MODELS, startSdkFixture, type ProviderName, type SdkFixture } from '../integration/sdk-fixtures.js';
import { idOf, installOtel, onlySpan, parentOf, type OtelHarness } from './otel-harness.js';
import pkg from '../../package.json';

let otel: OtelHarness;
let fx: SdkFixture;
/** What the sampler saw when each span was created (sampling decisions can only use these). */
const atStart = new Map<string, Attributes>();
const recordingSampler: Sampler = {
  shouldSample(_ctx, _traceId, name, _kind, attributes) {
    atStart.set(name, { ...attributes });
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  },
  toString: () => 'recording sampler',
};
beforeAll(async () => {
  otel = installOtel({ sampler: recordingSampler });
  fx = await startSdkFixture({ telemetry: { env: {} }, circuitBreaker: false });
});
afterAll(async () => {
  await fx.close();
  await otel.uninstall();
});

const EXPECTED_PROVIDER: Record<ProviderName, string> = { openai: 'openai', anthropic: 'anthropic', google: 'gcp.gemini' };
const modelOf = (name: ProviderName): string => MODELS[name].slice(MODELS[name].indexOf('/') + 1);

describe.each(Object.keys(MODELS) as ProviderName[])('spans over the real %s SDK', (name) => {
  const server = () => fx.servers[name];
  const model = modelOf(name);
  beforeEach(() => {
    server().reset();
    otel.reset();
  });

  it('generate: a call span with one CLIENT attempt span carrying the conventions’ attributes', async () => {
    server().enqueue({ text: 'Bonjour', usage: { inputTokens: 20, outputTokens: 5, cacheReadTokens: 8 } });
    const res = await fx.gateway.chat({
      model: MODELS[name],
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 100,
      temperature: 0.5,
      topP: 0.9,
      stop: ['END'],
      seed: 7,
      metadata: { team: 'search', feature: 'summaries', user: 'u-123' },
    });
    const spans = otel.spans();
    expect(spans.map((s) => s.name)).toHaveLength(2);
    const call = onlySpan(spans, `switchyard chat ${MODELS[name]}`);
    const attempt = onlySpan(spans, `chat ${model}`);

    expect(call.kind).toBe(SpanKind.INTERNAL);
    expect(call.instrumentationScope).toMatchObject({ name: 'switchyard', version: pkg.version });
    expect(SWITCHYARD_VERSION).toBe(pkg.version);
    expect(call.attributes).toMatchObject({
      'switchyard.request.model': MODELS[name],
      'switchyard.mode': 'generate',
      'switchyard.response.target': MODELS[name],
      'switchyard.attempt.count': 1,
      'switchyard.metadata.team': 'search',
      'switchyard.metadata.feature': 'summaries',
    });
    expect(typeof call.attributes['switchyard.call.id']).toBe('string');
    // Not on the call span: a user id is personal data, and model attributes would make backends
    // count the call span as a second generation.
    expect(call.attributes['switchyard.metadata.user']).toBeUndefined();
    expect(Object.keys(call.attributes).filter((k) => k.startsWith('gen_ai.'))).toEqual([]);
    expect(call.status.code).toBe(SpanStatusCode.UNSET);

    expect(attempt.kind).toBe(SpanKind.CLIENT);
    expect(parentOf(attempt)).toBe(idOf(call));
    expect(attempt.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': EXPECTED_PROVIDER[name],
      'gen_ai.request.model': model,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
      'gen_ai.response.id': res.id,
      'gen_ai.response.model': res.model,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.usage.cache_read.input_tokens': 8,
      'server.address': '127.0.0.1',
      'server.port': server().port,
      'switchyard.target': MODELS[name],
      'switchyard.attempt.index': 0,
      'switchyard.attempt.outcome': 'success',
      'switchyard.circuit.state': 'closed',
    });
    for (const absent of ['gen_ai.request.stream', 'gen_ai.response.time_to_first_chunk', 'gen_ai.request.choice.count', 'gen_ai.output.type', 'error.type', 'gen_ai.system']) {
      expect(attempt.attributes[absent], absent).toBeUndefined();
    }
    expect(attempt.attributes['openai.api.type']).toBe(name === 'openai' ? 'chat_completions' : undefined);
    // Sampling-relevant attributes are there when the span is created.
    expect(atStart.get(`chat ${model}`)).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': EXPECTED_PROVIDER[name],
      'gen_ai.request.model': model,
      'server.address': '127.0.0.1',
      'server.port': server().port,
    });
    expect(attempt.status.code).toBe(SpanStatusCode.UNSET);
    expect(attempt.ended && call.ended).toBe(true);
  });

  it('stream: gen_ai.request.stream, time to first chunk in seconds, usage from the stream', async () => {
    server().enqueue({ text: 'one two three four five', chunkSize: 4, usage: { inputTokens: 12, outputTokens: 6, cacheWriteTokens: 3, reasoningTokens: 2 } });
    const s = fx.gateway.stream({ model: MODELS[name], messages: [{ role: 'user', content: 'count' }], responseFormat: { type: 'json' } });
    for await (const _ of s) {
      // consume
    }
    const res = await s.response;
    const attempt = onlySpan(otel.spans(), `chat ${model}`);
    const call = onlySpan(otel.spans(), `switchyard chat ${MODELS[name]}`);
    expect(call.attributes['switchyard.mode']).toBe('stream');
    expect(attempt.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.output.type': 'json',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': res.usage!.inputTokens,
      'gen_ai.usage.output_tokens': res.usage!.outputTokens,
    });
    // Each wire reports what its provider can; the subsets that came back are on the span, the rest absent.
    const u = res.usage!;
    expect(u.cacheWriteTokens + u.reasoningTokens).toBeGreaterThan(0);
    expect(attempt.attributes['gen_ai.usage.cache_creation.input_tokens']).toBe(u.cacheWriteTokens > 0 ? u.cacheWriteTokens : undefined);
    expect(attempt.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(u.reasoningTokens > 0 ? u.reasoningTokens : undefined);
    expect(attempt.attributes['gen_ai.usage.cache_write.input_tokens']).toBeUndefined();
    const ttfc = attempt.attributes['gen_ai.response.time_to_first_chunk'] as number;
    expect(ttfc).toBeCloseTo(res.attempts[0]!.timeToFirstTokenMs! / 1000, 6);
    expect(ttfc).toBeLessThan(30);
  });

  it('failure: status ERROR and error.type on both spans; finish reason error', async () => {
    server().enqueue({ fault: { type: 'status', status: 500 } });
    const err = await fx.gateway.chat({ model: MODELS[name], messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    const attempt = onlySpan(otel.spans(), `chat ${model}`);
    const call = onlySpan(otel.spans(), `switchyard chat ${MODELS[name]}`);
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt.attributes).toMatchObject({
      'error.type': 'server_error',
      'http.response.status_code': 500,
      'gen_ai.response.finish_reasons': ['error'],
      'switchyard.attempt.outcome': 'error',
      'gen_ai.provider.name': EXPECTED_PROVIDER[name],
    });
    expect(attempt.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(call.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.attributes['error.type']).toBe('server_error');
    expect(call.attributes['switchyard.response.target']).toBeUndefined();
  });

  it('a stream cut mid-way ends the attempt span with an error', async () => {
    server().enqueue({ text: 'this answer will be cut', chunkSize: 3, fault: { type: 'cut', afterChunks: 3 } });
    await expect(
      (async () => {
        for await (const _ of fx.gateway.stream({ model: MODELS[name], messages: [{ role: 'user', content: 'go' }] })) {
          // consume
        }
      })(),
    ).rejects.toThrow();
    const attempt = onlySpan(otel.spans(), `chat ${model}`);
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempt.attributes['error.type']).toMatch(/^(stream_truncated|connection_error)$/);
    expect(attempt.attributes['gen_ai.request.stream']).toBe(true);
  });
});

describe('parenting', () => {
  beforeEach(() => otel.reset());

  it('the call span is a child of the host span active when the call started', async () => {
    fx.servers.openai.enqueue({ text: 'ok' });
    const host = trace.getTracer('host-app');
    await host.startActiveSpan('handle request', async (hostSpan) => {
      await fx.gateway.chat({ model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }] });
      hostSpan.end();
    });
    const spans = otel.allSpans();
    const hostSpan = onlySpan(spans, 'handle request');
    const call = onlySpan(spans, `switchyard chat ${MODELS.openai}`);
    const attempt = onlySpan(spans, `chat ${modelOf('openai')}`);
    expect(parentOf(call)).toBe(idOf(hostSpan));
    expect(parentOf(attempt)).toBe(idOf(call));
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('a stream started inside a host span keeps that parent even when read outside it', async () => {
    fx.servers.anthropic.enqueue({ text: 'streamed later', chunkSize: 4 });
    const host = trace.getTracer('host-app');
    const stream = host.startActiveSpan('start stream', (hostSpan) => {
      const s = fx.gateway.stream({ model: MODELS.anthropic, messages: [{ role: 'user', content: 'hi' }] });
      hostSpan.end();
      return s;
    });
    // Read from another async context, with no active span.
    await new Promise((r) => setTimeout(r, 1));
    for await (const _ of stream) {
      // consume
    }
    const spans = otel.allSpans();
    const call = onlySpan(spans, `switchyard chat ${MODELS.anthropic}`);
    expect(parentOf(call)).toBe(idOf(onlySpan(spans, 'start stream')));
    expect(parentOf(onlySpan(spans, `chat ${modelOf('anthropic')}`))).toBe(idOf(call));
  });

  it('without an active span the call span is a root', async () => {
    fx.servers.google.enqueue({ text: 'ok' });
    await fx.gateway.chat({ model: MODELS.google, messages: [{ role: 'user', content: 'hi' }] });
    expect(parentOf(onlySpan(otel.spans(), `switchyard chat ${MODELS.google}`))).toBeUndefined();
  });

  it('a consumer that stops reading ends both spans, the attempt as aborted', async () => {
    fx.servers.openai.enqueue({ text: 'a long answer in many small pieces', chunkSize: 2, chunkDelayMs: 5 });
    for await (const ev of fx.gateway.stream({ model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }] })) if (ev.type === 'text-delta') break;
    const spans = otel.spans();
    const attempt = onlySpan(spans, `chat ${modelOf('openai')}`);
    const call = onlySpan(spans, `switchyard chat ${MODELS.openai}`);
    expect(attempt.attributes).toMatchObject({ 'switchyard.attempt.outcome': 'aborted', 'error.type': 'aborted', 'gen_ai.response.finish_reasons': ['error'] });
    expect(attempt.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.attributes['error.type']).toBe('aborted');
  });
});
