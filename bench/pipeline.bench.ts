import { generateText, streamText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { createGateway } from '../src/index.js';
import { normalizeRequest } from '../src/request/normalize-request.js';
import { mockProvider } from '../src/testing/index.js';
import type { StreamEvent } from '../src/types/stream-event.js';
import { fmt, sample, table, type Summary } from './stats.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 2_000);
const CHUNKS = 100;

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Say hello.' },
];

/** Per-call overhead of gateway.chat (no middleware) vs the adapter called directly vs the AI SDK. */
export async function benchPerCall(): Promise<Record<string, Summary>> {
  const m = mockProvider({ fallback: { text: 'Hello!', usage: { inputTokens: 10, outputTokens: 2 } } });
  const gw = createGateway({ providers: { m } });
  const target = { provider: 'm', model: 'x', id: 'm/x' };
  const signal = new AbortController().signal;
  const normalized = normalizeRequest({ model: 'm/x', messages });

  const aiModel = new MockLanguageModelV3({
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'Hello!' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 2, text: 2, reasoning: 0 } },
      warnings: [],
    }),
  });

  const direct = await sample('adapter.generate (direct)', CALLS, 2_000, () => m.generate(normalized, { target, signal }));
  m.reset();
  const gateway = await sample('gateway.chat, no middleware', CALLS, 2_000, () => gw.chat({ model: 'm/x', messages }));
  m.reset();
  const ai = await sample('AI SDK generateText (MockLanguageModelV3)', Math.min(CALLS, 5_000), 500, () => generateText({ model: aiModel, system: messages[0]!.content, prompt: messages[1]!.content }));
  table(`Per-call overhead (${CALLS} calls)`, [direct, gateway, ai], direct);
  console.log(`\ngateway.chat overhead over the direct adapter call: p50 ${fmt(gateway.p50 - direct.p50)} µs (aim ≤ 5 µs); AI SDK over its mock: p50 ${fmt(ai.p50)} µs`);
  return { direct, gateway, ai };
}

/** Per-chunk cost of gateway.stream vs the adapter's own stream vs the AI SDK's streamText. */
export async function benchPerChunk(): Promise<Record<string, Summary>> {
  const pieces = Array.from({ length: CHUNKS }, (_, i) => `tok${i} `);
  const m = mockProvider({ fallback: { chunks: pieces, usage: { inputTokens: 10, outputTokens: CHUNKS } } });
  const gw = createGateway({ providers: { m } });
  const target = { provider: 'm', model: 'x', id: 'm/x' };
  const signal = new AbortController().signal;
  const normalized = normalizeRequest({ model: 'm/x', messages });

  const aiModel = new MockLanguageModelV3({
    doStream: async () => ({
      stream: new ReadableStream({
        start(c) {
          c.enqueue({ type: 'stream-start', warnings: [] });
          c.enqueue({ type: 'text-start', id: 't' });
          for (const p of pieces) c.enqueue({ type: 'text-delta', id: 't', delta: p });
          c.enqueue({ type: 'text-end', id: 't' });
          c.enqueue({
            type: 'finish',
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: CHUNKS, text: CHUNKS, reasoning: 0 } },
          });
          c.close();
        },
      }),
    }),
  });

  const perChunk = (s: Summary): Summary => ({ ...s, p50: s.p50 / CHUNKS, p99: s.p99 / CHUNKS, mean: s.mean / CHUNKS });
  const direct = perChunk(
    await sample('adapter.stream (direct)', STREAMS, 200, async () => {
      for await (const _ of m.stream(normalized, { target, signal }) as AsyncIterable<StreamEvent>) {
        // consume
      }
    }),
  );
  m.reset();
  const gateway = perChunk(
    await sample('gateway.stream, no middleware', STREAMS, 200, async () => {
      for await (const _ of gw.stream({ model: 'm/x', messages })) {
        // consume
      }
    }),
  );
  m.reset();
  const ai = perChunk(
    await sample('AI SDK streamText (MockLanguageModelV3)', Math.min(STREAMS, 500), 50, async () => {
      const r = streamText({ model: aiModel, system: messages[0]!.content, prompt: messages[1]!.content });
      for await (const _ of r.fullStream) {
        // consume
      }
    }),
  );
  table(`Per-chunk cost (${STREAMS} streams × ${CHUNKS} chunks; each value is the stream's time / ${CHUNKS})`, [direct, gateway, ai], direct);
  console.log(`\ngateway.stream overhead per chunk over the direct adapter stream: p50 ${fmt(gateway.p50 - direct.p50)} µs (aim ≤ 1 µs)`);
  return { direct, gateway, ai };
}
