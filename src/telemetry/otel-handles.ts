import { createNoopMeter, metrics, ProxyTracerProvider, trace, type MeterProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { TelemetryInstruments } from './metrics.js';
import { SCOPE_NAME } from './names.js';
import type { SemconvMode } from './semconv-mode.js';
import { SWITCHYARD_VERSION } from './version.js';

// The tracer and instruments a call uses, and whether anything is listening at all. Looked up per
// call (two identity checks) rather than once: a host often registers its SDK after building the
// gateway, and the metrics API has no proxy that would pick a later MeterProvider up.

/** The API's own no-op provider: what the global proxy delegates to while no SDK is registered. */
const NOOP_TRACER_PROVIDER: TracerProvider = new ProxyTracerProvider().getDelegate();
const NOOP_METER = createNoopMeter();

export interface HandleOptions {
  traces: boolean;
  metrics: boolean;
  tracerProvider: TracerProvider | undefined;
  meterProvider: MeterProvider | undefined;
  mode: SemconvMode;
}

export class OtelHandles {
  /** Undefined while no tracer provider is registered (or traces are off). */
  tracer: Tracer | undefined;
  /** Undefined while no meter provider is registered (or metrics are off). */
  instruments: TelemetryInstruments | undefined;
  private tracerProvider: TracerProvider | undefined;
  private meterProvider: MeterProvider | undefined;

  constructor(private readonly options: HandleOptions) {}

  /** Picks up a provider registered, replaced or removed since the last call. */
  refresh(): void {
    const o = this.options;
    if (o.traces) {
      let tp = o.tracerProvider ?? trace.getTracerProvider();
      // The global is always a proxy; its delegate tells whether an SDK is behind it.
      if (tp instanceof ProxyTracerProvider) tp = tp.getDelegate();
      if (tp !== this.tracerProvider) {
        this.tracerProvider = tp;
        this.tracer = tp === NOOP_TRACER_PROVIDER ? undefined : tp.getTracer(SCOPE_NAME, SWITCHYARD_VERSION);
      }
    }
    if (o.metrics) {
      const mp = o.meterProvider ?? metrics.getMeterProvider();
      if (mp !== this.meterProvider) {
        this.meterProvider = mp;
        const meter = mp.getMeter(SCOPE_NAME, SWITCHYARD_VERSION);
        this.instruments = meter === NOOP_METER ? undefined : new TelemetryInstruments(meter, o.mode);
      }
    }
  }
}
