// Cost per team and model, from an in-process usage report: `npx tsx examples/usage-report.ts`.
//
// Runs a morning's worth of calls from three teams over in-memory mock providers (no keys, no
// network). The mocks report token usage the way the real adapters normalise it, and the gateway
// prices every attempt from the generated price table, so the costs are real list prices:
//
// - `pricing({ deployments })` maps a self-hosted model name to a price;
// - `usageReport({ groupBy: ['team', 'provider', 'model'] })` aggregates calls, attempts, tokens and
//   cost, billing a failed attempt to the model that failed, not to the one that served;
// - `usageHook(fn)` hands over one record per call (here: the calls that fell over).
//
// In an application, import from 'switchyard' and 'switchyard/testing' instead of ../src.
import { pricing } from '../src/cost/pricing.js';
import { createGateway, type Middleware, type NormalizedRequest } from '../src/index.js';
import { mockProvider, type MockResponse } from '../src/testing/index.js';
import { usageHook } from '../src/usage/usage-hook.js';
import { usageReport, type UsageRow } from '../src/usage/usage-report.js';

/** Token counts that grow with the prompt, with a cached prefix for long prompts, like a real service. */
function answer(provider: string) {
  return (request: NormalizedRequest): MockResponse => {
    const prompt = request.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join(' ');
    const inputTokens = 400 + prompt.length * 40;
    const cacheReadTokens = inputTokens > 2000 ? 1536 : 0;
    return { text: `${provider} says hi`, usage: { inputTokens, cacheReadTokens, outputTokens: 120 + (prompt.length % 7) * 30 } };
  };
}

/** Tries each model in turn on a retryable error (a stand-in for switchyard's fallback layer). */
function fallback(models: readonly string[]): Middleware {
  return {
    name: 'fallback',
    async *handle(_ctx, next) {
      for (const [i, model] of models.entries()) {
        try {
          yield* next({ model });
          return;
        } catch (err) {
          if (i === models.length - 1 || (err as { retryable?: boolean }).retryable !== true) throw err;
        }
      }
    },
  };
}

const openai = mockProvider({ kind: 'openai', fallback: answer('openai') });
const anthropic = mockProvider({ kind: 'anthropic', fallback: answer('anthropic') });
const google = mockProvider({ kind: 'gemini', fallback: answer('google') });
const local = mockProvider({ kind: 'openai', fallback: answer('local') });

const report = usageReport({ groupBy: ['team', 'provider', 'model'] });
const fellOver: string[] = [];
const config = {
  providers: { openai, anthropic, google, local },
  models: {
    smart: [fallback(['openai/gpt-4.1', 'anthropic/claude-sonnet-4-6'])],
    fast: 'google/gemini-2.5-flash',
    cheap: 'local/llama-3.3-70b',
  },
  pricing: pricing({ deployments: { 'local/llama-3.3-70b': { input: 0.1, output: 0.3 } } }),
  instrumentation: [
    report,
    usageHook((r) => {
      if (r.attempts.length > 1) fellOver.push(`${r.callId} ${r.requestedModel}: ${r.attempts.map((a) => `${a.target.id} ${a.outcome}`).join(' → ')}`);
    }),
  ],
};
const gateway = createGateway(config);

const work: Array<[team: string, model: string, prompt: string]> = [
  ['search', 'smart', 'rank these results for the query "used bikes"'],
  ['search', 'fast', 'spell-check: recieve'],
  ['search', 'fast', 'expand the query: cheap flights'],
  ['ads', 'smart', 'write three headlines for a running-shoe sale, friendly tone, under 40 characters each'],
  ['ads', 'smart', 'summarise last week’s campaign notes into five bullets for the weekly review meeting'],
  ['ads', 'cheap', 'classify: "buy now, 50% off"'],
  ['support', 'smart', 'draft a reply to a customer whose parcel is late'],
  ['support', 'cheap', 'tag this ticket: refund request'],
  ['support', 'fast', 'translate to French: thanks for waiting'],
];

openai.enqueue({ error: { status: 503, message: 'overloaded' } }); // the first smart call falls over
for (let round = 0; round < 3; round++) {
  for (const [team, model, prompt] of work) {
    const request = { model, messages: [{ role: 'user' as const, content: prompt }], metadata: { team } };
    if (round === 1) {
      for await (const _ of gateway.stream(request)) {
        // a streaming call is priced and reported the same way
      }
    } else await gateway.chat(request);
  }
}

const { rows, total } = report.snapshot();
const money = (r: UsageRow) => (r.cost ? `$${r.cost.total.toFixed(6)}` : 'no price');
const table = [
  ['team', 'provider/model', 'calls', 'attempts', 'failed', 'input', 'cached', 'output', 'cost'],
  ...rows.map((r) => [r.group.team ?? '-', `${r.group.provider}/${r.group.model}`, r.calls, r.attempts, r.failedAttempts, r.inputTokens, r.cacheReadTokens, r.outputTokens, money(r)]),
  ['total', '', total.calls, total.attempts, total.failedAttempts, total.inputTokens, total.cacheReadTokens, total.outputTokens, money(total)],
].map((cells) => cells.map(String));
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
console.log('Cost per team and model\n');
for (const [i, row] of table.entries()) {
  console.log(row.map((c, j) => (j < 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
  if (i === 0 || i === table.length - 2) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}

const byTeam = new Map<string, number>();
for (const r of rows) byTeam.set(r.group.team ?? '-', (byTeam.get(r.group.team ?? '-') ?? 0) + (r.cost?.total ?? 0));
console.log(`\nBy team: ${[...byTeam].map(([t, c]) => `${t} $${c.toFixed(6)}`).join(', ')}`);
console.log(`Calls that fell over (from the usage hook):\n  ${fellOver.join('\n  ')}`);
