import { createGateway, type Middleware } from '../src/index.js';
import { fallback } from '../src/routing/fallback.js';
import { hedge } from '../src/routing/hedge.js';
import { mockProvider, type MockProvider } from '../src/testing/index.js';
import type { ProviderAdapter } from '../src/types/provider-adapter.js';
import { fmt, sample, summarise, table, type Summary } from './stats.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 2_000);
const CHUNKS = 100;
const HEDGE_CALLS = Number(process.env.BENCH_HEDGE_CALLS ?? 1_000);
const HEDGE_CONCURRENCY = Number(process.env.BENCH_HEDGE_CONCURRENCY ?? 20);
const HEDGE_CHUNKS = 20;
const PROMPT_TOKENS = 500;

const messages = [{ role: 'user' as const, content: 'Say hello.' }];

/** The routing benchmarks: the healthy-path cost of routing layers, and hedging under heavy-tailed latency. */
export async function benchRouting(): Promise<void> {
  await benchRoutingOverhead();
  await benchHedging();
}

/**
 * What a routing layer costs when nothing goes wrong: a healthy primary answering at once, through
 * the layer on an alias vs `gateway.chat` / `gateway.stream` on the target directly (the bare
 * pipeline). The pass-through rows separate the alias hop, and the cost of a cancellable branch
 * (`next({ signal })`, which a hedge needs for every attempt), from the layers' own work.
 */
export async function benchRoutingOverhead(): Promise<Record<string, Summary>> {
  const pieces = Array.from({ length: CHUNKS }, (_, i) => `tok${i} `);
  const m = mockProvider({
    fallback: (_req, call) =>
      call.mode === 'stream' ? { chunks: pieces, usage: { inputTokens: 10, outputTokens: CHUNKS } } : { text: 'Hello!', usage: { inputTokens: 10, outputTokens: 2 } },
  });
  const passThrough: Middleware = { name: 'pass-through', handle: (_ctx, next) => next({ model: 'm/a' }) };
  const withSignal: Middleware = { name: 'branch-signal', handle: (_ctx, next) => next({ model: 'm/a', signal: new AbortController().signal }) };
  const gw = createGateway({
    providers: { m },
    models: {
      x: [fallback(['m/a', 'm/b'])],
      pass: [passThrough],
      signal: [withSignal],
      hedged: [hedge(['m/a', 'm/b'], { after: 10_000 })],
    },
    circuitBreaker: false,
  });
  // The mock records every call; clear it now and then so memory stays flat.
  const chat = (model: string) => async () => {
    await gw.chat({ model, messages });
    if (m.calls.length > 10_000) m.reset();
  };
  const stream = (model: string) => async () => {
    for await (const _ of gw.stream({ model, messages })) {
      // consume
    }
    if (m.calls.length > 10_000) m.reset();
  };
  const cases: Array<[string, string]> = [
    ['x', "fallback(['m/a','m/b'])"],
    ['pass', 'alias with a pass-through layer'],
    ['signal', 'pass-through layer + branch signal'],
    ['hedged', "hedge(['m/a','m/b'], { after: 10 s })"],
  ];

  const bare = await sample("gateway.chat 'm/a' (bare pipeline)", CALLS, 2_000, chat('m/a'));
  const rows: Summary[] = [bare];
  for (const [model, name] of cases) rows.push(await sample(name, CALLS, 2_000, chat(model)));
  table(`Routing layers with a healthy primary: gateway.chat (${CALLS} calls)`, rows, bare);
  console.log(`\n${overLine('fallback', rows[1]!, bare)}\n${overLine('hedge', rows[4]!, bare)}`);

  const perChunk = (s: Summary): Summary => ({ ...s, p50: s.p50 / CHUNKS, p99: s.p99 / CHUNKS, mean: s.mean / CHUNKS });
  const sBare = perChunk(await sample("gateway.stream 'm/a' (bare pipeline)", STREAMS, 200, stream('m/a')));
  const sRows: Summary[] = [sBare];
  for (const [model, name] of cases) sRows.push(perChunk(await sample(name, STREAMS, 200, stream(model))));
  table(`Routing layers with a healthy primary: gateway.stream (${STREAMS} streams × ${CHUNKS} chunks; each value is the stream's time / ${CHUNKS})`, sRows, sBare);
  console.log(`\nper chunk: ${overLine('fallback', sRows[1]!, sBare)}\nper chunk: ${overLine('hedge', sRows[4]!, sBare)}`);
  return { bare, fallback: rows[1]!, hedge: rows[4]!, streamBare: sBare, streamFallback: sRows[1]!, streamHedge: sRows[4]! };
}

function overLine(name: string, s: Summary, bare: Summary): string {
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
  const diff = (v: number): string => `${v < 0 ? '−' : '+'}${fmt(Math.abs(v))}`;
  return `${name} over the bare pipeline: p50 ${diff(s.p50 - bare.p50)} µs (${ratio(s.p50, bare.p50)}), p99 ${diff(s.p99 - bare.p99)} µs (${ratio(s.p99, bare.p99)})`;
}

/** mulberry32: a small seeded PRNG, so every run draws the same latencies. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Time to first token of one simulated provider call: a lognormal body (median 20 ms, σ 0.3) for
 * 93.5% of calls, 5% stalled around 200 ms and 1.5% around 1 s (±25%). A fast body plus rare queueing
 * or cold-start stalls is what hedging is for. The body is continuous so that its p90 is not a cliff
 * (hedging at the edge of a uniform mode would make the result hinge on timer jitter), and the 1.5%
 * tail puts p99 squarely in the slowest mode.
 */
