// Telemetry overhead: gateway.chat / gateway.stream with no middleware, side by side, in four settings:
// telemetry off (no instrumentation), telemetry on with no OpenTelemetry SDK registered, on with an
// SDK whose sampler drops every span (metrics only), and on with a full SDK (in-memory span exporter
// and a meter provider). `npx tsx bench/telemetry.bench.ts`, or from `npm run bench`.
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace-base';
import { pathToFileURL } from 'node:url';
import { createGateway, type Gateway } from '../src/index.js';
import { telemetry } from '../src/telemetry/index.js';
import { mockProvider } from '../src/testing/index.js';
import { fmt, summarise, table, type Summary } from './stats.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 2_000);
const CHUNKS = 100;

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello.' },
];

class QuietReader extends MetricReader {
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function gateways(answer: Parameters<typeof mockProvider>[0]): { off: Gateway; on: Gateway; noChunks: Gateway } {
  const m = mockProvider(answer);
  return {
    off: createGateway({ providers: { m }, telemetry: false }),
    on: createGateway({ providers: { m }, telemetry: {} }),
    noChunks: createGateway({ providers: { m }, telemetry: { chunkMetrics: false } }),
  };
}

/** A real SDK: tracer provider with an in-memory exporter, meter provider with an idle reader. */
interface Sdk {
  exporter: InMemorySpanExporter;
  register(): void;
  shutdown(): Promise<void>;
}

function createSdk(sampler?: Sampler): Sdk {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)], ...(sampler ? { sampler } : {}) });
  const meterProvider = new MeterProvider({ readers: [new QuietReader()] });
  return {
    exporter,
    register() {
      unregister();
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      trace.setGlobalTracerProvider(tracerProvider);
      metrics.setGlobalMeterProvider(meterProvider);
      // AsyncLocalStorage installs its promise hooks on first use, after which every promise in the
      // process pays for them. A host with an SDK has used it long before (HTTP instrumentation,
      // span processors); use it now so the baseline with telemetry off pays the same.
      context.with(context.active(), () => undefined);
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

function unregister(): void {
  trace.disable();
  metrics.disable();
  context.disable();
}

interface Case {
  name: string;
  /** The SDK registered while this case runs; undefined: none. */
  sdk: Sdk | undefined;
  run: () => Promise<unknown>;
}

/**
 * Runs the cases in interleaved rounds and pools each case's samples. The machine is shared and
 * noisy: measuring the cases one after another lets drift pass for overhead; interleaving spreads
 * it over all of them.
 */
async function compare(cases: Case[], iterations: number, warmup: number, rounds = 8): Promise<Summary[]> {
  const pooled = cases.map(() => [] as number[]);
  const per = Math.max(1, Math.floor(iterations / rounds));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      if (c.sdk) c.sdk.register();
      else unregister();
      let n = 0;
      const run = c.sdk ? () => (++n % 1_000 === 0 && c.sdk!.exporter.reset(), c.run()) : c.run;
      const s = await sampleRaw(per, r === 0 ? warmup : Math.ceil(warmup / 10), run);
      pooled[i]!.push(...s);
      c.sdk?.exporter.reset();
    }
  }
  unregister();
  return cases.map((c, i) => summarise(c.name, Float64Array.from(pooled[i]!)));
}

async function sampleRaw(iterations: number, warmup: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    out[i] = (performance.now() - t0) * 1000;
  }
  return out;
}

/**
 * The settings compared. A registered SDK comes with the async-hooks context manager, which slows
 * every promise in the process, so the SDK cases have a baseline of their own: the same SDK
 * registered (and its context manager in use), telemetry off.
 */
function settings(off: Gateway, on: Gateway, run: (gw: Gateway) => () => Promise<unknown>, sampledOut: Sdk, full: Sdk): Case[] {
  return [
    { name: 'telemetry off', sdk: undefined, run: run(off) },
    { name: 'telemetry on, no SDK registered', sdk: undefined, run: run(on) },
    { name: 'telemetry off, SDK registered', sdk: full, run: run(off) },
    { name: 'telemetry on, SDK: metrics, spans sampled out', sdk: sampledOut, run: run(on) },
    { name: 'telemetry on, SDK: metrics + spans (in-memory)', sdk: full, run: run(on) },
  ];
}

