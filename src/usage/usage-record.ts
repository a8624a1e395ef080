import { SwitchyardError } from '../errors/switchyard-error.js';
import { sumCosts } from '../core/instrumentation.js';
import type { AttemptRecord } from '../types/attempt.js';
import type { Cost } from '../types/cost.js';
import type { CallContext } from '../types/middleware.js';
import type { RequestMetadata } from '../types/request.js';
import type { ChatResponse } from '../types/response.js';
import type { Target } from '../types/target.js';
import type { Usage } from '../types/usage.js';

/** One gateway call, for billing and reporting: who asked, what served it, what it used and cost. */
export interface UsageRecord {
  /** The gateway call id. */
  callId: string;
  /** Epoch ms when the call started. */
  startedAt: number;
  mode: 'generate' | 'stream';
  /** Who: the request's metadata (`user`, `team`, `feature`, `tags`, …) as the caller gave it. */
  metadata: Readonly<RequestMetadata>;
  /** The model string the caller asked for: an alias or `provider/model`. */
  requestedModel: string;
  /** The target that served the call; undefined when the call failed. */
  served: Target | undefined;
  /** The model the provider said answered (may be a dated snapshot of the served one). */
  responseModel: string | undefined;
  /** `aborted`: the caller cancelled or stopped reading the stream. */
  status: 'success' | 'error' | 'aborted';
  /** The error that ended the call, when it did not succeed. */
  error: unknown;
  /** `SwitchyardError.code` of that error (`rate_limited`, `deadline_exceeded`, …). */
  errorCode: string | undefined;
  /**
   * Tokens of every attempt that reported usage, summed. A fallen-over or hedged call includes the
   * attempts that did not serve it: the provider billed them.
   */
  usage: Usage | undefined;
  /** Cost of those attempts, summed; undefined when none had a known price. */
  cost: Cost | undefined;
  /** Attempts that reported usage but had no price (unknown model): `cost` leaves them out. */
  unpricedAttempts: number;
  /** Whole-call wall time, ms. */
  latencyMs: number;
  /** Time from call start to the first content event, ms (successful calls). */
  timeToFirstTokenMs: number | undefined;
  /** Every attempt, in order of completion (each with its target, outcome, usage and cost). */
  attempts: readonly AttemptRecord[];
}

/** Builds a call's record. `ctx.attempts` is read as it is now: call this once every attempt has ended. */
export function buildUsageRecord(
  ctx: CallContext,
  startedAt: number,
  latencyMs: number,
  response: ChatResponse | undefined,
  error: unknown,
): UsageRecord {
  const attempts = ctx.attempts;
  let usage: Usage | undefined;
  let unpriced = 0;
  for (const a of attempts) {
    const u = a.usage;
    if (u) {
      if (!usage) usage = { ...u };
      else {
        usage.inputTokens += u.inputTokens;
        usage.outputTokens += u.outputTokens;
        usage.totalTokens += u.totalTokens;
        usage.cacheReadTokens += u.cacheReadTokens;
        usage.cacheWriteTokens += u.cacheWriteTokens;
        usage.reasoningTokens += u.reasoningTokens;
      }
      if (!a.cost) unpriced++;
    }
  }
  const cost = sumCosts(attempts.map((a) => a.cost));
  return {
    callId: ctx.id,
    startedAt,
    mode: ctx.mode,
    metadata: ctx.metadata,
    requestedModel: ctx.requestedModel,
    served: response?.target,
    responseModel: response?.model,
    status: response ? 'success' : error instanceof Error && error.name === 'AbortError' ? 'aborted' : 'error',
    error: response ? undefined : error,
    errorCode: !response && error instanceof SwitchyardError ? error.code : undefined,
    usage,
    cost,
    unpricedAttempts: unpriced,
    latencyMs,
    timeToFirstTokenMs: response?.timing.timeToFirstTokenMs,
    attempts,
  };
}
