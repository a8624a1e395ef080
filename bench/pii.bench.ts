// PII redaction: per-type precision / recall / F1 / leak rate on the labelled corpus, hard negatives
// touched, and throughput in MB/s, for switchyard and three npm libraries (redact-pii,
// @redactpii/node, openredaction) in the same process. `npx tsx bench/pii.bench.ts`, from
// `npm run bench` (BENCH_ONLY=pii), or as markdown with `npx tsx bench/pii/report.ts`.
import { pathToFileURL } from 'node:url';
import { runPiiBenchmark, toMarkdown } from './pii/report.js';

/** What `bench/run.ts` calls. */
export async function benchPii(): Promise<void> {
  const rounds = Number(process.env.BENCH_PII_ROUNDS ?? 7);
  console.log(`\n${toMarkdown(await runPiiBenchmark({ rounds }))}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`switchyard PII benchmark — node ${process.version}, ${new Date().toISOString()}`);
  await benchPii();
}
