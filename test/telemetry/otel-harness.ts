// A real OpenTelemetry SDK for the telemetry tests: tracer provider with an in-memory exporter,
// meter provider with a reader we collect on demand, and the async-hooks context manager so a host
// span can be active. Registered globally, and removed again by `uninstall()`.
import { context, metrics, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { DataPointType, MeterProvider, MetricReader, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type Sampler } from '@opentelemetry/sdk-trace-base';

class TestMetricReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export interface OtelHarness {
  exporter: InMemorySpanExporter;
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  /** Finished spans of switchyard's tracer (the Anthropic SDK emits spans of its own too). */
  spans(): ReadableSpan[];
  /** Every finished span, whatever its tracer. */
  allSpans(): ReadableSpan[];
  /** All metrics collected so far (cumulative), by name. */
  metrics(): Promise<Map<string, MetricData>>;
  reset(): void;
  uninstall(): Promise<void>;
}

export function installOtel(options: { sampler?: Sampler; traces?: boolean; metrics?: boolean } = {}): OtelHarness {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(options.sampler ? { sampler: options.sampler } : {}),
  });
  let reader = new TestMetricReader();
  let meterProvider = new MeterProvider({ readers: [reader] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (options.traces !== false) trace.setGlobalTracerProvider(tracerProvider);
  if (options.metrics !== false) metrics.setGlobalMeterProvider(meterProvider);
  const harness: OtelHarness = {
    exporter,
    tracerProvider,
    get meterProvider() {
      return meterProvider;
    },
    spans: () => exporter.getFinishedSpans().filter((s) => s.instrumentationScope.name === 'switchyard'),
    allSpans: () => exporter.getFinishedSpans(),
    async metrics() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors);
      const out = new Map<string, MetricData>();
      for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m);
      return out;
    },
    reset() {
      exporter.reset();
      // A fresh meter provider: cumulative metrics start again from zero.
      if (options.metrics !== false) {
        metrics.disable();
        reader = new TestMetricReader();
        meterProvider = new MeterProvider({ readers: [reader] });
        metrics.setGlobalMeterProvider(meterProvider);
      }
    },
    async uninstall() {
      trace.disable();
      metrics.disable();
      context.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
  return harness;
}

/** The one finished span with this name (fails loudly when there is not exactly one). */
export function onlySpan(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1) throw new Error(`expected one span named '${name}', found ${found.length}: ${spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}

export function idOf(span: ReadableSpan): string {
  return span.spanContext().spanId;
}

/** Data points of a metric; an empty list when it was never recorded. */
export function pointsOf<T = number | Histogram>(all: Map<string, MetricData>, name: string): Array<DataPoint<T>> {
  const m = all.get(name);
  return m ? (m.dataPoints as Array<DataPoint<T>>) : [];
}

export function histogramPoints(all: Map<string, MetricData>, name: string): Array<DataPoint<Histogram>> {
  const m = all.get(name);
  if (m && m.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
  return pointsOf<Histogram>(all, name);
}

/** The points whose attributes include all of `match`. */
export function where<T>(points: Array<DataPoint<T>>, match: Attributes): Array<DataPoint<T>> {
  return points.filter((p) => Object.entries(match).every(([k, v]) => JSON.stringify(p.attributes[k]) === JSON.stringify(v)));
}