/** What `startCall` costs when no SDK is registered: the whole of telemetry's work on that path. */
function startCallCostNs(): number {
  unregister();
  const t = telemetry();
  const ctx = { id: 'x', mode: 'generate', requestedModel: 'm/x', metadata: {} } as unknown as Parameters<typeof t.startCall>[0];
  const N = 2_000_000;
  let sink = 0;
  for (let i = 0; i < 100_000; i++) if (t.startCall(ctx) === undefined) sink++;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) if (t.startCall(ctx) === undefined) sink++;
  const ns = ((performance.now() - t0) * 1e6) / N;
  if (sink === 0) throw new Error('unreachable');
  return ns;
}

/** Per-call cost of gateway.chat (no middleware) with telemetry in each setting. */
export async function benchTelemetryPerCall(): Promise<Record<string, Summary>> {
  const { off, on } = gateways({ fallback: { text: 'Hello!', usage: { inputTokens: 10, outputTokens: 2 } } });
  const sampledOut = createSdk(new AlwaysOffSampler());
  const full = createSdk();
  const chat = (gw: Gateway) => () => gw.chat({ model: 'm/x', messages });
  const [a, b, base, c, d] = await compare(settings(off, on, chat, sampledOut, full), CALLS, 2_000);
  await sampledOut.shutdown();
  await full.shutdown();
  table(`Telemetry per call: gateway.chat, no middleware (${CALLS} calls per case, 8 interleaved rounds)`, [a!, b!, base!, c!, d!], a!);
  console.log(`\ntelemetry.startCall with no SDK registered (the only work telemetry does then): ${startCallCostNs().toFixed(0)} ns per call`);
  console.log(
    `p50 overhead: no SDK ${fmt(b!.p50 - a!.p50)} µs over 'telemetry off'; over 'telemetry off, SDK registered': ` +
      `metrics only ${fmt(c!.p50 - base!.p50)} µs, metrics + spans ${fmt(d!.p50 - base!.p50)} µs`,
  );
  return { off: a!, noSdk: b!, sdkBaseline: base!, metricsOnly: c!, full: d! };
}

/** Per-chunk cost of gateway.stream with telemetry in each setting (the stream's time / chunks). */
export async function benchTelemetryPerChunk(): Promise<Record<string, Summary>> {
  const pieces = Array.from({ length: CHUNKS }, (_, i) => `tok${i} `);
  const { off, on, noChunks } = gateways({ fallback: { chunks: pieces, usage: { inputTokens: 10, outputTokens: CHUNKS } } });
  const sampledOut = createSdk(new AlwaysOffSampler());
  const full = createSdk();
  const perChunk = (s: Summary): Summary => ({ ...s, p50: s.p50 / CHUNKS, p99: s.p99 / CHUNKS, mean: s.mean / CHUNKS });
  const consume = (gw: Gateway) => async () => {
    for await (const _ of gw.stream({ model: 'm/x', messages })) {
      // consume
    }
  };
  const cases = settings(off, on, consume, sampledOut, full);
  cases.push({ name: 'telemetry on (chunkMetrics: false), SDK: metrics + spans', sdk: full, run: consume(noChunks) });
  const [a, b, base, c, d, e] = (await compare(cases, STREAMS, 200)).map(perChunk);
  await sampledOut.shutdown();
  await full.shutdown();
  table(`Telemetry per chunk: gateway.stream, no middleware (${STREAMS} streams × ${CHUNKS} chunks per case; stream time / ${CHUNKS})`, [a!, b!, base!, c!, d!, e!], a!);
  console.log(
    `\np50 per chunk (per-call costs included, spread over ${CHUNKS} chunks): no SDK ${fmt(b!.p50 - a!.p50)} µs over 'telemetry off'; over 'telemetry off, SDK registered': ` +
      `metrics only ${fmt(c!.p50 - base!.p50)} µs, metrics + spans ${fmt(d!.p50 - base!.p50)} µs, the same without the per-chunk histogram ${fmt(e!.p50 - base!.p50)} µs`,
  );
  return { off: a!, noSdk: b!, sdkBaseline: base!, metricsOnly: c!, full: d!, noChunkMetrics: e! };
}

/** Both tables; what `bench/run.ts` calls. */
export async function benchTelemetry(): Promise<void> {
  await benchTelemetryPerCall();
  await benchTelemetryPerChunk();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`switchyard telemetry benchmark — node ${process.version}, ${new Date().toISOString()}`);
  await benchTelemetry();
}
