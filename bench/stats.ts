/** Timing helpers for the benchmark: per-iteration samples, summarised as percentiles in µs. */

export interface Summary {
  name: string;
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export async function sample(name: string, iterations: number, warmup: number, fn: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await fn();
    samples[i] = (performance.now() - t0) * 1000;
  }
  return summarise(name, samples);
}

export function summarise(name: string, samples: Float64Array): Summary {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { name, n: sorted.length, p50: at(0.5), p99: at(0.99), mean: sum / sorted.length };
}

export function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** Prints rows with p50/p99 and the ratio of each p50 to the baseline row's p50. */
export function table(title: string, rows: Summary[], baseline: Summary, unit = 'µs'): void {
  console.log(`\n${title}`);
  console.log(`| case | n | p50 ${unit} | p99 ${unit} | mean ${unit} | p50 ratio to ${baseline.name} |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.n} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.mean)} | ${(r.p50 / baseline.p50).toFixed(2)}× |`);
  }
}