function heavyTailedTtft(random: () => number): number {
  const u = random();
  if (u < 0.935) {
    // Box–Muller: a standard normal from two uniforms.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return 20 * Math.exp(0.3 * z);
  }
  return (u < 0.985 ? 200 : 1_000) * (0.75 + 0.5 * random());
}

/** Counts the text chunks a provider actually produced, losers' included (1 chunk = 1 output token). */
function countingChunks(m: MockProvider): { adapter: ProviderAdapter; chunks: () => number; calls: () => number } {
  let chunks = 0;
  const adapter: ProviderAdapter = {
    kind: m.kind,
    capabilities: m.capabilities,
    generate: (req, opts) => m.generate(req, opts),
    async *stream(req, opts) {
      for await (const ev of m.stream(req, opts)) {
        if (ev.type === 'text-delta') chunks++;
        yield ev;
      }
    },
  };
  return { adapter, chunks: () => chunks, calls: () => m.calls.length };
}

interface HedgeRun {
  name: string;
  ttft: Summary;
  attemptsPerCall: number;
  outputTokens: number;
  inputTokens: number;
  /** The target's learned TTFT p90 at the end of the run (what a percentile delay would use). */
  learnedP90: number | undefined;
}

async function runHedgeCase(name: string, layer: Middleware | undefined, seed: number): Promise<HedgeRun> {
  const random = rng(seed);
  const pieces = Array.from({ length: HEDGE_CHUNKS }, (_, i) => `t${i} `);
  const m = mockProvider({
    fallback: () => ({ chunks: pieces, latencyMs: heavyTailedTtft(random), chunkDelayMs: 1, usage: { inputTokens: PROMPT_TOKENS, outputTokens: HEDGE_CHUNKS } }),
  });
  const counted = countingChunks(m);
  const gw = createGateway({ providers: { m: counted.adapter }, models: layer ? { x: [layer] } : {}, circuitBreaker: false });
  const model = layer ? 'x' : 'm/a';

  const ttft = new Float64Array(HEDGE_CALLS);
  let nextCall = 0;
  const worker = async (): Promise<void> => {
    while (nextCall < HEDGE_CALLS) {
      const i = nextCall++;
      const t0 = performance.now();
      let first: number | undefined;
      for await (const ev of gw.stream({ model, messages })) if (first === undefined && ev.type === 'text-delta') first = performance.now();
      ttft[i] = first! - t0;
    }
  };
  await Promise.all(Array.from({ length: HEDGE_CONCURRENCY }, worker));
  const attempts = counted.calls();
  return {
    name,
    ttft: summarise(name, ttft),
    attemptsPerCall: attempts / HEDGE_CALLS,
    outputTokens: counted.chunks(),
    // Every attempt that reached the provider had its prompt processed: an upper bound on what an
    // aborted request is billed for input.
    inputTokens: attempts * PROMPT_TOKENS,
    learnedP90: gw.health.get('m/a').ttftPercentile(0.9),
  };
}

/** p90 of the simulated distribution itself, by sampling it (what a well-tuned fixed `after` is). */
function distributionP90(): number {
  const random = rng(1);
  const draws = Float64Array.from({ length: 100_000 }, () => heavyTailedTtft(random)).sort();
  return draws[Math.floor(0.9 * draws.length)]!;
}

/** Hedging's effect on p50/p99 under heavy-tailed latency, and the tokens it costs. */
export async function benchHedging(): Promise<HedgeRun[]> {
  const p90 = Math.round(distributionP90());
  const runs = [
    await runHedgeCase('no hedging', undefined, 42),
    await runHedgeCase(`hedge(['m/a','m/a'], { after: ${p90} }) (fixed, the p90)`, hedge(['m/a', 'm/a'], { after: p90 }), 42),
    await runHedgeCase(`hedge(…, { after: ${p90}, maxAttempts: 3 })`, hedge(['m/a'], { after: p90, maxAttempts: 3 }), 42),
    await runHedgeCase(`hedge(…, { after: { percentile: 0.9, fallbackMs: 100 } }) (learned)`, hedge(['m/a'], { after: { percentile: 0.9, fallbackMs: 100 } }), 42),
  ];
  const base = runs[0]!;
  console.log(
    `\nHedging under heavy-tailed latency (${HEDGE_CALLS} streams, ${HEDGE_CONCURRENCY} at a time; time to first token: 93.5% lognormal around 20 ms, 5% ~200 ms, 1.5% ~1 s; ${HEDGE_CHUNKS} chunks each; times in ms)`,
  );
  console.log('| case | TTFT p50 | TTFT p99 | TTFT mean | p99 ratio to no hedging | attempts/call | output tokens | input tokens |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of runs) {
    const pct = (v: number, b: number): string => (r === base ? `${v}` : `${v} (+${(((v - b) / b) * 100).toFixed(1)}%)`);
    console.log(
      `| ${r.name} | ${fmt(r.ttft.p50)} | ${fmt(r.ttft.p99)} | ${fmt(r.ttft.mean)} | ${(r.ttft.p99 / base.ttft.p99).toFixed(2)}× | ${r.attemptsPerCall.toFixed(3)} | ${pct(r.outputTokens, base.outputTokens)} | ${pct(r.inputTokens, base.inputTokens)} |`,
    );
  }
  const learned = runs.at(-1)!.learnedP90;
  console.log(
    `\nThe simulated distribution's own TTFT p90 is ${p90} ms; the learned run's target ended with a TTFT p90 of ${learned === undefined ? 'n/a' : fmt(learned)} ms on record (sampled from attempts that produced content; aborted losers add no sample).`,
  );
  console.log(
    '\nOutput tokens count the chunks every attempt produced, aborted losers included (a loser is cut at the winner’s first token, so it rarely produced any); input tokens count the prompt once per attempt that reached the provider, an upper bound on what aborted requests are billed.',
  );
  return runs;
}

