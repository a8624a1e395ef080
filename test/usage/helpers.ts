import { HealthRegistry } from '../../src/core/target-health.js';
import type { AttemptRecord, CallContext, Cost, GatewayConfig, Middleware, RequestMetadata, Usage } from '../../src/index.js';
import { normalizeRequest } from '../../src/request/normalize-request.js';

export const messages = [{ role: 'user' as const, content: 'hi' }];

/** Tries each model in turn on any error: the tiny two-target fallback the tests need. */
export function tryInTurn(models: readonly string[]): Middleware {
  return {
    name: 'try-in-turn',
    async *handle(_ctx, next) {
      let last: unknown;
      for (const model of models) {
        try {
          yield* next({ model });
          return;
        } catch (err) {
          last = err;
        }
      }
      throw last;
    },
  };
}

/** A call context as the gateway builds one, for driving an instrumentation by hand. */
export function callContext(metadata: RequestMetadata = {}, requestedModel = 'smart'): CallContext {
  return {
    id: `call-${Math.random().toString(36).slice(2, 8)}`,
    mode: 'generate',
    model: requestedModel,
    requestedModel,
    request: normalizeRequest({ model: requestedModel, messages }),
    metadata,
    signal: new AbortController().signal,
    deadline: undefined,
    attempts: [],
    state: new Map(),
    routing: [],
    limits: undefined,
    guards: [],
    health: new HealthRegistry(false),
    startedAt: performance.now(),
    resolve: () => undefined,
  };
}

export function cost(total: number, split: Partial<Omit<Cost, 'currency' | 'total'>> = {}): Cost {
  const parts = { input: total, cachedInput: 0, cacheWrite: 0, output: 0, reasoning: 0, ...split };
  return { currency: 'USD', total, ...parts };
}

export function tokens(inputTokens: number, outputTokens: number, extra: Partial<Usage> = {}): Usage {
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...extra };
}

export function attemptRecord(id: string, outcome: AttemptRecord['outcome'], usage?: Usage, c?: Cost): AttemptRecord {
  const [provider, model] = id.split('/') as [string, string];
  const r: AttemptRecord = { target: { provider, model, id }, mode: 'generate', outcome, startedAt: Date.now(), latencyMs: 1 };
  if (usage) r.usage = usage;
  if (c) r.cost = c;
  return r;
}

export type { GatewayConfig };
