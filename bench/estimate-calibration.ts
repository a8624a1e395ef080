// `npx tsx bench/estimate-calibration.ts`: why the no-tokenizer fallback is UTF-8 bytes / 4.
// For a handful of sample texts it prints the real o200k_base (and cl100k_base) counts next to
// bytes/4 and chars/4. A ratio below 1 means the heuristic undercounts, which lets a budget
// reserve too little. Then it times estimateInputTokens on a realistic request, cold and memoized.
import { countTokens as o200k } from 'gpt-tokenizer';
import { countTokens as cl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { estimateInputTokens, loadTokenizer } from '../src/budget/estimate.js';
import { utf8ByteLength } from '../src/budget/estimate-text.js';
import type { NormalizedRequest } from '../src/types/request.js';

const SAMPLES: Record<string, string> = {
  English:
    'Budgets reserve tokens before every attempt and settle them once the provider reports usage. ' +
    'When the estimate is too low, a burst of concurrent calls can overshoot the cap before any of them settles, ' +
    'so the fallback heuristic should err on the high side rather than the low one.',
  Code: [
    'export async function retry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {',
    '  let last: unknown;',
    '  for (let i = 0; i < attempts; i++) {',
    '    try { return await fn(); } catch (err) { last = err; await sleep(2 ** i * 100); }',
    '  }',
    '  throw last;',
    '}',
  ].join('\n'),
  JSON: JSON.stringify({
    type: 'object',
    properties: {
      city: { type: 'string', description: 'City name, e.g. Berlin' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer', minimum: 1, maximum: 14 },
    },
    required: ['city'],
    additionalProperties: false,
  }),
  German:
    'Die Haftpflichtversicherungsgesellschaft überprüft sämtliche Schadensmeldungen gründlich, ' +
    'bevor eine Auszahlung erfolgt; größere Beträge müssen zusätzlich von der Geschäftsführung genehmigt werden.',
  Chinese: '预算在每次请求之前预留令牌，并在服务商返回用量后结算。如果估算过低，多个并发请求可能在结算之前就超出上限，因此在没有分词器时宁可高估。',
  Japanese: '予算は各リクエストの前にトークンを確保し、プロバイダーが使用量を報告した後で精算します。見積もりが低すぎると、同時に実行される呼び出しが上限を超える可能性があります。',
  Emoji: '🎉🚀✨ launch day! 👩‍💻👨‍👩‍👧‍👦 🇩🇪🇯🇵 ❤️🔥 great job team 🙌🙌🙌 🥳',
};

const f2 = (n: number): string => n.toFixed(2);
const pad = (s: string | number, w: number): string => String(s).padStart(w);

console.log('\nInput-token heuristics vs gpt-tokenizer (o200k_base is the reference)\n');
const header = ['sample', 'chars', 'bytes', 'o200k', 'cl100k', 'bytes/4', 'chars/4', 'bytes/4 ÷ o200k', 'chars/4 ÷ o200k'];
const widths = [9, 6, 6, 6, 7, 8, 8, 16, 16];
console.log(header.map((h, i) => (i === 0 ? h.padEnd(widths[i]!) : pad(h, widths[i]!))).join(' '));
for (const [name, text] of Object.entries(SAMPLES)) {
  const chars = text.length; // UTF-16 units, which is what `text.length / 4` heuristics use
  const bytes = utf8ByteLength(text);
  const ref = o200k(text);
  const byBytes = Math.ceil(bytes / 4);
  const byChars = Math.ceil(chars / 4);
  const row = [name.padEnd(widths[0]!), pad(chars, widths[1]!), pad(bytes, widths[2]!), pad(ref, widths[3]!), pad(cl100k(text), widths[4]!), pad(byBytes, widths[5]!), pad(byChars, widths[6]!), pad(f2(byBytes / ref), widths[7]!), pad(f2(byChars / ref), widths[8]!)];
  console.log(row.join(' '));
}

// Hot-path cost: a 40-message conversation with two tools, as a budget sees it before each attempt.
await loadTokenizer();
const conversation = (): NormalizedRequest => ({
  messages: [
    { role: 'system', content: SAMPLES.English! },
    ...Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? { role: 'user' as const, content: `${SAMPLES.German} (${i})` } : { role: 'assistant' as const, content: `${SAMPLES.Code} // ${i}` })),
  ],
  tools: [
    { name: 'weather', description: 'Current weather for a city', parameters: JSON.parse(SAMPLES.JSON!) as Record<string, unknown> },
    { name: 'search', description: 'Search the docs', parameters: { type: 'object', properties: { q: { type: 'string' } } } },
  ],
});
const N = 2000;
const WARM_N = 100_000;
let t = performance.now();
for (let i = 0; i < N; i++) estimateInputTokens(conversation(), { kind: 'openai', model: 'gpt-4.1' });
const cold = ((performance.now() - t) * 1000) / N;
const shared = conversation();
estimateInputTokens(shared, { kind: 'openai', model: 'gpt-4.1' });
t = performance.now();
for (let i = 0; i < WARM_N; i++) estimateInputTokens(shared, { kind: 'openai', model: 'gpt-4.1' });
const warm = ((performance.now() - t) * 1000) / WARM_N;
const sample = estimateInputTokens(shared, { kind: 'openai', model: 'gpt-4.1' });
console.log(`\nestimateInputTokens, 41 messages + 2 tools (${sample.tokens} tokens, ${sample.method}): cold ${cold.toFixed(1)} µs/request, memoized ${warm.toFixed(2)} µs/call`);
