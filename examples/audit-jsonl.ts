// An audit trail in a JSON Lines file: `npx tsx examples/audit-jsonl.ts`.
//
// Runs a few calls over in-memory mock providers (no keys, no network) with PII redaction and a
// fail-over in the way, writes one audit record per call to a temporary file, and prints the file.
// Note what the lines hold: who (the API key only as a fingerprint), what served the call, tokens,
// attempts, the policies that acted (PII counts per type), and HMACs of the request as the provider
// received it and of its answer. Never the prompt, the answer, or an error message.
//
// In an application, import from 'switchyard' and 'switchyard/testing' instead of ../src.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audit, jsonlFileSink } from '../src/audit/index.js';
import { createGateway } from '../src/gateway/create-gateway.js';
import { redactPII } from '../src/pii/index.js';
import { mockProvider } from '../src/testing/index.js';
import type { Middleware } from '../src/types/middleware.js';

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

const dir = await mkdtemp(join(tmpdir(), 'switchyard-audit-'));
const path = join(dir, 'audit.jsonl');
try {
  const sink = jsonlFileSink(path);
  const openai = mockProvider({ kind: 'openai', fallback: { text: 'Sure, done.', usage: { inputTokens: 42, outputTokens: 5 } } });
  const anthropic = mockProvider({ kind: 'anthropic', fallback: { chunks: ['Here ', 'you ', 'go.'], usage: { inputTokens: 40, outputTokens: 3 } } });
  const gateway = createGateway({
    providers: { openai, anthropic },
    models: { smart: [fallback(['openai/gpt-4.1', 'anthropic/claude-sonnet-4-6'])] },
    middleware: [redactPII()],
    // In production, read the salt from your secret store; keep it stable so hashes stay comparable.
    instrumentation: [audit({ sink, hashSalt: 'example-salt-not-a-secret', hashMetadataKeys: ['user'] })],
    telemetry: false,
  });
  const metadata = { user: 'jane.doe@example.com', team: 'support', apiKey: 'sk-live-0123456789abcdef' };

  // 1. A plain call whose prompt holds an email address (redacted before the provider sees it).
  await gateway.chat({ model: 'smart', messages: [{ role: 'user', content: 'Reply to jane.doe@example.com about her refund' }], metadata });

  // 2. The first provider is overloaded: the call falls over to the second (two attempts).
  openai.enqueue({ error: { status: 503, message: 'overloaded' } });
  await gateway.chat({ model: 'smart', messages: [{ role: 'user', content: 'Summarise ticket 4411' }], metadata });

  // 3. A stream the caller stops reading after the first words (aborted).
  for await (const ev of gateway.stream({ model: 'anthropic/claude-sonnet-4-6', messages: [{ role: 'user', content: 'Tell me a story' }], metadata })) {
    if (ev.type === 'text-delta') break;
  }

  // 4. A request the provider rejects.
  openai.enqueue({ error: { status: 400, message: 'bad request' } });
  await gateway.chat({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'x' }], metadata }).catch(() => undefined);

  await sink.close();
  const text = await readFile(path, 'utf8');
  console.log(`${path}: ${sink.written} records, ${sink.dropped} dropped\n`);
  for (const line of text.trim().split('\n')) {
    console.log(line);
    console.log();
  }
  if (text.includes('jane.doe') || text.includes('sk-live')) throw new Error('the audit file holds a secret');
} finally {
  await rm(dir, { recursive: true, force: true });
}
