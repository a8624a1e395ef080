import OpenAI from 'openai';
import { createGateway, openai } from '../src/index.js';
import { startFakeOpenAI } from '../src/testing/index.js';
import { fmt, sample, table, type Summary } from './stats.js';

const CALLS = Number(process.env.BENCH_LOOPBACK ?? 2_000);

/** Context: a real OpenAI-SDK HTTP call over loopback, direct vs through the gateway. */
export async function benchLoopback(): Promise<Record<string, Summary>> {
  const server = await startFakeOpenAI({ defaultReply: { text: 'Hello!' } });
  const client = new OpenAI({ apiKey: 'sk-bench', baseURL: server.baseURL, maxRetries: 0 });
  const gw = createGateway({ providers: { openai: openai(client) } });
  const messages = [{ role: 'user' as const, content: 'Say hello.' }];
  try {
    const direct = await sample('openai SDK create (direct, loopback)', CALLS, 200, async () => {
      await client.chat.completions.create({ model: 'gpt-4.1-mini', messages });
      server.requests.length = 0;
    });
    const viaGateway = await sample('gateway.chat → openai adapter (loopback)', CALLS, 200, async () => {
      await gw.chat({ model: 'openai/gpt-4.1-mini', messages });
      server.requests.length = 0;
    });
    table(`OpenAI-SDK loopback call for context (${CALLS} calls, fake server on 127.0.0.1)`, [direct, viaGateway], direct);
    console.log(`\ngateway over a real loopback call: p50 +${fmt(viaGateway.p50 - direct.p50)} µs`);
    return { direct, viaGateway };
  } finally {
    await server.close();
  }
}
