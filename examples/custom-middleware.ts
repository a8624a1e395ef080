// Two custom middleware layers, run against in-memory mock providers: `npx tsx examples/custom-middleware.ts`.
//
// - callLog(): one log line per gateway call (who served it, latency, time to first content,
//   tokens, and every provider attempt made on the way).
// - fallbackBeforeContent(models): tries the next model when one fails with a retryable error,
//   but only while nothing has been passed on to the caller yet.
//
// In an application, import from 'switchyard' and 'switchyard/testing' instead of ../src.
import { createGateway, ProviderError, type FinishEvent, type Middleware } from '../src/index.js';
import { mockProvider } from '../src/testing/index.js';

/** Logs one line per gateway call. Register it gateway-wide so it wraps every other layer. */
export function callLog(write: (line: string) => void = console.log): Middleware {
  return {
    name: 'call-log',
    async *handle(ctx, next) {
      const t0 = performance.now();
      let firstContentMs: number | undefined;
      let finish: FinishEvent | undefined;
      // Stays 'closed early' if the caller stops reading: the generator is then returned, and only
      // the finally block below runs.
      let outcome = 'closed early';
      try {
        for await (const ev of next()) {
          if (ev.type === 'finish') finish = ev;
          else firstContentMs ??= performance.now() - t0;
          yield ev;
        }
        outcome = 'ok';
      } catch (err) {
        outcome = err instanceof Error ? err.name : 'error';
        throw err; // log, never swallow: the caller must still see the error
      } finally {
        // Read ctx.attempts here, not when `finish` goes by: a streaming attempt is recorded when its
        // generator ends, which is after its last event.
        const attempts = ctx.attempts
          .map((a) => `${a.target.id}:${a.outcome}${a.error ? `(${a.error.name})` : ''}`)
          .join(' -> ');
        const served = finish ? ` served by ${finish.target.id}` : '';
        // For a generate call the events arrive in one burst, so "first content" is the whole call.
        const ttfc = firstContentMs === undefined ? '' : ` first content ${firstContentMs.toFixed(1)}ms`;
        const tokens = finish?.usage ? ` tokens ${finish.usage.inputTokens}/${finish.usage.outputTokens}` : '';
        write(
          `[call-log] ${ctx.id} ${ctx.mode} '${ctx.requestedModel}' feature=${String(ctx.metadata.feature ?? '-')}: ` +
            `${outcome}${served} in ${(performance.now() - t0).toFixed(1)}ms${ttfc}${tokens}; attempts ${attempts || 'none'}`,
        );
      }
    },
  };
}

/**
 * Tries each model in turn on a retryable provider error (429, 5xx, overload, connection trouble, a
 * truncated stream), as long as no event of the failed attempt has been passed on. After that the
 * caller may already be showing the text, and splicing a second answer onto it would be wrong, so
 * the error goes through as it is.
 */
export function fallbackBeforeContent(models: readonly string[]): Middleware {
  return {
    name: 'fallback-before-content',
    async *handle(_ctx, next) {
      let lastError: unknown;
      for (const model of models) {
        let passedOn = false;
        try {
          for await (const ev of next({ model })) {
            passedOn = true;
            yield ev;
          }
          return;
        } catch (err) {
          lastError = err;
          // AbortError and DeadlineExceededError are not ProviderErrors: a cancelled or expired call
          // stops here instead of starting another attempt.
          const retryable = err instanceof ProviderError && err.retryable;
          if (passedOn || !retryable) throw err;
        }
      }
      throw lastError;
    },
  };
}

// --- the demo ---------------------------------------------------------------------------------

// `primary` answers from a script, one entry per call; `backup` always streams the same answer.
const primary = mockProvider({
  responses: [
    { error: { status: 503, message: 'upstream unavailable', headers: { 'retry-after': '1' } } },
    { error: { status: 429, message: 'slow down' } },
    { chunks: ['The primary ', 'model started ', 'and then failed.'], failAfterChunks: 2, error: { status: 503 } },
    { error: { status: 400, message: "unsupported parameter 'foo'" } },
  ],
});
const backup = mockProvider({ fallback: { chunks: ['The backup ', 'model ', 'answered.'] } });

const gateway = createGateway({
  providers: { primary, backup },
  models: {
    // An alias with route middleware only: its layer chooses the targets.
    smart: [fallbackBeforeContent(['primary/large', 'backup/medium'])],
  },
  // Gateway-wide layers run outermost, so the log sees the whole call, fallbacks included.
  middleware: [callLog()],
});

const messages = [{ role: 'user' as const, content: 'Explain middleware in one sentence.' }];

console.log('1) chat: the primary answers 503, the backup serves the call');
const res = await gateway.chat({ model: 'smart', messages, metadata: { feature: 'docs' } });
console.log(`   -> ${res.target.id}: "${res.text}"`);
console.log(`   -> first attempt failed with ${res.attempts[0]?.error?.name}, retry-after ${(res.attempts[0]?.error as ProviderError | undefined)?.retryAfterMs}ms`);

console.log('\n2) stream: the primary answers 429 before any content, the backup streams');
let streamed = '';
const stream = gateway.stream({ model: 'smart', messages });
for await (const text of stream.textStream) streamed += text;
console.log(`   -> "${streamed}" (${(await stream.response).attempts.length} attempts)`);

console.log('\n3) stream: the primary fails after two chunks; no fallback once content went out');
let partial = '';
try {
  for await (const text of gateway.stream({ model: 'smart', messages }).textStream) partial += text;
} catch (err) {
  console.log(`   -> ${(err as Error).name} after "${partial}"`);
}

console.log('\n4) chat: a 400 is not retryable, so the backup is never tried');
try {
  await gateway.chat({ model: 'smart', messages });
} catch (err) {
  console.log(`   -> ${(err as Error).name}: ${(err as Error).message}`);
}

console.log(`\nprimary was called ${primary.calls.length} times, backup ${backup.calls.length} times`);
