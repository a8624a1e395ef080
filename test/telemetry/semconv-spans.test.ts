// Span attribute names in the two semconv modes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/index.js';
import { telemetry, type TelemetryOptions } from '../../src/telemetry/index.js';
import { mockProvider } from '../../src/testing/index.js';
import { installOtel, onlySpan, type OtelHarness } from './otel-harness.js';

let otel: OtelHarness;
beforeAll(() => {
  otel = installOtel();
});
afterAll(() => otel.uninstall());
beforeEach(() => otel.reset());

async function spanWith(options: TelemetryOptions) {
  const p = mockProvider({ kind: 'anthropic', fallback: { text: 'x', usage: { inputTokens: 100, outputTokens: 10, cacheReadTokens: 40, cacheWriteTokens: 30, reasoningTokens: 6 } } });
  const gw = createGateway({ providers: { anthropic: p }, telemetry: options });
  await gw.chat({ model: 'anthropic/claude-x', messages: [{ role: 'user', content: 'hi' }] });
  return onlySpan(otel.spans(), 'chat claude-x');
}

describe('semconv modes on spans', () => {
  it('default: v1.41 names, cache_creation for cache writes', async () => {
    const span = await spanWith({ env: {} });
    expect(span.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 10,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.cache_creation.input_tokens': 30,
      'gen_ai.usage.reasoning.output_tokens': 6,
    });
    expect(span.attributes['gen_ai.usage.cache_write.input_tokens']).toBeUndefined();
  });

  it.each([
    ['the env var', { env: { OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' } }],
    ['the option', { env: {}, semconv: 'latest_experimental' as const }],
  ])('latest_experimental through %s: cache_write replaces cache_creation (never both)', async (_how, options) => {
    const span = await spanWith(options);
    expect(span.attributes['gen_ai.usage.cache_write.input_tokens']).toBe(30);
    expect(span.attributes['gen_ai.usage.cache_creation.input_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(40);
  });

  it('reads the env var once, when telemetry() is called', async () => {
    const env: Record<string, string | undefined> = {};
    const t = telemetry({ env });
    env.OTEL_SEMCONV_STABILITY_OPT_IN = 'gen_ai_latest_experimental';
    const p = mockProvider({ fallback: { text: 'x', usage: { cacheWriteTokens: 3 } } });
    const gw = createGateway({ providers: { p }, telemetry: false, instrumentation: [t] });
    await gw.chat({ model: 'p/m', messages: [{ role: 'user', content: 'hi' }] });
    expect(onlySpan(otel.spans(), 'chat m').attributes['gen_ai.usage.cache_creation.input_tokens']).toBe(3);
  });
});
