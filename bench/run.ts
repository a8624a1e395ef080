// `npm run bench`: every measurement runs side by side with its baseline in the same process.
import { benchLoopback } from './loopback.bench.js';
import { benchPerCall, benchPerChunk } from './pipeline.bench.js';

console.log(`switchyard benchmark — node ${process.version}, ${new Date().toISOString()}`);
await benchPerCall();
await benchPerChunk();
await benchLoopback();
