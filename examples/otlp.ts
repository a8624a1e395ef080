// Exports switchyard's spans to an OTLP/HTTP endpoint (an OpenTelemetry Collector, Jaeger, Tempo,
// Langfuse, …): `OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 npx tsx examples/otlp.ts`.
// No keys needed: the two providers are in-memory mocks, the first of which fails.
//
// In an application, import from 'switchyard' and 'switchyard/testing' instead of ../src.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pathToFileURL } from 'node:url';
import { createGateway, fallback } from '../src/index.js';
import { telemetry } from '../src/telemetry/index.js';
import { mockProvider } from '../src/testing/index.js';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4318';


/**
 * Sets up a tracer provider that exports to `${endpoint}/v1/traces` (OTLP over HTTP, JSON), makes
 * one call that falls over to a second provider, flushes, and tears everything down again.
 * `timeoutMillis` bounds each export, retries included.
 */
export async function run(endpoint: string = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT, options: { timeoutMillis?: number } = {}): Promise<{ text: string }> {
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces`, timeoutMillis: options.timeoutMillis ?? 10_000 });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'switchyard-otlp-example' }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  try {
    const gateway = createGateway({
      providers: {
        openai: mockProvider({ kind: 'openai', fallback: { error: { status: 503, message: 'upstream unavailable' } } }),
        anthropic: mockProvider({ kind: 'anthropic', fallback: { text: 'Exported over OTLP.', usage: { inputTokens: 12, outputTokens: 5 } } }),
      },
      models: { smart: [fallback(['openai/gpt-4.1-mini', 'anthropic/claude-sonnet-4-6'])] },
      telemetry: {},
    });
    const res = await gateway.chat({ model: 'smart', messages: [{ role: 'user', content: 'Say something.' }], metadata: { team: 'examples' } });
    // Batched spans leave on flush; an unreachable endpoint makes this reject.
    await provider.forceFlush();
    return { text: res.text };
  } finally {
    trace.disable();
    context.disable();
    await provider.shutdown();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? DEFAULT_ENDPOINT;
  const { text } = await run(endpoint);
  console.log(`answer: "${text}"; spans exported to ${endpoint}/v1/traces`);
}
