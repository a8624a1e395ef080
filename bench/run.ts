// `npm run bench`: every measurement runs side by side with its baseline in the same process.
// BENCH_ONLY=pipeline,loopback,routing,telemetry,budget,pii runs a subset.
import { benchBudget } from './budget.bench.js';
import { benchLoopback } from './loopback.bench.js';
import { benchPerCall, benchPerChunk } from './pipeline.bench.js';
import { benchPii } from './pii.bench.js';
import { benchRouting } from './routing.bench.js';
import { benchTelemetry } from './telemetry.bench.js';

const only = process.env.BENCH_ONLY?.split(',');
const want = (name: string): boolean => !only || only.includes(name);

console.log(`switchyard benchmark — node ${process.version}, ${new Date().toISOString()}`);
if (want('pipeline')) {
  await benchPerCall();
  await benchPerChunk();
}
if (want('loopback')) await benchLoopback();
if (want('routing')) await benchRouting();
if (want('telemetry')) await benchTelemetry();
if (want('pii')) await benchPii();
if (want('budget')) await benchBudget();
