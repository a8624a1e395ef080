// The spans of a call that fell over from a failing provider to a second one, printed as a tree:
// `npx tsx examples/otel-console.ts`. No keys, no network: both providers are in-memory mocks.
//
// In an application you would register your usual SDK (NodeSDK, an OTLP exporter, …) and only pass
// `telemetry()` to the gateway; the in-memory exporter here just makes the spans printable.
//
// In an application, import from 'switchyard' and 'switchyard/testing' instead of ../src.
import { context, trace, type HrTime } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { pathToFileURL } from 'node:url';
import { createGateway, fallback } from '../src/index.js';
import { telemetry } from '../src/telemetry/index.js';
import { mockProvider } from '../src/testing/index.js';


/** Runs one call that falls over from `openai` (503) to `anthropic`, inside a host span. */
export async function runFallbackCall(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  trace.setGlobalTracerProvider(provider);
  try {
    const gateway = createGateway({
      providers: {
        openai: mockProvider({ kind: 'openai', fallback: { error: { status: 503, message: 'upstream unavailable' }, latencyMs: 3 } }),
        anthropic: mockProvider({ kind: 'anthropic', fallback: { chunks: ['Middleware ', 'wraps ', 'calls.'], usage: { inputTokens: 42, outputTokens: 6, cacheReadTokens: 32 }, latencyMs: 5 } }),
      },
      models: { smart: [fallback(['openai/gpt-4.1', 'anthropic/claude-sonnet-4-6'])] },
      telemetry: {},
    });
    // The host's own span: the gateway's call span becomes its child.
    await trace.getTracer('my-service').startActiveSpan('POST /ask', async (span) => {
      const stream = gateway.stream({ model: 'smart', messages: [{ role: 'user', content: 'Explain middleware.' }], metadata: { team: 'docs' } });
      for await (const _ of stream) {
        // a real handler would forward the events to its client
      }
      span.end();
    });
    return exporter.getFinishedSpans();
  } finally {
    trace.disable();
    context.disable();
    await provider.shutdown();
  }
}

const KIND = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const ms = (t: HrTime): number => t[0] * 1e3 + t[1] / 1e6;

/** A readable tree: one line per span, its attributes and events indented under it. */
export function renderSpanTree(spans: readonly ReadableSpan[]): string {
  const byParent = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  for (const s of spans) {
    const parent = s.parentSpanContext?.spanId;
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    byParent.set(key, [...(byParent.get(key) ?? []), s]);
  }
  for (const list of byParent.values()) list.sort((a, b) => ms(a.startTime) - ms(b.startTime));
  const lines: string[] = [];
  const walk = (span: ReadableSpan, prefix: string, last: boolean, root: boolean): void => {
    const status = span.status.code === 2 ? ' ERROR' : '';
    lines.push(`${root ? '' : prefix + (last ? '└─ ' : '├─ ')}${span.name}  [${KIND[span.kind]}${status}] ${(ms(span.endTime) - ms(span.startTime)).toFixed(1)} ms  (${span.instrumentationScope.name})`);
    const inner = root ? '' : prefix + (last ? '   ' : '│  ');
    const children = byParent.get(span.spanContext().spanId) ?? [];
    const bar = children.length > 0 ? '│ ' : '  ';
    for (const [k, v] of Object.entries(span.attributes)) lines.push(`${inner}${bar}  ${k} = ${JSON.stringify(v)}`);
    for (const e of span.events) {
      const at = (ms(e.time) - ms(span.startTime)).toFixed(1);
      lines.push(`${inner}${bar}  event +${at} ms ${e.name} ${JSON.stringify(e.attributes ?? {})}`);
    }
    children.forEach((c, i) => walk(c, inner, i === children.length - 1, false));
  };
  for (const root of byParent.get(undefined) ?? []) walk(root, '', true, true);
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(renderSpanTree(await runFallbackCall()));
}
