import type { AttemptRecord } from '../types/attempt.js';
import type { Cost } from '../types/cost.js';
import type { CallContext } from '../types/middleware.js';
import type { ChatResponse } from '../types/response.js';
import type { FinishEvent, StreamEvent } from '../types/stream-event.js';
import type { Target } from '../types/target.js';
import type { Usage } from '../types/usage.js';

// Seams between the engine and what observes it (telemetry, cost, usage reports). The engine calls
// these at fixed points; implementations live in their own folders and never reach into the core.

/** What an observer knows about an attempt when it starts. */
export interface AttemptStart {
  ctx: CallContext;
  target: Target;
  /** Adapter kind: `openai`, `anthropic`, `gemini`, … */
  kind: string;
  server: { address: string; port?: number } | undefined;
}

/** Follows one attempt. Every method is optional and must be cheap. */
export interface AttemptObserver {
  /** The first content event arrived (streams), or the answer did (generate). */
  firstToken?(): void;
  /** A content event after the first one (streams only). */
  chunk?(): void;
  /**
   * Every event of the attempt as the provider produced it (before outer layers transform it), in
   * both modes. Define it only when needed (e.g. content capture): it is on the per-chunk path.
   */
  event?(ev: StreamEvent): void;
  /**
   * Runs the adapter call (and a stream's first read) inside the observer's context, so spans the
   * SDK or HTTP instrumentation create nest under the attempt's span.
   */
  run?<T>(fn: () => T): T;
  /** The attempt is over; `finish` is set when it succeeded. Called exactly once. */
  end(record: AttemptRecord, finish: FinishEvent | undefined): void;
}

/** Follows one gateway call. */
export interface CallObserver {
  startAttempt(start: AttemptStart): AttemptObserver | undefined;
  /** Called exactly once, with the response or the error that ended the call. */
  end(response: ChatResponse | undefined, error: unknown): void;
}

/** Something that wants to observe calls (telemetry, usage reports). */
export interface Instrumentation {
  /** Returns undefined when it has nothing to do for this call (the cheap path). */
  startCall(ctx: CallContext): CallObserver | undefined;
}

/** Prices one attempt's usage; undefined when the model has no known price. */
export interface Pricer {
  price(target: Target, kind: string, usage: Usage, at: Date): Cost | undefined;
  /** The model's context window in tokens, when known (budgets size `maxTokens` with it). */
  contextWindow?(target: Target, kind: string): number | undefined;
}

/** Fans one call out to several instrumentations; undefined when none is interested. */
export function startCallObservers(list: readonly Instrumentation[], ctx: CallContext): CallObserver | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0]!.startCall(ctx);
  const calls: CallObserver[] = [];
  for (const i of list) {
    const c = attempt(() => i.startCall(ctx));
    if (c) calls.push(c);
  }
  if (calls.length === 0) return undefined;
  if (calls.length === 1) return calls[0];
  return {
    startAttempt(start) {
      const attempts: AttemptObserver[] = [];
      for (const c of calls) {
        const a = attempt(() => c.startAttempt(start));
        if (a) attempts.push(a);
      }
      if (attempts.length === 0) return undefined;
      return {
        firstToken: () => attempts.forEach((a) => a.firstToken?.()),
        chunk: () => attempts.forEach((a) => a.chunk?.()),
        event: (ev) => attempts.forEach((a) => a.event?.(ev)),
        run: <T>(fn: () => T): T => attempts.reduceRight<() => T>((inner, a) => (a.run ? () => a.run!(inner) : inner), fn)(),
        end: (record, finish) => attempts.forEach((a) => attempt(() => a.end(record, finish))),
      };
    },
    end: (response, error) => calls.forEach((c) => attempt(() => c.end(response, error))),
  };
}

/** Runs one observer's hook; a throwing observer must not take the others (or the call) down. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** Adds costs part by part; undefined parts are skipped. */
export function sumCosts(costs: ReadonlyArray<Cost | undefined>): Cost | undefined {
  let out: Cost | undefined;
  for (const c of costs) {
    if (!c) continue;
    if (!out) out = { ...c };
    else {
      out.total += c.total;
      out.input += c.input;
      out.cachedInput += c.cachedInput;
      out.cacheWrite += c.cacheWrite;
      out.output += c.output;
      out.reasoning += c.reasoning;
    }
  }
  return out;
}
