import { AbortError, StreamInterruptedError } from '../errors/call-errors.js';
import type { ResetEvent } from '../types/stream-event.js';
import type { ChatResponse } from '../types/response.js';
import type { StreamEvent } from '../types/stream-event.js';

/** Runs a call's pipeline while folding its events into the final response. Supplied by the gateway. */
export interface StreamRun {
  events: AsyncIterable<StreamEvent>;
  /** Called for every event with the event; returns nothing. */
  observe(ev: StreamEvent): void;
  /** Builds the response once the events ended; throws if they never finished. */
  complete(): ChatResponse;
  /** Decorates an error before it reaches the caller (e.g. with the attempts made). */
  fail(err: unknown): unknown;
  /** Cancels the call (closes the provider socket). */
  cancel(reason: unknown): void;
  /** Releases timers; runs exactly once whatever happens. */
  cleanup(): void;
}

/**
 * A streaming call. Iterate it for typed events, or read `textStream` for text only, or just await
 * `response` for the aggregated answer (which also drains the stream). It can be consumed once.
 * Breaking out of the loop, calling `abort()`, or the request's signal firing cancels the HTTP request.
 */
export class ChatStream implements AsyncIterable<StreamEvent> {
  readonly #run: StreamRun;
  #started = false;
  #response: Promise<ChatResponse>;
  #resolve!: (r: ChatResponse) => void;
  #reject!: (e: unknown) => void;

  constructor(run: StreamRun) {
    this.#run = run;
    this.#response = new Promise<ChatResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A caller that only iterates must not get an unhandled rejection from the response promise.
    this.#response.catch(() => undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamEvent> {
    if (this.#started) throw new TypeError('a ChatStream can be consumed only once');
    this.#started = true;
    return this.#iterate();
  }

  /** The aggregated response. Resolves when the stream finished; drains it if nobody is iterating. */
  get response(): Promise<ChatResponse> {
    if (!this.#started) void this.#drain();
    return this.#response;
  }

  /**
   * The text deltas only. Consumes the stream like iterating it does. A text-only view cannot take
   * back what it yielded, so if a routing layer restarts the answer (a `reset` event) after text was
   * delivered, it ends with a StreamInterruptedError instead of splicing two answers together.
   */
  get textStream(): AsyncIterable<string> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        let delivered = '';
        let events = 0;
        for await (const ev of self) {
          if (ev.type === 'text-delta') {
            delivered += ev.text;
            events++;
            yield ev.text;
          } else if (ev.type === 'reset' && delivered !== '') {
            throw restartedError(ev, delivered, events);
          }
        }
      },
    };
  }

  /** Cancels the call. Iteration ends with an AbortError; `response` rejects with it. */
  abort(reason?: unknown): void {
    this.#run.cancel(reason instanceof Error ? reason : new AbortError('the stream was aborted by the caller'));
  }

  async #drain(): Promise<void> {
    this.#started = true;
    const it = this.#iterate();
    try {
      while (!(await it.next()).done) {
        // draining only: the response promise carries the result
      }
    } catch {
      // already delivered through the response promise
    }
  }

  // Hand-written rather than an async generator: one promise hop per event instead of a generator's
  // several, which is most of the per-chunk budget.
  #iterate(): AsyncIterator<StreamEvent> & AsyncIterable<StreamEvent> {
    const run = this.#run;
    let inner: AsyncIterator<StreamEvent> | undefined;
    let finished = false;
    const fail = (cause: unknown): never => {
      finished = true;
      const err = run.fail(cause);
      this.#reject(err);
      run.cleanup();
      throw err;
    };
    const onResult = (r: IteratorResult<StreamEvent>): IteratorResult<StreamEvent> => {
      if (!r.done) {
        run.observe(r.value);
        return r;
      }
      let response: ChatResponse;
      try {
        response = run.complete();
      } catch (err) {
        return fail(err);
      }
      finished = true;
      run.cleanup();
      this.#resolve(response);
      return r;
    };
    const iterator: AsyncIterator<StreamEvent> & AsyncIterable<StreamEvent> = {
      next: () => {
        if (finished) return Promise.resolve({ done: true, value: undefined });
        try {
          inner ??= run.events[Symbol.asyncIterator]();
          return inner.next().then(onResult, fail);
        } catch (err) {
          return Promise.reject(err).catch(fail);
        }
      },
      return: async () => {
        if (!finished) {
          finished = true;
          const reason = new AbortError('the stream was closed before it finished');
          try {
            await inner?.return?.();
          } catch {
            // the consumer is leaving; the response promise carries the outcome
          } finally {
            run.cancel(reason);
            this.#reject(run.fail(reason));
            run.cleanup();
          }
        }
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}

/** The error a view that cannot express a `reset` raises once it has delivered content. */
export function restartedError(ev: ResetEvent, text: string, events: number): StreamInterruptedError {
  return new StreamInterruptedError(
    ev.target,
    { text, reasoning: '', toolCalls: 0, events },
    new Error(`the answer restarted on ${ev.target} (${ev.reason}); this view cannot take back what it delivered`),
  );
}
