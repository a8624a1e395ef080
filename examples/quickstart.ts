// switchyard quickstart: `npm run demo`.
//
// With no API keys in the environment, each provider's real SDK client talks to a local fake server
// that speaks its wire protocol (no network, no keys). Set OPENAI_API_KEY, ANTHROPIC_API_KEY or
// GEMINI_API_KEY and the same code talks to the real service for that provider.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { anthropic, createGateway, gemini, openai, wrapOpenAI } from '../src/index.js';
import {
  anthropicWire,
  geminiWire,
  openaiWire,
  startFakeAnthropic,
  startFakeGemini,
  startFakeOpenAI,
  type FakeServer,
  type WireProtocol,
} from '../src/testing/index.js';

const servers: FakeServer[] = [];

async function openaiClient(): Promise<OpenAI> {
  if (process.env.OPENAI_API_KEY) return new OpenAI();
  const fake = await startFakeOpenAI({ defaultReply: (r) => ({ text: reply('OpenAI', openaiWire, r.body) }) });
  servers.push(fake);
  return new OpenAI({ apiKey: 'sk-fake', baseURL: fake.baseURL });
}

async function anthropicClient(): Promise<Anthropic> {
  if (process.env.ANTHROPIC_API_KEY) return new Anthropic();
  const fake = await startFakeAnthropic({ defaultReply: (r) => ({ text: reply('Claude', anthropicWire, r.body) }) });
  servers.push(fake);
  return new Anthropic({ apiKey: 'sk-ant-fake', baseURL: fake.baseURL });
}

async function geminiClient(): Promise<GoogleGenAI> {
  if (process.env.GEMINI_API_KEY) return new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY });
  const fake = await startFakeGemini({ defaultReply: (r) => ({ text: reply('Gemini', geminiWire, r.body) }) });
  servers.push(fake);
  return new GoogleGenAI({ apiKey: 'g-fake', vertexai: false, httpOptions: { baseUrl: fake.baseURL } });
}

function reply(who: string, wire: WireProtocol, body: Record<string, unknown> | undefined): string {
  const asked = wire.lastUserText(body);
  return `(${who}, locally faked) You asked: "${asked}". Here is a short answer in a few words.`;
}

const gateway = createGateway({
  providers: {
    openai: openai(await openaiClient()),
    anthropic: anthropic(await anthropicClient()),
    google: gemini(await geminiClient()),
  },
  models: {
    fast: 'openai/gpt-4.1-mini',
    smart: 'anthropic/claude-sonnet-4-6',
    cheap: 'google/gemini-2.5-flash',
  },
});

for (const model of ['fast', 'smart', 'cheap']) {
  console.log(`\n== ${model} ==`);
  const res = await gateway.chat({
    model,
    messages: [
      { role: 'system', content: 'Answer in one sentence.' },
      { role: 'user', content: 'What does an LLM gateway do?' },
    ],
    maxTokens: 100,
    metadata: { team: 'docs', feature: 'quickstart' },
  });
  console.log(`chat   → ${res.provider}/${res.model}: ${res.text}`);
  console.log(`         finish=${res.finishReason} usage=${JSON.stringify(res.usage)} latency=${res.timing.latencyMs.toFixed(1)}ms`);
  console.log(`         cost=${res.cost ? `$${res.cost.total.toFixed(6)}` : "unknown"} (priced from the built-in table)`);

  process.stdout.write('stream → ');
  const stream = gateway.stream({ model, messages: [{ role: 'user', content: 'Stream a haiku about routers.' }], maxTokens: 100 });
  for await (const text of stream.textStream) process.stdout.write(text);
  const final = await stream.response;
  console.log(`\n         first token after ${final.timing.timeToFirstTokenMs?.toFixed(1)}ms, ${final.usage?.outputTokens} output tokens`);
}

console.log('\n== OpenAI drop-in: unchanged openai-SDK code, served by Claude ==');
const client = wrapOpenAI(await openaiClient(), gateway);
const completion = await client.chat.completions.create({
  model: 'smart',
  messages: [{ role: 'user', content: 'Hello from code written for the OpenAI SDK' }],
});
console.log(`${completion.object} from ${completion.model}: ${completion.choices[0]?.message.content}`);

await Promise.all(servers.map((s) => s.close()));
