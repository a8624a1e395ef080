import { describe, expect, it } from 'vitest';
import { genAiProviderName } from '../../src/telemetry/provider-name.js';
import { resolveSemconvMode } from '../../src/telemetry/semconv-mode.js';

const at = (address: string) => ({ address, port: 443 });

describe('gen_ai.provider.name', () => {
  it('maps the three adapter kinds', () => {
    expect(genAiProviderName({ provider: 'openai', kind: 'openai', server: at('api.openai.com') })).toBe('openai');
    expect(genAiProviderName({ provider: 'claude', kind: 'anthropic', server: at('api.anthropic.com') })).toBe('anthropic');
    expect(genAiProviderName({ provider: 'google', kind: 'gemini', server: at('generativelanguage.googleapis.com') })).toBe('gcp.gemini');
    expect(genAiProviderName({ provider: 'google', kind: 'gemini', server: at('us-central1-aiplatform.googleapis.com') })).toBe('gcp.vertex_ai');
    expect(genAiProviderName({ provider: 'g', kind: 'gemini', server: undefined })).toBe('gcp.gemini');
  });

  it('names OpenAI-compatible providers by their registration name when it is a known one', () => {
    const compat = (provider: string, host = 'localhost') => genAiProviderName({ provider, kind: 'openai', server: at(host) });
    expect(compat('groq')).toBe('groq');
    expect(compat('DeepSeek')).toBe('deepseek');
    expect(compat('mistral')).toBe('mistral_ai');
    expect(compat('xai')).toBe('x_ai');
    expect(compat('x-ai')).toBe('x_ai');
    expect(compat('perplexity')).toBe('perplexity');
    expect(compat('azure')).toBe('azure.ai.openai');
    expect(compat('azure-openai')).toBe('azure.ai.openai');
  });

  it('falls back to the host of a well-known endpoint, then to the lowercase registration name', () => {
    const compat = (provider: string, host: string) => genAiProviderName({ provider, kind: 'openai', server: at(host) });
    expect(compat('fast', 'api.groq.com')).toBe('groq');
    expect(compat('prod', 'my-resource.openai.azure.com')).toBe('azure.ai.openai');
    expect(compat('main', 'api.openai.com')).toBe('openai');
    expect(compat('Local-vLLM', '127.0.0.1')).toBe('local-vllm');
    // A suffix match needs the whole host or a dot boundary.
    expect(compat('x', 'notapi.openai.com')).toBe('x');
    expect(compat('x', 'api.openai.com.evil.example')).toBe('x');
    expect(genAiProviderName({ provider: 'm', kind: 'mock', server: undefined })).toBe('m');
  });
});

describe('OTEL_SEMCONV_STABILITY_OPT_IN', () => {
  it('switches to latest_experimental only for its token, in any position', () => {
    expect(resolveSemconvMode(undefined, {})).toBe('default');
    expect(resolveSemconvMode(undefined, { OTEL_SEMCONV_STABILITY_OPT_IN: 'http' })).toBe('default');
    expect(resolveSemconvMode(undefined, { OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' })).toBe('latest_experimental');
    expect(resolveSemconvMode(undefined, { OTEL_SEMCONV_STABILITY_OPT_IN: 'http/dup, gen_ai_latest_experimental ' })).toBe('latest_experimental');
    expect(resolveSemconvMode(undefined, { OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental_x' })).toBe('default');
  });
  it('a forced mode wins', () => {
    expect(resolveSemconvMode('default', { OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental' })).toBe('default');
    expect(resolveSemconvMode('latest_experimental', {})).toBe('latest_experimental');
  });
});
