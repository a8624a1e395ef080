import type { AttemptObserver, CallObserver, Instrumentation } from '../core/instrumentation.js';
import type { CallContext } from '../types/middleware.js';
import type { ChatResponse } from '../types/response.js';

/**
 * What a finished call hands its consumer: the call, how it ended, and when (epoch ms it started,
 * whole-call ms; both 0 unless `timed`).
 */
export type CallDone = (ctx: CallContext, startedAt: number, latencyMs: number, response: ChatResponse | undefined, error: unknown) => void;

/**
 * An instrumentation that reports each call once the call AND every attempt it started have ended.
 * A call can end before all its attempts do (a hedge's losing attempt is still being torn down, a
 * stream consumer left early), and those late attempts were billed too: waiting for them is what
 * makes a call's record complete. Nothing is created per chunk; per call, one observer.
 */
export function trackCalls(done: CallDone, timed: boolean): Instrumentation {
  return {
    startCall(ctx) {
      return new CallTracker(ctx, done, timed);
    },
  };
}

let warned = false;

class CallTracker implements CallObserver {
  private pending = 0;
  private ended = false;
  // Clock reads cost tens of ns each on some VMs: only taken when the consumer wants them.
  private readonly startedAt: number;
  private latencyMs = 0;
  private response: ChatResponse | undefined;
  private error: unknown;
  // Only counts attempts, so one observer object serves all of a call's attempts.
  private attempt: AttemptObserver | undefined;

  constructor(
    private readonly ctx: CallContext,
    private readonly done: CallDone,
    private readonly timed: boolean,
  ) {
    this.startedAt = timed ? Date.now() : 0;
  }

  startAttempt(): AttemptObserver {
    this.pending++;
    return (this.attempt ??= {
      end: () => {
        if (--this.pending === 0 && this.ended) this.flush();
      },
    });
  }

  end(response: ChatResponse | undefined, error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timed) this.latencyMs = performance.now() - this.ctx.startedAt;
    this.response = response;
    this.error = error;
    if (this.pending === 0) this.flush();
  }

  private flush(): void {
    try {
      this.done(this.ctx, this.startedAt, this.latencyMs, this.response, this.error);
    } catch (err) {
      // Runs inside the gateway's call: whatever goes wrong in reporting must not fail the call.
      if (!warned) console.warn('switchyard: usage tracking failed (further failures are not logged):', err);
      warned = true;
    }
  }
}
