// Metrics with a real MeterProvider: names, units, advised buckets, attributes, in both semconv modes.
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/index.js';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from '../../src/telemetry/names.js';
import { telemetry, type TelemetryOptions } from '../../src/telemetry/index.js';
import { mockProvider, type MockResponse } from '../../src/testing/index.js';
import { histogramPoints, installOtel, pointsOf, where, type OtelHarness } from './otel-harness.js';

let otel: OtelHarness | undefined;
afterEach(async () => {
  await otel?.uninstall();
  otel = undefined;
});

const messages = [{ role: 'user' as const, content: 'hi' }];

function setup(answer: MockResponse, options: TelemetryOptions = {}, harness: Parameters<typeof installOtel>[0] = {}) {
  otel = installOtel(harness);
  const openai = mockProvider({ kind: 'openai', fallback: answer });
  const gw = createGateway({ providers: { openai }, telemetry: { env: {}, ...options }, circuitBreaker: false });
  return { gw, otel };
}

const BASE = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-x' };

describe('v1.41 metrics (default)', () => {
  it('generate: duration and token usage with the advised buckets and the conventions’ attributes', async () => {
    const { gw, otel } = setup({ text: 'hello', model: 'gpt-x-2026', usage: { inputTokens: 40, outputTokens: 7, cacheReadTokens: 30 } });
    await gw.chat({ model: 'openai/gpt-x', messages });
    const m = await otel.metrics();

    const duration = m.get('gen_ai.client.operation.duration')!;
    expect(duration.descriptor.unit).toBe('s');
    const [d] = histogramPoints(m, 'gen_ai.client.operation.duration');
    expect(d!.attributes).toEqual({ ...BASE, 'gen_ai.response.model': 'gpt-x-2026' });
    expect(d!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(d!.value.count).toBe(1);

    const usage = m.get('gen_ai.client.token.usage')!;
    expect(usage.descriptor.unit).toBe('{token}');
    const tokens = histogramPoints(m, 'gen_ai.client.token.usage');
    expect(tokens).toHaveLength(2);
    expect(where(tokens, { 'gen_ai.token.type': 'input' })[0]!.value.sum).toBe(40);
    expect(where(tokens, { 'gen_ai.token.type': 'output' })[0]!.value.sum).toBe(7);
    expect(tokens[0]!.value.buckets.boundaries).toEqual(TOKEN_BUCKETS);
    expect(where(tokens, { ...BASE, 'gen_ai.response.model': 'gpt-x-2026' })).toHaveLength(2);

    // Streaming-only histograms stay empty for generate calls.
    expect(histogramPoints(m, 'gen_ai.client.operation.time_to_first_chunk')).toHaveLength(0);
    expect(histogramPoints(m, 'gen_ai.client.operation.time_per_output_chunk')).toHaveLength(0);
    // The HEAD names are not emitted in the default mode.
    expect([...m.keys()].filter((k) => k.startsWith('gen_ai.client.inference.'))).toEqual([]);
    expect(where(pointsOf<number>(m, 'switchyard.attempts'), { 'switchyard.attempt.outcome': 'success' })[0]?.value).toBe(1);
  });

  it('stream: time to first chunk once, and one time-per-output-chunk value per chunk after the first', async () => {
    const { gw, otel } = setup({ chunks: ['a', 'b', 'c', 'd', 'e'], usage: { inputTokens: 5, outputTokens: 5 } });
    await gw.stream({ model: 'openai/gpt-x', messages }).response;
    await gw.stream({ model: 'openai/gpt-x', messages }).response;
    const m = await otel.metrics();
    const ttfc = histogramPoints(m, 'gen_ai.client.operation.time_to_first_chunk');
    expect(ttfc).toHaveLength(1);
    expect(ttfc[0]!.value.count).toBe(2);
    expect(ttfc[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    const perChunk = histogramPoints(m, 'gen_ai.client.operation.time_per_output_chunk');
    expect(perChunk).toHaveLength(1);
    expect(perChunk[0]!.value.count).toBe(8); // 2 streams × (5 chunks − 1)
    expect(perChunk[0]!.value.min).toBeGreaterThanOrEqual(0);
    expect(perChunk[0]!.attributes).toMatchObject(BASE);
    expect(m.get('gen_ai.client.operation.time_per_output_chunk')!.descriptor.unit).toBe('s');
  });

  it('chunkMetrics: false leaves out the per-chunk histogram only', async () => {
    const { gw, otel } = setup({ chunks: ['a', 'b', 'c'] }, { chunkMetrics: false });
    await gw.stream({ model: 'openai/gpt-x', messages }).response;
    const m = await otel.metrics();
    expect(histogramPoints(m, 'gen_ai.client.operation.time_per_output_chunk')).toHaveLength(0);
    expect(histogramPoints(m, 'gen_ai.client.operation.time_to_first_chunk')).toHaveLength(1);
  });

  it('failure: duration carries error.type, no token usage, the attempt counted as an error', async () => {
    const { gw, otel } = setup({ error: { status: 429 } });
    await expect(gw.chat({ model: 'openai/gpt-x', messages })).rejects.toThrow();
    const m = await otel.metrics();
    const [d] = histogramPoints(m, 'gen_ai.client.operation.duration');
    expect(d!.attributes).toEqual({ ...BASE, 'error.type': 'rate_limited' });
    expect(histogramPoints(m, 'gen_ai.client.token.usage')).toHaveLength(0);
    expect(where(pointsOf<number>(m, 'switchyard.attempts'), { 'switchyard.attempt.outcome': 'error', 'error.type': 'rate_limited' })[0]?.value).toBe(1);
  });

  it('metrics are recorded even when the sampler drops every span', async () => {
    const { gw, otel } = setup({ text: 'x' }, {}, { sampler: new AlwaysOffSampler() });
    await gw.chat({ model: 'openai/gpt-x', messages });
    expect(otel.allSpans()).toHaveLength(0);
    expect(histogramPoints(await otel.metrics(), 'gen_ai.client.operation.duration')).toHaveLength(1);
  });

  it('traces: false and metrics: false turn each signal off', async () => {
    const a = setup({ text: 'x' }, { traces: false });
    await a.gw.chat({ model: 'openai/gpt-x', messages });
    expect(a.otel.spans()).toHaveLength(0);
    expect(histogramPoints(await a.otel.metrics(), 'gen_ai.client.operation.duration')).toHaveLength(1);
    await a.otel.uninstall();

    const b = setup({ text: 'x' }, { metrics: false });
    await b.gw.chat({ model: 'openai/gpt-x', messages });
    expect(b.otel.spans()).toHaveLength(2);
    expect((await b.otel.metrics()).size).toBe(0);
  });

  it('uses explicit tracer and meter providers instead of the global ones', async () => {
    otel = installOtel({ traces: false, metrics: false });
    const gw = createGateway({
      providers: { openai: mockProvider({ kind: 'openai' }) },
      telemetry: { env: {}, tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    });
    await gw.chat({ model: 'openai/gpt-x', messages });
    expect(otel.spans()).toHaveLength(2);
    expect(histogramPoints(await otel.metrics(), 'gen_ai.client.operation.duration')).toHaveLength(1);
  });
});

describe('latest-experimental metrics', () => {
  it('HEAD names: inference duration, usage counters with modality, per-operation token histograms', async () => {
    const { gw, otel } = setup(
      { chunks: ['a', 'b', 'c'], usage: { inputTokens: 50, outputTokens: 9, cacheReadTokens: 20, cacheWriteTokens: 5, reasoningTokens: 4 } },
      { semconv: 'latest_experimental' },
    );
    await gw.stream({ model: 'openai/gpt-x', messages }).response;
    const m = await otel.metrics();
    for (const old of ['gen_ai.client.operation.duration', 'gen_ai.client.token.usage', 'gen_ai.client.operation.time_to_first_chunk', 'gen_ai.client.operation.time_per_output_chunk']) {
      expect(m.has(old), old).toBe(false);
    }
    const d = histogramPoints(m, 'gen_ai.client.inference.duration');
    expect(d).toHaveLength(1);
    expect(d[0]!.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(histogramPoints(m, 'gen_ai.client.inference.time_to_first_chunk')[0]!.value.count).toBe(1);
    expect(histogramPoints(m, 'gen_ai.client.inference.time_per_output_chunk')[0]!.value.count).toBe(2);
    const counter = (name: string) => {
      const points = pointsOf<number>(m, name);
      expect(points, name).toHaveLength(1);
      expect(points[0]!.attributes).toMatchObject({ ...BASE, 'gen_ai.token.modality': 'unknown' });
      expect(m.get(name)!.descriptor.unit).toBe('{token}');
      return points[0]!.value;
    };
    expect(counter('gen_ai.client.inference.usage.input_tokens')).toBe(50);
    expect(counter('gen_ai.client.inference.usage.output_tokens')).toBe(9);
    expect(counter('gen_ai.client.inference.usage.cache_read.input_tokens')).toBe(20);
    expect(counter('gen_ai.client.inference.usage.cache_write.input_tokens')).toBe(5);
    expect(counter('gen_ai.client.inference.usage.reasoning.output_tokens')).toBe(4);
    expect(histogramPoints(m, 'gen_ai.client.inference.operation.input_tokens')[0]!.value.sum).toBe(50);
    expect(histogramPoints(m, 'gen_ai.client.inference.operation.output_tokens')[0]!.value.buckets.boundaries).toEqual(TOKEN_BUCKETS);
  });

  it('a failed operation adds 0 to the input and output counters and records no token histograms', async () => {
    const { gw, otel } = setup({ error: { status: 500 } }, { semconv: 'latest_experimental' });
    await expect(gw.chat({ model: 'openai/gpt-x', messages })).rejects.toThrow();
    const m = await otel.metrics();
    expect(pointsOf<number>(m, 'gen_ai.client.inference.usage.input_tokens')[0]!.value).toBe(0);
    expect(pointsOf<number>(m, 'gen_ai.client.inference.usage.input_tokens')[0]!.attributes['error.type']).toBeUndefined();
    expect(pointsOf(m, 'gen_ai.client.inference.usage.cache_read.input_tokens')).toHaveLength(0);
    expect(histogramPoints(m, 'gen_ai.client.inference.operation.input_tokens')).toHaveLength(0);
    expect(histogramPoints(m, 'gen_ai.client.inference.duration')[0]!.attributes['error.type']).toBe('server_error');
  });

  it('OTEL_SEMCONV_STABILITY_OPT_IN selects the mode; the option overrides it', async () => {
    const env = { OTEL_SEMCONV_STABILITY_OPT_IN: 'http, gen_ai_latest_experimental' };
    const a = setup({ text: 'x' }, { env });
    await a.gw.chat({ model: 'openai/gpt-x', messages });
    expect((await a.otel.metrics()).has('gen_ai.client.inference.duration')).toBe(true);
    await a.otel.uninstall();

    const b = setup({ text: 'x' }, { env, semconv: 'default' });
    await b.gw.chat({ model: 'openai/gpt-x', messages });
    const m = await b.otel.metrics();
    expect(m.has('gen_ai.client.inference.duration')).toBe(false);
    expect(m.has('gen_ai.client.operation.duration')).toBe(true);
  });
});
